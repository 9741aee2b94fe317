import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { loadCrypto } from "../src/crypto/index.js";
import {
  TaskError,
  contractAddress,
  formatTime,
  openContext,
  recordKeyFromCoordinates,
  recordKeyFromKeystore,
  runTask,
  sendAndReport,
  type RecordKeyPublic,
  type TaskContext,
} from "../src/members/index.js";

export interface Args {
  keystore: string;
  ax: string;
  ay: string;
  validFrom: string;
  from: string;
  address: string;
}

/** Seconds added to the latest block time when --valid-from is not given (leaves room for mining). */
const DEFAULT_LEAD_SECONDS = 120n;

/**
 * `hardhat member:register-key`: register the member's (next) record key; only an approved member (Probation or
 * Active) may. The key comes from a por.keystore file (public part only, no password) or --ax/--ay; its hash
 * Poseidon(KEY_DOMAIN, Ax, Ay) is computed here.
 */
export default async function memberRegisterKey(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runTask("member:register-key", async () => runMemberRegisterKey(await openContext(hre, args.from), args));
}

/** The body of `member:register-key` on an open context (tests and scripts call it directly). */
export async function runMemberRegisterKey(ctx: TaskContext, args: Args): Promise<void> {
  const crypto = await loadCrypto({ threads: 0 });
  let key: RecordKeyPublic;
  try {
    const poseidon = (inputs: readonly bigint[]) => crypto.poseidon(inputs);
    if (args.keystore !== "") {
      key = await recordKeyFromKeystore(poseidon, args.keystore);
    } else {
      if (!/^[0-9]+$/.test(args.ax) || !/^[0-9]+$/.test(args.ay)) {
        throw new TaskError("give --keystore <file>, or --ax and --ay as decimal integers");
      }
      key = recordKeyFromCoordinates(poseidon, BigInt(args.ax), BigInt(args.ay));
    }
  } catch (e) {
    throw new TaskError((e as Error).message);
  } finally {
    await crypto.close();
  }
  const registry = await ctx.ethers.getContractAt(
    "ConsortiumRegistry",
    await contractAddress(ctx, "ConsortiumRegistry", args.address),
    ctx.signer,
  );
  let validFrom: bigint;
  if (args.validFrom === "") {
    const latest = await ctx.ethers.provider.getBlock("latest");
    if (latest === null) throw new TaskError("cannot read the latest block");
    validFrom = BigInt(latest.timestamp) + DEFAULT_LEAD_SECONDS;
  } else {
    if (!/^[0-9]+$/.test(args.validFrom)) throw new TaskError("--valid-from must be Unix seconds");
    validFrom = BigInt(args.validFrom);
  }
  ctx.print(`member ${ctx.signer.address}: key hash ${key.keyHash}, valid from ${formatTime(validFrom)}`);
  await sendAndReport(ctx, "registerKey", () => registry.registerKey(key.keyHash, key.ax, key.ay, validFrom));
}
