// RPC calls retried with exponential backoff and jitter; only transient failures (network, timeouts, server errors,
// rate limits) are retried, never a revert or a bad argument.
import type { Logger } from "../log/index.js";

/** Retry policy. */
export interface RetryOptions {
  /** Attempts in all, the first included (default 6). */
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

const TRANSIENT_CODES = new Set([
  "NETWORK_ERROR",
  "SERVER_ERROR",
  "TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/** True for errors worth retrying: connection failures, timeouts, HTTP 5xx/429, JSON-RPC -32005/-32603 limits. */
export function isTransient(e: unknown, depth = 0): boolean {
  if (depth > 4 || e === null || typeof e !== "object") return false;
  const o = e as { code?: unknown; cause?: unknown; error?: unknown; message?: unknown; status?: unknown };
  if (o.code === "CALL_EXCEPTION" || o.code === "INVALID_ARGUMENT" || o.code === "BAD_DATA") return false;
  if (typeof o.code === "string" && TRANSIENT_CODES.has(o.code)) return true;
  if (o.code === -32005 || o.code === 429) return true;
  if (typeof o.status === "number" && (o.status === 429 || o.status >= 500)) return true;
  if (
    typeof o.message === "string" &&
    /(ECONNREFUSED|ECONNRESET|socket hang up|fetch failed|timeout)/i.test(o.message)
  ) {
    return true;
  }
  return isTransient(o.cause, depth + 1) || isTransient(o.error, depth + 1);
}

/** Sleeps `ms`, or rejects when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) return reject(new Error("aborted"));
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error("aborted"));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

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
        error: e instanceof Error ? e.message.split("\n")[0] : String(e),
      });
      await sleep(delay, o.signal);
    }
  }
}
