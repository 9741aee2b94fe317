// Helpers of the money-path attack tests (test/e2e/money-path-attacks.e2e.test.ts): sparse depth-32 Merkle-sum
// trees built by hand (so a test can commit a malformed tree no honest builder makes), records signed with
// circomlibjs, and the raw LeafMismatch32 / RootSumMismatch circuit inputs an attacker would feed snarkjs directly,
// bypassing the prover's off-chain checks.
import type { SignedRecord, SlotPath } from "../../src/prover/index.js";
import { emptySubtrees } from "../../src/tree/index.js";
import {
  P,
  KEY_DOMAIN,
  NULLIFIER_DOMAIN,
  recordMessage,
  type Crypto,
  type Node,
  type Record6,
} from "../circuits/helpers.js";

export const DEPTH = 32;

/** A sparse depth-32 tree: leaves at small slots, optional overrides of whole nodes at (level, index). */
export class SparseTree {
  private readonly memo = new Map<string, Node>();
  private readonly empties: Node[];
  constructor(
    private readonly c: Crypto,
    private readonly leaves: Map<bigint, Node>,
    private readonly overrides: Map<string, Node> = new Map(),
  ) {
    this.empties = emptySubtrees((xs) => c.poseidon([...xs]), DEPTH) as Node[];
  }
  node(level: number, index: bigint): Node {
    const key = `${level}:${index}`;
    const o = this.overrides.get(key);
    if (o !== undefined) return o;
    if (level === 0) return this.leaves.get(index) ?? { h: 0n, s: 0n };
    // Subtrees holding no leaf or override are empty.
    const span = 1n << BigInt(level);
    const lo = index * span;
    const hi = lo + span;
    const hasLeaf = [...this.leaves.keys()].some((s) => s >= lo && s < hi);
    const hasOverride = [...this.overrides.keys()].some((k) => {
      const [l, i] = k.split(":").map(BigInt);
      return l < BigInt(level) && i * (1n << l) >= lo && i * (1n << l) < hi;
    });
    if (!hasLeaf && !hasOverride) return this.empties[level];
    const m = this.memo.get(key);
    if (m !== undefined) return m;
    const l = this.node(level - 1, 2n * index);
    const r = this.node(level - 1, 2n * index + 1n);
    const n = { h: this.c.poseidon([l.h, l.s, r.h, r.s]), s: (l.s + r.s) % P };
    this.memo.set(key, n);
    return n;
  }
  get root(): Node {
    return this.node(DEPTH, 0n);
  }
  path(slot: bigint): SlotPath {
    const siblings: Node[] = [];
    let i = slot;
    for (let level = 0; level < DEPTH; level++) {
      siblings.push(this.node(level, i ^ 1n));
      i >>= 1n;
    }
    return { slot, leaf: this.node(0, slot), siblings };
  }
}

/** A record signed with `prv` (the key whose public key is attached). */
export function signRecord(c: Crypto, r: Record6, prv: Uint8Array): SignedRecord {
  const [Ax, Ay] = c.publicKey(prv);
  return { ...r, signature: c.sign(prv, recordMessage(c, r)), publicKey: { Ax, Ay } };
}

export function keyHash(c: Crypto, prv: Uint8Array): bigint {
  const [Ax, Ay] = c.publicKey(prv);
  return c.poseidon([KEY_DOMAIN, Ax, Ay]);
}

export function nullifier(c: Crypto, r: Record6): bigint {
  return c.poseidon([NULLIFIER_DOMAIN, recordMessage(c, r)]);
}

/** The raw LeafMismatch32 input an attacker builds by hand (no off-chain check), with a chosen mode and claim. */
export function rawLeafMismatchInput(
  c: Crypto,
  rec: SignedRecord,
  path: SlotPath,
  o: { malformed: bigint; badIndex: bigint; claim: bigint },
): Record<string, string | string[]> {
  let cur: Node = path.leaf;
  path.siblings.forEach((sib, i) => {
    const [l, r] = (rec.slot >> BigInt(i)) & 1n ? [sib, cur] : [cur, sib];
    cur = { h: c.poseidon([l.h, l.s, r.h, r.s]), s: (l.s + r.s) % P };
  });
  const m = recordMessage(c, rec);
  const d = (v: bigint) => v.toString();
  return {
    rootHash: d(cur.h),
    keyHash: d(c.poseidon([KEY_DOMAIN, rec.publicKey.Ax, rec.publicKey.Ay])),
    context: d(rec.asset + (rec.t << 32n) + (o.claim << 96n)),
    nullifier: d(c.poseidon([NULLIFIER_DOMAIN, m])),
    payoutHash: d(rec.payoutHash),
    member: d(rec.member),
    slot: d(rec.slot),
    accountKey: d(rec.accountKey),
    balance: d(rec.balance),
    Ax: d(rec.publicKey.Ax),
    Ay: d(rec.publicKey.Ay),
    R8x: d(rec.signature.R8x),
    R8y: d(rec.signature.R8y),
    S: d(rec.signature.S),
    leafHash: d(path.leaf.h),
    leafSum: d(path.leaf.s),
    siblingHashes: path.siblings.map((n) => d(n.h)),
    siblingSums: path.siblings.map((n) => d(n.s)),
    malformed: d(o.malformed),
    badIndex: d(o.badIndex),
  };
}
