// The one place where an error from the chain's RPC endpoint (and, through `source`, from a DA layer or a database) is
// classified, so that no caller decides on its own what a failure means:
//   - "revert": the contract itself reverted (a custom error, Error(string), a panic, a bare revert). This is an
//     answer about the chain's state, the only kind of failure that may mean "no such thing" (e.g.
//     ConsortiumRegistryNoKeyAt: no record key at t).
//   - "unavailable": the evidence could not be got (a timeout, a refused or dropped connection, an HTTP 5xx or 429, a
//     JSON-RPC server error such as -32603, an answer of `null` for something that exists). Retry with backoff,
//     postpone, show it in health; never a verdict.
//   - "fault": neither (a bad argument, an answer that cannot be decoded): a bug or a misconfiguration. Not retried,
//     and not a verdict either.
// Also: a JSON-RPC provider whose every call has a deadline, and a wait for an endpoint that is down.
import { FetchRequest, JsonRpcProvider, Network, isError, type Interface, type Provider } from "ethers";

import { decodeRevertData, findRevertData, type DecodedError } from "./errors.js";

/** What a failure says about the evidence (see the module comment). */
export type ErrorClass = "revert" | "unavailable" | "fault";

/** Where evidence comes from. */
export type EvidenceSource = "rpc" | "da" | "db";

/**
 * The evidence could not be got: an infrastructure failure (or an impossible answer, such as `null` for a block at or
 * below a head already seen). Always classified "unavailable": the caller retries and postpones, never judges.
 */
export class EvidenceUnavailableError extends Error {
  override name = "EvidenceUnavailableError";
  constructor(
    readonly source: EvidenceSource,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Connection-level error codes (Node, undici, ethers) that mean "try again". */
const UNAVAILABLE_CODES = new Set([
  "NETWORK_ERROR",
  "SERVER_ERROR",
  "TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "DA_UNAVAILABLE",
  "SQLITE_BUSY",
  "SQLITE_LOCKED",
]);

/**
 * ethers' own verdicts on what it was given or got back, or a transaction refused for the sender's state: a bug, a
 * misconfiguration or an operator's problem, whatever the server's message inside says. Never retried as "unavailable".
 */
const FAULT_CODES = new Set([
  "INVALID_ARGUMENT",
  "BAD_DATA",
  "MISSING_ARGUMENT",
  "UNEXPECTED_ARGUMENT",
  "NUMERIC_FAULT",
  "INSUFFICIENT_FUNDS",
  "NONCE_EXPIRED",
  "REPLACEMENT_UNDERPRICED",
  "ACTION_REJECTED",
]);

/**
 * JSON-RPC error codes of a server that could not answer: -32603 internal error, -32005 limit exceeded, -32002
 * resource unavailable, -32001 resource not found (a pruned or lagging node), 429 rate limited.
 */
const UNAVAILABLE_RPC_CODES = new Set([-32603, -32005, -32002, -32001, 429]);

const UNAVAILABLE_MESSAGE =
  /(ECONNREFUSED|ECONNRESET|socket hang up|fetch failed|timeout|timed out|header not found|database is locked)/i;

/**
 * JSON-RPC codes that mean the request itself was wrong (our bug or misconfiguration): parse error, invalid request,
 * method not found, invalid params. Every other error code a server answers with is the server failing to answer
 * (-32000 "missing trie node", -32007 "request limit reached", provider-specific codes) unless it reports a failed
 * execution.
 */
const REQUEST_FAULT_RPC_CODES = new Set([-32700, -32600, -32601, -32602]);

/**
 * The messages (and code 3, geth's "execution reverted") with which nodes report that the EVM itself failed the call:
 * a revert, running out of gas, an invalid opcode or jump. That is an answer about the contract, like a revert with
 * data.
 */
const EXECUTION_FAILED =
  /revert|out of gas|invalid opcode|invalid jump|stack (underflow|overflow)|write protection|VM execution error|VM Exception/i;

function reportsExecutionFailure(inner: unknown, depth = 0): boolean {
  if (depth > 5 || inner === null || typeof inner !== "object") return false;
  const o = inner as { code?: unknown; message?: unknown; error?: unknown };
  if (o.code === 3) return true;
  const serverBusy = typeof o.code === "number" && UNAVAILABLE_RPC_CODES.has(o.code);
  if (!serverBusy && typeof o.message === "string" && EXECUTION_FAILED.test(o.message)) return true;
  return reportsExecutionFailure(o.error, depth + 1);
}

/**
 * True when `e` is the contract's own revert: it carries revert data (possibly empty), or it is an ethers
 * CALL_EXCEPTION of a failed execution. ethers turns every error answer to an eth_call into a CALL_EXCEPTION "missing
 * revert data", the server's own error in `info.error`: that is a revert only when the server says the execution
 * failed; any other server error there (a rate limit, a pruned state, a deadline) is the server failing to answer.
 */
function carriesRevert(e: unknown): boolean {
  if (findRevertData(e) !== undefined) return true;
  if (!isError(e, "CALL_EXCEPTION")) return false;
  if (typeof e.data === "string") return true; // "0x": reverted without data
  const inner = (e.info as { error?: unknown } | undefined)?.error;
  return inner === undefined || reportsExecutionFailure(inner);
}

function classifyAt(e: unknown, depth: number): ErrorClass | undefined {
  if (depth > 5 || e === null || typeof e !== "object") return undefined;
  if (e instanceof EvidenceUnavailableError) return "unavailable";
  const o = e as { code?: unknown; status?: unknown; message?: unknown; cause?: unknown; error?: unknown };
  if (typeof o.code === "string" && FAULT_CODES.has(o.code)) return "fault";
  if (typeof o.code === "string" && UNAVAILABLE_CODES.has(o.code)) return "unavailable";
  if (typeof o.code === "number" && UNAVAILABLE_RPC_CODES.has(o.code)) return "unavailable";
  if (typeof o.status === "number" && (o.status === 429 || o.status >= 500)) return "unavailable";
  // An answer that is not JSON at all (an HTML error page with status 200 from a gateway).
  if (o.code === "UNSUPPORTED_OPERATION" && (o as { operation?: unknown }).operation === "bodyJson") {
    return "unavailable";
  }
  // A JSON-RPC error object from the server (codes -32000 and below) that neither reports a failed execution nor says
  // our request was wrong.
  if (
    typeof o.code === "number" &&
    o.code <= -32000 &&
    !REQUEST_FAULT_RPC_CODES.has(o.code) &&
    typeof o.message === "string" &&
    !reportsExecutionFailure(o)
  ) {
    return "unavailable";
  }
  return (
    classifyAt(o.error, depth + 1) ??
    classifyAt((o as { info?: { error?: unknown } }).info?.error, depth + 1) ??
    classifyAt(o.cause, depth + 1) ??
    (typeof o.message === "string" && UNAVAILABLE_MESSAGE.test(o.message) ? "unavailable" : undefined)
  );
}

/** Classifies any error thrown by an RPC, DA or database call (see the module comment). */
export function classifyError(e: unknown): ErrorClass {
  if (carriesRevert(e)) return "revert";
  return classifyAt(e, 0) ?? "fault";
}

/** True when the evidence could not be got: retry, postpone, never judge. */
export function isUnavailable(e: unknown): boolean {
  return classifyError(e) === "unavailable";
}

/**
 * The contract's own revert decoded against `iface` (which must hold the error), or undefined when `e` is not a
 * revert or not one `iface` knows.
 */
export function contractRevert(e: unknown, iface: Interface): DecodedError | undefined {
  if (classifyError(e) !== "revert") return undefined;
  const data = findRevertData(e);
  return data === undefined ? undefined : decodeRevertData(data, iface);
}

/**
 * Runs a contract call where one named revert means "no such thing": returns `none` for that revert, rethrows
 * everything else (an RPC failure must postpone, not stand for "no such thing").
 */
export async function unlessReverts<T>(call: () => Promise<T>, iface: Interface, name: string, none: T): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (contractRevert(e, iface)?.name === name) return none;
    throw e;
  }
}

/** The first line of an error's message (never a stack). */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) {
    const short = (e as Error & { shortMessage?: unknown }).shortMessage;
    return (typeof short === "string" ? short : e.message).split("\n")[0];
  }
  return String(e);
}

/**
 * The chain id as the endpoint answers it now (`eth_chainId`, not a cached network), for a liveness probe and the
 * start-up check.
 */
export async function chainIdOf(provider: Provider): Promise<bigint> {
  const p = provider as Provider & { send?: (method: string, params: unknown[]) => Promise<unknown> };
  if (typeof p.send === "function") return BigInt((await p.send("eth_chainId", [])) as string);
  return (await provider.getNetwork()).chainId;
}

/** Options of {@link rpcProvider}. */
export interface RpcProviderOptions {
  /** Deadline of every JSON-RPC request, in ms. */
  timeoutMs: number;
  /** The chain id, when already known (no network detection then, and no console output from ethers). */
  chainId?: bigint;
}

/** A JSON-RPC provider on `url` whose every request times out after `timeoutMs` (ethers' default is 300 s). */
export function rpcProvider(url: string, o: RpcProviderOptions): JsonRpcProvider {
  const req = new FetchRequest(url);
  req.timeout = o.timeoutMs;
  const network = o.chainId === undefined ? undefined : Network.from(o.chainId);
  return new JsonRpcProvider(req, network, {
    staticNetwork: network ?? true,
    polling: true,
    cacheTimeout: -1,
  });
}

/** Options of {@link waitForChain}. */
export interface WaitForChainOptions {
  /** Deadline of each attempt, ms. */
  timeoutMs: number;
  /** Largest pause between attempts, ms (default 5000). */
  maxDelayMs?: number;
  signal?: AbortSignal;
  /** Called after each failed attempt (for logs and health). */
  onWait?: (info: { attempt: number; delayMs: number; error: string }) => void;
}

/**
 * The chain id of the endpoint at `url`, waiting (with capped backoff, until `signal` aborts) while the endpoint is
 * down or answers errors: a service started before its RPC endpoint waits for it instead of exiting.
 */
export async function waitForChain(url: string, o: WaitForChainOptions): Promise<bigint> {
  for (let attempt = 1; ; attempt++) {
    let error: string;
    try {
      const req = new FetchRequest(url);
      req.timeout = o.timeoutMs;
      req.setHeader("content-type", "application/json");
      req.body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] });
      const res = await req.send();
      if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
      const body = res.bodyJson as { result?: unknown; error?: { message?: unknown } };
      if (typeof body.result === "string" && /^0x[0-9a-fA-F]+$/.test(body.result)) return BigInt(body.result);
      throw new Error(`eth_chainId answered ${JSON.stringify(body.error ?? body.result ?? null)}`);
    } catch (e) {
      error = errorMessage(e);
    }
    if (o.signal?.aborted === true) throw new Error("aborted while waiting for the RPC endpoint");
    const delayMs = Math.min(o.maxDelayMs ?? 5_000, 250 * 2 ** Math.min(attempt - 1, 10));
    o.onWait?.({ attempt, delayMs, error });
    await pause(delayMs, o.signal);
  }
}

/** Sleeps `ms`, or rejects when `signal` aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
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
