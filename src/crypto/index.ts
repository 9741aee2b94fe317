// The project's crypto facade: Poseidon, tree-level hashing, record keys, EdDSA-Poseidon signing and verification.
// Uses the native addon (src/crypto/native.ts) when it is built and passes its self-test, else pure JavaScript
// (circomlibjs's WebAssembly Poseidon, our own fixed-base Baby Jubjub) spread over worker threads.
import { availableParallelism } from "node:os";
import { setImmediate as yieldToLoop } from "node:timers/promises";

import { type Point } from "./babyjub.js";
import { expandKey, signManyJs, verifyJs, type Signature } from "./eddsa-js.js";
import { readLE32, writeLE32 } from "./field.js";
import {
  NODE_BYTES,
  VERIFY_ITEM_BYTES,
  encodeVerifyItems,
  hashLeavesJs,
  hashLevelJs,
  poseidonManyJs,
  signManyBytesJs,
  verifyItemAt,
  type VerifyItem,
} from "./kernels.js";
import { WorkerPool } from "./pool.js";
import { loadJsPoseidon, type JsPoseidon, type PoseidonFn } from "./poseidon-js.js";

export * from "./field.js";
export { BASE8, WEAK_KEY_REASON, inCurve, isInPrimeSubgroup, type Point } from "./babyjub.js";
export { blake512, type Signature } from "./eddsa-js.js";
export { NODE_BYTES, type VerifyItem } from "./kernels.js";

/** A synchronous Poseidon over 1..16 field elements. */
export type PoseidonLike = PoseidonFn;

/** The native backend's interface (implemented by src/crypto/native.ts; see its docs). */
export interface NativeCrypto {
  poseidon(inputs: bigint[]): bigint;
  hashLevel(children: Uint8Array): Uint8Array;
  parentLevel(index: Uint8Array, nodes: Uint8Array, empty: Uint8Array): [Uint32Array, Uint8Array];
  hashLeaves(pairs: Uint8Array): Uint8Array;
  publicKey(privateKey: Uint8Array): [bigint, bigint];
  signMany(privateKey: Uint8Array, messages: Uint8Array): Uint8Array;
  verifyMany(items: Uint8Array): Uint8Array;
  verifyManyAsync(items: Uint8Array): Promise<Uint8Array>;
}

/** Which implementation to use: `auto` picks native when available. */
export type BackendChoice = "auto" | "js" | "native";

/** Options of {@link loadCrypto}. */
export interface CryptoOptions {
  /** Backend selection (default `auto`, overridable with the env var `POR_CRYPTO_BACKEND`). */
  backend?: BackendChoice;
  /** Worker threads for the JS backend (default: all cores; 0 runs everything on the calling thread). */
  threads?: number;
}

/** The crypto operations the liabilities engine needs. Batch operations take and return the byte layouts below. */
export interface Crypto {
  /** `native` or `js`. */
  readonly backend: "native" | "js";
  /** circomlib Poseidon over 1..16 field elements. */
  poseidon(inputs: readonly bigint[]): bigint;
  /** Hashes n tuples of `arity` elements (32 bytes LE each, tuple after tuple) -> n 32-byte LE hashes. */
  poseidonMany(arity: number, inputs: Uint8Array): Promise<Uint8Array>;
  /** 2n nodes (64 bytes: h, s LE) -> n parents `h = Poseidon(hL, sL, hR, sR)`, `s = sL + sR`. No range checks. */
  hashLevel(children: Uint8Array): Promise<Uint8Array>;
  /**
   * One level of a sparse tree up, where the backend has it (the native addon): the level's populated indices
   * (strictly ascending), their 64-byte nodes and the level's empty node -> the parents' indices and nodes, each node
   * paired with its sibling or the empty node, hashed as {@link hashLevel} hashes. No range checks.
   */
  parentLevel?(
    index: Uint32Array,
    nodes: Uint8Array,
    empty: Uint8Array,
  ): Promise<{ index: Uint32Array; nodes: Uint8Array }>;
  /** n (accountKey, balance) 64-byte pairs -> n 32-byte leaf hashes `Poseidon(k, b)`. */
  hashLeaves(pairs: Uint8Array): Promise<Uint8Array>;
  /** Public key `(Ax, Ay)` of a 32-byte record private key (circomlibjs `prv2pub`). */
  publicKey(privateKey: Uint8Array): Point;
  /** Signs n 32-byte LE messages; returns n 96-byte signatures (R8x, R8y, S, LE). */
  signMany(privateKey: Uint8Array, messages: Uint8Array): Promise<Uint8Array>;
  /** Signs one message. */
  sign(privateKey: Uint8Array, message: bigint): Signature;
  /** Verifies an EdDSA-Poseidon signature as circomlib's EdDSAPoseidonVerifier does. */
  verify(message: bigint, signature: Signature, publicKey: Point): boolean;
  /**
   * Verifies many signatures (one boolean per item) without holding the calling thread: on the worker threads when
   * there are any, else inline, yielding to the event loop between small chunks.
   */
  verifyMany(items: readonly VerifyItem[]): Promise<boolean[]>;
  /** Releases what the instance holds (safe to call twice); the shared worker pool stays for the next instance. */
  close(): Promise<void>;
}

/** Loads the native backend if its module exists and returns one; never throws. */
export async function tryLoadNative(): Promise<NativeCrypto | undefined> {
  try {
    const spec = "./native.js";
    const mod = (await import(spec)) as { loadNative?: () => NativeCrypto | undefined };
    return typeof mod.loadNative === "function" ? mod.loadNative() : undefined;
  } catch {
    return undefined;
  }
}

/** Splits a buffer of `unit`-byte items into at most `parts` chunks on item boundaries. */
function split(buf: Uint8Array, unit: number, parts: number): Uint8Array[] {
  const items = buf.length / unit;
  const per = Math.ceil(items / parts);
  const out: Uint8Array[] = [];
  for (let i = 0; i < items; i += per) out.push(buf.slice(i * unit, Math.min(items, i + per) * unit));
  return out;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const total = chunks.reduce((a, c) => a + c.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** Below this many items a batch runs on the calling thread (messaging would cost more than it saves). */
const PARALLEL_MIN_ITEMS = 256;
/** Items per worker job: small enough to balance, large enough to amortise messaging. */
const JOB_ITEMS = 4096;

/** Signature checks done inline between two yields to the event loop (~2 ms each in JavaScript). */
const VERIFY_INLINE_CHUNK = 8;

/** Verifies encoded items on the calling thread, yielding to the event loop every few checks. */
async function verifyInline(items: readonly VerifyItem[], poseidon: PoseidonFn): Promise<boolean[]> {
  const buf = encodeVerifyItems(items);
  const out: boolean[] = [];
  for (let i = 0; i < items.length; i++) {
    if (i > 0 && i % VERIFY_INLINE_CHUNK === 0) await yieldToLoop();
    out.push(verifyItemAt(buf, i, poseidon));
  }
  return out;
}

/**
 * The process's worker pools, one per size, shared by every crypto instance and never terminated:
 * pools started and terminated again and again (one per test, per task run) crashed Node 22.23 with heap corruption
 * (SIGSEGV in V8's garbage collector, glibc "corrupted double-linked list"; reproduced with the pure-JS backend in a
 * loop of loadCrypto / verifyMany / close, never with one long-lived pool). Idle workers are unreferenced, so a
 * shared pool never holds the process open. A pool whose worker failed is replaced on the next use.
 */
const sharedPools = new Map<number, WorkerPool>();
let poolsStarted = 0;

/** How many worker pools this process has started (for tests: instances share them). */
export function workerPoolsStarted(): number {
  return poolsStarted;
}

function sharedPool(size: number): WorkerPool {
  let pool = sharedPools.get(size);
  if (pool === undefined || !pool.usable) {
    pool = new WorkerPool(size);
    poolsStarted++;
    sharedPools.set(size, pool);
  }
  return pool;
}

class JsCrypto implements Crypto {
  readonly backend = "js" as const;

  constructor(
    private readonly hash: JsPoseidon,
    private readonly threads: number,
  ) {}

  poseidon(inputs: readonly bigint[]): bigint {
    return this.hash(inputs);
  }

  private getPool(): WorkerPool | undefined {
    return this.threads <= 0 ? undefined : sharedPool(this.threads);
  }

  private async parallel(
    buf: Uint8Array,
    unit: number,
    inline: (b: Uint8Array) => Uint8Array,
    job: (pool: WorkerPool, b: Uint8Array) => Promise<Uint8Array>,
  ): Promise<Uint8Array> {
    const items = buf.length / unit;
    const pool = items >= PARALLEL_MIN_ITEMS ? this.getPool() : undefined;
    if (pool === undefined) return inline(buf);
    const parts = Math.max(pool.size, Math.ceil(items / JOB_ITEMS));
    return concat(await Promise.all(split(buf, unit, parts).map((c) => job(pool, c))));
  }

  poseidonMany(arity: number, inputs: Uint8Array): Promise<Uint8Array> {
    if (!Number.isInteger(arity) || arity < 1 || arity > 16) throw new RangeError("poseidonMany: arity must be 1..16");
    if (inputs.length % (arity * 32) !== 0) throw new RangeError("poseidonMany: inputs must hold whole tuples");
    return this.parallel(
      inputs,
      arity * 32,
      (b) => poseidonManyJs(arity, b, this.hash),
      (p, b) => p.run({ op: "poseidon", data: b, arity }),
    );
  }

  hashLevel(children: Uint8Array): Promise<Uint8Array> {
    if (children.length % (2 * NODE_BYTES) !== 0) throw new RangeError("hashLevel: children must hold 2n nodes");
    return this.parallel(
      children,
      2 * NODE_BYTES,
      (b) => hashLevelJs(b, this.hash),
      (p, b) => p.run({ op: "level", data: b }),
    );
  }

  hashLeaves(pairs: Uint8Array): Promise<Uint8Array> {
    if (pairs.length % 64 !== 0) throw new RangeError("hashLeaves: pairs must hold n 64-byte pairs");
    return this.parallel(
      pairs,
      64,
      (b) => hashLeavesJs(b, this.hash),
      (p, b) => p.run({ op: "leaves", data: b }),
    );
  }

  publicKey(privateKey: Uint8Array): Point {
    return expandKey(privateKey).publicKey;
  }

  signMany(privateKey: Uint8Array, messages: Uint8Array): Promise<Uint8Array> {
    expandKey(privateKey); // validates the key before any work is queued
    if (messages.length % 32 !== 0) throw new RangeError("signMany: messages must hold n 32-byte field elements");
    return this.parallel(
      messages,
      32,
      (b) => signManyBytesJs(privateKey, b, this.hash),
      (p, b) => p.run({ op: "sign", data: b, key: privateKey }),
    );
  }

  sign(privateKey: Uint8Array, message: bigint): Signature {
    return signManyJs(expandKey(privateKey), [message], this.hash)[0];
  }

  verify(message: bigint, signature: Signature, publicKey: Point): boolean {
    return verifyJs(message, signature, publicKey, this.hash);
  }

  /** Whether signature checks go to worker threads. */
  get hasWorkers(): boolean {
    return this.threads > 0;
  }

  async verifyMany(items: readonly VerifyItem[]): Promise<boolean[]> {
    if (items.length === 0) return [];
    const pool = this.getPool();
    if (pool === undefined) return verifyInline(items, this.hash);
    // Every check is worth a worker (~2 ms against ~0.1 ms of messaging): split over all workers, in item order.
    const chunks = split(encodeVerifyItems(items), VERIFY_ITEM_BYTES, Math.min(pool.size, items.length));
    const results = await Promise.all(chunks.map((c) => pool.run({ op: "verify", data: c })));
    return [...concat(results)].map((b) => b === 1);
  }

  /** Nothing to stop: the workers belong to the process's shared pool, whose idle workers never hold it open. */
  async close(): Promise<void> {}
}

/** Largest poseidonMany batch (tuples) the native backend runs on Node's thread pool instead of all its threads. */
const ASYNC_BATCH_MAX = 4096;
/** Threads of Node's pool (UV_THREADPOOL_SIZE, default 4), over which a verifyMany batch is split. */
const POOL_THREADS = Math.max(1, Math.min(1024, Number(process.env.UV_THREADPOOL_SIZE) || 4));

class NativeBackedCrypto implements Crypto {
  readonly backend = "native" as const;

  constructor(
    private readonly native: NativeCrypto,
    private readonly js: JsCrypto,
  ) {}

  poseidon(inputs: readonly bigint[]): bigint {
    return this.native.poseidon([...inputs]);
  }

  async poseidonMany(arity: number, inputs: Uint8Array): Promise<Uint8Array> {
    if (!Number.isInteger(arity) || arity < 1 || arity > 16) throw new RangeError("poseidonMany: arity must be 1..16");
    if (inputs.length % (arity * 32) !== 0) throw new RangeError("poseidonMany: inputs must hold whole tuples");
    const n = inputs.length / (arity * 32);
    // The addon's multi-threaded batches are Poseidon(2) (hashLeaves) and Poseidon(4) (hashLevel: a node pair
    // (hL, sL, hR, sR) is any four field elements; its sum half is ignored here). Other arities go one by one.
    const native = this.native as {
      poseidonMany?: (arity: number, inputs: Uint8Array) => Uint8Array;
      poseidonManyAsync?: (arity: number, inputs: Uint8Array) => Promise<Uint8Array>;
    };
    // A small batch (a verifier's request) goes to Node's thread pool and leaves the event loop free; a large one
    // (a tree, a snapshot) to the addon's threads, all cores at once.
    if (n <= ASYNC_BATCH_MAX && typeof native.poseidonManyAsync === "function") {
      return native.poseidonManyAsync.call(this.native, arity, inputs);
    }
    const batch = native.poseidonMany;
    if (typeof batch === "function") return batch.call(this.native, arity, inputs); // if the addon grows one
    if (arity === 2) return this.native.hashLeaves(inputs);
    if (arity === 4) {
      const parents = this.native.hashLevel(inputs);
      const out = new Uint8Array(n * 32);
      for (let i = 0; i < n; i++) out.set(parents.subarray(i * NODE_BYTES, i * NODE_BYTES + 32), i * 32);
      return out;
    }
    const out = new Uint8Array(n * 32);
    const tuple: bigint[] = new Array<bigint>(arity);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < arity; j++) tuple[j] = readLE32(inputs, (i * arity + j) * 32);
      writeLE32(out, i * 32, this.native.poseidon(tuple));
    }
    return out;
  }

  async hashLevel(children: Uint8Array): Promise<Uint8Array> {
    return this.native.hashLevel(children);
  }

  async hashLeaves(pairs: Uint8Array): Promise<Uint8Array> {
    return this.native.hashLeaves(pairs);
  }

  async parentLevel(
    index: Uint32Array,
    nodes: Uint8Array,
    empty: Uint8Array,
  ): Promise<{ index: Uint32Array; nodes: Uint8Array }> {
    const bytes = new Uint8Array(index.buffer, index.byteOffset, index.byteLength);
    const [parentIndex, parents] = this.native.parentLevel(bytes, nodes, empty);
    return { index: parentIndex, nodes: parents };
  }

  publicKey(privateKey: Uint8Array): Point {
    const [x, y] = this.native.publicKey(privateKey);
    return [x, y];
  }

  async signMany(privateKey: Uint8Array, messages: Uint8Array): Promise<Uint8Array> {
    return this.native.signMany(privateKey, messages);
  }

  sign(privateKey: Uint8Array, message: bigint): Signature {
    const m = new Uint8Array(32);
    writeLE32(m, 0, message);
    const s = this.native.signMany(privateKey, m);
    return { R8x: readLE32(s, 0), R8y: readLE32(s, 32), S: readLE32(s, 64) };
  }

  verify(message: bigint, signature: Signature, publicKey: Point): boolean {
    return this.native.verifyMany(encodeVerifyItems([{ message, signature, publicKey }]))[0] === 1;
  }

  /**
   * The addon's batch verification (verifyJs's verdicts, tested against it), off the event loop: verifyManyAsync
   * calls on Node's thread pool while the loop serves other requests (issue 18: the synchronous call, in chunks of
   * 128, held the loop for the whole batch, on one thread for a batch of 100).
   */
  async verifyMany(items: readonly VerifyItem[]): Promise<boolean[]> {
    if (items.length === 0) return [];
    // One pool job per ~64 items, at most one per pool thread (a batch of 100 uses two cores; concurrent batches
    // fill the pool); a key's window table is cached in the addon, so splitting costs no table rebuild.
    const encoded = encodeVerifyItems(items);
    const parts = Math.max(1, Math.min(POOL_THREADS, Math.floor(items.length / 64)));
    const verdicts = await Promise.all(
      split(encoded, VERIFY_ITEM_BYTES, parts).map((c) => this.native.verifyManyAsync(c)),
    );
    return Array.from(concat(verdicts), (b) => b === 1);
  }

  close(): Promise<void> {
    return this.js.close();
  }
}

/**
 * Loads the crypto backend. `auto` (default) uses the native addon when built, else pure JS; `native` fails if the
 * addon is missing. The environment variable `POR_CRYPTO_BACKEND` (js|native|auto) overrides the default.
 */
export async function loadCrypto(options: CryptoOptions = {}): Promise<Crypto> {
  const envChoice = process.env.POR_CRYPTO_BACKEND;
  const choice: BackendChoice =
    options.backend ??
    (envChoice === "js" || envChoice === "native" || envChoice === "auto" ? envChoice : undefined) ??
    "auto";
  const js = new JsCrypto(await loadJsPoseidon(), options.threads ?? availableParallelism());
  if (choice === "js") return js;
  const native = await tryLoadNative();
  if (native !== undefined) return new NativeBackedCrypto(native, js);
  if (choice === "native") throw new Error("the native crypto backend is not built (run `node native/build.mjs`)");
  return js;
}

/** Signature bytes (96, LE) -> a {@link Signature}. */
export function decodeSignature(bytes: Uint8Array, offset = 0): Signature {
  return { R8x: readLE32(bytes, offset), R8y: readLE32(bytes, offset + 32), S: readLE32(bytes, offset + 64) };
}
