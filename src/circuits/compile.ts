// Compiles a declared circuit instance with circom2 (circom 2 as WebAssembly; runs offline) at --O2.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";

import * as snarkjs from "snarkjs";

import type { CircuitInstance } from "../../circuits/instances.js";
import { cached, hashParts } from "./cache.js";
import { CIRCUITS_DIR, NODE_MODULES, REPO_ROOT } from "./paths.js";

const require = createRequire(import.meta.url);
const CIRCOM_CLI = require.resolve("circom2/cli.js");
const TOOL_VERSIONS = ["circom2", "circomlib"].map(
  (pkg) => `${pkg}@${JSON.parse(readFileSync(join(NODE_MODULES, pkg, "package.json"), "utf8")).version}`,
);
const COMPILE_FLAGS = ["--r1cs", "--wasm", "--sym", "--O2"];
const LIBRARY_DIRS = [CIRCUITS_DIR, NODE_MODULES];

export interface CompiledCircuit {
  instance: CircuitInstance;
  /** Hash of everything the compilation depends on (main source, every included file, tool versions, flags). */
  compileHash: string;
  r1cs: string;
  wasm: string;
  sym: string;
  constraints: number;
  publicInputs: number;
  privateInputs: number;
  wires: number;
  cacheHit: boolean;
}

/** The `main` component source generated for an instance. */
export function mainSource(instance: CircuitInstance): string {
  const pub = instance.publicInputs.length > 0 ? ` {public [${instance.publicInputs.join(", ")}]}` : "";
  return [
    "pragma circom 2.1.9;",
    `// Generated for circuit instance ${instance.name}; do not edit.`,
    `include "${instance.file}";`,
    `component main${pub} = ${instance.template}(${instance.params.join(", ")});`,
    "",
  ].join("\n");
}

const INCLUDE_RE = /^\s*include\s+"([^"]+)"\s*;/gm;

function resolveInclude(spec: string, fromDir: string): string {
  for (const base of [fromDir, ...LIBRARY_DIRS]) {
    const candidate = resolve(base, spec);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`circuit include "${spec}" (from ${relative(REPO_ROOT, fromDir) || "."}) not found`);
}

/** Every file the source transitively includes, as absolute paths, in a stable order. */
export function includedFiles(source: string, fromDir: string): string[] {
  const seen = new Set<string>();
  const visit = (src: string, dir: string) => {
    for (const match of src.matchAll(INCLUDE_RE)) {
      const file = resolveInclude(match[1], dir);
      if (seen.has(file)) continue;
      seen.add(file);
      visit(readFileSync(file, "utf8"), dirname(file));
    }
  };
  visit(source, fromDir);
  return [...seen].sort();
}

/** The hash that names an instance's compilation in the cache. */
export function compileHash(instance: CircuitInstance): string {
  const main = mainSource(instance);
  const files = includedFiles(main, CIRCUITS_DIR);
  return hashParts([
    "compile/v1",
    ...TOOL_VERSIONS,
    ...COMPILE_FLAGS,
    main,
    ...files.flatMap((f) => [relative(REPO_ROOT, f), readFileSync(f)]),
  ]);
}

function runCircom(args: string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CIRCOM_CLI, ...args], { cwd: REPO_ROOT });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0 && !/error\[/i.test(output)) resolvePromise(output);
      else reject(new Error(`circom2 ${args.join(" ")} failed (exit ${code}):\n${output.trim()}`));
    });
  });
}

interface R1csInfo {
  nConstraints: number;
  nPubInputs: number;
  nPrvInputs: number;
  nOutputs: number;
  nVars: number;
}

/** Compiles an instance (or finds it in the cache). */
export async function compileInstance(instance: CircuitInstance): Promise<CompiledCircuit> {
  const hash = compileHash(instance);
  const { dir, hit } = await cached("compile", hash, async (tmp) => {
    const mainFile = join(tmp, "main.circom");
    await writeFile(mainFile, mainSource(instance));
    const libs = LIBRARY_DIRS.flatMap((d) => ["-l", d]);
    await runCircom([mainFile, ...COMPILE_FLAGS, ...libs, "-o", tmp]);
    // circom names the wasm directory after the main file: main_js/main.wasm.
    await rename(join(tmp, "main_js", "main.wasm"), join(tmp, "main.wasm"));
    const raw = (await snarkjs.r1cs.info(join(tmp, "main.r1cs"))) as Record<keyof R1csInfo, number | bigint>;
    const info: R1csInfo = {
      nConstraints: Number(raw.nConstraints),
      nPubInputs: Number(raw.nPubInputs),
      nPrvInputs: Number(raw.nPrvInputs),
      nOutputs: Number(raw.nOutputs),
      nVars: Number(raw.nVars),
    };
    await writeFile(join(tmp, "info.json"), JSON.stringify(info));
  });
  const info = JSON.parse(await readFile(join(dir, "info.json"), "utf8")) as R1csInfo;
  return {
    instance,
    compileHash: hash,
    r1cs: join(dir, "main.r1cs"),
    wasm: join(dir, "main.wasm"),
    sym: join(dir, "main.sym"),
    constraints: info.nConstraints,
    publicInputs: info.nPubInputs + info.nOutputs,
    privateInputs: info.nPrvInputs,
    wires: info.nVars,
    cacheHit: hit,
  };
}
