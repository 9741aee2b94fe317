// The records bundle (docs/protocol.md section 5.9): one binary file per asset of a snapshot holding every user's
// record, signature, salts, payout opening and the populated nodes of the asset's tree, from which one user's
// self-contained record file (`por.record` v2) is produced on demand, byte for byte the file a snapshot writes with
// --record-files. Format "PORU" version 1, little-endian:
//
//   header   512 bytes: magic "PORU", version u16, D u8, d u8, count u32, asset u32, t u64, member (20 bytes, as the
//            address reads), symbol length u8 and 32 bytes of symbol, 3 reserved, Ax, Ay, keyHash, rootHash (32
//            bytes each), rootSum (16), heap length u64 (at 224), then at 240 33 level counts u32 (levels 0..d; the
//            rest zero); everything else zero.
//   rows     count x 320 bytes, sorted by account id (UTF-8 byte order): id offset u64 (into the heap), id length
//            u16, payout length u8 (0: none, else 42), reserved u8, slot u32, accountSalt, accountKey (32 each),
//            balance (16), payoutHash, payout salt (0 without a payout), message, nullifier, R8x, R8y, S (32 each).
//   heap     each row's account id (UTF-8) followed by its payout address as the ledger gave it (ASCII).
//   tree     for each level k = 0..d: its populated indices (u32, ascending), then their nodes (h 32 bytes, s 16).
//
// The bundle holds the account ids and salts: it is as private as the per-user files and stays with the member.
import { closeSync, fstatSync, openSync, readSync, writeSync } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { endianness } from "node:os";

import { readLE, writeLE32, type PoseidonLike } from "../crypto/index.js";
import { emptySubtrees, type InclusionProof, type SumTree, type TreeNode } from "../tree/index.js";
import { recordFileOf, formatRecordFile, type RecordFile } from "./file.js";
import type { PayoutColumns } from "./index.js";

/** Magic bytes "PORU" (the records of the users) and the format version. */
export const BUNDLE_MAGIC = "PORU";
export const BUNDLE_VERSION = 1;
export const BUNDLE_HEADER_BYTES = 512;
export const BUNDLE_ROW_BYTES = 320;
/** Bytes per stored tree node: h (32) and s (16), little-endian. */
export const BUNDLE_NODE_BYTES = 48;
const LEVELS_AT = 240;
const MAX_LEVELS = 33;

/** The file name of asset `asset`'s records bundle in a snapshot directory. */
export const bundleFileName = (asset: number) => `records-${asset}.bundle`;

/** Whether `name` is a records bundle's file name (`records-<asset>.bundle`). */
export const isBundleFileName = (name: string) => /^records-(0|[1-9][0-9]*)\.bundle$/.test(name);

/** What a bundle says about its snapshot and asset. */
export interface BundleHeader {
  D: number;
  d: number;
  count: number;
  asset: number;
  t: bigint;
  /** Lower case 0x address. */
  member: string;
  assetSymbol: string;
  recordKey: { Ax: bigint; Ay: bigint; keyHash: bigint };
  root: TreeNode;
  heapBytes: number;
  /** Populated nodes per level 0..d. */
  levelCounts: number[];
}

/** The inputs of {@link writeRecordsBundle}: one asset of a snapshot, per account in ledger order. */
export interface BundleInput {
  member: string;
  asset: number;
  assetSymbol: string;
  t: bigint;
  recordKey: { Ax: bigint; Ay: bigint; keyHash: bigint };
  tree: SumTree;
  accountIds: readonly string[];
  /** 32 bytes little-endian per account. */
  salts: Uint8Array;
  slots: Uint32Array;
  /** 32 bytes little-endian per account. */
  accountKeys: Uint8Array;
  balances: readonly bigint[];
  payouts: PayoutColumns;
  /** 32 bytes little-endian per account. */
  messages: Uint8Array;
  /** 32 bytes little-endian per account. */
  nullifiers: Uint8Array;
  /** 96 bytes per account: R8x, R8y, S little-endian. */
  signatures: Uint8Array;
}

/** A bundle that cannot be read: the message names the file and what is wrong. */
export class BundleError extends Error {
  override name = "BundleError";
}

const LE = endianness() === "LE";

/** Account ids in UTF-8 byte order (code point order): JavaScript's order unless an id has a surrogate pair. */
function sortedOrder(ids: readonly string[]): number[] {
  const order = Array.from({ length: ids.length }, (_, i) => i);
  const astral = ids.some((id) => /[\uD800-\uDFFF]/.test(id));
  if (!astral) return order.sort((a, b) => (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0));
  const bytes = ids.map((id) => Buffer.from(id, "utf8"));
  return order.sort((a, b) => Buffer.compare(bytes[a], bytes[b]));
}

function u64(buf: Buffer, off: number, v: number): void {
  buf.writeUInt32LE(v % 2 ** 32, off);
  buf.writeUInt32LE(Math.floor(v / 2 ** 32), off + 4);
}

function headerBytes(h: BundleHeader): Buffer {
  const b = Buffer.alloc(BUNDLE_HEADER_BYTES);
  b.write(BUNDLE_MAGIC, 0, "ascii");
  b.writeUInt16LE(BUNDLE_VERSION, 4);
  b[6] = h.D;
  b[7] = h.d;
  b.writeUInt32LE(h.count, 8);
  b.writeUInt32LE(h.asset, 12);
  b.writeBigUInt64LE(h.t, 16);
  Buffer.from(h.member.slice(2), "hex").copy(b, 24);
  const sym = Buffer.from(h.assetSymbol, "utf8");
  if (sym.length < 1 || sym.length > 32) throw new BundleError(`asset symbol "${h.assetSymbol}" must be 1..32 bytes`);
  b[44] = sym.length;
  sym.copy(b, 45);
  writeLE32(b, 80, h.recordKey.Ax);
  writeLE32(b, 112, h.recordKey.Ay);
  writeLE32(b, 144, h.recordKey.keyHash);
  writeLE32(b, 176, h.root.h);
  const s = Buffer.alloc(32);
  writeLE32(s, 0, h.root.s);
  s.copy(b, 208, 0, 16);
  u64(b, 224, h.heapBytes);
  h.levelCounts.forEach((c, k) => b.writeUInt32LE(c, LEVELS_AT + 4 * k));
  return b;
}

/** Expected file length of a bundle with this header. */
function bundleLength(h: BundleHeader): number {
  const nodes = h.levelCounts.reduce((a, c) => a + c, 0);
  return BUNDLE_HEADER_BYTES + h.count * BUNDLE_ROW_BYTES + h.heapBytes + nodes * (4 + BUNDLE_NODE_BYTES);
}

const ROWS_PER_WRITE = 16384;

/**
 * Writes asset `b.asset`'s records bundle to `path` (a new file: never overwrites; written to a temporary file
 * renamed into place, so a failure leaves nothing).
 */
export async function writeRecordsBundle(path: string, b: BundleInput, onProgress?: (done: number) => void) {
  const n = b.accountIds.length;
  const tree = b.tree;
  const d = tree.slotBits;
  const order = sortedOrder(b.accountIds);
  for (let k = 1; k < n; k++) {
    if (b.accountIds[order[k]] === b.accountIds[order[k - 1]]) {
      throw new BundleError(`account "${b.accountIds[order[k]]}" appears twice in asset ${b.asset}`);
    }
  }
  // The heap: ids in row order, each followed by its payout address.
  const heapParts: string[] = new Array<string>(n);
  const idLen = new Uint16Array(n);
  const payoutLen = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    const i = order[r];
    const id = b.accountIds[i];
    const len = Buffer.byteLength(id, "utf8");
    if (len === 0 || len > 0xffff) throw new BundleError(`account id of row ${r} must be 1..65535 bytes`);
    idLen[r] = len;
    const p = b.payouts.addresses[i];
    if (p !== undefined && p.length !== 42) throw new BundleError(`payout of "${id}" is not a 0x address`);
    payoutLen[r] = p === undefined ? 0 : 42;
    heapParts[r] = p === undefined ? id : id + p;
  }
  const heap = Buffer.from(heapParts.join(""), "utf8");
  const levelCounts = Array.from({ length: d + 1 }, (_, k) => tree.level(k).index.length);
  const header: BundleHeader = {
    D: tree.depth,
    d,
    count: n,
    asset: b.asset,
    t: b.t,
    member: b.member,
    assetSymbol: b.assetSymbol,
    recordKey: b.recordKey,
    root: tree.root,
    heapBytes: heap.length,
    levelCounts,
  };
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, "wx");
  try {
    writeSync(fd, headerBytes(header));
    const rows = Buffer.alloc(ROWS_PER_WRITE * BUNDLE_ROW_BYTES);
    let heapOff = 0;
    for (let start = 0; start < n; start += ROWS_PER_WRITE) {
      const end = Math.min(n, start + ROWS_PER_WRITE);
      rows.fill(0);
      for (let r = start; r < end; r++) {
        const i = order[r];
        const o = (r - start) * BUNDLE_ROW_BYTES;
        u64(rows, o, heapOff);
        rows.writeUInt16LE(idLen[r], o + 8);
        rows[o + 10] = payoutLen[r];
        rows.writeUInt32LE(b.slots[i], o + 12);
        rows.set(b.salts.subarray(i * 32, i * 32 + 32), o + 16);
        rows.set(b.accountKeys.subarray(i * 32, i * 32 + 32), o + 48);
        writeLE32(rows, o + 80, b.balances[i]); // < 2^96: bytes 16..31 are zero and overwritten next
        rows.set(b.payouts.hashes.subarray(i * 32, i * 32 + 32), o + 96);
        if (b.payouts.addresses[i] !== undefined) rows.set(b.payouts.salts.subarray(i * 32, i * 32 + 32), o + 128);
        rows.set(b.messages.subarray(i * 32, i * 32 + 32), o + 160);
        rows.set(b.nullifiers.subarray(i * 32, i * 32 + 32), o + 192);
        rows.set(b.signatures.subarray(i * 96, i * 96 + 96), o + 224);
        heapOff += idLen[r] + payoutLen[r];
      }
      writeSync(fd, rows, 0, (end - start) * BUNDLE_ROW_BYTES);
      onProgress?.(end);
      await new Promise((res) => setImmediate(res)); // signals and progress between chunks
    }
    writeSync(fd, heap);
    for (let k = 0; k <= d; k++) {
      const { index, nodes } = tree.level(k);
      const m = index.length;
      const idx = LE ? Buffer.from(index.buffer, index.byteOffset, m * 4) : Buffer.alloc(m * 4);
      if (!LE) for (let j = 0; j < m; j++) idx.writeUInt32LE(index[j], j * 4);
      writeSync(fd, idx);
      writeSync(fd, compactNodes(nodes, m));
    }
    closeSync(fd);
  } catch (e) {
    closeSync(fd);
    await rm(tmp, { force: true });
    throw e;
  }
  await rename(tmp, path);
}

/** 64-byte tree nodes to 48-byte bundle nodes (the sum's top 16 bytes are zero: sums are below 2^128). */
function compactNodes(nodes: Uint8Array, m: number): Uint8Array {
  const out = new Uint8Array(m * BUNDLE_NODE_BYTES);
  if (nodes.byteOffset % 4 === 0) {
    const src = new Uint32Array(nodes.buffer, nodes.byteOffset, m * 16);
    const dst = new Uint32Array(out.buffer);
    for (let j = 0; j < m; j++) {
      const s = j * 16;
      const t = j * 12;
      for (let w = 0; w < 12; w++) dst[t + w] = src[s + w];
    }
  } else {
    for (let j = 0; j < m; j++) out.set(nodes.subarray(j * 64, j * 64 + 48), j * BUNDLE_NODE_BYTES);
  }
  return out;
}

/** An open records bundle: finds an account's row and produces its record file. */
export class RecordsBundle {
  private readonly rowsAt = BUNDLE_HEADER_BYTES;
  private readonly heapAt: number;
  private readonly levelAt: number[] = [];
  private readonly indexCache = new Map<number, Uint32Array>();
  private empties: TreeNode[] | undefined;

  private constructor(
    /** The bundle file. */
    readonly path: string,
    private readonly fd: number,
    readonly header: BundleHeader,
  ) {
    this.heapAt = this.rowsAt + header.count * BUNDLE_ROW_BYTES;
    let at = this.heapAt + header.heapBytes;
    for (const c of header.levelCounts) {
      this.levelAt.push(at);
      at += c * (4 + BUNDLE_NODE_BYTES);
    }
  }

  /** Opens and checks a bundle's header and length; errors name the file. */
  static open(path: string): RecordsBundle {
    let fd: number;
    try {
      fd = openSync(path, "r");
    } catch (e) {
      throw new BundleError(`${path}: cannot open the records bundle (${(e as Error).message})`);
    }
    try {
      const size = fstatSync(fd).size;
      const b = Buffer.alloc(BUNDLE_HEADER_BYTES);
      if (size < BUNDLE_HEADER_BYTES || readSync(fd, b, 0, BUNDLE_HEADER_BYTES, 0) !== BUNDLE_HEADER_BYTES) {
        throw new BundleError(`${path}: shorter than a records bundle header`);
      }
      const header = parseHeader(path, b);
      const want = bundleLength(header);
      if (size !== want) {
        throw new BundleError(`${path}: ${size} bytes, but its header describes ${want} (truncated or damaged)`);
      }
      return new RecordsBundle(path, fd, header);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  close(): void {
    closeSync(this.fd);
  }

  private read(at: number, len: number): Buffer {
    const b = Buffer.alloc(len);
    if (len > 0 && readSync(this.fd, b, 0, len, at) !== len) throw new BundleError(`${this.path}: short read at ${at}`);
    return b;
  }

  private heapString(off: number, len: number, row: number, what: string): string {
    if (off + len > this.header.heapBytes) throw new BundleError(`${this.path}: row ${row}: ${what} outside the heap`);
    return this.read(this.heapAt + off, len).toString("utf8");
  }

  private idBytes(row: number): Buffer {
    const r = this.read(this.rowsAt + row * BUNDLE_ROW_BYTES, 11);
    const off = r.readUInt32LE(0) + r.readUInt32LE(4) * 2 ** 32;
    const len = r.readUInt16LE(8);
    if (len === 0 || off + len > this.header.heapBytes) {
      throw new BundleError(`${this.path}: row ${row}: account id outside the heap`);
    }
    return this.read(this.heapAt + off, len);
  }

  /** The row of account `accountId`, or undefined. */
  find(accountId: string): number | undefined {
    const want = Buffer.from(accountId, "utf8");
    let lo = 0;
    let hi = this.header.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = Buffer.compare(this.idBytes(mid), want);
      if (c === 0) return mid;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  private levelIndex(k: number): Uint32Array {
    let idx = this.indexCache.get(k);
    if (idx === undefined) {
      const m = this.header.levelCounts[k];
      const b = this.read(this.levelAt[k], m * 4);
      idx = new Uint32Array(m);
      for (let j = 0; j < m; j++) idx[j] = b.readUInt32LE(j * 4);
      this.indexCache.set(k, idx);
    }
    return idx;
  }

  /** The node at `index` of level `k`, or undefined if unpopulated. */
  private node(k: number, index: number): TreeNode | undefined {
    const idx = this.levelIndex(k);
    let lo = 0;
    let hi = idx.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = idx[mid];
      if (v === index) {
        const at = this.levelAt[k] + idx.length * 4 + mid * BUNDLE_NODE_BYTES;
        const b = this.read(at, BUNDLE_NODE_BYTES);
        return { h: readLE(b, 0, 32), s: readLE(b, 32, 16) };
      }
      if (v < index) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  private proof(poseidon: PoseidonLike, slot: number, row: number): InclusionProof {
    const { D, d } = this.header;
    this.empties ??= emptySubtrees(poseidon, D);
    const empties = this.empties;
    const leaf = this.node(0, slot);
    if (leaf === undefined) throw new BundleError(`${this.path}: row ${row}: no leaf at its slot ${slot}`);
    const siblings: TreeNode[] = [];
    for (let k = 0; k < D; k++) {
      siblings.push(k < d ? (this.node(k, Math.floor(slot / 2 ** k) ^ 1) ?? empties[k]) : empties[k]);
    }
    return { slot, leaf, siblings };
  }

  /** The record file of row `row`; `poseidon` gives the empty subtrees of the path. */
  recordFile(poseidon: PoseidonLike, row: number): RecordFile {
    if (!Number.isInteger(row) || row < 0 || row >= this.header.count) {
      throw new BundleError(`${this.path}: no row ${row} (it has ${this.header.count})`);
    }
    const r = this.read(this.rowsAt + row * BUNDLE_ROW_BYTES, BUNDLE_ROW_BYTES);
    const off = r.readUInt32LE(0) + r.readUInt32LE(4) * 2 ** 32;
    const idLen = r.readUInt16LE(8);
    const payoutLen = r[10];
    if (payoutLen !== 0 && payoutLen !== 42) throw new BundleError(`${this.path}: row ${row}: bad payout length`);
    const accountId = this.heapString(off, idLen, row, "account id");
    const address = payoutLen === 0 ? undefined : this.heapString(off + idLen, payoutLen, row, "payout address");
    const slot = r.readUInt32LE(12);
    if (slot >= 2 ** this.header.d) throw new BundleError(`${this.path}: row ${row}: slot outside 2^${this.header.d}`);
    const h = this.header;
    return recordFileOf({
      accountId,
      accountSalt: readLE(r, 16, 32),
      assetSymbol: h.assetSymbol,
      record: {
        member: BigInt(h.member),
        asset: h.asset,
        t: h.t,
        slot,
        accountKey: readLE(r, 48, 32),
        balance: readLE(r, 80, 16),
        payoutHash: readLE(r, 96, 32),
      },
      payout: address === undefined ? null : { address, salt: readLE(r, 128, 32) },
      message: readLE(r, 160, 32),
      nullifier: readLE(r, 192, 32),
      signature: { R8x: readLE(r, 224, 32), R8y: readLE(r, 256, 32), S: readLE(r, 288, 32) },
      recordKey: h.recordKey,
      D: h.D,
      d: h.d,
      root: h.root,
      proof: this.proof(poseidon, slot, row),
    });
  }

  /** The rows holding `slots` (slot -> row; a slot no row holds is absent), in one pass over the rows. */
  rowsOfSlots(slots: Iterable<number>): Map<number, number> {
    const want = new Set(slots);
    const found = new Map<number, number>();
    const chunk = 4096;
    for (let start = 0; start < this.header.count && found.size < want.size; start += chunk) {
      const n = Math.min(chunk, this.header.count - start);
      const b = this.read(this.rowsAt + start * BUNDLE_ROW_BYTES, n * BUNDLE_ROW_BYTES);
      for (let i = 0; i < n; i++) {
        const slot = b.readUInt32LE(i * BUNDLE_ROW_BYTES + 12);
        if (want.has(slot)) found.set(slot, start + i);
      }
    }
    return found;
  }

  /** The record file text (as a snapshot writes it) of account `accountId`, or undefined if it has no row. */
  exportRecord(poseidon: PoseidonLike, accountId: string): string | undefined {
    const row = this.find(accountId);
    return row === undefined ? undefined : formatRecordFile(this.recordFile(poseidon, row));
  }
}

function parseHeader(path: string, b: Buffer): BundleHeader {
  const bad = (what: string) => new BundleError(`${path}: ${what}`);
  if (b.toString("ascii", 0, 4) !== BUNDLE_MAGIC) throw bad("not a records bundle (bad magic)");
  const version = b.readUInt16LE(4);
  if (version !== BUNDLE_VERSION) throw bad(`unsupported records bundle version ${version} (this reads version 1)`);
  const D = b[6];
  const d = b[7];
  if (D < 1 || D > 32 || d < 1 || d > D) throw bad(`invalid depth D = ${D} or slot bits d = ${d}`);
  const count = b.readUInt32LE(8);
  const symLen = b[44];
  if (symLen < 1 || symLen > 32) throw bad("invalid asset symbol length");
  const levelCounts: number[] = [];
  for (let k = 0; k < MAX_LEVELS; k++) {
    const c = b.readUInt32LE(LEVELS_AT + 4 * k);
    if (k > d && c !== 0) throw bad(`level ${k} above d = ${d} has nodes`);
    if (k <= d) levelCounts.push(c);
  }
  if (levelCounts[0] !== count) throw bad(`${count} records but ${levelCounts[0]} leaves`);
  for (let k = 1; k <= d; k++) {
    if (levelCounts[k] > levelCounts[k - 1]) throw bad(`level ${k} has more nodes than level ${k - 1}`);
  }
  const heapBytes = b.readUInt32LE(224) + b.readUInt32LE(228) * 2 ** 32;
  return {
    D,
    d,
    count,
    asset: b.readUInt32LE(12),
    t: b.readBigUInt64LE(16),
    member: "0x" + b.toString("hex", 24, 44),
    assetSymbol: b.toString("utf8", 45, 45 + symLen),
    recordKey: { Ax: readLE(b, 80, 32), Ay: readLE(b, 112, 32), keyHash: readLE(b, 144, 32) },
    root: { h: readLE(b, 176, 32), s: readLE(b, 208, 16) },
    heapBytes,
    levelCounts,
  };
}
