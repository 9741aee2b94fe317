// The verifier service's HTTP API (node:http). Public: POST /records, GET /health, GET /snapshots, GET /deployment, and
// with web assets configured the user's page (GET /, /app.js: src/web/build.ts), the fraud circuit's files
// (GET /circuits/<name>.wasm|.zkey|.vkey.json) and the DA blobs a fraud proof needs (GET /blobs/<keccak256>). Public
// endpoints answer CORS (any origin, no credentials), so the page works from any origin or from disk. Operator only (Authorization: Bearer <token>, no CORS): GET /records/<nullifier>,
// GET /requests, PUT /populations. Every refusal is a 4xx with `{"error": {"code", "message", "where"}}`; nothing is
// stored unless the whole request is valid.
// Privacy (B12): the answer to POST /records is the same whether a record was new or already held, so a member
// cannot probe which of its users forwarded records; per-record lookups are operator-only.
// Bounded work: a per-client budget of records per second (429 beyond it), a cap on open connections, and a short
// deadline for headers and body (a slow client is cut off, not waited for).
import { timingSafeEqual } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { join } from "node:path";

import { getAddress } from "ethers";
import { z } from "zod";

import { uint32 } from "../schema/index.js";
import { errorMessage } from "../chain/rpc.js";
import { coverageOf } from "./coverage.js";
import type { Logger } from "../log/index.js";
import { isClientDisconnect, quietClientErrors } from "../node/health.js";
import type { BlobSource } from "../node/blobs.js";
import { BlobNotFoundError } from "../blobstore/index.js";
import { RateLimiter, clientKeys, type ChargeKey, type RateLimit } from "./rate-limit.js";
import type { RecordStore } from "./store.js";
import { ApiError, type RecordValidator } from "./validate.js";

/** Limits of the HTTP API. */
export interface HttpLimits {
  /** Largest body of a single record, bytes (default 64 KiB). */
  maxRecordBytes: number;
  /** Largest body of any request, bytes (default 2 MiB). */
  maxBodyBytes: number;
  /** Most records in one batch (default 500). */
  maxBatch: number;
  /** Records per second one client may post, and its burst (default 50/s, burst 1,000: two full batches). */
  rate: RateLimit;
  /** Most open connections (default 256); beyond it new connections are closed at once. */
  maxConnections: number;
  /** Deadline for a whole request, headers and body, ms (default 10 s): a slower client gets 408. */
  requestTimeoutMs: number;
}

export const DEFAULT_LIMITS: HttpLimits = {
  maxRecordBytes: 64 * 1024,
  maxBodyBytes: 2 * 1024 * 1024,
  maxBatch: 500,
  rate: { perSecond: 50, burst: 1_000 },
  maxConnections: 256,
  requestTimeoutMs: 10_000,
};

/** What the chain looks like from the service, for /health. */
export interface ChainHealth {
  /** "ok", or "error: ..." when the last probe failed. */
  chain: string;
  /** Latest block number and its timestamp at the last successful probe. */
  head?: number;
  chainTime?: number;
  /** Unix seconds of the last successful probe (null: none yet). */
  lastChainOkAt: number | null;
}

/** The circuit files a browser proves with: witness generator, proving key, verifying key (paths). */
export interface CircuitFiles {
  wasm: string;
  zkey: string;
  vkey: string;
}

/** What the service serves besides its API: the user's page, circuit files, and the contracts it works with. */
export interface WebAssets {
  /** A built page (src/web/build.ts: index.html, app.js), served at `/`. */
  pageDir?: string;
  /** Circuit files by instance name (e.g. LeafMismatch32), served at /circuits/<name>.wasm|.zkey|.vkey.json. */
  circuits?: Record<string, CircuitFiles>;
  /** The consortium's contracts, served at GET /deployment so the page needs no address typed in. */
  deployment?: { ledger: string; registry: string };
  /**
   * The DA layer the service reads blobs from, served at GET /blobs/<keccak256>?member=&asset=&t= so the page can
   * fetch the leaves a fraud proof needs (it checks their keccak256 and the root they rebuild itself).
   */
  blobs?: BlobSource;
}

/** Content types of what the web assets serve. */
const CONTENT_TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  wasm: "application/wasm",
  zkey: "application/octet-stream",
  json: "application/json; charset=utf-8",
};

/** CORS headers of the public endpoints: any origin may read them; no cookies or credentials are involved. */
const CORS_HEADERS: Record<string, string> = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, POST, OPTIONS",
  "access-control-allow-headers": "content-type",
  "access-control-max-age": "600",
};

/** Paths of the operator endpoints (never CORS). */
const isOperatorPath = (path: string) =>
  /^\/records\/[^/]+$/.test(path) || path === "/requests" || path === "/populations";

/** What the API handlers need. */
export interface ApiContext {
  store: RecordStore;
  validator: RecordValidator;
  logger: Logger;
  limits?: Partial<HttpLimits>;
  /** Bearer token of the operator endpoints; without one they answer 404. */
  adminToken?: string;
  /** Chain reachability for /health (degraded when it fails). */
  chainHealth?: () => Promise<ChainHealth>;
  /**
   * Rate-limit clients by the address a reverse proxy appends to X-Forwarded-For (its last entry) instead of the
   * socket's peer (default false: without a proxy the header is the client's to forge).
   */
  trustProxy?: boolean;
  /** The page, circuit files and deployment to serve (none: those routes answer 404). */
  web?: WebAssets;
}

const populationSchema = z.strictObject({
  member: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte address"),
  asset: uint32,
  t: z.number().int().min(0),
  n: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  source: z.enum(["leaves", "declared"]),
});

const batchSchema = z.strictObject({ records: z.array(z.unknown()) });

const blobLocationSchema = z.strictObject({
  member: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte address"),
  asset: uint32,
  t: z
    .string()
    .regex(/^(0|[1-9][0-9]{0,19})$/, "must be a decimal uint64")
    .refine((v) => BigInt(v) < 1n << 64n, "must be below 2^64"),
});

/** Sends `body` as JSON with `status` (never cached). */
export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
    ...headers,
  });
  res.end(text);
}

/** Reads a body up to `limit` bytes; throws 413 beyond it (checked on Content-Length first). */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    throw new ApiError(413, "body_too_large", `the body has ${declared} bytes; the limit is ${limit}`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const c of req) {
    total += (c as Buffer).length;
    if (total > limit) throw new ApiError(413, "body_too_large", `the body exceeds the limit of ${limit} bytes`);
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The body as UTF-8 JSON (400 when empty or malformed). */
export function parseJson(body: Buffer): unknown {
  if (body.length === 0) throw new ApiError(400, "empty_body", "the request body is empty");
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch (e) {
    throw new ApiError(400, "malformed_json", `the body is not valid UTF-8 JSON: ${(e as Error).message}`);
  }
}

/** 415 unless the request says its body is JSON. */
export function requireJson(req: IncomingMessage): void {
  const type = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/json") {
    throw new ApiError(415, "unsupported_media_type", `Content-Type must be application/json, got "${type}"`);
  }
}

/** The request handler of the API plus the bookkeeping graceful shutdown needs. */
export class VerifierApi {
  readonly limits: HttpLimits;
  private readonly limiter: RateLimiter;
  private inFlight = 0;
  private idle: (() => void) | undefined;
  /** Set when shutting down: new requests get 503. */
  draining = false;

  constructor(private readonly ctx: ApiContext) {
    this.limits = { ...DEFAULT_LIMITS, ...ctx.limits };
    this.limiter = new RateLimiter(this.limits.rate);
  }

  /** The rate-limit buckets of a request's client. */
  private clientOf(req: IncomingMessage): ChargeKey[] {
    if (this.ctx.trustProxy === true) {
      const hops = String(req.headers["x-forwarded-for"] ?? "")
        .split(",")
        .map((h) => h.trim())
        .filter((h) => h !== "");
      if (hops.length > 0) return clientKeys(hops[hops.length - 1]);
    }
    return clientKeys(req.socket.remoteAddress);
  }

  /** Charges `cost` records to the client; 429 with Retry-After when over budget. */
  private charge(req: IncomingMessage, cost: number): void {
    const wait = this.limiter.take(this.clientOf(req), cost);
    if (wait > 0) {
      throw new ApiError(
        429,
        "rate_limited",
        `too many records from this client: at most ${this.limits.rate.perSecond} per second; retry in ${wait} s`,
        undefined,
        { "retry-after": String(wait) },
      );
    }
  }

  /** Resolves once no request is being handled. */
  whenIdle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.idle = resolve;
    });
  }

  /** node:http listener. */
  readonly listener = (req: IncomingMessage, res: ServerResponse): void => {
    if (this.draining) {
      send(
        res,
        503,
        { error: { code: "shutting_down", message: "the service is shutting down" } },
        { connection: "close" },
      );
      return;
    }
    this.inFlight++;
    const started = performance.now();
    this.handle(req, res)
      .catch((e: unknown) => {
        if (res.headersSent || res.destroyed) return;
        if (e instanceof ApiError) {
          if (e.status === 413) res.setHeader("connection", "close");
          send(res, e.status, { error: { code: e.code, message: e.message, where: e.where } }, e.headers);
        } else if (isClientDisconnect(e) || req.destroyed) {
          this.ctx.logger.debug("client went away mid-request", { error: errorMessage(e) });
        } else {
          this.ctx.logger.error("request failed", { error: errorMessage(e), stack: (e as Error).stack });
          send(res, 500, { error: { code: "internal", message: "internal error" } });
        }
      })
      .finally(() => {
        this.ctx.logger.debug("request", {
          method: req.method,
          path: (req.url ?? "").split("?")[0].replace(/\/records\/[0-9]+$/, "/records/:nullifier"),
          status: res.statusCode,
          ms: Math.round(performance.now() - started),
        });
        if (--this.inFlight === 0 && this.idle !== undefined) {
          const resolve = this.idle;
          this.idle = undefined;
          resolve();
        }
      });
  };

  private isOperator(req: IncomingMessage): boolean {
    const token = this.ctx.adminToken;
    if (token === undefined || token === "") return false;
    const given = Buffer.from((req.headers.authorization ?? "").replace(/^Bearer\s+/i, ""));
    const want = Buffer.from(token);
    return given.length === want.length && timingSafeEqual(given, want);
  }

  private requireOperator(req: IncomingMessage): void {
    if (this.ctx.adminToken === undefined || this.ctx.adminToken === "") {
      throw new ApiError(404, "not_found", "operator endpoints are disabled (no admin token configured)");
    }
    if (!this.isOperator(req))
      throw new ApiError(401, "unauthorized", "operator endpoint: a valid bearer token is required");
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = url.pathname.replace(/\/+$/, "") || "/";
    const method = req.method ?? "GET";
    const route = (m: string) => {
      if (method !== m) throw new ApiError(405, "method_not_allowed", `${path} accepts ${m} only`);
    };
    if (!isOperatorPath(path)) {
      for (const [k, v] of Object.entries(CORS_HEADERS)) res.setHeader(k, v);
      if (method === "OPTIONS") {
        res.writeHead(204, { "content-length": "0" });
        res.end();
        return;
      }
    }
    if (path === "/health") {
      route("GET");
      return this.health(res);
    }
    this.charge(req, 1);
    if (path === "/records") {
      route("POST");
      return this.postRecords(req, res);
    }
    if (path === "/snapshots") {
      route("GET");
      return this.snapshots(res);
    }
    if (path === "/deployment") {
      route("GET");
      const d = this.ctx.web?.deployment;
      if (d === undefined) throw new ApiError(404, "not_found", "this service publishes no deployment");
      return send(res, 200, { ledger: d.ledger, registry: d.registry });
    }
    const circuit = /^\/circuits\/([A-Za-z0-9]{1,64})\.(wasm|zkey|vkey\.json)$/.exec(path);
    if (circuit !== null) {
      route("GET");
      const files = this.ctx.web?.circuits?.[circuit[1]];
      if (files === undefined) throw new ApiError(404, "not_found", `this service serves no circuit ${circuit[1]}`);
      const kind = circuit[2] === "vkey.json" ? "vkey" : (circuit[2] as "wasm" | "zkey");
      return this.sendFile(res, files[kind], kind === "vkey" ? "json" : kind);
    }
    const blob = /^\/blobs\/(0x[0-9a-fA-F]{64})$/.exec(path);
    if (blob !== null) {
      route("GET");
      return this.sendBlob(res, blob[1].toLowerCase(), url.searchParams);
    }
    const page = /^\/(index\.html|app\.js)?$/.exec(path);
    if (page !== null && this.ctx.web?.pageDir !== undefined) {
      route("GET");
      const name = page[1] ?? "index.html";
      return this.sendFile(res, join(this.ctx.web.pageDir, name), name.endsWith(".js") ? "js" : "html");
    }
    const rec = /^\/records\/([0-9]{1,78})$/.exec(path);
    if (rec !== null) {
      route("GET");
      this.requireOperator(req);
      const row = await this.ctx.store.getRecord(rec[1]);
      if (row === undefined) throw new ApiError(404, "not_found", "no record with this nullifier", "nullifier");
      return send(res, 200, row);
    }
    if (path === "/requests") {
      route("GET");
      this.requireOperator(req);
      return send(res, 200, { requests: await this.ctx.store.requests() });
    }
    if (path === "/populations") {
      route("PUT");
      this.requireOperator(req);
      requireJson(req);
      const json = parseJson(await readBody(req, this.limits.maxRecordBytes));
      const r = populationSchema.safeParse(json);
      if (!r.success) {
        const issue = r.error.issues[0];
        throw new ApiError(400, "schema", issue.message, issue.path.map(String).join(".") || "(body)");
      }
      await this.ctx.store.setPopulation({ ...r.data, member: getAddress(r.data.member.toLowerCase()) });
      return send(res, 200, { ok: true });
    }
    throw new ApiError(404, "not_found", `no route ${path}`);
  }

  /** The DA blob with keccak256 `digest` of the commitment named by `member`, `asset` and `t` (query parameters). */
  private async sendBlob(res: ServerResponse, digest: string, q: URLSearchParams): Promise<void> {
    const source = this.ctx.web?.blobs;
    if (source === undefined) throw new ApiError(404, "not_found", "this service reads no DA layer (no blob store)");
    const at = blobLocationSchema.safeParse({
      member: q.get("member") ?? undefined,
      asset: q.get("asset") === null ? undefined : Number(q.get("asset")),
      t: q.get("t") ?? undefined,
    });
    if (!at.success) {
      const issue = at.error.issues[0];
      const field = String(issue.path[0] ?? "query");
      throw new ApiError(400, "bad_query", `query parameter ${field}: ${issue.message}`, field);
    }
    let bytes: Uint8Array;
    try {
      bytes = await source.fetch(digest, { member: at.data.member, asset: at.data.asset, t: BigInt(at.data.t) });
    } catch (e) {
      if (e instanceof BlobNotFoundError) throw new ApiError(404, "not_found", e.message);
      throw new ApiError(503, "da_unavailable", `the DA layer did not answer: ${errorMessage(e)}`);
    }
    res.writeHead(200, {
      "content-type": "application/octet-stream",
      "content-length": String(bytes.length),
      "cache-control": "public, max-age=300",
      "x-content-type-options": "nosniff",
    });
    res.end(bytes);
  }

  /** Streams a file (404 when it is missing: a page not built, circuit files not generated). */
  private async sendFile(res: ServerResponse, path: string, type: string): Promise<void> {
    let size: number;
    try {
      const st = await stat(path);
      if (!st.isFile()) throw new Error("not a file");
      size = st.size;
    } catch {
      throw new ApiError(404, "not_found", "this file is not available on this service (not built)");
    }
    res.writeHead(200, {
      "content-type": CONTENT_TYPES[type] ?? "application/octet-stream",
      "content-length": String(size),
      "cache-control": type === "html" ? "no-cache" : "public, max-age=300",
      "x-content-type-options": "nosniff",
    });
    await new Promise<void>((resolve, reject) => {
      const stream = createReadStream(path);
      stream.on("error", reject);
      res.on("close", resolve);
      stream.pipe(res);
    });
  }

  private async postRecords(req: IncomingMessage, res: ServerResponse): Promise<void> {
    requireJson(req);
    const body = await readBody(req, this.limits.maxBodyBytes);
    const json = parseJson(body);
    let items: unknown[];
    let prefix: string;
    if (typeof json === "object" && json !== null && !Array.isArray(json) && "records" in json) {
      const b = batchSchema.safeParse(json);
      if (!b.success) {
        const issue = b.error.issues[0];
        throw new ApiError(400, "schema", issue.message, issue.path.map(String).join(".") || "(body)");
      }
      items = b.data.records;
      prefix = "records";
      if (items.length === 0) throw new ApiError(400, "empty_batch", "the batch holds no records", "records");
      if (items.length > this.limits.maxBatch) {
        throw new ApiError(
          413,
          "batch_too_large",
          `${items.length} records; at most ${this.limits.maxBatch} per batch`,
          "records",
        );
      }
    } else {
      if (body.length > this.limits.maxRecordBytes) {
        throw new ApiError(
          413,
          "body_too_large",
          `a single record body is limited to ${this.limits.maxRecordBytes} bytes`,
        );
      }
      items = [json];
      prefix = "";
    }
    this.charge(req, items.length - 1); // the request itself was charged one
    const receivedAt = Math.floor(Date.now() / 3_600_000) * 3600;
    const { rows, nullifiers } = await this.ctx.validator.validate(items, prefix, receivedAt);
    const inserted = await this.ctx.store.insertRecords(rows);
    // Not logged: which nullifiers were new (the operator's own logs should not link users either).
    this.ctx.logger.info("records accepted", { count: items.length, inserted });
    send(res, 200, { accepted: items.length, nullifiers });
  }

  /** `status` is "ok" only when the database answers and is intact and the chain answers (200), else 503. */
  private async health(res: ServerResponse): Promise<void> {
    let db = "ok";
    try {
      await this.ctx.store.ping();
    } catch (e) {
      db = `error: ${errorMessage(e)}`;
    }
    const chain = this.ctx.chainHealth === undefined ? undefined : await this.ctx.chainHealth();
    const ok = db === "ok" && (chain === undefined || chain.chain === "ok");
    send(res, ok ? 200 : 503, {
      status: ok ? "ok" : "degraded",
      store: this.ctx.store.kind,
      db,
      ...chain,
      inFlight: this.inFlight,
    });
  }

  private async snapshots(res: ServerResponse): Promise<void> {
    const [stats, pops, reqs] = await Promise.all([
      this.ctx.store.snapshotStats(),
      this.ctx.store.populations(),
      this.ctx.store.requests(),
    ]);
    const popOf = new Map(pops.map((p) => [`${p.member}:${p.asset}:${p.t}`, p]));
    const reqOf = new Map(reqs.map((r) => [`${r.member}:${r.t}`, r]));
    const snapshots = stats.map((s) => {
      const pop = popOf.get(`${s.member}:${s.asset}:${s.t}`);
      const req = reqOf.get(`${s.member}:${s.t}`);
      return {
        member: s.member,
        asset: s.asset,
        t: s.t,
        records: s.records,
        checked: s.checked,
        population: pop === undefined ? null : { n: pop.n, source: pop.source },
        coverage: coverageOf(s.records, pop?.n ?? null),
        checkedCoverage: coverageOf(s.checked, pop?.n ?? null),
        request: req === undefined ? null : { status: req.status, requestId: req.requestId },
      };
    });
    send(res, 200, { snapshots });
  }
}

/**
 * An HTTP server (not yet listening) for `listener` with a request deadline and a connection cap; client socket
 * errors are not logged as the server's own (`quietClientErrors`).
 */
export function createBoundedServer(
  listener: (req: IncomingMessage, res: ServerResponse) => void,
  limits: { requestTimeoutMs: number; maxConnections: number },
  logger: Logger,
): Server {
  const timeout = limits.requestTimeoutMs;
  const server = createServer(
    {
      requestTimeout: timeout,
      headersTimeout: timeout,
      // How often Node looks for requests past their deadline (its default, 30 s, would let them run that long).
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(timeout / 4))),
    },
    listener,
  );
  server.keepAliveTimeout = 5_000;
  server.maxConnections = limits.maxConnections;
  quietClientErrors(server, logger);
  return server;
}

/** Creates the HTTP server (not yet listening) with the API's connection cap and request deadline. */
export function createApiServer(api: VerifierApi, logger: Logger): Server {
  const server = createBoundedServer(api.listener, api.limits, logger);
  // No client address in the log (privacy, docs/protocol.md section 10).
  server.on("drop", () =>
    logger.warn("connection refused: too many open connections", { maxConnections: api.limits.maxConnections }),
  );
  return server;
}
