import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import run, { DEFAULTS, type Args } from "./transfer-deposit-address.js";

/** `hardhat transfer deposit-address register`. */
export default async function action(args: Partial<Args>, hre: HardhatRuntimeEnvironment): Promise<void> {
  await run({ ...DEFAULTS, ...args, action: "register" }, hre);
}
