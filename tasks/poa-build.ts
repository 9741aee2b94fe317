import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";

import { Wallet } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { blobStoreOf, type BlobRef, type BlobStore } from "../src/blobstore/index.js";
import {
  TaskError,
  addressInput,
  given,
  openClient,
  runTask,
  listInput as list,
  userInput,
  type Client,
  type ClientArgs,
} from "../src/client/index.js";
import {
  blobRefsFileOf,
  blobRefsPathFor,
  buildPoa,
  encodeAssetBlob,
  readPoaSignatureFile,
  writeBlobRefsFile,
  type ProofSigner,
} from "../src/poa/index.js";

export interface Args extends ClientArgs {
  /** Snapshot time, Unix seconds. */
  t: bigint;
  /** The member (absent: the --from account). */
  member?: string;
  /** Request answered (0n: the member's own snapshot). */
  requestId: bigint;
  assets: string;
  hardhatAccounts: boolean;
  keystores?: string;
  signatures?: string;
  skipUnsigned: boolean;
  leaves?: string;
  blobDir?: string;
  eigendaUrl?: string;
  refs?: string;
  out?: string;
}

/** `--leaves <assetId>=<file>,...` as (asset, file) pairs. */
function leavesOption(text: string | undefined): Array<{ asset: number; file: string }> {
  return list(text).map((entry) => {
    const m = /^(\d+)=(.+)$/.exec(entry);
    if (!m) throw new TaskError(`--leaves: "${entry}" is not <assetId>=<leaves file>`);
    return { asset: Number(m[1]), file: m[2] };
  });
}

function refuseExisting(file: string, what: string): void {
  if (existsSync(file)) throw new TaskError(`${what} ${file} already exists; refusing to overwrite it`);
}

/**
 * `hardhat poa build <t>`: the member's PoA for snapshot time t, and optionally its per-asset DA blobs (in the local
 * store or EigenDA) with a blob-refs file recording where each one went (for `ledger publish-blob-refs`). Every blob is
 * stored before any file is written; the PoA is never written over, the refs file atomically and never over either.
 */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runTask(
    "poa build",
    async (out) => {
      poaPlan(args); // bad options are refused before connecting
      await poaBuild(await openClient(hre, args, out), args);
    },
    { json: args.json },
  );
}

/** What the options ask for, checked without the chain: the assets, the leaves per asset, the store, the refs file. */
function poaPlan(args: Args) {
  const assets = list(args.assets).map((a) => {
    if (!/^[0-9]+$/.test(a)) throw new TaskError(`--assets: "${a}" is not an asset id`);
    return Number(a);
  });
  const leaves = leavesOption(args.leaves);
  leaves.forEach(({ asset }, i) => {
    if (!assets.includes(asset)) throw new TaskError(`--leaves: asset ${asset} is not in --assets ${args.assets}`);
    if (leaves.findIndex((l) => l.asset === asset) !== i) throw new TaskError(`--leaves: asset ${asset} given twice`);
  });
  if (leaves.length === 0 && (given(args.refs) || given(args.eigendaUrl))) {
    throw new TaskError("--refs and --eigenda-url apply to the blobs that --leaves builds");
  }
  let store: BlobStore | undefined;
  try {
    store = leaves.length > 0 ? blobStoreOf(args, "--leaves") : undefined;
  } catch (e) {
    throw new TaskError((e as Error).message);
  }
  let refsFile = args.refs ?? "";
  if (store !== undefined && refsFile === "") {
    if (!given(args.out)) throw new TaskError("--leaves needs --out or --refs: the blob-refs file is written there");
    refsFile = blobRefsPathFor(args.out);
  }
  if (store !== undefined && given(args.out) && resolve(refsFile) === resolve(args.out)) {
    throw new TaskError("--refs must not be the --out file");
  }
  if (given(args.out)) refuseExisting(args.out, "PoA file");
  if (store !== undefined) refuseExisting(refsFile, "blob-refs file");
  return { assets, leaves, store, refsFile };
}

/** The body of `poa build` on a client. */
export async function poaBuild(ctx: Client, args: Args): Promise<void> {
  const { assets, leaves, store, refsFile } = poaPlan(args);
  const { ethers, provider } = ctx;
  const signers: ProofSigner[] = [];
  if (args.hardhatAccounts) signers.push(...(await ethers.getSigners()));
  if (given(args.keystores)) {
    const password = process.env.POR_WALLET_PASSWORD;
    if (password === undefined) throw new TaskError("set POR_WALLET_PASSWORD to decrypt the wallet keystores");
    for (const f of list(args.keystores))
      signers.push(await Wallet.fromEncryptedJson(await readFile(f, "utf8"), password));
  }
  const member = given(args.member) ? addressInput("--member", args.member) : (await ctx.signer()).address;
  const signatureFiles = await userInput(() => Promise.all(list(args.signatures).map((f) => readPoaSignatureFile(f))));
  const poa = await userInput(() =>
    buildPoa({
      provider,
      ledger: ctx.deployment.address("ledger"),
      reserveRegistry: ctx.deployment.address("reserveRegistry"),
      registry: ctx.deployment.address("registry"),
      member,
      t: args.t,
      requestId: args.requestId,
      assets,
      signers,
      signatureFiles,
      skipUnsigned: args.skipUnsigned,
      fromBlock: ctx.deployment.firstBlock,
      log: (m) => console.error(m),
    }),
  );
  const blobs: Array<{ asset: number; ref: BlobRef }> = [];
  if (store !== undefined) {
    for (const { asset, file } of leaves) {
      const ref = await store.put(encodeAssetBlob(poa, asset, await readFile(file)));
      const where =
        ref.store === "eigenda"
          ? ` in EigenDA, certificate ${ref.commitment.slice(0, 18)}... (${(ref.commitment.length - 2) / 2} bytes)`
          : "";
      ctx.out.line(`asset ${asset}: blob ${ref.keccak256} (${ref.size} bytes)${where}`);
      ctx.out.push("blobs", { asset, keccak256: ref.keccak256, size: ref.size, store: ref.store });
      blobs.push({ asset, ref });
    }
  }
  const text = JSON.stringify(poa, null, 2) + "\n";
  if (!given(args.out)) {
    if (ctx.out.json) ctx.out.set("poa", poa);
    else process.stdout.write(text);
  } else {
    await writeFile(args.out, text, { flag: "wx" });
    console.error(`PoA written to ${args.out}`);
    ctx.out.set("file", args.out);
  }
  if (store !== undefined) {
    await writeBlobRefsFile(refsFile, blobRefsFileOf(poa, blobs));
    console.error(`blob refs written to ${refsFile}`);
    ctx.out.set("refs", refsFile);
  }
}
