// The `poa:build` task action on the in-process chain: writes a valid PoA file and the per-asset blob into the local
// blob store (printing its digest); refuses bad options and a missing deployment with exit code 1, writing nothing.
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { encryptKeystoreJson } from "ethers";
import { network } from "hardhat";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { LocalBlobStore } from "../../src/blobstore/index.js";
import { decodeAssetBlob, readPoa } from "../../src/poa/index.js";
import poaBuild, { type Args } from "../../tasks/poa-build.js";
import {
  E18,
  deploy,
  fundedWallet,
  makeSnapshot,
  onboard,
  registerRecordKey,
  registerReserve,
  type Conn,
} from "../node/fixture.js";
import { loadCrypto } from "../../src/crypto/index.js";

const connection = await network.create();
const conn = connection as unknown as Conn;
const { ethers, networkHelpers } = connection;

/** Runs the action with console output captured; returns the exit code and the output. */
async function run(args: Partial<Args>, dir: string): Promise<{ code: number; out: string }> {
  const hre = { network: { create: () => Promise.resolve(connection) }, config: { paths: { root: dir } } };
  const lines: string[] = [];
  const [log, error] = [console.log, console.error];
  console.log = (...a: unknown[]) => lines.push(a.join(" "));
  console.error = (...a: unknown[]) => lines.push(a.join(" "));
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    await poaBuild(
      {
        member: "",
        t: "",
        requestId: "0",
        assets: "1",
        hardhatAccounts: false,
        keystores: "",
        signatures: "",
        skipUnsigned: false,
        leaves: "",
        blobDir: "",
        out: "",
        deployment: "",
        ...args,
      },
      hre as unknown as HardhatRuntimeEnvironment,
    );
    return { code: Number(process.exitCode ?? 0), out: lines.join("\n") };
  } finally {
    console.log = log;
    console.error = error;
    process.exitCode = before;
  }
}

describe("poa:build task", function () {
  it("writes the PoA and the asset's blob, and refuses bad input", async function () {
    const crypto = await loadCrypto({ threads: 0 });
    const dir = await mkdtemp(join(tmpdir(), "por-poa-task-"));
    try {
      const d = await deploy(conn, "PoaTask", "MockLeafMismatchVerifier");
      const [, member] = await ethers.getSigners();
      await onboard(conn, d, member, 2n * E18);
      const prv = await registerRecordKey(conn, d, crypto, member);
      const wallet = await fundedWallet(conn, 3n * E18);
      await registerReserve(conn, d, member, wallet);
      await networkHelpers.time.increase(30);
      const t = BigInt(await networkHelpers.time.latest());
      await networkHelpers.mine(2);
      const deployment = join(dir, "deployment");
      const addresses = {
        "Consortium#ConsortiumRegistry": d.registry,
        "Consortium#RestitutionFund": d.vault,
        "Consortium#CollateralVault": d.vault,
        "Consortium#ReserveRegistry": d.reserveRegistry,
        "Consortium#Reputation": d.vault,
        "Consortium#CommitmentLedger": d.ledger,
        "Consortium#FraudVerifier": d.vault,
        "Consortium#Adjudicator": d.adjudicator,
      };
      await (await import("node:fs/promises")).mkdir(deployment, { recursive: true });
      await writeFile(join(deployment, "deployed_addresses.json"), JSON.stringify(addresses));
      const snap = await makeSnapshot(crypto, prv, member.address, t, [1n * E18]);
      await writeFile(join(dir, "leaves-1.bin"), snap.leaves);
      // The wallet's key as an Ethereum JSON keystore.
      process.env.POR_WALLET_PASSWORD = "pw";
      await writeFile(
        join(dir, "wallet.json"),
        await encryptKeystoreJson({ address: wallet.address, privateKey: wallet.privateKey }, "pw", {
          scrypt: { N: 1024 },
        }),
      );

      const out = join(dir, "poa.json");
      const ok = await run(
        {
          member: member.address,
          t: t.toString(),
          keystores: join(dir, "wallet.json"),
          leaves: `1=${join(dir, "leaves-1.bin")}`,
          blobDir: join(dir, "blobs"),
          out,
          deployment,
        },
        dir,
      );
      expect(ok.code, ok.out).to.equal(0);
      const poa = await readPoa(out);
      expect(poa.wallets.map((w) => w.wallet)).to.deep.equal([wallet.address]);
      expect(poa.assets[0].total).to.equal((3n * E18).toString());
      const digest = /asset 1: blob (0x[0-9a-f]{64})/.exec(ok.out)?.[1];
      expect(digest, ok.out).to.match(/^0x/);
      const store = new LocalBlobStore(join(dir, "blobs"));
      expect(await store.has(digest as string)).to.equal(true);
      const bytes = await readFile(store.pathOf(digest as string));
      expect(Buffer.from(decodeAssetBlob(bytes).leaves)).to.deep.equal(snap.leaves);

      // Refusals: exit code 1, a reason, nothing written.
      const cases: Array<[Partial<Args>, RegExp]> = [
        [{ t: "soon" }, /--t must be a Unix time/],
        [{ t: t.toString(), member: "0x12", deployment }, /--member must be a 0x address/],
        [{ t: t.toString(), member: member.address, deployment, assets: "1,x" }, /--assets: "x" is not an asset id/],
        [
          { t: t.toString(), member: member.address, deployment: join(dir, "none") },
          /deployed_addresses\.json: not readable/,
        ],
        [{ t: t.toString(), member: member.address, deployment }, /no ownership signature for reserve wallet/],
        [
          { t: t.toString(), member: member.address, deployment, keystores: join(dir, "wallet.json"), out },
          /EEXIST|already exists/,
        ],
      ];
      for (const [args, re] of cases) {
        const r = await run(args, dir);
        expect(r.code, JSON.stringify(args)).to.equal(1);
        expect(r.out).to.match(re);
      }
      expect(existsSync(join(dir, "none"))).to.equal(false);
    } finally {
      delete process.env.POR_WALLET_PASSWORD;
      await crypto.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
