// Attack on issue 20's DA classification: a member controls its published ref (size, chunks) and the manifest blob it
// stores on EigenDA. A manifest that claims an absurd size makes EigenDaProxyClient.get allocate `new Uint8Array(size)`
// before any chunk is fetched: a RangeError, which is none of the errors publishedRefBlobSource passes over, so the
// node postpones the subject forever (not counted toward blobAttempts) instead of judging `blob-available`.
import { expect } from "chai";

import {
  BlobIntegrityError,
  BlobNotFoundError,
  BlobRefRejectedError,
  EigenDaProxyClient,
  encodeManifest,
} from "../../src/blobstore/index.js";
import { startFakeEigenDa, type FakeEigenDa } from "../helpers/fake-eigenda.js";

describe("attack issue 20: a member's EigenDA manifest must be judged, never throw", function () {
  let da: FakeEigenDa;
  before(async () => (da = await startFakeEigenDa()));
  after(async () => da.close());

  it("FINDING: a manifest claiming 2^50 bytes is a BlobIntegrityError (pass the ref over), not a RangeError", async function () {
    const client = new EigenDaProxyClient(da.url, { retries: 0 });
    const keccak = "0x" + "ab".repeat(32);
    const size = 2 ** 50;
    // The chunk list adds up to the claimed size; the chunk itself need not exist: the allocation comes first.
    const manifest = encodeManifest({
      format: "por.da-manifest",
      version: 1,
      size,
      keccak256: keccak,
      chunkSize: size,
      chunks: [{ commitment: "0x01", keccak256: keccak, size }],
    });
    const m = await client.put(manifest);
    let thrown: unknown;
    try {
      await client.get({ store: "eigenda", commitment: m.commitment, keccak256: keccak, size, chunks: 1 });
    } catch (e) {
      thrown = e;
    }
    expect(thrown, `threw ${String(thrown)}`).to.satisfy(
      (e: unknown) =>
        e instanceof BlobIntegrityError || e instanceof BlobNotFoundError || e instanceof BlobRefRejectedError,
    );
  });
});
