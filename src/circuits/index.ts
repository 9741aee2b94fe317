// The circuit pipeline: compile every declared instance, run the (cached) development ceremony, export
// verifying keys and Solidity verifiers, and check that the committed ones are current.
//
//   npm run circuits            build and export everything (a second run is all cache hits)
//   npx hardhat circuits --check  fail if a committed verifier or key is stale (part of `npm test`)
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";

import { circuitInstances, PTAU_POWER, type CircuitInstance } from "../../circuits/instances.js";
import { writeFileAtomic } from "./cache.js";
import { consoleProgress, releaseCurves, type Progress } from "./ceremony.js";
import { compileInstance, type CompiledCircuit } from "./compile.js";
import { devKeys } from "./dev-keys.js";
import { KEYS_DIR } from "./paths.js";
import {
  committedCompileHash,
  compareOutputs,
  REGENERATE_COMMAND,
  renderVerifier,
  verifierPath,
  vkeyPath,
  vkeyText,
  writeOutputs,
  type Staleness,
} from "./verifier.js";

export { cacheRoot } from "./cache.js";
export { compileInstance, mainSource, type CompiledCircuit } from "./compile.js";
export { releaseCurves, sharedCurve } from "./ceremony.js";
export { circuitInstances, PTAU_POWER, type CircuitInstance };

export interface CircuitArtifacts {
  name: string;
  wasm: string;
  zkey: string;
  vkey: string;
  r1cs: string;
  constraints: number;
}

export function findInstance(name: string): CircuitInstance {
  const instance = circuitInstances.find((c) => c.name === name);
  if (!instance) {
    const known = circuitInstances.map((c) => c.name).join(", ");
    throw new Error(`unknown circuit instance "${name}" (declared in circuits/instances.ts: ${known})`);
  }
  return instance;
}

/** Smallest power of two domain the Groth16 setup needs for a compiled circuit. */
export function requiredPower(c: CompiledCircuit): number {
  const domain = c.constraints + c.publicInputs + 1;
  return Math.max(1, Math.ceil(Math.log2(domain)));
}

function checkFits(c: CompiledCircuit): void {
  const need = requiredPower(c);
  if (need > PTAU_POWER) {
    throw new Error(
      `circuit ${c.instance.name} has ${c.constraints} constraints and needs powers of tau 2^${need}, ` +
        `but PTAU_POWER is ${PTAU_POWER} (circuits/instances.ts): raise it and run \`${REGENERATE_COMMAND}\``,
    );
  }
}

/**
 * Proving artifacts of one instance: compiles it and runs its development setup if they are not cached.
 * Tests and the prover call this; it never touches committed files.
 */
export async function circuitArtifacts(name: string, progress?: Progress): Promise<CircuitArtifacts> {
  const p = progress ?? consoleProgress("circuits", process.env.POR_QUIET === "1");
  const compiled = await compileInstance(findInstance(name));
  checkFits(compiled);
  const keys = await devKeys(name, compiled.r1cs, PTAU_POWER, p);
  return {
    name,
    wasm: compiled.wasm,
    zkey: keys.zkey,
    vkey: keys.vkey,
    r1cs: compiled.r1cs,
    constraints: compiled.constraints,
  };
}

export interface PipelineResult {
  compiled: CompiledCircuit[];
  ceremonyCacheHit: boolean;
  stale: Staleness[];
}

export interface PipelineOptions {
  /** Compare with the committed outputs instead of writing them. */
  check?: boolean;
  /** Only these instances (default: all). */
  only?: string[];
  /** The instance list to work on (default: circuits/instances.ts); tests pass altered ones. */
  instances?: CircuitInstance[];
  progress?: Progress;
}

/** Runs the pipeline over the declared instances. */
export async function runPipeline(options: PipelineOptions = {}): Promise<PipelineResult> {
  const progress = options.progress ?? consoleProgress("circuits");
  const selected = options.instances ?? (options.only?.length ? options.only.map(findInstance) : circuitInstances);
  const out = (msg: string) => process.stderr.write(`[circuits] ${msg}\n`);

  // 1. Compile everything first: cheap, and enough to tell a stale verifier without the ceremony.
  const compiled: CompiledCircuit[] = [];
  for (const instance of selected) {
    const c = await compileInstance(instance);
    checkFits(c);
    compiled.push(c);
    out(
      `${instance.name}: ${c.constraints} constraints, ${c.publicInputs} public inputs, 2^${requiredPower(c)} domain` +
        `${c.cacheHit ? " (compile cache hit)" : ""}`,
    );
  }
  const stale: Staleness[] = [];
  if (options.check) {
    for (const c of compiled) {
      const committed = await committedCompileHash(c.instance);
      if (committed !== c.compileHash) {
        stale.push({
          instance: c.instance.name,
          file: verifierPath(c.instance).slice(verifierPath(c.instance).indexOf("contracts/")),
          reason: committed === undefined ? "missing" : "the circuit changed since the verifier was exported",
        });
      }
    }
    if (stale.length > 0) return { compiled, ceremonyCacheHit: true, stale };
  }

  // 2. The development ceremony (computed directly from the beacon's scalars, dev-keys.ts), cached by its inputs.
  let ceremonyCacheHit = true;
  const manifest: Record<string, unknown> = {};
  for (const c of compiled) {
    const transcript = await productionTranscript(c.instance);
    if (transcript) {
      // Keys from a production ceremony are never replaced by development ones: check, do not rebuild.
      stale.push(...(await checkProduction(c, transcript)));
      manifest[c.instance.name] = {
        ...describe(c),
        ceremony: "production",
        transcript: `circuits/keys/transcripts/${c.instance.name}.json`,
      };
      continue;
    }
    const keys = await devKeys(c.instance.name, c.r1cs, PTAU_POWER, progress);
    ceremonyCacheHit &&= keys.cacheHit;
    const vkey = JSON.parse(await readFile(keys.vkey, "utf8")) as Record<string, unknown>;
    const verifier = await renderVerifier(c.instance, vkey, c.compileHash, "development");
    const vkeyJson = vkeyText(vkey);
    if (options.check) stale.push(...(await compareOutputs(c.instance, verifier, vkeyJson)));
    else await writeOutputs(c.instance, verifier, vkeyJson);
    manifest[c.instance.name] = { ...describe(c), ceremony: "development", ptauPower: PTAU_POWER };
  }
  out(
    ceremonyCacheHit
      ? "ceremony: cache hit, nothing to run (artifacts cached by the hash of their inputs)"
      : "ceremony: ran the steps whose inputs changed; artifacts are cached for the next run",
  );
  if (!options.check && !options.only?.length && !options.instances) {
    await writeFileAtomic(
      join(KEYS_DIR, "manifest.json"),
      `${JSON.stringify({ version: 1, circuits: manifest }, null, 2)}\n`,
    );
  }
  await releaseCurves();
  return { compiled, ceremonyCacheHit, stale };
}

function describe(c: CompiledCircuit): Record<string, unknown> {
  return {
    template: c.instance.template,
    file: `circuits/${c.instance.file}`,
    params: c.instance.params,
    publicInputs: c.instance.publicInputs,
    constraints: c.constraints,
    compileHash: c.compileHash,
  };
}

async function productionTranscript(instance: CircuitInstance): Promise<{ compileHash: string } | undefined> {
  const path = join(KEYS_DIR, "transcripts", `${instance.name}.json`);
  if (!existsSync(path)) return undefined;
  return JSON.parse(await readFile(path, "utf8")) as { compileHash: string };
}

async function checkProduction(c: CompiledCircuit, transcript: { compileHash: string }): Promise<Staleness[]> {
  if (transcript.compileHash !== c.compileHash) {
    return [
      {
        instance: c.instance.name,
        file: `circuits/keys/transcripts/${c.instance.name}.json`,
        reason: "the circuit changed since its production ceremony: run a new ceremony (docs/ceremony.md)",
      },
    ];
  }
  const vkey = JSON.parse(await readFile(vkeyPath(c.instance), "utf8")) as Record<string, unknown>;
  const verifier = await renderVerifier(c.instance, vkey, c.compileHash, "production");
  return compareOutputs(c.instance, verifier, vkeyText(vkey));
}

/** Words for a failed check: which verifier is stale and the command that regenerates it. */
export function describeStale(stale: Staleness[]): string {
  const lines = stale.map((s) => `  - ${s.file} (circuit ${s.instance}): ${s.reason}`);
  return [
    "Committed circuit outputs are stale:",
    ...lines,
    `Regenerate them with \`${REGENERATE_COMMAND}\` and commit the result.`,
  ].join("\n");
}
