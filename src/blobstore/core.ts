// What every blob store shares (docs/protocol.md "Data availability (blob store)"): the `BlobStore` interface
// (`put(bytes) -> BlobRef`, `get(ref) -> bytes`), refs and their schema, the errors, `blobDigest` and the integrity
// check. Every ref carries keccak256 of the whole blob, which is what goes on-chain (`blobDigest`), so integrity never
// depends on the DA layer's own commitment scheme: `get` always re-hashes what it returns.
import { keccak256 } from "ethers";
import { z } from "zod";

/** Which store produced a ref. */
export type BlobStoreKind = "local" | "eigenda";

/**
 * A reference to a stored blob: what a caller keeps (and puts on-chain as `keccak256`) to fetch the blob again.
 * - `commitment`: the store's own handle, 0x hex: the keccak256 itself for the local store, the DA certificate for
 *   EigenDA (of the whole blob, or of the manifest when `chunks > 0`).
 * - `keccak256`: keccak256 of the whole blob, 0x + 64 hex digits.
 * - `size`: the blob's length in bytes.
 * - `chunks`: 0 when the blob is stored as one DA blob; else the number of chunks listed by the manifest blob that
 *   `commitment` points to.
 */
export interface BlobRef {
  store: BlobStoreKind;
  commitment: string;
  keccak256: string;
  size: number;
  chunks: number;
}

/** A content store with integrity checked on read. */
export interface BlobStore {
  /** Which kind of store this is (refs of another kind are refused). */
  readonly kind: BlobStoreKind;
  /** Stores `bytes` and returns the ref to fetch them again. Idempotent for the local store. */
  put(bytes: Uint8Array): Promise<BlobRef>;
  /** Fetches the bytes of `ref`; throws {@link BlobNotFoundError} or {@link BlobIntegrityError} when it cannot. */
  get(ref: BlobRef): Promise<Uint8Array>;
}

/** Base class of blob-store errors. */
export class BlobStoreError extends Error {
  override name = "BlobStoreError";
}

/** The store does not hold the blob. */
export class BlobNotFoundError extends BlobStoreError {
  override name = "BlobNotFoundError";
}

/** The stored or fetched bytes do not hash to the expected keccak256 (corruption or a lying DA layer). */
export class BlobIntegrityError extends BlobStoreError {
  override name = "BlobIntegrityError";
}

/**
 * The store refuses the ref itself (EigenDA 418: the certificate fails verification). Evidence about the ref, not an
 * outage: pass it over for another ref of the same blob.
 */
export class BlobRefRejectedError extends BlobStoreError {
  override name = "BlobRefRejectedError";
}

/**
 * The DA layer stayed unavailable (HTTP 503 or 429, network errors) after every retry: not the member's fault
 * (src/chain/rpc.ts classifies it "unavailable" by its code).
 */
export class BlobStoreUnavailableError extends BlobStoreError {
  override name = "BlobStoreUnavailableError";
  readonly code = "DA_UNAVAILABLE";
}

/** keccak256 of bytes as 0x + 64 lower-case hex digits. */
export function blobDigest(bytes: Uint8Array): string {
  return keccak256(bytes);
}

const hex32 = z.string().regex(/^0x[0-9a-f]{64}$/, "must be 0x followed by 64 lower-case hex digits");

/** zod schema of a {@link BlobRef} (e.g. read from a file or an API). */
export const blobRefSchema = z.strictObject({
  store: z.enum(["local", "eigenda"]),
  commitment: z
    .string()
    .regex(/^0x([0-9a-f]{2})+$/, "must be 0x followed by an even number of lower-case hex digits")
    .max(2 + 2 * 65_536, "is too long"),
  keccak256: hex32,
  size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  chunks: z.number().int().min(0).max(1_000_000),
});

/** Parses a blob ref from untrusted JSON; throws with the offending field named. */
export function parseBlobRef(json: unknown): BlobRef {
  const r = blobRefSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new BlobStoreError(`blob ref field ${issue.path.map(String).join(".") || "(root)"}: ${issue.message}`);
  }
  return r.data;
}

/** Checks that `bytes` hash to `ref.keccak256` and have `ref.size` bytes; throws {@link BlobIntegrityError}. */
export function checkIntegrity(ref: Pick<BlobRef, "keccak256" | "size">, bytes: Uint8Array, what: string): void {
  if (bytes.length !== ref.size) {
    throw new BlobIntegrityError(`${what}: expected ${ref.size} bytes, got ${bytes.length}`);
  }
  const got = blobDigest(bytes);
  if (got !== ref.keccak256) {
    throw new BlobIntegrityError(`${what}: keccak256 is ${got}, expected ${ref.keccak256} (corrupt or wrong blob)`);
  }
}
