import { required, runTask } from "../src/client/index.js";
import { releaseCurves } from "../src/circuits/index.js";
import { contribute, finalizeCeremony, startCeremony, verifyCeremony } from "../src/circuits/production.js";

// Thin actions for the production ceremony tasks (`ceremony start|contribute|verify|finalize`); docs/ceremony.md
// walks through them. Errors print as one line (no stack); the curve workers are released either way.

export async function start(args: { circuit?: string; ptau?: string; dir?: string }): Promise<void> {
  await runTask(
    "ceremony start",
    async () => {
      const zkey = await startCeremony(
        required(args.circuit, "--circuit", "circuit instance"),
        required(args.ptau, "--ptau", "prepared powers-of-tau file"),
        required(args.dir, "--dir", "new ceremony directory"),
      );
      process.stderr.write(`[ceremony] started: ${zkey}; pass the directory to the first contributor\n`);
    },
    { finally: releaseCurves },
  );
}

export async function contributeAction(args: { dir?: string; name?: string; entropy?: string }): Promise<void> {
  await runTask(
    "ceremony contribute",
    async () => {
      const zkey = await contribute(
        required(args.dir, "--dir", "ceremony directory"),
        required(args.name, "--name", "your public name, for the transcript"),
        args.entropy,
      );
      process.stderr.write(
        `[ceremony] contribution written: ${zkey}; pass the directory on, and destroy nothing but your entropy\n`,
      );
    },
    { finally: releaseCurves },
  );
}

export async function verify(args: { circuit?: string; ptau?: string; zkey?: string }): Promise<void> {
  await runTask(
    "ceremony verify",
    async (out) => {
      if (
        !(await verifyCeremony(
          required(args.circuit, "--circuit", "circuit instance"),
          required(args.ptau, "--ptau", "prepared powers-of-tau file"),
          required(args.zkey, "--zkey", "zkey to verify"),
        ))
      ) {
        process.stderr.write(
          `[ceremony] ${args.zkey ?? ""} does NOT verify against ${args.circuit ?? ""} and the given ptau\n`,
        );
        out.failed = true;
      }
    },
    { finally: releaseCurves },
  );
}

export async function finalize(args: {
  dir?: string;
  ptau?: string;
  beacon?: string;
  iterations: number;
}): Promise<void> {
  await runTask(
    "ceremony finalize",
    async () => {
      const { verifier, transcript } = await finalizeCeremony(
        required(args.dir, "--dir", "ceremony directory"),
        required(args.ptau, "--ptau", "prepared powers-of-tau file"),
        required(args.beacon, "--beacon", "32 bytes of hex"),
        args.iterations,
      );
      process.stderr.write(`[ceremony] finalized: ${verifier} and ${transcript} written; commit both\n`);
    },
    { finally: releaseCurves },
  );
}
