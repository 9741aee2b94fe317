// The LeafMismatch statement in TypeScript: checks, before any proving, that a signed record and the tree
// node at its slot really are a fraud the circuit can prove, and says why not when they are not.
import { FIELD_P, KEY_DOMAIN, MAX_SUM, NULLIFIER_DOMAIN, RECORD_DOMAIN, SUBGROUP_ORDER } from "../crypto/field.js";
import type { ProverCrypto } from "./crypto.js";

/** A signed balance record with its signature and the record key (docs/protocol.md section 3). */
export interface SignedRecord {
  member: bigint;
  asset: bigint;
  t: bigint;
  slot: bigint;
  accountKey: bigint;
  balance: bigint;
  /** The payout commitment the member signed in the record (0: no payout registered). */
  payoutHash: bigint;
  signature: { R8x: bigint; R8y: bigint; S: bigint };
  publicKey: { Ax: bigint; Ay: bigint };
}

/** A tree node `(h, s)`. */
export interface TreeNode {
  h: bigint;
  s: bigint;
}

/** The node at a slot and its siblings, bottom-up (level 0 is the leaf's sibling). */
export interface SlotPath {
  slot: bigint;
  leaf: TreeNode;
  siblings: TreeNode[];
}

/** What kind of fraud the node at the record's slot shows. */
export type FraudKind = "missing-user-empty-slot" | "missing-user-other-account" | "under-reported" | "malformed-path";

/** Why a proof was refused: each is a case the circuit would reject. */
export type RefusalReason =
  "no-fraud" | "bad-signature" | "weak-key" | "out-of-range" | "wrong-slot" | "wrong-depth" | "root-mismatch";

/** Raised when there is no fraud to prove, or the inputs could never make a valid proof. */
export class FraudProofRefused extends Error {
  override name = "FraudProofRefused";
  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
  }
}

/** The checked statement: public values, the fraud kind, and the circuit's input signals. */
export interface FraudStatement {
  kind: FraudKind;
  rootHash: bigint;
  rootSum: bigint;
  keyHash: bigint;
  member: bigint;
  asset: bigint;
  t: bigint;
  /** What the record is owed: the signed balance, or the shortfall of an under-reported leaf. */
  claim: bigint;
  context: bigint;
  nullifier: bigint;
  payoutHash: bigint;
  /** When the path is malformed: the index of the out-of-range sum (0 leaf, 1..D siblings, D+1..2D path sums). */
  badIndex?: number;
  /** Input signals of LeafMismatch(D), by name, as decimal strings. */
  circuitInput: Record<string, string | string[]>;
}

/** `context = asset + t * 2^32 + claim * 2^96` (asset < 2^32, t < 2^64, claim < 2^96). */
export function packContext(asset: bigint, t: bigint, claim: bigint): bigint {
  if (asset < 0n || asset >= 1n << 32n) throw new RangeError("asset must be below 2^32");
  if (t < 0n || t >= 1n << 64n) throw new RangeError("t must be below 2^64");
  if (claim < 0n || claim >= 1n << 96n) throw new RangeError("claim must be below 2^96");
  return asset + (t << 32n) + (claim << 96n);
}

/** Splits a context back into (asset, t, claim). */
export function unpackContext(context: bigint): { asset: bigint; t: bigint; claim: bigint } {
  if (context < 0n || context >= 1n << 192n) throw new RangeError("context must be below 2^192");
  return { asset: context & 0xffffffffn, t: (context >> 32n) & 0xffffffffffffffffn, claim: context >> 96n };
}

function requireBelow(value: bigint, bits: number, what: string): void {
  if (value < 0n || value >= 1n << BigInt(bits)) {
    throw new FraudProofRefused("out-of-range", `${what} must be a non-negative integer below 2^${bits}, got ${value}`);
  }
}

/** The record message `m` v2 (docs/protocol.md section 3). */
export function recordMessage(c: ProverCrypto, r: SignedRecord): bigint {
  return c.poseidon([RECORD_DOMAIN, r.member, r.asset, r.t, r.slot, r.accountKey, r.balance, r.payoutHash]);
}

/**
 * The nodes on the path from `path.leaf` at `slot` up to the root (sums added in the field, as the circuit does):
 * index 0 is the leaf, index D the root.
 */
export function pathNodes(c: ProverCrypto, slot: bigint, path: SlotPath): TreeNode[] {
  const nodes: TreeNode[] = [path.leaf];
  path.siblings.forEach((sib, i) => {
    const cur = nodes[i];
    const [l, r] = (slot >> BigInt(i)) & 1n ? [sib, cur] : [cur, sib];
    nodes.push({ h: c.poseidon([l.h, l.s, r.h, r.s]), s: (l.s + r.s) % FIELD_P });
  });
  return nodes;
}

/**
 * The first sum on the path that is out of range (>= 2^128), as the circuit's badIndex: 0 the leaf sum, 1..D the
 * sibling sums, D+1..2D the path's node sums at levels 1..D; undefined for a well-formed path.
 */
export function malformedIndex(path: SlotPath, nodes: readonly TreeNode[]): number | undefined {
  const depth = path.siblings.length;
  if (path.leaf.s >= MAX_SUM) return 0;
  for (let i = 0; i < depth; i++) if (path.siblings[i].s >= MAX_SUM) return 1 + i;
  for (let i = 1; i <= depth; i++) if (nodes[i].s >= MAX_SUM) return depth + i;
  return undefined;
}

/** `keyHash = Poseidon(KEY_DOMAIN, Ax, Ay)`. */
export function keyHashOf(c: ProverCrypto, key: { Ax: bigint; Ay: bigint }): bigint {
  return c.poseidon([KEY_DOMAIN, key.Ax, key.Ay]);
}

/** `nullifier = Poseidon(NULLIFIER_DOMAIN, m)`. */
export function nullifierOf(c: ProverCrypto, m: bigint): bigint {
  return c.poseidon([NULLIFIER_DOMAIN, m]);
}

/**
 * Checks everything LeafMismatch(depth) checks and builds its input, or throws FraudProofRefused with a reason
 * a user can act on. `expectedRoot`, when given (the committed root hash), must be what the path reaches.
 */
export function buildStatement(
  c: ProverCrypto,
  depth: number,
  record: SignedRecord,
  path: SlotPath,
  expectedRoot?: bigint,
): FraudStatement {
  // Ranges of the record (the circuit's Num2Bits checks).
  requireBelow(record.member, 160, "record member");
  requireBelow(record.asset, 32, "record asset");
  requireBelow(record.t, 64, "record t");
  requireBelow(record.balance, 96, "record balance");
  requireBelow(record.accountKey, 254, "record accountKey");
  if (record.accountKey >= FIELD_P)
    throw new FraudProofRefused("out-of-range", "record accountKey is not a field element");
  if (record.slot < 0n || record.slot >= 1n << BigInt(depth)) {
    throw new FraudProofRefused("out-of-range", `record slot ${record.slot} is outside a tree of depth ${depth}`);
  }
  if (record.payoutHash < 0n || record.payoutHash >= FIELD_P) {
    throw new FraudProofRefused("out-of-range", "record payoutHash is not a field element");
  }

  // The signature by the record key, with the curve checks the circuit adds.
  const { signature: sig, publicKey: key } = record;
  if (!c.onCurve(key.Ax, key.Ay))
    throw new FraudProofRefused("bad-signature", "the record key A is not on Baby Jubjub");
  if (!c.inSubgroup(key.Ax, key.Ay)) {
    throw new FraudProofRefused(
      "weak-key",
      "the record key is not in Baby Jubjub's prime-order subgroup: anyone can sign under it, and no fraud proof " +
        "can exist (the member's registered key is itself the evidence: report it to the operators)",
    );
  }
  if (!c.onCurve(sig.R8x, sig.R8y))
    throw new FraudProofRefused("bad-signature", "the signature's R8 is not on Baby Jubjub");
  if (sig.S < 0n || sig.S >= SUBGROUP_ORDER) {
    throw new FraudProofRefused("bad-signature", "the signature's S is not below the subgroup order");
  }
  const m = recordMessage(c, record);
  if (!c.verify(m, sig, key)) {
    throw new FraudProofRefused(
      "bad-signature",
      "the signature does not verify for this record under this key (a changed field, or another key)",
    );
  }

  // The path.
  if (path.slot !== record.slot) {
    throw new FraudProofRefused("wrong-slot", `the path is for slot ${path.slot}, the record's slot is ${record.slot}`);
  }
  if (path.siblings.length !== depth) {
    throw new FraudProofRefused("wrong-depth", `the path has ${path.siblings.length} levels, the circuit ${depth}`);
  }
  for (const [i, n] of [path.leaf, ...path.siblings].entries()) {
    const what = i === 0 ? "the leaf" : `sibling ${i - 1}`;
    if (n.h < 0n || n.h >= FIELD_P)
      throw new FraudProofRefused("out-of-range", `${what}'s hash is not a field element`);
    if (n.s < 0n || n.s >= FIELD_P) throw new FraudProofRefused("out-of-range", `${what}'s sum is not a field element`);
  }
  const nodes = pathNodes(c, record.slot, path);
  const cur = nodes[depth];
  if (expectedRoot !== undefined && cur.h !== expectedRoot) {
    throw new FraudProofRefused(
      "root-mismatch",
      `the path reaches root hash ${cur.h}, not the committed ${expectedRoot}: it is not a path of that tree`,
    );
  }
  const badIndex = malformedIndex(path, nodes);

  // The mismatch.
  const leaf = path.leaf;
  const own = c.poseidon([record.accountKey, leaf.s]) === leaf.h;
  if (badIndex === undefined && own && leaf.s >= record.balance) {
    throw new FraudProofRefused(
      "no-fraud",
      `no fraud: slot ${record.slot} holds this account with ${leaf.s} >= the signed balance ${record.balance}`,
    );
  }
  const kind: FraudKind =
    badIndex !== undefined
      ? "malformed-path"
      : !own
        ? leaf.h === 0n && leaf.s === 0n
          ? "missing-user-empty-slot"
          : "missing-user-other-account"
        : "under-reported";
  // An under-reported leaf is owed the shortfall; a missing user (and every user under a malformed path) the balance.
  const claim = kind === "under-reported" ? record.balance - leaf.s : record.balance;

  const context = packContext(record.asset, record.t, claim);
  const keyHash = keyHashOf(c, key);
  const nullifier = nullifierOf(c, m);
  const dec = (v: bigint) => v.toString();
  return {
    kind,
    rootHash: cur.h,
    rootSum: cur.s,
    keyHash,
    member: record.member,
    asset: record.asset,
    t: record.t,
    claim,
    context,
    nullifier,
    payoutHash: record.payoutHash,
    badIndex,
    circuitInput: {
      rootHash: dec(cur.h),
      keyHash: dec(keyHash),
      member: dec(record.member),
      context: dec(context),
      nullifier: dec(nullifier),
      payoutHash: dec(record.payoutHash),
      slot: dec(record.slot),
      accountKey: dec(record.accountKey),
      balance: dec(record.balance),
      Ax: dec(key.Ax),
      Ay: dec(key.Ay),
      R8x: dec(sig.R8x),
      R8y: dec(sig.R8y),
      S: dec(sig.S),
      leafHash: dec(leaf.h),
      leafSum: dec(leaf.s),
      siblingHashes: path.siblings.map((n) => dec(n.h)),
      siblingSums: path.siblings.map((n) => dec(n.s)),
      malformed: badIndex === undefined ? "0" : "1",
      badIndex: dec(BigInt(badIndex ?? 0)),
    },
  };
}

/** The checked root-sum statement: the committed root and the two children of the root that contradict it. */
export interface RootSumStatement {
  rootHash: bigint;
  /** The committed root sum (what the set says). */
  rootSum: bigint;
  left: TreeNode;
  right: TreeNode;
  /** Why the root contradicts the committed sum. */
  kind: "root-sum-mismatch" | "malformed-root";
  /** Input signals of RootSumMismatch, by name, as decimal strings. */
  circuitInput: Record<string, string>;
}

/**
 * Checks everything RootSumMismatch checks, from any path of the tree (the root's two children are the path's node
 * below the root and its top sibling), and builds its input; throws FraudProofRefused ("no-fraud") when the root
 * holds the committed sum with both children in range, "root-mismatch" when the path does not reach `expectedRoot`.
 */
export function buildRootSumStatement(
  c: ProverCrypto,
  path: SlotPath,
  committedRootSum: bigint,
  expectedRoot?: bigint,
): RootSumStatement {
  const depth = path.siblings.length;
  if (depth === 0) throw new FraudProofRefused("wrong-depth", "the path has no levels");
  requireBelow(committedRootSum, 128, "the committed root sum");
  for (const n of [path.leaf, ...path.siblings]) {
    if (n.h < 0n || n.h >= FIELD_P || n.s < 0n || n.s >= FIELD_P) {
      throw new FraudProofRefused("out-of-range", "a node of the path is not a pair of field elements");
    }
  }
  const nodes = pathNodes(c, path.slot, path);
  const root = nodes[depth];
  if (expectedRoot !== undefined && root.h !== expectedRoot) {
    throw new FraudProofRefused(
      "root-mismatch",
      `the path reaches root hash ${root.h}, not the committed ${expectedRoot}: it is not a path of that tree`,
    );
  }
  const below = nodes[depth - 1];
  const top = path.siblings[depth - 1];
  const [left, right] = (path.slot >> BigInt(depth - 1)) & 1n ? [top, below] : [below, top];
  const inRange = left.s < MAX_SUM && right.s < MAX_SUM;
  if (inRange && left.s + right.s === committedRootSum) {
    throw new FraudProofRefused(
      "no-fraud",
      `no fraud: the root's children hold ${left.s} + ${right.s} = the committed root sum ${committedRootSum}`,
    );
  }
  const dec = (v: bigint) => v.toString();
  return {
    rootHash: root.h,
    rootSum: committedRootSum,
    left,
    right,
    kind: inRange ? "root-sum-mismatch" : "malformed-root",
    circuitInput: {
      rootHash: dec(root.h),
      rootSum: dec(committedRootSum),
      hL: dec(left.h),
      sL: dec(left.s),
      hR: dec(right.h),
      sR: dec(right.s),
    },
  };
}
