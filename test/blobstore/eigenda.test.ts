import { expect } from "chai";
import { keccak256 } from "ethers";

import {
  BlobIntegrityError,
  BlobNotFoundError,
  BlobRefRejectedError,
  BlobStoreError,
  BlobStoreUnavailableError,
  EigenDaProxyClient,
  decodeManifest,
  type BlobRef,
} from "../../src/blobstore/index.js";
import { startFakeEigenDa, type FakeEigenDa } from "../helpers/fake-eigenda.js";
import { rejectionOf } from "../helpers/expect.js";

function pseudoRandom(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

describe("EigenDaProxyClient", () => {
  let proxy: FakeEigenDa;
  let client: EigenDaProxyClient;
  const MAX = 4096;

  beforeEach(async () => {
    proxy = await startFakeEigenDa({ maxBlobBytes: MAX });
    client = new EigenDaProxyClient(proxy.url, { maxBlobBytes: MAX, retries: 3, backoff: 5 });
  });
  afterEach(async () => {
    await proxy.close();
  });

  describe("put/get", () => {
    it("stores a small blob as one DA blob and fetches it back", async () => {
      const bytes = pseudoRandom(1000);
      const ref = await client.put(bytes);
      expect(ref.store).to.equal("eigenda");
      expect(ref.chunks).to.equal(0);
      expect(ref.keccak256).to.equal(keccak256(bytes));
      expect(ref.size).to.equal(1000);
      expect(proxy.blobs.get(ref.commitment.slice(2))).to.not.equal(undefined);
      expect(Buffer.from(await client.get(ref)).equals(Buffer.from(bytes))).to.equal(true);
      expect(proxy.requests).to.deep.equal(["POST /put", `GET /get/${ref.commitment}`]);
    });

    it("stores exactly maxBlobBytes as one blob", async () => {
      const ref = await client.put(pseudoRandom(MAX));
      expect(ref.chunks).to.equal(0);
    });

    it("chunks a payload larger than one blob behind a manifest and reassembles it", async () => {
      const bytes = pseudoRandom(3 * MAX + 17, 7);
      const ref = await client.put(bytes);
      expect(ref.chunks).to.equal(4);
      expect(proxy.blobs.size).to.equal(5);
      for (const b of proxy.blobs.values()) expect(b.length).to.be.at.most(MAX);
      const manifest = decodeManifest(proxy.blobs.get(ref.commitment.slice(2))!);
      expect(manifest.keccak256).to.equal(keccak256(bytes));
      expect(manifest.chunks.map((c) => c.size)).to.deep.equal([MAX, MAX, MAX, 17]);
      expect(Buffer.from(await client.get(ref)).equals(Buffer.from(bytes))).to.equal(true);
    });

    it("refuses an empty payload", async () => {
      expect((await rejectionOf(client.put(new Uint8Array(0)))).message).to.contain("empty blob");
    });

    it("reports the proxy's health", async () => {
      expect(await client.health()).to.equal(true);
      const dead = new EigenDaProxyClient("http://127.0.0.1:1", { retries: 0 });
      expect(await dead.health()).to.equal(false);
    });
  });

  describe("503 and network errors", () => {
    it("retries a put after 503 with backoff and succeeds", async () => {
      const retries: number[] = [];
      client = new EigenDaProxyClient(proxy.url, {
        maxBlobBytes: MAX,
        retries: 3,
        backoff: 5,
        onRetry: (i) => retries.push(i.delayMs),
      });
      proxy.fail503(2);
      const ref = await client.put(pseudoRandom(10));
      expect(retries).to.deep.equal([5, 10]);
      expect(proxy.requests.filter((r) => r === "POST /put")).to.have.length(3);
      expect((await client.get(ref)).length).to.equal(10);
    });

    it("retries a get after 503", async () => {
      const ref = await client.put(pseudoRandom(10));
      proxy.fail503(3);
      expect((await client.get(ref)).length).to.equal(10);
    });

    it("gives up with BlobStoreUnavailableError after the last retry", async () => {
      proxy.fail503(10);
      const err = await rejectionOf(client.put(pseudoRandom(10)));
      expect(err).to.be.instanceOf(BlobStoreUnavailableError);
      expect(err.message).to.contain("after 4 attempts");
      expect(err.message).to.contain("DA network is down");
      expect(proxy.blobs.size).to.equal(0);
    });

    it("retries network errors and then fails clearly", async () => {
      const dead = new EigenDaProxyClient("http://127.0.0.1:1", { retries: 1, backoff: 1 });
      const err = await rejectionOf(dead.put(pseudoRandom(10)));
      expect(err).to.be.instanceOf(BlobStoreUnavailableError);
      expect(err.message).to.contain("network error");
    });
  });

  describe("the real proxy's status codes", () => {
    it("418 (certificate fails verification) rejects the ref at once, without retrying", async () => {
      const ref = await client.put(pseudoRandom(100));
      proxy.rejectCertificate(ref.commitment);
      const before = proxy.requests.length;
      const err = await rejectionOf(client.get(ref));
      expect(err).to.be.instanceOf(BlobRefRejectedError);
      expect(err.message).to.contain("418");
      expect(proxy.requests.length - before).to.equal(1);
      // A certificate of another version (a forged one) gets the same answer.
      const forged = { ...ref, commitment: "0x02" + ref.commitment.slice(4) };
      expect(await rejectionOf(client.get(forged))).to.be.instanceOf(BlobRefRejectedError);
    });

    it("429 (rate-limited) is retried with backoff like 503, then unavailable", async () => {
      proxy.fail429(2);
      const ref = await client.put(pseudoRandom(100));
      expect(proxy.requests).to.have.length(3);
      proxy.fail429(10);
      const err = await rejectionOf(client.get(ref));
      expect(err).to.be.instanceOf(BlobStoreUnavailableError);
      expect(err.message).to.contain("rate-limiting");
    });

    it("400 (malformed request) is an error in words, not retried", async () => {
      proxy.failNextWith(400);
      const err = await rejectionOf(client.put(pseudoRandom(10)));
      expect(err).to.be.instanceOf(BlobStoreError);
      expect(err).to.not.be.instanceOf(BlobStoreUnavailableError);
      expect(err.message).to.match(/refused the request as malformed \(400/);
      expect(proxy.requests).to.have.length(1);
    });
  });

  describe("errors that are not retried", () => {
    it("fails at once on another non-200 status", async () => {
      proxy.failNextWith(500);
      const err = await rejectionOf(client.put(pseudoRandom(10)));
      expect(err).to.be.instanceOf(BlobStoreError);
      expect(err).to.not.be.instanceOf(BlobStoreUnavailableError);
      expect(err.message).to.contain("HTTP 500");
      expect(proxy.requests).to.have.length(1);
    });

    it("fails on an empty certificate", async () => {
      proxy.emptyNextPut();
      expect((await rejectionOf(client.put(pseudoRandom(10)))).message).to.contain("empty certificate");
    });

    it("fails when the proxy refuses an oversized blob (client misconfigured)", async () => {
      const big = new EigenDaProxyClient(proxy.url, { maxBlobBytes: 2 * MAX, retries: 0 });
      expect((await rejectionOf(big.put(pseudoRandom(MAX + 1)))).message).to.contain("HTTP 413");
    });

    it("throws BlobNotFoundError for an unknown certificate", async () => {
      const ref: BlobRef = { store: "eigenda", commitment: "0x0102", keccak256: keccak256("0x00"), size: 1, chunks: 0 };
      expect(await rejectionOf(client.get(ref))).to.be.instanceOf(BlobNotFoundError);
    });

    it("refuses a URL that is not http(s) and refs of another store", async () => {
      expect(() => new EigenDaProxyClient("ftp://x")).to.throw(BlobStoreError, /http/);
      expect(() => new EigenDaProxyClient("not a url")).to.throw(BlobStoreError, /not a URL/);
      const ref = await client.put(pseudoRandom(10));
      expect((await rejectionOf(client.get({ ...ref, store: "local" }))).message).to.contain("cannot fetch");
    });
  });

  describe("integrity", () => {
    it("detects a corrupted single blob", async () => {
      const ref = await client.put(pseudoRandom(100));
      proxy.corruptGets(1);
      const err = await rejectionOf(client.get(ref));
      expect(err).to.be.instanceOf(BlobIntegrityError);
      expect(err.message).to.contain("keccak256 is");
    });

    it("detects a corrupted chunk", async () => {
      const ref = await client.put(pseudoRandom(2 * MAX + 1));
      // The manifest comes first; corrupt it and then the first chunk.
      proxy.corruptGets(1);
      expect(await rejectionOf(client.get(ref))).to.be.instanceOf(BlobIntegrityError);
      const manifest = decodeManifest(proxy.blobs.get(ref.commitment.slice(2))!);
      proxy.blobs.get(manifest.chunks[1].commitment.slice(2))![0] ^= 1;
      const err = await rejectionOf(client.get(ref));
      expect(err).to.be.instanceOf(BlobIntegrityError);
      expect(err.message).to.contain("chunk 1");
    });

    it("detects a ref whose keccak256 does not match what the proxy returns", async () => {
      const ref = await client.put(pseudoRandom(100));
      const wrong = { ...ref, keccak256: keccak256(pseudoRandom(100, 9)) };
      expect(await rejectionOf(client.get(wrong))).to.be.instanceOf(BlobIntegrityError);
      const chunked = await client.put(pseudoRandom(MAX + 5));
      expect(await rejectionOf(client.get({ ...chunked, keccak256: wrong.keccak256 }))).to.be.instanceOf(
        BlobIntegrityError,
      );
    });

    it("detects a manifest swapped for another blob's manifest", async () => {
      const a = await client.put(pseudoRandom(MAX + 5, 1));
      const b = await client.put(pseudoRandom(MAX + 5, 2));
      expect(await rejectionOf(client.get({ ...a, commitment: b.commitment }))).to.be.instanceOf(BlobIntegrityError);
    });

    it("detects a manifest ref pointing at a non-manifest blob", async () => {
      const plain = await client.put(pseudoRandom(50));
      const err = await rejectionOf(client.get({ ...plain, chunks: 2 }));
      expect(err).to.be.instanceOf(BlobIntegrityError);
      expect(err.message).to.contain("manifest");
    });
  });
});
