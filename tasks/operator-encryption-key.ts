import { getBytes, hexlify } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import {
  TaskError,
  addressInput,
  clientTask,
  sendAndDescribe,
  type Client,
  validFromInput,
  type ClientArgs,
} from "../src/client/index.js";
import { formatTime } from "../src/members/index.js";
import { parsePrivateKey } from "../src/node/config.js";
import type { BlobOpener } from "../src/attestations/sample-input.js";
import { encryptionKeyFromPrivate, type EncryptionKeyPair } from "../src/private/index.js";

export interface RegisterArgs extends ClientArgs {
  /** First second in which the key is in force (0n: the latest block + 120). */
  validFrom: bigint;
}

export interface ShowArgs extends ClientArgs {
  operator: string;
}

/**
 * `hardhat operator encryption-key register [--valid-from T]`: registers the X25519 public key of the operator's
 * encryption key (the configuration variable `por.encryptionKey`, POR_ENCRYPTION_KEY: 32 bytes of hex) for the
 * --from account, a co-signing operator or an auditor; private blobs of snapshot times from `validFrom` on are
 * encrypted to it.
 */
export async function registerAction(args: RegisterArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  const variable = hre.config.por.encryptionKey.name;
  await clientTask("operator encryption-key register", hre, args, (ctx) =>
    operatorEncryptionKeyRegister(ctx, args, variable),
  );
}

/** `hardhat operator encryption-key show <operator>`: the operator's registered encryption keys (read-only). */
export async function showAction(args: ShowArgs, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("operator encryption-key show", hre, args, (ctx) => operatorEncryptionKeyShow(ctx, args));
}

/** The configuration variable the operator's (or auditor's) encryption key is in, unless hardhat.config says else. */
export const ENCRYPTION_KEY_VARIABLE = "POR_ENCRYPTION_KEY";

/** The key pair of the encryption key held in the configuration variable `variable`. */
export async function encryptionKeyOf(ctx: Client, variable: string): Promise<EncryptionKeyPair> {
  const value = await ctx.readConfigVariable(variable);
  let raw: string;
  try {
    raw = parsePrivateKey(variable, value);
  } catch (e) {
    throw new TaskError((e as Error).message);
  }
  return encryptionKeyFromPrivate(getBytes(raw));
}

/** The --from account as a recipient of private blobs, with its encryption key from `variable`. */
export function blobOpenerOf(ctx: Client, variable: string): () => Promise<BlobOpener> {
  return async () => ({ account: (await ctx.signer()).address, key: await encryptionKeyOf(ctx, variable) });
}

/** The public key of the encryption key held in the configuration variable `variable`. */
async function publicKeyOf(ctx: Client, variable: string): Promise<string> {
  return hexlify((await encryptionKeyOf(ctx, variable)).publicKey);
}

/** The body of `operator encryption-key register` on a client; `variable` names the key's configuration variable. */
export async function operatorEncryptionKeyRegister(ctx: Client, args: RegisterArgs, variable: string): Promise<void> {
  const publicKey = await publicKeyOf(ctx, variable);
  const signer = await ctx.signer();
  const registry = await ctx.contract("registry", signer);
  const validFrom = await validFromInput(ctx.provider, args.validFrom);
  ctx.out.line(`operator ${signer.address}: encryption key ${publicKey}, in force from ${formatTime(validFrom)}`);
  ctx.out.set("operator", signer.address);
  ctx.out.set("publicKey", publicKey);
  ctx.out.set("validFrom", validFrom);
  await sendAndDescribe(ctx, "registerEncryptionKey", () => registry.registerEncryptionKey(publicKey, validFrom));
}

/** The body of `operator encryption-key show` on a client: reads only, never resolves a signer. */
export async function operatorEncryptionKeyShow(ctx: Client, args: ShowArgs): Promise<void> {
  const operator = addressInput("<operator>", args.operator);
  const registry = await ctx.contract("registry");
  const count = await registry.encryptionKeyCount(operator);
  const latest = await ctx.provider.getBlock("latest");
  if (latest === null) throw new TaskError("cannot read the latest block");
  const now = BigInt(latest.timestamp);
  const current = hexlify(await registry.encryptionKeyAt(operator, now));
  const keys: Array<{ index: number; publicKey: string; validFrom: bigint; current: boolean }> = [];
  for (let i = 0n; i < count; i++) {
    const k = await registry.encryptionKeyByIndex(operator, i);
    keys.push({ index: Number(i), publicKey: k.publicKey, validFrom: k.validFrom, current: false });
  }
  // The key in force now (encryptionKeyAt) is the last one whose validFrom has passed.
  const inForce = keys.filter((k) => k.validFrom <= now).at(-1);
  if (inForce !== undefined) inForce.current = true;
  ctx.out.set("operator", operator);
  ctx.out.set("keys", keys);
  ctx.out.set("current", BigInt(current) === 0n ? null : current);
  ctx.out.set("canCoSign", await registry.canCoSign(operator));
  if (keys.length === 0) {
    ctx.out.line(`operator ${operator}: no encryption key registered (private blobs are not encrypted to it)`);
    return;
  }
  ctx.out.line(`operator ${operator}: ${keys.length} encryption key(s)`);
  for (const k of keys) {
    const state = k.current ? " (in force)" : k.validFrom > now ? " (from then on)" : " (replaced)";
    ctx.out.line(`  #${k.index} ${k.publicKey} from ${formatTime(k.validFrom)}${state}`);
  }
}
