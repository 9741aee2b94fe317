// `npm run demo` (= `hardhat demo`): the end-to-end demo. Thin: validates the options, runs src/demo, prints the
// summary and where the report is. Options: --users N (per member), --members N, --seed S, --stake native|eigenlayer
// (where the members' stake comes from: the CollateralVault, or EigenLayer on its TEST-ONLY stand-ins).
// Ctrl-C stops every component, removes the temporary files and exits with 130.
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { scenarioOptionsSchema } from "../src/demo/scenario.js";

/** The task's options as Hardhat parses them. */
export interface DemoArgs {
  users: number;
  members: number;
  seed: string;
  stake: string;
}

const STAKE_KINDS = ["native", "eigenlayer"] as const;

export default async function demo(args: DemoArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  const parsed = scenarioOptionsSchema.safeParse({ users: args.users, members: args.members, seed: args.seed });
  if (!parsed.success) {
    console.error(`demo: ${parsed.error.issues[0].message}`);
    process.exitCode = 1;
    return;
  }
  const stake = STAKE_KINDS.find((k) => k === args.stake);
  if (stake === undefined) {
    console.error(`demo: --stake must be native or eigenlayer (not "${args.stake}")`);
    process.exitCode = 1;
    return;
  }
  // The demo's modules import the TypeChain bindings (types/), which the build writes: on a fresh checkout they do not
  // exist until the contracts are built, so build first, then load the demo.
  await hre.tasks.getTask("build").run({ quiet: true, noTests: true });
  const { DemoAborted, formatSummary, runDemo, writeReport } = await import("../src/demo/index.js");
  const abort = new AbortController();
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupts++;
    if (interrupts > 1) {
      console.error(`demo: ${sig} again: exiting without cleanup`);
      process.exit(130);
    }
    console.error(`demo: ${sig}: stopping every component and removing temporary files (Ctrl-C again to force)`);
    abort.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const result = await runDemo(hre, { ...parsed.data, stake, signal: abort.signal });
    const { html } = await writeReport(result);
    for (const line of formatSummary(result)) console.log(line);
    console.log(`\nreport: ${html}`);
  } catch (e) {
    if (e instanceof DemoAborted || abort.signal.aborted) {
      console.error("demo: interrupted; cleaned up");
      process.exitCode = 130;
    } else {
      console.error(`demo failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      process.exitCode = 1;
    }
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    if (process.env.POR_DEMO_DEBUG_HANDLES === "1") {
      setTimeout(() => console.error("active resources:", process.getActiveResourcesInfo()), 3000).unref();
    }
    // Every component is stopped by now (runDemo's cleanup ran). If something still holds the event loop (a socket
    // or timer a library keeps), the demo must not hang after it has finished or failed: say what, and exit.
    setTimeout(() => {
      console.error(`demo: still held after cleanup by ${process.getActiveResourcesInfo().join(", ")}; exiting`);
      process.exit(process.exitCode ?? 0);
    }, 10_000).unref();
  }
}
