// Groth16 trusted setup: the reproducible development ceremony, and the steps of a production ceremony.
//
// Development ceremony (what tests, the demo and the committed verifiers use): powers of tau from
// `new` + one public `beacon`, `prepare phase2`, then per circuit `zkey new` + one public `beacon`. Every
// step is deterministic, so every machine derives byte-identical keys and verifiers from the same
// inputs. It is INSECURE: the toxic waste follows from the public beacon, so anyone can forge proofs.
// The pipeline does not run these snarkjs steps any more: dev-keys.ts computes the same zkey bytes directly
// from the beacon's scalars, in seconds instead of the ~23 minutes `prepare phase2` takes on a cold cache.
// `devPtau` and `devKeysViaPtau` below stay as the reference that test/circuits/dev-keys.test.ts compares
// it with (on small powers of tau). docs/ceremony.md says how a consortium runs the production ceremony instead.
import { readFileSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

import * as snarkjs from "snarkjs";

import { cached, hashParts, sha256File } from "./cache.js";
import { NODE_MODULES } from "./paths.js";

/** Public, documented beacon of the development ceremony (sha256 of "por-consortium development ceremony v1"). */
export const DEV_BEACON = "df2cca2294dbadd2810cfc9bd8c50c44f85a093b12b93347dff86bea9f1c1fb3";
/** 2^10 iterations of the beacon hash: cheap, since the development beacon protects nothing. */
export const DEV_BEACON_ITERATIONS = 10;
/** The contribution name both development beacons record (in the ptau and in every zkey). */
export const DEV_BEACON_NAME = "por-consortium development beacon";

/** A logger for snarkjs that prints one line per step, with the time since the step started. */
export interface Progress {
  step(name: string): void;
  done(note?: string): void;
  logger: snarkjs.Logger;
}

export function consoleProgress(prefix = "circuits", quiet = false): Progress {
  let started = 0;
  let current = "";
  const out = (msg: string) => {
    if (!quiet) process.stderr.write(`[${prefix}] ${msg}\n`);
  };
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  // snarkjs reports sub-steps at debug level ("Starting section: ...", "... 5/15"); show them sparsely.
  let lastDebug = 0;
  const sub = (msg: string) => {
    const now = performance.now();
    if (now - lastDebug > 5000) {
      lastDebug = now;
      out(`  ${current}: ${msg} (${elapsed()})`);
    }
  };
  return {
    step(name) {
      current = name;
      started = performance.now();
      out(`${name} ...`);
    },
    done(note) {
      out(`${current}: done in ${elapsed()}${note ? ` (${note})` : ""}`);
    },
    logger: { debug: sub, info: sub, warn: (m) => out(`warning: ${m}`), error: (m) => out(`error: ${m}`) },
  };
}

export interface Ptau {
  path: string;
  power: number;
  key: string;
  cacheHit: boolean;
}

/** Cache key of the development powers of tau of 2^power. */
export function devPtauKey(power: number): string {
  return hashParts(["ptau/dev/v1", String(power), DEV_BEACON, String(DEV_BEACON_ITERATIONS), snarkjsVersion()]);
}

/**
 * The development powers of tau of 2^power, prepared for phase 2 (cached by its inputs). Reference only: the
 * pipeline's development keys (dev-keys.ts) need no powers of tau.
 */
export async function devPtau(power: number, progress: Progress): Promise<Ptau> {
  const key = devPtauKey(power);
  const { dir, hit } = await cached("ptau", key, async (tmp) => {
    const curve = await snarkjs.curves.getCurveFromName("bn128");
    progress.step(`powers of tau 2^${power}: new`);
    await snarkjs.powersOfTau.newAccumulator(curve, power, join(tmp, "0.ptau"), progress.logger);
    progress.done();
    progress.step(`powers of tau 2^${power}: beacon`);
    await snarkjs.powersOfTau.beacon(
      join(tmp, "0.ptau"),
      join(tmp, "1.ptau"),
      DEV_BEACON_NAME,
      DEV_BEACON,
      DEV_BEACON_ITERATIONS,
      progress.logger,
    );
    progress.done();
    progress.step(`powers of tau 2^${power}: prepare phase 2 (the slow step)`);
    await snarkjs.powersOfTau.preparePhase2(join(tmp, "1.ptau"), join(tmp, "final.ptau"), progress.logger);
    progress.done();
    await Promise.all(["0.ptau", "1.ptau"].map((f) => writeFile(join(tmp, f), "")));
  });
  return { path: join(dir, "final.ptau"), power, key, cacheHit: hit };
}

export interface CircuitKeys {
  zkey: string;
  vkey: string;
  key: string;
  cacheHit: boolean;
}

/** Cache key of `devKeysViaPtau`'s keys. */
export async function devKeysViaPtauKey(r1cs: string, ptauKey: string): Promise<string> {
  return hashParts(["zkey/dev/v1", await sha256File(r1cs), ptauKey, DEV_BEACON, String(DEV_BEACON_ITERATIONS)]);
}

/**
 * The development proving and verifying keys of a compiled circuit as snarkjs makes them from `devPtau` (cached by
 * r1cs and ptau). Reference only: the pipeline uses dev-keys.ts `devKeys`, which writes the same bytes.
 */
export async function devKeysViaPtau(name: string, r1cs: string, ptau: Ptau, progress: Progress): Promise<CircuitKeys> {
  const key = await devKeysViaPtauKey(r1cs, ptau.key);
  const { dir, hit } = await cached("zkey", key, async (tmp) => {
    progress.step(`${name}: groth16 setup (zkey new)`);
    await snarkjs.zKey.newZKey(r1cs, ptau.path, join(tmp, "0.zkey"), progress.logger);
    progress.done();
    progress.step(`${name}: zkey beacon`);
    await snarkjs.zKey.beacon(
      join(tmp, "0.zkey"),
      join(tmp, "final.zkey"),
      DEV_BEACON_NAME,
      DEV_BEACON,
      DEV_BEACON_ITERATIONS,
      progress.logger,
    );
    progress.done();
    await writeFile(join(tmp, "0.zkey"), "");
    const vkey = await snarkjs.zKey.exportVerificationKey(join(tmp, "final.zkey"));
    await writeFile(join(tmp, "vkey.json"), `${JSON.stringify(vkey, null, 2)}\n`);
  });
  return { zkey: join(dir, "final.zkey"), vkey: join(dir, "vkey.json"), key, cacheHit: hit };
}

/** The installed snarkjs version: part of every ceremony cache key. */
export function snarkjsVersion(): string {
  const pkg = JSON.parse(readFileSync(join(NODE_MODULES, "snarkjs", "package.json"), "utf8")) as { version: string };
  return `snarkjs@${pkg.version}`;
}

let curveBuild: Promise<unknown> | undefined;

/**
 * Builds snarkjs's BN254 curve (and its worker threads) once per process. ffjavascript caches the curve only after
 * building it, so two proofs started at the same moment would each build one and leave the extra workers running;
 * callers that may prove concurrently await this first.
 */
export function sharedCurve(): Promise<unknown> {
  return (curveBuild ??= snarkjs.curves.getCurveFromName("bn128"));
}

/** Releases snarkjs's worker threads so the process can exit. */
export async function releaseCurves(): Promise<void> {
  curveBuild = undefined;
  const g = globalThis as { curve_bn128?: { terminate(): Promise<void> } };
  if (g.curve_bn128) {
    await g.curve_bn128.terminate();
    delete g.curve_bn128;
  }
}

export async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, "utf8")) as T;
}
