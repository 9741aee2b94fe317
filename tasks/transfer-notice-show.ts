import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import run, { DEFAULTS, type Args } from "./transfer-notice.js";

/** `hardhat transfer notice show`. */
export default async function action(args: Partial<Args>, hre: HardhatRuntimeEnvironment): Promise<void> {
  await run({ ...DEFAULTS, ...args, action: "show" }, hre);
}
