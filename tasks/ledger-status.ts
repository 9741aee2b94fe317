import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { postedInterims } from "../src/attestations/index.js";
import { memberStatusName, pollUntil, requestStatusName, setStatusName } from "../src/chain/index.js";
import {
  TaskError,
  addressInput,
  clientTask,
  given,
  stakeSourceOf,
  type Client,
  type ClientArgs,
} from "../src/client/index.js";
import { latestSetOf, type LatestSet } from "../src/consortium/index.js";
import { SET_STATUS_NAMES } from "../src/generated/abi.js";

export interface Args extends ClientArgs {
  member: string;
  /** How many recent sets and requests. */
  limit: number;
  /** Wait until the member's latest set is in this status (absent: do not wait). */
  wait?: string;
  /** With wait: give up after this many seconds. */
  timeout?: number;
  /** With wait: ms between polls (default 1000; tests use less). */
  pollMs?: number;
}

/** `hardhat ledger status <member>`: a member's lifecycle, collateral, commitments, requests and reputation. */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("ledger status", hre, args, (ctx) => ledgerStatus(ctx, args));
}

/** The body of `ledger status` on a client: reads only, never resolves a signer. */
export async function ledgerStatus(ctx: Client, args: Args): Promise<void> {
  const member = addressInput("<member>", args.member);
  if (given(args.wait)) await waitForSet(ctx, member, args.wait, args);
  const [registry, stakeSource, ledger, adjudicator, reputation] = [
    await ctx.contract("registry"),
    await stakeSourceOf(ctx),
    await ctx.contract("ledger"),
    await ctx.contract("adjudicator"),
    await ctx.contract("reputation"),
  ];
  const { out } = ctx;
  const status = memberStatusName(await registry.statusOf(member));
  const sla = await registry.slaOf(member);
  const stake = await stakeSource.stakeOf(member);
  out.line(`member ${member}: ${status}`);
  out.line(
    `  SLA: snapshot every ${sla.snapshotInterval} s, respond within ${sla.responseWindow} s, ` +
      `min collateral ${sla.minCollateral}; stake ${stake}` +
      (ctx.deployment.stakeKind === "eigenlayer" ? " (restaked through EigenLayer)" : ""),
  );
  const [ejectable, minimum] = await registry.ejectionTermsOf(member);
  const ejectableNow = ejectable && stake < minimum;
  if (ejectableNow) {
    out.line("  stake below the SLA minimum: anyone may eject it (member eject-undercollateralized)");
  }
  const lastSnapshot = await ledger.lastSnapshotOf(member);
  out.line(`  last snapshot t ${lastSnapshot}`);
  out.setAll({
    member,
    status,
    sla: {
      snapshotInterval: sla.snapshotInterval,
      responseWindow: sla.responseWindow,
      minCollateral: sla.minCollateral,
    },
    stake,
    ejectable: ejectableNow,
    lastSnapshot,
  });

  const from = ctx.deployment.firstBlock; // no event of the deployment is older
  const sets = await ledger.queryFilter(ledger.filters.SetCommitted(member), from);
  const roots = await ledger.queryFilter(ledger.filters.RootCommitted(member), from);
  // Which assets of a set were proven fraudulent: the adjudicator's FraudProven events (t is in their data).
  const frauds = await adjudicator.queryFilter(adjudicator.filters.FraudProven(member), from);
  out.line(`  commitment sets: ${sets.length} (showing the last ${Math.min(args.limit, sets.length)})`);
  const shownSets = [];
  for (const log of sets.slice(-args.limit)) {
    const t = log.args.t;
    const set = await ledger.setOf(member, t);
    const status = setStatusName(set.status);
    out.line(
      `    t ${t}: ${status}${set.declaredInsolvent ? " (declared insolvent)" : ""}` +
        (set.isPrivate ? ` (private: ${privateSolvency(status)})` : ""),
    );
    const assets = [];
    for (const r of roots.filter((x) => x.args.t === t)) {
      const fraud = frauds.some((f) => f.args.t === t && f.args.asset === r.args.asset);
      const solvent = r.args.reserves >= r.args.rootSum;
      out.line(
        `      asset ${r.args.asset}: rootHash ${r.args.rootHash} ` +
          (set.isPrivate
            ? "totals hidden (A >= L proven on-chain)"
            : `rootSum ${r.args.rootSum} reserves ${r.args.reserves} ` +
              `(${solvent ? "reserves >= liabilities" : "RESERVES BELOW LIABILITIES"})`) +
          `${fraud ? " FRAUD PROVEN" : ""}`,
      );
      const { asset, rootHash, rootSum, reserves, blobDigest } = r.args;
      assets.push({ asset, rootHash, rootSum, reserves, blobDigest, fraudProven: fraud });
    }
    shownSets.push({
      t,
      status,
      declaredInsolvent: set.declaredInsolvent,
      private: set.isPrivate,
      ...(set.isPrivate ? { solvency: privateSolvency(status) } : {}),
      assets,
    });
  }
  const requests = await ledger.queryFilter(ledger.filters.ProofRequested(undefined, member), from);
  out.line(`  proof requests: ${requests.length}`);
  const shownRequests = [];
  for (const log of requests.slice(-args.limit)) {
    const request = await ledger.requestOf(log.args.requestId);
    const requestStatus = requestStatusName(request.status);
    out.line(`    #${log.args.requestId} t ${request.t}: ${requestStatus}, deadline ${request.deadline}`);
    shownRequests.push({ id: log.args.requestId, t: request.t, status: requestStatus, deadline: request.deadline });
  }
  const rep = await reputation.reputationOf(member);
  const timeWeighted = await reputation.timeWeightedCollateral(member);
  const score = await reputation.scoreOf(member);
  out.line(
    `  reputation: duties met ${rep.dutiesMet}/${rep.dutiesTotal}, slashes ${rep.slashCount}, ` +
      `time-weighted collateral ${timeWeighted}, score ${score}`,
  );
  const parts = await reputation.partsOf(member);
  out.line(
    `  weighted duties met ${parts.weightedMet}/${parts.weightedTotal}, findings penalty ${parts.findingsPenaltyBps} bps`,
  );
  const attestationsView = ctx.deployment.has("attestations") ? await attestationsOf(ctx, member) : undefined;
  out.setAll({
    sets: shownSets,
    requests: shownRequests,
    reputation: {
      dutiesMet: rep.dutiesMet,
      dutiesTotal: rep.dutiesTotal,
      slashCount: rep.slashCount,
      timeWeightedCollateral: timeWeighted,
      score,
      weightedMet: parts.weightedMet,
      weightedTotal: parts.weightedTotal,
      findingsPenaltyBps: parts.findingsPenaltyBps,
    },
    ...(attestationsView === undefined ? {} : { attestations: attestationsView }),
  });
}

/** The member's attestation duties, reserve-attestation clock and IA backlog (printed, and returned for --json). */
async function attestationsOf(ctx: Client, member: string) {
  const attestations = await ctx.contract("attestations");
  const duties = await attestations.dutiesOf(member);
  const audit = await attestations.auditStateOf(member);
  const overdue = await attestations.isOverdue(member);
  const open = (await postedInterims(attestations, member, ctx.deployment.firstBlock)).filter(
    (p) => p.status === "Open",
  );
  ctx.out.line(
    `  attestation duties: IAs settled ${duties.interimsSettled}, missed ${duties.interimsMissed}; RAs on time ` +
      `${duties.raOnTime}, overdue ${duties.raOverdue}; samples opened ${duties.samplesOpened}, missed ` +
      `${duties.samplesMissed}`,
  );
  ctx.out.line(
    `  reserve attestations: ${audit.count}, last period end ${audit.lastPeriodEnd}, next due ${audit.dueAt}` +
      (overdue ? " (OVERDUE: npx hardhat audit overdue)" : "") +
      `; interim attestations waiting for a verdict: ${open.length}`,
  );
  return {
    duties: {
      interimsSettled: duties.interimsSettled,
      interimsMissed: duties.interimsMissed,
      raOnTime: duties.raOnTime,
      raOverdue: duties.raOverdue,
      samplesOpened: duties.samplesOpened,
      samplesMissed: duties.samplesMissed,
    },
    reserveAttestations: audit.count,
    lastPeriodEnd: audit.lastPeriodEnd,
    dueAt: audit.dueAt,
    overdue,
    openInterims: open.length,
  };
}

/**
 * `--wait <status>`: poll until the member's latest set (the last committed) is in `status`, or fail after
 * `--timeout` seconds naming what it saw last.
 */
async function waitForSet(ctx: Client, member: string, wanted: string, args: Args): Promise<void> {
  const status = SET_STATUS_NAMES.find((n) => n.toLowerCase() === wanted.toLowerCase());
  if (status === undefined || status === "None") {
    throw new TaskError(`--wait ${wanted}: not a set status (${SET_STATUS_NAMES.slice(1).join(", ")})`);
  }
  const timeout = args.timeout ?? 60;
  if (!Number.isInteger(timeout) || timeout < 0) throw new TaskError("--timeout must be a whole number of seconds");
  const ledger = await ctx.contract("ledger");
  const started = Date.now();
  const r = await pollUntil<LatestSet | undefined>(
    async () => {
      const latest = await latestSetOf(ledger, member, ctx.deployment.firstBlock);
      return { done: latest?.status === status, value: latest };
    },
    { timeoutMs: timeout * 1000, intervalMs: args.pollMs ?? 1000 },
  );
  const seconds = Math.round((Date.now() - started) / 1000);
  if (!r.done) {
    const seen =
      r.value === undefined ? " has committed no set" : `'s latest set (t ${r.value.t}) is ${r.value.status}`;
    throw new TaskError(`member ${member}${seen}, not ${status}, after ${timeout} s (--timeout)`);
  }
  const t = (r.value as LatestSet).t;
  ctx.out.line(`latest set t ${t} is ${status} (waited ${seconds} s)`);
  ctx.out.set("waited", { t, status, seconds });
}

/**
 * What a private set's solvency means (docs/protocol.md section 17.6): the ledger stored it only after verifying its
 * proofs (C_L opens to the sum in the root hash, C_S to a surplus in [0, 2^128), C_A = C_L + C_S), so A >= L holds
 * for the committed C_A; that C_A opens to the reserves found at t is what the operators' quorum attests.
 */
export function privateSolvency(status: string): string {
  const proven = "solvent in its commitments (proofs verified on-chain)";
  if (status === "Finalized") return `${proven}, reserves attested by the operators' quorum`;
  if (status === "Pending") return `${proven}, reserves not yet attested`;
  if (status === "Insolvent") return "the operators' quorum found its reserves short of C_A";
  if (status === "Fraudulent") return "a fraud proof convicted it";
  return proven;
}
