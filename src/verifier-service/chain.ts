// What the verifier service reads from (and sends to) the chain: the registry's member status and record key at t,
// the ledger's commitment sets, proof requests and fee, and `requestProof`. Every RPC call is retried with
// exponential backoff while the chain is unavailable (src/chain/rpc.ts classifies); reverts are answers, never
// retried, and only ConsortiumRegistryNoKeyAt means "no key at t".
import { Contract, Interface, type ContractRunner, type Provider, type Signer } from "ethers";

import { withRetry } from "../chain/retry.js";
import { EvidenceUnavailableError, classifyError, contractRevert, unlessReverts } from "../chain/rpc.js";
import { COMMITMENT_LEDGER_ABI as LEDGER_ABI, CONSORTIUM_REGISTRY_ABI as REGISTRY_ABI } from "../generated/abi.js";
import type { Logger } from "../log/index.js";

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
  /** One read of the head, without retries (a liveness probe for health). */
  probe(): Promise<{ number: number; timestamp: number }>;
}

/** Whether an error is the contract's own revert (an answer of the chain), not a transport problem. */
export function isRevert(e: unknown): boolean {
  return classifyError(e) === "revert";
}

/** Options of {@link EthersChainView}. */
export interface EthersChainViewOptions {
  /** Attempts per call while the chain is unavailable, the first included (default 6). */
  attempts?: number;
  /** Where retries are logged. */
  log?: Logger;
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

  private retry<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return withRetry(fn, { attempts: this.options.attempts, log: this.options.log, what });
  }

  async probe(): Promise<{ number: number; timestamp: number }> {
    const b = await this.provider.getBlock("latest");
    if (b === null) throw new EvidenceUnavailableError("rpc", "the RPC returned no latest block");
    return { number: b.number, timestamp: b.timestamp };
  }

  async now(): Promise<number> {
    const c = this.nowCache;
    if (c !== undefined && Date.now() - c.at < (this.options.nowCacheMs ?? 2000)) return c.value;
    const block = await this.retry("getBlock", async () => {
      const b = await this.provider.getBlock("latest");
      if (b === null) throw new EvidenceUnavailableError("rpc", "the RPC returned no latest block");
      return b;
    });
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
    const value = await this.retry("keyHashAt", () =>
      unlessReverts<bigint | null>(
        () => this.registry.keyHashAt(member, t) as Promise<bigint>,
        this.registryIface,
        "ConsortiumRegistryNoKeyAt",
        null,
      ),
    );
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
    // The send is not retried: a send whose answer was lost may have landed, and a second one would pay for a revert.
    // The scheduler leaves the row pending and first looks for the request on-chain next round.
    const tx = (await this.ledger.requestProof(member, t, { value: params.requestFee })) as {
      hash: string;
      wait: () => Promise<{ logs: { topics: string[]; data: string }[] } | null>;
    };
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
    return contractRevert(e, this.ledgerIface)?.name;
  }

  /** The signer's address, if the runner is a signer. */
  async signerAddress(): Promise<string | undefined> {
    const s = this.runner as Partial<Signer>;
    return typeof s.getAddress === "function" ? s.getAddress() : undefined;
  }
}
