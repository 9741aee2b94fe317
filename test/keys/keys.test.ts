// The member keystore: encryption round trip, wrong password, tampering, no plaintext, no overwrite.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { loadCrypto, type Crypto } from "../../src/crypto/index.js";
import {
  decryptKeystore,
  encryptKeystore,
  generateMemberKeys,
  loadKeystoreFile,
  parseKeystore,
  writeKeystoreFile,
} from "../../src/keys/index.js";
import { MIXED, ORDER8 } from "../helpers/weak-keys.js";
import { expectReject } from "../helpers/expect.js";

const FAST = { N: 2 ** 10, r: 8, p: 1 };
const MEMBER = "0x00000000000000000000000000000000000000aa";

describe("keystore", function () {
  this.timeout(60_000);
  let crypto: Crypto;
  let dir: string;
  before(async () => {
    crypto = await loadCrypto({ backend: "js", threads: 0 });
    dir = await mkdtemp(join(tmpdir(), "por-keys-"));
  });
  after(async () => {
    await crypto.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("round-trips through a file holding no plaintext secret", async () => {
    const keys = generateMemberKeys();
    const ks = await encryptKeystore(crypto, keys, MEMBER, "password-123", FAST);
    const path = join(dir, "ks.json");
    await writeKeystoreFile(path, ks);
    const text = await readFile(path, "utf8");
    expect(text).to.not.contain(Buffer.from(keys.recordKey).toString("hex"));
    expect(text).to.not.contain(Buffer.from(keys.memberSecret).toString("hex"));
    const back = await loadKeystoreFile(crypto, path, "password-123");
    expect(Buffer.from(back.keys.recordKey)).to.deep.equal(Buffer.from(keys.recordKey));
    expect(Buffer.from(back.keys.memberSecret)).to.deep.equal(Buffer.from(keys.memberSecret));
    expect(back.file.publicKey.Ax).to.equal(crypto.publicKey(keys.recordKey)[0].toString());
  });

  it("fails clearly on a wrong password or any tampered field", async () => {
    const ks = await encryptKeystore(crypto, generateMemberKeys(), MEMBER, "password-123", FAST);
    const bad = /wrong password, or the file was modified/;
    await expectReject(decryptKeystore(crypto, ks, "password-124"), bad);
    await expectReject(
      decryptKeystore(crypto, { ...ks, member: "0x00000000000000000000000000000000000000bb" }, "password-123"),
      bad,
    );
    const ct = ks.cipher.ciphertext;
    const flipped = (ct[0] === "0" ? "1" : "0") + ct.slice(1);
    await expectReject(
      decryptKeystore(crypto, { ...ks, cipher: { ...ks.cipher, ciphertext: flipped } }, "password-123"),
      bad,
    );
    const otherKey = crypto.publicKey(Buffer.alloc(32, 1))[0].toString();
    await expectReject(
      decryptKeystore(crypto, { ...ks, publicKey: { ...ks.publicKey, Ax: otherKey } }, "password-123"),
      bad,
    );
  });

  it("validates the file format and refuses weak passwords and overwrites", async () => {
    expect(() => parseKeystore({ format: "por.keystore", version: 2 }, "k.json")).to.throw(/k\.json, field version/);
    await expectReject(encryptKeystore(crypto, generateMemberKeys(), MEMBER, "short", FAST), /at least 8/);
    const path = join(dir, "exists.json");
    await writeFile(path, "{}");
    const ks = await encryptKeystore(crypto, generateMemberKeys(), MEMBER, "password-123", FAST);
    await expectReject(writeKeystoreFile(path, ks), /already exists; refusing to overwrite/);
    expect(await readFile(path, "utf8")).to.equal("{}");
    await expectReject(loadKeystoreFile(crypto, path, "password-123"), /exists\.json, field format/);
  });

  it("refuses record keys outside the prime-order subgroup (a torsion point, a mixed-order point)", async () => {
    const ks = await encryptKeystore(crypto, generateMemberKeys(), MEMBER, "password-123", FAST);
    for (const [name, A] of [
      ["order 8", ORDER8],
      ["mixed order", MIXED],
    ] as const) {
      const weak = { ...ks, publicKey: { ...ks.publicKey, Ax: A[0].toString(), Ay: A[1].toString() } };
      expect(() => parseKeystore(JSON.parse(JSON.stringify(weak)), "k.json"), name).to.throw(
        "k.json, field publicKey: record key is not in the prime-order subgroup",
      );
      const path = join(dir, `weak-${A[0] % 1000n}.json`);
      await writeFile(path, JSON.stringify(weak));
      await expectReject(loadKeystoreFile(crypto, path, "password-123"), /field publicKey: record key is not in/);
      // keygen (encryptKeystore) refuses to store a key whose public key is weak.
      const weakCrypto = Object.create(crypto, { publicKey: { value: () => A } }) as Crypto;
      await expectReject(
        encryptKeystore(weakCrypto, generateMemberKeys(), MEMBER, "password-123", FAST),
        /record key is not in the prime-order subgroup; refusing to store it/,
      );
    }
  });
});
