import { readFile, writeFile } from "node:fs/promises";

import { Wallet, getAddress, isAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { LocalBlobStore } from "../src/blobstore/index.js";
import { defaultDeploymentDir, readConsortiumAddresses } from "../src/consortium/deployment.js";
import { buildPoa, encodeAssetBlob, readPoaSignatureFile, type ProofSigner } from "../src/poa/index.js";

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
  out: string;
  deployment: string;
}

const list = (s: string) =>
  s
    .split(",")
    .map((x) => x.trim())
    .filter((x) => x !== "");

/** `hardhat poa:build`: the member's PoA for snapshot time t, and optionally its per-asset DA blobs. */
export default async function poaBuild(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  try {
    if (!/^[0-9]+$/.test(args.t)) throw new Error("--t must be a Unix time in seconds");
    if (!/^[0-9]+$/.test(args.requestId)) throw new Error("--request-id must be a non-negative integer");
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
    const assets = list(args.assets).map((a) => {
      if (!/^[0-9]+$/.test(a)) throw new Error(`--assets: "${a}" is not an asset id`);
      return Number(a);
    });
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
    const text = JSON.stringify(poa, null, 2) + "\n";
    if (args.out === "") process.stdout.write(text);
    else {
      await writeFile(args.out, text, { flag: "wx" });
      console.error(`PoA written to ${args.out}`);
    }
    if (args.leaves !== "") {
      if (args.blobDir === "") throw new Error("--leaves needs --blob-dir (the local blob store)");
      const store = new LocalBlobStore(args.blobDir);
      for (const entry of list(args.leaves)) {
        const m = /^(\d+)=(.+)$/.exec(entry);
        if (!m) throw new Error(`--leaves: "${entry}" is not <assetId>=<leaves file>`);
        const ref = await store.put(encodeAssetBlob(poa, Number(m[1]), await readFile(m[2])));
        console.log(`asset ${m[1]}: blob ${ref.keccak256} (${ref.size} bytes)`);
      }
    }
  } catch (e) {
    console.error(`poa:build: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  }
}
