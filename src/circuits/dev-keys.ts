// Development Groth16 keys computed directly from the development ceremony's known scalars, without powers of tau.
//
// DEVELOPMENT ONLY, INSECURE BY DESIGN. The development ceremony (ceremony.ts) is one public beacon over a fresh
// powers-of-tau accumulator and one public beacon over the circuit's zkey, so every toxic-waste scalar (tau, alpha,
// beta, delta) follows from the public constant DEV_BEACON, and anyone can forge proofs for these keys. That is also
// why the keys can be computed here directly: every key element is a known scalar times a generator. Nothing in this
// file may serve a production ceremony (production.ts runs real ptau files and contributions; it does not import
// this file), and `devZkey` refuses any beacon other than the documented development one unless a test asks for it.
//
// The output is byte for byte the zkey that snarkjs 0.7.6 writes for
//   powersOfTau.newAccumulator(2^ptauPower) -> powersOfTau.beacon(DEV_BEACON) -> powersOfTau.preparePhase2
//   -> zKey.newZKey(r1cs) -> zKey.beacon(DEV_BEACON)
// (test/circuits/dev-keys.test.ts compares the two). Where each scalar and byte comes from:
//
// - Beacon randomness (snarkjs misc.js rngFromBeaconParams): sha256 applied 2^iterations times to the beacon bytes;
//   the 32-byte result, read as 8 big-endian u32 words, seeds ChaCha20 (ffjavascript's ChaCha: 10 double rounds, the
//   block counter in word 12, output words in order).
// - A scalar draw (ffjavascript F1Field.fromRng): four u64 (each two u32 words, high word first), little-endian
//   limbs, masked to 254 bits, redrawn while >= r. The bytes are then used as a *Montgomery* element, so the scalar
//   is v * 2^-256 mod r.
// - powersOfTau.beacon on a fresh accumulator (keypair.js createPTauKey): tau, alpha, beta are the first three draws.
//   The accumulator starts at the generators, so the ptau holds tau^i G1, tau^i G2, alpha tau^i G1, beta tau^i G1,
//   beta G2; preparePhase2 turns them into Lagrange bases of every domain 2^0 .. 2^power (and 2^(power+1) for tauG1)
//   with an inverse FFT, the 2^(power+1) one over tauG1 whose last monomial tau^(2^(power+1)-1) is missing (zero).
// - zKey.beacon (zkey_beacon.js): a fresh generator from the same beacon parameters, so delta is the first draw again
//   (delta == tau in this ceremony); then the contribution's g1_s is G1.fromRng on the same generator.
// - zkey_new.js: domain n = 2^(floor(log2(constraints + public)) + 1); constraint rows c < nConstraints from the r1cs
//   plus one row per public signal s (A-coefficient 1 at row nConstraints + s). With L_c = L_c(tau) over the domain:
//   A_s = sum A coef L_c, B_s likewise, C'_s = beta A_s + alpha B_s + C_s. Sections: IC (3) = C' of s <= nPublic,
//   coefficients (4) = (matrix, row, signal, coef * R^2 mod r), A (5), B1 (6) in G1, B2 (7) in G2, C (8) = C' of the
//   private signals (divided by delta after the beacon), H (9) = odd points of the 2n Lagrange basis, divided by
//   delta (if n = 2^ptauPower, minus the term of the missing monomial).
// - The circuit hash (section 10) is blake2b-512 over the uncompressed points of zkey_new: alpha1, beta1, beta2,
//   gamma2 = G2, delta1 = G1, delta2 = G2, then the count and points of IC, of H in snarkjs's hashing form
//   tau^i (tau^n - 1) G1, of C (undivided), A, B1, B2. snarkjs hashes the H points in chunks of 2^14 that overrun
//   by one point when n >= 2^15: the extra point is tau^(n-1)(tau^n - 1) G1, or, if n = 2^ptauPower, the
//   difference of the 64 bytes that follow the ptau's tauG1 section (the tauG2 section header and the start of
//   G2's generator) and tau^(n-1) G1, computed with the same wasm calls snarkjs makes.
// - The contribution (section 10): delta G1, g1_s, delta g1_s, delta g2_sp, the transcript
//   blake2b-512(csHash, g1_s, delta g1_s) (g2_sp = G2.fromRng of ChaCha seeded with the transcript), the type 1
//   (beacon) and the parameters name, iterations and beacon hash.
//
// All scalars are BigInt arithmetic mod r; the points are fixed-base multiplications of the generators in
// snarkjs's wasm (ffjavascript's thread pool, g1m/g2m_timesScalarAffine then batchToAffine), so each point is in
// the canonical affine Montgomery form snarkjs writes.
import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

import * as snarkjs from "snarkjs";

import { powMod } from "../crypto/field.js";
import { cached, hashParts, sha256File } from "./cache.js";
import {
  DEV_BEACON,
  DEV_BEACON_ITERATIONS,
  DEV_BEACON_NAME,
  sharedCurve,
  snarkjsVersion,
  type CircuitKeys,
  type Progress,
} from "./ceremony.js";

/** BN254 scalar field order. */
export const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
/** BN254 base field order. */
const Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
const MONT_R = (1n << 256n) % R;
const MONT_R2 = (MONT_R * MONT_R) % R;
const MASK_254 = (1n << 254n) - 1n;
/** zkey_new.js hashes the H points in chunks of this many points. */
const H_HASH_CHUNK = 1 << 14;

// ---------------------------------------------------------------------------------------------------------
// Field arithmetic

const mod = (a: bigint): bigint => {
  const m = a % R;
  return m < 0n ? m + R : m;
};

function pow(base: bigint, exp: bigint): bigint {
  return powMod(base, exp, R);
}

const inv = (a: bigint): bigint => {
  if (mod(a) === 0n) throw new Error("inverse of zero");
  return pow(a, R - 2n);
};

/** Inverses of every element (Montgomery's batch trick). */
function batchInv(values: bigint[]): bigint[] {
  const prefix = new Array<bigint>(values.length);
  let acc = 1n;
  for (let i = 0; i < values.length; i++) {
    prefix[i] = acc;
    acc = (acc * values[i]) % R;
  }
  let accInv = inv(acc);
  const out = new Array<bigint>(values.length);
  for (let i = values.length - 1; i >= 0; i--) {
    out[i] = (accInv * prefix[i]) % R;
    accInv = (accInv * values[i]) % R;
  }
  return out;
}

/** The 2^bits-th root of unity of ffjavascript's FFTs (Fr.w[bits]). */
function rootOfUnity(bits: number): bigint {
  // r - 1 = 2^28 * t; ffjavascript takes w[28] = nqr^t with nqr = 5 (r's least quadratic non-residue) and squares down.
  const s = 28n;
  const t = (R - 1n) >> s;
  let w = pow(5n, t);
  for (let i = 28; i > bits; i--) w = (w * w) % R;
  return w;
}

/** L_i(tau) for i in 0..size-1 over the domain of `size` (a power of two) roots of unity. */
export function lagrangeAt(tau: bigint, size: number): bigint[] {
  const w = rootOfUnity(Math.log2(size));
  const zOverN = ((pow(tau, BigInt(size)) - 1n + R) * inv(BigInt(size))) % R;
  const wi = new Array<bigint>(size);
  const denominators = new Array<bigint>(size);
  let acc = 1n;
  for (let i = 0; i < size; i++) {
    wi[i] = acc;
    denominators[i] = mod(tau - acc);
    acc = (acc * w) % R;
  }
  const invs = batchInv(denominators);
  return wi.map((x, i) => (((x * zOverN) % R) * invs[i]) % R);
}

// ---------------------------------------------------------------------------------------------------------
// Beacon randomness

/** ChaCha20 as ffjavascript's ChaCha: seeded with 8 words, emits the 16 words of each block in order. */
export class ChaCha {
  private readonly state: Uint32Array;
  private readonly block = new Uint32Array(16);
  private idx = 16;

  constructor(seed: number[]) {
    this.state = Uint32Array.from([0x61707865, 0x3320646e, 0x79622d32, 0x6b206574, ...seed, 0, 0, 0, 0]);
  }

  nextU32(): number {
    if (this.idx === 16) this.update();
    return this.block[this.idx++];
  }

  nextU64(): bigint {
    const hi = BigInt(this.nextU32());
    return (hi << 32n) + BigInt(this.nextU32());
  }

  nextBool(): boolean {
    return (this.nextU32() & 1) === 1;
  }

  private update(): void {
    const x = this.block;
    x.set(this.state);
    const rotl = (v: number, n: number) => (v << n) | (v >>> (32 - n));
    const qr = (a: number, b: number, c: number, d: number) => {
      x[a] += x[b];
      x[d] = rotl(x[d] ^ x[a], 16);
      x[c] += x[d];
      x[b] = rotl(x[b] ^ x[c], 12);
      x[a] += x[b];
      x[d] = rotl(x[d] ^ x[a], 8);
      x[c] += x[d];
      x[b] = rotl(x[b] ^ x[c], 7);
    };
    for (let i = 0; i < 10; i++) {
      qr(0, 4, 8, 12);
      qr(1, 5, 9, 13);
      qr(2, 6, 10, 14);
      qr(3, 7, 11, 15);
      qr(0, 5, 10, 15);
      qr(1, 6, 11, 12);
      qr(2, 7, 8, 13);
      qr(3, 4, 9, 14);
    }
    for (let i = 0; i < 16; i++) x[i] += this.state[i];
    this.idx = 0;
    // 128-bit block counter in words 12..15.
    for (let i = 12; i < 16; i++) {
      this.state[i] += 1;
      if (this.state[i] !== 0) break;
    }
  }
}

function seedWords(hash: Uint8Array): number[] {
  const view = new DataView(hash.buffer, hash.byteOffset, hash.byteLength);
  return Array.from({ length: 8 }, (_, i) => view.getUint32(i * 4, false));
}

export function hexBytes(hex: string): Uint8Array {
  const h = hex.startsWith("0x") ? hex.slice(2) : hex;
  if (h.length === 0 || h.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(h)) throw new Error(`invalid beacon hash "${hex}"`);
  if (h.length / 2 >= 256) throw new Error("beacon hash longer than 255 bytes");
  return Uint8Array.from(Buffer.from(h, "hex"));
}

/** The generator snarkjs seeds from beacon parameters: sha256 iterated 2^iterationsExp times. */
export function beaconRng(beacon: Uint8Array, iterationsExp: number): ChaCha {
  if (!Number.isInteger(iterationsExp) || iterationsExp < 10 || iterationsExp > 63) {
    throw new Error("beacon iterations exponent must be between 10 and 63");
  }
  let h: Uint8Array = beacon;
  const total = 2n ** BigInt(iterationsExp);
  for (let i = 0n; i < total; i++) h = createHash("sha256").update(h).digest();
  return new ChaCha(seedWords(h));
}

/** One scalar as ffjavascript's Fr.fromRng draws it: the drawn bytes are read as a Montgomery form. */
export function drawScalar(rng: ChaCha): bigint {
  let v: bigint;
  do {
    v = 0n;
    for (let i = 0n; i < 4n; i++) v += rng.nextU64() << (64n * i);
    v &= MASK_254;
  } while (v >= R);
  return (v * inv(MONT_R)) % R;
}

export interface ToxicWaste {
  tau: bigint;
  alpha: bigint;
  beta: bigint;
  delta: bigint;
}

/** The development ceremony's toxic waste, as the two snarkjs beacons draw it. */
export function beaconToxicWaste(beacon: Uint8Array, iterationsExp: number): ToxicWaste {
  const ptauRng = beaconRng(beacon, iterationsExp);
  const tau = drawScalar(ptauRng);
  const alpha = drawScalar(ptauRng);
  const beta = drawScalar(ptauRng);
  const delta = drawScalar(beaconRng(beacon, iterationsExp));
  return { tau, alpha, beta, delta };
}

// ---------------------------------------------------------------------------------------------------------
// The r1cs

interface Term {
  signal: number;
  coef: bigint;
}

interface R1cs {
  nVars: number;
  nPublic: number;
  nConstraints: number;
  constraints: Array<[Term[], Term[], Term[]]>;
}

function parseR1cs(bytes: Uint8Array): R1cs {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (Buffer.from(bytes.subarray(0, 4)).toString("latin1") !== "r1cs") throw new Error("not an r1cs file");
  const nSections = view.getUint32(8, true);
  const sections = new Map<number, { start: number; size: number }>();
  let p = 12;
  for (let i = 0; i < nSections; i++) {
    const id = view.getUint32(p, true);
    const size = Number(view.getBigUint64(p + 4, true));
    if (sections.has(id)) throw new Error(`r1cs section ${id} duplicated`);
    sections.set(id, { start: p + 12, size });
    p += 12 + size;
  }
  const header = sections.get(1);
  const body = sections.get(2);
  if (!header || !body) throw new Error("r1cs without header or constraints");
  let h = header.start;
  const n8 = view.getUint32(h, true);
  if (n8 !== 32) throw new Error("r1cs field is not BN254's scalar field");
  const prime = leToBig(bytes, h + 4, n8);
  if (prime !== R) throw new Error("r1cs prime is not BN254's scalar field order");
  h += 4 + n8;
  const nVars = view.getUint32(h, true);
  const nOutputs = view.getUint32(h + 4, true);
  const nPubInputs = view.getUint32(h + 8, true);
  const nConstraints = view.getUint32(h + 24, true);
  let q = body.start;
  const readLc = (): Term[] => {
    const count = view.getUint32(q, true);
    q += 4;
    const terms: Term[] = [];
    for (let i = 0; i < count; i++) {
      terms.push({ signal: view.getUint32(q, true), coef: leToBig(bytes, q + 4, n8) });
      q += 4 + n8;
    }
    return terms;
  };
  const constraints: Array<[Term[], Term[], Term[]]> = [];
  for (let c = 0; c < nConstraints; c++) constraints.push([readLc(), readLc(), readLc()]);
  return { nVars, nPublic: nOutputs + nPubInputs, nConstraints, constraints };
}

function leToBig(bytes: Uint8Array, offset: number, n: number): bigint {
  let v = 0n;
  for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[offset + i]);
  return v;
}

function bigToLe(out: Uint8Array, offset: number, v: bigint, n = 32): void {
  let x = v;
  for (let i = 0; i < n; i++) {
    out[offset + i] = Number(x & 0xffn);
    x >>= 8n;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Curve points (snarkjs's wasm curve)

interface Rng {
  nextU32(): number;
  nextU64(): bigint;
  nextBool(): boolean;
}

interface WasmGroup {
  F: { n8: number };
  g: Uint8Array;
  toAffine(p: Uint8Array): Uint8Array;
  add(a: Uint8Array, b: Uint8Array): Uint8Array;
  timesScalar(p: Uint8Array, s: Uint8Array): Uint8Array;
  fromRng(rng: Rng): Uint8Array;
  batchLEMtoU(buff: Uint8Array): Promise<Uint8Array>;
}

interface WasmCurve {
  G1: WasmGroup;
  G2: WasmGroup;
  tm: { queueAction(task: unknown[]): Promise<Uint8Array[]> };
}

type Group = "G1" | "G2";

/** Bits per comb window: scalar * G = sum over the 32 bytes b_j of the scalar of table[j][b_j] = b_j 2^(8j) G. */
const WINDOW_BITS = 8;
const WINDOWS = 32;
const tables = new WeakMap<WasmGroup, Uint8Array>();

/** The comb table of a group's generator: entry (j, d) = d 2^(8j) G for d in 1..255, affine LEM. */
function combTable(G: WasmGroup): Uint8Array {
  const cached = tables.get(G);
  if (cached) return cached;
  const sAffine = G.F.n8 * 2;
  const entries = (1 << WINDOW_BITS) - 1;
  const table = new Uint8Array(WINDOWS * entries * sAffine);
  let base = G.g;
  for (let j = 0; j < WINDOWS; j++) {
    let acc = base;
    for (let d = 1; d <= entries; d++) {
      table.set(G.toAffine(acc), (j * entries + d - 1) * sAffine);
      acc = G.add(acc, base);
    }
    base = acc; // 256 * base
  }
  tables.set(G, table);
  return table;
}

/**
 * scalars[i] * generator for every i, as affine LEM points (the form zkey sections hold). A fixed-base comb: each
 * point is the sum of at most 32 table entries, which one wasm multiexp call adds (every scalar 1), in
 * ffjavascript's worker threads; then batchToAffine, as snarkjs ends its own point computations.
 */
async function generatorMultiples(curve: WasmCurve, group: Group, scalars: bigint[]): Promise<Uint8Array> {
  const G = curve[group];
  const prefix = group === "G1" ? "g1m" : "g2m";
  const sAffine = G.F.n8 * 2;
  const sJacobian = G.F.n8 * 3;
  const table = combTable(G);
  const entries = (1 << WINDOW_BITS) - 1;
  const ones = new Uint8Array(WINDOWS).fill(1);
  const chunk = group === "G1" ? 512 : 256;
  const out = new Uint8Array(scalars.length * sAffine);
  const jobs: Array<Promise<void>> = [];
  const digits = new Uint8Array(32);
  for (let start = 0; start < scalars.length; start += chunk) {
    const n = Math.min(chunk, scalars.length - start);
    const bases = new Uint8Array(n * WINDOWS * sAffine);
    const task: unknown[] = [
      { cmd: "ALLOCSET", var: 0, buff: bases },
      { cmd: "ALLOCSET", var: 1, buff: ones },
      { cmd: "ALLOC", var: 2, len: n * sJacobian },
    ];
    for (let i = 0; i < n; i++) {
      bigToLe(digits, 0, mod(scalars[start + i]));
      const first = i * WINDOWS * sAffine;
      let terms = 0;
      for (let j = 0; j < WINDOWS; j++) {
        const d = digits[j];
        if (d === 0) continue;
        const from = (j * entries + d - 1) * sAffine;
        bases.set(table.subarray(from, from + sAffine), first + terms * sAffine);
        terms++;
      }
      const pOut = { var: 2, offset: i * sJacobian };
      if (terms === 0) {
        task.push({ cmd: "CALL", fnName: `${prefix}_zero`, params: [pOut] });
      } else {
        task.push({
          cmd: "CALL",
          fnName: `${prefix}_multiexpAffine`,
          params: [{ var: 0, offset: first }, { var: 1 }, { val: 1 }, { val: terms }, pOut],
        });
      }
    }
    task.push({ cmd: "CALL", fnName: `${prefix}_batchToAffine`, params: [{ var: 2 }, { val: n }, { var: 2 }] });
    task.push({ cmd: "GET", out: 0, var: 2, len: n * sAffine });
    jobs.push(curve.tm.queueAction(task).then((r) => out.set(r[0], start * sAffine)));
  }
  await Promise.all(jobs);
  return out;
}

/** One point times a scalar, affine LEM. */
function times(curve: WasmCurve, group: Group, point: Uint8Array, s: bigint): Uint8Array {
  const G = curve[group];
  const bs = new Uint8Array(32);
  bigToLe(bs, 0, mod(s));
  return G.toAffine(G.timesScalar(point, bs));
}

/**
 * The extra H point snarkjs hashes when the domain fills the ptau (see the file header): g1m_subAffine of the 64
 * bytes after the ptau's tauG1 section and tau^(n-1) G1, in uncompressed form.
 */
async function overrunHashPoint(curve: WasmCurve, ptauPower: number, tauPowNm1G1: Uint8Array): Promise<Uint8Array> {
  const after = new Uint8Array(64);
  const view = new DataView(after.buffer);
  view.setUint32(0, 3, true); // the next section's id: tauG2
  view.setBigUint64(4, BigInt(2 ** ptauPower * 128), true); // its size: 2^power G2 points
  after.set(curve.G2.toAffine(curve.G2.g).subarray(0, 52), 12); // the start of its first point, tau^0 G2
  const task = [
    { cmd: "ALLOCSET", var: 0, buff: after },
    { cmd: "ALLOCSET", var: 1, buff: tauPowNm1G1 },
    { cmd: "ALLOC", var: 2, len: 96 },
    { cmd: "CALL", fnName: "g1m_subAffine", params: [{ var: 0 }, { var: 1 }, { var: 2 }] },
    { cmd: "CALL", fnName: "g1m_batchToAffine", params: [{ var: 2 }, { val: 1 }, { var: 2 }] },
    { cmd: "CALL", fnName: "g1m_batchLEMtoU", params: [{ var: 2 }, { val: 1 }, { var: 2 }] },
    { cmd: "GET", out: 0, var: 2, len: 64 },
  ];
  return (await curve.tm.queueAction(task))[0];
}

// ---------------------------------------------------------------------------------------------------------
// The zkey

export interface DevZkeyOptions {
  /** Size of the (virtual) development powers of tau: 2^ptauPower. The H section and circuit hash depend on it. */
  ptauPower: number;
  /** Beacon hash (hex); only tests pass anything but DEV_BEACON, and must say so with `allowOtherBeacon`. */
  beacon?: string;
  iterationsExp?: number;
  /** The contribution name both beacons record. */
  name?: string;
  allowOtherBeacon?: boolean;
}

/** Smallest domain exponent zkey_new.js uses for an r1cs: floor(log2(constraints + public)) + 1. */
export function domainPower(nConstraints: number, nPublic: number): number {
  let power = 1;
  while (2 ** power <= nConstraints + nPublic) power++;
  return power;
}

class Writer {
  private readonly parts: Uint8Array[] = [];
  length = 0;
  bytes(b: Uint8Array): void {
    this.parts.push(b);
    this.length += b.byteLength;
  }
  u32(v: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v, true);
    this.bytes(b);
  }
  u64(v: number): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(v), true);
    this.bytes(b);
  }
  big(v: bigint, n: number): void {
    const b = new Uint8Array(n);
    bigToLe(b, 0, v, n);
    this.bytes(b);
  }
  section(id: number, body: Writer): void {
    this.u32(id);
    this.u64(body.length);
    for (const p of body.parts) this.bytes(p);
  }
  concat(): Uint8Array {
    return Buffer.concat(this.parts);
  }
}

function u32be(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v, false);
  return b;
}

/** The development zkey of an r1cs, byte for byte what the snarkjs development ceremony writes. */
export async function devZkey(r1csBytes: Uint8Array, options: DevZkeyOptions): Promise<Uint8Array> {
  const beaconHex = options.beacon ?? DEV_BEACON;
  const iterationsExp = options.iterationsExp ?? DEV_BEACON_ITERATIONS;
  if ((beaconHex !== DEV_BEACON || iterationsExp !== DEV_BEACON_ITERATIONS) && !options.allowOtherBeacon) {
    throw new Error("devZkey computes development keys from the public development beacon only");
  }
  const beacon = hexBytes(beaconHex);
  const name = options.name ?? DEV_BEACON_NAME;
  const { tau, alpha, beta, delta } = beaconToxicWaste(beacon, iterationsExp);
  const curve = (await sharedCurve()) as WasmCurve;

  const r1cs = parseR1cs(r1csBytes);
  const { nVars, nPublic, nConstraints } = r1cs;
  const power = domainPower(nConstraints, nPublic);
  if (power > options.ptauPower) {
    throw new Error(`circuit too big for powers of tau 2^${options.ptauPower}: it needs 2^${power}`);
  }
  const n = 2 ** power;

  // QAP polynomials at tau.
  const lag = lagrangeAt(tau, n);
  const a = new Array<bigint>(nVars).fill(0n);
  const b = new Array<bigint>(nVars).fill(0n);
  const c = new Array<bigint>(nVars).fill(0n);
  const coefs = new Writer();
  let nCoefs = 0;
  const coefEntry = (matrix: number, row: number, signal: number, coef: bigint) => {
    coefs.u32(matrix);
    coefs.u32(row);
    coefs.u32(signal);
    coefs.big((mod(coef) * MONT_R2) % R, 32);
    nCoefs++;
  };
  r1cs.constraints.forEach(([la, lb, lc], row) => {
    for (const t of la) {
      a[t.signal] = (a[t.signal] + t.coef * lag[row]) % R;
      coefEntry(0, row, t.signal, t.coef);
    }
    for (const t of lb) {
      b[t.signal] = (b[t.signal] + t.coef * lag[row]) % R;
      coefEntry(1, row, t.signal, t.coef);
    }
    for (const t of lc) c[t.signal] = (c[t.signal] + t.coef * lag[row]) % R;
  });
  for (let s = 0; s <= nPublic; s++) {
    a[s] = (a[s] + lag[nConstraints + s]) % R;
    coefEntry(0, nConstraints + s, s, 1n);
  }
  const cPrime = a.map((_, s) => (beta * a[s] + alpha * b[s] + c[s]) % R);
  const deltaInv = inv(delta);

  // H: odd points of the 2n Lagrange basis (missing its top monomial if 2n exceeds the ptau's tauG1).
  const lag2 = lagrangeAt(tau, 2 * n);
  const h = new Array<bigint>(n);
  const truncated = power === options.ptauPower;
  const topTerm = truncated ? (pow(tau, BigInt(2 * n - 1)) * inv(BigInt(2 * n))) % R : 0n;
  // The missing monomial's term in L_k is w^k tau^(2n-1) / 2n, w the 2n-th root of unity (k = 2i + 1).
  const w2n = rootOfUnity(power + 1);
  const w2nSquared = (w2n * w2n) % R;
  for (let i = 0, wk = w2n; i < n; i++, wk = (wk * w2nSquared) % R) {
    const correction = truncated ? (wk * topTerm) % R : 0n;
    h[i] = (mod(lag2[2 * i + 1] - correction) * deltaInv) % R;
  }
  // H as zkey_new.js hashes it: tau^i (tau^n - 1) for the points its chunked loop reads.
  const hashCount = Math.ceil((n - 1) / H_HASH_CHUNK) * Math.min(n - 1, H_HASH_CHUNK);
  const zAtTau = mod(pow(tau, BigInt(n)) - 1n);
  const ptauTauG1Points = 2 ** (options.ptauPower + 1) - 1;
  const hHash: bigint[] = [];
  let overrun = false;
  for (let i = 0, t = 1n; i < hashCount; i++, t = (t * tau) % R) {
    if (i + n < ptauTauG1Points) hHash.push((t * zAtTau) % R);
    else if (i + n === ptauTauG1Points && i === hashCount - 1) overrun = true;
    else throw new Error("unexpected H hashing layout");
  }

  const pub = cPrime.slice(0, nPublic + 1);
  const priv = cPrime.slice(nPublic + 1);
  const [ic, cUndivided, cDivided, pA, pB1, hPoints, hHashPoints, header1] = await Promise.all([
    generatorMultiples(curve, "G1", pub),
    generatorMultiples(curve, "G1", priv),
    generatorMultiples(
      curve,
      "G1",
      priv.map((x) => (x * deltaInv) % R),
    ),
    generatorMultiples(curve, "G1", a),
    generatorMultiples(curve, "G1", b),
    generatorMultiples(curve, "G1", h),
    generatorMultiples(curve, "G1", hHash),
    generatorMultiples(curve, "G1", [alpha, beta, delta, 1n, overrun ? pow(tau, BigInt(n - 1)) : 0n]),
  ]);
  const [pB2, header2] = await Promise.all([
    generatorMultiples(curve, "G2", b),
    generatorMultiples(curve, "G2", [beta, delta, 1n]),
  ]);
  const g1 = (pts: Uint8Array, i: number) => pts.subarray(i * 64, (i + 1) * 64);
  const g2 = (pts: Uint8Array, i: number) => pts.subarray(i * 128, (i + 1) * 128);
  const [alpha1, beta1, delta1, gen1, tauNm1] = [0, 1, 2, 3, 4].map((i) => g1(header1, i));
  const [beta2, delta2, gen2] = [0, 1, 2].map((i) => g2(header2, i));

  // The circuit hash (zkey_new.js), over its points before the beacon.
  const cs = createHash("blake2b512");
  const U1 = (p: Uint8Array) => curve.G1.batchLEMtoU(p);
  const U2 = (p: Uint8Array) => curve.G2.batchLEMtoU(p);
  cs.update(await U1(alpha1));
  cs.update(await U1(beta1));
  cs.update(await U2(beta2));
  cs.update(await U2(gen2));
  cs.update(await U1(gen1));
  cs.update(await U2(gen2));
  cs.update(u32be(nPublic + 1));
  cs.update(await U1(ic));
  cs.update(u32be(n - 1));
  cs.update(await U1(hHashPoints));
  if (overrun) cs.update(await overrunHashPoint(curve, options.ptauPower, tauNm1));
  cs.update(u32be(nVars - nPublic - 1));
  cs.update(await U1(cUndivided));
  cs.update(u32be(nVars));
  cs.update(await U1(pA));
  cs.update(u32be(nVars));
  cs.update(await U1(pB1));
  cs.update(u32be(nVars));
  cs.update(await U2(pB2));
  const csHash = cs.digest();

  // The beacon contribution (zkey_beacon.js): delta, then g1_s from the same generator.
  const rng = beaconRng(beacon, iterationsExp);
  if (drawScalar(rng) !== delta) throw new Error("internal: delta draw mismatch");
  const g1s = curve.G1.toAffine(curve.G1.fromRng(rng));
  const g1sx = times(curve, "G1", g1s, delta);
  const transcript = createHash("blake2b512")
    .update(csHash)
    .update(await U1(g1s))
    .update(await U1(g1sx))
    .digest();
  const g2sp = curve.G2.toAffine(curve.G2.fromRng(new ChaCha(seedWords(transcript))));
  const g2spx = times(curve, "G2", g2sp, delta);

  const file = new Writer();
  file.bytes(Buffer.from("zkey", "latin1"));
  file.u32(1); // version
  file.u32(10); // sections
  const s1 = new Writer();
  s1.u32(1); // Groth16
  file.section(1, s1);
  const s2 = new Writer();
  s2.u32(32);
  s2.big(Q, 32);
  s2.u32(32);
  s2.big(R, 32);
  s2.u32(nVars);
  s2.u32(nPublic);
  s2.u32(n);
  for (const p of [alpha1, beta1, beta2, gen2, delta1, delta2]) s2.bytes(p);
  file.section(2, s2);
  const points = (p: Uint8Array) => {
    const w = new Writer();
    w.bytes(p);
    return w;
  };
  file.section(3, points(ic));
  const s4 = new Writer();
  s4.u32(nCoefs);
  s4.bytes(coefs.concat());
  file.section(4, s4);
  file.section(5, points(pA));
  file.section(6, points(pB1));
  file.section(7, points(pB2));
  file.section(8, points(cDivided));
  file.section(9, points(hPoints));
  const s10 = new Writer();
  s10.bytes(csHash);
  s10.u32(1); // one contribution
  for (const p of [delta1, g1s, g1sx, g2spx, transcript]) s10.bytes(p);
  s10.u32(1); // type: beacon
  const nameBytes = new TextEncoder().encode(name.substring(0, 64));
  const params = Uint8Array.from([1, nameBytes.length, ...nameBytes, 2, iterationsExp, 3, beacon.length, ...beacon]);
  s10.u32(params.length);
  s10.bytes(params);
  file.section(10, s10);
  return file.concat();
}

// ---------------------------------------------------------------------------------------------------------
// The pipeline's entry point

/**
 * The development proving and verifying keys of a compiled circuit, cached by what they are made from: the r1cs,
 * the size of the (virtual) powers of tau, the beacon and the snarkjs version whose format and vkey export they
 * follow. Byte for byte the keys of `devKeysViaPtau` over `devPtau(ptauPower)`, without the powers of tau.
 */
export async function devKeys(name: string, r1cs: string, ptauPower: number, progress: Progress): Promise<CircuitKeys> {
  const key = hashParts([
    "zkey/dev-direct/v1",
    await sha256File(r1cs),
    String(ptauPower),
    DEV_BEACON,
    String(DEV_BEACON_ITERATIONS),
    snarkjsVersion(),
  ]);
  const { dir, hit } = await cached("zkey", key, async (tmp) => {
    progress.step(`${name}: development keys (from the public beacon's scalars, as a 2^${ptauPower} ceremony)`);
    await writeFile(join(tmp, "final.zkey"), await devZkey(await readFile(r1cs), { ptauPower }));
    progress.done();
    const vkey = await snarkjs.zKey.exportVerificationKey(join(tmp, "final.zkey"));
    await writeFile(join(tmp, "vkey.json"), `${JSON.stringify(vkey, null, 2)}\n`);
  });
  return { zkey: join(dir, "final.zkey"), vkey: join(dir, "vkey.json"), key, cacheHit: hit };
}
