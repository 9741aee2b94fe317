// The container of one asset's DA blob (PORB, docs/protocol.md "DA blob of one asset"): its header and its two parts,
// the PoA's JSON and the leaves payload. No Node built-in: the web page takes the leaves out of a downloaded blob with
// it; src/poa/blob.ts encodes blobs and validates their PoA part.
import { LEAVES_MAGIC } from "../tree/leaves.js";

/** Magic bytes "PORB". */
export const BLOB_MAGIC = 0x504f5242;
/** Container version. */
export const BLOB_VERSION = 1;
/** Header: magic u32, version u8, 3 reserved bytes, PoA length u32 (big-endian). */
export const BLOB_HEADER_BYTES = 12;
/** Largest PoA part accepted (the JSON of one asset's PoA). */
export const MAX_POA_BYTES = 8 * 1024 * 1024;

/** A blob's two parts, not yet decoded. */
export interface BlobParts {
  /** The PoA's JSON (UTF-8). */
  poa: Uint8Array;
  /** The leaves payload (PORL, src/tree/leaves.ts). */
  leaves: Uint8Array;
}

/** Splits a PORB blob into its parts; refuses a bad magic, version, reserved bytes or length (`fail` makes errors). */
export function splitAssetBlob(
  bytes: Uint8Array,
  what = "blob",
  fail: (message: string) => Error = (m) => new Error(m),
): BlobParts {
  if (bytes.length < BLOB_HEADER_BYTES) throw fail(`${what}: shorter than its header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0) !== BLOB_MAGIC) throw fail(`${what}: bad magic (not a PORB blob)`);
  if (bytes[4] !== BLOB_VERSION) throw fail(`${what}: unsupported version ${bytes[4]}`);
  if (bytes[5] !== 0 || bytes[6] !== 0 || bytes[7] !== 0) throw fail(`${what}: reserved bytes must be zero`);
  const n = view.getUint32(8);
  if (n > MAX_POA_BYTES || BLOB_HEADER_BYTES + n > bytes.length) {
    throw fail(`${what}: PoA length ${n} does not fit the blob`);
  }
  return {
    poa: bytes.subarray(BLOB_HEADER_BYTES, BLOB_HEADER_BYTES + n),
    leaves: bytes.subarray(BLOB_HEADER_BYTES + n),
  };
}

/** The leaves payload a DA blob carries: a PORB blob's leaves part, or a bare PORL leaves payload as it is. */
export function leavesOfBlob(bytes: Uint8Array, what = "blob"): Uint8Array {
  const magic = bytes.length >= 4 ? new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0) : 0;
  if (magic === BLOB_MAGIC) return splitAssetBlob(bytes, what).leaves;
  if (magic === LEAVES_MAGIC) return bytes;
  throw new Error(`${what} is neither a DA blob (PORB) nor a leaves payload (PORL)`);
}
