// The end-to-end demo (`npm run demo`): an embedded chain, the Ignition deployment, a consortium of members with
// thousands of users in two assets, two snapshot rounds through the real liabilities engine, users forwarding records
// to the real verifier service over HTTP, a back-in-time proof request from its scheduler, real operator nodes and the
// real aggregator finalizing quorums, one member's cheat caught by the operators' watchtower with Groth16 proofs,
// the slash, the watchtower's ejection of the member left below its minimum collateral, the claims booked in the
// Adjudicator and paid from the slashed member's own restitution pool in the vault, and the report. With
// `stake: "eigenlayer"` the members' stake is restaked on EigenLayer (its TEST-ONLY stand-ins) through the AVS adapter
// instead of the vault: the slash goes through EigenLayer and the claims are paid from the cleared tokens.
//
// The demo is the sequence of the step modules under steps/ over one explicit context (context.ts); the members,
// the auditor and governance act through the same task bodies users run (tasks/), each as its own account.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { createWriteStream, rmSync, type WriteStream } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import type { StakeKind } from "../client/index.js";
import { DemoAborted, Resources, type DemoSetup, type LiveContext } from "./context.js";
import { ProgressPrinter, type LineSink } from "./progress.js";
import { buildScenario, type ScenarioOptions } from "./scenario.js";
import { attestationsStep } from "./steps/attestations.js";
import { transfersStep } from "./steps/transfers.js";
import { chain } from "./steps/chain.js";
import { claims } from "./steps/claims.js";
import { collect } from "./steps/collect.js";
import { commitRound } from "./steps/commit.js";
import { readReputation, stakes } from "./steps/common.js";
import { deploy } from "./steps/deploy.js";
import { forwardRound } from "./steps/forward.js";
import { fraud } from "./steps/fraud.js";
import { onboard } from "./steps/onboard.js";
import { prepare } from "./steps/prepare.js";
import { proofRequest } from "./steps/request.js";
import { services } from "./steps/services.js";
import { snapshotRound } from "./steps/snapshot.js";
import { stakeLabel } from "./summary.js";
import type { DemoResult } from "./types.js";

/** Options of {@link runDemo}. */
export interface DemoOptions extends ScenarioOptions {
  /** Where the members' stake comes from: the native vault (default) or EigenLayer (on its stand-ins). */
  stake?: StakeKind;
  /** Where progress lines go (default: stdout). */
  out?: LineSink;
  /** Parent directory of the report (default `<cwd>/reports`). */
  reportsDir?: string;
  /** Longest wait for the operators and the aggregator at any one step, ms (default 10 minutes). */
  waitTimeoutMs?: number;
  /** Aborts the demo (Ctrl-C): every component is stopped and temporary files removed before it rejects. */
  signal?: AbortSignal;
}

const STEPS = 16;

/**
 * Runs the whole demo and writes the report. Resolves with the result (whose `reportDir` says where the report
 * is); every component it started is stopped and its temporary directory removed, also on failure or abort.
 */
export async function runDemo(hre: HardhatRuntimeEnvironment, options: DemoOptions): Promise<DemoResult> {
  const scenario = buildScenario({
    users: options.users,
    members: options.members,
    seed: options.seed,
    ...(options.forwardRate !== undefined ? { forwardRate: options.forwardRate } : {}),
  });
  const sink: LineSink = options.out ?? ((l) => process.stdout.write(`${l}\n`));
  const p = new ProgressPrinter(sink, STEPS);
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, "-").replace("Z", "");
  const reportDir = join(options.reportsDir ?? join(process.cwd(), "reports"), `demo-${stamp}`);
  await mkdir(join(reportDir, "logs"), { recursive: true });
  const tmp = await mkdtemp(join(tmpdir(), "por-demo-"));
  const res = new Resources();
  res.add("temporary directory", () => rm(tmp, { recursive: true, force: true }));
  // Last resort: a library step that exits the process on a signal (the snapshot pipeline does) skips the cleanup
  // above; the temporary directory is still removed on the way out.
  const removeOnExit = () => rmSync(tmp, { recursive: true, force: true });
  process.on("exit", removeOnExit);
  res.add("exit hook", () => process.off("exit", removeOnExit));
  const logStreams: WriteStream[] = [];
  res.add("log files", () => Promise.all(logStreams.map((s) => new Promise((r) => s.end(r)))));
  const setup: DemoSetup = {
    hre,
    scenario,
    startedAt,
    p,
    waitTimeout: options.waitTimeoutMs ?? 600_000,
    tmp,
    reportDir,
    stake: options.stake ?? "native",
    res,
    logFile(name) {
      const s = createWriteStream(join(reportDir, "logs", `${name}.jsonl`), { flags: "a" });
      logStreams.push(s);
      return s;
    },
    checkAbort() {
      if (options.signal?.aborted === true) throw new DemoAborted("the demo was interrupted");
    },
  };

  const o = scenario.options;
  p.line(
    `proof-of-reserves consortium demo: ${o.members} members x ${o.users} users x 2 assets, seed "${o.seed}"` +
      `, stake: ${stakeLabel(setup.stake)} (report: ${reportDir})`,
  );

  try {
    const prepared = { ...setup, ...(await prepare(setup)) };
    setup.checkAbort();
    const chained = { ...prepared, ...(await chain(prepared)) };
    setup.checkAbort();
    const deployed = { ...chained, ...(await deploy(chained)) };
    setup.checkAbort();
    await onboard(deployed);
    setup.checkAbort();
    const ctx: LiveContext = {
      ...deployed,
      services: await services(deployed),
      rounds: { times: [], published: [new Map(), new Map()], forwarded: [new Map(), new Map()], recordsForwarded: 0 },
    };
    setup.checkAbort();
    const stakesBefore = await stakes(ctx);

    await ctx.chain.increaseTime(10); // record keys valid
    await snapshotRound(ctx, 0);
    await forwardRound(ctx, 0);
    await commitRound(ctx, 0);
    setup.checkAbort();
    const request = await proofRequest(ctx);
    const reputationBefore = await readReputation(ctx);
    setup.checkAbort();

    await ctx.chain.increaseTime(60);
    await snapshotRound(ctx, 1);
    await forwardRound(ctx, 1);
    await commitRound(ctx, 1);
    setup.checkAbort();
    const cheat = await fraud(ctx);
    setup.checkAbort();
    const paid = await claims(ctx, cheat);
    setup.checkAbort();
    const attestations = await attestationsStep(ctx);
    setup.checkAbort();
    const transfers = await transfersStep(ctx);

    return await collect(ctx, { request, reputationBefore, stakesBefore, fraud: cheat, paid, attestations, transfers });
  } catch (e) {
    if (!(e instanceof DemoAborted)) sink(`the components' logs of this run: ${join(reportDir, "logs")}`);
    throw e;
  } finally {
    const errors = await res.close();
    for (const e of errors) sink(`warning: cleanup: ${e}`);
  }
}
