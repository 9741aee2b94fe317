import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { runTask } from "../src/client/index.js";
import { ABI_MODULE, describeStaleAbi, generateAbiModule } from "../src/codegen/abi.js";

interface AbiArgs {
  check: boolean;
}

/** `hardhat abi`: build the contracts, write (or, with --check, compare) src/generated/abi.ts from the artifacts. */
export default async function abi(args: AbiArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runTask("abi", async (out) => {
    await hre.tasks.getTask("build").run({ quiet: true, noTests: true });
    const result = await generateAbiModule({ artifactsDir: hre.config.paths.artifacts, check: args.check });
    if (result.stale) {
      process.stderr.write(`${describeStaleAbi(result.stale)}\n`);
      out.failed = true;
      return;
    }
    const what = `${result.inputs.contracts.length} ABIs, ${result.inputs.enums.length} enums`;
    process.stderr.write(
      args.check ? `[abi] ${ABI_MODULE} is current (${what})\n` : `[abi] wrote ${ABI_MODULE} (${what})\n`,
    );
  });
}
