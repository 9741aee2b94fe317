import { isHexString, keccak256, toUtf8Bytes } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { clientTask, sendAndDescribe, type Client, type ClientArgs } from "../src/client/index.js";

export interface Args extends ClientArgs {
  /** A 32-byte hex profile digest, or any text (hashed). */
  profile: string;
}

/** `hardhat member apply <profile>`: the signer applies for membership with a profile digest. */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("member apply", hre, args, (ctx) => memberApply(ctx, args));
}

/** The body of `member apply` on a client (tests and scripts call it directly). */
export async function memberApply(ctx: Client, args: Args): Promise<void> {
  const signer = await ctx.signer();
  const registry = await ctx.contract("registry", signer);
  // A 32-byte hex profile is used as the digest; any other text is hashed (keccak256 of its UTF-8).
  const digest = isHexString(args.profile, 32) ? args.profile : keccak256(toUtf8Bytes(args.profile));
  ctx.out.line(`applicant ${signer.address}, profile digest ${digest}`);
  ctx.out.set("member", signer.address);
  ctx.out.set("profileDigest", digest);
  await sendAndDescribe(ctx, "applyForMembership", () => registry.applyForMembership(digest));
}
