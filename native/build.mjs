#!/usr/bin/env node
// Builds the native crypto addon native/build/por_native.node with the system C++ compiler.
//
//   node native/build.mjs [--strict] [--force] [--quiet]
//
// 1. Generates native/build/gen/*.h from circomlibjs's own constant tables (gen-constants.mjs).
// 2. Compiles native/src/*.cpp (C++17, -O3, portable -march=x86-64-v2 on x64; never -march=native),
//    one compiler process per core, and links the shared object; the output is written to a temporary
//    name and renamed, so a half-built addon is never loaded.
// 3. Loads the result in a child process and checks a known Poseidon vector.
// A stamp (hash of compiler, flags, sources and generated headers) skips the work when nothing changed.
//
// Never breaks an install: if the compiler or Node's headers are missing, or the build fails, it prints
// a note and exits 0 (the JavaScript side then falls back to pure JS). With --strict it exits 1 instead.
// Environment: CXX (compiler, default g++), NODE_API_HEADERS_DIR (directory holding node_api.h),
// POR_NATIVE_SKIP=1 (do nothing), POR_NATIVE_PORTABLE=1 (no x86-64 inline assembly: the portable C++
// arithmetic that non-x86 machines use, for testing it on x86). Runs on Node >= 20 with no dependencies.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

import { generate } from "./gen-constants.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const srcDir = join(here, "src");
const buildDir = join(here, "build");
const genDir = join(buildDir, "gen");
const objDir = join(buildDir, "obj");
const output = join(buildDir, "por_native.node");
const stampPath = join(buildDir, "stamp.txt");

const args = new Set(process.argv.slice(2));
const strict = args.has("--strict");
const force = args.has("--force");
const quiet = args.has("--quiet");

function log(msg) {
  if (!quiet) process.stderr.write(`[native] ${msg}\n`);
}

/**
 * Stops without an addon: a note, exit 0 (or 1 with --strict). After a failed build attempt (`removeStale`),
 * an addon left from older sources is removed, so what loads always matches the sources.
 */
function giveUp(reason, removeStale = false) {
  if (removeStale) {
    rmSync(output, { force: true });
    rmSync(stampPath, { force: true });
  }
  process.stderr.write(
    `[native] ${reason}\n[native] The native crypto backend is NOT built; the project falls back to pure JavaScript ` +
      `(correct, but 10-100x slower for tree builds and signing).\n`,
  );
  process.exit(strict ? 1 : 0);
}

function findHeaders() {
  const candidates = [
    process.env.NODE_API_HEADERS_DIR,
    join(dirname(process.execPath), "..", "include", "node"),
    "/usr/include/node",
    "/usr/local/include/node",
  ].filter((d) => d !== undefined && d !== "");
  return candidates.find((d) => existsSync(join(d, "node_api.h")));
}

function compilerVersion(cxx) {
  const r = spawnSync(cxx, ["--version"], { encoding: "utf8" });
  if (r.error !== undefined || r.status !== 0) return undefined;
  return r.stdout.split("\n")[0];
}

function run(cmd, argv) {
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, argv, { cwd: here, stdio: ["ignore", "inherit", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", (err) => resolvePromise({ ok: false, stderr: String(err) }));
    child.on("close", (code) => resolvePromise({ ok: code === 0, stderr }));
  });
}

async function main() {
  if (process.env.POR_NATIVE_SKIP === "1") {
    log("POR_NATIVE_SKIP=1: skipping the native build");
    return;
  }
  if (process.platform === "win32") giveUp("Windows is not supported by this build script.");
  const cxx = process.env.CXX || "g++";
  const version = compilerVersion(cxx);
  if (version === undefined) giveUp(`No C++ compiler found (tried "${cxx}"; set CXX or install g++).`);
  const headers = findHeaders();
  if (headers === undefined) {
    giveUp("Node's C headers (node_api.h) not found; install the nodejs dev headers or set NODE_API_HEADERS_DIR.");
  }

  let genFiles;
  try {
    genFiles = await generate(genDir);
  } catch (err) {
    giveUp(`Generating constants from circomlibjs failed: ${err instanceof Error ? err.message : String(err)}`);
  }

  const sources = readdirSync(srcDir)
    .filter((f) => f.endsWith(".cpp"))
    .sort();
  const common = [
    "-std=c++17",
    "-O3",
    ...(process.arch === "x64" ? ["-march=x86-64-v2"] : []),
    "-fPIC",
    "-pthread",
    "-fvisibility=hidden",
    "-Wall",
    "-Wextra",
    ...(process.env.POR_NATIVE_PORTABLE === "1" ? ["-DPOR_NO_ASM"] : []),
    // Reproducible objects: no absolute paths of this checkout in debug info or macros.
    `-ffile-prefix-map=${root}=.`,
    `-I${genDir}`,
    `-I${srcDir}`,
    `-I${headers}`,
  ];
  const linkExtra = process.platform === "darwin" ? ["-undefined", "dynamic_lookup"] : ["-Wl,--build-id=none"];

  const stamp = createHash("sha256");
  stamp.update(`${version}\n${common.join(" ")}\n${linkExtra.join(" ")}\n`);
  stamp.update(readFileSync(join(headers, "node_api.h")));
  for (const name of readdirSync(srcDir).sort()) {
    stamp.update(`${name}\n`);
    stamp.update(readFileSync(join(srcDir, name)));
  }
  for (const f of genFiles) stamp.update(readFileSync(f));
  const digest = stamp.digest("hex");
  if (!force && existsSync(output) && existsSync(stampPath) && readFileSync(stampPath, "utf8") === digest) {
    log(`up to date: ${relative(root, output)}`);
    return;
  }

  log(`compiling ${sources.length} files with ${version}`);
  const started = Date.now();
  mkdirSync(objDir, { recursive: true });
  const jobs = sources.map((s) => ({ src: join(srcDir, s), obj: join(objDir, s.replace(/\.cpp$/, ".o")) }));
  const parallel = Math.max(1, Math.min(jobs.length, availableParallelism()));
  let next = 0;
  const failures = [];
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < jobs.length) {
        const job = jobs[next++];
        const r = await run(cxx, [...common, "-c", job.src, "-o", job.obj]);
        if (!r.ok) failures.push(`${relative(root, job.src)}:\n${r.stderr}`);
        else if (r.stderr.trim() !== "") process.stderr.write(r.stderr);
      }
    }),
  );
  if (failures.length > 0) giveUp(`Compilation failed:\n${failures.join("\n")}`, true);

  const tmp = join(buildDir, `por_native.tmp-${process.pid}.node`);
  const link = await run(cxx, ["-shared", "-pthread", "-O3", ...jobs.map((j) => j.obj), ...linkExtra, "-o", tmp]);
  if (!link.ok) {
    rmSync(tmp, { force: true });
    giveUp(`Linking failed:\n${link.stderr}`, true);
  }

  // Smoke test in a child process: the addon loads and agrees with circomlibjs on Poseidon(1, 2).
  const check = spawnSync(
    process.execPath,
    [
      "-e",
      `const m = require(${JSON.stringify(tmp)});` +
        `if (m.poseidon([1n, 2n]) !== 7853200120776062878684798364095072458815029376092732009249414926327459813530n)` +
        ` { console.error("Poseidon self-test mismatch"); process.exit(1); }`,
    ],
    { encoding: "utf8" },
  );
  if (check.status !== 0) {
    rmSync(tmp, { force: true });
    giveUp(`The built addon failed its load/self-test:\n${check.stderr}`, true);
  }
  renameSync(tmp, output);
  writeFileSync(stampPath, digest);
  log(`built ${relative(root, output)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

await main();
