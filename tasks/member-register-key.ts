import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import {
  TaskError,
  clientTask,
  decimalInput,
  given,
  sendAndDescribe,
  userInput,
  type Client,
  validFromInput,
  type ClientArgs,
} from "../src/client/index.js";
import { loadCrypto } from "../src/crypto/index.js";
import {
  formatTime,
  recordKeyFromCoordinates,
  recordKeyFromKeystore,
  type RecordKeyPublic,
} from "../src/members/index.js";

export interface Args extends ClientArgs {
  keystore?: string;
  ax?: string;
  ay?: string;
  /** First valid second (0n: the latest block + 120). */
  validFrom: bigint;
}

/**
 * `hardhat member register-key --keystore <file> | --ax --ay`: register the member's (next) record key; only an
 * approved member (Probation or Active) may. The key comes from a por.keystore file (public part only, no password)
 * or --ax/--ay; its hash Poseidon(KEY_DOMAIN, Ax, Ay) is computed here.
 */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("member register-key", hre, args, (ctx) => memberRegisterKey(ctx, args));
}

/** The record key of --keystore or --ax/--ay. */
async function recordKey(args: Args): Promise<RecordKeyPublic> {
  const crypto = await loadCrypto({ threads: 0 });
  try {
    const poseidon = (inputs: readonly bigint[]) => crypto.poseidon(inputs);
    if (given(args.keystore)) {
      const file = args.keystore;
      return await userInput(() => recordKeyFromKeystore(poseidon, file));
    }
    if (args.ax === undefined || args.ay === undefined) {
      throw new TaskError("give --keystore <file>, or --ax and --ay as decimal integers");
    }
    const [ax, ay] = [decimalInput("--ax", args.ax), decimalInput("--ay", args.ay)];
    return await userInput(() => recordKeyFromCoordinates(poseidon, ax, ay));
  } finally {
    await crypto.close();
  }
}

/** The body of `member register-key` on a client. */
export async function memberRegisterKey(ctx: Client, args: Args): Promise<void> {
  const key = await recordKey(args);
  const signer = await ctx.signer();
  const registry = await ctx.contract("registry", signer);
  const validFrom = await validFromInput(ctx.provider, args.validFrom);
  ctx.out.line(`member ${signer.address}: key hash ${key.keyHash}, valid from ${formatTime(validFrom)}`);
  ctx.out.set("member", signer.address);
  ctx.out.set("keyHash", key.keyHash);
  ctx.out.set("validFrom", validFrom);
  await sendAndDescribe(ctx, "registerKey", () => registry.registerKey(key.keyHash, key.ax, key.ay, validFrom));
}
