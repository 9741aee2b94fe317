// The DA blob of one asset of a commitment (docs/protocol.md "Proof of assets", blob payload): the asset's PoA
// (wallets, ownership signatures, balances) and the tree's populated-leaves payload (section 5.4), in one binary
// container whose keccak256 is the commitment's `blobDigest`.
import { BLOB_HEADER_BYTES, BLOB_MAGIC, BLOB_VERSION, MAX_POA_BYTES, splitAssetBlob } from "./blob-container.js";
import { parsePoa, poaForAsset, PoaFormatError, type PoaDocument } from "./document.js";

export { BLOB_HEADER_BYTES, BLOB_MAGIC, BLOB_VERSION, MAX_POA_BYTES } from "./blob-container.js";

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
  const parts = splitAssetBlob(bytes, what, (m) => new PoaFormatError(m));
  const poa = parsePoa(new TextDecoder().decode(parts.poa), `${what} (PoA part)`);
  if (poa.assets.length !== 1) throw new PoaFormatError(`${what}: the PoA part must hold exactly one asset`);
  return { poa, leaves: parts.leaves };
}
