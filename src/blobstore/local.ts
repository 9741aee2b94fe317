// The local content-addressed blob store: one file per blob under `<dir>/<2 hex>/<64 hex>` named by keccak256 of
// its bytes. Writes go to a temporary file in `<dir>/.tmp`, are flushed to disk, then renamed into place, so a
// reader never sees a half-written blob and a crash leaves at most a stray temporary file. Reads re-hash the bytes.
import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";

import {
  BlobIntegrityError,
  BlobNotFoundError,
  BlobStoreError,
  blobDigest,
  checkIntegrity,
  type BlobRef,
  type BlobStore,
} from "./core.js";

/** A directory of blobs named by their keccak256. */
export class LocalBlobStore implements BlobStore {
  readonly kind = "local" as const;
  private ready: Promise<void> | undefined;

  /** @param dir the store's directory (created on first use). */
  constructor(readonly dir: string) {}

  private init(): Promise<void> {
    this.ready ??= mkdir(join(this.dir, ".tmp"), { recursive: true }).then(() => undefined);
    return this.ready;
  }

  /** The file that holds the blob with this keccak256 (0x + 64 hex). */
  pathOf(keccak: string): string {
    if (!/^0x[0-9a-f]{64}$/.test(keccak)) throw new BlobStoreError(`not a keccak256 digest: ${keccak}`);
    const h = keccak.slice(2);
    return join(this.dir, h.slice(0, 2), h);
  }

  async put(bytes: Uint8Array): Promise<BlobRef> {
    await this.init();
    const digest = blobDigest(bytes);
    const ref: BlobRef = { store: "local", commitment: digest, keccak256: digest, size: bytes.length, chunks: 0 };
    const target = this.pathOf(digest);
    // Already stored and intact: nothing to do (content addressing makes put idempotent). A corrupt copy is replaced.
    try {
      const s = await stat(target);
      if (s.size === bytes.length && blobDigest(await readFile(target)) === digest) return ref;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
    await mkdir(join(this.dir, digest.slice(2, 4)), { recursive: true });
    const tmp = join(this.dir, ".tmp", `${digest.slice(2, 18)}-${randomBytes(8).toString("hex")}`);
    const fh = await open(tmp, "wx", 0o644);
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } catch (e) {
      await fh.close();
      await rm(tmp, { force: true });
      throw e;
    }
    await fh.close();
    await rename(tmp, target);
    await syncDir(join(this.dir, digest.slice(2, 4)));
    return ref;
  }

  async get(ref: BlobRef): Promise<Uint8Array> {
    if (ref.store !== "local") throw new BlobStoreError(`the local store cannot fetch a ${ref.store} ref`);
    if (ref.commitment !== ref.keccak256) {
      throw new BlobStoreError("a local ref's commitment must equal its keccak256");
    }
    const path = this.pathOf(ref.keccak256);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") {
        throw new BlobNotFoundError(`blob ${ref.keccak256} is not in the local store ${this.dir}`);
      }
      throw e;
    }
    try {
      checkIntegrity(ref, bytes, `local blob ${path}`);
    } catch (e) {
      if (e instanceof BlobIntegrityError) throw new BlobIntegrityError(`${e.message}; the file is corrupt`);
      throw e;
    }
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  }

  /** Whether the store holds an intact blob with this keccak256. */
  async has(keccak: string): Promise<boolean> {
    try {
      const bytes = await readFile(this.pathOf(keccak));
      return blobDigest(bytes) === keccak;
    } catch {
      return false;
    }
  }
}

/** fsync a directory so a rename in it survives a crash (best effort: not every platform allows it). */
async function syncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, "r");
    await fh.sync();
  } catch {
    // Some file systems refuse fsync on a directory; the rename itself is still atomic.
  } finally {
    await fh?.close();
  }
}
