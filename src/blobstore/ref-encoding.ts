// The on-chain encoding of a BlobRef: the `ref` bytes a member publishes with
// `CommitmentLedger.publishBlobRef(t, asset, ref)` (docs/protocol.md section 9, "Blob refs on-chain"). Binary,
// big-endian, versioned and self-describing:
//
//   offset size  field
//        0    4  magic "PORR" (0x504f5252)
//        4    1  version = 1
//        5    1  store: 1 = local, 2 = eigenda
//        6    8  size: the blob's length in bytes (uint64, at most 2^53 - 1)
//       14    4  chunks: 0, or the number of chunks the manifest lists (uint32, at most 1,000,000; 0 for local)
//       18   32  keccak256 of the whole blob (must be the committed blobDigest for a node to use the ref)
//       50    n  commitment: the store's handle, n >= 1 (local: the keccak256 again; eigenda: the DA certificate)
//
// The whole is at most 16,384 bytes (the ledger's MAX_BLOB_REF_LENGTH), so a commitment has at most 16,334 bytes.
import { BlobStoreError, parseBlobRef, type BlobRef, type BlobStoreKind } from "./core.js";

/** Magic of an encoded ref: "PORR". */
export const BLOB_REF_MAGIC = 0x504f5252;
/** The encoding version written and read. */
export const BLOB_REF_VERSION = 1;
/** Largest encoded ref the ledger accepts (`CommitmentLedger.MAX_BLOB_REF_LENGTH`). */
export const MAX_ENCODED_BLOB_REF_BYTES = 16_384;
/** Bytes before the commitment. */
export const BLOB_REF_HEADER_BYTES = 50;

const STORE_CODES: Record<BlobStoreKind, number> = { local: 1, eigenda: 2 };
const STORE_KINDS = new Map<number, BlobStoreKind>(
  Object.entries(STORE_CODES).map(([k, v]) => [v, k as BlobStoreKind]),
);
const MAX_CHUNKS = 1_000_000;

/** An encoded ref that is malformed, or a ref that cannot be encoded; the message names the field and its bytes. */
export class BlobRefEncodingError extends BlobStoreError {
  override name = "BlobRefEncodingError";
}

const hex = (b: Uint8Array) => "0x" + Buffer.from(b).toString("hex");

/** Encodes a ref as the bytes published on-chain; throws {@link BlobRefEncodingError} for a ref that cannot be. */
export function encodeBlobRef(ref: BlobRef): Uint8Array {
  let r: BlobRef;
  try {
    r = parseBlobRef(ref);
  } catch (e) {
    throw new BlobRefEncodingError(`cannot encode the ${(e as Error).message}`);
  }
  const commitment = Buffer.from(r.commitment.slice(2), "hex");
  const max = MAX_ENCODED_BLOB_REF_BYTES - BLOB_REF_HEADER_BYTES;
  if (commitment.length > max) {
    throw new BlobRefEncodingError(
      `cannot encode the blob ref: its commitment has ${commitment.length} bytes, at most ${max} fit the ` +
        `${MAX_ENCODED_BLOB_REF_BYTES}-byte on-chain ref`,
    );
  }
  if (r.store === "local" && (r.commitment !== r.keccak256 || r.chunks !== 0)) {
    throw new BlobRefEncodingError("cannot encode the blob ref: a local ref has its keccak256 as commitment, 0 chunks");
  }
  if (r.store === "eigenda" && r.size === 0) {
    throw new BlobRefEncodingError("cannot encode the blob ref: an EigenDA ref cannot be of an empty blob");
  }
  if (r.chunks > MAX_CHUNKS) throw new BlobRefEncodingError(`cannot encode the blob ref: chunks above ${MAX_CHUNKS}`);
  const out = Buffer.alloc(BLOB_REF_HEADER_BYTES + commitment.length);
  out.writeUInt32BE(BLOB_REF_MAGIC, 0);
  out.writeUInt8(BLOB_REF_VERSION, 4);
  out.writeUInt8(STORE_CODES[r.store], 5);
  out.writeBigUInt64BE(BigInt(r.size), 6);
  out.writeUInt32BE(r.chunks, 14);
  Buffer.from(r.keccak256.slice(2), "hex").copy(out, 18);
  commitment.copy(out, BLOB_REF_HEADER_BYTES);
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** The bytes of an encoded ref given as bytes or as 0x hex (as ethers returns a `bytes` event argument). */
function refBytes(input: Uint8Array | string): Buffer {
  if (typeof input !== "string") return Buffer.from(input.buffer, input.byteOffset, input.length);
  if (!/^0x([0-9a-fA-F]{2})*$/.test(input)) {
    throw new BlobRefEncodingError("blob ref: not 0x followed by an even number of hex digits");
  }
  return Buffer.from(input.slice(2), "hex");
}

/**
 * Decodes the bytes of an on-chain ref (bytes, or 0x hex). Throws {@link BlobRefEncodingError} naming the field and
 * byte offsets of the first thing wrong: length, magic, version, store kind, size, chunks, commitment.
 */
export function decodeBlobRef(input: Uint8Array | string): BlobRef {
  const b = refBytes(input);
  const fail = (where: string, what: string) => new BlobRefEncodingError(`blob ref ${where}: ${what}`);
  if (b.length > MAX_ENCODED_BLOB_REF_BYTES) {
    throw fail(`(${b.length} bytes)`, `longer than the ${MAX_ENCODED_BLOB_REF_BYTES}-byte limit`);
  }
  if (b.length < 6) {
    throw fail(`(${b.length} bytes)`, `too short for its magic, version and store kind (6 bytes)`);
  }
  const magic = b.readUInt32BE(0);
  if (magic !== BLOB_REF_MAGIC) {
    throw fail("bytes 0-3", `magic is ${hex(b.subarray(0, 4))}, not "PORR" (0x504f5252): not a blob ref`);
  }
  const version = b.readUInt8(4);
  if (version !== BLOB_REF_VERSION) {
    throw fail("byte 4", `version ${version} is not supported (this software reads version ${BLOB_REF_VERSION})`);
  }
  const store = STORE_KINDS.get(b.readUInt8(5));
  if (store === undefined) throw fail("byte 5", `unknown store kind ${b.readUInt8(5)} (1 = local, 2 = eigenda)`);
  if (b.length <= BLOB_REF_HEADER_BYTES) {
    throw fail(
      `(${b.length} bytes)`,
      `truncated: a version-1 ref has a ${BLOB_REF_HEADER_BYTES}-byte header and at least 1 commitment byte`,
    );
  }
  const size = b.readBigUInt64BE(6);
  if (size > BigInt(Number.MAX_SAFE_INTEGER)) throw fail("bytes 6-13", `size ${size} is above 2^53 - 1`);
  if (store === "eigenda" && size === 0n) throw fail("bytes 6-13", "size 0: an EigenDA ref cannot be of an empty blob");
  const chunks = b.readUInt32BE(14);
  if (chunks > MAX_CHUNKS) throw fail("bytes 14-17", `chunks ${chunks} is above ${MAX_CHUNKS}`);
  if (store === "local" && chunks !== 0) throw fail("bytes 14-17", `chunks ${chunks}: a local ref has 0 chunks`);
  if (BigInt(chunks) > size) throw fail("bytes 14-17", `chunks ${chunks} is above the size ${size}`);
  const keccak256 = hex(b.subarray(18, BLOB_REF_HEADER_BYTES));
  const commitment = hex(b.subarray(BLOB_REF_HEADER_BYTES));
  if (store === "local" && commitment !== keccak256) {
    throw fail(`bytes ${BLOB_REF_HEADER_BYTES}-${b.length - 1}`, "a local ref's commitment must be its keccak256");
  }
  return { store, commitment, keccak256, size: Number(size), chunks };
}
