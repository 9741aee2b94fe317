#!/usr/bin/env node
// Generates the C++ headers with every constant the native addon needs, from their sources of truth:
//   - Poseidon (t = 2..17): circomlibjs's own optimized constant tables (C, S, M, P of
//     `src/poseidon_constants_opt.js`, the tables `poseidon_opt.js` and the WASM Poseidon use);
//   - Baby Jubjub (Base8, a, d, group order): parsed from circomlibjs's `src/babyjub.js`;
//   - Montgomery parameters of the BN254 scalar field and of the Baby Jubjub subgroup order;
//   - BLAKE-512's IV and round constants, derived from their definitions (square roots of the first
//     primes; binary digits of pi), so nothing is typed in by hand.
// Output: native/build/gen/por_params.h (small constants) and native/build/gen/poseidon_constants.h.
// The output depends only on the circomlibjs files read (the header records their SHA-256), so the
// build is deterministic. Usage: `node native/gen-constants.mjs [outDir]`.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");

/** Number of partial rounds per t = 2..17, as circomlib's poseidon.circom and circomlibjs use them. */
const PARTIAL_ROUNDS = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68];
const FULL_ROUNDS = 8;

const MASK64 = (1n << 64n) - 1n;
const R = 1n << 256n;

/** Little-endian 64-bit limbs of a 256-bit value, as a C++ initializer. */
function limbs(v) {
  if (v < 0n || v >= R) throw new Error(`value out of 256-bit range: ${v}`);
  const out = [];
  for (let i = 0; i < 4; i++) out.push(`0x${((v >> BigInt(64 * i)) & MASK64).toString(16).padStart(16, "0")}ULL`);
  return `{{${out.join(", ")}}}`;
}

/** Montgomery parameters of an odd modulus below 2^256 with R = 2^256. */
function montParams(name, m) {
  // -m^-1 mod 2^64 by Newton iteration.
  let inv = 1n;
  for (let i = 0; i < 7; i++) inv = (inv * (2n - m * inv)) & MASK64;
  if (((m * inv) & MASK64) !== 1n) throw new Error("inverse mod 2^64 failed");
  const negInv = (1n << 64n) - inv;
  return [
    `inline constexpr ModParams ${name} = {`,
    `    ${limbs(m)},`,
    `    0x${negInv.toString(16).padStart(16, "0")}ULL,`,
    `    ${limbs(R % m)},`,
    `    ${limbs((R * R) % m)},`,
    `    ${limbs((R * R * R) % m)},`,
    `    ${limbs(m - 2n)},`,
    `};`,
  ].join("\n");
}

function isqrt(n) {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** atan(1/k) * 2^bits by its Taylor series, in fixed point. */
function atanInv(k, bits) {
  const one = 1n << bits;
  let term = one / k;
  let sum = term;
  const k2 = k * k;
  for (let n = 1n; term !== 0n; n++) {
    term /= k2;
    const t = term / (2n * n + 1n);
    sum += n % 2n === 1n ? -t : t;
  }
  return sum;
}

/** BLAKE-512 constants: IV = SHA-512's (fractional parts of sqrt of the first 8 primes), c = pi's digits. */
function blakeConstants() {
  const primes = [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n];
  const iv = primes.map((q) => isqrt(q << 128n) & MASK64);
  const guard = 64n;
  const bits = 1024n + guard;
  const pi = 16n * atanInv(5n, bits) - 4n * atanInv(239n, bits);
  const frac = (pi & ((1n << bits) - 1n)) >> guard; // 1024 fractional bits
  const c = [];
  for (let i = 0; i < 16; i++) c.push((frac >> BigInt(1024 - 64 * (i + 1))) & MASK64);
  if (iv[0] !== 0x6a09e667f3bcc908n || c[0] !== 0x243f6a8885a308d3n)
    throw new Error("BLAKE constant derivation failed");
  const hex = (v) => `0x${v.toString(16).padStart(16, "0")}ULL`;
  return [
    `inline constexpr uint64_t BLAKE512_IV[8] = {${iv.map(hex).join(", ")}};`,
    `inline constexpr uint64_t BLAKE512_C[16] = {`,
    `    ${c.slice(0, 8).map(hex).join(", ")},`,
    `    ${c.slice(8).map(hex).join(", ")}};`,
  ].join("\n");
}

function sha256(buf) {
  return createHash("sha256").update(buf).digest("hex");
}

/** Reads circomlibjs's Baby Jubjub parameters from its source text. */
function babyJubParams(src) {
  const grab = (re, what) => {
    const m = src.match(re);
    if (m === null) throw new Error(`circomlibjs babyjub.js: cannot find ${what}`);
    return m.slice(1).map((s) => BigInt(s));
  };
  const [bx, by] = grab(/this\.Base8\s*=\s*\[\s*F\.e\("(\d+)"\)\s*,\s*F\.e\("(\d+)"\)/, "Base8");
  const [order] = grab(/this\.order\s*=\s*Scalar\.fromString\("(\d+)"\)/, "order");
  const [a] = grab(/this\.A\s*=\s*F\.e\("(\d+)"\)/, "A");
  const [d] = grab(/this\.D\s*=\s*F\.e\("(\d+)"\)/, "D");
  const [p] = grab(/this\.p\s*=\s*Scalar\.fromString\("(\d+)"\)/, "p");
  return { bx, by, subOrder: order >> 3n, a, d, p };
}

/**
 * Generates both headers into `outDir`.
 * @param {string} outDir
 * @returns {Promise<string[]>} the files written
 */
export async function generate(outDir) {
  const cjsDir = join(root, "node_modules", "circomlibjs");
  const pkg = JSON.parse(readFileSync(join(cjsDir, "package.json"), "utf8"));
  const babyPath = join(cjsDir, "src", "babyjub.js");
  const optPath = join(cjsDir, "src", "poseidon_constants_opt.js");
  const babySrc = readFileSync(babyPath, "utf8");
  const optSrc = readFileSync(optPath);
  const { default: opt } = await import(pathToFileURL(optPath).href);

  const bj = babyJubParams(babySrc);
  const P = bj.p;
  if (P !== 21888242871839275222246405745257275088548364400416034343698204186575808495617n) {
    throw new Error("circomlibjs babyjub.js: unexpected field modulus");
  }
  const mont = (v) => limbs(((((v % P) + P) % P) * (R % P)) % P);
  // Base8 must lie on the curve a*x^2 + y^2 = 1 + d*x^2*y^2.
  const x2 = (bj.bx * bj.bx) % P;
  const y2 = (bj.by * bj.by) % P;
  if ((bj.a * x2 + y2 - 1n - ((bj.d * x2) % P) * y2) % P !== 0n) throw new Error("Base8 is not on the curve");

  const source = `circomlibjs ${pkg.version}: src/babyjub.js sha256 ${sha256(babySrc)}, src/poseidon_constants_opt.js sha256 ${sha256(optSrc)}`;
  const banner = `// Generated by native/gen-constants.mjs from ${source}.\n// Do not edit: rerun \`node native/build.mjs\`.\n`;

  const params = [
    banner,
    "#pragma once",
    "#include <cstdint>",
    "",
    "namespace por::gen {",
    "",
    "/** A 256-bit value as little-endian 64-bit limbs (plain integer or Montgomery form). */",
    "struct U256 {",
    "  uint64_t l[4];",
    "};",
    "",
    "/** A modulus m < 2^256 with its Montgomery constants (R = 2^256): m, -m^-1 mod 2^64, R, R^2, R^3 mod m, m - 2. */",
    "struct ModParams {",
    "  U256 m;",
    "  uint64_t neg_inv;",
    "  U256 r1;",
    "  U256 r2;",
    "  U256 r3;",
    "  U256 m_minus_2;",
    "};",
    "",
    "/** BN254 scalar field (the field of every hash, and Baby Jubjub's base field). */",
    montParams("FR", P),
    "",
    "/** Baby Jubjub prime subgroup order l (EdDSA scalars live mod l). */",
    montParams("FL", bj.subOrder),
    "",
    "/** Baby Jubjub: curve constants and Base8, in Montgomery form over FR. */",
    `inline constexpr U256 CURVE_A = ${mont(bj.a)};`,
    `inline constexpr U256 CURVE_D = ${mont(bj.d)};`,
    `inline constexpr U256 BASE8_X = ${mont(bj.bx)};`,
    `inline constexpr U256 BASE8_Y = ${mont(bj.by)};`,
    "",
    blakeConstants(),
    "",
    "}  // namespace por::gen",
    "",
  ].join("\n");

  const pos = [
    banner,
    "#pragma once",
    '#include "por_params.h"',
    "",
    "namespace por::gen {",
    "",
    `inline constexpr unsigned POSEIDON_FULL_ROUNDS = ${FULL_ROUNDS};`,
    "",
  ];
  const table = [];
  for (let t = 2; t <= 17; t++) {
    const i = t - 2;
    const nRP = PARTIAL_ROUNDS[i];
    const C = opt.C[i].map(BigInt);
    const S = opt.S[i].map(BigInt);
    const M = opt.M[i].map((row) => row.map(BigInt));
    const Pm = opt.P[i].map((row) => row.map(BigInt));
    if (C.length !== FULL_ROUNDS * t + nRP) throw new Error(`t=${t}: C has ${C.length} constants`);
    if (S.length !== (2 * t - 1) * nRP) throw new Error(`t=${t}: S has ${S.length} constants`);
    if (M.length !== t || Pm.length !== t || M.some((r) => r.length !== t) || Pm.some((r) => r.length !== t)) {
      throw new Error(`t=${t}: M or P is not ${t}x${t}`);
    }
    for (const v of [...C, ...S, ...M.flat(), ...Pm.flat()]) if (v >= P) throw new Error(`t=${t}: constant >= p`);
    const arr = (name, vals) =>
      `static const U256 ${name}[${vals.length}] = {\n${vals.map((v) => `    ${mont(v)},`).join("\n")}\n};`;
    // M and P are stored row-major as in circomlibjs: element [j][i] multiplies state[j] into new state[i].
    pos.push(arr(`POSEIDON_C_${t}`, C), arr(`POSEIDON_S_${t}`, S));
    pos.push(arr(`POSEIDON_M_${t}`, M.flat()), arr(`POSEIDON_P_${t}`, Pm.flat()), "");
    table.push(`    {${t}, ${nRP}, POSEIDON_C_${t}, POSEIDON_S_${t}, POSEIDON_M_${t}, POSEIDON_P_${t}},`);
  }
  pos.push(
    "/** Optimized-Poseidon parameters for one width t (t - 1 inputs). */",
    "struct PoseidonParams {",
    "  unsigned t;",
    "  unsigned partial_rounds;",
    "  const U256* c;",
    "  const U256* s;",
    "  const U256* m;",
    "  const U256* p;",
    "};",
    "",
    "/** Index t - 2. */",
    "static const PoseidonParams POSEIDON[16] = {",
    ...table,
    "};",
    "",
    "}  // namespace por::gen",
    "",
  );

  mkdirSync(outDir, { recursive: true });
  const files = [join(outDir, "por_params.h"), join(outDir, "poseidon_constants.h")];
  writeFileSync(files[0], params);
  writeFileSync(files[1], pos.join("\n"));
  return files;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = process.argv[2] ?? join(here, "build", "gen");
  const files = await generate(out);
  process.stdout.write(`wrote ${files.join(", ")}\n`);
}
