// Test harness for the circom templates: compiles small test-only mains (cached by content), computes
// witnesses with snarkjs, checks R1CS satisfaction with plain BigInt arithmetic, and builds test vectors
// (records, signatures, Merkle-sum trees) with the circomlibjs oracle (test/helpers/circomlib-oracle.ts), independently
// of src/.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import * as snarkjs from "snarkjs";

export const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
export const SUBGROUP_ORDER = 2736030358979909402780800718157159386076813972158567259200215660948447373041n;
/** "por.record.v2" (the record message with the payout commitment). */
export const RECORD_DOMAIN = 8908045074570304022795481151026n;
export const NULLIFIER_DOMAIN = 149452196352583542995247387895126718001n;
export const KEY_DOMAIN = 530960862305234845595185n;

const REPO = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const BUILD = join(REPO, "build", "test-circuits");
/**
 * Templates under test: circuits/, or a (mutated) copy under the repository named by POR_TEST_CIRCUITS_DIR, so a
 * mutation run can check that these tests fail when a constraint is dropped.
 */
const CIRCUITS = process.env.POR_TEST_CIRCUITS_DIR
  ? resolve(REPO, process.env.POR_TEST_CIRCUITS_DIR)
  : join(REPO, "circuits");
const require = createRequire(import.meta.url);
const CIRCOM_CLI = require.resolve("circom2/cli.js");

// ---------------------------------------------------------------------------------------------------------
// Compilation

/** A compiled test circuit: its files and the parsed R1CS and symbol table. */
export interface TestCircuit {
  dir: string;
  wasm: string;
  r1csPath: string;
  r1cs: R1cs;
  /** Signal name (e.g. "main.leafSum") -> witness index; eliminated signals are absent. */
  wires: Map<string, number>;
}

function sourcesHash(main: string): string {
  const h = createHash("sha256").update(main);
  for (const f of readdirSync(CIRCUITS).sort()) {
    if (f.endsWith(".circom")) h.update(f).update(readFileSync(join(CIRCUITS, f)));
  }
  h.update(readFileSync(join(REPO, "node_modules", "circom2", "package.json")));
  return h.digest("hex").slice(0, 16);
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`circom2 failed (${code}):\n${out}`))));
  });
}

/**
 * Compiles `component main ... = <mainLine>` over circuits/<file> with circom2 --O2 into
 * build/test-circuits/<name>-<hash>/ (skipped when that directory exists: the hash covers every template).
 */
export async function compileTestCircuit(name: string, file: string, mainLine: string): Promise<TestCircuit> {
  const dir0 = join(BUILD, name);
  const include = relative(dir0, join(CIRCUITS, file)).split("\\").join("/");
  const main = `pragma circom 2.1.9;\ninclude "${include}";\n${mainLine}\n`;
  const dir = `${dir0}-${sourcesHash(main)}`;
  if (!existsSync(join(dir, "done"))) {
    const tmp = `${dir}.tmp-${process.pid}`;
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp, { recursive: true });
    await writeFile(join(tmp, "main.circom"), main);
    const rel = tmp.slice(REPO.length + 1);
    await run(process.execPath, [
      CIRCOM_CLI,
      join(rel, "main.circom"),
      "--O2",
      "--r1cs",
      "--wasm",
      "--sym",
      "-l",
      "node_modules",
      "-o",
      rel,
    ]);
    await writeFile(join(tmp, "done"), "");
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
  }
  const r1csPath = join(dir, "main.r1cs");
  return {
    dir,
    wasm: join(dir, "main_js", "main.wasm"),
    r1csPath,
    r1cs: parseR1cs(await readFile(r1csPath)),
    wires: parseSym(await readFile(join(dir, "main.sym"), "utf8")),
  };
}

// ---------------------------------------------------------------------------------------------------------
// R1CS and witness files (iden3 binary formats), parsed by hand into BigInts

/** One linear combination: witness index -> coefficient. */
export type Lc = Map<number, bigint>;
/** A parsed R1CS: constraints A * B = C over the witness. */
export interface R1cs {
  nWires: number;
  nPubIn: number;
  constraints: Array<[Lc, Lc, Lc]>;
}

function readLe(buf: Uint8Array, off: number, n: number): bigint {
  let v = 0n;
  for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(buf[off + i]);
  return v;
}

function sections(buf: Buffer, magic: string): Map<number, { off: number; size: number }> {
  if (buf.subarray(0, 4).toString("ascii") !== magic) throw new Error(`not a ${magic} file`);
  const n = buf.readUInt32LE(8);
  const out = new Map<number, { off: number; size: number }>();
  let off = 12;
  for (let i = 0; i < n; i++) {
    const type = buf.readUInt32LE(off);
    const size = Number(buf.readBigUInt64LE(off + 4));
    out.set(type, { off: off + 12, size });
    off += 12 + size;
  }
  return out;
}

/** Parses an .r1cs file (coefficients are stored in normal form, little-endian). */
export function parseR1cs(buf: Buffer): R1cs {
  const s = sections(buf, "r1cs");
  const h = s.get(1)!;
  const n8 = buf.readUInt32LE(h.off);
  let off = h.off + 4 + n8;
  const nWires = buf.readUInt32LE(off);
  const nPubIn = buf.readUInt32LE(off + 8);
  const nConstraints = buf.readUInt32LE(off + 24);
  const c = s.get(2)!;
  off = c.off;
  const constraints: Array<[Lc, Lc, Lc]> = [];
  for (let i = 0; i < nConstraints; i++) {
    const lcs: Lc[] = [];
    for (let k = 0; k < 3; k++) {
      const nf = buf.readUInt32LE(off);
      off += 4;
      const lc: Lc = new Map();
      for (let j = 0; j < nf; j++) {
        lc.set(buf.readUInt32LE(off), readLe(buf, off + 4, n8));
        off += 4 + n8;
      }
      lcs.push(lc);
    }
    constraints.push([lcs[0], lcs[1], lcs[2]]);
  }
  return { nWires, nPubIn, constraints };
}

function parseWtns(buf: Buffer): bigint[] {
  const s = sections(buf, "wtns");
  const h = s.get(1)!;
  const n8 = buf.readUInt32LE(h.off);
  const n = buf.readUInt32LE(h.off + 4 + n8);
  const d = s.get(2)!;
  const out: bigint[] = [];
  for (let i = 0; i < n; i++) out.push(readLe(buf, d.off + i * n8, n8));
  return out;
}

function parseSym(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    const parts = line.split(",");
    if (parts.length < 4) continue;
    const wire = Number(parts[1]);
    if (wire >= 0) out.set(parts.slice(3).join(","), wire);
  }
  return out;
}

/** Input signals of a circuit: numbers, BigInts, decimal strings, or (nested) arrays of them. */
export type Signals = Record<string, bigint | number | string | Array<bigint | number | string>>;

/**
 * Runs the circuit's witness calculator (its asserts throw; the error names the failing templates) and returns
 * the witness. The calculator's own console output on failure is suppressed: the thrown error carries it.
 */
export async function witness(circuit: TestCircuit, input: Signals): Promise<bigint[]> {
  const mem: { type: "mem"; data?: Uint8Array } = { type: "mem" };
  const log = console.log;
  const error = console.error;
  console.log = () => undefined;
  console.error = () => undefined;
  try {
    await snarkjs.wtns.calculate(input, circuit.wasm, mem);
  } finally {
    console.log = log;
    console.error = error;
  }
  return parseWtns(Buffer.from(mem.data!));
}

/** Expects the witness calculator to reject the input, naming the template whose assert failed. */
export async function expectRejected(circuit: TestCircuit, input: Signals, template: RegExp): Promise<void> {
  let message = "";
  try {
    await witness(circuit, input);
  } catch (e) {
    message = String(e);
  }
  if (!/Assert Failed/.test(message)) throw new Error("the witness calculator accepted the input");
  if (!template.test(message)) throw new Error(`rejected, but not by ${template}: ${message.slice(0, 300)}`);
}

/** Index of a signal in the witness; throws when --O2 eliminated it. */
export function wireOf(circuit: TestCircuit, name: string): number {
  const w = circuit.wires.get(name);
  if (w === undefined) throw new Error(`signal ${name} is not in the witness (eliminated or misspelled)`);
  return w;
}

function evalLc(lc: Lc, w: readonly bigint[]): bigint {
  let acc = 0n;
  for (const [i, c] of lc) acc += c * w[i];
  return acc % P;
}

function satisfied(c: [Lc, Lc, Lc], w: readonly bigint[]): boolean {
  return (evalLc(c[0], w) * evalLc(c[1], w) - evalLc(c[2], w)) % P === 0n;
}

/** Indices of the constraints the witness violates (empty: it satisfies the R1CS). */
export function violations(r1cs: R1cs, w: readonly bigint[]): number[] {
  if (w.length !== r1cs.nWires) throw new Error(`witness has ${w.length} values, the R1CS ${r1cs.nWires} wires`);
  if (w[0] !== 1n) return [-1];
  const bad: number[] = [];
  r1cs.constraints.forEach((c, i) => {
    if (!satisfied(c, w)) bad.push(i);
  });
  return bad;
}

/** Constraints mentioning each wire, for fast single-wire mutation sweeps. */
export function constraintsByWire(r1cs: R1cs): number[][] {
  const by: number[][] = Array.from({ length: r1cs.nWires }, () => []);
  r1cs.constraints.forEach((c, i) => {
    const ws = new Set<number>([...c[0].keys(), ...c[1].keys(), ...c[2].keys()]);
    for (const wi of ws) by[wi].push(i);
  });
  return by;
}

/**
 * Wires (index >= 1) that can each be changed alone (to v+1 and to v-1) while every constraint still holds:
 * each one is a value a malicious prover could pick freely. A sound circuit has none.
 */
export function freeWires(r1cs: R1cs, w: readonly bigint[]): number[] {
  const by = constraintsByWire(r1cs);
  const free: number[] = [];
  const m = [...w];
  for (let i = 1; i < w.length; i++) {
    let caught = 0;
    for (const delta of [1n, P - 1n]) {
      m[i] = (w[i] + delta) % P;
      if (by[i].some((ci) => !satisfied(r1cs.constraints[ci], m))) caught++;
    }
    m[i] = w[i];
    if (caught < 2) free.push(i);
  }
  return free;
}

/** A copy of the witness with the named signals set to new values (what a malicious prover may write). */
export function mutate(circuit: TestCircuit, w: readonly bigint[], changes: Record<string, bigint>): bigint[] {
  const m = [...w];
  for (const [name, v] of Object.entries(changes)) m[wireOf(circuit, name)] = ((v % P) + P) % P;
  return m;
}

// ---------------------------------------------------------------------------------------------------------
// Test vectors with circomlibjs

/** The hash and signature functions the vectors need, over BigInts (test/helpers/circomlib-oracle.ts provides them). */
export interface Crypto {
  poseidon(inputs: bigint[]): bigint;
  publicKey(prv: Uint8Array): [bigint, bigint];
  sign(prv: Uint8Array, msg: bigint): { R8x: bigint; R8y: bigint; S: bigint };
}

/** A record as the member signs it (docs/protocol.md section 3, message v2). */
export interface Record6 {
  member: bigint;
  asset: bigint;
  t: bigint;
  slot: bigint;
  accountKey: bigint;
  balance: bigint;
  /** The payout commitment (0: none registered). */
  payoutHash: bigint;
}

/** A tree node. */
export interface Node {
  h: bigint;
  s: bigint;
}

/** A dense Merkle-sum tree of depth `depth` over the given leaves (other slots empty): its levels. */
export function buildTree(c: Crypto, depth: number, leaves: Map<number, Node>): Node[][] {
  const levels: Node[][] = [];
  let level: Node[] = [];
  for (let i = 0; i < 2 ** depth; i++) level.push(leaves.get(i) ?? { h: 0n, s: 0n });
  levels.push(level);
  for (let d = 0; d < depth; d++) {
    const next: Node[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const l = level[i];
      const r = level[i + 1];
      next.push({ h: c.poseidon([l.h, l.s % P, r.h, r.s % P]), s: (l.s + r.s) % P });
    }
    levels.push(next);
    level = next;
  }
  return levels;
}

/** The sibling nodes of `slot`, bottom-up. */
export function pathOf(levels: Node[][], slot: number): Node[] {
  const out: Node[] = [];
  let i = slot;
  for (let d = 0; d < levels.length - 1; d++) {
    out.push(levels[d][i ^ 1]);
    i >>= 1;
  }
  return out;
}

/** Root reached from (leaf, slot) with the given siblings, without range checks. */
export function rootFrom(c: Crypto, leaf: Node, slot: bigint, siblings: Node[]): Node {
  let cur = leaf;
  siblings.forEach((sib, i) => {
    const right = (slot >> BigInt(i)) & 1n;
    const [l, r] = right === 1n ? [sib, cur] : [cur, sib];
    cur = { h: c.poseidon([l.h, l.s, r.h, r.s]), s: (l.s + r.s) % P };
  });
  return cur;
}

/** m = Poseidon(RECORD_DOMAIN, member, asset, t, slot, accountKey, balance, payoutHash). */
export function recordMessage(c: Crypto, r: Record6): bigint {
  return c.poseidon([RECORD_DOMAIN, r.member, r.asset, r.t, r.slot, r.accountKey, r.balance, r.payoutHash]);
}

/** context = asset + t * 2^32 + claim * 2^96. */
export function packContext(asset: bigint, t: bigint, claim: bigint): bigint {
  return asset + (t << 32n) + (claim << 96n);
}
