// The operators' checks of a private asset (docs/protocol.md section 17.6), beside the public ones of
// src/node/checks.ts: the openings decrypted from the private blob open the commitments the ledger holds (C_A, C_L,
// C_S), the liabilities opening is the root sum the leaves rebuild to, and the reserves opening is the total the
// PoA proves at the block of t. Each check returns a named CheckResult with a reason; a failed one makes the
// operator vote Insolvent, as for a public set.
import type { CheckResult } from "../node/checks.js";
import { SUBGROUP_ORDER } from "../crypto/field.js";
import { MAX_COMMITTED, commit, type PrivateOpenings } from "./pedersen.js";

const pass = (name: string, detail?: string): CheckResult => ({ name, ok: true, value: undefined, detail });
const fail = (name: string, reason: string): CheckResult => ({ name, ok: false, reason });

/** The six commitment words `[C_A.x, C_A.y, C_L.x, C_L.y, C_S.x, C_S.y]` the ledger emitted. */
export type CommitmentWords = readonly bigint[];

/** Each commitment opens to its value and blinding (values in range, blindings scalars). */
export function checkPrivateOpenings(words: CommitmentWords, o: PrivateOpenings): CheckResult[] {
  const out: CheckResult[] = [];
  const each: [string, number, bigint, bigint][] = [
    ["C_A", 0, o.assets, o.rA],
    ["C_L", 2, o.liabilities, o.rL],
    ["C_S", 4, o.surplus, o.rS],
  ];
  for (const [label, i, v, r] of each) {
    const name = `private-opening-${label}`;
    if (v < 0n || v >= MAX_COMMITTED) {
      out.push(fail(name, `${label} opens to ${v}, not in [0, 2^128)`));
      continue;
    }
    if (r < 0n || r >= SUBGROUP_ORDER) {
      out.push(fail(name, `${label}'s blinding is not below the subgroup order`));
      continue;
    }
    const p = commit(v, r);
    if (p[0] !== words[i] || p[1] !== words[i + 1]) {
      out.push(fail(name, `${label} does not open to the value and blinding in the blob`));
      continue;
    }
    out.push(pass(name));
  }
  if (!out.some((c) => !c.ok) && o.assets !== o.liabilities + o.surplus) {
    out.push(fail("private-sum", `A = ${o.assets} is not L + S = ${o.liabilities + o.surplus}`));
  }
  return out;
}

/** The liabilities opening is the root sum the leaves rebuild to under the committed root hash. */
export function checkPrivateLiabilities(rebuiltRootSum: bigint, o: PrivateOpenings): CheckResult {
  if (rebuiltRootSum !== o.liabilities) {
    return fail("private-liabilities", `C_L opens to ${o.liabilities}, the leaves sum to ${rebuiltRootSum}`);
  }
  return pass("private-liabilities");
}

/** The reserves opening is the total the PoA proves (a member claiming more than it holds is Insolvent). */
export function checkPrivateReserves(verified: bigint, o: PrivateOpenings): CheckResult {
  if (verified !== o.assets) {
    return fail("private-reserves", `C_A opens to reserves ${o.assets}, the PoA proves ${verified}`);
  }
  return pass("private-reserves", `${verified} base units verified`);
}
