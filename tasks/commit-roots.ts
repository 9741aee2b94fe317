import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { blobStoreOf } from "../src/blobstore/index.js";
import {
  TaskError,
  clientTask,
  given,
  sendAndDescribe,
  userInput,
  type Client,
  type ClientArgs,
} from "../src/client/index.js";
import {
  commitOverridesFrom,
  commitmentsFromSummary,
  readSnapshotSummary,
  rootsDigest,
  setBlobDigest,
  summaryFileOf,
  type CommitSources,
  type SnapshotSummary,
} from "../src/consortium/index.js";
import { readPoa } from "../src/poa/index.js";
import { preparePrivateSet, type PrivateAssetCommitmentStruct } from "../src/private/index.js";

/** Where a private snapshot's encrypted blobs go. */
export interface PrivateBlobOptions {
  /** Local blob store directory. */
  blobDir?: string;
  /** Or: EigenDA proxy URL. */
  eigendaUrl?: string;
}

export interface Args extends ClientArgs, CommitSources, PrivateBlobOptions {
  /** The snapshot's directory (as `snapshot` prints it) or its summary.json. */
  summary: string;
}

/**
 * `hardhat ledger commit <summary> --poa <poa.json> --refs <blob-refs.json>`: post a snapshot's per-asset roots (from
 * the engine's summary.json) with the reserves of the member's PoA and the digests of its DA blobs to the ledger. A
 * private-mode snapshot (`snapshot --private`): `ledger commit <summary> --poa <poa.json> --blob-dir <dir>` proves
 * each asset, stores its encrypted blob and commits with `commitPrivate` (section 17 of docs/protocol.md).
 */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("ledger commit", hre, args, (ctx) => ledgerCommit(ctx, args));
}

/**
 * The private commitments of a private-mode snapshot (`snapshot --private`): reserves from `--poa` (each asset's
 * total is A), each asset proven, its PORP blob sealed to the registry's recipients at t and stored (`--blob-dir` or
 * `--eigenda-url`), the openings and proofs written next to the summary. Prints what the public will see.
 */
export async function privateCommitmentsFor(
  ctx: Client,
  args: CommitSources & PrivateBlobOptions,
  summary: SnapshotSummary,
  summaryFile: string,
  requestId: bigint,
): Promise<PrivateAssetCommitmentStruct[]> {
  if (!given(args.poa)) throw new TaskError("a private snapshot needs --poa <poa.json>: its totals are the reserves A");
  if (given(args.reserves) || given(args.blobDigests) || given(args.refs)) {
    throw new TaskError(
      "a private snapshot takes its reserves from --poa and its blobs are encrypted here: drop --reserves, " +
        "--blob-digests and --refs",
    );
  }
  const store = await userInput(async () => blobStoreOf(args, "a private snapshot's encrypted blobs"));
  const poaFile = args.poa;
  const poa = await userInput(() => readPoa(poaFile));
  const { builds, openingsFile } = await userInput(() =>
    preparePrivateSet({
      runner: ctx.provider,
      chainId: ctx.chainId,
      ledger: ctx.deployment.address("ledger"),
      registry: ctx.deployment.address("registry"),
      summary,
      summaryFile,
      poa,
      store,
      requestId,
    }),
  );
  for (const b of builds) {
    ctx.out.line(
      `  asset ${b.commitment.asset}: rootHash ${b.commitment.rootHash}, totals hidden (C_A, C_L, C_S), ` +
        `blob ${b.commitment.blobDigest} encrypted to ${b.recipients.length} operator(s)`,
    );
  }
  ctx.out.line(`  openings and proofs (keep them secret): ${openingsFile}`);
  ctx.out.set("openings", openingsFile);
  ctx.out.set(
    "blobs",
    builds.map((b) => ({
      asset: b.commitment.asset,
      blobDigest: b.commitment.blobDigest,
      recipients: b.recipients.map((r) => r.operator),
    })),
  );
  return builds.map((b) => b.commitment);
}

/** The body of `ledger commit` on a client (a private-mode snapshot: `commitPrivate`). */
export async function ledgerCommit(ctx: Client, args: Args): Promise<void> {
  const summaryFile = await summaryFileOf(args.summary);
  const summary = await userInput(() => readSnapshotSummary(summaryFile));
  if (summary.private === true) {
    await ledgerCommitPrivate(ctx, args, summary, summaryFile);
    return;
  }
  if (given(args.blobDir) || given(args.eigendaUrl)) {
    throw new TaskError("--blob-dir and --eigenda-url are for a private snapshot (poa build stores public blobs)");
  }
  const commitments = await userInput(async () =>
    commitmentsFromSummary(summary, summaryFile, await commitOverridesFrom(summary, args)),
  );
  const signer = await ctx.signer();
  if (summary.member.toLowerCase() !== signer.address.toLowerCase()) {
    throw new TaskError(`${summaryFile} is member ${summary.member}'s snapshot; the account is ${signer.address}`);
  }
  const ledger = await ctx.contract("ledger", signer);
  const t = BigInt(summary.t);
  ctx.out.line(`member ${signer.address}, t ${t}, ${commitments.length} asset(s)`);
  for (const c of commitments) {
    const shortfall = c.reserves < c.rootSum ? "  << reserves below liabilities: committed as insolvent" : "";
    ctx.out.line(`  asset ${c.asset}: rootHash ${c.rootHash} rootSum ${c.rootSum} reserves ${c.reserves}${shortfall}`);
  }
  ctx.out.line(`  rootsDigest ${rootsDigest(commitments)} blobDigest ${setBlobDigest(commitments)}`);
  ctx.out.setAll({
    member: signer.address,
    t,
    commitments,
    rootsDigest: rootsDigest(commitments),
    blobDigest: setBlobDigest(commitments),
  });
  await sendAndDescribe(ctx, "commit", () => ledger.commit(t, commitments));
}

/** `ledger commit` of a private-mode snapshot. */
async function ledgerCommitPrivate(
  ctx: Client,
  args: Args,
  summary: SnapshotSummary,
  summaryFile: string,
): Promise<void> {
  const signer = await ctx.signer();
  if (summary.member.toLowerCase() !== signer.address.toLowerCase()) {
    throw new TaskError(`${summaryFile} is member ${summary.member}'s snapshot; the account is ${signer.address}`);
  }
  const ledger = await ctx.contract("ledger", signer);
  const t = BigInt(summary.t);
  // Checked before anything is proven or written: the openings file of a committed set is never replaced.
  if ((await ledger.setOf(signer.address, t)).status !== 0n) {
    throw new TaskError(`member ${signer.address} already committed a set at t ${t}`);
  }
  ctx.out.line(`member ${signer.address}, t ${t}, ${summary.assets.length} private asset(s)`);
  const commitments = await privateCommitmentsFor(ctx, args, summary, summaryFile, 0n);
  ctx.out.setAll({ member: signer.address, t, private: true });
  await sendAndDescribe(ctx, "commitPrivate", () => ledger.commitPrivate(t, commitments));
}
