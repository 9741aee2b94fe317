// `npx hardhat governance configure`: deploy the post-deploy configuration (deploy/ConsortiumConfig.ts) that the
// "ConsortiumConfig" section of an Ignition parameters file describes, into the consortium's Ignition deployment.
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { buildConsortiumConfigModule } from "../deploy/ConsortiumConfig.js";
import { readParametersFile } from "../src/governance/index.js";
import { TaskError, given, runTask } from "../src/client/index.js";

export interface ConfigureArgs {
  parameters?: string;
  deploymentId?: string;
}

/** The body: exported for tests. */
export async function configure(args: ConfigureArgs, hre: HardhatRuntimeEnvironment) {
  if (args.parameters === undefined) throw new TaskError("--parameters is required (an Ignition parameters file)");
  const { parameters, config } = await readParametersFile(args.parameters);
  const conn = await hre.network.getOrCreate();
  const chainId = (await conn.ethers.provider.getNetwork()).chainId;
  const deploymentId = given(args.deploymentId) ? args.deploymentId : `chain-${chainId}`;
  try {
    await conn.ignition.deploy(buildConsortiumConfigModule(config), {
      parameters: parameters as never,
      deploymentId,
      displayUi: true,
    });
  } catch (e) {
    throw new TaskError(`configure: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { deploymentId, config };
}

export default async function (args: ConfigureArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runTask("governance configure", async () => {
    await configure(args, hre);
  });
}
