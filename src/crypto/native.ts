// Loader of the native crypto backend: the C++ Node-API addon built by `node native/build.mjs` into
// native/build/por_native.node (see native/README.md). It computes circomlib Poseidon, Merkle-sum tree
// levels and circomlibjs-compatible EdDSA-Poseidon signatures bit for bit as circomlibjs does, on all cores.
// If the addon is missing, fails to load or fails its self-test, loadNative() returns undefined and callers
// use pure JavaScript. Set POR_NATIVE=0 to force that fallback.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The native backend. Every function validates its input and throws TypeError or RangeError on bad input. */
export interface NativeCrypto {
  /** circomlib Poseidon over 1..16 field elements. */
  poseidon(inputs: bigint[]): bigint;
  /** Hash one tree level: `children` holds 2n nodes, each 64 bytes (h then s, each 32-byte little-endian);
   *  returns n parent nodes in the same layout: h = Poseidon(hL, sL, hR, sR), s = sL + sR. */
  hashLevel(children: Uint8Array): Uint8Array;
  /** One sparse level up: `index` (the populated indices, strictly ascending, as the bytes of a Uint32Array), their
   *  64-byte `nodes` and the level's `empty` node in; each node paired with its sibling or the empty node; returns
   *  the parents' indices and nodes (as hashLevel computes them), without a children buffer. */
  parentLevel(index: Uint8Array, nodes: Uint8Array, empty: Uint8Array): [Uint32Array, Uint8Array];
  /** n tuples of `arity` (1..16) field elements, 32 bytes LE each, tuple after tuple -> n 32-byte LE hashes. */
  poseidonMany(arity: number, inputs: Uint8Array): Uint8Array;
  /** Leaves: `pairs` holds n (accountKey, balance) pairs, each 64 bytes LE; returns n leaf hashes Poseidon(k, b), 32 bytes LE each. */
  hashLeaves(pairs: Uint8Array): Uint8Array;
  /** circomlibjs-compatible EdDSA-Poseidon: public key of a 32-byte private key. */
  publicKey(privateKey: Uint8Array): [bigint, bigint];
  /** circomlibjs-compatible signPoseidon over many messages (32-byte LE each); returns per message R8x,R8y,S (96 bytes LE). */
  signMany(privateKey: Uint8Array, messages: Uint8Array): Uint8Array;
  /** Batch EdDSA-Poseidon verification as verifyJs decides: n 192-byte items (m, R8x, R8y, S, Ax, Ay; 32-byte LE, any
   *  value below 2^256) in, n bytes (1 valid, 0 not) out, on all cores. */
  verifyMany(items: Uint8Array): Uint8Array;
  /** verifyMany off the JavaScript thread (one thread of Node's pool): the items are copied at the call; the promise
   *  resolves with the same verdict bytes verifyMany returns. */
  verifyManyAsync(items: Uint8Array): Promise<Uint8Array>;
  /** poseidonMany off the JavaScript thread (one thread of Node's pool): the same checks, thrown at the call. */
  poseidonManyAsync(arity: number, inputs: Uint8Array): Promise<Uint8Array>;
  /** SHA-256 of each segment of `data`; `ends` holds u32 LE ends (segment i is data[ends[i-1] .. ends[i])). */
  sha256Many(data: Uint8Array, ends: Uint8Array): Uint8Array;
  /** HMAC-SHA256(key, prefix || segment) of each segment (as sha256Many); the key is 1..64 bytes. */
  hmacSha256Many(key: Uint8Array, prefix: Uint8Array, data: Uint8Array, ends: Uint8Array): Uint8Array;
  /** keccak256 (Ethereum's) of each `stride`-byte item of `data`, 32 bytes each. */
  keccak256Many(data: Uint8Array, stride: number): Uint8Array;
}

/** The raw addon: the interface plus test helpers. */
interface NativeAddon extends NativeCrypto {
  /** BLAKE-512 (as the `blake-hash` package computes it), exposed for tests. */
  blake512(data: Uint8Array): Uint8Array;
  /** Worker threads the batch functions use (POR_NATIVE_THREADS or the core count). */
  threads: number;
  /** The Poseidon kernel hashLevel/hashLeaves use now: "avx512ifma" (CPUID-selected) or "scalar". */
  poseidonKernel(): "avx512ifma" | "scalar";
  /** Process-wide switch of the SIMD kernel, for tests and benchmarks (POR_NATIVE_SIMD=0 starts it off);
   *  returns the previous state. */
  setPoseidonSimd(enabled: boolean): boolean;
  /** signMany batched (one inversion per chunk, IFMA challenge hashes; default) or one message at a time; returns the previous state. */
  setSignBatched(enabled: boolean): boolean;
  /** The SHA-256 compression the hash batches use: "sha-ni" (CPUID-selected) or "scalar". */
  sha256Kernel(): "sha-ni" | "scalar";
  /** Process-wide switch of SHA-NI, for tests; returns the previous state. */
  setSha256Ni(enabled: boolean): boolean;
}

/** Where `node native/build.mjs` writes the addon. */
export const NATIVE_ADDON_PATH = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "native",
  "build",
  "por_native.node",
);

/** circomlibjs: Poseidon(1, 2). */
const SELF_TEST_EXPECTED = 7853200120776062878684798364095072458815029376092732009249414926327459813530n;
const ADDON_FUNCTIONS = [
  "poseidon",
  "poseidonMany",
  "hashLevel",
  "parentLevel",
  "hashLeaves",
  "publicKey",
  "signMany",
  "verifyMany",
  "verifyManyAsync",
  "poseidonManyAsync",
  "sha256Many",
  "hmacSha256Many",
  "keccak256Many",
  "blake512",
] as const;

interface LoadResult {
  addon?: NativeAddon;
  reason?: string;
}

let cached: LoadResult | undefined;

function tryLoad(path: string): LoadResult {
  if (process.env.POR_NATIVE === "0") return { reason: "disabled by POR_NATIVE=0" };
  if (!existsSync(path)) return { reason: `${path} not found (run \`node native/build.mjs\`)` };
  let mod: unknown;
  try {
    mod = createRequire(import.meta.url)(path);
  } catch (err) {
    return { reason: `${path} failed to load: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (typeof mod !== "object" || mod === null) return { reason: `${path} did not export an object` };
  const obj = mod as Record<string, unknown>;
  for (const name of ADDON_FUNCTIONS) {
    if (typeof obj[name] !== "function") return { reason: `${path} lacks the function ${name}` };
  }
  const addon = mod as NativeAddon;
  try {
    const got = addon.poseidon([1n, 2n]);
    if (got !== SELF_TEST_EXPECTED) return { reason: `${path} failed its self-test: Poseidon(1, 2) = ${got}` };
  } catch (err) {
    return { reason: `${path} failed its self-test: ${err instanceof Error ? err.message : String(err)}` };
  }
  return { addon };
}

function wrap(addon: NativeAddon): NativeCrypto {
  return Object.freeze({
    poseidon: (inputs: bigint[]) => addon.poseidon(inputs),
    poseidonMany: (arity: number, inputs: Uint8Array) => addon.poseidonMany(arity, inputs),
    hashLevel: (children: Uint8Array) => addon.hashLevel(children),
    parentLevel: (index: Uint8Array, nodes: Uint8Array, empty: Uint8Array) => addon.parentLevel(index, nodes, empty),
    hashLeaves: (pairs: Uint8Array) => addon.hashLeaves(pairs),
    publicKey: (privateKey: Uint8Array) => addon.publicKey(privateKey),
    signMany: (privateKey: Uint8Array, messages: Uint8Array) => addon.signMany(privateKey, messages),
    verifyMany: (items: Uint8Array) => addon.verifyMany(items),
    verifyManyAsync: (items: Uint8Array) => addon.verifyManyAsync(items),
    poseidonManyAsync: (arity: number, inputs: Uint8Array) => addon.poseidonManyAsync(arity, inputs),
    sha256Many: (data: Uint8Array, ends: Uint8Array) => addon.sha256Many(data, ends),
    hmacSha256Many: (key: Uint8Array, prefix: Uint8Array, data: Uint8Array, ends: Uint8Array) =>
      addon.hmacSha256Many(key, prefix, data, ends),
    keccak256Many: (data: Uint8Array, stride: number) => addon.keccak256Many(data, stride),
  });
}

/**
 * Loads the native backend (once per process) from native/build/por_native.node and checks it against a
 * known Poseidon vector. Returns undefined, never throws, if it is disabled (POR_NATIVE=0), not built,
 * not loadable on this platform, or wrong; {@link nativeUnavailableReason} then says why.
 * @param options.path load this addon file instead (uncached; for tests and tools)
 */
export function loadNative(options?: { path?: string }): NativeCrypto | undefined {
  if (options?.path !== undefined) {
    const r = tryLoad(options.path);
    return r.addon === undefined ? undefined : wrap(r.addon);
  }
  cached ??= tryLoad(NATIVE_ADDON_PATH);
  return cached.addon === undefined ? undefined : wrap(cached.addon);
}

/** Why {@link loadNative} returns undefined (undefined if the native backend is available). */
export function nativeUnavailableReason(): string | undefined {
  cached ??= tryLoad(NATIVE_ADDON_PATH);
  return cached.reason;
}

/** The raw addon with its test helpers (blake512, threads), or undefined. Not part of the stable interface. */
export function loadNativeAddonForTests(): NativeAddon | undefined {
  cached ??= tryLoad(NATIVE_ADDON_PATH);
  return cached.addon;
}
