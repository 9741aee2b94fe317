import { keyFromEnv, readAggregatorConfig, startAggregator, untilSignal } from "../src/node/index.js";

export interface Args {
  configFile: string;
}

/** `hardhat aggregator:serve --config-file aggregator.json`: serves until SIGINT/SIGTERM (key from POR_AGGREGATOR_KEY). */
export default async function aggregatorServe(args: Args): Promise<void> {
  try {
    if (args.configFile === "") throw new Error("--config-file <aggregator.json> is required");
    const { close } = await startAggregator(
      await readAggregatorConfig(args.configFile),
      keyFromEnv("POR_AGGREGATOR_KEY"),
    );
    const sig = await untilSignal();
    console.error(`aggregator:serve: ${sig}, shutting down`);
    await close();
  } catch (e) {
    console.error(`aggregator:serve: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  }
}
