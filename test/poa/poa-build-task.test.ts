// The `poa build` task action on the in-process chain: writes a valid PoA file, the per-asset blob into the local
// blob store (printing its digest) or into EigenDA (the fake proxy), and the blob-refs file next to the PoA;
// refuses bad options, a missing deployment, an existing output and a failing store with exit code 1, writing
// nothing.
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { encryptKeystoreJson, keccak256 } from "ethers";
import { network } from "hardhat";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { EigenDaProxyClient, LocalBlobStore } from "../../src/blobstore/index.js";
import { blobRefsPathFor, decodeAssetBlob, readBlobRefsFile, readPoa } from "../../src/poa/index.js";
import poaBuild, { type Args } from "../../tasks/poa-build.js";
import { captureTask } from "../helpers/capture.js";
import { startFakeEigenDa } from "../helpers/fake-eigenda.js";
import {
  E18,
  deploy,
  fundedWallet,
  makeSnapshot,
  onboard,
  registerRecordKey,
  registerReserve,
  writeDeploymentDir,
  type Conn,
} from "../node/fixture.js";
import { loadCrypto } from "../../src/crypto/index.js";

const connection = await network.create();
const conn = connection as unknown as Conn;
const { ethers, networkHelpers } = connection;

/** Runs the action with console output captured; returns the exit code and the output. */
function run(args: Partial<Args>, dir: string): Promise<{ code: number; out: string }> {
  const hre = {
    network: { getOrCreate: () => Promise.resolve(connection) },
    config: { paths: { root: dir, artifacts: join(process.cwd(), "artifacts") } },
  };
  return captureTask(() =>
    poaBuild(
      {
        member: "",
        t: 0n,
        requestId: 0n,
        assets: "1",
        hardhatAccounts: false,
        keystores: "",
        signatures: "",
        skipUnsigned: false,
        leaves: "",
        blobDir: "",
        eigendaUrl: "",
        refs: "",
        out: "",
        deployment: "",
        from: "",
        json: false,
        ...args,
      },
      hre as unknown as HardhatRuntimeEnvironment,
    ),
  );
}

describe("poa build task", function () {
  it("writes the PoA, the asset's blob and its refs file, and refuses bad input", async function () {
    const crypto = await loadCrypto({ threads: 0 });
    const dir = await mkdtemp(join(tmpdir(), "por-poa-task-"));
    const proxy = await startFakeEigenDa();
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
      const deployment = await writeDeploymentDir(join(dir, "deployment"), d);
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
          t,
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
      const refs = await readBlobRefsFile(blobRefsPathFor(out));
      expect(ok.out).to.contain(`blob refs written to ${join(dir, "poa.blob-refs.json")}`);
      expect(refs).to.deep.include({ member: member.address, t: t.toString(), ledger: d.ledger, requestId: "0" });
      expect(refs.blobs).to.deep.equal([
        { asset: 1, ref: { store: "local", commitment: digest, keccak256: digest, size: bytes.length, chunks: 0 } },
      ]);

      // The same into EigenDA (the fake proxy), the refs file where --refs says.
      const eigendaOut = join(dir, "poa-eigenda.json");
      const viaDa = await run(
        {
          member: member.address,
          t,
          keystores: join(dir, "wallet.json"),
          leaves: `1=${join(dir, "leaves-1.bin")}`,
          eigendaUrl: proxy.url,
          refs: join(dir, "da-refs.json"),
          out: eigendaOut,
          deployment,
        },
        dir,
      );
      expect(viaDa.code, viaDa.out).to.equal(0);
      expect(viaDa.out).to.match(/asset 1: blob 0x[0-9a-f]{64} \(\d+ bytes\) in EigenDA, certificate 0x01/);
      const daRefs = await readBlobRefsFile(join(dir, "da-refs.json"));
      const daRef = daRefs.blobs[0].ref;
      expect([daRef.store, daRef.chunks, daRef.keccak256]).to.deep.equal(["eigenda", 0, digest]);
      expect(proxy.blobs.has(daRef.commitment.slice(2))).to.equal(true);
      const fetched = await new EigenDaProxyClient(proxy.url).get(daRef);
      expect(keccak256(fetched)).to.equal(digest);
      expect(existsSync(blobRefsPathFor(eigendaOut))).to.equal(false);

      // Refusals: exit code 1, a reason, nothing written.
      const cases: Array<[Partial<Args>, RegExp]> = [
        [{ t, member: "0x12", deployment }, /--member must be a 0x-prefixed 20-byte address/],
        [{ t, member: member.address, deployment, assets: "1,x" }, /--assets: "x" is not an asset id/],
        [{ t, member: member.address, deployment: join(dir, "none") }, /deployed_addresses\.json: not readable/],
        [{ t, member: member.address, deployment }, /no ownership signature for reserve wallet/],
        [{ t, member: member.address, deployment, keystores: join(dir, "wallet.json"), out }, /EEXIST|already exists/],
        [{ t, leaves: "1=x.bin", blobDir: join(dir, "blobs") }, /--leaves needs --out or --refs/],
        [{ t, leaves: "1=x.bin", out: join(dir, "n.json") }, /--leaves needs --blob-dir .* or --eigenda/],
        [
          { t, leaves: "1=x.bin", out: join(dir, "n.json"), blobDir: "b", eigendaUrl: proxy.url },
          /--blob-dir and --eigenda-url are exclusive/,
        ],
        [{ t, eigendaUrl: proxy.url }, /--refs and --eigenda-url apply to the blobs that --leaves builds/],
        [{ t, leaves: "2=x.bin", blobDir: "b", out: join(dir, "n.json") }, /asset 2 is not in --assets 1/],
        [{ t, leaves: "1=a,1=b", blobDir: "b", out: join(dir, "n.json") }, /asset 1 given twice/],
        [{ t, leaves: "1", blobDir: "b", out: join(dir, "n.json") }, /"1" is not <assetId>=<leaves file>/],
        [
          {
            t,
            leaves: "1=x.bin",
            blobDir: "b",
            out: join(dir, "n.json"),
            refs: join(dir, "da-refs.json"),
          },
          /blob-refs file .*da-refs\.json already exists; refusing to overwrite it/,
        ],
        [
          { t, leaves: "1=x.bin", blobDir: "b", out: join(dir, "n.json"), refs: join(dir, "n.json") },
          /--refs must not be the --out file/,
        ],
        [
          { t, leaves: "1=x.bin", eigendaUrl: "ftp://da", out: join(dir, "n.json") },
          /EigenDA proxy URL must be http\(s\)/,
        ],
      ];
      for (const [args, re] of cases) {
        const r = await run(args, dir);
        expect(
          r.code,
          `${JSON.stringify(args, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}: ${r.out}`,
        ).to.equal(1);
        expect(r.out).to.match(re);
      }
      expect(existsSync(join(dir, "none"))).to.equal(false);
      expect(existsSync(join(dir, "n.json"))).to.equal(false);

      // A store that fails (the proxy answers 500) stops the task before it writes the PoA or the refs.
      proxy.failNextWith(500);
      const failed = await run(
        {
          member: member.address,
          t,
          keystores: join(dir, "wallet.json"),
          leaves: `1=${join(dir, "leaves-1.bin")}`,
          eigendaUrl: proxy.url,
          out: join(dir, "poa-failed.json"),
          deployment,
        },
        dir,
      );
      expect(failed.code).to.equal(1);
      expect(failed.out).to.match(/put: the EigenDA proxy answered HTTP 500/);
      expect(existsSync(join(dir, "poa-failed.json"))).to.equal(false);
      expect(existsSync(join(dir, "poa-failed.blob-refs.json"))).to.equal(false);
    } finally {
      await proxy.close();
      delete process.env.POR_WALLET_PASSWORD;
      await crypto.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
