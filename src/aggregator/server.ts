// The aggregator: an HTTP service that collects operators' EIP-712 attestations per subject, validates each one
// (schema, signature, signer eligibility, the subject and digests on-chain), persists it, and submits the quorum to
// the CommitmentLedger once the stake threshold is reached. Retry-safe: on restart, and before every submission, it
// reads the subject's on-chain state, so a crash between collecting and submitting loses nothing and never submits
// a finalized subject twice.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

import { Contract, getAddress, verifyTypedData, type Provider, type Signer } from "ethers";
import { z } from "zod";

import {
  ATTESTATION_TYPES,
  Verdict,
  ledgerDomain,
  packSignatures,
  requestSubject,
  setDigest,
  setSubject,
} from "../consortium/attestation.js";
import { classifyError, errorMessage } from "../chain/rpc.js";
import { boundPort, closeServer, isClientDisconnect, listen, quietClientErrors } from "../node/health.js";
import { checkAggregatorContracts, checkChainId } from "../node/preflight.js";
import { chainIdWhenUp, withRetry } from "../chain/retry.js";
import type { Logger } from "../log/index.js";
import { address } from "../schema/index.js";
import {
  ATTESTATIONS_ABI,
  COLLATERAL_VAULT_ABI,
  COMMITMENT_LEDGER_ABI,
  CONSORTIUM_REGISTRY_ABI,
  RequestStatus,
  SetStatus,
} from "../generated/abi.js";
import { AggregatorDb, type StoredAttestation, type SubjectRow } from "./db.js";
import {
  INTERIM_STATUS,
  interimIdOf,
  interimRecordFromArgs,
  interimRecordHash,
  interimStatusNow,
} from "../attestations/index.js";
import type { Attestations } from "../../types/ethers-contracts/index.js";
import { parseInterimVerdict, recordOf } from "../attestations/verdicts.js";

const ZERO32 = `0x${"0".repeat(64)}`;

const dec = z.string().regex(/^(0|[1-9][0-9]{0,77})$/, "must be a decimal integer string");
const bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be 32 bytes of 0x hex");

/** Schema of what an operator POSTs to `/attestations` (`por.attestation-submission` v1). */
export const submissionSchema = z.strictObject({
  format: z.literal("por.attestation-submission"),
  version: z.literal(1),
  kind: z.enum(["set", "request"]),
  member: address,
  t: dec.refine((s) => BigInt(s) < 1n << 64n, "must be below 2^64"),
  requestId: dec.optional(),
  verdict: z.enum(["solvent", "insolvent"]),
  rootsDigest: bytes32,
  blobDigest: bytes32,
  signer: address,
  signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, "must be a 65-byte signature"),
});

/** A submission. */
export type Submission = z.infer<typeof submissionSchema>;

/** Options of the aggregator. */
export interface AggregatorOptions {
  provider: Provider;
  /** The key that sends quorum transactions (connected to `provider`). */
  wallet: Signer;
  ledger: string;
  registry: string;
  vault: string;
  /** The Attestations contract: IA verdicts (`POST /interims`) are taken only when it is given. */
  attestations?: string;
  dbPath: string;
  log: Logger;
  /** Largest accepted request body in bytes (default 16 KiB). */
  maxBodyBytes?: number;
  /**
   * How often open subjects are re-examined (default 15 000 ms; 0 turns it off), so a submission that failed
   * (RPC down, nonce race, no gas money) is retried even when no new attestation arrives.
   */
  retryIntervalMs?: number;
  /** The chain id the aggregator must find at its RPC endpoint (undefined: any). */
  chainId?: bigint;
  /** Health turns "degraded" when the chain has not answered for this long, ms (default 60 000). */
  staleAfterMs?: number;
  /** Longest wait in `stop()` for a submission in flight, ms (default 3000). */
  stopGraceMs?: number;
  /** Check at start that every address holds the expected contract (default true). */
  checkContracts?: boolean;
}

/** The aggregator's health (docs/guides/operator.md "Health"). */
export interface AggregatorHealth {
  status: "starting" | "ok" | "degraded" | "stopping";
  /** Why the status is not "ok", in words. */
  problems: string[];
  chainId: string | null;
  /** The chain head at the last successful RPC probe, and that probe's time (ISO 8601) and age in seconds. */
  head: number | null;
  lastChainOkAt: string | null;
  lastChainOkAgeSeconds: number | null;
  attestations: number;
  openSubjects: number;
  lastError: string | null;
  lastErrorAt: string | null;
}

/** An HTTP error with a status and a message for the client. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const msg = errorMessage;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The aggregator service. */
export class Aggregator {
  readonly db: AggregatorDb;
  private readonly ledger: Contract;
  private readonly registry: Contract;
  private readonly vault: Contract;
  private readonly attestations: Contract | undefined;
  private server: Server | undefined;
  private chainId = 0n;
  /** Serialises submissions (one nonce stream, one decision per subject at a time). */
  private queue: Promise<unknown> = Promise.resolve();
  private stopping = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly abort = new AbortController();
  private ready = false;
  private waitingSince: number | null = null;
  private head: number | null = null;
  private lastChainOkAt: number | null = null;
  private lastError: string | null = null;
  private lastErrorAt: number | null = null;

  constructor(private readonly o: AggregatorOptions) {
    this.db = new AggregatorDb(o.dbPath);
    this.ledger = new Contract(o.ledger, COMMITMENT_LEDGER_ABI, o.wallet);
    this.registry = new Contract(o.registry, CONSORTIUM_REGISTRY_ABI, o.provider);
    this.vault = new Contract(o.vault, COLLATERAL_VAULT_ABI, o.provider);
    this.attestations =
      o.attestations === undefined ? undefined : new Contract(o.attestations, ATTESTATIONS_ABI, o.wallet);
  }

  /** The base URL once listening. */
  get url(): string {
    return `http://127.0.0.1:${boundPort(this.server) ?? 0}`;
  }

  /** Current health. */
  health(): AggregatorHealth {
    const now = Date.now();
    const problems: string[] = [];
    if (this.waitingSince !== null) problems.push(`waiting for the RPC endpoint since ${iso(this.waitingSince)}`);
    const age = this.lastChainOkAt === null ? null : now - this.lastChainOkAt;
    const stale = this.o.staleAfterMs ?? 60_000;
    if (this.ready && age !== null && age > stale) {
      problems.push(`the chain last answered ${Math.round(age / 1000)} s ago (stale after ${stale / 1000} s)`);
    }
    if (this.lastError !== null) problems.push(`last failure: ${this.lastError}`);
    return {
      status: this.stopping ? "stopping" : !this.ready ? "starting" : problems.length > 0 ? "degraded" : "ok",
      problems,
      chainId: this.ready ? this.chainId.toString() : null,
      head: this.head,
      lastChainOkAt: iso(this.lastChainOkAt),
      lastChainOkAgeSeconds: age === null ? null : Math.round(age / 1000),
      attestations: this.stopping ? 0 : this.db.countAttestations(),
      openSubjects: this.stopping ? 0 : this.db.openSubjects().length,
      lastError: this.lastError,
      lastErrorAt: iso(this.lastErrorAt),
    };
  }

  /** Records a failure for health. */
  private failed(e: unknown): void {
    this.lastError = msg(e);
    this.lastErrorAt = Date.now();
  }

  /** One pass over the open subjects; health forgets the last failure when a pass succeeds. */
  private async resumePass(what: string): Promise<void> {
    try {
      await this.resume();
      this.lastError = null;
      this.lastErrorAt = null;
    } catch (e) {
      this.failed(e);
      this.o.log.warn(`${what} failed`, { error: msg(e), class: classifyError(e) });
    }
  }

  /** One liveness probe of the chain (the head), for health. */
  private async probeChain(): Promise<void> {
    try {
      this.head = await this.o.provider.getBlockNumber();
      this.lastChainOkAt = Date.now();
    } catch (e) {
      this.o.log.warn("the RPC endpoint did not answer", { error: msg(e), class: classifyError(e) });
    }
  }

  /**
   * Waits for the RPC endpoint (until stopped), checks the chain id and the deployment (a ConfigError naming the
   * setting), starts listening on `port` (0: any; a port in use is a ConfigError naming `port`) and resumes every
   * open subject.
   */
  async start(port = 0, host = "127.0.0.1"): Promise<void> {
    const signal = this.abort.signal;
    const { provider, log } = this.o;
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.requestTimeout = 10_000;
    this.server.headersTimeout = 5_000;
    this.server.maxConnections = 512;
    quietClientErrors(this.server, log);
    await listen(this.server, port, host, "port");
    try {
      this.chainId = await chainIdWhenUp(provider, {
        signal,
        log,
        waiting: (since) => (this.waitingSince = since),
      });
      checkChainId(this.o.chainId, this.chainId);
      if (this.o.checkContracts !== false) {
        await checkAggregatorContracts(provider, this.o, { signal, chainId: this.chainId });
      }
    } catch (e) {
      await closeServer(this.server);
      throw e;
    }
    this.lastChainOkAt = Date.now();
    this.ready = true;
    log.info("aggregator listening", { url: this.url, ledger: this.o.ledger, chainId: this.chainId });
    await this.resumePass("resume pass");
    const every = this.o.retryIntervalMs ?? 15_000;
    if (every > 0) {
      this.retryTimer = setInterval(() => {
        if (this.stopping) return;
        void this.probeChain().then(() => this.resumePass("retry pass"));
      }, every);
      this.retryTimer.unref();
    }
  }

  /**
   * Stops accepting requests, waits at most `stopGraceMs` for a submission in flight (its subject is resumed from
   * the chain's state at the next start), closes the database.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    clearInterval(this.retryTimer);
    await closeServer(this.server);
    const grace = this.o.stopGraceMs ?? 3_000;
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      this.queue.then(
        () => true,
        () => true,
      ),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), grace))),
    ]);
    clearTimeout(timer);
    if (!finished) this.o.log.warn("stopping without waiting longer for the submission in flight", { graceMs: grace });
    this.db.close();
    this.o.log.info("aggregator stopped");
  }

  /** Re-examines every subject that is not finalized (after a restart). */
  async resume(): Promise<void> {
    for (const s of this.db.openSubjects()) {
      if (this.stopping) return;
      await this.enqueue(s.subject);
    }
  }

  private enqueue(subject: string): Promise<void> {
    const next = this.queue.then(() => this.trySubmit(subject));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? "/", "http://x");
      if (req.method === "GET" && url.pathname === "/health") {
        const h = this.health();
        return this.send(res, h.status === "ok" ? 200 : 503, h);
      }
      const m = /^\/subjects\/(0x[0-9a-fA-F]{64})$/.exec(url.pathname);
      if (req.method === "GET" && m) {
        const s = this.db.subject(m[1].toLowerCase());
        if (s === undefined) throw new HttpError(404, "unknown subject");
        return this.send(res, 200, {
          subject: s.subject,
          status: s.status,
          txHash: s.txHash,
          signers: this.db.attestations(s.subject).map((a) => ({ signer: a.signer, verdict: this.word(s, a.verdict) })),
        });
      }
      if (url.pathname === "/interims") {
        if (req.method !== "POST") throw new HttpError(405, "use POST");
        if (!this.ready || this.stopping) throw new HttpError(503, "the aggregator is not ready; retry later");
        const { status, result } = await this.acceptInterim(await this.readJson(req));
        return this.send(res, status, result);
      }
      if (url.pathname === "/attestations") {
        if (req.method !== "POST") throw new HttpError(405, "use POST");
        if (!this.ready || this.stopping) throw new HttpError(503, "the aggregator is not ready; retry later");
        const body = await this.readJson(req);
        const { status, result } = await this.accept(body);
        return this.send(res, status, result);
      }
      throw new HttpError(404, "not found");
    } catch (e) {
      if (e instanceof HttpError) return this.send(res, e.status, { error: e.message });
      if (isClientDisconnect(e) || req.destroyed) {
        this.o.log.debug("client disconnected", { error: msg(e) });
        return;
      }
      if (classifyError(e) === "unavailable") {
        // The chain could not be read to validate the attestation: the operator retries (it treats 5xx as transient).
        this.failed(e);
        this.o.log.warn("request postponed: the chain is unavailable", { error: msg(e) });
        return this.send(res, 503, { error: "the aggregator cannot reach the chain; retry later" });
      }
      this.o.log.error("request failed", { error: msg(e) });
      return this.send(res, 500, { error: "internal error" });
    }
  }

  private async readJson(req: IncomingMessage): Promise<unknown> {
    const type = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
    if (type !== "application/json") throw new HttpError(415, "content-type must be application/json");
    const max = this.o.maxBodyBytes ?? 16 * 1024;
    const declared = Number(req.headers["content-length"] ?? "0");
    if (declared > max) {
      req.resume();
      throw new HttpError(413, `body larger than ${max} bytes`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > max) {
        req.resume();
        throw new HttpError(413, `body larger than ${max} bytes`);
      }
      chunks.push(chunk as Buffer);
    }
    try {
      return JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch (e) {
      throw new HttpError(400, `malformed JSON: ${msg(e)}`);
    }
  }

  /** Validates and stores one submission; starts a submission attempt when it may complete a quorum. */
  async accept(body: unknown): Promise<{ status: number; result: Record<string, unknown> }> {
    const parsed = submissionSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new HttpError(422, `field ${issue.path.map(String).join(".") || "(top level)"}: ${issue.message}`);
    }
    const s = parsed.data;
    if ((s.kind === "request") !== (s.requestId !== undefined)) {
      throw new HttpError(422, 'field requestId: required exactly when kind is "request"');
    }
    const member = getAddress(s.member.toLowerCase());
    const signer = getAddress(s.signer.toLowerCase());
    const t = BigInt(s.t);
    const requestId = BigInt(s.requestId ?? "0");
    const verdict = s.verdict === "solvent" ? Verdict.Solvent : Verdict.Insolvent;
    const subject = s.kind === "set" ? setSubject(member, t) : requestSubject(member, t, requestId);
    const message = {
      subject,
      verdict,
      rootsDigest: s.rootsDigest.toLowerCase(),
      blobDigest: s.blobDigest.toLowerCase(),
    };
    let recovered: string;
    try {
      recovered = verifyTypedData(ledgerDomain(this.chainId, this.o.ledger), ATTESTATION_TYPES, message, s.signature);
    } catch (e) {
      throw new HttpError(422, `bad signature: ${msg(e)}`);
    }
    if (getAddress(recovered) !== signer)
      throw new HttpError(422, `bad signature: signed by ${recovered}, not ${signer}`);
    if (signer === member) throw new HttpError(403, "a member cannot attest to its own commitments");
    const eligible = (await withRetry(() => this.registry.getFunction("canCoSign")(signer), {
      log: this.o.log,
    })) as boolean;
    if (!eligible) throw new HttpError(403, `signer ${signer} may not co-sign (not on probation or active)`);

    // The subject must exist on-chain, be open, and carry these digests.
    const set = (await withRetry(() => this.ledger.getFunction("setOf")(member, t), { log: this.o.log })) as {
      status: bigint;
      digest: string;
    };
    if (Number(set.status) === SetStatus.None) throw new HttpError(404, `no commitment set of ${member} at t = ${t}`);
    if (s.kind === "request") {
      const r = (await withRetry(() => this.ledger.getFunction("requestOf")(requestId), { log: this.o.log })) as {
        member: string;
        t: bigint;
      };
      if (getAddress(r.member) !== member || r.t !== t) {
        throw new HttpError(404, `request ${requestId} is not a request of ${member} at t = ${t}`);
      }
    }
    // The ledger stores the set digest without its low 72 bits (setDigest).
    const digest = setDigest(message.rootsDigest, message.blobDigest);
    if (digest !== set.digest) throw new HttpError(409, "rootsDigest/blobDigest do not match the committed set");

    const added = this.db.addAttestation({
      subject,
      kind: s.kind,
      member,
      t,
      requestId,
      verdict,
      rootsDigest: message.rootsDigest,
      blobDigest: message.blobDigest,
      signer,
      signature: s.signature,
    });
    this.o.log.info(added ? "attestation accepted" : "duplicate attestation", { subject, signer, verdict: s.verdict });
    void this.enqueue(subject).catch((e: unknown) => this.o.log.error("submission failed", { subject, error: msg(e) }));
    return { status: added ? 201 : 200, result: { status: added ? "accepted" : "duplicate", subject } };
  }

  /**
   * Validates and stores one operator's IA verdict (a `por.interim-verdict` file with one signature, as `interim
   * attest` writes and the node sends): signature, this deployment, an eligible signer other than the member, an IA
   * posted with this very record. Starts a submission attempt.
   */
  async acceptInterim(body: unknown): Promise<{ status: number; result: Record<string, unknown> }> {
    if (this.attestations === undefined) throw new HttpError(404, "this aggregator takes no IA verdicts");
    let v;
    try {
      v = parseInterimVerdict(JSON.stringify(body), "body");
    } catch (e) {
      throw new HttpError(422, msg(e));
    }
    if (v.signatures.length !== 1) throw new HttpError(422, "field signatures: exactly one signature per submission");
    if (BigInt(v.chainId) !== this.chainId || getAddress(v.attestations) !== getAddress(this.o.attestations!)) {
      throw new HttpError(409, `the verdict is for ${v.attestations} on chain ${v.chainId}, not this deployment`);
    }
    const record = recordOf(v);
    const signer = getAddress(v.signatures[0].signer);
    if (signer === record.member) throw new HttpError(403, "a member cannot attest to its own IA");
    const eligible = (await withRetry(() => this.registry.getFunction("canCoSign")(signer), {
      log: this.o.log,
    })) as boolean;
    if (!eligible) throw new HttpError(403, `signer ${signer} may not co-sign (not on probation or active)`);
    const status = await this.interimStatus(record);
    if (status === "None")
      throw new HttpError(404, "no IA with this record was posted (unknown id, or another record)");
    const subject = interimIdOf(record.member, record.asset, record.seq).toLowerCase();
    // The record first (idempotent): an attestation row never lacks the record its submission needs.
    this.db.addInterimRecord(subject, JSON.stringify(v.record));
    const added = this.db.addAttestation({
      subject,
      kind: "interim",
      member: record.member,
      t: record.seq,
      requestId: BigInt(record.asset),
      verdict: v.settled ? 1 : 0,
      rootsDigest: interimRecordHash(record).toLowerCase(),
      blobDigest: ZERO32,
      signer,
      signature: v.signatures[0].signature,
    });
    const word = v.settled ? "settled" : "missed";
    this.o.log.info(added ? "IA verdict accepted" : "duplicate IA verdict", { subject, signer, verdict: word });
    void this.enqueue(subject).catch((e: unknown) => this.o.log.error("submission failed", { subject, error: msg(e) }));
    return { status: added ? 201 : 200, result: { status: added ? "accepted" : "duplicate", subject } };
  }

  /** The IA's status; a final IA whose slot a later IA took reads its verdict from its event (interimStatusNow). */
  private async interimStatus(record: ReturnType<typeof recordOf>): Promise<(typeof INTERIM_STATUS)[number]> {
    const a = this.attestations! as unknown as Attestations;
    return withRetry(() => interimStatusNow(a, record), { log: this.o.log });
  }

  private storedRecord(s: SubjectRow): ReturnType<typeof recordOf> {
    const json = this.db.interimRecord(s.subject);
    if (json === undefined) throw new Error(`IA ${s.subject}: no stored record`);
    return interimRecordFromArgs({ record: JSON.parse(json) as unknown });
  }

  /** Stake weights as the ledger counts them: `vault.weightsOf`, or `canCoSign` and `stakeOf` on an older vault. */
  private async weightsOf(signers: readonly string[]): Promise<bigint[]> {
    try {
      const w = (await withRetry(() => this.vault.getFunction("weightsOf")([...signers]), {
        log: this.o.log,
      })) as bigint[];
      return [...w];
    } catch (e) {
      if ((e as { code?: string }).code !== "CALL_EXCEPTION" && (e as { code?: string }).code !== "BAD_DATA") throw e;
    }
    const out: bigint[] = [];
    for (const s of signers) {
      const ok = (await withRetry(() => this.registry.getFunction("canCoSign")(s), { log: this.o.log })) as boolean;
      out.push(
        ok ? ((await withRetry(() => this.vault.getFunction("stakeOf")(s), { log: this.o.log })) as bigint) : 0n,
      );
    }
    return out;
  }

  /** True when the subject can no longer take a verdict on-chain. */
  private async closedOnChain(s: SubjectRow): Promise<boolean> {
    if (s.kind === "interim") {
      // Settled or Missed: closed. NetSettled still takes either verdict.
      const status = await this.interimStatus(this.storedRecord(s));
      return status === "Settled" || status === "Missed";
    }
    if (s.kind === "set") {
      const set = (await withRetry(() => this.ledger.getFunction("setOf")(s.member, s.t), { log: this.o.log })) as {
        status: bigint;
      };
      return Number(set.status) !== SetStatus.Pending;
    }
    const r = (await withRetry(() => this.ledger.getFunction("requestOf")(s.requestId), { log: this.o.log })) as {
      status: bigint;
    };
    // Open: not answered yet (kept, submitted once answered); Finalized, Insolvent or Missed: closed.
    return Number(r.status) >= RequestStatus.Finalized;
  }

  /** True when the subject can take a verdict now (a set Pending, a request Answered). */
  private async submittable(s: SubjectRow): Promise<boolean> {
    if (s.kind === "set" || s.kind === "interim") return true;
    const r = (await withRetry(() => this.ledger.getFunction("requestOf")(s.requestId), { log: this.o.log })) as {
      status: bigint;
    };
    return Number(r.status) === RequestStatus.Answered;
  }

  private word(s: SubjectRow, verdict: number): string {
    return s.kind === "interim" ? (verdict === 1 ? "settled" : "missed") : Verdict[verdict];
  }

  /** Submits the subject's quorum if a ballot reached the threshold; resolves a crashed submission from the chain. */
  async trySubmit(subject: string): Promise<void> {
    const s = this.db.subject(subject);
    if (s === undefined || s.status === "finalized") return;
    const log = this.o.log.child({ subject, kind: s.kind, member: s.member, t: s.t });
    if (await this.closedOnChain(s)) {
      this.db.setStatus(subject, "finalized");
      log.info("subject already closed on-chain");
      return;
    }
    if (!(await this.submittable(s))) {
      log.info("request not answered yet: attestations kept");
      return;
    }
    const params = (await withRetry(() => this.ledger.getFunction("quorumParams")(), { log: this.o.log })) as {
      quorumWeight: bigint;
      minSigners: bigint;
    };
    const ballots = new Map<string, StoredAttestation[]>();
    for (const a of this.db.attestations(subject)) {
      const key = `${a.verdict}:${a.rootsDigest}:${a.blobDigest}`;
      ballots.set(key, [...(ballots.get(key) ?? []), a]);
    }
    // One ballot at most is submitted (the first to reach the quorum); the subject is then closed on-chain.
    for (const votes of ballots.values()) {
      // The ledger's own weighing: zero for an address that may not co-sign or has no stake (it would refuse it).
      const weights = await this.weightsOf(votes.map((v) => v.signer));
      let weight = 0n;
      const signers: StoredAttestation[] = [];
      votes.forEach((v, i) => {
        if (weights[i] === 0n) return;
        weight += weights[i];
        signers.push(v);
      });
      if (weight < params.quorumWeight || BigInt(signers.length) < params.minSigners) {
        log.debug("ballot below quorum", { verdict: Verdict[votes[0].verdict], weight, signers: signers.length });
        continue;
      }
      const v = votes[0];
      const packed = packSignatures(signers.map((x) => ({ signer: x.signer, signature: x.signature })));
      this.db.setStatus(subject, "submitting", null, v.verdict);
      log.info("quorum reached: submitting", { verdict: this.word(s, v.verdict), weight, signers: signers.length });
      try {
        const tx = (
          s.kind === "interim"
            ? await this.attestations!.getFunction("attestInterim")(this.storedRecord(s), v.verdict === 1, packed)
            : s.kind === "set"
              ? await this.ledger.getFunction("attestCommitment")(
                  s.member,
                  s.t,
                  v.verdict,
                  v.rootsDigest,
                  v.blobDigest,
                  packed,
                )
              : await this.ledger.getFunction("attestRequest")(
                  s.requestId,
                  v.verdict,
                  v.rootsDigest,
                  v.blobDigest,
                  packed,
                )
        ) as {
          hash: string;
          wait(): Promise<{ status: number | null } | null>;
        };
        this.db.setStatus(subject, "submitting", tx.hash);
        const receipt = await tx.wait();
        if (receipt?.status !== 1) throw new Error(`transaction ${tx.hash} failed`);
        this.db.setStatus(subject, "finalized", tx.hash);
        log.info("quorum submitted", { tx: tx.hash, verdict: this.word(s, v.verdict) });
      } catch (e) {
        if (await this.closedOnChain(s)) {
          this.db.setStatus(subject, "finalized");
          log.info("subject closed on-chain meanwhile", { error: msg(e) });
        } else {
          this.db.setStatus(subject, "collecting");
          this.failed(e);
          log.error("quorum submission failed", { error: msg(e) });
        }
      }
      return;
    }
  }
}
