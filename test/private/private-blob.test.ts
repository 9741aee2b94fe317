// The private DA blob (X25519 + HKDF-SHA256 + ChaCha20-Poly1305 from Node's crypto) and the operators' checks of a
// private asset's openings (src/private/blob.ts, src/private/check.ts): every recipient opens it, nobody else does,
// and a blob moved to another context, a changed header, ciphertext or wrapped key does not open; each kind of bad
// opening (C_A, C_L, C_S, A != L + S, liabilities not the leaves' sum, reserves not the PoA's) is refused by name.
import { expect } from "chai";
import { Wallet } from "ethers";

import {
  PrivateBlobError,
  checkPrivateLiabilities,
  checkPrivateOpenings,
  checkPrivateReserves,
  commitTotals,
  generateEncryptionKey,
  isPrivateBlob,
  openPrivateBlob,
  privateBlobRecipients,
  sealPrivateBlob,
  type PrivateBlobContext,
} from "../../src/private/index.js";

describe("private blob: hybrid encryption to the co-signing operators", function () {
  const operators = [0, 1, 2].map(() => ({ address: Wallet.createRandom().address, key: generateEncryptionKey() }));
  const recipients = operators.map((o) => ({ operator: o.address, publicKey: o.key.publicKey }));
  const context: PrivateBlobContext = {
    chainId: 31337n,
    ledger: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
    member: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    asset: 1,
    t: 1_700_000_000n,
  };
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
