// The DA blob of one asset of a commitment (docs/protocol.md "Proof of assets", blob payload): the asset's PoA
// (wallets, ownership signatures, balances) and the tree's populated-leaves payload (section 5.4), in one binary
// container whose keccak256 is the commitment's `blobDigest`.
import { parsePoa, poaForAsset, PoaFormatError, type PoaDocument } from "./document.js";

/** Magic bytes "PORB". */
export const BLOB_MAGIC = 0x504f5242;
/** Container version. */
export const BLOB_VERSION = 1;
/** Header: magic u32, version u8, 3 reserved bytes, PoA length u32 (big-endian). */
export const BLOB_HEADER_BYTES = 12;
/** Largest PoA part accepted (the JSON of one asset's PoA). */
export const MAX_POA_BYTES = 8 * 1024 * 1024;

/** A decoded blob. */
export interface AssetBlob {
  poa: PoaDocument;
  /** The leaves payload bytes (PORL, src/tree/leaves.ts), not yet decoded. */
  leaves: Uint8Array;
}

/**
 * Encodes one asset's blob: the PoA restricted to `asset` as canonical JSON (the validated document, keys in schema
 * order, no spaces), then the leaves payload.
 */
export function encodeAssetBlob(poa: PoaDocument, asset: number, leaves: Uint8Array): Buffer {
  const json = Buffer.from(JSON.stringify(poaForAsset(poa, asset)), "utf8");
  if (json.length > MAX_POA_BYTES) throw new PoaFormatError(`the PoA of asset ${asset} exceeds ${MAX_POA_BYTES} bytes`);
  const out = Buffer.alloc(BLOB_HEADER_BYTES + json.length + leaves.length);
  out.writeUInt32BE(BLOB_MAGIC, 0);
  out[4] = BLOB_VERSION;
  out.writeUInt32BE(json.length, 8);
  json.copy(out, BLOB_HEADER_BYTES);
  out.set(leaves, BLOB_HEADER_BYTES + json.length);
  return out;
}

/** Decodes a blob; refuses a bad magic, version, reserved bytes, length, or a PoA that is not exactly one asset. */
export function decodeAssetBlob(bytes: Uint8Array, what = "blob"): AssetBlob {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < BLOB_HEADER_BYTES) throw new PoaFormatError(`${what}: shorter than its header`);
  if (b.readUInt32BE(0) !== BLOB_MAGIC) throw new PoaFormatError(`${what}: bad magic (not a PORB blob)`);
  if (b[4] !== BLOB_VERSION) throw new PoaFormatError(`${what}: unsupported version ${b[4]}`);
  if (b[5] !== 0 || b[6] !== 0 || b[7] !== 0) throw new PoaFormatError(`${what}: reserved bytes must be zero`);
  const n = b.readUInt32BE(8);
  if (n > MAX_POA_BYTES || BLOB_HEADER_BYTES + n > b.length) {
    throw new PoaFormatError(`${what}: PoA length ${n} does not fit the blob`);
  }
  const poa = parsePoa(b.subarray(BLOB_HEADER_BYTES, BLOB_HEADER_BYTES + n).toString("utf8"), `${what} (PoA part)`);
  if (poa.assets.length !== 1) throw new PoaFormatError(`${what}: the PoA part must hold exactly one asset`);
  return { poa, leaves: b.subarray(BLOB_HEADER_BYTES + n) };
}
