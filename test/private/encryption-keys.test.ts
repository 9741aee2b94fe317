// Operators' and auditors' X25519 encryption keys in the ConsortiumRegistry (docs/protocol.md section 17.6) on the
// Hardhat EDR chain: registration by co-signing operators and auditors only, rotation with validFrom (never
// backdated), the key in force at t, the recipients of a private blob of t (co-signing operators and current auditors
// with a key in force at t), a blob sealed to exactly them, and the tasks `operator encryption-key register|show`.
import { expect } from "chai";
import { getAddress, getBytes, hexlify } from "ethers";
import { network } from "hardhat";

import {
  PrivateBlobError,
  blobRecipientsAt,
  encryptionKeyAt,
  encryptionKeyFromPrivate,
  generateEncryptionKey,
  openPrivateBlob,
  privateBlobHeaderRecipients,
  sealPrivateBlobForOperators,
  type PrivateBlobContext,
} from "../../src/private/index.js";
import { operatorEncryptionKeyRegister, operatorEncryptionKeyShow } from "../../tasks/operator-encryption-key.js";
import { GENESIS_DIGEST, deployWithActiveMember } from "../contracts/consortium-fixture.js";
import { deploymentDir, expectTaskError, testClient } from "../helpers/client.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

async function fixture() {
  const f = await deployWithActiveMember(connection);
  // `other` on probation: an approved member co-signs too.
  await f.registry.connect(f.other).applyForMembership("0x" + "02".repeat(32));
  await f.registry.connect(f.auditor).approveGenesis(f.other.address, GENESIS_DIGEST);
  const dir = await deploymentDir({ registry: await f.registry.getAddress() });
  return { ...f, dir };
}

describe("operators' encryption keys (ConsortiumRegistry)", function () {
  this.timeout(120_000);

  it("registers co-signing operators' keys only, non-zero, never backdated; rotation takes over from validFrom", async function () {
    const f = await networkHelpers.loadFixture(fixture);
    const k1 = hexlify(generateEncryptionKey().publicKey);
    const k2 = hexlify(generateEncryptionKey().publicKey);
    const now = BigInt(await networkHelpers.time.latest());
    // Not a member (user), zero key, in the past.
    await expect(f.registry.connect(f.user).registerEncryptionKey(k1, now + 10n)).to.be.revertedWithCustomError(
      f.registry,
      "ConsortiumRegistryWrongStatus",
    );
    await expect(
      f.registry.connect(f.member).registerEncryptionKey("0x" + "00".repeat(32), now + 10n),
    ).to.be.revertedWithCustomError(f.registry, "ConsortiumRegistryInvalidKey");
    await expect(f.registry.connect(f.member).registerEncryptionKey(k1, now - 1n)).to.be.revertedWithCustomError(
      f.registry,
      "ConsortiumRegistryKeyNotInFuture",
    );
    await expect(f.registry.connect(f.member).registerEncryptionKey(k1, now + 10n))
      .to.emit(f.registry, "EncryptionKeyRegistered")
      .withArgs(f.member.address, 0n, k1, now + 10n);
    // The next key starts after the previous one's validFrom.
    await expect(f.registry.connect(f.member).registerEncryptionKey(k2, now + 10n)).to.be.revertedWithCustomError(
      f.registry,
      "ConsortiumRegistryKeyNotInFuture",
    );
    await f.registry.connect(f.member).registerEncryptionKey(k2, now + 100n);
    expect(await f.registry.encryptionKeyCount(f.member.address)).to.equal(2n);
    expect((await f.registry.encryptionKeyByIndex(f.member.address, 1n)).publicKey).to.equal(k2);
    const runner = ethers.provider;
    const registry = await f.registry.getAddress();
    expect(await encryptionKeyAt(runner, registry, f.member.address, now + 9n)).to.equal(undefined);
    expect(hexlify((await encryptionKeyAt(runner, registry, f.member.address, now + 10n))!)).to.equal(k1);
    expect(hexlify((await encryptionKeyAt(runner, registry, f.member.address, now + 99n))!)).to.equal(k1);
    expect(hexlify((await encryptionKeyAt(runner, registry, f.member.address, now + 100n))!)).to.equal(k2);
  });

  it("lists as recipients at t the co-signing operators with a key in force at t, and seals a blob to exactly them", async function () {
    const f = await networkHelpers.loadFixture(fixture);
    const a = generateEncryptionKey();
    const b = generateEncryptionKey();
    const now = BigInt(await networkHelpers.time.latest());
    await f.registry.connect(f.member).registerEncryptionKey(a.publicKey, now + 5n);
    await f.registry.connect(f.other).registerEncryptionKey(b.publicKey, now + 50n);
    const registry = await f.registry.getAddress();
    const at = async (t: bigint) =>
      (await blobRecipientsAt(ethers.provider, registry, t)).map((r) => [r.operator, hexlify(r.publicKey)]);
    expect(await at(now + 4n)).to.deep.equal([]);
    expect(await at(now + 5n)).to.deep.equal([[f.member.address, hexlify(a.publicKey)]]);
    expect(await at(now + 50n)).to.deep.equal([
      [f.member.address, hexlify(a.publicKey)],
      [f.other.address, hexlify(b.publicKey)],
    ]);

    const ctx: PrivateBlobContext = {
      chainId: 31337n,
      ledger: getAddress("0x00000000000000000000000000000000000000bb"),
      member: f.member.address,
      asset: 1,
      t: now + 60n,
    };
    const openings = { assets: 7n, liabilities: 5n, surplus: 2n, rA: 1n, rL: 2n, rS: 3n };
    const sealed = await sealPrivateBlobForOperators(
      ethers.provider,
      registry,
      { inner: new Uint8Array([9]), openings },
      ctx,
    );
    // The header names each recipient with the key it was wrapped to (the registry's key at t).
    expect(privateBlobHeaderRecipients(sealed.blob)).to.deep.equal([
      { operator: f.member.address, key: hexlify(a.publicKey) },
      { operator: f.other.address, key: hexlify(b.publicKey) },
    ]);
    expect(openPrivateBlob(sealed.blob, f.other.address, b, ctx).openings).to.deep.equal(openings);

    // An operator that stops co-signing (exit requested) is no longer a recipient.
    await f.registry.connect(f.other).requestExit();
    expect(await at(now + 60n)).to.deep.equal([[f.member.address, hexlify(a.publicKey)]]);
    // Nobody with a key in force at t: nothing is sealed.
    const early = { ...ctx, t: now };
    const refused = await sealPrivateBlobForOperators(
      ethers.provider,
      registry,
      { inner: new Uint8Array(), openings },
      early,
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).to.be.instanceOf(PrivateBlobError);
    expect((refused as Error).message).to.match(/no co-signing operator has an encryption key in force at t/);
  });

  it("lets an auditor (AUDITOR_ROLE) register a key and lists it as a recipient while it holds the role", async function () {
    const f = await networkHelpers.loadFixture(fixture);
    const a = generateEncryptionKey();
    const k = generateEncryptionKey();
    const now = BigInt(await networkHelpers.time.latest());
    await f.registry.connect(f.member).registerEncryptionKey(a.publicKey, now + 5n);
    // The auditor is no member: the role alone lets it register (the user, with neither, is refused above).
    await expect(f.registry.connect(f.auditor).registerEncryptionKey(k.publicKey, now + 5n))
      .to.emit(f.registry, "EncryptionKeyRegistered")
      .withArgs(f.auditor.address, 0n, hexlify(k.publicKey), now + 5n);
    const registry = await f.registry.getAddress();
    const at = async (t: bigint) =>
      (await blobRecipientsAt(ethers.provider, registry, t)).map((r) => [r.operator, hexlify(r.publicKey)]);
    expect(await at(now + 5n)).to.deep.equal([
      [f.member.address, hexlify(a.publicKey)],
      [f.auditor.address, hexlify(k.publicKey)],
    ]);
    // Governance revokes the role: no longer a recipient, and no new key.
    await f.registry.connect(f.governance).revokeRole(await f.registry.AUDITOR_ROLE(), f.auditor.address);
    expect(await at(now + 5n)).to.deep.equal([[f.member.address, hexlify(a.publicKey)]]);
    await expect(
      f.registry.connect(f.auditor).registerEncryptionKey(k.publicKey, now + 500n),
    ).to.be.revertedWithCustomError(f.registry, "ConsortiumRegistryWrongStatus");
  });

  it("derives the public key of a raw private key as X25519 does (any 32 bytes are a key)", function () {
    const pair = generateEncryptionKey();
    expect(hexlify(encryptionKeyFromPrivate(pair.privateKey).publicKey)).to.equal(hexlify(pair.publicKey));
    expect(() => encryptionKeyFromPrivate(new Uint8Array(31))).to.throw(PrivateBlobError, /32 bytes/);
  });

  it("tasks: `operator encryption-key register` registers POR_ENCRYPTION_KEY's public key; `show` lists the keys", async function () {
    const f = await networkHelpers.loadFixture(fixture);
    const secret = hexlify(generateEncryptionKey().privateKey);
    const pub = hexlify(encryptionKeyFromPrivate(getBytes(secret)).publicKey);
    const m = await testClient(ethers, f.member.address, f.dir, { variables: { POR_ENCRYPTION_KEY: secret } });
    await operatorEncryptionKeyRegister(m.ctx, { validFrom: 0n }, "POR_ENCRYPTION_KEY");
    expect(m.lines.join("\n")).to.contain(`encryption key ${pub}, in force from`);
    expect(m.lines.join("\n")).to.not.contain(secret.slice(2));
    expect((await f.registry.encryptionKeyByIndex(f.member.address, 0n)).publicKey).to.equal(pub);

    const shown = await testClient(ethers, "", f.dir, { json: true });
    await operatorEncryptionKeyShow(shown.ctx, { operator: f.member.address });
    await networkHelpers.time.increase(200);
    const later = await testClient(ethers, "", f.dir);
    await operatorEncryptionKeyShow(later.ctx, { operator: f.member.address });
    expect(later.lines.join("\n")).to.match(new RegExp(`#0 ${pub} from .* \\(in force\\)`));
    const none = await testClient(ethers, "", f.dir);
    await operatorEncryptionKeyShow(none.ctx, { operator: f.user.address });
    expect(none.lines.join("\n")).to.contain("no encryption key registered");

    // Unhappy paths: no variable, a value that is no key, a member that cannot co-sign.
    const missing = await testClient(ethers, f.member.address, f.dir);
    await expectTaskError(
      operatorEncryptionKeyRegister(missing.ctx, { validFrom: 0n }, "POR_ENCRYPTION_KEY"),
      "configuration variable POR_ENCRYPTION_KEY is not set",
    );
    const bad = await testClient(ethers, f.member.address, f.dir, { variables: { POR_ENCRYPTION_KEY: "0x1234" } });
    await expectTaskError(
      operatorEncryptionKeyRegister(bad.ctx, { validFrom: 0n }, "POR_ENCRYPTION_KEY"),
      "POR_ENCRYPTION_KEY must hold a 32-byte hex private key",
    );
    const user = await testClient(ethers, f.user.address, f.dir, { variables: { POR_ENCRYPTION_KEY: secret } });
    await expectTaskError(
      operatorEncryptionKeyRegister(user.ctx, { validFrom: 0n }, "POR_ENCRYPTION_KEY"),
      "registerEncryptionKey failed",
    );
    await expectTaskError(operatorEncryptionKeyShow(none.ctx, { operator: "0x12" }), "<operator>");
  });
});
