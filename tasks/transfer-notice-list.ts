import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import run, { DEFAULTS, type Args } from "./transfer-notice.js";

/** `hardhat transfer notice list`. */
export default async function action(args: Partial<Args>, hre: HardhatRuntimeEnvironment): Promise<void> {
  await run({ ...DEFAULTS, ...args, action: "list" }, hre);
}
