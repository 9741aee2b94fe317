// What the verifier service reads from (and sends to) the chain: the registry's member status and record key at t,
// the ledger's commitment sets, proof requests and fee, and `requestProof`. Every RPC call is retried with
// exponential backoff on transient errors (network, timeout, server); reverts are answers, never retried.
import { Contract, Interface, isError, type ContractRunner, type Provider, type Signer } from "ethers";

import { COMMITMENT_LEDGER_ABI as LEDGER_ABI, CONSORTIUM_REGISTRY_ABI as REGISTRY_ABI } from "../generated/abi.js";

/** The chain reads and writes the verifier service needs. */
export interface ChainView {
  /** Timestamp of the latest block, Unix seconds. */
  now(): Promise<number>;
  /** The member's status index (0 = unknown). */
  memberStatus(member: string): Promise<number>;
  /** The record key hash registered for the member at t, or null if no key was valid at t. */
  keyHashAt(member: string, t: number): Promise<bigint | null>;
  /** Whether the member committed a set for t (CommitmentLedger.setOf(member, t).status != None). */
  setCommitted(member: string, t: number): Promise<boolean>;
  /** The id of an existing proof request for (member, t), or 0. */
  requestIdOf(member: string, t: number): Promise<bigint>;
  /** Calls CommitmentLedger.requestProof with the current fee; resolves when mined. */
  requestProof(member: string, t: number): Promise<{ requestId: bigint; txHash: string }>;
}

/** Retry policy of RPC calls. */
export interface RetryOptions {
  /** Retries after the first attempt (default 5). */
  retries?: number;
  /** First delay in ms (default 200), doubled each time, capped at 10 s. */
  backoff?: number;
  /** Called before each retry. */
  onRetry?: (info: { op: string; attempt: number; delayMs: number; reason: string }) => void;
}

/** Whether an error is transient (worth retrying): network trouble, timeouts, server errors; not reverts. */
export function isTransientRpcError(e: unknown): boolean {
  if (isRevert(e) || isError(e, "INVALID_ARGUMENT") || isError(e, "INSUFFICIENT_FUNDS")) return false;
  if (isError(e, "NETWORK_ERROR") || isError(e, "TIMEOUT") || isError(e, "SERVER_ERROR")) return true;
  const code = (e as { code?: unknown }).code;
  if (code === "ECONNREFUSED" || code === "ECONNRESET" || code === "ETIMEDOUT" || code === "EPIPE") return true;
  const msg = String((e as Error)?.message ?? e);
  return /ECONNREFUSED|ECONNRESET|socket hang up|fetch failed|network|timeout/i.test(msg);
}

/** Runs `fn`, retrying transient errors with exponential backoff. */
export async function withRetry<T>(op: string, fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const retries = options.retries ?? 5;
  const backoff = options.backoff ?? 200;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!isTransientRpcError(e) || attempt >= retries) throw e;
      const delayMs = Math.min(10_000, backoff * 2 ** attempt);
      options.onRetry?.({ op, attempt: attempt + 1, delayMs, reason: (e as Error).message.slice(0, 200) });
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }
}

/** Revert data of an error, whichever provider threw it (ethers CALL_EXCEPTION, JSON-RPC code 3, Hardhat in-process). */
function revertData(e: unknown): string | undefined {
  const x = e as { data?: unknown; info?: { error?: { data?: unknown } }; error?: { data?: unknown } };
  for (const d of [x?.data, x?.info?.error?.data, x?.error?.data]) {
    if (typeof d === "string" && /^0x[0-9a-fA-F]{8}/.test(d)) return d;
  }
  return undefined;
}

/** Whether an error is a revert (an answer of the chain), not a transport problem. */
export function isRevert(e: unknown): boolean {
  return isError(e, "CALL_EXCEPTION") || (e as { code?: unknown })?.code === 3 || revertData(e) !== undefined;
}

/** The error name of a revert, if it is one of the ABI's custom errors. */
function revertName(iface: Interface, e: unknown): string | undefined {
  const data = revertData(e);
  if (data === undefined) return isError(e, "CALL_EXCEPTION") ? (e.revert?.name ?? undefined) : undefined;
  try {
    return iface.parseError(data)?.name;
  } catch {
    return undefined;
  }
}

/** Options of {@link EthersChainView}. */
export interface EthersChainViewOptions extends RetryOptions {
  /** How long a block timestamp is reused, ms (default 2000). */
  nowCacheMs?: number;
  /** How long a member status is reused, ms (default 30 000). */
  statusCacheMs?: number;
}

/** {@link ChainView} on ethers contracts. `runner` must be a Signer for {@link requestProof}. */
export class EthersChainView implements ChainView {
  private readonly registry: Contract;
  private readonly ledger: Contract;
  private readonly registryIface = new Interface(REGISTRY_ABI);
  private readonly ledgerIface = new Interface(LEDGER_ABI);
  private readonly provider: Provider;
  private nowCache: { at: number; value: number } | undefined;
  private readonly statusCache = new Map<string, { at: number; value: number }>();
  private readonly keyCache = new Map<string, bigint | null>();

  constructor(
    registryAddress: string,
    ledgerAddress: string,
    private readonly runner: ContractRunner,
    private readonly options: EthersChainViewOptions = {},
  ) {
    this.registry = new Contract(registryAddress, REGISTRY_ABI, runner);
    this.ledger = new Contract(ledgerAddress, LEDGER_ABI, runner);
    const provider = runner.provider ?? null;
    if (provider === null) throw new Error("the chain runner has no provider");
    this.provider = provider;
  }

  private retry<T>(op: string, fn: () => Promise<T>): Promise<T> {
    return withRetry(op, fn, this.options);
  }

  async now(): Promise<number> {
    const c = this.nowCache;
    if (c !== undefined && Date.now() - c.at < (this.options.nowCacheMs ?? 2000)) return c.value;
    const block = await this.retry("getBlock", () => this.provider.getBlock("latest"));
    if (block === null) throw new Error("the RPC returned no latest block");
    this.nowCache = { at: Date.now(), value: block.timestamp };
    return block.timestamp;
  }

  async memberStatus(member: string): Promise<number> {
    const c = this.statusCache.get(member);
    if (c !== undefined && Date.now() - c.at < (this.options.statusCacheMs ?? 30_000)) return c.value;
    const value = Number(await this.retry("statusOf", () => this.registry.statusOf(member) as Promise<bigint>));
    this.statusCache.set(member, { at: Date.now(), value });
    return value;
  }

  async keyHashAt(member: string, t: number): Promise<bigint | null> {
    const cacheKey = `${member}:${t}`;
    const cached = this.keyCache.get(cacheKey);
    if (cached !== undefined) return cached;
    let value: bigint | null;
    try {
      value = (await this.retry("keyHashAt", () => this.registry.keyHashAt(member, t))) as bigint;
    } catch (e) {
      if (revertName(this.registryIface, e) !== "ConsortiumRegistryNoKeyAt") throw e;
      value = null;
    }
    // A key registered later must start at or after the block time then, so the key at a t at least 2 s in the past
    // can no longer change: only those answers are cached.
    if (t + 2 < (await this.now())) {
      if (this.keyCache.size > 100_000) this.keyCache.clear();
      this.keyCache.set(cacheKey, value);
    }
    return value;
  }

  async setCommitted(member: string, t: number): Promise<boolean> {
    const set = (await this.retry("setOf", () => this.ledger.setOf(member, t))) as { status: bigint };
    return Number(set.status) !== 0;
  }

  async requestIdOf(member: string, t: number): Promise<bigint> {
    return (await this.retry("requestIdOf", () => this.ledger.requestIdOf(member, t))) as bigint;
  }

  async requestProof(member: string, t: number): Promise<{ requestId: bigint; txHash: string }> {
    const params = (await this.retry("quorumParams", () => this.ledger.quorumParams())) as { requestFee: bigint };
    const tx = (await this.retry("requestProof", () =>
      this.ledger.requestProof(member, t, { value: params.requestFee }),
    )) as { hash: string; wait: () => Promise<{ logs: { topics: string[]; data: string }[] } | null> };
    const receipt = await this.retry("wait", () => tx.wait());
    if (receipt === null) throw new Error(`requestProof ${tx.hash}: no receipt`);
    for (const log of receipt.logs) {
      try {
        const parsed = this.ledgerIface.parseLog(log);
        if (parsed?.name === "ProofRequested") return { requestId: parsed.args.requestId as bigint, txHash: tx.hash };
      } catch {
        // a log of another contract
      }
    }
    throw new Error(`requestProof ${tx.hash}: no ProofRequested event in the receipt`);
  }

  /** The error name of a ledger revert (e.g. `CommitmentLedgerRequestExists`), if any. */
  ledgerRevertName(e: unknown): string | undefined {
    return revertName(this.ledgerIface, e);
  }

  /** The signer's address, if the runner is a signer. */
  async signerAddress(): Promise<string | undefined> {
    const s = this.runner as Partial<Signer>;
    return typeof s.getAddress === "function" ? s.getAddress() : undefined;
  }
}
