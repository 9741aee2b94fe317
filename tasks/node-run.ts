import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import {
  StartAborted,
  exitSoon,
  readNodeConfig,
  resolvePrivateKey,
  startErrorText,
  startOperatorNode,
  untilSignal,
} from "../src/node/index.js";

export interface Args {
  configFile?: string;
  create: boolean;
}

/**
 * `hardhat operator run --config-file node.json [--create]`: runs an operator node until SIGINT/SIGTERM (a second signal
 * exits at once). The operator key is the configuration variable `por.operatorKey` (POR_OPERATOR_KEY: the environment
 * variable, else the keystore); `--create` creates the node's database on the first
 * run. Test hook: POR_NODE_CRASH_AFTER=<verified|signed|sent> kills the process (SIGKILL, no cleanup) right after the
 * first job reaches that step, to prove that a restart loses and duplicates nothing.
 */
export default async function nodeRun(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  const stop = new AbortController();
  const signalled = untilSignal().then((sig) => {
    stop.abort();
    return sig;
  });
  try {
    if (args.configFile === undefined || args.configFile === "")
      throw new Error("--config-file <node.json> is required");
    const config = await readNodeConfig(args.configFile);
    const crashAfter = process.env.POR_NODE_CRASH_AFTER;
    const { close } = await startOperatorNode(
      config,
      await resolvePrivateKey(hre.config.por.operatorKey),
      {
        onStep: (step) => {
          if (crashAfter !== undefined && step === crashAfter) process.kill(process.pid, "SIGKILL");
        },
      },
      { create: args.create, signal: stop.signal },
    );
    const sig = await signalled;
    console.error(`operator run: ${sig}, shutting down`);
    await close();
  } catch (e) {
    if (e instanceof StartAborted) {
      console.error(`operator run: ${e.message}`);
    } else {
      console.error(startErrorText("operator run", args.configFile ?? "", e));
      process.exitCode = 1;
    }
  } finally {
    exitSoon();
  }
}
