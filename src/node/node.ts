// The operator node: follows the CommitmentLedger (poll-based, a confirmation depth, a persisted cursor), verifies
// each commitment set and answered request, runs the watchtower, signs the EIP-712 attestation and sends it to the
// aggregator; serves a health endpoint; shuts down gracefully; resumes from its database after a crash.
import type { Server } from "node:http";

import { Contract, getAddress, type Provider, type Signer } from "ethers";

import { classifyError, errorMessage } from "../chain/rpc.js";
import { Verdict, ledgerDomain, requestSubject, setSubject, signAttestation } from "../consortium/attestation.js";
import type { Crypto } from "../crypto/index.js";
import type { ProverArtifacts } from "../prover/index.js";
import {
  COMMITMENT_LEDGER_ABI as LEDGER_ABI,
  RequestStatus as REQUEST_STATUS,
  SetStatus as SET_STATUS,
} from "../generated/abi.js";
import type { BlobSource } from "./blobs.js";
import { checkChainId, checkNodeContracts } from "./preflight.js";
import { boundPort, closeServer, serveHealth } from "./health.js";
import { servePaths, type PathLimits } from "./path-server.js";
import { NodeDb, type Job } from "./db.js";
import type { Logger } from "../log/index.js";
import type { HeldRecords } from "./records.js";
import { chainIdWhenUp, sleep, withRetry } from "../chain/retry.js";
import { BlobUnavailable, checkHeldTree, verifySubject, type NodeAddresses, type VerifyDeps } from "./verify.js";
import type { Contradiction } from "./verify.js";
import { proveAndSubmitFraud } from "./watchtower.js";
import { InterimWatcher, type InterimOptions } from "./interims.js";
import type { EncryptionKeyPair } from "../private/blob.js";
import { TransferWatcher, TransferWatcherDb, type NodeTransfersOptions } from "./transfers.js";
import { Reputation__factory, Transfers__factory } from "../../types/ethers-contracts/index.js";

/** Configuration of an operator node. */
export interface OperatorNodeOptions {
  provider: Provider;
  /** The operator key (an ethers Wallet connected to `provider`). */
  wallet: Signer;
  addresses: NodeAddresses;
  crypto: Crypto;
  blobs: BlobSource;
  held?: HeldRecords;
  /** Path of the node's SQLite database. */
  dbPath: string;
  /** Aggregator base URL (`http://host:port`); attestations are POSTed to `<url>/attestations`. */
  aggregatorUrl: string;
  /** Blocks a log must be buried under before the node acts on it (default 2). */
  confirmations?: number;
  /** Poll interval in ms (default 2000). */
  pollMs?: number;
  /** First block to scan when the database has no cursor (default 0). */
  startBlock?: number;
  /** Largest block range per getLogs call (default 2000). */
  maxRange?: number;
  /** Fraud-proof tree depth (default 32). */
  depth?: number;
  /** Attempts at fetching a blob before it counts as unavailable (a failed check). Default 10. */
  blobAttempts?: number;
  /** How often held records forwarded after their subject was verified are checked, in ms (default 30000). */
  sweepMs?: number;
  /** Health endpoint port (0: any free port; undefined: no endpoint). */
  healthPort?: number;
  /**
   * Port of the private-set path endpoint (`POST /path`, src/node/path-server.ts; 0: any free port; undefined: none).
   * Only useful with an encryption key: the node answers for the private sets it is a recipient of.
   */
  pathPort?: number;
  /** Address the path endpoint binds (default 127.0.0.1; put it behind a reverse proxy or bind 0.0.0.0). */
  pathHost?: string;
  /** The path endpoint is behind a reverse proxy that appends X-Forwarded-For (rate limit by that hop). */
  pathTrustProxy?: boolean;
  /** Limits of the path endpoint (rate per client, body size, deadline). */
  pathLimits?: Partial<PathLimits>;
  /** The chain id the node must find at its RPC endpoint (undefined: any). */
  chainId?: bigint;
  /**
   * Health turns "degraded" when the last successful poll is older than this, ms (default: 5 poll intervals, at
   * least 30 s).
   */
  staleAfterMs?: number;
  /** Health turns "degraded" when the cursor is more blocks than this behind the confirmed head (default 64). */
  maxLagBlocks?: number;
  /** Longest wait in `stop()` for the current step to finish, ms (default 3000); the database is closed after it. */
  stopGraceMs?: number;
  /** Check at start that every address holds the expected contract (default true). */
  checkContracts?: boolean;
  circuit?: string;
  artifacts?: ProverArtifacts;
  /** The IA duty (docs/guides/operator.md "Interim attestations"): absent, the node judges no IAs. */
  interims?: InterimOptions;
  /** The transfer duty (docs/guides/operator.md "Transfers"): absent, the node watches no notices. */
  transfers?: NodeTransfersOptions;
  /** The operator's X25519 key pair (POR_ENCRYPTION_KEY): absent, the node verifies no private set (signs none). */
  encryptionKey?: EncryptionKeyPair;
  /** The operator's earlier X25519 key pairs (POR_PREVIOUS_ENCRYPTION_KEYS), kept after a rotation. */
  previousEncryptionKeys?: readonly EncryptionKeyPair[];
  log: Logger;
  /** Test hook: called after each job step ("verified", "signed", "sent"). */
  onStep?: (step: string, job: Job) => void | Promise<void>;
}

/**
 * Health snapshot (docs/guides/operator.md "Health"). "starting" until the RPC endpoint answered and the deployment was
 * checked; "degraded" with `problems` in words when the last poll is stale, the last step failed, or the node is
 * waiting for its RPC endpoint.
 */
export interface NodeHealth {
  status: "starting" | "ok" | "degraded" | "stopping";
  /** Why the status is not "ok", in words (empty when ok). */
  problems: string[];
  operator: string;
  chainId: string | null;
  cursor: number | null;
  /** The chain head at the last successful poll. */
  head: number | null;
  /** Blocks between the head and the cursor (the confirmation depth when caught up). */
  lag: number | null;
  /** Time of the last successful poll (ISO 8601), and its age in seconds. */
  lastPollAt: string | null;
  lastPollAgeSeconds: number | null;
  jobs: Record<string, number>;
  /** Jobs waiting to be retried after a failure (evidence not available yet: a blob, an RPC answer). */
  postponed: number;
  /** Blob fetches that found no (intact) blob since start, and the last one's reason. */
  blobFailures: number;
  lastBlobError: string | null;
  frauds: number;
  /** The IA duty's rows by state and the node's verdicts (null: no IA duty). */
  interims: ReturnType<NodeDb["interimCounts"]> | null;
  /** The transfer watcher's notices by decision and outcome, and its last failure (null: no transfer duty). */
  transfers: (ReturnType<TransferWatcherDb["counts"]> & { lastError: string | null }) | null;
  lastError: string | null;
  lastErrorAt: string | null;
}

const msg = errorMessage;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The operator node. `start()` runs it until `stop()`. */
export class OperatorNode {
  readonly db: NodeDb;
  private readonly ledger: Contract;
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  private server: Server | undefined;
  private pathServer: Server | undefined;
  private chainId = 0n;
  private operator = "";
  private head: number | null = null;
  private lastError: string | null = null;
  private lastErrorAt: number | null = null;
  private lastPollAt: number | null = null;
  private startedAt = Date.now();
  private ready = false;
  private waitingSince: number | null = null;
  private blobFailures = 0;
  private lastBlobError: string | null = null;
  private readonly confirmations: number;
  private closed = false;
  private interims: InterimWatcher | undefined;
  private transfers:
    { watcher: TransferWatcher; db: TransferWatcherDb; log: Logger; lastError: string | null } | undefined;

  constructor(private readonly o: OperatorNodeOptions) {
    this.db = new NodeDb(o.dbPath);
    this.ledger = new Contract(o.addresses.ledger, LEDGER_ABI, o.provider);
    this.confirmations = o.confirmations ?? 2;
  }

  /** The path endpoint's port, once started. */
  get pathPort(): number | undefined {
    return boundPort(this.pathServer);
  }

  /** The health endpoint's port, once started. */
  get healthPort(): number | undefined {
    return boundPort(this.server);
  }

  private get staleAfterMs(): number {
    return this.o.staleAfterMs ?? Math.max(30_000, 5 * (this.o.pollMs ?? 2_000));
  }

  /** Current health. */
  health(): NodeHealth {
    const now = Date.now();
    const open = !this.closed;
    const cursor = open ? (this.db.cursor()?.block ?? null) : null;
    const problems: string[] = [];
    if (this.waitingSince !== null) {
      problems.push(`waiting for the RPC endpoint since ${iso(this.waitingSince)}`);
    }
    const pollAge = this.lastPollAt === null ? null : now - this.lastPollAt;
    if (this.ready && (pollAge ?? now - this.startedAt) > this.staleAfterMs) {
      problems.push(
        this.lastPollAt === null
          ? `no successful poll in ${Math.round((now - this.startedAt) / 1000)} s`
          : `last successful poll ${Math.round((pollAge as number) / 1000)} s ago (stale after ${this.staleAfterMs / 1000} s)`,
      );
    }
    const lag = this.head !== null && cursor !== null ? this.head - this.confirmations - cursor : null;
    const maxLag = this.o.maxLagBlocks ?? 64;
    if (lag !== null && lag > maxLag) {
      problems.push(`the cursor is ${lag} blocks behind the confirmed head (more than ${maxLag})`);
    }
    if (this.lastError !== null) problems.push(`last step failed: ${this.lastError}`);
    const status: NodeHealth["status"] =
      this.abort.signal.aborted || this.closed
        ? "stopping"
        : !this.ready && this.waitingSince === null
          ? "starting"
          : problems.length > 0
            ? "degraded"
            : this.ready
              ? "ok"
              : "starting";
    return {
      status,
      problems,
      operator: this.operator,
      chainId: this.ready ? this.chainId.toString() : null,
      cursor,
      head: this.head,
      lag: this.head !== null && cursor !== null ? this.head - cursor : null,
      lastPollAt: iso(this.lastPollAt),
      lastPollAgeSeconds: pollAge === null ? null : Math.round(pollAge / 1000),
      jobs: open ? this.db.jobCounts() : {},
      postponed: open ? this.db.postponedCount() : 0,
      blobFailures: this.blobFailures,
      lastBlobError: this.lastBlobError,
      frauds: open ? this.db.frauds().length : 0,
      interims: this.o.interims === undefined || !open ? null : this.db.interimCounts(),
      transfers:
        this.transfers === undefined || !open
          ? null
          : { ...this.transfers.db.counts(), lastError: this.transfers.lastError },
      lastError: this.lastError,
      lastErrorAt: iso(this.lastErrorAt),
    };
  }

  /**
   * Once: waits for the RPC endpoint (retrying until stopped: a node started before its endpoint waits for it),
   * checks the chain id and the deployment (a {@link ConfigError} naming the setting), reads the operator address.
   */
  private async init(): Promise<void> {
    if (this.ready) return;
    const { provider, log } = this.o;
    const signal = this.abort.signal;
    const chainId = await chainIdWhenUp(provider, { signal, log, waiting: (since) => (this.waitingSince = since) });
    checkChainId(this.o.chainId, chainId);
    if (this.o.checkContracts !== false) {
      await checkNodeContracts(provider, this.o.addresses, { signal, chainId });
    }
    this.chainId = chainId;
    this.operator = getAddress(await this.o.wallet.getAddress());
    if (this.o.interims !== undefined) {
      this.interims = new InterimWatcher(this.o.interims, {
        provider,
        wallet: this.o.wallet,
        registry: this.o.addresses.registry,
        reserveRegistry: this.o.addresses.reserveRegistry,
        db: this.db,
        chainId,
        operator: this.operator,
        aggregatorUrl: this.o.aggregatorUrl,
        confirmations: this.confirmations,
        maxRange: this.o.maxRange ?? 2_000,
        startBlock: this.o.startBlock ?? 0,
        log: log.child({ duty: "interim" }),
        signal,
      });
    }
    const t = this.o.transfers;
    if (t !== undefined && this.transfers === undefined) {
      const db = new TransferWatcherDb(t.dbPath);
      const tlog = log.child({ duty: "transfers" });
      const watcher = new TransferWatcher({
        transfers: Transfers__factory.connect(t.transfers, this.o.wallet),
        reputation: Reputation__factory.connect(t.reputation, provider),
        recipient: this.operator,
        policy: t.policy,
        db,
        payloads: t.payloads,
        startBlock: t.startBlock ?? this.o.startBlock ?? 0,
        onCredit: (c) =>
          tlog.info("transfer notice decided", {
            noticeId: c.noticeId,
            sender: c.record.notice.sender,
            asset: c.record.notice.asset,
            amount: c.record.notice.amount,
            decision: c.decision,
            reason: c.reason,
          }),
      });
      this.transfers = { watcher, db, log: tlog, lastError: null };
    }
    this.ready = true;
  }

  /**
   * One step of the transfer duty: new notices decided, open ones followed, defaults reported. A failure (an RPC
   * error) is logged and shown in health; the watcher's database keeps every decision, so the next step resumes.
   */
  private async watchTransfers(): Promise<void> {
    const t = this.transfers;
    if (t === undefined || this.abort.signal.aborted) return;
    const { log } = t;
    try {
      const step = await t.watcher.poll();
      for (const id of step.settled) log.info("transfer notice settled", { noticeId: id });
      for (const d of step.defaulted) log.info("transfer default reported", { noticeId: d.noticeId, tx: d.tx });
      for (const p of step.paid) log.info("transfer default payout collected", { noticeId: p.noticeId, tx: p.tx });
      for (const e of step.errors) log.warn("transfer step failed", { reason: e });
      t.lastError = step.errors.at(-1) ?? null;
    } catch (e) {
      t.lastError = msg(e);
      log.warn("transfer watcher poll failed: retried on the next step", { reason: t.lastError });
    }
  }

  /** Starts following the chain (and the health endpoint). */
  async start(): Promise<void> {
    if (this.o.healthPort !== undefined) {
      this.server = await serveHealth({
        port: this.o.healthPort,
        setting: "healthPort",
        read: () => this.health(),
        log: this.o.log,
      });
    }
    try {
      await this.init();
      if (this.o.pathPort !== undefined) {
        const log = this.o.log.child({ endpoint: "path" });
        this.pathServer = await servePaths({
          port: this.o.pathPort,
          host: this.o.pathHost,
          deps: () => (this.ready ? this.verifyDeps(log) : undefined),
          limits: this.o.pathLimits,
          trustProxy: this.o.pathTrustProxy,
          log,
        });
      }
    } catch (e) {
      await closeServer(this.server);
      throw e;
    }
    this.o.log.info("operator node starting", {
      operator: this.operator,
      chainId: this.chainId,
      ledger: this.o.addresses.ledger,
      cursor: this.db.cursor()?.block ?? null,
      confirmations: this.confirmations,
      privateSets: this.o.encryptionKey === undefined ? "not verified (no POR_ENCRYPTION_KEY)" : "verified",
      pathEndpoint:
        this.pathServer === undefined
          ? "off (no pathPort)"
          : this.o.encryptionKey === undefined
            ? `port ${this.pathPort}: refuses every private set (no POR_ENCRYPTION_KEY)`
            : `port ${this.pathPort}`,
    });
    this.loop = this.run();
  }

  /**
   * Stops: aborts every wait, lets the current step finish for at most `stopGraceMs` (every state change is one
   * database transaction, so cutting a step short loses nothing), closes the health endpoint and the database.
   */
  async stop(): Promise<void> {
    this.abort.abort();
    const grace = this.o.stopGraceMs ?? 3_000;
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      (this.loop ?? Promise.resolve()).then(
        () => true,
        () => true,
      ),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), grace))),
    ]);
    clearTimeout(timer);
    if (!finished) this.o.log.warn("stopping without waiting longer for the current step", { graceMs: grace });
    await closeServer(this.pathServer);
    await closeServer(this.server);
    this.closed = true;
    this.db.close();
    this.transfers?.db.closeDb();
    this.o.log.info("operator node stopped");
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    let lastSweep = 0;
    while (!signal.aborted) {
      try {
        await this.pollOnce();
        this.lastPollAt = Date.now();
        await this.processDue();
        if (Date.now() - lastSweep >= (this.o.sweepMs ?? 30_000)) {
          // The sweep handles each tree on its own; it moves on even when some could not be checked.
          lastSweep = Date.now();
          await this.sweepHeldRecords();
        }
        this.lastError = null;
        this.lastErrorAt = null;
      } catch (e) {
        if (signal.aborted) break;
        this.lastError = msg(e);
        this.lastErrorAt = Date.now();
        this.o.log.error("node step failed", { error: this.lastError, class: classifyError(e) });
      }
      try {
        await sleep(this.o.pollMs ?? 2_000, signal);
      } catch {
        break;
      }
    }
  }

  /** Scans confirmed blocks after the cursor for ledger events and stores a job per subject (one transaction). */
  async pollOnce(): Promise<number> {
    await this.init();
    const { provider, log } = this.o;
    const signal = this.abort.signal;
    const latest = await withRetry(() => provider.getBlockNumber(), { log, what: "blockNumber", signal });
    this.head = latest;
    const safe = latest - this.confirmations;
    let cursor = this.db.cursor();
    if (cursor !== undefined) {
      // A reorg deeper than the confirmation depth replaced the cursor block: rescan from before it (idempotent).
      const b = await withRetry(() => provider.getBlock(cursor!.block), { log, what: "cursor block", signal });
      if (b === null || b.hash !== cursor.hash) {
        const back = Math.max(-1, cursor.block - Math.max(this.confirmations, 1) * 4);
        log.warn("cursor block is no longer canonical: rescanning", { cursor: cursor.block, rescanFrom: back + 1 });
        cursor = back < 0 ? undefined : { block: back, hash: "" };
        if (cursor !== undefined) {
          const nb = await provider.getBlock(cursor.block);
          cursor = nb?.hash ? { block: nb.number, hash: nb.hash } : undefined;
        }
      }
    }
    let from = cursor === undefined ? (this.o.startBlock ?? 0) : cursor.block + 1;
    let added = 0;
    while (from <= safe && !signal.aborted) {
      const to = Math.min(safe, from + (this.o.maxRange ?? 2_000) - 1);
      const [sets, answered, attested] = await withRetry(
        () =>
          Promise.all([
            this.ledger.queryFilter(this.ledger.filters.SetCommitted(), from, to),
            this.ledger.queryFilter(this.ledger.filters.RequestAnswered(), from, to),
            this.ledger.queryFilter(this.ledger.filters.QuorumAttested(), from, to),
          ]),
        { log, what: `logs ${from}-${to}`, signal },
      );
      const toBlock = await withRetry(() => provider.getBlock(to), { log, what: "range end block", signal });
      if (toBlock?.hash == null) throw new Error(`block ${to} is not available`);
      const jobs: Array<Parameters<NodeDb["addJob"]>[0]> = [];
      for (const e of sets) {
        if (!("args" in e)) continue;
        const member = getAddress(e.args[0] as string);
        const t = e.args[1] as bigint;
        jobs.push({ subject: setSubject(member, t), kind: "set", member, t, requestId: 0n, block: e.blockNumber });
      }
      for (const e of answered) {
        if (!("args" in e)) continue;
        const requestId = e.args[0] as bigint;
        const member = getAddress(e.args[1] as string);
        const t = e.args[2] as bigint;
        jobs.push({
          subject: requestSubject(member, t, requestId),
          kind: "request",
          member,
          t,
          requestId,
          block: e.blockNumber,
        });
      }
      this.db.tx(() => {
        for (const j of jobs) {
          if (j.member === this.operator) continue; // never attest to one's own commitments
          if (this.db.addJob(j)) added++;
        }
        this.db.setCursor(to, toBlock.hash as string);
      });
      for (const j of jobs)
        log.info("job queued", { subject: j.subject, kind: j.kind, member: j.member, t: j.t, block: j.block });
      if (attested.length > 0) log.info("quorum attestations seen", { count: attested.length, from, to });
      from = to + 1;
    }
    if (this.interims !== undefined) added += await this.interims.poll(latest);
    return added;
  }

  /** Processes every due job (and IA) once. */
  async processDue(): Promise<void> {
    await this.init();
    await this.interims?.processDue();
    await this.watchTransfers();
    const now = Math.floor(Date.now() / 1000);
    for (const job of this.db.dueJobs(now)) {
      if (this.abort.signal.aborted) return;
      try {
        await this.processJob(job);
      } catch (e) {
        if (this.abort.signal.aborted) return;
        const reason = msg(e);
        if (e instanceof BlobUnavailable) {
          this.blobFailures++;
          this.lastBlobError = reason;
        }
        const delay = Math.min(300, 2 ** Math.min(job.attempts, 8));
        this.db.postpone(job.subject, delay, reason);
        this.o.log.warn("job postponed", {
          subject: job.subject,
          attempts: job.attempts + 1,
          delaySeconds: delay,
          reason,
          class: e instanceof BlobUnavailable ? "blob-unavailable" : classifyError(e),
        });
      }
    }
  }

  private verifyDeps(log: Logger): VerifyDeps {
    return {
      provider: this.o.provider,
      chainId: this.chainId,
      addresses: this.o.addresses,
      crypto: this.o.crypto,
      blobs: this.o.blobs,
      held: this.o.held,
      depth: this.o.depth ?? 32,
      log,
      privateKeys:
        this.o.encryptionKey === undefined
          ? undefined
          : {
              operator: this.operator,
              encryptionKey: this.o.encryptionKey,
              previousKeys: this.o.previousEncryptionKeys,
            },
    };
  }

  private async watch(log: Logger, c: Contradiction): Promise<void> {
    const outcomes = await proveAndSubmitFraud(
      {
        db: this.db,
        provider: this.o.provider,
        signer: this.o.wallet,
        adjudicator: this.o.addresses.adjudicator,
        registry: this.o.addresses.registry,
        poseidon: (xs) => this.o.crypto.poseidon(xs),
        log,
        circuit: this.o.circuit,
        artifacts: this.o.artifacts,
      },
      c.tree,
      c.rootHash,
      c.records,
      c.set,
    );
    if ([...outcomes.values()].includes("failed")) throw new Error("a fraud-proof submission failed; will retry");
    await this.o.held?.markChecked(
      c.records.map((r) => r.nullifier),
      "mismatch",
      Math.floor(Date.now() / 1000),
    );
  }

  /**
   * The watchtower's sweep: records forwarded after their subject was verified (or of trees no job covered) are
   * checked against the committed tree, and every contradicted one is proven. Trees whose subject is still pending
   * in this node are left to the job. Returns how many records were checked.
   */
  async sweepHeldRecords(): Promise<number> {
    await this.init();
    if (this.o.held === undefined) return 0;
    let checked = 0;
    for (const tree of await this.o.held.uncheckedTrees()) {
      if (this.abort.signal.aborted) break;
      const member = getAddress(tree.member);
      const job = this.db.job(setSubject(member, tree.t));
      if (job !== undefined && job.status === "pending") continue;
      const log = this.o.log.child({ sweep: true, member, asset: tree.asset, t: tree.t });
      // One tree's failure (an RPC error, a failed proof submission) is logged with its reason and never stops the
      // others; the tree is checked again at the next sweep.
      try {
        const r = await checkHeldTree(this.verifyDeps(log), member, tree.asset, tree.t);
        if (r === undefined) {
          log.debug("held records not checkable yet (no committed set, or no blob)");
          continue;
        }
        await this.o.held.markChecked(
          r.honoured.map((x) => x.nullifier),
          "ok",
          Math.floor(Date.now() / 1000),
        );
        checked += r.honoured.length;
        if (r.contradiction !== undefined) {
          log.warn("held record contradicted by the committed tree", { records: r.contradiction.records.length });
          await this.watch(log, r.contradiction);
          checked += r.contradiction.records.length;
        }
      } catch (e) {
        if (this.abort.signal.aborted) break;
        log.warn("held records of this tree not checked; will retry at the next sweep", {
          error: msg(e),
          class: classifyError(e),
        });
      }
    }
    return checked;
  }

  private async isOpen(job: Job): Promise<boolean> {
    if (job.kind === "set") {
      const s = (await withRetry(() => this.ledger.getFunction("setOf")(job.member, job.t), { log: this.o.log })) as {
        status: bigint;
      };
      return Number(s.status) === SET_STATUS.Pending;
    }
    const r = (await withRetry(() => this.ledger.getFunction("requestOf")(job.requestId), { log: this.o.log })) as {
      status: bigint;
    };
    return Number(r.status) === REQUEST_STATUS.Answered;
  }

  private async processJob(job: Job): Promise<void> {
    const log = this.o.log.child({ subject: job.subject, kind: job.kind, member: job.member, t: job.t });
    if (job.status === "pending") {
      let v;
      try {
        v = await verifySubject(
          this.verifyDeps(log),
          { kind: job.kind, member: job.member, t: job.t, requestId: job.requestId },
          { blobUnavailableIsFailure: job.attempts + 1 >= (this.o.blobAttempts ?? 10) },
        );
      } catch (e) {
        if (e instanceof BlobUnavailable) log.warn("blob not available yet", { error: e.message });
        throw e;
      }
      for (const c of v.checks) {
        if (c.ok) log.debug("check passed", { asset: c.asset, check: c.name });
        else log.warn("check failed", { asset: c.asset, check: c.name, reason: c.reason });
      }
      // Watchtower first: a contradicted record is proven and submitted before anything is signed.
      const at = Math.floor(Date.now() / 1000);
      for (const c of v.contradictions) await this.watch(log, c);
      await this.o.held?.markChecked(
        v.honoured.map((r) => r.nullifier),
        "ok",
        at,
      );
      await this.o.onStep?.("verified", job);
      if (!(await this.isOpen(job))) {
        log.info("subject already closed on-chain: nothing to sign", { verdict: Verdict[v.verdict] });
        this.db.markSigned(job.subject, {
          verdict: v.verdict,
          rootsDigest: v.rootsDigest,
          blobDigest: v.blobDigest,
          signature: "",
          reasons: v.reasons,
        });
        this.db.markSent(job.subject);
        return;
      }
      const attestation = {
        subject: job.subject,
        verdict: v.verdict,
        rootsDigest: v.rootsDigest,
        blobDigest: v.blobDigest,
      };
      const signed = await signAttestation(
        this.o.wallet,
        ledgerDomain(this.chainId, this.o.addresses.ledger),
        attestation,
      );
      this.db.markSigned(job.subject, { ...attestation, signature: signed.signature, reasons: v.reasons });
      log.info("attestation signed", { verdict: Verdict[v.verdict], reasons: v.reasons });
      job = this.db.job(job.subject) as Job;
      await this.o.onStep?.("signed", job);
    }
    if (job.status === "signed") {
      if (job.signature === "" || job.signature === null) {
        this.db.markSent(job.subject);
        return;
      }
      await this.send(job);
      this.db.markSent(job.subject);
      log.info("attestation sent to the aggregator");
      await this.o.onStep?.("sent", this.db.job(job.subject) as Job);
    }
  }

  /** POSTs a signed attestation; accepted and duplicate answers both count as delivered. */
  private async send(job: Job): Promise<void> {
    const body = JSON.stringify({
      format: "por.attestation-submission",
      version: 1,
      kind: job.kind,
      member: job.member,
      t: job.t.toString(),
      ...(job.kind === "request" ? { requestId: job.requestId.toString() } : {}),
      verdict: job.verdict === Verdict.Solvent ? "solvent" : "insolvent",
      rootsDigest: job.rootsDigest,
      blobDigest: job.blobDigest,
      signer: this.operator,
      signature: job.signature,
    });
    const res = await withRetry(
      async () => {
        const r = await fetch(`${this.o.aggregatorUrl.replace(/\/$/, "")}/attestations`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
          signal: AbortSignal.timeout(15_000),
        });
        if (r.status >= 500) throw Object.assign(new Error(`aggregator answered ${r.status}`), { status: r.status });
        return r;
      },
      { log: this.o.log, what: "POST attestation", attempts: 4 },
    );
    if (res.status !== 200 && res.status !== 201) {
      throw new Error(`aggregator refused the attestation: ${res.status} ${await res.text()}`);
    }
  }
}
