// Depth-32 fraud fixtures for the prover and end-to-end tests: a member key, a small tree built with src/tree
// (slot space 2^4 lifted to D = 32), and records signed with circomlibjs.
import { loadCrypto as loadTreeCrypto } from "../../src/crypto/index.js";
import type { SignedRecord, SlotPath } from "../../src/prover/index.js";
import { payoutHashOf } from "../../src/records/payout.js";
import { SumTree, leafSetFrom } from "../../src/tree/index.js";
import { recordMessage, type Crypto, type Node, type Record6 } from "./helpers.js";

export const MEMBER_PRV = Uint8Array.from({ length: 32 }, (_, i) => (i * 7 + 3) & 0xff);
export const MEMBER = 0x3c44cdddb6a900fa2b585dd299e03d12fa4293bcn;

/** The user's payout: address and salt, and the payout hash the member signs in the user's record. */
export const USER_PAYOUT = { address: "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65", salt: 0x5a17n };
export const USER_PAYOUT_HASH = payoutHashOf(USER_PAYOUT);

/** The user's record of the fixtures (slot 5 of a 2^4 slot space). */
export function userRecord(overrides: Partial<Record6> = {}): Record6 {
  return {
    member: MEMBER,
    asset: 3n,
    t: 1_710_000_000n,
    slot: 5n,
    accountKey: 98765432109876543210n,
    balance: 2_500_000n,
    payoutHash: USER_PAYOUT_HASH,
    ...overrides,
  };
}

/** Signs a record with the member key (or `prv`). */
export function signed(c: Crypto, r: Record6, prv = MEMBER_PRV): SignedRecord {
  const [Ax, Ay] = c.publicKey(MEMBER_PRV);
  return { ...r, signature: c.sign(prv, recordMessage(c, r)), publicKey: { Ax, Ay } };
}

/**
 * A depth-32 tree (d = 4) with users at slots 0, 9 and 14, and `atSlot` at the record's slot (replacing the
 * fixture's user there; the fixture's node, or an empty slot, if `atSlot` is undefined).
 */
export async function treeWith(
  c: Crypto,
  r: Record6,
  atSlot: Node | undefined,
): Promise<{ tree: SumTree; path: SlotPath; root: Node }> {
  let leaves = [
    { slot: 0, h: c.poseidon([11n, 40n]), s: 40n },
    { slot: 9, h: c.poseidon([22n, 7_000n]), s: 7_000n },
    { slot: 14, h: c.poseidon([33n, 123n]), s: 123n },
  ];
  if (atSlot !== undefined) {
    // The node given for the record's slot replaces whatever the fixture put there.
    leaves = leaves.filter((l) => l.slot !== Number(r.slot));
    leaves.push({ slot: Number(r.slot), ...atSlot });
  }
  const crypto = await loadTreeCrypto({ threads: 0 });
  try {
    const tree = await SumTree.build(crypto, leafSetFrom(leaves), 4, 32);
    const p = tree.proof(Number(r.slot));
    return { tree, path: { slot: r.slot, leaf: p.leaf, siblings: p.siblings }, root: tree.root };
  } finally {
    await crypto.close();
  }
}
