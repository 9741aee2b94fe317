// The on-chain encoding of a blob ref (src/blobstore/ref-encoding.ts, docs/protocol.md section 9): the documented
// byte layout, round trips of every ref kind up to the ledger's 16,384-byte limit, and every malformed input refused
// with a message naming the field and its bytes.
import { expect } from "chai";
import { keccak256 } from "ethers";

import { BlobStoreError, type BlobRef } from "../../src/blobstore/index.js";
import {
  BLOB_REF_HEADER_BYTES,
  BlobRefEncodingError,
  MAX_ENCODED_BLOB_REF_BYTES,
  decodeBlobRef,
  encodeBlobRef,
} from "../../src/blobstore/ref-encoding.js";

const K = keccak256("0x01");
const local: BlobRef = { store: "local", commitment: K, keccak256: K, size: 1234, chunks: 0 };
const eigenda: BlobRef = { store: "eigenda", commitment: "0x01000000072a", keccak256: K, size: 5000, chunks: 0 };
const chunked: BlobRef = { ...eigenda, commitment: "0x" + "ab".repeat(300), size: 40_000_000, chunks: 3 };

const hexOf = (b: Uint8Array) => "0x" + Buffer.from(b).toString("hex");

/** The encoding of `ref` with `edit` applied to its bytes. */
function edited(ref: BlobRef, edit: (b: Buffer) => Buffer | void): Buffer {
  const b = Buffer.from(encodeBlobRef(ref));
  return edit(b) ?? b;
}

function refused(input: Uint8Array | string, re: RegExp): void {
  let error: unknown;
  try {
    decodeBlobRef(input);
  } catch (e) {
    error = e;
  }
  expect(error, `decoding ${typeof input === "string" ? input.slice(0, 40) : hexOf(input).slice(0, 40)}`).to.be.an(
    "error",
  );
  expect(error).to.be.instanceOf(BlobRefEncodingError);
  expect(error).to.be.instanceOf(BlobStoreError);
  expect((error as Error).message).to.match(re);
}

describe("blob ref encoding", function () {
  it("lays out magic, version, store, size, chunks, keccak256 and commitment as documented", function () {
    expect(hexOf(encodeBlobRef(eigenda))).to.equal(
      "0x504f5252" + // "PORR"
        "01" + // version
        "02" + // eigenda
        "0000000000001388" + // size 5000
        "00000000" + // chunks
        K.slice(2) +
        "01000000072a", // the certificate
    );
    expect(encodeBlobRef(local)).to.have.length(BLOB_REF_HEADER_BYTES + 32);
  });

  it("round-trips local, EigenDA and chunked EigenDA refs, from bytes and from (any-case) hex", function () {
    for (const ref of [local, eigenda, chunked]) {
      const bytes = encodeBlobRef(ref);
      expect(decodeBlobRef(bytes)).to.deep.equal(ref);
      expect(decodeBlobRef(hexOf(bytes))).to.deep.equal(ref);
      expect(decodeBlobRef(hexOf(bytes).toUpperCase().replace("0X", "0x"))).to.deep.equal(ref);
    }
    const biggest = { ...eigenda, size: Number.MAX_SAFE_INTEGER, chunks: 1_000_000 };
    expect(decodeBlobRef(encodeBlobRef(biggest))).to.deep.equal(biggest);
  });

  it("fits a commitment up to the ledger's 16,384-byte limit, and refuses a longer one", function () {
    const max = MAX_ENCODED_BLOB_REF_BYTES - BLOB_REF_HEADER_BYTES;
    const atLimit = { ...eigenda, commitment: "0x" + "cd".repeat(max) };
    const bytes = encodeBlobRef(atLimit);
    expect(bytes).to.have.length(16_384);
    expect(decodeBlobRef(bytes)).to.deep.equal(atLimit);
    expect(() => encodeBlobRef({ ...atLimit, commitment: atLimit.commitment + "cd" })).to.throw(
      BlobRefEncodingError,
      /commitment has 16335 bytes, at most 16334 fit the 16384-byte on-chain ref/,
    );
  });

  it("refuses to encode a ref that breaks the BlobRef rules, naming the field", function () {
    const cases: Array<[BlobRef, RegExp]> = [
      [{ ...eigenda, keccak256: "0x12" }, /blob ref field keccak256: must be 0x followed by 64/],
      [{ ...eigenda, commitment: "0xABCD" }, /field commitment: must be 0x followed by an even number/],
      [{ ...eigenda, size: -1 }, /field size/],
      [{ ...eigenda, size: 0 }, /an EigenDA ref cannot be of an empty blob/],
      [{ ...local, commitment: "0x00" }, /a local ref has its keccak256 as commitment, 0 chunks/],
      [{ ...local, chunks: 2 }, /a local ref has its keccak256 as commitment, 0 chunks/],
      [{ ...eigenda, store: "s3" as never }, /field store/],
    ];
    for (const [ref, re] of cases) {
      expect(() => encodeBlobRef(ref), JSON.stringify(ref)).to.throw(BlobRefEncodingError, re);
    }
  });

  it("refuses each malformed encoding with the field and bytes at fault", function () {
    refused("0x123", /not 0x followed by an even number of hex digits/);
    refused("504f5252", /not 0x followed by an even number of hex digits/);
    refused("0x", /\(0 bytes\): too short for its magic, version and store kind/);
    refused(new Uint8Array(MAX_ENCODED_BLOB_REF_BYTES + 1), /\(16385 bytes\): longer than the 16384-byte limit/);
    refused(
      edited(eigenda, (b) => void b.write("PORB", 0, "latin1")),
      /bytes 0-3: magic is 0x504f5242, not "PORR" \(0x504f5252\): not a blob ref/,
    );
    refused(
      edited(eigenda, (b) => void (b[4] = 2)),
      /byte 4: version 2 is not supported \(this software reads version 1\)/,
    );
    refused(
      edited(eigenda, (b) => void (b[5] = 9)),
      /byte 5: unknown store kind 9 \(1 = local, 2 = eigenda\)/,
    );
    refused(
      edited(eigenda, (b) => b.subarray(0, BLOB_REF_HEADER_BYTES)),
      /\(50 bytes\): truncated: a version-1 ref has a 50-byte header and at least 1 commitment byte/,
    );
    refused(
      edited(eigenda, (b) => b.subarray(0, 20)),
      /\(20 bytes\): truncated/,
    );
    refused(
      edited(eigenda, (b) => void b.writeBigUInt64BE(1n << 60n, 6)),
      /bytes 6-13: size 1152921504606846976 is above 2\^53 - 1/,
    );
    refused(
      edited(eigenda, (b) => void b.writeBigUInt64BE(0n, 6)),
      /bytes 6-13: size 0: an EigenDA ref cannot be of an empty blob/,
    );
    refused(
      edited(chunked, (b) => void b.writeUInt32BE(1_000_001, 14)),
      /bytes 14-17: chunks 1000001 is above 1000000/,
    );
    refused(
      edited(eigenda, (b) => void b.writeUInt32BE(5001, 14)),
      /bytes 14-17: chunks 5001 is above the size 5000/,
    );
    refused(
      edited(local, (b) => void b.writeUInt32BE(1, 14)),
      /bytes 14-17: chunks 1: a local ref has 0 chunks/,
    );
    refused(
      edited(local, (b) => void (b[b.length - 1] ^= 1)),
      /bytes 50-81: a local ref's commitment must be its keccak256/,
    );
  });
});
