// The demo's explicit context: what every step reads and what the steps hand each other. run.ts builds it in stages
// (setup; prepared crypto and the chain; the deployment and one task client per actor; the running services and
// the rounds' state), each stage a type extending the one before, so a step names the stage it needs.
import type { WriteStream } from "node:fs";

import type { JsonRpcProvider, Signer } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { NetworkConnection } from "hardhat/types/network";

import type {
  CollateralVault,
  EigenLayerStakeSource,
  StandInStrategy,
  TestToken,
  TestWrappedEther,
} from "../../types/ethers-contracts/index.js";
import type { Aggregator } from "../aggregator/index.js";
import type { LocalBlobStore } from "../blobstore/index.js";
import type { Client, Contracts, StakeKind } from "../client/index.js";
import type { AssetCommitment } from "../consortium/index.js";
import type { Crypto } from "../crypto/index.js";
import type { OperatorNode } from "../node/index.js";
import type { SnapshotSummary } from "../snapshot/index.js";
import type { RequestScheduler, VerifierService } from "../verifier-service/index.js";
import type { EigenLayerStandIns } from "./eigenlayer.js";
import type { GasBook, StepGas } from "./gas.js";
import type { ProgressPrinter } from "./progress.js";
import type { Eip1193, RpcBridge } from "./rpc.js";
import { ETH_UNIT, type Scenario } from "./scenario.js";

/** Governance parameters the demo deploys with (seconds and stake units; 1e18 = 1 ETH of collateral weight). */
export const DEMO_PARAMS = {
  snapshotInterval: 7_200n,
  responseWindow: 3_600n,
  minCollateral: 40n * ETH_UNIT,
  fraudBps: 5_000n,
  bountyShareBps: 1_000n,
  /** On EigenLayer: the adapter's weight is the stake slashable this many blocks ahead. */
  lookAheadBlocks: 25n,
} as const;

/** Thrown when the demo is interrupted. */
export class DemoAborted extends Error {
  override name = "DemoAborted";
}

/** Everything started by the demo, stopped in reverse order by `close`. */
export class Resources {
  private readonly closers: Array<{ what: string; fn: () => Promise<unknown> | unknown }> = [];
  add(what: string, fn: () => Promise<unknown> | unknown): void {
    this.closers.push({ what, fn });
  }
  async close(): Promise<string[]> {
    const errors: string[] = [];
    while (this.closers.length > 0) {
      const c = this.closers.pop()!;
      try {
        await c.fn();
      } catch (e) {
        errors.push(`${c.what}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return errors;
  }
}

/** Set up before the first step. */
export interface DemoSetup {
  hre: HardhatRuntimeEnvironment;
  scenario: Scenario;
  startedAt: Date;
  p: ProgressPrinter;
  /** Longest wait for the operators and the aggregator at any one step, ms. */
  waitTimeout: number;
  /** The run's temporary directory (removed at the end, also on failure or abort). */
  tmp: string;
  reportDir: string;
  /** Where the members' stake comes from: the native CollateralVault, or EigenLayer (on its TEST-ONLY stand-ins). */
  stake: StakeKind;
  /** What the steps start, stopped in reverse order at the end. */
  res: Resources;
  /** An append stream for `<reportDir>/logs/<name>.jsonl` (closed at the end). */
  logFile(name: string): WriteStream;
  /** Throws {@link DemoAborted} once the demo's signal is aborted. */
  checkAbort(): void;
}

/** The embedded chain and its test controls (the local chain's clock and faucet). */
export interface DemoChain {
  conn: NetworkConnection;
  eip: Eip1193;
  /** A provider over the loopback JSON-RPC bridge (what the services and nodes use). */
  rpc: JsonRpcProvider;
  bridge: RpcBridge;
  /** The network's first account: deploys, and governs the consortium. */
  gov: Signer & { address: string };
  chainId: bigint;
  mine(): Promise<unknown>;
  increaseTime(seconds: number): Promise<void>;
  /** The latest block's timestamp. */
  latest(): Promise<bigint>;
  setBalance(address: string, wei: bigint): Promise<unknown>;
}

/** After `prepare` and `chain`. */
export interface ChainContext extends DemoSetup {
  /** For the operators and the verifier (no worker threads), and for the liabilities engine. */
  crypto: Crypto;
  engine: Crypto;
  chain: DemoChain;
  gas: GasBook;
  /** The gas booked per step id. */
  stepGas: Map<string, StepGas>;
}

/** The TEST-ONLY EigenLayer core the consortium stakes on with `--stake eigenlayer`, and its two strategies. */
export interface DemoEigenLayer {
  standIns: EigenLayerStandIns;
  /** The WETH the ETH strategy holds (the adapter's `wrappedNative`: slashed WETH is pooled as ether). */
  weth: TestWrappedEther;
  wethStrategy: StandInStrategy;
  /** Over the demo's USDC. */
  usdcStrategy: StandInStrategy;
}

/** The deployment's stake source: the vault, or the EigenLayer adapter with the stand-ins it is wired to. */
export type DemoStake =
  | { kind: "native"; vault: CollateralVault }
  | { kind: "eigenlayer"; adapter: EigenLayerStakeSource; el: DemoEigenLayer };

/** The deployed contracts (typed, read-only: the tasks' client contracts and the stablecoin) and their addresses. */
export interface DemoContracts extends Omit<Contracts, "eigenLayer" | "vault"> {
  /** What both stake sources answer (stakeOf, restitutionOf, ...): the vault or the EigenLayer adapter. */
  stakeSource: CollateralVault | EigenLayerStakeSource;
  stake: DemoStake;
  usdc: TestToken;
  addresses: Record<string, string>;
}

/** One task client per actor (as `--from` that account), over the demo's deployment file. */
export interface DemoClients {
  governance: Client;
  auditor: Client;
  /** By member index. */
  members: Client[];
}

/** After `deploy`. */
export interface DemoContext extends ChainContext {
  d: DemoContracts;
  clients: DemoClients;
  /** The assets file of the snapshots (`por.assets`). */
  assetsPath: string;
}

/** The verifier service, its scheduler, the aggregator and the operator nodes. */
export interface DemoServices {
  service: VerifierService;
  scheduler: RequestScheduler;
  aggregator: Aggregator;
  nodes: OperatorNode[];
  /** The DA blob store the members publish to and the operators read. */
  blobs: LocalBlobStore;
  /** The blob store's directory (`--blob-dir` of a private commit). */
  blobsDir: string;
  /** The verifier service's admin token (populations). */
  adminToken: string;
}

/** One member's published snapshot of one round. */
export interface Published {
  summary: SnapshotSummary;
  dir: string;
  /**
   * The files the member commits from, as `ledger commit` takes them: the blob refs of a public set, or the blob
   * store a private set's encrypted blobs go to.
   */
  files: { summary: string; poa: string } & ({ refs: string } | { blobDir: string });
  /** Per asset: the committed commitment (none for a private set: its totals are hidden) and the leaf count. */
  commitments: AssetCommitment[];
  leaves: Map<number, number>;
  trueTotals: Map<number, bigint>;
}

/** What the snapshot rounds pass on (by round index 0 and 1, then member index). */
export interface RoundState {
  times: bigint[];
  published: Array<Map<number, Published>>;
  forwarded: Array<Map<number, number>>;
  recordsForwarded: number;
}

/** After `services`: everything the rounds, the request, the cheat and the claims use. */
export interface LiveContext extends DemoContext {
  services: DemoServices;
  rounds: RoundState;
}
