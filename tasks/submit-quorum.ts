import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { mergeAttestationBundles, verdictOf } from "../src/consortium/index.js";
import { TaskFailure, consortiumContext, runTask, sendAndDescribe, type CommonArgs } from "./consortium-context.js";

interface Args extends CommonArgs {
  files: string;
}

/** `hardhat submit-quorum`: merge operators' attestation files and post the sorted signatures to the ledger. */
export default async function submitQuorum(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runTask(async () => {
    const files = args.files
      .split(",")
      .map((f) => f.trim())
      .filter((f) => f !== "");
    if (files.length === 0) throw new TaskFailure("--files a.json,b.json,... (attestation files) is required");
    const { bundle, packed } = await mergeAttestationBundles(files);
    const ctx = await consortiumContext(args, hre);
    if (BigInt(bundle.chainId) !== ctx.chainId || bundle.ledger.toLowerCase() !== ctx.addresses.ledger.toLowerCase()) {
      throw new TaskFailure(
        `the attestations are for ledger ${bundle.ledger} on chain ${bundle.chainId}, not this deployment`,
      );
    }
    const verdict = verdictOf(bundle.verdict);
    console.log(`${bundle.signatures.length} signature(s), verdict ${bundle.verdict}, subject ${bundle.subject}`);
    if (bundle.kind === "request") {
      const requestId = BigInt(bundle.requestId ?? "0");
      await sendAndDescribe(ctx, "attestRequest", () =>
        ctx.ledger.attestRequest(requestId, verdict, bundle.rootsDigest, bundle.blobDigest, packed),
      );
    } else {
      await sendAndDescribe(ctx, "attestCommitment", () =>
        ctx.ledger.attestCommitment(
          bundle.member,
          BigInt(bundle.t),
          verdict,
          bundle.rootsDigest,
          bundle.blobDigest,
          packed,
        ),
      );
    }
  });
}
