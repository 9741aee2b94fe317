import { readFile } from "node:fs/promises";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { blobStoreOf } from "../src/blobstore/index.js";
import {
  attestationsDomain,
  postedInterims,
  signReserveAttestation,
  type AssetReserve,
  type Findings,
  type InterimRecord,
  type ReserveAttestation,
} from "../src/attestations/index.js";
import {
  TaskError,
  addressInput,
  clientTask,
  listInput,
  required,
  sendAndDescribe,
  userInput,
  type Client,
  type ClientArgs,
} from "../src/client/index.js";
import { parseAmount } from "../src/members/format.js";

export interface Args extends ClientArgs {
  member: string;
  /** The period's end, unix seconds (0: now). */
  periodEnd: bigint;
  /** `<assetId>=<amount>` per asset: the reserves at the period's end (whole or base units). */
  reserves?: string;
  /** Findings by severity: critical,high,medium,low (counts). */
  findings?: string;
  /** The controls' score in basis points (10000: no concern). */
  score: number;
  sampleSize: number;
  sampleFailures: number;
  /** The audit report (any file): stored in the DA layer, its digest signed. */
  report?: string;
  blobDir?: string;
  eigendaUrl?: string;
}

/**
 * `hardhat audit attest <member> --reserves --findings --score --report`: the auditor stores its report in the DA
 * layer, signs a reserve attestation for the period since the member's last one (EIP-712) and posts it; each asset
 * accounts for the member's IAs posted by the period's end.
 */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("audit attest", hre, args, (ctx) => auditAttest(ctx, args));
}

/** The body of `audit attest` on a client. */
export async function auditAttest(ctx: Client, args: Args): Promise<void> {
  const member = addressInput("<member>", args.member);
  const reportFile = required(args.report, "--report", "the audit report file");
  const findingsText = required(args.findings, "--findings", "critical,high,medium,low counts");
  const counts = listInput(findingsText).map((c) => Number(c));
  if (counts.length !== 4 || counts.some((c) => !Number.isInteger(c) || c < 0 || c > 0xffff)) {
    throw new TaskError(`--findings "${findingsText}": give four counts critical,high,medium,low (e.g. 0,1,2,5)`);
  }
  if (!Number.isInteger(args.score) || args.score < 0 || args.score > 10_000) {
    throw new TaskError(`--score ${args.score}: basis points from 0 to 10000`);
  }
  if (args.sampleFailures > args.sampleSize) {
    throw new TaskError(`--sample-failures ${args.sampleFailures} exceeds --sample-size ${args.sampleSize}`);
  }
  const findings: Findings = {
    critical: counts[0],
    high: counts[1],
    medium: counts[2],
    low: counts[3],
    score: args.score,
    sampleSize: args.sampleSize,
    sampleFailures: args.sampleFailures,
  };
  const registry = await ctx.contract("registry");
  const attestations = await ctx.contract("attestations", await ctx.signer());
  const now = BigInt((await ctx.provider.getBlock("latest"))!.timestamp);
  const periodEnd = args.periodEnd === 0n ? now : args.periodEnd;
  const signerAddress = (await ctx.signer()).address;
  // This auditor's own nonce and period chain for the member (each auditor keeps its own).
  const chain = await attestations.auditorChainOf(member, signerAddress);
  const posted = await postedInterims(attestations, member, ctx.deployment.firstBlock);
  const reserves: AssetReserve[] = [];
  const through: InterimRecord[] = [];
  const entries = listInput(args.reserves);
  if (entries.length === 0) throw new TaskError("--reserves <assetId>=<amount>,... is required");
  for (const entry of entries) {
    const m = /^(\d+)=(.+)$/.exec(entry);
    if (!m) throw new TaskError(`--reserves: "${entry}" is not <assetId>=<amount>`);
    const asset = Number(m[1]);
    let decimals: number;
    try {
      decimals = Number((await registry.assetInfo(asset)).decimals);
    } catch {
      throw new TaskError(`--reserves: asset ${asset} is not listed in the registry`);
    }
    const amount = await userInput(() => parseAmount(m[2], decimals, `--reserves ${asset}`));
    // The last IA of the asset posted by the period's end.
    const last = posted.filter((p) => p.record.asset === asset && p.record.postedAt <= periodEnd).at(-1);
    reserves.push({ asset, reserves: amount, throughSeq: last?.record.seq ?? 0n });
    if (last !== undefined) through.push(last.record);
  }
  reserves.sort((a, b) => a.asset - b.asset);
  through.sort((a, b) => a.asset - b.asset);
  const report = await userInput(() => readFile(reportFile));
  const store = await userInput(() => blobStoreOf(args, "the report"));
  const ref = await userInput(() => store.put(report));
  const signer = await ctx.signer();
  const ra: ReserveAttestation = {
    member,
    auditor: signer.address,
    periodStart: chain.lastPeriodEnd,
    periodEnd,
    nonce: chain.nonce,
    findings,
    reportDigest: ref.keccak256,
    reserves,
  };
  const domain = attestationsDomain(ctx.chainId, ctx.deployment.address("attestations"));
  const signature = await signReserveAttestation(signer, domain, ra);
  ctx.out.line(`report stored: ${ref.keccak256} (${report.length} bytes)`);
  ctx.out.setAll({ member, periodStart: ra.periodStart, periodEnd, reportDigest: ref.keccak256, reserves, findings });
  await sendAndDescribe(ctx, "postReserveAttestation", () =>
    attestations.postReserveAttestation(ra, through, signature),
  );
}
