// RPC calls retried with exponential backoff and jitter; only transient failures (network, timeouts, server errors,
// rate limits) are retried, never a revert or a bad argument.
import type { Provider } from "ethers";

import { chainIdOf, errorMessage, isUnavailable, pause } from "./rpc.js";
import type { Logger } from "../log/index.js";

/** Retry policy. */
export interface RetryOptions {
  /** Attempts in all, the first included (default 6; `Infinity` retries until `signal` aborts). */
  attempts?: number;
  /** First delay in ms (default 200), doubled each time. */
  baseMs?: number;
  /** Largest delay in ms (default 5000). */
  maxMs?: number;
  /** Stop early when this aborts. */
  signal?: AbortSignal;
  log?: Logger;
  /** What is being attempted, for the logs. */
  what?: string;
}

/**
 * True for errors worth retrying: the evidence could not be got (connection failures, timeouts, HTTP 5xx/429, JSON-RPC
 * -32603/-32005/-32002/-32001); never a contract's revert or a bad argument. The classification is src/chain/rpc.ts's.
 */
export function isTransient(e: unknown): boolean {
  return isUnavailable(e);
}

/** Sleeps `ms`, or rejects when `signal` aborts. */
export const sleep = pause;

/** Runs `fn`, retrying transient failures with backoff; rethrows the last error. */
export async function withRetry<T>(fn: () => Promise<T>, o: RetryOptions = {}): Promise<T> {
  const attempts = o.attempts ?? 6;
  const base = o.baseMs ?? 200;
  const max = o.maxMs ?? 5_000;
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (i >= attempts || !isTransient(e) || o.signal?.aborted === true) throw e;
      const delay = Math.min(max, base * 2 ** (i - 1)) * (0.5 + Math.random() / 2);
      o.log?.warn("transient RPC error, retrying", {
        what: o.what,
        attempt: i,
        delayMs: Math.round(delay),
        error: errorMessage(e),
      });
      await sleep(delay, o.signal);
    }
  }
}

/**
 * The provider's chain id (`eth_chainId`), retried with backoff until `signal` aborts while the endpoint is
 * unavailable: a service started before its RPC endpoint waits for it. `waiting(since)` reports the wait for a health
 * endpoint: the time it began (ms) on the first unavailable answer, null once the endpoint answers.
 */
export async function chainIdWhenUp(
  provider: Provider,
  o: { signal?: AbortSignal; log?: Logger; waiting: (since: number | null) => void },
): Promise<bigint> {
  let since: number | null = null;
  return withRetry(
    async () => {
      try {
        const id = await chainIdOf(provider);
        o.waiting((since = null));
        return id;
      } catch (e) {
        if (isUnavailable(e) && since === null) o.waiting((since = Date.now()));
        throw e;
      }
    },
    {
      attempts: Infinity,
      maxMs: 5_000,
      signal: o.signal,
      log: o.log,
      what: "waiting for the RPC endpoint (eth_chainId)",
    },
  );
}
