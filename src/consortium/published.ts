// What a member published on-chain for one tree: the committed root (hash from storage, sum from the
// RootCommitted event) and the record key hash valid at the snapshot time. Users check their record file
// against these instead of trusting numbers the member sends them.
import type { CommitmentLedger, ConsortiumRegistry } from "../../types/ethers-contracts/index.js";

export interface PublishedTree {
  root: { h: bigint; s: bigint };
  keyHash: bigint;
  reserves: bigint;
  fraudulent: boolean;
}

/** Reads the published commitment of `(member, asset, t)`; throws in words when there is none. */
export async function publishedTree(
  ledger: CommitmentLedger,
  registry: ConsortiumRegistry,
  member: string,
  asset: number,
  t: bigint,
): Promise<PublishedTree> {
  const rootHash = await ledger.rootOf(member, asset, t);
  if (rootHash === 0n) {
    throw new Error(`member ${member} committed no root for asset ${asset} at t ${t} on this chain`);
  }
  const logs = await ledger.queryFilter(ledger.filters.RootCommitted(member, asset, t));
  const log = logs.find((l) => l.args.rootHash === rootHash);
  if (log === undefined)
    throw new Error(`the RootCommitted event of member ${member}, asset ${asset}, t ${t} is missing`);
  return {
    root: { h: rootHash, s: log.args.rootSum },
    keyHash: await registry.keyHashAt(member, t),
    reserves: log.args.reserves,
    fraudulent: await ledger.isFraudulent(member, asset, t),
  };
}
