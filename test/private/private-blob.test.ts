// The private DA blob (X25519 + HKDF-SHA256 + ChaCha20-Poly1305 from Node's crypto) and the operators' checks of a
// private asset's openings (src/private/blob.ts, src/private/check.ts): every recipient opens it, nobody else does,
// and a blob moved to another context, a changed header, ciphertext or wrapped key does not open; each kind of bad
// opening (C_A, C_L, C_S, A != L + S, liabilities not the leaves' sum, reserves not the PoA's) is refused by name;
// a header with any field of the wrong type or length, or a low-order ephemeral key, is a named PrivateBlobError
// (never a TypeError or OpenSSL's error), and the sealer names an operator whose key is of low order.
import { expect } from "chai";
import { Wallet, getBytes } from "ethers";

import {
  PRIVATE_BLOB_MIN_BUCKET,
  PRIVATE_BLOB_VERSION,
  PrivateBlobError,
  checkPrivateBlobOpens,
  checkPrivateLiabilities,
  checkPrivateOpenings,
  checkPrivateReserves,
  commitTotals,
  decodePrivateBlobPayload,
  encodePrivateBlobPayload,
  generateEncryptionKey,
  isPrivateBlob,
  openPrivateBlob,
  privateBlobBucket,
  privateBlobRecipients,
  sealPrivateBlob,
  type PrivateBlobContext,
} from "../../src/private/index.js";

/** The context every blob of this file is sealed under. */
const context: PrivateBlobContext = {
  chainId: 31337n,
  ledger: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  member: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  asset: 1,
  t: 1_700_000_000n,
};

describe("private blob: hybrid encryption to the co-signing operators", function () {
  const operators = [0, 1, 2].map(() => ({ address: Wallet.createRandom().address, key: generateEncryptionKey() }));
  const recipients = operators.map((o) => ({ operator: o.address, publicKey: o.key.publicKey }));
  const { openings } = commitTotals(1_000n, 250n);
  const inner = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const sealed = sealPrivateBlob({ inner, openings }, recipients, context);

  it("every recipient opens it to the same payload; the recipients are listed", function () {
    expect(isPrivateBlob(sealed)).to.equal(true);
    expect(privateBlobRecipients(sealed)).to.deep.equal(operators.map((o) => o.address));
    for (const o of operators) {
      const p = openPrivateBlob(sealed, o.address, o.key, context);
      expect(p.inner).to.deep.equal(inner);
      expect(p.openings).to.deep.equal(openings);
    }
  });
  it("no plaintext in the ciphertext", function () {
    expect(Buffer.from(sealed).includes(Buffer.from(openings.rA.toString()))).to.equal(false);
  });
  it("refuses a non-recipient, another key, another context, a changed header or ciphertext", function () {
    const o = operators[0];
    const stranger = { address: Wallet.createRandom().address, key: generateEncryptionKey() };
    expect(() => openPrivateBlob(sealed, stranger.address, stranger.key, context)).to.throw(
      PrivateBlobError,
      /not a recipient/,
    );
    expect(() => openPrivateBlob(sealed, o.address, stranger.key, context)).to.throw(PrivateBlobError, /content key/);
    for (const other of [{ asset: 2 }, { t: context.t + 1n }, { member: stranger.address }, { chainId: 1n }]) {
      expect(() => openPrivateBlob(sealed, o.address, o.key, { ...context, ...other })).to.throw(PrivateBlobError);
    }
    const body = Uint8Array.from(sealed);
    body[body.length - 1] ^= 1;
    expect(() => openPrivateBlob(body, o.address, o.key, context)).to.throw(PrivateBlobError, /payload/);
    // A header edit (a recipient dropped and the length fixed up) breaks the payload's associated data.
    const len = Buffer.from(sealed).readUInt32BE(5);
    const header = JSON.parse(Buffer.from(sealed.subarray(9, 9 + len)).toString()) as { recipients: unknown[] };
    header.recipients = header.recipients.slice(0, 1);
    const h = Buffer.from(JSON.stringify(header));
    const prefix = Buffer.from(sealed.subarray(0, 9));
    prefix.writeUInt32BE(h.length, 5);
    const edited = new Uint8Array(Buffer.concat([prefix, h, sealed.subarray(9 + len)]));
    expect(() => openPrivateBlob(edited, o.address, o.key, context)).to.throw(PrivateBlobError, /payload/);
    expect(() => openPrivateBlob(inner, o.address, o.key, context)).to.throw(PrivateBlobError, /PORP/);
  });
  it("pads the payload to its bucket (a power of two, at least 64 KiB): the length hides the payload's size", function () {
    expect(PRIVATE_BLOB_VERSION).to.equal(2);
    expect(PRIVATE_BLOB_MIN_BUCKET).to.equal(65_536);
    expect([0, 1, 65_536, 65_537, 131_072, 131_073, 1_000_000].map(privateBlobBucket)).to.deep.equal([
      65_536, 65_536, 65_536, 131_072, 131_072, 262_144, 1_048_576,
    ]);
    expect(() => privateBlobBucket(-1)).to.throw(PrivateBlobError, /no bucket/);
    expect(() => privateBlobBucket(2 ** 31 + 1)).to.throw(PrivateBlobError, /largest bucket/);
    const one = (n: number) => sealPrivateBlob({ inner: new Uint8Array(n).fill(7), openings }, recipients, context);
    const header = (b: Uint8Array) => 9 + Buffer.from(b).readUInt32BE(5);
    // Inner blobs of 9 bytes and of 60,000 bytes: the same ciphertext length (bucket and tag).
    for (const b of [sealed, one(60_000)]) expect(b.length - header(b)).to.equal(65_536 + 16);
    // Past the first bucket, the next power of two; the payload still opens to exactly its bytes.
    const big = one(70_000);
    expect(big.length - header(big)).to.equal(131_072 + 16);
    expect(openPrivateBlob(big, operators[1].address, operators[1].key, context).inner).to.deep.equal(
      new Uint8Array(70_000).fill(7),
    );
  });
  it("refuses a plaintext with a length past its end, padded to another bucket, or with non-zero padding", function () {
    const plain = encodePrivateBlobPayload({ inner, openings });
    expect(plain.length).to.equal(65_536);
    expect(decodePrivateBlobPayload(plain).openings).to.deep.equal(openings);
    const past = Uint8Array.from(plain);
    Buffer.from(past.buffer).writeUInt32BE(70_000, 4);
    expect(() => decodePrivateBlobPayload(past)).to.throw(PrivateBlobError, /run past/);
    expect(() => decodePrivateBlobPayload(plain.subarray(0, 65_535))).to.throw(PrivateBlobError, /not to the bucket/);
    const doubled = new Uint8Array(131_072);
    doubled.set(plain);
    expect(() => decodePrivateBlobPayload(doubled)).to.throw(PrivateBlobError, /not to the bucket/);
    const dirty = Uint8Array.from(plain);
    dirty[dirty.length - 1] = 1;
    expect(() => decodePrivateBlobPayload(dirty)).to.throw(PrivateBlobError, /padding is not zeros/);
    expect(() => decodePrivateBlobPayload(new Uint8Array(7))).to.throw(PrivateBlobError, /shorter/);
  });
  it("refuses a version-1 blob by its version (none was ever committed: v1 is not read)", function () {
    const v1 = Uint8Array.from(sealed);
    v1[4] = 1;
    expect(() => openPrivateBlob(v1, operators[0].address, operators[0].key, context)).to.throw(
      PrivateBlobError,
      /version 1 is not 2/,
    );
  });
  it("refuses to seal to nobody, to a recipient twice, or to a malformed key", function () {
    expect(() => sealPrivateBlob({ inner, openings }, [], context)).to.throw(PrivateBlobError, /at least one/);
    expect(() => sealPrivateBlob({ inner, openings }, [recipients[0], recipients[0]], context)).to.throw(
      PrivateBlobError,
      /twice/,
    );
    expect(() =>
      sealPrivateBlob(
        { inner, openings },
        [{ operator: recipients[0].operator, publicKey: new Uint8Array(31) }],
        context,
      ),
    ).to.throw(PrivateBlobError, /32 bytes/);
  });
});

describe("private blob: every malformed field is a named PrivateBlobError (review 13g), the sealer names a low-order key", function () {
  const operator = Wallet.createRandom().address;
  const key = generateEncryptionKey();
  const { openings } = commitTotals(1_000n, 250n);
  const sealed = sealPrivateBlob(
    { inner: new Uint8Array([1, 2, 3]), openings },
    [{ operator, publicKey: key.publicKey }],
    context,
  );
  const len = Buffer.from(sealed).readUInt32BE(5);
  const header = JSON.parse(Buffer.from(sealed.subarray(9, 9 + len)).toString()) as Record<string, unknown>;
  const entry = (header.recipients as Record<string, unknown>[])[0];
  const withHeader = (json: string) => {
    const h = Buffer.from(json);
    const prefix = Buffer.from(sealed.subarray(0, 9));
    prefix.writeUInt32BE(h.length, 5);
    return new Uint8Array(Buffer.concat([prefix, h, sealed.subarray(9 + len)]));
  };
  const LOW_ORDER = "0x01" + "00".repeat(31);
  const cases: Array<[string, unknown, RegExp]> = [
    ["null", null, /header: is not a JSON object/],
    ["an array", [], /header: is not a JSON object/],
    ["version 1", { ...header, v: 1 }, /version 1 is not 2/],
    ["eph of 31 bytes", { ...header, eph: "0x" + "11".repeat(31) }, /eph is not a 32-byte hex key/],
    ["eph a number", { ...header, eph: 7 }, /eph is not a 32-byte hex key/],
    ["a 1-byte nonce", { ...header, nonce: "0x00" }, /nonce is not 12 bytes/],
    ["recipients null", { ...header, recipients: null }, /recipients is not an array/],
    ["a recipient null", { ...header, recipients: [null] }, /recipient 0 is not an object/],
    [
      "an operator not an address",
      { ...header, recipients: [{ ...entry, operator: "me" }] },
      /operator is not an address/,
    ],
    [
      "an operator lowercase",
      { ...header, recipients: [{ ...entry, operator: operator.toLowerCase() }] },
      /not checksummed/,
    ],
    ["an operator twice", { ...header, recipients: [entry, entry] }, /listed twice/],
    [
      "a key of 33 bytes",
      { ...header, recipients: [{ ...entry, key: "0x" + "22".repeat(33) }] },
      /key is not a 32-byte/,
    ],
    ["a recipient's 1-byte nonce", { ...header, recipients: [{ ...entry, nonce: "0x00" }] }, /nonce is not 12 bytes/],
    ["a short wrapped key", { ...header, recipients: [{ ...entry, wrapped: "0x00" }] }, /wrapped is not 48 bytes/],
    ["a low-order ephemeral key", { ...header, eph: LOW_ORDER }, /ephemeral key .* all-zero X25519 shared secret/],
  ];
  for (const [what, h, message] of cases) {
    it(`a header with ${what}: PrivateBlobError, and checkPrivateBlobOpens fails private-blob (no throw)`, function () {
      const blob = withHeader(JSON.stringify(h));
      expect(() => openPrivateBlob(blob, operator, key, context)).to.throw(PrivateBlobError, message);
      const c = checkPrivateBlobOpens(blob, operator, key, context);
      expect(c.ok).to.equal(false);
      expect(c.name).to.equal("private-blob");
    });
  }
  it("checkPrivateBlobOpens throws on the node's own broken key pair (a configuration fault, never a vote)", function () {
    const broken = { publicKey: generateEncryptionKey().publicKey, privateKey: key.privateKey };
    expect(() => checkPrivateBlobOpens(sealed, operator, broken, context)).to.throw(
      PrivateBlobError,
      /not its private key's/,
    );
    expect(checkPrivateBlobOpens(sealed, operator, key, context).ok).to.equal(true);
  });
  it("the sealer names the operator and the key whose shared secret is all zero (not OpenSSL's error)", function () {
    const bad = { operator: Wallet.createRandom().address, publicKey: getBytes(LOW_ORDER) };
    expect(() =>
      sealPrivateBlob({ inner: new Uint8Array(1), openings }, [{ operator, publicKey: key.publicKey }, bad], context),
    ).to.throw(
      PrivateBlobError,
      new RegExp(`operator ${bad.operator}'s encryption key ${LOW_ORDER} gives an all-zero X25519 shared secret`),
    );
  });
});

describe("operators' checks of a private asset's openings", function () {
  const { cs, openings } = commitTotals(1_000n, 250n);
  const words = [...cs.assets, ...cs.liabilities, ...cs.surplus];
  const failed = (rs: { ok: boolean; name: string }[]) => rs.filter((r) => !r.ok).map((r) => r.name);

  it("passes the honest openings", function () {
    expect(failed(checkPrivateOpenings(words, openings))).to.deep.equal([]);
    expect(checkPrivateLiabilities(1_000n, openings).ok).to.equal(true);
    expect(checkPrivateReserves(1_250n, openings).ok).to.equal(true);
  });
  it("refuses each commitment that does not open, naming it", function () {
    expect(failed(checkPrivateOpenings(words, { ...openings, assets: openings.assets + 1n }))).to.deep.equal([
      "private-opening-C_A",
    ]);
    expect(failed(checkPrivateOpenings(words, { ...openings, rL: openings.rL + 1n }))).to.deep.equal([
      "private-opening-C_L",
    ]);
    expect(failed(checkPrivateOpenings(words, { ...openings, surplus: 1n << 128n }))).to.deep.equal([
      "private-opening-C_S",
    ]);
  });
  it("refuses A != L + S even when each commitment opens", function () {
    const a = commitTotals(1_000n, 250n);
    const b = commitTotals(1_000n, 300n);
    const mixed = [...b.cs.assets, ...a.cs.liabilities, ...a.cs.surplus];
    const o = { ...a.openings, assets: b.openings.assets, rA: b.openings.rA };
    expect(failed(checkPrivateOpenings(mixed, o))).to.deep.equal(["private-sum"]);
  });
  it("refuses liabilities that are not the leaves' sum and reserves the PoA does not prove", function () {
    const l = checkPrivateLiabilities(999n, openings);
    expect(l.ok).to.equal(false);
    expect((l as { reason: string }).reason).to.match(/C_L opens to 1000, the leaves sum to 999/);
    const r = checkPrivateReserves(1_100n, openings);
    expect(r.ok).to.equal(false);
    expect((r as { reason: string }).reason).to.match(/C_A opens to reserves 1250, the PoA proves 1100/);
  });
});
