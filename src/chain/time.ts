// The chain's clock: the latest block's number and timestamp (what snapshot times, key validity and deadlines are
// measured against), and polling until something holds on chain, with a deadline.
import type { Provider } from "ethers";

import { pause } from "./rpc.js";

/** The latest block: its number and timestamp (Unix seconds). */
export interface LatestBlock {
  block: number;
  timestamp: bigint;
}

/** The latest block's number and timestamp. */
export async function latestBlock(provider: Pick<Provider, "getBlock">): Promise<LatestBlock> {
  const block = await provider.getBlock("latest");
  if (block === null) throw new Error("the node returned no latest block");
  return { block: block.number, timestamp: BigInt(block.timestamp) };
}

/** The latest block's timestamp. */
export async function chainTime(provider: Pick<Provider, "getBlock">): Promise<bigint> {
  return (await latestBlock(provider)).timestamp;
}

/** Options of {@link pollUntil}. */
export interface PollOptions {
  /** Give up after this many ms (the probe runs at least once). */
  timeoutMs: number;
  /** Pause between probes, ms. */
  intervalMs: number;
  signal?: AbortSignal;
}

/**
 * Runs `probe` until it returns `done: true` or `timeoutMs` has passed; returns the last probe's result either way
 * (`done` tells which), so the caller can say what it saw last when it gives up.
 */
export async function pollUntil<T>(
  probe: () => Promise<{ done: boolean; value: T }>,
  o: PollOptions,
): Promise<{ done: boolean; value: T }> {
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    const r = await probe();
    const left = deadline - Date.now();
    if (r.done || left <= 0) return r;
    await pause(Math.min(o.intervalMs, left), o.signal);
  }
}
