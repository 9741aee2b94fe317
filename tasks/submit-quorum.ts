import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import {
  TaskError,
  clientTask,
  sendAndDescribe,
  userInput,
  type Client,
  type ClientArgs,
} from "../src/client/index.js";
import { mergeAttestationBundles, verdictOf } from "../src/consortium/index.js";

export interface Args extends ClientArgs {
  /** The operators' attestation files. */
  files: string[];
}

/** `hardhat quorum submit <files...>`: merge operators' attestation files and post the sorted signatures. */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("quorum submit", hre, args, (ctx) => quorumSubmit(ctx, args));
}

/** The body of `quorum submit` on a client. */
export async function quorumSubmit(ctx: Client, args: Args): Promise<void> {
  if (args.files.length === 0) throw new TaskError("<files...> (the operators' attestation files) are required");
  const { bundle, packed } = await userInput(() => mergeAttestationBundles(args.files));
  const ledgerAddress = ctx.deployment.address("ledger");
  if (BigInt(bundle.chainId) !== ctx.chainId || bundle.ledger.toLowerCase() !== ledgerAddress.toLowerCase()) {
    throw new TaskError(
      `the attestations are for ledger ${bundle.ledger} on chain ${bundle.chainId}, not this deployment`,
    );
  }
  const ledger = await ctx.contract("ledger", await ctx.signer());
  const verdict = verdictOf(bundle.verdict);
  ctx.out.line(`${bundle.signatures.length} signature(s), verdict ${bundle.verdict}, subject ${bundle.subject}`);
  ctx.out.setAll({
    kind: bundle.kind,
    subject: bundle.subject,
    verdict: bundle.verdict,
    signatures: bundle.signatures.length,
  });
  if (bundle.kind === "request") {
    const requestId = BigInt(bundle.requestId ?? "0");
    await sendAndDescribe(ctx, "attestRequest", () =>
      ledger.attestRequest(requestId, verdict, bundle.rootsDigest, bundle.blobDigest, packed),
    );
  } else {
    await sendAndDescribe(ctx, "attestCommitment", () =>
      ledger.attestCommitment(bundle.member, BigInt(bundle.t), verdict, bundle.rootsDigest, bundle.blobDigest, packed),
    );
  }
}
