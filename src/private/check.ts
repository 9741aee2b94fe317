// The operators' checks of a private asset (docs/protocol.md section 17.6), beside the public ones of
// src/node/checks.ts: the openings decrypted from the private blob open the commitments the ledger holds (C_A, C_L,
// C_S), the liabilities opening is the root sum the leaves rebuild to, and the reserves opening is the total the
// PoA proves at the block of t. Each check returns a named CheckResult with a reason; a failed one makes the
// operator vote Insolvent, as for a public set.
import { getAddress, hexlify } from "ethers";

import type { CheckResult } from "../node/checks.js";
import { SUBGROUP_ORDER } from "../crypto/field.js";
import {
  PrivateBlobError,
  checkEncryptionKeyPair,
  openPrivateBlob,
  privateBlobHeaderRecipients,
  type BlobRecipient,
  type EncryptionKeyPair,
  type PrivateBlobContext,
  type PrivateBlobPayload,
} from "./blob.js";
import { MAX_COMMITTED, commit, type PrivateOpenings } from "./pedersen.js";

const pass = (name: string, detail?: string): CheckResult => ({ name, ok: true, value: undefined, detail });
const fail = <T = undefined>(name: string, reason: string): CheckResult<T> => ({ name, ok: false, reason });

/** The six commitment words `[C_A.x, C_A.y, C_L.x, C_L.y, C_S.x, C_S.y]` the ledger emitted. */
export type CommitmentWords = readonly bigint[];

/**
 * The operator opens the private blob with its key pair, the key the registry holds for it at t (the caller checked
 * that). Every failure is the member's: the blob is the one it committed (its digest checked), the operator is one of
 * the recipients it had to seal to (a co-signing operator with a key in force at t), so a blob that does not list
 * the operator, wraps its content key to another key, or does not open, locks a verifier out ("private-blob").
 */
export function checkPrivateBlobOpens(
  bytes: Uint8Array,
  operator: string,
  key: EncryptionKeyPair,
  context: PrivateBlobContext,
): CheckResult<PrivateBlobPayload> {
  const name = "private-blob";
  const me = getAddress(operator);
  const lockedOut = (why: string): CheckResult<PrivateBlobPayload> =>
    fail<PrivateBlobPayload>(
      name,
      `${why}; the operator's encryption key is in force at t, so the member locked a verifier out`,
    );
  // The node's own key pair first: a broken configuration is the node's fault, thrown (never a vote).
  checkEncryptionKeyPair(key);
  try {
    const listed = privateBlobHeaderRecipients(bytes).find((r) => r.operator === me);
    if (listed === undefined) return lockedOut(`operator ${me} is not a recipient of the blob`);
    const registered = hexlify(key.publicKey);
    if (typeof listed.key !== "string" || listed.key.toLowerCase() !== registered) {
      return lockedOut(`the blob wraps ${me}'s content key to ${String(listed.key)}, not its key ${registered}`);
    }
    return { name, ok: true, value: openPrivateBlob(bytes, me, key, context) };
  } catch (e) {
    // Whatever fails in opening the blob the member committed (its digest checked) is the member's: the blob is
    // bytes it wrote, and no RPC or fetch happens here.
    if (e instanceof PrivateBlobError) return lockedOut(e.message);
    return lockedOut(`the private blob does not open (${(e as Error).name}: ${(e as Error).message})`);
  }
}

/**
 * Every recipient the registry lists for the blob's t (a co-signing operator or auditor with a key in force at t) is
 * in the blob's header with its registered key: a member that leaves one out or names a decoy key for it locks that
 * reader out, and every node refuses the blob (not only the one locked out). The registry's recipients of t never
 * change, so an entry it does not list is refused too (before any wrap is checked: a header of thousands of made-up
 * entries would otherwise cost every node their X25519 work).
 */
export function checkPrivateBlobRecipients(bytes: Uint8Array, expected: readonly BlobRecipient[]): CheckResult {
  const name = "private-blob";
  let listed: { operator: string; key: string }[];
  try {
    listed = privateBlobHeaderRecipients(bytes);
  } catch (e) {
    return fail(name, `the private blob's header does not parse (${(e as Error).message})`);
  }
  for (const r of expected) {
    const operator = getAddress(r.operator);
    const entry = listed.find((l) => l.operator === operator);
    if (entry === undefined) return fail(name, `the blob leaves out ${operator}, a recipient the registry lists at t`);
    if (entry.key.toLowerCase() !== hexlify(r.publicKey)) {
      return fail(
        name,
        `the blob wraps ${operator}'s content key to ${entry.key}, not its registered key ${hexlify(r.publicKey)}`,
      );
    }
  }
  const known = new Set(expected.map((r) => getAddress(r.operator)));
  const extra = listed.find((l) => !known.has(l.operator));
  if (extra !== undefined)
    return fail(name, `the blob names ${extra.operator}, not a recipient the registry lists at t`);
  return pass(name, `${expected.length} registered recipient(s) listed with their keys`);
}

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
