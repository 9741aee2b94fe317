import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import {
  StartAborted,
  exitSoon,
  readAggregatorConfig,
  resolvePrivateKey,
  startAggregator,
  startErrorText,
  untilSignal,
} from "../src/node/index.js";

export interface Args {
  configFile?: string;
  create: boolean;
}

/**
 * `hardhat aggregator serve --config-file aggregator.json [--create]`: serves until SIGINT/SIGTERM (a second signal
 * exits at once); key from the configuration variable `por.aggregatorKey` (POR_AGGREGATOR_KEY: the environment variable,
 * else the keystore); `--create` creates the database on the first run.
 */
export default async function aggregatorServe(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  const stop = new AbortController();
  const signalled = untilSignal().then((sig) => {
    stop.abort();
    return sig;
  });
  try {
    if (args.configFile === undefined || args.configFile === "")
      throw new Error("--config-file <aggregator.json> is required");
    const { close } = await startAggregator(
      await readAggregatorConfig(args.configFile),
      await resolvePrivateKey(hre.config.por.aggregatorKey),
      { create: args.create, signal: stop.signal },
    );
    const sig = await signalled;
    console.error(`aggregator serve: ${sig}, shutting down`);
    await close();
  } catch (e) {
    if (e instanceof StartAborted) {
      console.error(`aggregator serve: ${e.message}`);
    } else {
      console.error(startErrorText("aggregator serve", args.configFile ?? "", e));
      process.exitCode = 1;
    }
  } finally {
    exitSoon();
  }
}
