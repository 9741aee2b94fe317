// Sparse Merkle-sum tree (docs/protocol.md section 4): built level by level over populated nodes only, with
// precomputed empty subtrees, a 2^d slot space lifted to depth D, range checks on every sum, and inclusion proofs.
import { FIELD_P, MAX_BALANCE, MAX_SUM, NODE_BYTES, readLE32, writeLE32, writeLE32View } from "../crypto/field.js";
import type { Crypto, PoseidonLike } from "../crypto/index.js";

/** What building a tree needs of the crypto backend (src/crypto, or the web page's src/crypto/browser.ts). */
export type TreeCrypto = Pick<Crypto, "poseidon" | "hashLevel" | "parentLevel">;

/** Production tree depth. */
export const PRODUCTION_DEPTH = 32;

/** A tree node: hash and sum. */
export interface TreeNode {
  h: bigint;
  s: bigint;
}

/** Populated leaves of one tree, sorted by slot. `nodes` holds 64 bytes per leaf (h, s little-endian). */
export interface LeafSet {
  slots: Uint32Array;
  nodes: Uint8Array;
}

/** One level's populated nodes: sorted indices and their 64-byte nodes. */
interface Level {
  index: Uint32Array;
  nodes: Uint8Array;
}

/** An inclusion proof of the leaf at `slot`, siblings bottom-up for all D levels. */
export interface InclusionProof {
  slot: number;
  leaf: TreeNode;
  siblings: TreeNode[];
}

/** Raised when input violates a range or shape rule; the message says which leaf or node. */
export class TreeError extends Error {
  override name = "TreeError";
}

const cache = new Map<string, TreeNode[]>();

/** Empty-subtree nodes `E_0..E_D`: `E_0 = (0,0)`, `E_{k+1} = (Poseidon(E_k.h, 0, E_k.h, 0), 0)`. */
export function emptySubtrees(poseidon: PoseidonLike, depth: number): TreeNode[] {
  const key = String(depth);
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const out: TreeNode[] = [{ h: 0n, s: 0n }];
  for (let k = 0; k < depth; k++) out.push({ h: poseidon([out[k].h, 0n, out[k].h, 0n]), s: 0n });
  cache.set(key, out);
  return out;
}

/** Parent of two nodes with the range rule enforced. */
export function hashNode(poseidon: PoseidonLike, l: TreeNode, r: TreeNode): TreeNode {
  if (l.s < 0n || r.s < 0n || l.s >= MAX_SUM || r.s >= MAX_SUM) throw new TreeError("child sum out of range");
  const s = l.s + r.s;
  if (s >= MAX_SUM) throw new TreeError("node sum reaches 2^128");
  return { h: poseidon([l.h, l.s, r.h, r.s]), s };
}

/** The most significant byte of p (little-endian byte 31). */
const P_TOP_BYTE = Number(FIELD_P >> 248n);

/** 32-bit words per node. */
const NODE_WORDS = NODE_BYTES / 4;

/** The node bytes as 32-bit words: a view when aligned, else an aligned copy. */
function wordsOf(nodes: Uint8Array): Uint32Array {
  if (nodes.byteOffset % 4 === 0) return new Uint32Array(nodes.buffer, nodes.byteOffset, nodes.length / 4);
  return new Uint32Array(Uint8Array.from(nodes).buffer);
}

function nodeAt(buf: Uint8Array, i: number): TreeNode {
  return { h: readLE32(buf, i * NODE_BYTES), s: readLE32(buf, i * NODE_BYTES + 32) };
}

function writeNode(buf: Uint8Array, i: number, n: TreeNode): void {
  writeLE32(buf, i * NODE_BYTES, n.h);
  writeLE32(buf, i * NODE_BYTES + 32, n.s);
}

/**
 * The permutation that sorts `slots` ascending, ties by position: exactly what
 * `Array.from({ length: n }, (_, i) => i).sort((a, b) => slots[a] - slots[b])` returns (a stable sort), but with each
 * (slot, position) packed into one double and sorted as a Float64Array, without a comparator call per pair (issue
 * 18: ~0.1 s instead of ~1 s at 2^20). Falls back to the comparator when the packing would not be exact.
 */
export function slotOrder(slots: ArrayLike<number>): Uint32Array {
  const n = slots.length;
  const bits = Math.max(1, Math.ceil(Math.log2(n + 1)));
  let max = 0;
  let integral = true;
  for (let i = 0; i < n; i++) {
    const v = slots[i];
    if (!Number.isInteger(v) || v < 0) integral = false;
    else if (v > max) max = v;
  }
  if (!integral || n >= 2 ** 32 || max * 2 ** bits + n >= 2 ** 53) {
    return Uint32Array.from(Array.from({ length: n }, (_, i) => i).sort((a, b) => slots[a] - slots[b]));
  }
  const scale = 2 ** bits;
  const packed = new Float64Array(n);
  for (let i = 0; i < n; i++) packed[i] = slots[i] * scale + i;
  packed.sort();
  const order = new Uint32Array(n);
  for (let k = 0; k < n; k++) order[k] = packed[k] % scale;
  return order;
}

/** A copy of `bytes` whose offset is a multiple of 4 (so a Uint32Array can view it), or `bytes` itself. */
function aligned(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
}

/**
 * The leaf set of a member's accounts (docs/protocol.md section 4): account `i` (its 32-byte little-endian
 * `accountKey` at `keyBytes[32 i]`, its `balances[i]`) is the leaf `(Poseidon(accountKey, balance), balance)` at
 * `slots[i]`, sorted by slot. `hashLeaves` hashes the (accountKey, balance) pairs in slot order (a backend's
 * `hashLeaves`, or a chunked one with progress). Bytes move as 32-bit words and balances through a DataView (issue 18:
 * no per-account allocation); the bytes are those of `writeLE32` and `Uint8Array.set`.
 */
export async function accountLeafSet(
  slots: Uint32Array,
  keyBytes: Uint8Array,
  balances: readonly bigint[],
  hashLeaves: (pairs: Uint8Array) => Promise<Uint8Array>,
): Promise<LeafSet> {
  const n = slots.length;
  if (keyBytes.length !== n * 32 || balances.length !== n) {
    throw new TreeError(`account leaves: ${n} slots, ${keyBytes.length / 32} keys and ${balances.length} balances`);
  }
  const order = slotOrder(slots);
  const pairs = new Uint8Array(n * 64);
  const pairWords = new Uint32Array(pairs.buffer);
  const pairView = new DataView(pairs.buffer);
  const keys = aligned(keyBytes);
  const keyWords = new Uint32Array(keys.buffer, keys.byteOffset, n * 8);
  for (let k = 0; k < n; k++) {
    const i = order[k];
    for (let w = 0; w < 8; w++) pairWords[k * 16 + w] = keyWords[i * 8 + w];
    writeLE32View(pairView, k * 64 + 32, balances[i]);
  }
  const hashes = aligned(await hashLeaves(pairs));
  if (hashes.length !== n * 32) throw new TreeError(`account leaves: ${hashes.length / 32} leaf hashes for ${n} pairs`);
  const hashWords = new Uint32Array(hashes.buffer, hashes.byteOffset, n * 8);
  const nodes = new Uint8Array(n * NODE_BYTES);
  const nodeWords = new Uint32Array(nodes.buffer);
  const sorted = new Uint32Array(n);
  for (let k = 0; k < n; k++) {
    for (let w = 0; w < 8; w++) nodeWords[k * 16 + w] = hashWords[k * 8 + w];
    for (let w = 8; w < 16; w++) nodeWords[k * 16 + w] = pairWords[k * 16 + w];
    sorted[k] = slots[order[k]];
  }
  return { slots: sorted, nodes };
}

/** Creates a leaf set from (slot, accountKey-hash, balance) triples; validates and sorts by slot. */
export function leafSetFrom(leaves: readonly { slot: number; h: bigint; s: bigint }[]): LeafSet {
  const sorted = [...leaves].sort((a, b) => a.slot - b.slot);
  const slots = new Uint32Array(sorted.length);
  const nodes = new Uint8Array(sorted.length * NODE_BYTES);
  sorted.forEach((l, i) => {
    slots[i] = l.slot;
    if (l.h < 0n || l.h >= FIELD_P) throw new TreeError(`leaf at slot ${l.slot}: hash is not a field element`);
    if (l.s < 0n || l.s >= MAX_BALANCE) throw new TreeError(`leaf at slot ${l.slot}: balance must be in [0, 2^96)`);
    writeNode(nodes, i, { h: l.h, s: l.s });
  });
  return { slots, nodes };
}

/**
 * One level up in JavaScript: each populated node paired with its sibling or the empty node into a children buffer,
 * hashed by the backend's hashLevel. The native addon's parentLevel does the same without the buffer.
 */
async function pairAndHash(
  crypto: TreeCrypto,
  cur: Level,
  words: Uint32Array,
  empty: Uint8Array,
): Promise<{ parentIndex: Uint32Array; parents: Uint8Array }> {
  const m = cur.index.length;
  const parentIndex = new Uint32Array(m);
  const children = new Uint32Array(m * 2 * NODE_WORDS);
  const ew = new Uint32Array(empty.buffer, empty.byteOffset, NODE_WORDS);
  let p = 0;
  for (let i = 0; i < m; i++) {
    const idx = cur.index[i];
    const o = p * 2 * NODE_WORDS;
    const so = i * NODE_WORDS;
    if ((idx & 1) === 0) {
      for (let w = 0; w < NODE_WORDS; w++) children[o + w] = words[so + w];
      if (i + 1 < m && cur.index[i + 1] === idx + 1) {
        for (let w = 0; w < NODE_WORDS; w++) children[o + NODE_WORDS + w] = words[so + NODE_WORDS + w];
        i++;
      } else {
        for (let w = 0; w < NODE_WORDS; w++) children[o + NODE_WORDS + w] = ew[w];
      }
    } else {
      for (let w = 0; w < NODE_WORDS; w++) children[o + w] = ew[w];
      for (let w = 0; w < NODE_WORDS; w++) children[o + NODE_WORDS + w] = words[so + w];
    }
    parentIndex[p++] = idx >>> 1;
  }
  const parents = await crypto.hashLevel(new Uint8Array(children.buffer, 0, p * 2 * NODE_BYTES));
  return { parentIndex: parentIndex.slice(0, p), parents };
}

/** A built tree: its levels 0..d (populated nodes only) and its root at depth D. */
export class SumTree {
  private constructor(
    /** Depth D of the tree. */
    readonly depth: number,
    /** Slot-space bits d (slots are < 2^d). */
    readonly slotBits: number,
    private readonly levels: Level[],
    private readonly empties: TreeNode[],
    /** The root commitment. */
    readonly root: TreeNode,
  ) {}

  /** Number of populated leaves. */
  get size(): number {
    return this.levels[0].index.length;
  }

  /** Populated nodes on levels 0..d (leaves included). */
  get populatedNodes(): number {
    return this.levels.reduce((a, l) => a + l.index.length, 0);
  }

  /** Bytes held by the levels (a memory estimate). */
  get byteSize(): number {
    return this.levels.reduce((a, l) => a + l.nodes.length + l.index.byteLength, 0);
  }

  /**
   * Builds the tree from populated leaves (sorted by slot, unique, slot < 2^d, balance < 2^96).
   * Each level is hashed as one batch through the crypto backend (native or worker threads).
   */
  static async build(
    crypto: TreeCrypto,
    leaves: LeafSet,
    slotBits: number,
    depth = PRODUCTION_DEPTH,
  ): Promise<SumTree> {
    if (!Number.isInteger(depth) || depth < 1 || depth > 32) throw new TreeError(`depth D must be 1..32, got ${depth}`);
    if (!Number.isInteger(slotBits) || slotBits < 0 || slotBits > depth) {
      throw new TreeError(`slot bits d must be 0..D (${depth}), got ${slotBits}`);
    }
    const n = leaves.slots.length;
    if (leaves.nodes.length !== n * NODE_BYTES) throw new TreeError("leaf set: nodes and slots differ in length");
    const space = 2 ** slotBits;
    for (let i = 0; i < n; i++) {
      const slot = leaves.slots[i];
      if (slot >= space) throw new TreeError(`leaf ${i}: slot ${slot} is outside the slot space 2^${slotBits}`);
      if (i > 0 && slot <= leaves.slots[i - 1]) {
        throw new TreeError(`leaf ${i}: slot ${slot} is not above the previous slot (duplicate or unsorted)`);
      }
      const o = i * NODE_BYTES;
      // balance < 2^96: bytes 12..31 of s are zero; hash < p.
      for (let b = 32 + 12; b < 64; b++) {
        if (leaves.nodes[o + b] !== 0) throw new TreeError(`leaf at slot ${slot}: balance must be below 2^96`);
      }
      // hash < p: p's top byte is 0x30, so a smaller top byte settles it without reading the whole word.
      if (leaves.nodes[o + 31] >= P_TOP_BYTE && readLE32(leaves.nodes, o) >= FIELD_P) {
        throw new TreeError(`leaf at slot ${slot}: hash is not a field element`);
      }
    }
    const empties = emptySubtrees((i) => crypto.poseidon(i), depth);
    const levels: Level[] = [{ index: Uint32Array.from(leaves.slots), nodes: leaves.nodes }];
    // Nodes are moved as 16 32-bit words (a 64-byte node) through Uint32Array views: no per-node allocation.
    // Only whole words are copied or tested for zero, so the platform's byte order does not matter.
    let words = wordsOf(leaves.nodes);
    const empty = new Uint8Array(NODE_BYTES);
    for (let k = 0; k < slotBits; k++) {
      const cur = levels[k];
      writeNode(empty, 0, empties[k]);
      let parentIndex: Uint32Array;
      let parents: Uint8Array;
      if (crypto.parentLevel !== undefined) {
        // The backend pairs and hashes the level itself (the native addon: no children buffer, all cores).
        ({ index: parentIndex, nodes: parents } = await crypto.parentLevel(cur.index, cur.nodes, empty));
      } else {
        ({ parentIndex, parents } = await pairAndHash(crypto, cur, words, empty));
      }
      const p = parentIndex.length;
      // Keep the event loop (signals, progress; a page's rendering) alive between levels.
      await new Promise((r) => (typeof setImmediate === "function" ? setImmediate(r) : setTimeout(r, 0)));
      words = wordsOf(parents);
      for (let j = 0; j < p; j++) {
        // s < 2^128: bytes 48..63 of the node, i.e. words 12..15, are zero.
        const b = j * NODE_WORDS;
        if ((words[b + 12] | words[b + 13] | words[b + 14] | words[b + 15]) !== 0) {
          throw new TreeError(`node sum at level ${k + 1}, index ${parentIndex[j]} reaches 2^128`);
        }
      }
      levels.push({ index: parentIndex, nodes: parents });
    }
    const top = levels[slotBits];
    let node: TreeNode = top.index.length > 0 ? nodeAt(top.nodes, 0) : empties[slotBits];
    for (let k = slotBits; k < depth; k++) node = hashNode((i) => crypto.poseidon(i), node, empties[k]);
    return new SumTree(depth, slotBits, levels, empties, node);
  }

  private find(level: number, index: number): TreeNode | undefined {
    const lv = this.levels[level];
    let lo = 0;
    let hi = lv.index.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = lv.index[mid];
      if (v === index) return nodeAt(lv.nodes, mid);
      if (v < index) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** The leaf at `slot` ((0, 0) if empty). */
  leaf(slot: number): TreeNode {
    return this.find(0, slot) ?? { h: 0n, s: 0n };
  }

  /** An inclusion (or emptiness) proof for `slot`, with siblings for all D levels. */
  proof(slot: number): InclusionProof {
    if (!Number.isInteger(slot) || slot < 0 || slot >= 2 ** this.slotBits) {
      throw new TreeError(`slot ${slot} is outside the slot space 2^${this.slotBits}`);
    }
    const siblings: TreeNode[] = [];
    for (let k = 0; k < this.depth; k++) {
      if (k < this.slotBits) {
        const sib = Math.floor(slot / 2 ** k) ^ 1;
        siblings.push(this.find(k, sib) ?? this.empties[k]);
      } else {
        siblings.push(this.empties[k]);
      }
    }
    return { slot, leaf: this.leaf(slot), siblings };
  }

  /**
   * Level `k` (0 = leaves, up to d): its populated nodes' sorted indices and their 64-byte nodes (h, s
   * little-endian), as views of the tree's own arrays (do not modify them).
   */
  level(k: number): { index: Uint32Array; nodes: Uint8Array } {
    const lv = this.levels[k];
    if (lv === undefined) throw new TreeError(`level ${k} is outside 0..${this.slotBits}`);
    return { index: lv.index, nodes: lv.nodes };
  }

  /** Iterates populated leaves in slot order. */
  *leaves(): Generator<{ slot: number } & TreeNode> {
    const l0 = this.levels[0];
    for (let i = 0; i < l0.index.length; i++) yield { slot: l0.index[i], ...nodeAt(l0.nodes, i) };
  }

  /** The populated leaves as a {@link LeafSet}. */
  leafSet(): LeafSet {
    return { slots: this.levels[0].index, nodes: this.levels[0].nodes };
  }
}

/**
 * The root's two children of `tree`: slot 0's path runs along the left edge, so its last sibling is the right child
 * and folding the leaf with the other siblings gives the left one (the private mode's RootCommitment witness).
 */
export function rootChildren(poseidon: PoseidonLike, tree: SumTree): { left: TreeNode; right: TreeNode } {
  const p = tree.proof(0);
  let left: TreeNode = p.leaf;
  for (const sib of p.siblings.slice(0, -1)) left = hashNode(poseidon, left, sib);
  return { left, right: p.siblings[p.siblings.length - 1] };
}

/**
 * Recomputes the root from a proof and compares it with `root`. Enforces the range rules at every level
 * (every sum < 2^128) and that the path index fits the depth. Returns false on any mismatch.
 */
export function verifyProof(poseidon: PoseidonLike, proof: InclusionProof, root: TreeNode): boolean {
  const depth = proof.siblings.length;
  if (depth < 1 || depth > 32) return false;
  if (!Number.isInteger(proof.slot) || proof.slot < 0 || proof.slot >= 2 ** depth) return false;
  const inRange = (n: TreeNode) => n.h >= 0n && n.h < FIELD_P && n.s >= 0n && n.s < MAX_SUM;
  if (!inRange(proof.leaf) || !proof.siblings.every(inRange)) return false;
  let node = proof.leaf;
  try {
    for (let k = 0; k < depth; k++) {
      const bit = Math.floor(proof.slot / 2 ** k) & 1;
      node = bit === 0 ? hashNode(poseidon, node, proof.siblings[k]) : hashNode(poseidon, proof.siblings[k], node);
    }
  } catch (e) {
    if (e instanceof TreeError) return false;
    throw e;
  }
  return node.h === root.h && node.s === root.s;
}
