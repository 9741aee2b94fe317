import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { encodeBlobRef } from "../src/blobstore/ref-encoding.js";
import { publishedBlobRefs } from "../src/node/blobs.js";
import { NoCommittedSetError, committedSet, type AssetCommitment } from "../src/consortium/index.js";
import { readBlobRefsFile } from "../src/poa/index.js";
import {
  TaskError,
  clientTask,
  sendAndDescribe,
  userInput,
  type Client,
  type ClientArgs,
} from "../src/client/index.js";

export interface Args extends ClientArgs {
  /** The blob-refs file `poa build` wrote. */
  refs: string;
}

const hex = (b: Uint8Array) => "0x" + Buffer.from(b).toString("hex");

/**
 * `hardhat ledger publish-blob-refs <refs>`: after committing, the member publishes where each asset's DA blob is stored (the refs
 * `poa build` wrote), one `publishBlobRef` transaction per asset, so operator nodes can fetch blobs whose location
 * the digest alone does not give (EigenDA). Each ref must be of the committed blob (its keccak256 is the asset's
 * committed blobDigest); a ref already published unchanged is not sent again.
 */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("ledger publish-blob-refs", hre, args, (ctx) => publishBlobRefs(ctx, args));
}

/** The body of `ledger publish-blob-refs` on a client. */
export async function publishBlobRefs(ctx: Client, args: Args): Promise<void> {
  const file = await userInput(() => readBlobRefsFile(args.refs));
  const ledgerAddress = ctx.deployment.address("ledger");
  const signer = await ctx.signer();
  if (BigInt(file.chainId) !== ctx.chainId || file.ledger !== ledgerAddress) {
    throw new TaskError(
      `${args.refs} is for ledger ${file.ledger} on chain ${file.chainId}; this deployment's ledger is ` +
        `${ledgerAddress} on chain ${ctx.chainId}`,
    );
  }
  if (file.member !== signer.address) {
    throw new TaskError(`${args.refs} holds member ${file.member}'s blobs; the account is ${signer.address}`);
  }
  const t = BigInt(file.t);
  const provider = ctx.provider;
  const ledger = await ctx.contract("ledger", signer);
  let committed: AssetCommitment[];
  try {
    // The RootCommitted events, checked against the digest the ledger stores.
    committed = (await committedSet(provider, ledgerAddress, file.member, t)).commitments;
  } catch (e) {
    if (e instanceof NoCommittedSetError) {
      throw new TaskError(`member ${file.member} has no committed set at t ${t}: run ledger commit first`);
    }
    throw e;
  }
  // Check every ref before sending anything: all of them or none.
  const plan = file.blobs.map(({ asset, ref }) => {
    const c = committed.find((x) => x.asset === asset);
    if (c === undefined) {
      throw new TaskError(
        `asset ${asset} is not in the set committed at t ${t} (assets ${committed.map((x) => x.asset).join(", ")})`,
      );
    }
    if (c.blobDigest.toLowerCase() !== ref.keccak256) {
      throw new TaskError(
        `asset ${asset}: the ref is of blob ${ref.keccak256}, but the committed blobDigest is ${c.blobDigest} ` +
          `(${args.refs} is not from the PoA and leaves that were committed)`,
      );
    }
    return { asset, ref, encoded: encodeBlobRef(ref) };
  });
  ctx.out.line(`member ${file.member}, t ${t}, ${plan.length} blob ref(s)`);
  ctx.out.setAll({ member: file.member, t });
  for (const { asset, ref, encoded } of plan) {
    const commitment = `${ref.commitment.slice(0, 18)}... (${(ref.commitment.length - 2) / 2} bytes)`;
    ctx.out.line(
      `  asset ${asset}: ${ref.store} blob ${ref.keccak256} (${ref.size} bytes, ${ref.chunks} chunks), ` +
        `commitment ${commitment}, encoded ref ${encoded.length} bytes`,
    );
    const same = (await publishedBlobRefs(provider, ledgerAddress, { member: file.member, t, asset })).find(
      (p) => p.ref === hex(encoded),
    );
    if (same !== undefined) {
      ctx.out.line(`  asset ${asset}: already published in tx ${same.transactionHash} (block ${same.blockNumber})`);
      ctx.out.push("blobs", { asset, keccak256: ref.keccak256, published: same.transactionHash });
      continue;
    }
    const receipt = await sendAndDescribe(ctx, `publishBlobRef asset ${asset}`, () =>
      ledger.publishBlobRef(t, asset, encoded),
    );
    ctx.out.push("blobs", { asset, keccak256: ref.keccak256, published: receipt.hash });
  }
}
