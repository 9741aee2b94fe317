// Client of the EigenDA proxy's REST API (docs/protocol.md "Data availability (blob store)"):
//   store  POST {proxy}/put?commitment_mode=standard, application/octet-stream -> 200 + certificate bytes
//   fetch  GET  {proxy}/get/0x{certificate hex}?commitment_mode=standard    -> 200 + the raw bytes
//   health GET  {proxy}/health
// 503 (DA network down) and 429 (rate-limited) are retried with exponential backoff, then a
// BlobStoreUnavailableError; 418 (the certificate fails verification) is a BlobRefRejectedError: drop that ref.
// Payloads above `maxBlobBytes` are split into chunks, each stored as its own DA blob, plus one manifest blob
// (JSON, format `por.da-manifest` v1) listing the chunks' certificates and keccak256 and the whole's keccak256.
import { z } from "zod";

import {
  BlobIntegrityError,
  BlobNotFoundError,
  BlobRefRejectedError,
  BlobStoreError,
  BlobStoreUnavailableError,
  blobDigest,
  checkIntegrity,
  type BlobRef,
  type BlobStore,
} from "./core.js";

/** Options of {@link EigenDaProxyClient}. */
export interface EigenDaOptions {
  /** Largest payload the proxy accepts in one blob (default 16 MiB); larger payloads are chunked. */
  maxBlobBytes?: number;
  /** Retries after a 429, a 503 or a network error (default 5): at most `retries + 1` attempts per request. */
  retries?: number;
  /** First backoff delay in ms (default 500); doubles each retry, capped at `maxBackoff`. */
  backoff?: number;
  /** Cap of one backoff delay in ms (default 15 000). */
  maxBackoff?: number;
  /** Timeout of one HTTP request in ms (default 120 000: a DA dispersal can take a while). */
  timeout?: number;
  /** Called before each retry (for logs). */
  onRetry?: (info: { op: string; attempt: number; delayMs: number; reason: string }) => void;
}

/** Format tag of the manifest blob. */
export const MANIFEST_FORMAT = "por.da-manifest";

const hexBytes = z.string().regex(/^0x([0-9a-f]{2})+$/, "must be 0x + lower-case hex bytes");
const hex32 = z.string().regex(/^0x[0-9a-f]{64}$/, "must be 0x + 64 lower-case hex digits");

export const manifestSchema = z.strictObject({
  format: z.literal(MANIFEST_FORMAT),
  version: z.literal(1),
  size: z.number().int().min(0),
  keccak256: hex32,
  chunkSize: z.number().int().min(1),
  chunks: z.array(z.strictObject({ commitment: hexBytes, keccak256: hex32, size: z.number().int().min(1) })).min(1),
});

/** The manifest of a chunked blob. */
export type Manifest = z.infer<typeof manifestSchema>;

/** Encodes a manifest as UTF-8 JSON (the bytes stored as the manifest blob). */
export function encodeManifest(m: Manifest): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(m));
}

/** Decodes and validates a manifest blob; the chunk sizes must add up to `size`. */
export function decodeManifest(bytes: Uint8Array): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (e) {
    throw new BlobIntegrityError(`the manifest blob is not UTF-8 JSON (${(e as Error).message})`);
  }
  const r = manifestSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new BlobIntegrityError(`manifest field ${issue.path.map(String).join(".") || "(root)"}: ${issue.message}`);
  }
  const { chunks, chunkSize } = r.data;
  for (const [i, c] of chunks.entries()) {
    if (c.size > chunkSize || (i < chunks.length - 1 && c.size !== chunkSize)) {
      throw new BlobIntegrityError(
        `manifest chunk ${i} has ${c.size} bytes; chunks are ${chunkSize} bytes, the last one at most`,
      );
    }
  }
  const total = chunks.reduce((a, c) => a + c.size, 0);
  if (total !== r.data.size) throw new BlobIntegrityError(`manifest chunks add up to ${total}, not ${r.data.size}`);
  return r.data;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A {@link BlobStore} on an EigenDA proxy. */
export class EigenDaProxyClient implements BlobStore {
  readonly kind = "eigenda" as const;
  readonly maxBlobBytes: number;
  private readonly base: string;
  private readonly retries: number;
  private readonly backoff: number;
  private readonly maxBackoff: number;
  private readonly timeout: number;
  private readonly onRetry: EigenDaOptions["onRetry"];

  /** @param url the proxy's base URL, e.g. `http://127.0.0.1:3100`. */
  constructor(url: string, options: EigenDaOptions = {}) {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new BlobStoreError(`EigenDA proxy URL is not a URL: ${url}`);
    }
    if (u.protocol !== "http:" && u.protocol !== "https:") {
      throw new BlobStoreError(`EigenDA proxy URL must be http(s), got ${u.protocol}`);
    }
    this.base = u.href.replace(/\/+$/, "");
    this.maxBlobBytes = options.maxBlobBytes ?? 16 * 1024 * 1024;
    if (!Number.isInteger(this.maxBlobBytes) || this.maxBlobBytes < 1024) {
      throw new BlobStoreError("maxBlobBytes must be an integer >= 1024");
    }
    this.retries = options.retries ?? 5;
    this.backoff = options.backoff ?? 500;
    this.maxBackoff = options.maxBackoff ?? 15_000;
    this.timeout = options.timeout ?? 120_000;
    this.onRetry = options.onRetry;
  }

  /**
   * One request; returns the 200 body. The proxy's answers: 404 no such blob ({@link BlobNotFoundError}); 418 the
   * certificate fails verification, drop it ({@link BlobRefRejectedError}); 429 rate-limited, 503 DA network down, and
   * network errors: retried with backoff, then {@link BlobStoreUnavailableError}; 400 a malformed request (a bug
   * here, or a proxy of another version), 500 and anything else: {@link BlobStoreError} in words (the node retries
   * later without judging).
   */
  private async request(op: string, url: string, init: RequestInit): Promise<Uint8Array> {
    let last = "";
    for (let attempt = 0; ; attempt++) {
      let status: number | undefined;
      try {
        const res = await fetch(url, { ...init, signal: AbortSignal.timeout(this.timeout) });
        status = res.status;
        const body = new Uint8Array(await res.arrayBuffer());
        if (res.status === 200) return body;
        const text = new TextDecoder().decode(body.subarray(0, 200)).replace(/\s+/g, " ").trim();
        const said = text ? `: ${text}` : "";
        if (res.status === 404) throw new BlobNotFoundError(`${op}: the EigenDA proxy has no such blob (404${said})`);
        if (res.status === 418) {
          throw new BlobRefRejectedError(
            `${op}: the EigenDA proxy rejects the certificate (418, fails verification${said})`,
          );
        }
        if (res.status === 400) {
          throw new BlobStoreError(
            `${op}: the EigenDA proxy refused the request as malformed (400${said}): a bug in this client or a proxy ` +
              "of another API version",
          );
        }
        if (res.status !== 429 && res.status !== 503) {
          throw new BlobStoreError(`${op}: the EigenDA proxy answered HTTP ${res.status}${said}`);
        }
        last = `HTTP ${res.status}${text ? ` ${text}` : ""}`;
      } catch (e) {
        if (e instanceof BlobStoreError) throw e;
        last = `network error: ${(e as Error).message}`;
      }
      if (attempt >= this.retries) {
        const hint =
          status === 503
            ? "; the DA network is down: retry later or fail over"
            : status === 429
              ? "; the disperser is rate-limiting: retry later"
              : "";
        throw new BlobStoreUnavailableError(
          `${op}: the EigenDA proxy at ${this.base} stayed unavailable after ${attempt + 1} attempts (last: ${last})${hint}`,
        );
      }
      const delayMs = Math.min(this.maxBackoff, this.backoff * 2 ** attempt);
      this.onRetry?.({ op, attempt: attempt + 1, delayMs, reason: last });
      await sleep(delayMs);
    }
  }

  /** Stores one blob of at most maxBlobBytes; returns its certificate as 0x hex. */
  private async putOne(bytes: Uint8Array): Promise<string> {
    const body = await this.request("put", `${this.base}/put?commitment_mode=standard`, {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: bytes,
    });
    if (body.length === 0) throw new BlobStoreError("put: the EigenDA proxy returned an empty certificate");
    return "0x" + Buffer.from(body).toString("hex");
  }

  /** Fetches one blob by certificate. */
  private getOne(commitment: string): Promise<Uint8Array> {
    if (!/^0x([0-9a-f]{2})+$/.test(commitment)) throw new BlobStoreError(`not a certificate: ${commitment}`);
    return this.request("get", `${this.base}/get/${commitment}?commitment_mode=standard`, { method: "GET" });
  }

  async put(bytes: Uint8Array): Promise<BlobRef> {
    const keccak = blobDigest(bytes);
    if (bytes.length === 0) throw new BlobStoreError("put: refusing an empty blob (the proxy stores none)");
    if (bytes.length <= this.maxBlobBytes) {
      return {
        store: "eigenda",
        commitment: await this.putOne(bytes),
        keccak256: keccak,
        size: bytes.length,
        chunks: 0,
      };
    }
    const chunkSize = this.maxBlobBytes;
    const chunks: Manifest["chunks"] = [];
    for (let o = 0; o < bytes.length; o += chunkSize) {
      const chunk = bytes.subarray(o, Math.min(bytes.length, o + chunkSize));
      chunks.push({ commitment: await this.putOne(chunk), keccak256: blobDigest(chunk), size: chunk.length });
    }
    const manifest = encodeManifest({
      format: MANIFEST_FORMAT,
      version: 1,
      size: bytes.length,
      keccak256: keccak,
      chunkSize,
      chunks,
    });
    if (manifest.length > this.maxBlobBytes) {
      throw new BlobStoreError(
        `put: the manifest of ${chunks.length} chunks (${manifest.length} bytes) exceeds one blob; raise maxBlobBytes`,
      );
    }
    const commitment = await this.putOne(manifest);
    return { store: "eigenda", commitment, keccak256: keccak, size: bytes.length, chunks: chunks.length };
  }

  async get(ref: BlobRef): Promise<Uint8Array> {
    if (ref.store !== "eigenda") throw new BlobStoreError(`the EigenDA client cannot fetch a ${ref.store} ref`);
    if (ref.chunks === 0) {
      const bytes = await this.getOne(ref.commitment);
      checkIntegrity(ref, bytes, `EigenDA blob ${ref.commitment.slice(0, 18)}...`);
      return bytes;
    }
    const manifest = decodeManifest(await this.getOne(ref.commitment));
    if (manifest.keccak256 !== ref.keccak256 || manifest.size !== ref.size || manifest.chunks.length !== ref.chunks) {
      throw new BlobIntegrityError("the manifest blob does not describe the referenced blob (keccak, size or chunks)");
    }
    // The sizes are the member's word until the chunks arrive: nothing is allocated for them beforehand (a manifest
    // claiming 2^50 bytes must fail on its first chunk, not on an allocation).
    const parts: Uint8Array[] = [];
    for (const [i, c] of manifest.chunks.entries()) {
      const part = await this.getOne(c.commitment);
      checkIntegrity(c, part, `EigenDA chunk ${i}`);
      parts.push(part);
    }
    const out = Buffer.concat(parts);
    checkIntegrity(ref, out, "EigenDA chunked blob");
    return out;
  }

  /** Whether the proxy answers its health endpoint with 200 (no retries). */
  async health(): Promise<boolean> {
    try {
      const res = await fetch(`${this.base}/health`, { signal: AbortSignal.timeout(Math.min(this.timeout, 10_000)) });
      await res.arrayBuffer();
      return res.status === 200;
    } catch {
      return false;
    }
  }
}
