// The block of a snapshot time: the last block whose timestamp is at or before `t`, found by binary search over
// block timestamps (timestamps never decrease along a chain).
import type { Provider } from "ethers";

import { EvidenceUnavailableError } from "../chain/rpc.js";

/** A block's identity as the PoA document records it. */
export interface BlockRef {
  number: number;
  hash: string;
  timestamp: number;
}

/** Raised when no block can stand for `t` (before genesis, or after the chain head). */
export class BlockSearchError extends Error {
  override name = "BlockSearchError";
}

async function blockAt(provider: Provider, n: number): Promise<BlockRef> {
  const b = await provider.getBlock(n);
  if (b === null || b.hash === null) throw new BlockSearchError(`block ${n} is not available from the RPC endpoint`);
  return { number: b.number, hash: b.hash, timestamp: b.timestamp };
}

/**
 * The last block with `timestamp <= t`. Refuses a `t` before the first block, and a `t` at or after the head's
 * timestamp unless `allowHead` (a later block could still get the same timestamp, so the head is not final for t).
 * Costs about log2(head) block reads.
 */
export async function findBlockAtTime(
  provider: Provider,
  t: bigint,
  options: { head?: number; allowHead?: boolean } = {},
): Promise<BlockRef> {
  const headNumber = options.head ?? (await provider.getBlockNumber());
  const head = await blockAt(provider, headNumber);
  if (BigInt(head.timestamp) <= t) {
    if (options.allowHead === true) return head;
    throw new BlockSearchError(
      `t = ${t} is not before the chain head's time ${head.timestamp} (block ${head.number}): the snapshot's block is not final yet`,
    );
  }
  const first = await blockAt(provider, 0);
  if (BigInt(first.timestamp) > t) {
    throw new BlockSearchError(`t = ${t} is before the first block's time ${first.timestamp}`);
  }
  // Invariant: timestamp(lo) <= t < timestamp(hi).
  let lo = 0;
  let hi = head.number;
  let loRef = first;
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    const m = await blockAt(provider, mid);
    if (BigInt(m.timestamp) <= t) {
      lo = mid;
      loRef = m;
    } else {
      hi = mid;
    }
  }
  return loRef;
}

/**
 * A block the chain must have (`n` at or below a head already seen, `head`): an RPC answer of `null` for it is the
 * endpoint's failure (lagging behind a load balancer, pruned, flaky), never evidence that the block does not exist.
 * Returns null only for a block above the head. Throws {@link EvidenceUnavailableError} for a missing known block.
 */
async function knownBlock(provider: Provider, n: number, head: number | undefined) {
  const b = await provider.getBlock(n);
  if (b !== null) return b;
  const seen = Math.max(head ?? -1, await provider.getBlockNumber());
  if (n <= seen) {
    throw new EvidenceUnavailableError(
      "rpc",
      `the RPC endpoint answered null for block ${n}, at or below head ${seen}`,
    );
  }
  return null;
}

/**
 * Checks that `ref` is the block of time `t` on this chain: its hash is canonical, its timestamp is `<= t`, and the
 * next block's timestamp is `> t`. Returns a reason when it is not, undefined when it is. `head` is the highest block
 * the caller has already seen: a `null` for a block at or below it (or below the endpoint's own head) throws
 * {@link EvidenceUnavailableError} (retry later) instead of failing the check.
 */
export async function checkBlockAtTime(
  provider: Provider,
  ref: BlockRef,
  t: bigint,
  options: { head?: number } = {},
): Promise<string | undefined> {
  const b = await knownBlock(provider, ref.number, options.head);
  if (b === null) return `block ${ref.number} does not exist on this chain`;
  if (b.hash !== ref.hash) return `block ${ref.number} has hash ${b.hash}, not ${ref.hash} (not canonical)`;
  if (b.timestamp !== ref.timestamp) return `block ${ref.number} has timestamp ${b.timestamp}, not ${ref.timestamp}`;
  if (BigInt(b.timestamp) > t) return `block ${ref.number}'s time ${b.timestamp} is after t = ${t}`;
  const next = await knownBlock(provider, ref.number + 1, options.head);
  if (next === null) return `block ${ref.number + 1} is not mined yet: block ${ref.number} is not final for t = ${t}`;
  if (BigInt(next.timestamp) <= t) {
    return `block ${ref.number + 1} (time ${next.timestamp}) is also at or before t = ${t}: ${ref.number} is not the last block of t`;
  }
  return undefined;
}
