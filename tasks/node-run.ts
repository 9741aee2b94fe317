import { keyFromEnv, readNodeConfig, startOperatorNode, untilSignal } from "../src/node/index.js";

export interface Args {
  configFile: string;
}

/**
 * `hardhat node:run --config-file node.json`: runs an operator node until SIGINT/SIGTERM. The operator key comes from
 * POR_OPERATOR_KEY. Test hook: POR_NODE_CRASH_AFTER=<verified|signed|sent> kills the process (SIGKILL, no cleanup)
 * right after the first job reaches that step, to prove that a restart loses and duplicates nothing.
 */
export default async function nodeRun(args: Args): Promise<void> {
  try {
    if (args.configFile === "") throw new Error("--config-file <node.json> is required");
    const config = await readNodeConfig(args.configFile);
    const crashAfter = process.env.POR_NODE_CRASH_AFTER;
    const { close } = await startOperatorNode(config, keyFromEnv("POR_OPERATOR_KEY"), {
      onStep: (step) => {
        if (crashAfter !== undefined && step === crashAfter) process.kill(process.pid, "SIGKILL");
      },
    });
    const sig = await untilSignal();
    console.error(`node:run: ${sig}, shutting down`);
    await close();
  } catch (e) {
    console.error(`node:run: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  }
}
