import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { keccak256 } from "ethers";
import fc from "fast-check";

import {
  BlobIntegrityError,
  BlobNotFoundError,
  BlobStoreError,
  LocalBlobStore,
  parseBlobRef,
} from "../../src/blobstore/index.js";
import { rejectionOf } from "../helpers/expect.js";

describe("LocalBlobStore", () => {
  let dir: string;
  let store: LocalBlobStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "por-blobs-"));
    store = new LocalBlobStore(join(dir, "store"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe("put/get", () => {
    it("round-trips bytes and names them by keccak256", async () => {
      const bytes = new TextEncoder().encode("hello, reserves");
      const ref = await store.put(bytes);
      expect(ref).to.deep.equal({
        store: "local",
        commitment: keccak256(bytes),
        keccak256: keccak256(bytes),
        size: bytes.length,
        chunks: 0,
      });
      expect(Buffer.from(await store.get(ref)).toString()).to.equal("hello, reserves");
      expect(await readFile(store.pathOf(ref.keccak256), "utf8")).to.equal("hello, reserves");
    });

    it("round-trips arbitrary payloads, including empty ones (property)", async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), async (bytes) => {
          const ref = await store.put(bytes);
          expect(ref.keccak256).to.equal(keccak256(bytes));
          expect(Buffer.from(await store.get(ref)).equals(Buffer.from(bytes))).to.equal(true);
        }),
        { numRuns: 40 },
      );
    });

    it("is idempotent and leaves no temporary files behind", async () => {
      const bytes = new Uint8Array([1, 2, 3]);
      const a = await store.put(bytes);
      const b = await store.put(bytes);
      expect(b).to.deep.equal(a);
      expect(await readdir(join(store.dir, ".tmp"))).to.deep.equal([]);
      expect(await readdir(join(store.dir, a.keccak256.slice(2, 4)))).to.deep.equal([a.keccak256.slice(2)]);
    });

    it("survives concurrent puts of the same and different blobs", async () => {
      const payloads = Array.from({ length: 20 }, (_, i) => new Uint8Array([i % 5, 7, 7]));
      const refs = await Promise.all(payloads.map((p) => store.put(p)));
      for (const [i, r] of refs.entries())
        expect(Array.from(await store.get(r))).to.deep.equal(Array.from(payloads[i]));
    });
  });

  describe("unhappy paths", () => {
    it("throws BlobNotFoundError for a blob it never stored", async () => {
      const ref = await store.put(new Uint8Array([9]));
      await rm(store.pathOf(ref.keccak256));
      const err = await rejectionOf(store.get(ref));
      expect(err).to.be.instanceOf(BlobNotFoundError);
      expect(err.message).to.contain("is not in the local store");
    });

    it("throws BlobIntegrityError when the file was altered on disk", async () => {
      const ref = await store.put(new TextEncoder().encode("original"));
      await writeFile(store.pathOf(ref.keccak256), "0riginal");
      const err = await rejectionOf(store.get(ref));
      expect(err).to.be.instanceOf(BlobIntegrityError);
      expect(err.message).to.match(/keccak256 is 0x[0-9a-f]{64}, expected/);
      expect(await store.has(ref.keccak256)).to.equal(false);
    });

    it("throws BlobIntegrityError when the file was truncated", async () => {
      const ref = await store.put(new TextEncoder().encode("original"));
      await writeFile(store.pathOf(ref.keccak256), "orig");
      const err = await rejectionOf(store.get(ref));
      expect(err).to.be.instanceOf(BlobIntegrityError);
      expect(err.message).to.contain("expected 8 bytes, got 4");
    });

    it("repairs a corrupt copy when the same bytes are put again", async () => {
      const bytes = new TextEncoder().encode("repair me");
      const ref = await store.put(bytes);
      await writeFile(store.pathOf(ref.keccak256), "garbage");
      await store.put(bytes);
      expect(Buffer.from(await store.get(ref)).toString()).to.equal("repair me");
    });

    it("refuses refs of another store and malformed refs", async () => {
      const ref = await store.put(new Uint8Array([1]));
      const other = await rejectionOf(store.get({ ...ref, store: "eigenda" }));
      expect(other).to.be.instanceOf(BlobStoreError);
      expect(other.message).to.contain("cannot fetch");
      expect(await rejectionOf(store.get({ ...ref, commitment: "0x" + "00".repeat(32) }))).to.be.instanceOf(
        BlobStoreError,
      );
      const traversal = "0x../../etc/passwd";
      const bad = await rejectionOf(store.get({ ...ref, keccak256: traversal, commitment: traversal }));
      expect(bad.message).to.contain("not a keccak256");
      expect(() => store.pathOf("../x")).to.throw(BlobStoreError, /not a keccak256/);
    });

    it("parseBlobRef validates untrusted refs and names the field", async () => {
      const ref = await store.put(new Uint8Array([1, 2]));
      expect(parseBlobRef(JSON.parse(JSON.stringify(ref)))).to.deep.equal(ref);
      expect(() => parseBlobRef({ ...ref, keccak256: "0x12" })).to.throw(BlobStoreError, /field keccak256/);
      expect(() => parseBlobRef({ ...ref, size: -1 })).to.throw(BlobStoreError, /field size/);
      expect(() => parseBlobRef({ ...ref, extra: 1 })).to.throw(BlobStoreError);
    });
  });
});
