// The per-user record file (version 2): one self-contained JSON with the record, its signature, the record key,
// the inclusion path at depth D, the root and the opening of the record's payout commitment. Also its
// verification, with a verdict a non-expert can read: the ONE implementation of the checks, run by `record verify`
// (tasks/verify-record.ts) and by the web page (web/) in the browser. No Node built-in here (src/records/file.ts adds
// reading from disk).

import { z } from "zod";

import { getAddress } from "ethers";

import {
  address,
  decimal,
  fieldElement,
  u248String,
  u256String,
  u64String,
  u96String,
  uint32,
} from "../schema/index.js";

import { isInPrimeSubgroup, type Point } from "../crypto/babyjub.js";
import { SUBGROUP_ORDER } from "../crypto/field.js";
import type { Crypto } from "../crypto/index.js";
import { InputError, zodIssue } from "../ledger/input-error.js";
import { emptySubtrees, verifyProof, type InclusionProof, type TreeNode } from "../tree/index.js";
import { accountKeyOf, leafHash, recordKeyHash, recordMessage, recordNullifier, type BalanceRecord } from "./record.js";
import { payoutHashOf } from "./payout.js";

const dec = decimal;
const field = fieldElement;
const node = z.strictObject({ h: field, s: dec });

/** Format tag and version of a record file. */
export const RECORD_FILE_FORMAT = "por.record";
export const RECORD_FILE_VERSION = 2;

/** Why a version 1 record file is refused. */
export const RECORD_FILE_V1_REFUSAL =
  "record file version 1 predates payout commitments; ask the member for a version 2 record";

/** The opening of a payout commitment: the address paid and its salt. */
export const payoutOpeningSchema = z.strictObject({ address, salt: u256String });

/** A balance record as JSON: the `record` of a record file and of a forwarded record. */
export const balanceRecordJson = z.strictObject({
  member: address,
  asset: uint32,
  t: u64String,
  slot: uint32,
  accountKey: field,
  balance: u96String,
  /** `payoutHashOf(payout)`, or "0" when no payout is registered. */
  payoutHash: u248String,
});

/** An EdDSA-Poseidon signature as JSON. */
export const signatureJson = z.strictObject({ R8x: field, R8y: field, S: dec });

/** A JSON balance record as numbers. */
export function balanceRecordOf(r: z.infer<typeof balanceRecordJson>): BalanceRecord {
  return {
    member: BigInt(r.member),
    asset: r.asset,
    t: BigInt(r.t),
    slot: r.slot,
    accountKey: BigInt(r.accountKey),
    balance: BigInt(r.balance),
    payoutHash: BigInt(r.payoutHash),
  };
}

/** Record file schema, version 2. */
export const recordFileSchema = z.strictObject({
  format: z.literal(RECORD_FILE_FORMAT),
  version: z.literal(RECORD_FILE_VERSION),
  accountId: z.string().min(1).max(256),
  accountSalt: field,
  assetSymbol: z.string().min(1).max(32),
  record: balanceRecordJson,
  /** The opening of `record.payoutHash`, or null when the record registers no payout (payoutHash 0). */
  payout: payoutOpeningSchema.nullable(),
  message: field,
  nullifier: field,
  signature: signatureJson,
  recordKey: z.strictObject({ Ax: field, Ay: field, keyHash: field }),
  tree: z.strictObject({
    D: z.number().int().min(1).max(32),
    d: z.number().int().min(1).max(32),
    rootHash: field,
    rootSum: dec,
    leaf: node,
    siblings: z.array(node).min(1).max(32),
  }),
});

/** A parsed record file. */
export type RecordFile = z.infer<typeof recordFileSchema>;

/** What a record file is made of (as numbers), for {@link recordFileOf}. */
export interface RecordFileParts {
  accountId: string;
  accountSalt: bigint;
  assetSymbol: string;
  /** The signed record (its member is written as a lower-case 0x address). */
  record: BalanceRecord;
  payout: { address: string; salt: bigint } | null;
  message: bigint;
  nullifier: bigint;
  signature: { R8x: bigint; R8y: bigint; S: bigint };
  recordKey: { Ax: bigint; Ay: bigint; keyHash: bigint };
  D: number;
  d: number;
  root: TreeNode;
  proof: InclusionProof;
}

const nodeJson = (n: TreeNode) => ({ h: n.h.toString(), s: n.s.toString() });

/**
 * The record file of `p`, its fields in their canonical order: the one construction behind the per-user files a
 * snapshot writes and the records a records bundle exports (src/records/bundle.ts), so both give the same bytes.
 */
export function recordFileOf(p: RecordFileParts): RecordFile {
  return {
    format: RECORD_FILE_FORMAT,
    version: RECORD_FILE_VERSION,
    accountId: p.accountId,
    accountSalt: p.accountSalt.toString(),
    assetSymbol: p.assetSymbol,
    record: {
      member: "0x" + p.record.member.toString(16).padStart(40, "0"),
      asset: p.record.asset,
      t: p.record.t.toString(),
      slot: p.record.slot,
      accountKey: p.record.accountKey.toString(),
      balance: p.record.balance.toString(),
      payoutHash: p.record.payoutHash.toString(),
    },
    payout: p.payout === null ? null : { address: p.payout.address, salt: p.payout.salt.toString() },
    message: p.message.toString(),
    nullifier: p.nullifier.toString(),
    signature: { R8x: p.signature.R8x.toString(), R8y: p.signature.R8y.toString(), S: p.signature.S.toString() },
    recordKey: {
      Ax: p.recordKey.Ax.toString(),
      Ay: p.recordKey.Ay.toString(),
      keyHash: p.recordKey.keyHash.toString(),
    },
    tree: {
      D: p.D,
      d: p.d,
      rootHash: p.root.h.toString(),
      rootSum: p.root.s.toString(),
      leaf: nodeJson(p.proof.leaf),
      siblings: p.proof.siblings.map(nodeJson),
    },
  };
}

/** A record file's text as a snapshot writes it: two-space indented JSON and a final newline. */
export function formatRecordFile(f: RecordFile): string {
  return JSON.stringify(f, null, 2) + "\n";
}

/** Parses and validates a record file's JSON text; a version 1 file is refused with {@link RECORD_FILE_V1_REFUSAL}. */
export function parseRecordFile(text: string, file = "record.json"): RecordFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(file, undefined, undefined, `not valid JSON (${(e as Error).message})`);
  }
  if (isVersion1(json)) throw new InputError(file, undefined, "version", RECORD_FILE_V1_REFUSAL);
  const r = recordFileSchema.safeParse(json);
  if (!r.success) {
    const { field: f, reason } = zodIssue(r.error);
    throw new InputError(file, undefined, f, reason);
  }
  return r.data;
}

function isVersion1(json: unknown): boolean {
  if (typeof json !== "object" || json === null) return false;
  const o = json as { format?: unknown; version?: unknown };
  return o.format === RECORD_FILE_FORMAT && o.version === 1;
}

/** Converts the file's record to a {@link BalanceRecord}. */
export function recordOf(f: RecordFile): BalanceRecord {
  return balanceRecordOf(f.record);
}

/** The file's inclusion proof. */
export function proofOf(f: RecordFile): InclusionProof {
  const n = (x: { h: string; s: string }): TreeNode => ({ h: BigInt(x.h), s: BigInt(x.s) });
  return { slot: f.record.slot, leaf: n(f.tree.leaf), siblings: f.tree.siblings.map(n) };
}

/** What the verifier compares against, besides the file itself. */
export interface VerifyExpectations {
  /**
   * The root published for this (member, asset, t), e.g. read from chain. Without it only self-consistency. `s`
   * undefined: a private set, whose sum is not published (the root hash binds the root's two child sums).
   */
  root?: { h: bigint; s: bigint | undefined };
  /** The registered record key hash (or public key) of the member at t. */
  keyHash?: bigint;
  /** The user's own account id: the file must be about this account. */
  accountId?: string;
  /** The user's own payout address: the record's payout commitment must open to it. */
  payout?: string;
}

/** One check and its outcome. */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  /** A passed check the reader should still act on (e.g. no payout registered). */
  warning?: boolean;
}

/** What the checks need of the crypto: Poseidon and EdDSA-Poseidon verification (src/crypto, or the page's). */
export type RecordCrypto = Pick<Crypto, "poseidon" | "verify">;

/** Result of verifying a record file. */
export interface Verdict {
  ok: boolean;
  checks: Check[];
  /** A short summary for a non-expert. */
  summary: string;
}

/**
 * Verifies a record file: account key, message (v2) and nullifier, record key in the prime-order subgroup,
 * signature, payout opening (a warning when none is registered), key hash, tree shape, leaf, inclusion path, and the
 * expectations (published root, registered key hash, the user's account id and payout address).
 */
export function verifyRecordFile(crypto: RecordCrypto, f: RecordFile, expect: VerifyExpectations = {}): Verdict {
  const poseidon = (i: readonly bigint[]) => crypto.poseidon(i);
  const checks: Check[] = [];
  const add = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  const rec = recordOf(f);
  const D = f.tree.D;

  if (expect.accountId !== undefined) {
    add("account", f.accountId === expect.accountId, `the record is for account "${f.accountId}"`);
  }
  const key = accountKeyOf(poseidon, f.accountId, BigInt(f.accountSalt), rec.t);
  add(
    "account key",
    key === rec.accountKey,
    key === rec.accountKey
      ? "the record's account key is derived from your account id and salt, so no one else shares it"
      : "the record's account key does NOT match your account id and salt",
  );
  const m = recordMessage(poseidon, rec);
  add("message", m === BigInt(f.message), "the signed message encodes exactly this record");
  add("nullifier", recordNullifier(poseidon, m) === BigInt(f.nullifier), "the nullifier matches the message");
  const A: Point = [BigInt(f.recordKey.Ax), BigInt(f.recordKey.Ay)];
  const strongKey = isInPrimeSubgroup(A);
  add(
    "record key",
    strongKey,
    strongKey
      ? "the record key is a point of the prime-order subgroup"
      : "the record key is NOT in the prime-order subgroup: anyone can sign under such a key",
  );
  const sig = { R8x: BigInt(f.signature.R8x), R8y: BigInt(f.signature.R8y), S: BigInt(f.signature.S) };
  const sigOk = sig.S < SUBGROUP_ORDER && crypto.verify(m, sig, A);
  add("signature", sigOk, sigOk ? "the member's record key signed this record" : "the signature is NOT valid");
  checks.push(payoutCheck(f, rec.payoutHash, expect.payout));
  const kh = recordKeyHash(poseidon, A[0], A[1]);
  add("key hash", kh === BigInt(f.recordKey.keyHash), "the record key hashes to the key hash in the file");
  if (expect.keyHash !== undefined) {
    add(
      "registered key",
      kh === expect.keyHash,
      kh === expect.keyHash
        ? "the record key is the one registered for this member"
        : "the record key is NOT the registered key: this record may not be from the member",
    );
  }
  // The slot space 2^d is lifted to depth D through empty subtrees: every sibling at a level >= d is E_level.
  const empties = emptySubtrees(poseidon, D);
  const liftOk = f.tree.siblings.every(
    (sib, k) => k < f.tree.d || (BigInt(sib.h) === empties[k].h && BigInt(sib.s) === 0n),
  );
  const shapeOk = f.tree.d <= D && f.tree.siblings.length === D && rec.slot < 2 ** f.tree.d && liftOk;
  add(
    "tree shape",
    shapeOk,
    shapeOk
      ? `depth D = ${D}, slot space 2^${f.tree.d} lifted through empty subtrees, slot inside it`
      : `the path does not fit depth D = ${D} with slot space 2^${f.tree.d}`,
  );
  const lh = leafHash(poseidon, rec.accountKey, rec.balance);
  const leafOk = BigInt(f.tree.leaf.h) === lh && BigInt(f.tree.leaf.s) === rec.balance;
  add(
    "leaf",
    leafOk,
    leafOk ? "the tree's leaf holds your account and balance" : "the leaf does NOT hold your balance",
  );
  const root: TreeNode = { h: BigInt(f.tree.rootHash), s: BigInt(f.tree.rootSum) };
  const pathOk = shapeOk && verifyProof(poseidon, proofOf(f), root);
  add("inclusion", pathOk, pathOk ? "the path from your leaf reaches the root" : "the path does NOT reach the root");
  if (expect.root?.s === undefined && expect.root !== undefined) {
    const same = expect.root.h === root.h;
    add(
      "published root",
      same,
      same
        ? "the root hash equals the published root hash (a private set: its sum is hidden on-chain, the root hash " +
            "binds it)"
        : "the root hash differs from the published root hash",
    );
  } else if (expect.root !== undefined) {
    const same = expect.root.h === root.h && expect.root.s === root.s;
    add(
      "published root",
      same,
      same ? "the root equals the published root" : "the root differs from the published root",
    );
  } else {
    add("published root", true, "not compared: no published root was given (pass one to complete the check)");
  }
  const ok = checks.every((c) => c.ok);
  const failed = checks.filter((c) => !c.ok).map((c) => c.name);
  const signed = checks.find((c) => c.name === "signature")?.ok === true;
  let summary: string;
  if (ok) {
    summary =
      `VALID: your balance of ${rec.balance} base units (asset ${f.assetSymbol}) is signed by the member and ` +
      `included in its liabilities tree for time ${rec.t}` +
      (expect.root === undefined ? " (root not compared with a published one)." : ".") +
      (rec.payoutHash === 0n
        ? " No payout is registered: restitution for this record would wait for governance to assign a payout."
        : "");
  } else if (failed.includes("record key")) {
    summary =
      `INVALID: ${failed.join(", ")} failed. The record key is not in the prime-order subgroup, so anyone can sign ` +
      "under it and this file proves nothing about the member; report the member's key to the operators.";
  } else if (!signed) {
    summary = `INVALID: ${failed.join(", ")} failed. This file is not a record signed by the member.`;
  } else if (failed.includes("registered key")) {
    summary = `INVALID: ${failed.join(", ")} failed. The record key is not the member's registered key, so this file proves nothing about the member.`;
  } else if (failed.length === 1 && failed[0] === "payout") {
    const detail = checks.find((c) => c.name === "payout")?.detail ?? "";
    summary =
      `INVALID: payout: ${detail}. The member signed this record, so keep the file (it is evidence for a fraud ` +
      "proof), but its restitution is not yours to claim as it stands: ask the member for the right payout opening.";
  } else if (failed.length === 1 && failed[0] === "account") {
    summary = `INVALID: this record is about another account ("${f.accountId}"), not yours.`;
  } else {
    summary =
      `INVALID: ${failed.join(", ")} failed. The member signed this record, so keep the file: ` +
      "it may be evidence for a fraud proof against the member.";
  }
  return { ok, checks, summary };
}

/**
 * The payout check: a record with a payout commitment must carry its opening, and the opening must hash to it (and
 * name `expected`, the user's own address, when given); a record without one (payoutHash 0) passes with a warning.
 */
function payoutCheck(f: RecordFile, payoutHash: bigint, expected: string | undefined): Check {
  const name = "payout";
  const want = expected === undefined ? undefined : getAddress(expected.toLowerCase());
  if (payoutHash === 0n) {
    if (f.payout !== null) {
      return { name, ok: false, detail: "the file gives a payout opening but the record registers no payout" };
    }
    if (want !== undefined) {
      return { name, ok: false, detail: `none registered, so restitution would NOT be paid to ${want}` };
    }
    return {
      name,
      ok: true,
      warning: true,
      detail:
        "none registered. The record is still valid, but a claim on it would be held until governance assigns " +
        "a payout (after an identity check); give the member a payout address for future snapshots",
    };
  }
  if (f.payout === null) {
    return { name, ok: false, detail: "the record commits to a payout but the file does not open it" };
  }
  const addr = getAddress(f.payout.address.toLowerCase());
  if (payoutHashOf({ address: addr, salt: BigInt(f.payout.salt) }) !== payoutHash) {
    return { name, ok: false, detail: `the payout opening (${addr}) does NOT match the record's payout hash` };
  }
  if (want !== undefined && want !== addr) {
    return { name, ok: false, detail: `restitution goes to ${addr}, NOT to your address ${want}` };
  }
  return { name, ok: true, detail: `restitution for this record is paid to ${addr}` };
}
