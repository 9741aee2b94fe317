// The member's private-reserves file (`por.private-reserves`, src/private/reserves.ts): parsed with errors naming the
// file and field, every commitment recomputed from (member, wallet, salt), a missing file read as an empty one when
// asked, written with mode 0600 and read back; and newPrivateReserve's consent checked before anything is sent.
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { Wallet } from "ethers";
import { network } from "hardhat";

import {
  PrivateReservesError,
  newPrivateReserve,
  parsePrivateReserves,
  privateReserveCommitment,
  randomSalt,
  readPrivateReserves,
  writePrivateReserves,
  type PrivateReservesFile,
} from "../../src/private/index.js";
import { expectRejectContaining } from "../helpers/expect.js";

const { ethers } = await network.create();
const REGISTRY = "0x" + "44".repeat(20);
const MEMBER = Wallet.createRandom().address;

function fileWith(n: number): PrivateReservesFile {
  const reserves = Array.from({ length: n }, () => {
    const wallet = Wallet.createRandom().address;
    const salt = randomSalt();
    return {
      wallet,
      salt,
      commitment: privateReserveCommitment(31337n, REGISTRY, MEMBER, wallet, salt),
      consent: "0x" + "cc".repeat(65),
    };
  });
  return {
    format: "por.private-reserves",
    version: 1,
    chainId: "31337",
    privateReserveRegistry: REGISTRY,
    member: MEMBER,
    reserves,
  };
}

describe("private-reserves file", function () {
  it("parses a file whose commitments open; names the file and field otherwise", function () {
    const f = fileWith(2);
    expect(parsePrivateReserves(JSON.stringify(f), "r.json")).to.deep.equal(f);
    const wrong = fileWith(2);
    wrong.reserves[1].salt = randomSalt();
    expect(() => parsePrivateReserves(JSON.stringify(wrong), "r.json")).to.throw(
      PrivateReservesError,
      /r\.json: field reserves\.1\.commitment: .* is not the commitment of wallet/,
    );
    expect(() => parsePrivateReserves("{", "r.json")).to.throw(/r\.json: not valid JSON/);
    expect(() => parsePrivateReserves(JSON.stringify({ ...f, version: 2 }), "r.json")).to.throw(
      /r\.json: field version/,
    );
    const badSalt = fileWith(1);
    badSalt.reserves[0].salt = "0x12";
    expect(() => parsePrivateReserves(JSON.stringify(badSalt), "r.json")).to.throw(/field reserves\.0\.salt/);
  });

  it("reads a missing file as empty when asked, writes with mode 0600 and reads it back", async function () {
    const dir = await mkdtemp(join(tmpdir(), "por-private-reserves-"));
    try {
      const path = join(dir, "r.json");
      await expectRejectContaining(readPrivateReserves(path), "ENOENT");
      const empty = await readPrivateReserves(path, {
        chainId: 31337n,
        privateReserveRegistry: REGISTRY,
        member: MEMBER,
      });
      expect(empty.reserves).to.deep.equal([]);
      const f = fileWith(3);
      await writePrivateReserves(path, f);
      expect((await stat(path)).mode & 0o777).to.equal(0o600);
      expect(await readPrivateReserves(path)).to.deep.equal(f);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("newPrivateReserve: the wallet's own consent verifies; another key's or none is refused before sending", async function () {
    const chainId = (await ethers.provider.getNetwork()).chainId;
    const wallet = Wallet.createRandom();
    const base = { provider: ethers.provider, chainId, privateReserveRegistry: REGISTRY, member: MEMBER };
    const e = await newPrivateReserve({ ...base, wallet: wallet.address, signer: wallet });
    expect(e.commitment).to.equal(privateReserveCommitment(chainId, REGISTRY, MEMBER, wallet.address, e.salt));
    await expectRejectContaining(
      newPrivateReserve({ ...base, wallet: wallet.address, signer: Wallet.createRandom() }),
      "is not the wallet",
    );
    await expectRejectContaining(newPrivateReserve({ ...base, wallet: wallet.address }), "no key or consent signature");
    // A consent made elsewhere for another salt does not verify for this one.
    await expectRejectContaining(
      newPrivateReserve({ ...base, wallet: wallet.address, consent: e.consent, salt: randomSalt() }),
      "consent: signature recovers to",
    );
  });
});
