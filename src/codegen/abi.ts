// The ABI module generator: reads the compiled artifacts (artifacts/ after `hardhat build`) of the deployed
// contracts, their interfaces and the ERC standards the off-chain code calls, and the Solidity enums of those
// sources from the compiler's AST, and writes them as one committed TypeScript module (src/generated/abi.ts).
//
//   npx hardhat abi          build the contracts and write src/generated/abi.ts
//   npx hardhat abi --check  fail if the committed module differs from what the build produces (part of `npm test`)
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile } from "node:fs/promises";
import { dirname, isAbsolute, join, relative } from "node:path";

import * as prettier from "prettier";

import { writeFileAtomic } from "../circuits/cache.js";
import { REPO_ROOT } from "../circuits/paths.js";

/** The committed module, relative to the repository root. */
export const ABI_MODULE = "src/generated/abi.ts";
/** The command that regenerates it. */
export const ABI_REGENERATE_COMMAND = "npx hardhat abi";

/** The contracts Ignition deploys (deploy/Consortium.ts, deploy/EigenLayer.ts), by source file. */
export const DEPLOYED_CONTRACTS: readonly string[] = [
  "contracts/Adjudicator.sol:Adjudicator",
  "contracts/Attestations.sol:Attestations",
  "contracts/CollateralVault.sol:CollateralVault",
  "contracts/CommitmentLedger.sol:CommitmentLedger",
  "contracts/ConsortiumRegistry.sol:ConsortiumRegistry",
  "contracts/EigenLayerStakeSource.sol:EigenLayerStakeSource",
  "contracts/Reputation.sol:Reputation",
  "contracts/ReserveRegistry.sol:ReserveRegistry",
  "contracts/Transfers.sol:Transfers",
  "contracts/verifiers/LeafMismatch32Verifier.sol:LeafMismatch32Verifier",
  "contracts/verifiers/RootSumMismatchVerifier.sol:RootSumMismatchVerifier",
];
/**
 * Every contract of these folders is an interface of the deployed contracts (the EigenLayer ones: the core functions
 * the adapter, its tasks and the stand-ins use).
 */
export const INTERFACE_DIRS: readonly string[] = ["contracts/interfaces/", "contracts/eigenlayer/interfaces/"];
/**
 * The standards the off-chain code calls (token reads, contract-wallet signatures) and the governance timelock
 * (deploy/Governance.ts), from OpenZeppelin's sources.
 */
export const STANDARD_CONTRACTS: readonly string[] = [
  "@openzeppelin/contracts/interfaces/IERC1271.sol:IERC1271",
  "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol:IERC20Metadata",
  "@openzeppelin/contracts/governance/TimelockController.sol:TimelockController",
];

/** One fragment of a JSON ABI, as solc writes it. */
export type JsonAbi = ReadonlyArray<Record<string, unknown>>;

/** A contract's ABI as it goes into the module. */
export interface ContractAbi {
  /** Source file (npm packages without their version, project files from `contracts/`). */
  source: string;
  name: string;
  /** The module's export, e.g. `CONSORTIUM_REGISTRY_ABI`. */
  exportName: string;
  abi: JsonAbi;
}

/** A Solidity enum as it goes into the module. */
export interface EnumDefinition {
  source: string;
  /** `IConsortiumRegistry.MemberStatus` (or `MemberStatus` for a file-level enum). */
  canonicalName: string;
  /** Member names, by value. */
  members: string[];
}

/** What the module is made of. */
export interface AbiModuleInputs {
  contracts: ContractAbi[];
  enums: EnumDefinition[];
}

interface BuildInfoOutput {
  output: {
    contracts: Record<string, Record<string, { abi: JsonAbi }>>;
    sources: Record<string, { ast: AstNode }>;
  };
}

interface AstNode {
  nodeType?: string;
  canonicalName?: string;
  name?: string;
  members?: AstNode[];
  nodes?: AstNode[];
}

/** `npm/@openzeppelin/contracts@5.4.0/x.sol` -> `@openzeppelin/contracts/x.sol`; `project/contracts/x.sol` -> `contracts/x.sol`. */
export function normalizeSourceName(inputSourceName: string): string {
  if (inputSourceName.startsWith("project/")) return inputSourceName.slice("project/".length);
  const npm = /^npm\/((?:@[^/]+\/)?[^/@]+)@[^/]+\/(.*)$/.exec(inputSourceName);
  if (npm) return `${npm[1]}/${npm[2]}`;
  return inputSourceName;
}

/** `IConsortiumRegistry` -> `I_CONSORTIUM_REGISTRY`, `IERC20Metadata` -> `IERC20_METADATA`, `MemberStatus` -> `MEMBER_STATUS`. */
export function constantCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z])([A-Z][a-z])/g, "$1_$2")
    .toUpperCase();
}

/** Enum names of a source unit's AST, in declaration order (file-level and contract-level enums). */
export function enumsOfAst(source: string, ast: AstNode): EnumDefinition[] {
  const found: EnumDefinition[] = [];
  const visit = (node: AstNode): void => {
    if (node.nodeType === "EnumDefinition") {
      found.push({
        source,
        canonicalName: node.canonicalName ?? String(node.name),
        members: (node.members ?? []).map((m) => String(m.name)),
      });
      return;
    }
    for (const child of node.nodes ?? []) visit(child);
  };
  visit(ast);
  return found;
}

async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, "utf8")) as T;
}

/**
 * Read the module's inputs from a Hardhat artifacts directory: the build infos the compiled contracts name
 * (stale build infos left in the folder are never read), their ABIs and their enums' ASTs.
 */
export async function loadAbiInputs(artifactsDir: string): Promise<AbiModuleInputs> {
  const buildInfoIds = new Set<string>();
  async function walk(dir: string): Promise<void> {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (path !== join(artifactsDir, "build-info")) await walk(path);
      } else if (entry.name.endsWith(".json") && !entry.name.endsWith(".dbg.json")) {
        const artifact = await readJson<{ buildInfoId?: string }>(path);
        if (artifact.buildInfoId) buildInfoIds.add(artifact.buildInfoId);
      }
    }
  }
  const contractsDir = join(artifactsDir, "contracts");
  if (!existsSync(contractsDir)) throw new Error(`no compiled contracts in ${artifactsDir}: run \`npx hardhat build\``);
  // The project's artifacts and those of npm files built on their own (`npmFilesToBuild`: the TimelockController).
  await walk(artifactsDir);

  // Every compiled contract and source unit of those builds, by normalised source name.
  const abis = new Map<string, JsonAbi>();
  const asts = new Map<string, AstNode>();
  for (const id of [...buildInfoIds].sort()) {
    const info = await readJson<BuildInfoOutput>(join(artifactsDir, "build-info", `${id}.output.json`));
    for (const [inputSource, contracts] of Object.entries(info.output.contracts)) {
      for (const [name, { abi }] of Object.entries(contracts)) {
        const key = `${normalizeSourceName(inputSource)}:${name}`;
        const seen = abis.get(key);
        if (seen !== undefined && JSON.stringify(seen) !== JSON.stringify(abi)) {
          throw new Error(`${key} has two different ABIs in the build infos of ${artifactsDir}: run a clean build`);
        }
        abis.set(key, abi);
      }
    }
    for (const [inputSource, { ast }] of Object.entries(info.output.sources))
      asts.set(normalizeSourceName(inputSource), ast);
  }

  const interfaces = [...abis.keys()].filter((k) => INTERFACE_DIRS.some((dir) => k.startsWith(dir))).sort();
  const selected = [...DEPLOYED_CONTRACTS, ...interfaces, ...STANDARD_CONTRACTS];
  const contracts = selected.map((key): ContractAbi => {
    const abi = abis.get(key);
    if (abi === undefined) throw new Error(`${key} is not compiled in ${artifactsDir}: run \`npx hardhat build\``);
    const [source, name] = key.split(":");
    return { source, name, exportName: `${constantCase(name)}_ABI`, abi };
  });

  const sources = [...new Set(contracts.map((c) => c.source))].filter((s) => s.startsWith("contracts/")).sort();
  const enums = sources.flatMap((s) => enumsOfAst(s, asts.get(s) ?? {}));
  return { contracts, enums };
}

/** The short name of an enum (`IConsortiumRegistry.MemberStatus` -> `MemberStatus`). */
function enumShortName(e: EnumDefinition): string {
  return e.canonicalName.split(".").pop()!;
}

/** The module's text (prettier-formatted with the repository's settings) for the given inputs. */
export async function renderAbiModule(inputs: AbiModuleInputs): Promise<string> {
  const exports = new Map<string, string>();
  const claim = (name: string, what: string): void => {
    const other = exports.get(name);
    if (other !== undefined) throw new Error(`${what} and ${other} would both be exported as ${name}`);
    exports.set(name, what);
  };
  const parts: string[] = [
    `// Generated by \`${ABI_REGENERATE_COMMAND}\` from the compiled contracts (src/codegen/abi.ts): do not edit.`,
    "// `npx hardhat abi --check` (part of `npm test`) fails when it differs from what the build produces.",
    "",
  ];
  for (const c of inputs.contracts) {
    claim(c.exportName, `${c.source}:${c.name}`);
    parts.push(
      `/** JSON ABI of \`${c.name}\` (${c.source}). */`,
      `export const ${c.exportName} = ${JSON.stringify(c.abi)} as const;`,
      "",
    );
  }
  for (const e of inputs.enums) {
    const name = enumShortName(e);
    const namesExport = `${constantCase(name)}_NAMES`;
    claim(name, e.canonicalName);
    claim(namesExport, e.canonicalName);
    const values = e.members.map((m, i) => `${m} = ${i},`).join(" ");
    parts.push(
      `/** \`${e.canonicalName}\` (${e.source}): the names, by value. */`,
      `export const ${namesExport} = ${JSON.stringify(e.members)} as const;`,
      `/** \`${e.canonicalName}\` (${e.source}): the values, by name. */`,
      `export enum ${name} { ${values} }`,
      "",
    );
  }
  const file = join(REPO_ROOT, ABI_MODULE);
  const config = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(parts.join("\n"), { ...config, filepath: file });
}

/** Where the committed module differs from the build, if it does. */
export interface AbiStaleness {
  file: string;
  reason: string;
}

/** Compare a module file with the expected text; undefined when it is current. */
export async function compareAbiModule(path: string, expected: string): Promise<AbiStaleness | undefined> {
  const inRepo = relative(REPO_ROOT, path);
  const file = inRepo === "" || inRepo.startsWith("..") || isAbsolute(inRepo) ? path : inRepo;
  if (!existsSync(path)) return { file, reason: "missing" };
  const actual = await readFile(path, "utf8");
  if (actual === expected) return undefined;
  const a = actual.split("\n");
  const e = expected.split("\n");
  let line = 0;
  while (line < a.length && line < e.length && a[line] === e[line]) line++;
  return { file, reason: `differs from the build from line ${line + 1}` };
}

/** Words for a failed check: the stale file and the command that regenerates it. */
export function describeStaleAbi(stale: AbiStaleness): string {
  return [
    `Committed ABI module is stale: ${stale.file} (${stale.reason}).`,
    `Regenerate it with \`${ABI_REGENERATE_COMMAND}\` and commit the result.`,
  ].join("\n");
}

export interface AbiModuleOptions {
  /** Hardhat's artifacts directory (after `hardhat build`). */
  artifactsDir: string;
  /** The module file (default src/generated/abi.ts of the repository). */
  out?: string;
  /** Compare with the file instead of writing it. */
  check?: boolean;
}

/** Generate the module (or, with `check`, compare it); returns the staleness found by a check. */
export async function generateAbiModule(
  options: AbiModuleOptions,
): Promise<{ file: string; inputs: AbiModuleInputs; stale?: AbiStaleness }> {
  const out = options.out ?? join(REPO_ROOT, ABI_MODULE);
  const inputs = await loadAbiInputs(options.artifactsDir);
  const text = await renderAbiModule(inputs);
  if (options.check) return { file: out, inputs, stale: await compareAbiModule(out, text) };
  await mkdir(dirname(out), { recursive: true });
  await writeFileAtomic(out, text);
  return { file: out, inputs };
}
