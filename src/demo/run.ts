// The end-to-end demo (`npm run demo`): an embedded chain, the Ignition deployment, a consortium of members with
// thousands of users in two assets, two snapshot rounds through the real liabilities engine, users forwarding records
// to the real verifier service over HTTP, a back-in-time proof request from its scheduler, real operator nodes and the
// real aggregator finalizing quorums, one member's cheat caught by the operators' watchtower with Groth16 proofs,
// the slash, the watchtower's ejection of the member left below its minimum collateral, the claims booked in the
// Adjudicator and paid from the slashed member's own restitution pool in the vault, and the report.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createWriteStream, rmSync, type WriteStream } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import {
  Contract,
  Interface,
  JsonRpcProvider,
  Wallet,
  ZeroAddress,
  getAddress,
  keccak256,
  toUtf8Bytes,
  type Signer,
} from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import * as snarkjs from "snarkjs";

import { buildConsortiumModule, FRAUD_VERIFIER } from "../../deploy/Consortium.js";
import { Aggregator } from "../aggregator/index.js";
import { LocalBlobStore } from "../blobstore/index.js";
import {
  combinedInterface,
  explainError,
  loadProjectAbis,
  memberStatusName,
  requestStatusName,
  reserveRegistryDomain,
  setStatusName,
  signReserveOwnership,
  verdictName,
} from "../chain/index.js";
import { circuitArtifacts, releaseCurves } from "../circuits/index.js";
import type { Progress as CeremonyProgress } from "../circuits/ceremony.js";
import { bookedClaim, setSubject, requestSubject, type AssetCommitment } from "../consortium/index.js";
import { loadCrypto, writeLE32, NODE_BYTES, type Crypto } from "../crypto/index.js";
import { OperatorNode, jsonLogger, localBlobSource, openHeldRecords, type HeldRecords } from "../node/index.js";
import { buildPoa, encodeAssetBlob } from "../poa/index.js";
import { readRecordFile, type RecordFile } from "../records/file.js";
import { accountFileRef, leafHash, recordKeyHash } from "../records/index.js";
import { runSnapshot, type SnapshotSummary } from "../snapshot/index.js";
import { SumTree, PRODUCTION_DEPTH } from "../tree/index.js";
import { decodeLeaves, encodeLeaves } from "../tree/leaves.js";
import { RequestStatus, SetStatus } from "../generated/abi.js";
import {
  EthersChainView,
  RequestScheduler,
  forwardedFromRecordFile,
  jsonLogger as verifierLogger,
  openRecordStore,
  startVerifierService,
  type ForwardedRecord,
  type VerifierService,
} from "../verifier-service/index.js";
import { GasBook } from "./gas.js";
import { ProgressPrinter, type LineSink } from "./progress.js";
import { startRpcBridge, type Eip1193, type RpcBridge } from "./rpc.js";
import {
  ETH_ASSET,
  ETH_UNIT,
  SeededRandom,
  USDC_ASSET,
  USDC_UNIT,
  USDC_WEIGHT,
  buildScenario,
  ledgerCsv,
  liabilities,
  type DemoMember,
  type Scenario,
  type ScenarioOptions,
} from "./scenario.js";
import type {
  AssetResult,
  CoverageResult,
  DemoResult,
  FraudResult,
  MemberResult,
  ReputationView,
  RoundResult,
  SetResult,
} from "./types.js";

/** Options of {@link runDemo}. */
export interface DemoOptions extends ScenarioOptions {
  /** Where progress lines go (default: stdout). */
  out?: LineSink;
  /** Parent directory of the report (default `<cwd>/reports`). */
  reportsDir?: string;
  /** Longest wait for the operators and the aggregator at any one step, ms (default 10 minutes). */
  waitTimeoutMs?: number;
  /** Aborts the demo (Ctrl-C): every component is stopped and temporary files removed before it rejects. */
  signal?: AbortSignal;
}

/** Governance parameters the demo deploys with (seconds and stake units; 1e18 = 1 ETH of collateral weight). */
export const DEMO_PARAMS = {
  snapshotInterval: 7_200n,
  responseWindow: 3_600n,
  minCollateral: 40n * ETH_UNIT,
  fraudBps: 5_000n,
  bountyShareBps: 1_000n,
} as const;

const STEPS = 14;

/** Thrown when the demo is interrupted. */
export class DemoAborted extends Error {
  override name = "DemoAborted";
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmtUnits = (x: bigint, unit: bigint, digits = 2) => {
  const whole = x / unit;
  const frac = ((x % unit) * 10n ** BigInt(digits)) / unit;
  return `${whole.toLocaleString("en-US")}.${frac.toString().padStart(digits, "0")}`;
};
const eth = (x: bigint) => `${fmtUnits(x, ETH_UNIT)} ETH`;
const usdc = (x: bigint) => `${fmtUnits(x, USDC_UNIT)} USDC`;

/** Everything started by the demo, stopped in reverse order by `close`. */
class Resources {
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

interface Deployment {
  registry: Contract;
  vault: Contract;
  reserveRegistry: Contract;
  reputation: Contract;
  ledger: Contract;
  adjudicator: Contract;
  usdc: Contract;
  addresses: Record<string, string>;
}

interface Published {
  summary: SnapshotSummary;
  dir: string;
  /** Per asset: the committed commitment and the leaf count of the published tree. */
  commitments: AssetCommitment[];
  leaves: Map<number, number>;
  trueTotals: Map<number, bigint>;
}

/**
 * Runs the whole demo and writes the report. Resolves with the result (whose `reportDir` says where the report
 * is); every component it started is stopped and its temporary directory removed, also on failure or abort.
 */
export async function runDemo(hre: HardhatRuntimeEnvironment, options: DemoOptions): Promise<DemoResult> {
  const scenario = buildScenario({
    users: options.users,
    members: options.members,
    seed: options.seed,
    ...(options.forwardRate !== undefined ? { forwardRate: options.forwardRate } : {}),
  });
  const sink: LineSink = options.out ?? ((l) => process.stdout.write(`${l}\n`));
  const p = new ProgressPrinter(sink, STEPS);
  const waitTimeout = options.waitTimeoutMs ?? 600_000;
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, "-").replace("Z", "");
  const reportDir = join(options.reportsDir ?? join(process.cwd(), "reports"), `demo-${stamp}`);
  await mkdir(join(reportDir, "logs"), { recursive: true });
  const tmp = await mkdtemp(join(tmpdir(), "por-demo-"));
  const res = new Resources();
  res.add("temporary directory", () => rm(tmp, { recursive: true, force: true }));
  // Last resort: a library step that exits the process on a signal (the snapshot pipeline does) skips the cleanup
  // above; the temporary directory is still removed on the way out.
  const removeOnExit = () => rmSync(tmp, { recursive: true, force: true });
  process.on("exit", removeOnExit);
  res.add("exit hook", () => process.off("exit", removeOnExit));
  const logStreams: WriteStream[] = [];
  const logFile = (name: string) => {
    const s = createWriteStream(join(reportDir, "logs", `${name}.jsonl`), { flags: "a" });
    logStreams.push(s);
    return s;
  };
  res.add("log files", () => Promise.all(logStreams.map((s) => new Promise((r) => s.end(r)))));
  const checkAbort = () => {
    if (options.signal?.aborted === true) throw new DemoAborted("the demo was interrupted");
  };

  const o = scenario.options;
  p.line(
    `proof-of-reserves consortium demo: ${o.members} members x ${o.users} users x 2 assets, seed "${o.seed}"` +
      ` (report: ${reportDir})`,
  );

  try {
    // ---------------------------------------------------------------- 1. prepare
    const { crypto, engine } = await p.step("prepare", "prepare: contracts, fraud-proof keys, crypto", async (note) => {
      await hre.tasks.getTask("build").run({ quiet: true, noTests: true });
      projectErrors = combinedInterface(await loadProjectAbis(hre.config.paths.artifacts));
      if (!(await hre.artifacts.artifactExists("LeafMismatch32Verifier"))) {
        throw new Error("contracts/verifiers/LeafMismatch32Verifier.sol is missing: run `npm run circuits` first");
      }
      note("contracts built; checking the LeafMismatch32 proving key (cached development ceremony)");
      note("(a cold cache runs the ceremony once: 15-30 minutes on 2 cores; progress follows)");
      await p.heartbeat(
        circuitArtifacts(
          "LeafMismatch32",
          ceremonyProgress((l) => note(l)),
        ),
        () => "still preparing the proving key",
        30_000,
      );
      const c = await loadCrypto({ threads: 0 });
      res.add("crypto", () => c.close());
      const e = await loadCrypto();
      res.add("engine crypto", () => e.close());
      // Build snarkjs's BN254 curve (and its worker threads) once, now: operator nodes that start proving at the
      // same moment would otherwise each build one, and only the one cached globally is released at the end.
      await snarkjs.curves.getCurveFromName("bn128");
      res.add("snarkjs curves", () => releaseCurves());
      note(`crypto backend: ${c.backend}`);
      return { crypto: c, engine: e };
    });
    checkAbort();

    // ---------------------------------------------------------------- 2. chain
    const { conn, bridge, rpc, gov, chainId } = await p.step(
      "chain",
      "embedded chain + JSON-RPC on loopback",
      async (note) => {
        const c = await hre.network.create();
        res.add("chain connection", () => c.close());
        const b = await startRpcBridge(c.provider as unknown as Eip1193);
        res.add("JSON-RPC bridge", () => b.close());
        // cacheTimeout -1: ethers otherwise answers identical calls within 250 ms from a cache, so a key sending two
        // transactions in quick succession (the aggregator) could read a stale nonce.
        const r = new JsonRpcProvider(b.url, undefined, { staticNetwork: true, polling: true, cacheTimeout: -1 });
        r.pollingInterval = 250;
        res.add("RPC provider", () => r.destroy());
        const [g] = await c.ethers.getSigners();
        const id = (await c.ethers.provider.getNetwork()).chainId;
        note(`chain id ${id}, JSON-RPC at ${b.url}`);
        return { conn: c, bridge: b, rpc: r, gov: g as unknown as Signer & { address: string }, chainId: id };
      },
    );
    const eip = conn.provider as unknown as Eip1193;
    const gas = new GasBook(eip);
    await gas.skipTo();
    const stepGas = new Map<string, ReturnType<GasBook["totals"]>>();
    /** Books the gas of the blocks mined during step `id` and prints it. */
    const booked = async (id: string) => {
      const g = await gas.book(id);
      stepGas.set(id, g);
      p.line(`  ${id}: ${g.txs} transactions, ${(g.gas / 1e6).toFixed(2)}M gas`);
      return g;
    };
    const mine = () => eip.request({ method: "evm_mine", params: [] });
    const increaseTime = async (s: number) => {
      await eip.request({ method: "evm_increaseTime", params: [s] });
      await mine();
    };
    const latest = async () => {
      const b = (await eip.request({ method: "eth_getBlockByNumber", params: ["latest", false] })) as {
        timestamp: string;
      };
      return BigInt(b.timestamp);
    };
    const setBalance = (address: string, wei: bigint) =>
      eip.request({ method: "hardhat_setBalance", params: [address, `0x${wei.toString(16)}`] });
    const wallet = (key: string) => new Wallet(key, conn.ethers.provider);
    gas.role(gov.address, "governance");
    const auditor = wallet(scenario.auditorKey);
    gas.role(auditor.address, "auditor");
    const memberWallets = scenario.members.map((m) => wallet(m.privateKey));
    scenario.members.forEach((m) => gas.role(m.address, m.name));
    const aggregatorKey = new Wallet(scenario.aggregatorKey);
    gas.role(aggregatorKey.address, "aggregator");
    const verifierKey = new Wallet(scenario.verifierKey);
    gas.role(verifierKey.address, "verifier");
    gas.role(scenario.cheat.omitted.payout, "victim (omitted)");
    gas.role(scenario.cheat.underReported.payout, "victim (under-reported)");
    checkAbort();

    // ---------------------------------------------------------------- 3. deploy
    const d = await p.step(
      "deploy",
      "deploy the consortium (Ignition module deploy/Consortium.ts) and list USDC",
      async (note) => {
        for (const a of [auditor.address, aggregatorKey.address, verifierKey.address])
          await setBalance(a, 100n * ETH_UNIT);
        const module = buildConsortiumModule("Consortium", FRAUD_VERIFIER);
        const deployed = (await conn.ignition.deploy(module, {
          parameters: {
            Consortium: {
              auditor: auditor.address,
              snapshotInterval: DEMO_PARAMS.snapshotInterval,
              responseWindow: DEMO_PARAMS.responseWindow,
              minCollateral: DEMO_PARAMS.minCollateral,
              quorumWeight: ETH_UNIT,
              minSigners: 1n,
              requestFee: 0n,
              fraudBps: DEMO_PARAMS.fraudBps,
              bountyShareBps: DEMO_PARAMS.bountyShareBps,
            },
          },
        })) as unknown as Record<string, { getAddress(): Promise<string> }>;
        const addresses: Record<string, string> = {};
        for (const k of ["registry", "vault", "reserveRegistry", "reputation", "ledger", "verifier", "adjudicator"]) {
          addresses[k] = await deployed[k].getAddress();
        }
        const token = await conn.ethers.deployContract("TestToken", ["Demo USD Coin", "USDC", 6], gov as never);
        await token.waitForDeployment();
        addresses.usdc = await token.getAddress();
        const names: Record<string, string> = {
          registry: "ConsortiumRegistry",
          vault: "CollateralVault",
          reserveRegistry: "ReserveRegistry",
          reputation: "Reputation",
          ledger: "CommitmentLedger",
          verifier: "LeafMismatch32Verifier",
          adjudicator: "Adjudicator",
          usdc: "TestToken",
        };
        const contracts: Record<string, Contract> = {};
        for (const [k, name] of Object.entries(names)) {
          const { abi } = await hre.artifacts.readArtifact(name);
          gas.contract(addresses[k], k === "usdc" ? "USDC" : name, abi as never);
          contracts[k] = new Contract(addresses[k], abi as never, gov);
        }
        const dep: Deployment = {
          registry: contracts.registry,
          vault: contracts.vault,
          reserveRegistry: contracts.reserveRegistry,
          reputation: contracts.reputation,
          ledger: contracts.ledger,
          adjudicator: contracts.adjudicator,
          usdc: contracts.usdc,
          addresses,
        };
        await send(dep.registry.getFunction("listAsset")(USDC_ASSET, addresses.usdc, "USDC", 6));
        await send(dep.vault.getFunction("setTokenWeight")(addresses.usdc, USDC_WEIGHT));
        note(`ledger ${addresses.ledger}, adjudicator ${addresses.adjudicator}, USDC ${addresses.usdc}`);
        return dep;
      },
    );
    await booked("deploy");
    checkAbort();

    const at = (c: Contract, s: Signer) => c.connect(s) as Contract;

    // ---------------------------------------------------------------- 4. onboard
    await p.step(
      "onboard",
      "onboard members: apply, auditor approves genesis, collateral, activation, record keys, reserve wallets",
      async (note) => {
        const rrDomain = reserveRegistryDomain(chainId, d.addresses.reserveRegistry);
        for (const [i, m] of scenario.members.entries()) {
          const w = memberWallets[i];
          await setBalance(m.address, m.collateral.eth + 100n * ETH_UNIT);
          await send(at(d.registry, w).getFunction("applyForMembership")(keccak256(toUtf8Bytes(`profile:${m.name}`))));
          await send(
            at(d.registry, auditor).getFunction("approveGenesis")(
              m.address,
              keccak256(toUtf8Bytes(`genesis report:${m.name}`)),
            ),
          );
          await send(
            at(d.vault, w).getFunction("deposit")(m.address, ZeroAddress, m.collateral.eth, {
              value: m.collateral.eth,
            }),
          );
          await send(at(d.usdc, gov).getFunction("mint")(m.address, m.collateral.usdc));
          await send(at(d.usdc, w).getFunction("approve")(d.addresses.vault, m.collateral.usdc));
          await send(at(d.vault, w).getFunction("deposit")(m.address, d.addresses.usdc, m.collateral.usdc));
          await send(at(d.registry, gov).getFunction("activate")(m.address));
          const [ax, ay] = crypto.publicKey(m.keys.recordKey);
          const keyHash = recordKeyHash((x) => crypto.poseidon(x), ax, ay);
          const from = (await latest()) + 2n;
          await send(at(d.registry, w).getFunction("registerKey")(keyHash, ax, ay, from));
          for (const [j, key] of m.reserveWallets.entries()) {
            const rw = new Wallet(key);
            const deadline = (await latest()) + 3_600n;
            const nonce = (await d.reserveRegistry.getFunction("nonceOf")(rw.address)) as bigint;
            const sig = await signReserveOwnership(rw, rrDomain, {
              member: m.address,
              wallet: rw.address,
              deadline,
              nonce,
            });
            await send(at(d.reserveRegistry, w).getFunction("registerReserve")(rw.address, deadline, sig));
            // Funding (the local chain's faucet): 70% in cold storage, 30% in the hot wallet.
            const share = (x: bigint) => (j === 0 ? (x * 7n) / 10n : x - (x * 7n) / 10n);
            await setBalance(rw.address, share(m.reserves.eth));
            await send(at(d.usdc, gov).getFunction("mint")(rw.address, share(m.reserves.usdc)));
          }
          const stake = (await d.vault.getFunction("stakeOf")(m.address)) as bigint;
          note(
            `${m.name} ${m.address}: active, collateral ${eth(m.collateral.eth)} + ${usdc(m.collateral.usdc)} ` +
              `(stake ${fmtUnits(stake, ETH_UNIT)}), reserves ${eth(m.reserves.eth)} + ${usdc(m.reserves.usdc)}`,
          );
        }
        // Quorum: any k of the other members' operators, k = ceil(2/3 of the co-signers of a set).
        const stakes = await Promise.all(
          scenario.members.map(async (m) => (await d.vault.getFunction("stakeOf")(m.address)) as bigint),
        );
        const k = Math.max(1, Math.ceil((2 * (scenario.members.length - 1)) / 3));
        const quorumWeight = [...stakes]
          .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
          .slice(0, k)
          .reduce((a, b) => a + b, 0n);
        await send(
          d.ledger.getFunction("setQuorumParams")({ quorumWeight, minSigners: k, requestFee: 0n, maxOpenRequests: 4 }),
        );
        note(`quorum: ${k} co-signer(s) and ${fmtUnits(quorumWeight, ETH_UNIT)} units of stake`);
      },
    );
    await booked("onboard");
    checkAbort();

    // ---------------------------------------------------------------- 5. services
    const blobDir = join(tmp, "blobs");
    const blobs = new LocalBlobStore(blobDir);
    const verifierDb = join(tmp, "verifier.sqlite");
    const adminToken = keccak256(toUtf8Bytes(`${scenario.options.seed}:admin:${Date.now()}`)).slice(2);
    const services = await p.step(
      "services",
      "start the verifier service, the aggregator and the operator nodes",
      async (note) => {
        const store = await openRecordStore(verifierDb);
        const vlog = verifierLogger("verifier-service", { level: "info", out: logFile("verifier") });
        const verifierWallet = new Wallet(scenario.verifierKey, rpc);
        // No block-time cache: the demo moves the chain's clock forward between steps.
        const chainView = new EthersChainView(d.addresses.registry, d.addresses.ledger, verifierWallet, {
          nowCacheMs: 0,
        });
        let service: VerifierService;
        try {
          service = await startVerifierService({ store, chain: chainView, crypto, logger: vlog, adminToken });
        } catch (e) {
          await store.close();
          throw e;
        }
        res.add("verifier service", () => service.close());
        const rng = new SeededRandom(scenario.pickSeed);
        const scheduler = new RequestScheduler({
          store,
          chain: chainView,
          logger: vlog.child({ component: "scheduler" }),
          policy: { minRecords: 1, minAgeSeconds: 1_800, maxPerMember: 1, maxPerRound: 1, includeUncommitted: false },
          random: (n) => rng.int(n),
          isRequestExists: (e) => chainView.ledgerRevertName(e) === "CommitmentLedgerRequestExists",
        });
        note(`verifier service ${service.url} (SQLite store)`);

        const aggregator = new Aggregator({
          provider: rpc,
          wallet: new Wallet(scenario.aggregatorKey, rpc),
          ledger: d.addresses.ledger,
          registry: d.addresses.registry,
          vault: d.addresses.vault,
          dbPath: join(tmp, "aggregator.sqlite"),
          log: jsonLogger("aggregator", { out: logFile("aggregator") }),
        });
        await aggregator.start(0);
        res.add("aggregator", () => aggregator.stop());
        note(`aggregator ${aggregator.url}`);

        const held: HeldRecords = await openHeldRecords(verifierDb);
        res.add("held records", () => held.close());
        const nodes: OperatorNode[] = [];
        const nodeLog = logFile("nodes");
        for (const m of scenario.members) {
          const node = new OperatorNode({
            provider: rpc,
            wallet: new Wallet(m.privateKey, rpc),
            addresses: {
              ledger: d.addresses.ledger,
              registry: d.addresses.registry,
              reserveRegistry: d.addresses.reserveRegistry,
              adjudicator: d.addresses.adjudicator,
            },
            crypto,
            blobs: localBlobSource(blobs),
            held,
            dbPath: join(tmp, `node-${m.index}.sqlite`),
            aggregatorUrl: aggregator.url,
            confirmations: 1,
            pollMs: 400,
            healthPort: 0,
            log: jsonLogger("node", { out: nodeLog, fields: { operator: m.name } }),
          });
          await node.start();
          res.add(`operator node of ${m.name}`, () => node.stop());
          nodes.push(node);
        }
        note(`${nodes.length} operator nodes (one per member; each co-signs the others' commitments)`);
        return { service, scheduler, aggregator, nodes, store };
      },
    );
    checkAbort();

    const assetsPath = join(tmp, "assets.json");
    await writeFile(
      assetsPath,
      JSON.stringify({
        format: "por.assets",
        version: 1,
        assets: [
          { id: ETH_ASSET, symbol: "ETH", chainId: Number(chainId), token: ZeroAddress, decimals: 18 },
          { id: USDC_ASSET, symbol: "USDC", chainId: Number(chainId), token: d.addresses.usdc, decimals: 6 },
        ],
      }),
    );

    /** Waits until `done()` holds, mining a block per poll (confirmations), with a heartbeat. */
    const waitFor = async (what: string, done: () => Promise<boolean>, status: () => string) => {
      const end = Date.now() + waitTimeout;
      const loop = (async () => {
        let polls = 0;
        while (!(await done())) {
          checkAbort();
          if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${status()}`);
          await mine();
          await sleep(300);
          // Every ~30 s, have the aggregator re-examine its open subjects (what it does on a restart), in case a
          // submission failed and no new attestation arrives to trigger another attempt.
          if (++polls % 100 === 0) await services.aggregator.resume();
        }
      })();
      await p.heartbeat(loop, () => `waiting for ${what}: ${status()}`);
    };
    const nodeStatus = () =>
      services.nodes
        .map((n, i) => {
          const c = n.db.jobCounts();
          return `${scenario.members[i].name.split(" ")[0]} ${
            Object.entries(c)
              .map(([k, v]) => `${k}:${v}`)
              .join(",") || "idle"
          }`;
        })
        .join("; ");
    const setStatus = async (member: string, t: bigint) =>
      Number(((await d.ledger.getFunction("setOf")(member, t)) as { status: bigint }).status);

    const readReputation = async (): Promise<ReputationView[]> =>
      Promise.all(
        scenario.members.map(async (m) => {
          const r = (await d.reputation.getFunction("reputationOf")(m.address)) as {
            dutiesMet: bigint;
            dutiesTotal: bigint;
            slashCount: bigint;
          };
          return {
            score: ((await d.reputation.getFunction("scoreOf")(m.address)) as bigint).toString(),
            timeWeightedCollateral: (
              (await d.reputation.getFunction("timeWeightedCollateral")(m.address)) as bigint
            ).toString(),
            dutiesMet: Number(r.dutiesMet),
            dutiesTotal: Number(r.dutiesTotal),
            slashCount: Number(r.slashCount),
          };
        }),
      );
    const stakesBefore = await Promise.all(
      scenario.members.map(async (m) => (await d.vault.getFunction("stakeOf")(m.address)) as bigint),
    );

    // ------------------------------------------------------------- snapshot rounds
    await increaseTime(10); // record keys valid
    const published: Array<Map<number, Published>> = [new Map(), new Map()];
    const forwardedCount: Array<Map<number, number>> = [new Map(), new Map()];
    let recordsForwarded = 0;
    const roundTimes: bigint[] = [];

    /** The member's record file of `userId` in `asset`. */
    const recordPath = (m: DemoMember, dir: string, asset: number, userId: string) =>
      join(dir, "records", String(asset), `${accountFileRef(m.keys.memberSecret, userId)}.json`);

    const snapshotRound = async (round: 0 | 1, note: (s: string) => void) => {
      const t = await latest();
      roundTimes[round] = t;
      await increaseTime(30); // the block of t is no longer the head; t is in the past
      for (const m of scenario.members) {
        checkAbort();
        const ledgerPath = join(tmp, `ledger-${m.index}-r${round + 1}.csv`);
        await writeFile(ledgerPath, ledgerCsv(m, round));
        const t0 = performance.now();
        const { dir, summary } = await runSnapshot(engine, {
          ledgerPath,
          assetsPath,
          keys: m.keys,
          member: m.address,
          t,
          outDir: join(tmp, "snapshots"),
          depth: PRODUCTION_DEPTH,
        });
        const trueTotals = new Map(summary.assets.map((a) => [a.id, BigInt(a.total)] as const));
        const leavesOf = new Map<number, { bytes: Uint8Array; rootHash: bigint; rootSum: bigint; count: number }>();
        for (const a of summary.assets) {
          leavesOf.set(a.id, {
            bytes: await readFile(join(dir, a.leavesFile)),
            rootHash: BigInt(a.rootHash),
            rootSum: BigInt(a.rootSum),
            count: a.accounts,
          });
        }
        if (m.cheater && round === 1) {
          const c = scenario.cheat;
          const omitted = await readRecordFile(recordPath(m, dir, c.omitted.asset, m.users[c.omitted.user].id));
          const under = await readRecordFile(
            recordPath(m, dir, c.underReported.asset, m.users[c.underReported.user].id),
          );
          leavesOf.set(
            c.omitted.asset,
            await doctor(
              engine,
              leavesOf.get(c.omitted.asset)!.bytes,
              m,
              t,
              c.omitted.asset,
              omitted.record.slot,
              null,
            ),
          );
          leavesOf.set(
            c.underReported.asset,
            await doctor(
              engine,
              leavesOf.get(c.underReported.asset)!.bytes,
              m,
              t,
              c.underReported.asset,
              under.record.slot,
              {
                accountKey: BigInt(under.record.accountKey),
                balance: c.underReported.reported,
              },
            ),
          );
          note(
            `${m.name} CHEATS: its published ETH tree leaves out ${m.users[c.omitted.user].id} ` +
              `(${eth(c.omitted.balance)}) and its USDC tree reports ${m.users[c.underReported.user].id} at ` +
              `${usdc(c.underReported.reported)} instead of the signed ${usdc(c.underReported.balance)}`,
          );
        }
        // Proof of assets at t (ownership signatures by the reserve wallets) and one DA blob per asset.
        const poa = await buildPoa({
          provider: conn.ethers.provider,
          ledger: d.addresses.ledger,
          reserveRegistry: d.addresses.reserveRegistry,
          registry: d.addresses.registry,
          member: m.address,
          t,
          assets: [ETH_ASSET, USDC_ASSET],
          signers: m.reserveWallets.map((k) => new Wallet(k)),
        });
        const commitments: AssetCommitment[] = [];
        const leaves = new Map<number, number>();
        for (const a of summary.assets) {
          const l = leavesOf.get(a.id)!;
          const ref = await blobs.put(encodeAssetBlob(poa, a.id, l.bytes));
          const reserves = BigInt(poa.assets.find((x) => x.asset === a.id)!.total);
          commitments.push({
            asset: a.id,
            rootHash: l.rootHash,
            rootSum: l.rootSum,
            reserves,
            blobDigest: ref.keccak256,
          });
          leaves.set(a.id, l.count);
        }
        published[round].set(m.index, { summary, dir, commitments, leaves, trueTotals });
        note(
          `${m.name}: ${summary.assets.map((a) => `${a.accounts} ${a.symbol}`).join(" + ")} records signed, ` +
            `trees built, PoA and blobs ready (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
        );
      }
      return t;
    };

    const forwardRound = async (round: 0 | 1, note: (s: string) => void) => {
      let total = 0;
      for (const m of scenario.members) {
        const pub = published[round].get(m.index)!;
        const batch: ForwardedRecord[] = [];
        for (const u of m.users) {
          if (!u.forwards[round]) continue;
          for (const [asset, bal] of [
            [ETH_ASSET, u.eth[round]],
            [USDC_ASSET, u.usdc[round]],
          ] as const) {
            if (bal === 0n) continue;
            const file: RecordFile = await readRecordFile(recordPath(m, pub.dir, asset, u.id));
            batch.push(forwardedFromRecordFile(file));
          }
        }
        for (let i = 0; i < batch.length; i += 500) {
          const chunk = batch.slice(i, i + 500);
          const r = await fetch(`${services.service.url}/records`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ records: chunk }),
          });
          const body = (await r.json()) as { accepted?: number; error?: { code: string; message: string } };
          if (r.status !== 200 || body.accepted !== chunk.length) {
            throw new Error(`the verifier service refused forwarded records: ${r.status} ${JSON.stringify(body)}`);
          }
        }
        // The verifier learns each tree's population from the published leaves (coverage, D6).
        for (const [asset, n] of pub.leaves) {
          const r = await fetch(`${services.service.url}/populations`, {
            method: "PUT",
            headers: { "content-type": "application/json", authorization: `Bearer ${adminToken}` },
            body: JSON.stringify({ member: m.address, asset, t: Number(roundTimes[round]), n, source: "leaves" }),
          });
          if (r.status !== 200) throw new Error(`PUT /populations answered ${r.status}: ${await r.text()}`);
        }
        forwardedCount[round].set(m.index, batch.length);
        total += batch.length;
        note(`${m.name}: ${batch.length} records forwarded by its users over HTTP`);
      }
      recordsForwarded += total;
      return total;
    };

    const commitSet = async (m: DemoMember, round: 0 | 1) => {
      const pub = published[round].get(m.index)!;
      await send(at(d.ledger, memberWallets[m.index]).getFunction("commit")(roundTimes[round], pub.commitments));
    };

    const waitSets = async (members: DemoMember[], t: bigint) => {
      await waitFor(
        `the quorum on ${members.length} set(s)`,
        async () => {
          for (const m of members) if ((await setStatus(m.address, t)) === SetStatus.Pending) return false;
          return true;
        },
        nodeStatus,
      );
    };

    // ---------------------------------------------------------------- 6-8. round 1
    await p.step("round1-snapshot", "round 1: members sign every user's records and build their trees", async (note) =>
      snapshotRound(0, note),
    );
    await p.step(
      "round1-forward",
      "round 1: users forward records to the verifier service",
      async (note) => forwardRound(0, note),
      (n) => `${n} records`,
    );
    await p.step(
      "round1-commit",
      "round 1: members commit roots; operators verify and co-sign; the quorum finalizes",
      async (note) => {
        for (const m of scenario.members) await commitSet(m, 0);
        note(`${scenario.members.length} sets committed at t = ${roundTimes[0]}; waiting for the operators`);
        await waitSets(scenario.members, roundTimes[0]);
        for (const m of scenario.members) {
          note(`${m.name}: set ${setStatusName(await setStatus(m.address, roundTimes[0]))}`);
        }
      },
    );
    await booked("round1-commit");
    checkAbort();

    // ---------------------------------------------------------------- 9. back-in-time request
    const request = await p.step(
      "request",
      "the verifier requests a proof for a past snapshot; the member answers; operators co-sign",
      async (note) => {
        await increaseTime(Number(DEMO_PARAMS.responseWindow));
        const rows = await services.scheduler.runOnce();
        const row = rows.find((r) => r.status === "sent");
        if (row === undefined || row.requestId === null) {
          throw new Error(`the verifier's scheduler made no request: ${JSON.stringify(rows)}`);
        }
        const m = scenario.members.find((x) => x.address === getAddress(row.member))!;
        const requestId = BigInt(row.requestId);
        note(`request ${requestId}: ${m.name} at t = ${row.t} (picked at random among past snapshots)`);
        await send(at(d.ledger, memberWallets[m.index]).getFunction("respondToRequest")(requestId, []));
        note(`${m.name} answered (its set for t exists, so the answer is empty); waiting for the operators`);
        const status = async () =>
          Number(((await d.ledger.getFunction("requestOf")(requestId)) as { status: bigint }).status);
        await waitFor("the quorum on the request", async () => (await status()) !== RequestStatus.Answered, nodeStatus);
        const s = requestStatusName(await status());
        note(`request ${requestId}: ${s}`);
        return { requestId, member: m, t: BigInt(row.t), status: s };
      },
    );
    await booked("request");
    const reputationBefore = await readReputation();
    checkAbort();

    // ---------------------------------------------------------------- 10-13. round 2 and the cheat
    await increaseTime(60);
    const cheater = scenario.members[scenario.cheat.member];
    const honest = scenario.members.filter((m) => !m.cheater);
    await p.step(
      "round2-snapshot",
      "round 2: members sign records and build trees (one of them cheats)",
      async (note) => snapshotRound(1, note),
    );
    await p.step(
      "round2-forward",
      "round 2: users forward records (the cheated users among them)",
      async (note) => forwardRound(1, note),
      (n) => `${n} records`,
    );
    await p.step("round2-commit", "round 2: honest members commit; operators verify and co-sign", async (note) => {
      for (const m of honest) await commitSet(m, 1);
      await waitSets(honest, roundTimes[1]);
      for (const m of honest) note(`${m.name}: set ${setStatusName(await setStatus(m.address, roundTimes[1]))}`);
    });
    await booked("round2-commit");
    checkAbort();

    const victims = [
      { ...scenario.cheat.omitted, user: cheater.users[scenario.cheat.omitted.user] },
      { ...scenario.cheat.underReported, user: cheater.users[scenario.cheat.underReported.user] },
    ];
    const nullifiers: bigint[] = [];
    for (const v of victims) {
      const f = await readRecordFile(recordPath(cheater, published[1].get(cheater.index)!.dir, v.asset, v.user.id));
      nullifiers.push(BigInt(f.nullifier));
    }
    await p.step(
      "fraud",
      `the cheat: ${cheater.name} commits doctored roots; the watchtower proves it (Groth16), the member is slashed ` +
        "and, left below its minimum collateral, ejected",
      async (note) => {
        await commitSet(cheater, 1);
        note(`${cheater.name} committed at t = ${roundTimes[1]}; the operators rebuild its trees from the DA blobs`);
        const fraudStatus = () =>
          services.nodes.flatMap((n) => n.db.frauds().map((f) => `${f.status}`)).join(",") || "none yet";
        await waitFor(
          "the fraud proofs",
          async () => {
            for (const n of nullifiers) {
              if (!((await d.adjudicator.getFunction("isNullifierSpent")(cheater.address, n)) as boolean)) return false;
            }
            return true;
          },
          () => `nodes: ${nodeStatus()}; fraud proofs: ${fraudStatus()}`,
        );
        // A slash does not eject by itself: the watchtower that proved the fraud asks the Adjudicator to eject a
        // member its proof left below the minimum collateral (ejectUndercollateralized), right after the proof.
        const memberStatus = async () =>
          memberStatusName((await d.registry.getFunction("statusOf")(cheater.address)) as bigint);
        const stake = (await d.vault.getFunction("stakeOf")(cheater.address)) as bigint;
        const [ejectable, minimum] = (await d.registry.getFunction("ejectionTermsOf")(cheater.address)) as [
          boolean,
          bigint,
        ];
        note(`${cheater.name}: stake weight ${eth(stake)} after the slashes, minimum ${eth(minimum)}`);
        if (ejectable && stake < minimum) {
          let last = "";
          await waitFor(
            "the watchtower's ejection",
            async () => (last = await memberStatus()) === "Ejected",
            () => `${cheater.name} is ${last || "not yet ejected"}`,
          );
        }
        note(
          `${cheater.name}: set ${setStatusName(await setStatus(cheater.address, roundTimes[1]))}, status ${await memberStatus()}`,
        );
      },
    );
    await booked("fraud");
    checkAbort();

    // ---------------------------------------------------------------- 14. claims
    const paid = await p.step(
      "claims",
      "the claim window ends; the booked claims are paid pro rata from the slashed member's own restitution pool, each " +
        "to the payout its user registered (the opening is in the user's record file)",
      async (note) => {
        const out = new Map<bigint, bigint>();
        const claimOf = (i: number) =>
          bookedClaim(conn.ethers.provider, d.addresses.adjudicator, cheater.address, nullifiers[i]);
        // The claims were booked to the users' payouts whoever proved them; nobody can be paid before the window ends.
        let closesAt = 0n;
        for (const [i, v] of victims.entries()) {
          const c = await claimOf(i);
          if (c === undefined) throw new Error(`no claim is booked under nullifier ${nullifiers[i]}`);
          if (c.closesAt > closesAt) closesAt = c.closesAt;
          const f = v.asset === ETH_ASSET ? eth : usdc;
          note(
            `claim of ${v.user.id}: booked ${f(c.terms.claim)}, ${c.status} until ${c.closesAt} (round ${c.terms.round})`,
          );
        }
        const now = await latest();
        if (closesAt > now) {
          await increaseTime(Number(closesAt - now) + 1);
          note(`the embedded chain's clock moves past the claim window (${Number(closesAt - now)} s)`);
        }
        for (const [i, v] of victims.entries()) {
          const c = (await claimOf(i))!;
          const f = v.asset === ETH_ASSET ? eth : usdc;
          const file = await readRecordFile(
            recordPath(cheater, published[1].get(cheater.index)!.dir, v.asset, v.user.id),
          );
          if (file.payout === null) throw new Error(`${v.user.id}'s record has no payout`);
          const token = c.token;
          const before =
            token === ZeroAddress
              ? await conn.ethers.provider.getBalance(file.payout.address)
              : ((await at(d.usdc, gov).getFunction("balanceOf")(file.payout.address)) as bigint);
          // Anyone may send the payment (here governance pays the gas): the money goes to the opening's address only.
          await send(
            at(d.adjudicator, gov).getFunction("payClaim")(
              cheater.address,
              nullifiers[i],
              c.terms,
              file.payout.address,
              BigInt(file.payout.salt),
            ),
          );
          const after =
            token === ZeroAddress
              ? await conn.ethers.provider.getBalance(file.payout.address)
              : ((await at(d.usdc, gov).getFunction("balanceOf")(file.payout.address)) as bigint);
          out.set(nullifiers[i], after - before);
          note(
            `claim of ${v.user.id}: booked ${f(c.terms.claim)}, paid ${f(after - before)} to its payout ` +
              `${file.payout.address} (the round's pro-rata share, after the insurance share)`,
          );
        }
        return out;
      },
    );
    await booked("claims");

    // ---------------------------------------------------------------- collect the facts
    const result = await collect({
      scenario,
      d,
      conn: { eip, aggregator: services.aggregator, nodes: services.nodes, serviceUrl: services.service.url },
      roundTimes,
      published,
      forwardedCount,
      request,
      reputationBefore,
      reputationAfter: await readReputation(),
      stakesBefore,
      nullifiers,
      paid,
      payouts: new Map(victims.map((v, i) => [nullifiers[i].toString(), v.payout] as const)),
      gas,
      chainId,
      bridge,
    });
    result.startedAt = startedAt.toISOString();
    result.totals.recordsForwarded = recordsForwarded;
    result.steps = p.timings.map((t) => ({
      ...t,
      gas: stepGas.get(t.id) ?? { step: t.id, gas: 0, txs: 0, byAction: [] },
    }));
    result.wallSeconds = Math.round(p.elapsedSeconds() * 10) / 10;
    result.reportDir = reportDir;
    return result;
  } catch (e) {
    if (!(e instanceof DemoAborted)) sink(`the components' logs of this run: ${join(reportDir, "logs")}`);
    throw e;
  } finally {
    const errors = await res.close();
    for (const e of errors) sink(`warning: cleanup: ${e}`);
  }
}

/** The project's ABIs (errors of every contract), for reverts explained in words. */
let projectErrors: Interface | undefined;

/** Awaits a transaction and its receipt; a revert throws with the custom error decoded (src/chain). */
async function send(tx: Promise<unknown>): Promise<void> {
  let hash = "";
  try {
    const t = (await tx) as { hash: string; wait(): Promise<{ status: number | null } | null> };
    hash = t.hash;
    const r = await t.wait();
    if (r?.status !== 1) throw new Error(`transaction ${hash} reverted`);
  } catch (e) {
    const why =
      projectErrors === undefined ? (e instanceof Error ? e.message : String(e)) : explainError(e, projectErrors);
    throw new Error(`transaction ${hash || "(not sent)"} failed: ${why}`, { cause: e });
  }
}

/** Rebuilds a tree from leaves bytes with one leaf removed (`replace` null) or replaced by (accountKey, balance). */
async function doctor(
  crypto: Crypto,
  bytes: Uint8Array,
  m: DemoMember,
  t: bigint,
  asset: number,
  slot: number,
  replace: { accountKey: bigint; balance: bigint } | null,
): Promise<{ bytes: Uint8Array; rootHash: bigint; rootSum: bigint; count: number }> {
  const { header, leaves } = decodeLeaves(bytes);
  const keep: number[] = [];
  let found = false;
  leaves.slots.forEach((s, i) => {
    if (s === slot) found = true;
    if (s !== slot || replace !== null) keep.push(i);
  });
  if (!found) throw new Error(`internal: slot ${slot} is not in the tree of asset ${asset}`);
  const slots = Uint32Array.from(keep.map((i) => leaves.slots[i]));
  const nodes = new Uint8Array(keep.length * NODE_BYTES);
  keep.forEach((i, j) => {
    if (leaves.slots[i] === slot && replace !== null) {
      writeLE32(
        nodes,
        j * NODE_BYTES,
        leafHash((x) => crypto.poseidon(x), replace.accountKey, replace.balance),
      );
      writeLE32(nodes, j * NODE_BYTES + 32, replace.balance);
    } else {
      nodes.set(leaves.nodes.subarray(i * NODE_BYTES, (i + 1) * NODE_BYTES), j * NODE_BYTES);
    }
  });
  const tree = await SumTree.build(crypto, { slots, nodes }, header.slotBits, header.depth);
  return {
    bytes: encodeLeaves(tree, { member: BigInt(m.address), asset, t }),
    rootHash: tree.root.h,
    rootSum: tree.root.s,
    count: slots.length,
  };
}

/** Ceremony progress as demo notes (one line per step; snarkjs sub-steps every 20 s at most). */
function ceremonyProgress(note: (s: string) => void): CeremonyProgress {
  let current = "";
  let started = 0;
  let last = 0;
  const sub = (msg: string) => {
    const now = performance.now();
    if (now - last > 20_000) {
      last = now;
      note(`ceremony: ${current}: ${msg} (${((now - started) / 1000).toFixed(0)} s)`);
    }
  };
  return {
    step(name) {
      current = name;
      started = performance.now();
      note(`ceremony: ${name} ...`);
    },
    done(extra) {
      note(
        `ceremony: ${current} done in ${((performance.now() - started) / 1000).toFixed(1)} s${extra ? ` (${extra})` : ""}`,
      );
    },
    logger: {
      debug: sub,
      info: sub,
      warn: (m) => note(`ceremony warning: ${m}`),
      error: (m) => note(`ceremony error: ${m}`),
    },
  };
}

interface CollectInput {
  scenario: Scenario;
  d: Deployment;
  conn: { eip: Eip1193; aggregator: Aggregator; nodes: OperatorNode[]; serviceUrl: string };
  roundTimes: bigint[];
  published: Array<Map<number, Published>>;
  forwardedCount: Array<Map<number, number>>;
  request: { requestId: bigint; member: DemoMember; t: bigint; status: string };
  reputationBefore: ReputationView[];
  reputationAfter: ReputationView[];
  stakesBefore: bigint[];
  nullifiers: bigint[];
  paid: Map<bigint, bigint>;
  /** The payout address of each proven record (by nullifier, decimal). */
  payouts: Map<string, string>;
  gas: GasBook;
  chainId: bigint;
  bridge: RpcBridge;
}

/** Reads the chain, the aggregator and the verifier service into the result. */
async function collect(x: CollectInput): Promise<DemoResult> {
  const { scenario, d } = x;
  const nameOf = new Map(scenario.members.map((m) => [m.address, m.name] as const));
  const symbol = (a: number) => (a === ETH_ASSET ? "ETH" : "USDC");
  const signersOf = (subject: string) =>
    x.conn.aggregator.db.attestations(subject).map((a) => nameOf.get(getAddress(a.signer)) ?? a.signer);
  const attested = await d.ledger.queryFilter(d.ledger.filters.QuorumAttested(), 0, "latest");
  const quorumBySubject = new Map<string, { verdict: string; tx: string }>();
  for (const e of attested) {
    if ("args" in e)
      quorumBySubject.set(String(e.args[0]).toLowerCase(), {
        verdict: verdictName(e.args[3] as bigint),
        tx: e.transactionHash,
      });
  }

  const rounds: RoundResult[] = [];
  for (const round of [0, 1] as const) {
    const t = x.roundTimes[round];
    const sets: SetResult[] = [];
    for (const m of scenario.members) {
      const pub = x.published[round].get(m.index)!;
      const set = (await d.ledger.getFunction("setOf")(m.address, t)) as { status: bigint };
      const subject = setSubject(m.address, t).toLowerCase();
      const q = quorumBySubject.get(subject);
      const assets: AssetResult[] = pub.commitments.map((c) => ({
        asset: c.asset,
        symbol: symbol(c.asset),
        accounts: pub.summary.assets.find((a) => a.id === c.asset)!.accounts,
        leaves: pub.leaves.get(c.asset)!,
        rootHash: `0x${c.rootHash.toString(16).padStart(64, "0")}`,
        rootSum: c.rootSum.toString(),
        trueTotal: pub.trueTotals.get(c.asset)!.toString(),
        reserves: c.reserves.toString(),
        blobDigest: c.blobDigest,
      }));
      sets.push({
        member: m.address,
        name: m.name,
        t: t.toString(),
        assets,
        status: setStatusName(set.status),
        verdict: q?.verdict ?? null,
        signers: signersOf(subject),
        quorumTx: q?.tx ?? null,
        forwarded: x.forwardedCount[round].get(m.index) ?? 0,
      });
    }
    rounds.push({ round: round + 1, t: t.toString(), sets });
  }

  const reqSubject = requestSubject(x.request.member.address, x.request.t, x.request.requestId).toLowerCase();
  const request = {
    requestId: x.request.requestId.toString(),
    member: x.request.member.address,
    name: x.request.member.name,
    t: x.request.t.toString(),
    status: x.request.status,
    verdict: quorumBySubject.get(reqSubject)?.verdict ?? null,
    signers: signersOf(reqSubject),
  };

  const frauds: FraudResult[] = [];
  const proven = await d.adjudicator.queryFilter(d.adjudicator.filters.FraudProven(), 0, "latest");
  const kinds = new Map<string, string>([
    [x.nullifiers[0].toString(), "missing user (omitted)"],
    [x.nullifiers[1].toString(), "under-reported balance"],
  ]);
  for (const e of proven) {
    if (!("args" in e)) continue;
    // FraudProven(member, nullifier, asset, t, claim, payoutHash, round, prover, weightSlashed): the claim's booking.
    const nullifier = (e.args[1] as bigint).toString();
    const asset = Number(e.args[2]);
    const receipt = await e.getTransactionReceipt();
    const prover = getAddress(String(e.args[7]));
    frauds.push({
      kind: kinds.get(nullifier) ?? "fraud",
      member: getAddress(String(e.args[0])),
      asset,
      symbol: symbol(asset),
      nullifier,
      claim: (e.args[4] as bigint).toString(),
      recipient: x.payouts.get(nullifier) ?? `payout hash ${(e.args[5] as bigint).toString(16).slice(0, 10)}…`,
      prover,
      proverName: nameOf.get(prover) ?? prover,
      weightSlashed: (e.args[8] as bigint).toString(),
      gasUsed: Number(receipt.gasUsed),
      txHash: e.transactionHash,
      paid: (x.paid.get(BigInt(nullifier)) ?? 0n).toString(),
    });
  }

  // Bounties: the vault's CollateralSlashed events name the bounty recipient.
  const slashed = await d.vault.queryFilter(d.vault.filters.CollateralSlashed(), 0, "latest");
  const bounties = new Map<string, { eth: bigint; usdc: bigint }>();
  for (const e of slashed) {
    if (!("args" in e)) continue;
    const to = getAddress(String(e.args[6]));
    const b = bounties.get(to) ?? { eth: 0n, usdc: 0n };
    if (getAddress(String(e.args[1])) === ZeroAddress) b.eth += e.args[4] as bigint;
    else b.usdc += e.args[4] as bigint;
    bounties.set(to, b);
  }

  const members: MemberResult[] = [];
  for (const [i, m] of scenario.members.entries()) {
    const b = bounties.get(m.address) ?? { eth: 0n, usdc: 0n };
    members.push({
      name: m.name,
      address: m.address,
      cheater: m.cheater,
      users: m.users.length,
      collateral: { eth: m.collateral.eth.toString(), usdc: m.collateral.usdc.toString() },
      stakeBefore: x.stakesBefore[i].toString(),
      stakeAfter: ((await d.vault.getFunction("stakeOf")(m.address)) as bigint).toString(),
      statusAfter: memberStatusName((await d.registry.getFunction("statusOf")(m.address)) as bigint),
      reserves: { eth: m.reserves.eth.toString(), usdc: m.reserves.usdc.toString() },
      reputationBefore: x.reputationBefore[i],
      reputationAfter: x.reputationAfter[i],
      bounties: { eth: b.eth.toString(), usdc: b.usdc.toString() },
    });
  }

  const coverage: CoverageResult[] = [];
  const snaps = (await (await fetch(`${x.conn.serviceUrl}/snapshots`)).json()) as {
    snapshots: Array<{
      member: string;
      asset: number;
      t: number;
      records: number;
      population: { n: number; source: string } | null;
      coverage: { pOne: number | null; pOnePercent: number | null };
    }>;
  };
  for (const s of snaps.snapshots) {
    coverage.push({
      member: getAddress(s.member),
      name: nameOf.get(getAddress(s.member)) ?? s.member,
      asset: s.asset,
      t: String(s.t),
      records: s.records,
      population: s.population?.n ?? null,
      pOne: s.coverage.pOne,
      pOnePercent: s.coverage.pOnePercent,
    });
  }

  const cheater = scenario.members[scenario.cheat.member];
  const pub2 = x.published[1].get(cheater.index)!;
  const claimedEth = pub2.commitments.find((c) => c.asset === ETH_ASSET)!;
  const claimedUsdc = pub2.commitments.find((c) => c.asset === USDC_ASSET)!;
  const short = (trueTotal: bigint, reserves: bigint) => (trueTotal > reserves ? trueTotal - reserves : 0n);
  const true2 = liabilities(cheater, 1);
  const head = Number(await x.conn.eip.request({ method: "eth_blockNumber", params: [] }));
  const totalGas = x.gas.entries.reduce((a, e) => a + e.gasUsed, 0);
  return {
    format: "por.demo-report",
    version: 1,
    startedAt: "",
    wallSeconds: 0,
    options: { users: scenario.options.users, members: scenario.options.members, seed: scenario.options.seed },
    chain: { chainId: x.chainId.toString(), blocks: head + 1, rpcCalls: x.bridge.calls() },
    contracts: d.addresses,
    params: {
      quorumWeight: (
        (await d.ledger.getFunction("quorumParams")()) as { quorumWeight: bigint }
      ).quorumWeight.toString(),
      minSigners: Number(((await d.ledger.getFunction("quorumParams")()) as { minSigners: bigint }).minSigners),
      minCollateral: DEMO_PARAMS.minCollateral.toString(),
      fraudBps: Number(DEMO_PARAMS.fraudBps),
      bountyShareBps: Number(DEMO_PARAMS.bountyShareBps),
      snapshotInterval: Number(DEMO_PARAMS.snapshotInterval),
      responseWindow: Number(DEMO_PARAMS.responseWindow),
    },
    members,
    rounds,
    request,
    frauds,
    cheat: {
      member: cheater.address,
      name: cheater.name,
      omitted: {
        user: cheater.users[scenario.cheat.omitted.user].id,
        balance: scenario.cheat.omitted.balance.toString(),
        payout: scenario.cheat.omitted.payout,
      },
      underReported: {
        user: cheater.users[scenario.cheat.underReported.user].id,
        balance: scenario.cheat.underReported.balance.toString(),
        reported: scenario.cheat.underReported.reported.toString(),
        payout: scenario.cheat.underReported.payout,
      },
      hiddenShortfall: {
        eth: short(true2.eth, claimedEth.reserves).toString(),
        usdc: short(true2.usdc, claimedUsdc.reserves).toString(),
      },
    },
    coverage,
    steps: [],
    totals: { gas: totalGas, txs: x.gas.entries.length, recordsForwarded: 0, proofs: frauds.length },
  };
}
