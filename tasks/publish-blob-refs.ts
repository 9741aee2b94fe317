import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { encodeBlobRef } from "../src/blobstore/ref-encoding.js";
import { publishedBlobRefs } from "../src/node/blobs.js";
import { NoCommittedSetError, committedSet, type AssetCommitment } from "../src/consortium/index.js";
import { readBlobRefsFile } from "../src/poa/index.js";
import { TaskFailure, consortiumContext, runTask, sendAndDescribe, type CommonArgs } from "./consortium-context.js";

interface Args extends CommonArgs {
  refs: string;
}

const hex = (b: Uint8Array) => "0x" + Buffer.from(b).toString("hex");

/**
 * `hardhat publish-blob-refs`: after committing, the member publishes where each asset's DA blob is stored (the refs
 * `poa:build` wrote), one `publishBlobRef` transaction per asset, so operator nodes can fetch blobs whose location
 * the digest alone does not give (EigenDA). Each ref must be of the committed blob (its keccak256 is the asset's
 * committed blobDigest); a ref already published unchanged is not sent again.
 */
export default async function publishBlobRefs(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runTask(async () => {
    if (args.refs === "") throw new TaskFailure("--refs <poa>.blob-refs.json (written by poa:build) is required");
    const file = await readBlobRefsFile(args.refs);
    const ctx = await consortiumContext(args, hre);
    if (BigInt(file.chainId) !== ctx.chainId || file.ledger !== ctx.addresses.ledger) {
      throw new TaskFailure(
        `${args.refs} is for ledger ${file.ledger} on chain ${file.chainId}; this deployment's ledger is ` +
          `${ctx.addresses.ledger} on chain ${ctx.chainId}`,
      );
    }
    if (file.member !== ctx.signer.address) {
      throw new TaskFailure(`${args.refs} holds member ${file.member}'s blobs; the account is ${ctx.signer.address}`);
    }
    const t = BigInt(file.t);
    const provider = ctx.ethers.provider;
    let committed: AssetCommitment[];
    try {
      // The RootCommitted events, checked against the digest the ledger stores.
      committed = (await committedSet(provider, ctx.addresses.ledger, file.member, t)).commitments;
    } catch (e) {
      if (e instanceof NoCommittedSetError) {
        throw new TaskFailure(`member ${file.member} has no committed set at t ${t}: run commit-roots first`);
      }
      throw e;
    }
    // Check every ref before sending anything: all of them or none.
    const plan = file.blobs.map(({ asset, ref }) => {
      const c = committed.find((x) => x.asset === asset);
      if (c === undefined) {
        throw new TaskFailure(
          `asset ${asset} is not in the set committed at t ${t} (assets ${committed.map((x) => x.asset).join(", ")})`,
        );
      }
      if (c.blobDigest.toLowerCase() !== ref.keccak256) {
        throw new TaskFailure(
          `asset ${asset}: the ref is of blob ${ref.keccak256}, but the committed blobDigest is ${c.blobDigest} ` +
            `(${args.refs} is not from the PoA and leaves that were committed)`,
        );
      }
      return { asset, ref, encoded: encodeBlobRef(ref) };
    });
    console.log(`member ${file.member}, t ${t}, ${plan.length} blob ref(s)`);
    for (const { asset, ref, encoded } of plan) {
      const commitment = `${ref.commitment.slice(0, 18)}... (${(ref.commitment.length - 2) / 2} bytes)`;
      console.log(
        `  asset ${asset}: ${ref.store} blob ${ref.keccak256} (${ref.size} bytes, ${ref.chunks} chunks), ` +
          `commitment ${commitment}, encoded ref ${encoded.length} bytes`,
      );
      const same = (await publishedBlobRefs(provider, ctx.addresses.ledger, { member: file.member, t, asset })).find(
        (p) => p.ref === hex(encoded),
      );
      if (same !== undefined) {
        console.log(`  asset ${asset}: already published in tx ${same.transactionHash} (block ${same.blockNumber})`);
        continue;
      }
      await sendAndDescribe(ctx, `publishBlobRef asset ${asset}`, () => ctx.ledger.publishBlobRef(t, asset, encoded));
    }
  });
}
