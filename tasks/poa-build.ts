import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";

import { Wallet, getAddress, isAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { EigenDaProxyClient, LocalBlobStore, type BlobRef, type BlobStore } from "../src/blobstore/index.js";
import { defaultDeploymentDir, readConsortiumAddresses } from "../src/consortium/deployment.js";
import {
  blobRefsFileOf,
  blobRefsPathFor,
  buildPoa,
  encodeAssetBlob,
  readPoaSignatureFile,
  writeBlobRefsFile,
  type ProofSigner,
} from "../src/poa/index.js";

export interface Args {
  member: string;
  t: string;
  requestId: string;
  assets: string;
  hardhatAccounts: boolean;
  keystores: string;
  signatures: string;
  skipUnsigned: boolean;
  leaves: string;
  blobDir: string;
  eigendaUrl: string;
  refs: string;
  out: string;
  deployment: string;
}

const list = (s: string) =>
  s
    .split(",")
    .map((x) => x.trim())
    .filter((x) => x !== "");

/** `--leaves <assetId>=<file>,...` as (asset, file) pairs. */
function leavesOption(text: string): Array<{ asset: number; file: string }> {
  return list(text).map((entry) => {
    const m = /^(\d+)=(.+)$/.exec(entry);
    if (!m) throw new Error(`--leaves: "${entry}" is not <assetId>=<leaves file>`);
    return { asset: Number(m[1]), file: m[2] };
  });
}

/** The blob store of --blob-dir or --eigenda-url (exactly one with --leaves). */
function blobStoreOption(args: Args): BlobStore {
  if (args.blobDir !== "" && args.eigendaUrl !== "") {
    throw new Error("--blob-dir and --eigenda-url are exclusive: the blobs go to one store");
  }
  if (args.eigendaUrl !== "") {
    return new EigenDaProxyClient(args.eigendaUrl, {
      onRetry: (r) => console.error(`EigenDA ${r.op}: ${r.reason}; retry ${r.attempt} in ${r.delayMs} ms`),
    });
  }
  if (args.blobDir === "") throw new Error("--leaves needs --blob-dir (local blob store) or --eigenda-url (EigenDA)");
  return new LocalBlobStore(args.blobDir);
}

function refuseExisting(file: string, what: string): void {
  if (existsSync(file)) throw new Error(`${what} ${file} already exists; refusing to overwrite it`);
}

/**
 * `hardhat poa:build`: the member's PoA for snapshot time t, and optionally its per-asset DA blobs (in the local
 * store or EigenDA) with a blob-refs file recording where each one went (for `publish-blob-refs`). Every blob is
 * stored before any file is written; the PoA is never written over, the refs file atomically and never over either.
 */
export default async function poaBuild(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  try {
    if (!/^[0-9]+$/.test(args.t)) throw new Error("--t must be a Unix time in seconds");
    if (!/^[0-9]+$/.test(args.requestId)) throw new Error("--request-id must be a non-negative integer");
    const assets = list(args.assets).map((a) => {
      if (!/^[0-9]+$/.test(a)) throw new Error(`--assets: "${a}" is not an asset id`);
      return Number(a);
    });
    const leaves = leavesOption(args.leaves);
    leaves.forEach(({ asset }, i) => {
      if (!assets.includes(asset)) throw new Error(`--leaves: asset ${asset} is not in --assets ${args.assets}`);
      if (leaves.findIndex((l) => l.asset === asset) !== i) throw new Error(`--leaves: asset ${asset} given twice`);
    });
    if (leaves.length === 0 && (args.refs !== "" || args.eigendaUrl !== "")) {
      throw new Error("--refs and --eigenda-url apply to the blobs that --leaves builds");
    }
    const store = leaves.length > 0 ? blobStoreOption(args) : undefined;
    let refsFile = args.refs;
    if (store !== undefined && refsFile === "") {
      if (args.out === "") throw new Error("--leaves needs --out or --refs: the blob-refs file is written there");
      refsFile = blobRefsPathFor(args.out);
    }
    if (store !== undefined && args.out !== "" && resolve(refsFile) === resolve(args.out)) {
      throw new Error("--refs must not be the --out file");
    }
    if (args.out !== "") refuseExisting(args.out, "PoA file");
    if (store !== undefined) refuseExisting(refsFile, "blob-refs file");
    const { ethers } = await hre.network.create();
    const provider = ethers.provider;
    const chainId = (await provider.getNetwork()).chainId;
    const addresses = await readConsortiumAddresses(
      args.deployment !== "" ? args.deployment : defaultDeploymentDir(hre.config.paths.root, chainId),
    );
    const signers: ProofSigner[] = [];
    if (args.hardhatAccounts) signers.push(...(await ethers.getSigners()));
    if (args.keystores !== "") {
      const password = process.env.POR_WALLET_PASSWORD;
      if (password === undefined) throw new Error("set POR_WALLET_PASSWORD to decrypt the wallet keystores");
      for (const f of list(args.keystores))
        signers.push(await Wallet.fromEncryptedJson(await readFile(f, "utf8"), password));
    }
    const member = args.member !== "" ? args.member : (await ethers.getSigners())[0].address;
    if (!isAddress(member)) throw new Error("--member must be a 0x address");
    const poa = await buildPoa({
      provider,
      ledger: addresses.ledger,
      reserveRegistry: addresses.reserveRegistry,
      registry: addresses.registry,
      member: getAddress(member),
      t: BigInt(args.t),
      requestId: BigInt(args.requestId),
      assets,
      signers,
      signatureFiles: await Promise.all(list(args.signatures).map((f) => readPoaSignatureFile(f))),
      skipUnsigned: args.skipUnsigned,
      log: (m) => console.error(m),
    });
    const blobs: Array<{ asset: number; ref: BlobRef }> = [];
    if (store !== undefined) {
      for (const { asset, file } of leaves) {
        const ref = await store.put(encodeAssetBlob(poa, asset, await readFile(file)));
        const where =
          ref.store === "eigenda"
            ? ` in EigenDA, certificate ${ref.commitment.slice(0, 18)}... (${(ref.commitment.length - 2) / 2} bytes)`
            : "";
        console.log(`asset ${asset}: blob ${ref.keccak256} (${ref.size} bytes)${where}`);
        blobs.push({ asset, ref });
      }
    }
    const text = JSON.stringify(poa, null, 2) + "\n";
    if (args.out === "") process.stdout.write(text);
    else {
      await writeFile(args.out, text, { flag: "wx" });
      console.error(`PoA written to ${args.out}`);
    }
    if (store !== undefined) {
      await writeBlobRefsFile(refsFile, blobRefsFileOf(poa, blobs));
      console.error(`blob refs written to ${refsFile}`);
    }
  } catch (e) {
    console.error(`poa:build: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  }
}
