import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { serveUntilSignal, stderrLog } from "../src/client/index.js";
import { readAggregatorConfig, resolvePrivateKey, startAggregator, startErrorText } from "../src/node/index.js";

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
  const file = args.configFile ?? "";
  await serveUntilSignal(
    async (signal) => {
      if (file === "") throw new Error("--config-file <aggregator.json> is required");
      return startAggregator(await readAggregatorConfig(file), await resolvePrivateKey(hre.config.por.aggregatorKey), {
        create: args.create,
        signal,
      });
    },
    { log: stderrLog("aggregator serve"), describe: (e) => startErrorText(file, e) },
  );
}
