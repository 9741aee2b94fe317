import { writeFile } from "node:fs/promises";

import { JsonRpcProvider } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { checkInterim, paymentNotBefore, reserveOwnerAt } from "../src/attestations/checker.js";
import { attestationsDomain, postedInterims, signInterimVerdict } from "../src/attestations/index.js";
import { interimVerdictFile } from "../src/attestations/verdicts.js";
import {
  TaskError,
  addressInput,
  bytes32Input,
  clientTask,
  given,
  toJson,
  type Client,
  type ClientArgs,
} from "../src/client/index.js";

export interface Args extends ClientArgs {
  /** The IA's id (`interim list`). */
  interim: string;
  /** JSON-RPC URL of the asset's chain (absent: the consortium's chain). */
  rpcUrl?: string;
  /** The asset's token on that chain (absent: the registry's token of the asset; ETH for address(0)). */
  token?: string;
  confirmations: number;
  /** Where to write the verdict file (absent: interim-<id>-<address>.json). */
  out?: string;
}

/**
 * `hardhat interim attest <interim-id>`: the operator checks the IA's transaction on the chain it names and signs the
 * verdict the check gives (settled, or missed once the deadline has passed) into a `por.interim-verdict` file for
 * `interim submit`. Refuses to sign while the check cannot decide yet.
 */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("interim attest", hre, args, (ctx) => interimAttest(ctx, args));
}

/** The body of `interim attest` on a client. */
export async function interimAttest(ctx: Client, args: Args): Promise<void> {
  const id = bytes32Input("<interim>", args.interim);
  const attestations = await ctx.contract("attestations");
  const all = await postedInterims(attestations, undefined, ctx.deployment.firstBlock);
  const posted = all.find((p) => p.interimId.toLowerCase() === id.toLowerCase());
  if (posted === undefined) throw new TaskError(`no IA ${id} was posted on this deployment`);
  // A net-settled IA (an RA accounted for it) still takes either verdict.
  if (posted.status !== "Open" && posted.status !== "NetSettled") {
    throw new TaskError(`IA ${id} is ${posted.status}: it takes no verdict`);
  }
  if (given(args.rpcUrl) && !given(args.token)) {
    throw new TaskError(
      "--rpc-url needs --token: the asset's token on that chain (0x0000000000000000000000000000000000000000 for its " +
        "native coin); the registry's token is this chain's",
    );
  }
  const registry = await ctx.contract("registry");
  const token = given(args.token)
    ? addressInput("--token", args.token)
    : await registry.assetToken(posted.record.asset);
  const chain = given(args.rpcUrl) ? new JsonRpcProvider(args.rpcUrl) : ctx.provider;
  const now = BigInt((await ctx.provider.getBlock("latest"))!.timestamp);
  // One payment settles one IA: the check compares against every IA posted on the deployment.
  const check = await checkInterim(chain, posted.record, {
    token,
    confirmations: args.confirmations,
    now,
    posted: all.map((p) => p.record),
    ownerAt: reserveOwnerAt(await ctx.contract("reserveRegistry")),
    notBefore: paymentNotBefore(posted.record, (await attestations.params()).interimWindow),
  });
  if (check.verdict === "wait") throw new TaskError(`IA ${id} cannot be judged yet: ${check.reason}`);
  const settled = check.verdict === "settled";
  const signer = await ctx.signer();
  const address = ctx.deployment.address("attestations");
  const signed = await signInterimVerdict(signer, attestationsDomain(ctx.chainId, address), posted.record, settled);
  const file = interimVerdictFile(ctx.chainId, address, posted.record, settled, check.reason, signed);
  const out = args.out ?? `interim-${id.slice(2, 10)}-${signer.address.slice(2, 10)}.json`;
  await writeFile(out, toJson(file) + "\n");
  ctx.out.line(`IA ${id}: ${check.verdict} (${check.reason}); verdict signed by ${signer.address} into ${out}`);
  ctx.out.setAll({ interimId: id, verdict: check.verdict, reason: check.reason, file: out, signer: signer.address });
}
