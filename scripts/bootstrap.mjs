#!/usr/bin/env node
// Makes `node_modules` ready for Hardhat 3 on any machine with Node >= 20 and npm.
//
// Hardhat 3 needs Node >= 22.13. The project depends on the npm package `node` (a Node 22 binary from
// the npm registry), and npm scripts put `node_modules/.bin` first on PATH, so every script runs on it.
// One catch: npm running under Node 20 skips EDR's native optional package (an engine check), and
// Hardhat then fails with HHE27. So the install runs in two phases: once with the Node on PATH (which
// brings Node 22), and once more with Node 22 first on PATH (which adds the skipped native packages).
//
// Idempotent and cheap when nothing changed: a stamp in node_modules records the lockfile's hash.
// Runs on Node 20 and later; no dependencies.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const stampPath = join(root, "node_modules", ".por-bootstrap-stamp");
const bundledNodeBin = join(root, "node_modules", "node", "bin");
const MIN_NODE = [22, 13];

function log(msg) {
  process.stderr.write(`[setup] ${msg}\n`);
}

function versionOk(version) {
  const [major, minor] = version.replace(/^v/, "").split(".").map(Number);
  return major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
}

function lockHash() {
  const lock = join(root, "package-lock.json");
  const h = createHash("sha256");
  h.update(existsSync(lock) ? readFileSync(lock) : Buffer.alloc(0));
  h.update(readFileSync(join(root, "package.json")));
  h.update(`${process.platform}-${process.arch}`);
  return h.digest("hex");
}

/** The Node binary that runs Hardhat: this one if recent enough, else the bundled one. */
function hardhatNode() {
  if (versionOk(process.version)) return process.execPath;
  const bundled = join(bundledNodeBin, process.platform === "win32" ? "node.exe" : "node");
  return existsSync(bundled) ? bundled : undefined;
}

function edrLoads(nodeBin) {
  const r = spawnSync(nodeBin, ["-e", "require('@nomicfoundation/edr')"], { cwd: root, stdio: "ignore" });
  return r.status === 0;
}

function ready() {
  if (!existsSync(stampPath) || readFileSync(stampPath, "utf8") !== lockHash()) return false;
  const nodeBin = hardhatNode();
  return nodeBin !== undefined && edrLoads(nodeBin);
}

function npm(args, extraPath) {
  const env = { ...process.env };
  if (extraPath) {
    const key = Object.keys(env).find((k) => k.toUpperCase() === "PATH") ?? "PATH";
    env[key] = `${extraPath}${delimiter}${env[key] ?? ""}`;
  }
  log(`npm ${args.join(" ")}${extraPath ? " (with Node 22 first on PATH)" : ""}`);
  const r = spawnSync("npm", args, { cwd: root, env, stdio: "inherit", shell: process.platform === "win32" });
  if (r.status !== 0) {
    log(`npm ${args.join(" ")} failed (exit ${r.status}); see the output above.`);
    process.exit(r.status ?? 1);
  }
}

/** Builds the optional native crypto backend (cached; never fails the install: a pure-JS fallback exists). */
function buildNative() {
  const nodeBin = hardhatNode() ?? process.execPath;
  spawnSync(nodeBin, [join(root, "native", "build.mjs"), "--quiet"], { cwd: root, stdio: "inherit" });
}

if (ready()) {
  buildNative();
  process.exit(0);
}

// `npm install`, not `npm ci`: npm writes the lockfile without the other platforms' EDR packages, which `npm ci`
// then reports as out of sync. With the lockfile present `npm install` still installs its exact versions.
const installArgs = ["install", "--no-audit", "--no-fund"];

let nodeBin = hardhatNode();
if (nodeBin !== undefined) {
  // A Node >= 22.13 is at hand already: one install, with npm running on it.
  npm(installArgs, nodeBin === process.execPath ? undefined : dirname(nodeBin));
} else {
  // First phase on the Node we have: brings the npm package `node` (Node 22).
  npm(installArgs);
  nodeBin = hardhatNode();
  if (nodeBin === undefined) {
    log("no Node >= 22.13 found: the npm package `node` did not install. Install Node 22 and retry.");
    process.exit(1);
  }
  // Second phase, npm running on Node 22: installs the native packages the first phase skipped.
  if (!edrLoads(nodeBin)) npm(["install", "--no-audit", "--no-fund"], dirname(nodeBin));
}
if (!edrLoads(nodeBin)) {
  log("Hardhat's EDR runtime still does not load; check `npm ls @nomicfoundation/edr`.");
  process.exit(1);
}
writeFileSync(stampPath, lockHash());
buildNative();
log(`ready: Hardhat runs on Node ${spawnSync(nodeBin, ["--version"], { encoding: "utf8" }).stdout.trim()}`);
