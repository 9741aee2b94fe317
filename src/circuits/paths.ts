// Where the circuit pipeline reads and writes, relative to the repository root.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const CIRCUITS_DIR = join(REPO_ROOT, "circuits");
export const NODE_MODULES = join(REPO_ROOT, "node_modules");
/** Committed outputs: one Solidity verifier per instance. */
export const VERIFIERS_DIR = join(REPO_ROOT, "contracts", "verifiers");
/** Committed outputs: verifying keys and the manifest of what produced them. */
export const KEYS_DIR = join(CIRCUITS_DIR, "keys");
