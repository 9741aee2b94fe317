// The private-set path endpoint of an operator node (docs/protocol.md section 17.6, "Fraud proofs against a private
// set"): a user whose signed record a private set's tree contradicts cannot read the tree (the DA blob is ciphertext
// for the recipients at t), so a recipient's node answers `POST /path` with the committed node and siblings at the
// record's slot (`por.private-slot-path` v1). The request is the user's record as forwarded (`por.forwarded-record`
// v2: no account id, salt or payout opening), validated exactly as the verifier service validates a forwarded record
// (src/verifier-service/validate.ts: signature, member, key at t, committed set); only the holder of a record signed
// for a slot learns that slot's path, which is what the member's honest path would have shown. The path is
// self-verifying against the ledger's rootHash: the user needs one honest recipient online, not its honesty.
// Bounded work: a per-client budget of requests (src/verifier-service/rate-limit.ts), a body limit, a deadline.
import type { IncomingMessage, Server, ServerResponse } from "node:http";

import { Contract, getAddress } from "ethers";

import { BlobNotFoundError, blobDigest } from "../blobstore/index.js";
import { errorMessage } from "../chain/rpc.js";
import { withRetry } from "../chain/retry.js";
import { NoCommittedSetError, committedSet } from "../consortium/published.js";
import { CONSORTIUM_REGISTRY_ABI } from "../generated/abi.js";
import type { Logger } from "../log/index.js";
import { PRIVATE_SLOT_PATH_FORMAT, PRIVATE_SLOT_PATH_VERSION, type PrivateSlotPathFile } from "../prover/files.js";
import { slotPathInTree } from "../prover/leaves-path.js";
import { rebuildFromLeaves, type LeavesHeader } from "../tree/leaves.js";
import type { SumTree } from "../tree/index.js";
import { checkPrivateBlobOpens } from "../private/check.js";
import { EthersChainView } from "../verifier-service/chain.js";
import { createBoundedServer, parseJson, readBody, requireJson, send } from "../verifier-service/http.js";
import { RateLimiter, clientKeys, type RateLimit } from "../verifier-service/rate-limit.js";
import { ApiError, RecordValidator } from "../verifier-service/validate.js";
import { checkBlobDigest, checkBlobFormat } from "./checks.js";
import { isClientDisconnect, listen } from "./health.js";
import { PrivateSetNotVerified, assetContext, blobContext, privateKeyFor, type VerifyDeps } from "./verify.js";

/** Limits of the path endpoint. */
export interface PathLimits {
  /** Path requests per second one client may make on average, and at once (default 2/s, burst 20). */
  rate: RateLimit;
  /** Largest request body, bytes (default 64 KiB: one forwarded record). */
  maxBodyBytes: number;
  /** Deadline for a whole request, headers and body, ms (default 10 s). */
  requestTimeoutMs: number;
  /** Most open connections (default 64). */
  maxConnections: number;
}

export const DEFAULT_PATH_LIMITS: PathLimits = {
  rate: { perSecond: 2, burst: 20 },
  maxBodyBytes: 64 * 1024,
  requestTimeoutMs: 10_000,
  maxConnections: 64,
};

/** A tree rebuilt from a blob's leaves payload. */
type Rebuilt = { header: LeavesHeader; tree: SumTree };

/**
 * The trees last rebuilt, by the (private) blob digest they were read from: one rebuild serves every user of a
 * snapshot who asks (a blob digest fixes its leaves). Bounded: the least recently used tree goes first; a failed
 * rebuild is not kept.
 */
export class TreeCache {
  private readonly trees = new Map<string, Promise<Rebuilt>>();

  constructor(private readonly max = 2) {}

  get(digest: string, build: () => Promise<Rebuilt>): Promise<Rebuilt> {
    let t = this.trees.get(digest);
    if (t !== undefined) this.trees.delete(digest);
    else {
      t = build();
      t.catch(() => this.trees.delete(digest));
    }
    this.trees.set(digest, t);
    while (this.trees.size > this.max) this.trees.delete(this.trees.keys().next().value as string);
    return t;
  }
}

/**
 * The committed path at the slot of a forwarded record (JSON `body`) in a private set this node can open. Throws an
 * {@link ApiError} naming the refusal: the record's own faults as the verifier service names them (schema, bad
 * signature, unknown member, wrong key, t not past, no committed set at t), a set that leaves the asset out
 * (404 asset_not_committed), a public set (409 public_set: its DA blob has the leaves), a node that is no recipient
 * at t (403 not_recipient), a blob that does not open or does not rebuild to the committed root (409), a slot outside
 * the tree (422 slot_outside_tree); 503 when the chain or the DA layer does not answer.
 */
export async function privateSlotPath(
  deps: VerifyDeps,
  validator: RecordValidator,
  body: unknown,
  trees?: TreeCache,
): Promise<PrivateSlotPathFile> {
  const { rows } = await validator.validate([body], "", 0);
  const row = rows[0];
  const member = getAddress(row.member);
  const t = BigInt(row.t);
  const at = `the set of ${member} at t ${t}`;
  const chain = <T>(what: string, fn: () => Promise<T>) =>
    withRetry(fn, { log: deps.log, what }).catch((e: unknown) => {
      if (e instanceof ApiError || e instanceof NoCommittedSetError) throw e;
      throw new ApiError(503, "chain_unavailable", `the chain could not be read: ${errorMessage(e).slice(0, 200)}`);
    });
  const set = await chain("commitment set", () => committedSet(deps.provider, deps.addresses.ledger, member, t)).catch(
    (e: unknown) => {
      if (e instanceof NoCommittedSetError) {
        throw new ApiError(422, "snapshot_not_committed", `${member} committed no set for t = ${t}`, "record.t");
      }
      throw e;
    },
  );
  const index = set.commitments.findIndex((c) => c.asset === row.asset);
  if (index < 0) {
    throw new ApiError(
      404,
      "asset_not_committed",
      `${at} leaves asset ${row.asset} out: the empty tree stands for it (every slot is empty there)`,
      "record.asset",
    );
  }
  const c = set.commitments[index];
  if (!set.isPrivate) {
    throw new ApiError(
      409,
      "public_set",
      `${at} is public: its DA blob ${c.blobDigest} holds the leaves; prove from it (fraud prove --blob-dir or ` +
        "--eigenda-url)",
      "record.member",
    );
  }
  const registry = new Contract(deps.addresses.registry, CONSORTIUM_REGISTRY_ABI, deps.provider);
  const key = await privateKeyFor(deps, registry, member, t).catch((e: unknown) => {
    if (e instanceof PrivateSetNotVerified) throw new ApiError(403, "not_recipient", e.message);
    if (e instanceof ApiError) throw e;
    throw new ApiError(503, "chain_unavailable", `the chain could not be read: ${errorMessage(e).slice(0, 200)}`);
  });
  if ("noRecipients" in key) throw new ApiError(409, "no_recipients", `${at}: ${key.noRecipients}`);
  const ctx = assetContext(deps, { member, t, requestId: 0n }, c, set.privateAssets[index]);
  let bytes: Uint8Array;
  try {
    bytes = await deps.blobs.fetch(ctx.blobDigest, { member, t, asset: c.asset });
  } catch (e) {
    const why = e instanceof BlobNotFoundError ? e.message : `the DA layer did not answer: ${errorMessage(e)}`;
    throw new ApiError(503, "blob_unavailable", `the blob of asset ${c.asset} of ${at}: ${why}`);
  }
  const digest = checkBlobDigest(bytes, ctx.blobDigest, blobDigest);
  if (!digest.ok) throw new ApiError(503, "blob_unavailable", `the blob of asset ${c.asset}: ${digest.reason}`);
  const opened = checkPrivateBlobOpens(bytes, key.operator, key.encryptionKey, blobContext(ctx));
  if (!opened.ok) {
    throw new ApiError(409, "blob_unopenable", `the blob of asset ${c.asset} of ${at}: ${opened.reason}`);
  }
  const format = checkBlobFormat(opened.value.inner);
  if (!format.ok) throw new ApiError(409, "blob_malformed", `the blob of asset ${c.asset} of ${at}: ${format.reason}`);
  const rebuild = () => rebuildFromLeaves(deps.crypto, format.value.leaves);
  let rebuilt: Rebuilt;
  try {
    rebuilt = await (trees === undefined ? rebuild() : trees.get(ctx.blobDigest, rebuild));
  } catch (e) {
    throw new ApiError(409, "blob_malformed", `the leaves of asset ${c.asset} of ${at}: ${errorMessage(e)}`);
  }
  let found: ReturnType<typeof slotPathInTree>;
  try {
    found = slotPathInTree(deps.crypto, rebuilt, BigInt(row.slot), `the tree of ${at}`);
  } catch (e) {
    if (e instanceof RangeError) throw new ApiError(422, "slot_outside_tree", e.message, "record.slot");
    throw e;
  }
  const h = found.header;
  if (h.member !== BigInt(member) || h.asset !== c.asset || h.t !== t || found.rootHash !== c.rootHash) {
    throw new ApiError(
      409,
      "blob_root_mismatch",
      `the leaves of asset ${c.asset} of ${at} rebuild to root hash ${found.rootHash}, not the committed ` +
        `${c.rootHash} (or name another member, asset or t)`,
    );
  }
  const node = (n: { h: bigint; s: bigint }) => ({ h: n.h.toString(), s: n.s.toString() });
  return {
    format: PRIVATE_SLOT_PATH_FORMAT,
    version: PRIVATE_SLOT_PATH_VERSION,
    operator: getAddress(key.operator),
    member,
    asset: c.asset,
    t: t.toString(),
    slot: row.slot,
    rootHash: c.rootHash.toString(),
    leaf: node(found.path.leaf),
    siblings: found.path.siblings.map(node),
  };
}

/** What the path server needs. */
export interface PathServerOptions {
  port: number;
  host?: string;
  /** The node's verification deps (undefined while the node has not started: 503). */
  deps: () => VerifyDeps | undefined;
  limits?: Partial<PathLimits>;
  log: Logger;
}

/** The path endpoint: `POST /path` with a forwarded record; everything else 404. */
export class PathApi {
  readonly limits: PathLimits;
  private readonly limiter: RateLimiter;
  private validator: RecordValidator | undefined;
  private readonly trees = new TreeCache();

  constructor(private readonly o: Omit<PathServerOptions, "port" | "host">) {
    this.limits = { ...DEFAULT_PATH_LIMITS, ...o.limits };
    this.limiter = new RateLimiter(this.limits.rate);
  }

  /** node:http listener. */
  readonly listener = (req: IncomingMessage, res: ServerResponse): void => {
    this.handle(req, res).catch((e: unknown) => {
      if (res.headersSent || res.destroyed) return;
      if (e instanceof ApiError) {
        send(res, e.status, { error: { code: e.code, message: e.message, where: e.where } }, e.headers);
      } else if (isClientDisconnect(e) || req.destroyed) {
        this.o.log.debug("client went away mid-request", { error: errorMessage(e) });
      } else {
        this.o.log.error("path request failed", { error: errorMessage(e), stack: (e as Error).stack });
        send(res, 500, { error: { code: "internal", message: "internal error" } });
      }
    });
  };

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://localhost").pathname.replace(/\/+$/, "") || "/";
    if (path !== "/path") throw new ApiError(404, "not_found", `no route ${path}`);
    if (req.method !== "POST") throw new ApiError(405, "method_not_allowed", "/path accepts POST only");
    const wait = this.limiter.take(clientKeys(req.socket.remoteAddress), 1);
    if (wait > 0) {
      throw new ApiError(
        429,
        "rate_limited",
        `too many path requests from this client: at most ${this.limits.rate.perSecond} per second; retry in ${wait} s`,
        undefined,
        { "retry-after": String(wait) },
      );
    }
    const deps = this.o.deps();
    if (deps === undefined) throw new ApiError(503, "starting", "the node has not finished starting");
    requireJson(req);
    const body = parseJson(await readBody(req, this.limits.maxBodyBytes));
    // One validator for the node's life (its caches of keys and member status are the verifier service's).
    this.validator ??= new RecordValidator(
      deps.crypto,
      new EthersChainView(deps.addresses.registry, deps.addresses.ledger, deps.provider, { log: deps.log }),
      { requireCommitted: true },
    );
    const file = await privateSlotPath(deps, this.validator, body, this.trees);
    // Not logged: the member or slot asked about (which user holds which record stays the user's business).
    this.o.log.info("private slot path served");
    send(res, 200, file);
  }
}

/** Starts the path endpoint on `host:port` (a port in use is a ConfigError naming `pathPort`). */
export async function servePaths(o: PathServerOptions): Promise<Server> {
  const api = new PathApi(o);
  const server = createBoundedServer(api.listener, api.limits, o.log);
  await listen(server, o.port, o.host ?? "127.0.0.1", "pathPort");
  return server;
}
