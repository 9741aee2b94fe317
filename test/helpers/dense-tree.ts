// A deliberately naive Merkle-sum tree for tests: hashes every node of the 2^d slot space, then lifts it to depth
// D with empty right siblings (docs/protocol.md section 4). The optimised builders are checked against it.
import type { TreeNode } from "../../src/tree/index.js";

export type Leaf = { slot: number; h: bigint; s: bigint };

/** Dense reference root of `leaves` in a 2^d slot space lifted to depth D. */
export function denseRoot(poseidon: (x: readonly bigint[]) => bigint, leaves: Leaf[], d: number, D: number): TreeNode {
  let level: TreeNode[] = Array.from({ length: 2 ** d }, () => ({ h: 0n, s: 0n }));
  for (const l of leaves) level[l.slot] = { h: l.h, s: l.s };
  let empty: TreeNode = { h: 0n, s: 0n };
  for (let k = 0; k < D; k++) {
    if (k < d) {
      const next: TreeNode[] = [];
      for (let i = 0; i < level.length; i += 2) {
        const [a, b] = [level[i], level[i + 1]];
        next.push({ h: poseidon([a.h, a.s, b.h, b.s]), s: a.s + b.s });
      }
      level = next;
    } else {
      level = [{ h: poseidon([level[0].h, level[0].s, empty.h, 0n]), s: level[0].s }];
    }
    empty = { h: poseidon([empty.h, 0n, empty.h, 0n]), s: 0n };
  }
  return level[0];
}
