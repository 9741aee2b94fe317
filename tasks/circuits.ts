import { given, listInput, runTask } from "../src/client/index.js";
import { describeStale, runPipeline } from "../src/circuits/index.js";

interface CircuitsArgs {
  check: boolean;
  only?: string;
}

/** `hardhat circuits`: compile, run the cached development ceremony, export (or, with --check, compare) verifiers. */
export default async function circuits(args: CircuitsArgs): Promise<void> {
  await runTask("circuits", async (out) => {
    const only = given(args.only) ? listInput(args.only) : undefined;
    const result = await runPipeline({ check: args.check, only });
    if (result.stale.length > 0) {
      process.stderr.write(`${describeStale(result.stale)}\n`);
      out.failed = true;
      return;
    }
    process.stderr.write(
      args.check
        ? `[circuits] committed verifiers and keys are current (${result.compiled.length} circuits)\n`
        : `[circuits] exported ${result.compiled.length} verifiers to contracts/verifiers/ and keys to circuits/keys/\n`,
    );
  });
}
