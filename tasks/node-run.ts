import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { serveUntilSignal, stderrLog } from "../src/client/index.js";
import {
  readNodeConfig,
  resolveOptionalPrivateKey,
  resolvePreviousEncryptionKeys,
  resolvePrivateKey,
  startErrorText,
  startOperatorNode,
} from "../src/node/index.js";

export interface Args {
  configFile?: string;
  create: boolean;
}

/**
 * `hardhat operator run --config-file node.json [--create]`: runs an operator node until SIGINT/SIGTERM (a second signal
 * exits at once). The operator key is the configuration variable `por.operatorKey` (POR_OPERATOR_KEY: the environment
 * variable, else the keystore), the encryption key of private blobs `por.encryptionKey` (POR_ENCRYPTION_KEY; without
 * it the node verifies no private set) and the earlier ones kept after a rotation `por.previousEncryptionKeys`
 * (POR_PREVIOUS_ENCRYPTION_KEYS, comma-separated); `--create` creates the node's database on the first
 * run. Test hook: POR_NODE_CRASH_AFTER=<verified|signed|sent> kills the process (SIGKILL, no cleanup) right after the
 * first job reaches that step, to prove that a restart loses and duplicates nothing.
 */
export default async function nodeRun(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  const file = args.configFile ?? "";
  const crashAfter = process.env.POR_NODE_CRASH_AFTER;
  await serveUntilSignal(
    async (signal) => {
      if (file === "") throw new Error("--config-file <node.json> is required");
      const config = await readNodeConfig(file);
      return startOperatorNode(
        config,
        await resolvePrivateKey(hre.config.por.operatorKey),
        {
          onStep: (step) => {
            if (crashAfter !== undefined && step === crashAfter) process.kill(process.pid, "SIGKILL");
          },
        },
        {
          create: args.create,
          signal,
          encryptionKey: await resolveOptionalPrivateKey(hre.config.por.encryptionKey),
          previousEncryptionKeys: await resolvePreviousEncryptionKeys(hre.config.por.previousEncryptionKeys),
        },
      );
    },
    { log: stderrLog("operator run"), describe: (e) => startErrorText(file, e) },
  );
}
