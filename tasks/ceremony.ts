import { contribute, finalizeCeremony, startCeremony, verifyCeremony } from "../src/circuits/production.js";
import { releaseCurves } from "../src/circuits/index.js";

// Thin actions for the production ceremony tasks; docs/ceremony.md walks through them.

export async function start(args: { circuit: string; ptau: string; dir: string }): Promise<void> {
  const zkey = await startCeremony(args.circuit, args.ptau, args.dir);
  process.stderr.write(`[ceremony] started: ${zkey}; pass the directory to the first contributor\n`);
  await releaseCurves();
}

export async function contributeAction(args: { dir: string; name: string; entropy: string }): Promise<void> {
  if (!args.name) throw new Error("--name is required: the contributor's public name goes into the transcript");
  const zkey = await contribute(args.dir, args.name, args.entropy);
  process.stderr.write(
    `[ceremony] contribution written: ${zkey}; pass the directory on, and destroy nothing but your entropy\n`,
  );
  await releaseCurves();
}

export async function verify(args: { circuit: string; ptau: string; zkey: string }): Promise<void> {
  const ok = await verifyCeremony(args.circuit, args.ptau, args.zkey);
  await releaseCurves();
  if (!ok) {
    process.stderr.write(`[ceremony] ${args.zkey} does NOT verify against ${args.circuit} and the given ptau\n`);
    process.exitCode = 1;
  }
}

export async function finalize(args: { dir: string; ptau: string; beacon: string; iterations: number }): Promise<void> {
  const { verifier, transcript } = await finalizeCeremony(args.dir, args.ptau, args.beacon, args.iterations);
  process.stderr.write(`[ceremony] finalized: ${verifier} and ${transcript} written; commit both\n`);
  await releaseCurves();
}
