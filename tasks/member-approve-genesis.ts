import { readFile } from "node:fs/promises";

import { keccak256 } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import {
  TaskError,
  addressInput,
  bytes32Input,
  clientTask,
  given,
  sendAndDescribe,
  type Client,
  type ClientArgs,
} from "../src/client/index.js";

export interface Args extends ClientArgs {
  member: string;
  digest?: string;
  report?: string;
}

/** `hardhat member approve-genesis <member> --digest|--report`: an auditor approves a member's genesis. */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("member approve-genesis", hre, args, (ctx) => memberApproveGenesis(ctx, args));
}

/** The body of `member approve-genesis` (Applied -> Probation) on a client. */
export async function memberApproveGenesis(ctx: Client, args: Args): Promise<void> {
  const member = addressInput("<member>", args.member);
  let digest: string;
  if (given(args.report)) {
    if (given(args.digest)) throw new TaskError("give either --digest or --report");
    let bytes: Buffer;
    try {
      bytes = await readFile(args.report);
    } catch (e) {
      throw new TaskError(`--report ${args.report}: cannot read (${(e as Error).message})`);
    }
    digest = keccak256(bytes);
  } else {
    if (!given(args.digest)) {
      throw new TaskError("--digest <0x 32-byte genesis digest> or --report <file> is required");
    }
    digest = bytes32Input("--digest", args.digest);
  }
  const signer = await ctx.signer();
  const registry = await ctx.contract("registry", signer);
  ctx.out.line(`auditor ${signer.address} approves ${member}, genesis digest ${digest}`);
  ctx.out.set("member", member);
  ctx.out.set("genesisDigest", digest);
  await sendAndDescribe(ctx, "approveGenesis", () => registry.approveGenesis(member, digest));
}
