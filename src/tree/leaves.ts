// The populated-leaves payload (public-mode DA blob, docs/protocol.md section 5.4): a canonical binary encoding
// of every populated leaf, from which anyone rebuilds the identical root.
import { FIELD_P, NODE_BYTES } from "../crypto/field.js";
import { SumTree, TreeError, type LeafSet, type TreeCrypto } from "./index.js";

/** Magic bytes "PORL". */
export const LEAVES_MAGIC = 0x504f524c;
/** Format version. */
export const LEAVES_VERSION = 1;
/** Header size in bytes. */
export const LEAVES_HEADER_BYTES = 4 + 1 + 1 + 1 + 1 + 20 + 4 + 8 + 4;
/** Bytes per leaf: slot u32, h 32 bytes, s 12 bytes (all big-endian). */
export const LEAF_RECORD_BYTES = 4 + 32 + 12;

/** Header of a leaves payload. */
export interface LeavesHeader {
  member: bigint;
  asset: number;
  t: bigint;
  /** Depth D. */
  depth: number;
  /** Slot bits d. */
  slotBits: number;
  count: number;
}

function putBE(buf: Buffer, off: number, len: number, v: bigint): void {
  let x = v;
  for (let i = len - 1; i >= 0; i--) {
    buf[off + i] = Number(x & 0xffn);
    x >>= 8n;
  }
  if (x !== 0n) throw new RangeError("value does not fit");
}

function getBE(buf: Uint8Array, off: number, len: number): bigint {
  let v = 0n;
  for (let i = 0; i < len; i++) v = (v << 8n) | BigInt(buf[off + i]);
  return v;
}

/** Encodes the populated leaves of a tree with its context header. */
export function encodeLeaves(tree: SumTree, ctx: { member: bigint; asset: number; t: bigint }): Buffer {
  const set = tree.leafSet();
  const n = set.slots.length;
  const out = Buffer.alloc(LEAVES_HEADER_BYTES + n * LEAF_RECORD_BYTES);
  out.writeUInt32BE(LEAVES_MAGIC, 0);
  out[4] = LEAVES_VERSION;
  out[5] = tree.depth;
  out[6] = tree.slotBits;
  out[7] = 0;
  putBE(out, 8, 20, ctx.member);
  out.writeUInt32BE(ctx.asset, 28);
  out.writeBigUInt64BE(ctx.t, 32);
  out.writeUInt32BE(n, 40);
  // Big-endian h and s are the tree's little-endian bytes reversed: no bigint per leaf. A built tree's leaves have
  // s < 2^96 (bytes 12..31 of s zero); the check stays, as putBE's "value does not fit" did.
  const nodes = set.nodes;
  for (let i = 0; i < n; i++) {
    const o = LEAVES_HEADER_BYTES + i * LEAF_RECORD_BYTES;
    const src = i * NODE_BYTES;
    out.writeUInt32BE(set.slots[i], o);
    for (let b = 0; b < 32; b++) out[o + 4 + b] = nodes[src + 31 - b];
    for (let b = 12; b < 32; b++) if (nodes[src + 32 + b] !== 0) throw new RangeError("value does not fit");
    for (let b = 0; b < 12; b++) out[o + 36 + b] = nodes[src + 32 + 11 - b];
  }
  return out;
}

/** p as 32 big-endian bytes. */
const P_BE = Uint8Array.from(FIELD_P.toString(16).padStart(64, "0").match(/../g) ?? [], (h) => parseInt(h, 16));

/** Whether the 32 big-endian bytes at `off` are below p. */
function belowP(b: Uint8Array, off: number): boolean {
  for (let k = 0; k < 32; k++) {
    if (b[off + k] !== P_BE[k]) return b[off + k] < P_BE[k];
  }
  return false;
}

/** Decodes and validates a leaves payload (sorted unique slots inside 2^d, h < p, s < 2^96). */
export function decodeLeaves(bytes: Uint8Array): { header: LeavesHeader; leaves: LeafSet } {
  // A DataView, not a Buffer: the web page decodes payloads in the browser.
  const b = bytes;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < LEAVES_HEADER_BYTES) throw new TreeError("leaves payload: shorter than its header");
  if (view.getUint32(0) !== LEAVES_MAGIC) throw new TreeError("leaves payload: bad magic (not a PORL payload)");
  if (b[4] !== LEAVES_VERSION) throw new TreeError(`leaves payload: unsupported version ${b[4]}`);
  const header: LeavesHeader = {
    depth: b[5],
    slotBits: b[6],
    member: getBE(b, 8, 20),
    asset: view.getUint32(28),
    t: view.getBigUint64(32),
    count: view.getUint32(40),
  };
  if (b[7] !== 0) throw new TreeError("leaves payload: reserved byte must be zero");
  if (header.depth < 1 || header.depth > 32 || header.slotBits < 1 || header.slotBits > header.depth) {
    throw new TreeError("leaves payload: invalid depth or slot bits");
  }
  if (b.length !== LEAVES_HEADER_BYTES + header.count * LEAF_RECORD_BYTES) {
    throw new TreeError(`leaves payload: length does not match ${header.count} leaves`);
  }
  const slots = new Uint32Array(header.count);
  const nodes = new Uint8Array(header.count * NODE_BYTES);
  const space = 2 ** header.slotBits;
  for (let i = 0; i < header.count; i++) {
    const o = LEAVES_HEADER_BYTES + i * LEAF_RECORD_BYTES;
    slots[i] = view.getUint32(o);
    if (i > 0 && slots[i] <= slots[i - 1]) throw new TreeError(`leaves payload: leaf ${i} is unsorted or a duplicate`);
    if (slots[i] >= space) throw new TreeError(`leaves payload: leaf ${i} is outside the slot space`);
    // Big-endian bytes reversed into the tree's little-endian nodes: no bigint per leaf. h < p by comparing its bytes
    // with p's (p's top byte, 0x30, settles almost every leaf); a 12-byte s is always below 2^96 (MAX_BALANCE).
    if (b[o + 4] >= P_BE[0] && !belowP(b, o + 4)) {
      throw new TreeError(`leaves payload: leaf ${i} hash is not a field element`);
    }
    const dst = i * NODE_BYTES;
    for (let k = 0; k < 32; k++) nodes[dst + k] = b[o + 4 + 31 - k];
    for (let k = 0; k < 12; k++) nodes[dst + 32 + k] = b[o + 36 + 11 - k];
  }
  return { header, leaves: { slots, nodes } };
}

/** Rebuilds the tree from a leaves payload. */
export async function rebuildFromLeaves(
  crypto: TreeCrypto,
  bytes: Uint8Array,
): Promise<{ header: LeavesHeader; tree: SumTree }> {
  const { header, leaves } = decodeLeaves(bytes);
  return { header, tree: await SumTree.build(crypto, leaves, header.slotBits, header.depth) };
}
