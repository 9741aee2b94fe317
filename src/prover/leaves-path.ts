// The path at one slot of a member's tree, rebuilt from its published leaves payload (src/tree/leaves.ts), also for a
// slot beyond the payload's slot space. No Node built-in: the web page rebuilds the tree in the browser with it.
import { emptySubtrees, hashNode, type SumTree, type TreeCrypto } from "../tree/index.js";
import { rebuildFromLeaves, type LeavesHeader } from "../tree/leaves.js";
import type { SlotPath, TreeNode } from "./statement.js";

/**
 * Rebuilds the member's tree from the leaves payload `bytes` (named `name` in errors) and returns the path at `slot`
 * with the tree's root hash and the payload's header (member, asset, t, D, d).
 */
export async function slotPathInLeaves(
  crypto: TreeCrypto,
  bytes: Uint8Array,
  slot: bigint,
  name = "leaves payload",
): Promise<{ path: SlotPath; rootHash: bigint; header: LeavesHeader }> {
  return slotPathInTree(crypto, await rebuildFromLeaves(crypto, bytes), slot, name);
}

/**
 * The path at `slot` of a tree already rebuilt from its leaves payload (`rebuildFromLeaves`), with its root hash and
 * header: what a server answering many slots of one tree computes per request.
 */
export function slotPathInTree(
  crypto: TreeCrypto,
  rebuilt: { header: LeavesHeader; tree: SumTree },
  slot: bigint,
  name = "leaves payload",
): { path: SlotPath; rootHash: bigint; header: LeavesHeader } {
  const { header, tree } = rebuilt;
  if (slot >= 1n << BigInt(header.depth)) {
    throw new RangeError(`${name}: slot ${slot} is outside the tree's depth ${header.depth}`);
  }
  let slotPath: SlotPath;
  if (slot < 1n << BigInt(header.slotBits)) {
    const proof = tree.proof(Number(slot));
    slotPath = { slot, leaf: proof.leaf, siblings: proof.siblings };
  } else {
    // A slot beyond the 2^d slot space (a signed slot there is itself a missing user): its subtree is empty up
    // to the level where it meets the slot space's subtree, whose nodes the path of slot 0 gives.
    const poseidon = (xs: readonly bigint[]): bigint => crypto.poseidon(xs);
    const empties = emptySubtrees(poseidon, header.depth);
    const p0 = tree.proof(0);
    const left: TreeNode[] = [p0.leaf];
    p0.siblings.forEach((sib, k) => left.push(hashNode(poseidon, left[k], sib)));
    const siblings = empties.slice(0, header.depth).map((e, k) => (slot >> BigInt(k) === 1n ? left[k] : e));
    slotPath = { slot, leaf: { h: 0n, s: 0n }, siblings };
  }
  return { path: slotPath, rootHash: tree.root.h, header };
}
