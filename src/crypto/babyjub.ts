// Baby Jubjub (twisted Edwards a*x^2 + y^2 = 1 + d*x^2*y^2 over the BN254 scalar field) in extended
// coordinates, with a precomputed fixed-base table for Base8. Pure BigInt; the same points circomlibjs computes.
import { FIELD_P, invMod } from "./field.js";

const P = FIELD_P;
/** Curve parameter `a`. */
export const CURVE_A = 168700n;
/** Curve parameter `d`. */
export const CURVE_D = 168696n;

/** An affine point `[x, y]`. */
export type Point = readonly [bigint, bigint];

/** circomlib's Base8 generator of the prime-order subgroup. */
export const BASE8: Point = [
  5299619240641551281634865583518297030282874472190772894086521144482721001553n,
  16950150798460657717958625567821834550301663161624707787222815936182638968203n,
];

/** Extended coordinates (X, Y, Z, T) with x = X/Z, y = Y/Z, T = X*Y/Z. */
interface Ext {
  x: bigint;
  y: bigint;
  z: bigint;
  t: bigint;
}

const IDENTITY = (): Ext => ({ x: 0n, y: 1n, z: 1n, t: 0n });

function toExt(p: Point): Ext {
  return { x: p[0], y: p[1], z: 1n, t: (p[0] * p[1]) % P };
}

/** Unified addition (valid for doubling too), add-2008-hwcd for general a. */
function addExt(p: Ext, q: Ext): Ext {
  const a = (p.x * q.x) % P;
  const b = (p.y * q.y) % P;
  const c = (((p.t * CURVE_D) % P) * q.t) % P;
  const d = (p.z * q.z) % P;
  const e = ((p.x + p.y) * (q.x + q.y) - a - b) % P;
  const f = d - c;
  const g = d + c;
  const h = b - CURVE_A * a;
  return { x: (e * f) % P, y: (g * h) % P, z: (f * g) % P, t: (e * h) % P };
}

/** Mixed addition with an affine point given as (x, y, d*x*y). Results may be negative representatives. */
function addMixed(p: Ext, x2: bigint, y2: bigint, dt2: bigint): Ext {
  const a = (p.x * x2) % P;
  const b = (p.y * y2) % P;
  const c = (p.t * dt2) % P;
  const d = p.z;
  const e = ((p.x + p.y) * (x2 + y2) - a - b) % P;
  const f = d - c;
  const g = d + c;
  const h = b - CURVE_A * a;
  return { x: (e * f) % P, y: (g * h) % P, z: (f * g) % P, t: (e * h) % P };
}

const norm = (v: bigint): bigint => {
  const r = v % P;
  return r < 0n ? r + P : r;
};

function toAffine(p: Ext): Point {
  const zi = invMod(norm(p.z));
  return [norm(p.x * zi), norm(p.y * zi)];
}

/** Converts many extended points to affine with one inversion (Montgomery's trick). */
function batchToAffine(points: Ext[]): Point[] {
  const n = points.length;
  const prefix: bigint[] = new Array<bigint>(n);
  let acc = 1n;
  for (let i = 0; i < n; i++) {
    prefix[i] = acc;
    acc = (acc * norm(points[i].z)) % P;
  }
  let inv = invMod(acc);
  const out: Point[] = new Array<Point>(n);
  for (let i = n - 1; i >= 0; i--) {
    const zi = (inv * prefix[i]) % P;
    inv = (inv * norm(points[i].z)) % P;
    out[i] = [norm(points[i].x * zi), norm(points[i].y * zi)];
  }
  return out;
}

/** True if `p` satisfies the curve equation with canonical coordinates. */
export function inCurve(p: Point): boolean {
  const [x, y] = p;
  if (x < 0n || x >= P || y < 0n || y >= P) return false;
  const x2 = (x * x) % P;
  const y2 = (y * y) % P;
  return norm(CURVE_A * x2 + y2 - 1n - ((((CURVE_D * x2) % P) * y2) % P)) === 0n;
}

/** Adds two affine points. */
export function addPoint(p: Point, q: Point): Point {
  return toAffine(addExt(toExt(p), toExt(q)));
}

/** Scalar multiplication of an arbitrary point (double-and-add; used for verification). */
export function mulPoint(p: Point, e: bigint): Point {
  if (e < 0n) throw new RangeError("negative scalar");
  let res = IDENTITY();
  let base = toExt(p);
  let k = e;
  while (k > 0n) {
    if (k & 1n) res = addExt(res, base);
    base = addExt(base, base);
    k >>= 1n;
  }
  return toAffine(res);
}

// Fixed-base table for Base8: window i (8 bits) holds j * 256^i * Base8 for j = 1..255, as x, y, d*x*y.
const WINDOWS = 32;
let tableX: bigint[] | undefined;
let tableY: bigint[] | undefined;
let tableDT: bigint[] | undefined;

function buildTable(): void {
  const pts: Ext[] = [];
  let windowBase = toExt(BASE8);
  for (let i = 0; i < WINDOWS; i++) {
    let acc = windowBase;
    for (let j = 1; j < 256; j++) {
      pts.push(acc);
      acc = addExt(acc, windowBase);
    }
    windowBase = acc; // 256 * windowBase
  }
  const aff = batchToAffine(pts);
  tableX = aff.map((q) => q[0]);
  tableY = aff.map((q) => q[1]);
  tableDT = aff.map((q) => (((CURVE_D * q[0]) % P) * q[1]) % P);
}

function mulBase8Ext(e: bigint): Ext {
  if (e < 0n || e >= 1n << 256n) throw new RangeError("scalar out of range");
  if (tableX === undefined) buildTable();
  const tx = tableX as bigint[];
  const ty = tableY as bigint[];
  const tdt = tableDT as bigint[];
  let res = IDENTITY();
  let k = e;
  for (let i = 0; i < WINDOWS && k > 0n; i++) {
    const j = Number(k & 0xffn);
    k >>= 8n;
    if (j !== 0) {
      const idx = i * 255 + j - 1;
      res = addMixed(res, tx[idx], ty[idx], tdt[idx]);
    }
  }
  return res;
}

/** `e * Base8` with the precomputed table (e < 2^256). */
export function mulBase8(e: bigint): Point {
  return toAffine(mulBase8Ext(e));
}

/** `e_i * Base8` for many scalars, sharing one field inversion. */
export function mulBase8Many(es: readonly bigint[]): Point[] {
  return batchToAffine(es.map(mulBase8Ext));
}
