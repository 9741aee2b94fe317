// The production ceremony of one circuit (phase 2), run by the consortium as a sequence of contributions
// and closed with a public random beacon. Each step appends to a transcript that anyone can re-verify.
// docs/ceremony.md is the guide.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { copyFile, mkdir, readFile } from "node:fs/promises";
import { basename, join } from "node:path";

import * as snarkjs from "snarkjs";

import { sha256File, writeFileAtomic } from "./cache.js";
import { consoleProgress } from "./ceremony.js";
import { compileInstance } from "./compile.js";
import { findInstance } from "./index.js";
import { KEYS_DIR } from "./paths.js";
import { renderVerifier, vkeyText, writeOutputs } from "./verifier.js";

export interface TranscriptStep {
  step: "start" | "contribution" | "beacon";
  name: string;
  /** sha256 of the zkey this step produced. */
  zkeySha256: string;
  file: string;
  at: string;
  beacon?: { hash: string; iterationsExp: number };
}

export interface Transcript {
  version: 1;
  circuit: string;
  compileHash: string;
  r1csSha256: string;
  ptauSha256: string;
  steps: TranscriptStep[];
}

const HEX32 = /^[0-9a-fA-F]{64}$/;

async function readTranscript(path: string): Promise<Transcript> {
  if (!existsSync(path))
    throw new Error(`${path}: no transcript here; start the ceremony with npx hardhat ceremony start`);
  const t = JSON.parse(await readFile(path, "utf8")) as Transcript;
  if (t.version !== 1 || !Array.isArray(t.steps) || t.steps.length === 0) {
    throw new Error(`${path}: not a version 1 ceremony transcript`);
  }
  return t;
}

function lastStep(t: Transcript): TranscriptStep {
  return t.steps[t.steps.length - 1];
}

async function checkHead(dir: string, t: Transcript, zkey: string): Promise<void> {
  const expected = lastStep(t).zkeySha256;
  const actual = await sha256File(zkey);
  if (actual !== expected) {
    throw new Error(
      `${zkey} is not the latest key of the transcript in ${dir} (sha256 ${actual}, transcript head ${expected})`,
    );
  }
}

/** Starts phase 2 for a circuit from a prepared powers-of-tau file. Writes `<dir>/<circuit>_0000.zkey` and the transcript. */
export async function startCeremony(circuit: string, ptau: string, dir: string): Promise<string> {
  const compiled = await compileInstance(findInstance(circuit));
  await mkdir(dir, { recursive: true });
  const transcriptPath = join(dir, "transcript.json");
  if (existsSync(transcriptPath)) throw new Error(`${transcriptPath} exists already: use a new directory`);
  const zkey = join(dir, `${circuit}_0000.zkey`);
  const progress = consoleProgress("ceremony");
  progress.step(`${circuit}: zkey new from ${basename(ptau)}`);
  await snarkjs.zKey.newZKey(compiled.r1cs, ptau, zkey, progress.logger);
  progress.done();
  const transcript: Transcript = {
    version: 1,
    circuit,
    compileHash: compiled.compileHash,
    r1csSha256: await sha256File(compiled.r1cs),
    ptauSha256: await sha256File(ptau),
    steps: [
      {
        step: "start",
        name: "zkey new",
        zkeySha256: await sha256File(zkey),
        file: basename(zkey),
        at: new Date().toISOString(),
      },
    ],
  };
  await writeFileAtomic(transcriptPath, `${JSON.stringify(transcript, null, 2)}\n`);
  return zkey;
}

/** Adds one contribution with fresh randomness (plus optional extra entropy). Returns the new zkey's path. */
export async function contribute(dir: string, name: string, extraEntropy = ""): Promise<string> {
  const transcriptPath = join(dir, "transcript.json");
  const t = await readTranscript(transcriptPath);
  if (lastStep(t).step === "beacon") throw new Error(`${dir}: the ceremony is finalized; no more contributions`);
  const prev = join(dir, lastStep(t).file);
  await checkHead(dir, t, prev);
  const next = join(dir, `${t.circuit}_${String(t.steps.length).padStart(4, "0")}.zkey`);
  const entropy = randomBytes(64).toString("hex") + extraEntropy;
  const progress = consoleProgress("ceremony");
  progress.step(`${t.circuit}: contribution by ${name}`);
  await snarkjs.zKey.contribute(prev, next, name, entropy, progress.logger);
  progress.done();
  t.steps.push({
    step: "contribution",
    name,
    zkeySha256: await sha256File(next),
    file: basename(next),
    at: new Date().toISOString(),
  });
  await writeFileAtomic(transcriptPath, `${JSON.stringify(t, null, 2)}\n`);
  return next;
}

/** Verifies a zkey against the circuit and the powers of tau (every contribution in its chain). */
export async function verifyCeremony(circuit: string, ptau: string, zkey: string): Promise<boolean> {
  const compiled = await compileInstance(findInstance(circuit));
  const progress = consoleProgress("ceremony");
  progress.step(`${circuit}: verify ${basename(zkey)}`);
  const ok = await snarkjs.zKey.verifyFromR1cs(compiled.r1cs, ptau, zkey, progress.logger);
  progress.done(ok ? "valid" : "INVALID");
  return ok;
}

/**
 * Closes the ceremony with a public beacon (e.g. a future block hash named in advance), verifies the result,
 * and exports the verifying key, the Solidity verifier (marked "production") and the transcript into the repo.
 */
export async function finalizeCeremony(
  dir: string,
  ptau: string,
  beaconHash: string,
  iterationsExp: number,
): Promise<{ verifier: string; transcript: string }> {
  if (!HEX32.test(beaconHash)) throw new Error(`beacon must be 32 bytes of hex (64 characters), got "${beaconHash}"`);
  if (!Number.isInteger(iterationsExp) || iterationsExp < 10 || iterationsExp > 63) {
    throw new Error(`iterations exponent must be an integer in [10, 63], got ${iterationsExp}`);
  }
  const transcriptPath = join(dir, "transcript.json");
  const t = await readTranscript(transcriptPath);
  if (!t.steps.some((s) => s.step === "contribution")) {
    throw new Error(`${dir}: no contribution yet; a ceremony needs at least one honest contributor`);
  }
  const instance = findInstance(t.circuit);
  const compiled = await compileInstance(instance);
  if (compiled.compileHash !== t.compileHash) {
    throw new Error(`circuit ${t.circuit} changed since this ceremony started; start a new ceremony`);
  }
  const prev = join(dir, lastStep(t).file);
  await checkHead(dir, t, prev);
  const final = join(dir, `${t.circuit}_final.zkey`);
  const progress = consoleProgress("ceremony");
  progress.step(`${t.circuit}: beacon`);
  await snarkjs.zKey.beacon(prev, final, "final beacon", beaconHash, iterationsExp, progress.logger);
  progress.done();
  if (!(await verifyCeremony(t.circuit, ptau, final))) throw new Error(`${final} does not verify; nothing exported`);
  t.steps.push({
    step: "beacon",
    name: "final beacon",
    zkeySha256: await sha256File(final),
    file: basename(final),
    at: new Date().toISOString(),
    beacon: { hash: beaconHash, iterationsExp },
  });
  await writeFileAtomic(transcriptPath, `${JSON.stringify(t, null, 2)}\n`);
  const vkey = (await snarkjs.zKey.exportVerificationKey(final)) as Record<string, unknown>;
  const verifier = await renderVerifier(instance, vkey, compiled.compileHash, "production");
  await writeOutputs(instance, verifier, vkeyText(vkey));
  const transcripts = join(KEYS_DIR, "transcripts");
  await mkdir(transcripts, { recursive: true });
  const committed = join(transcripts, `${t.circuit}.json`);
  await copyFile(transcriptPath, committed);
  return { verifier: `contracts/verifiers/${instance.name}Verifier.sol`, transcript: committed };
}
