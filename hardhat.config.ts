import { createRequire } from "node:module";
import { availableParallelism } from "node:os";

import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { configVariable, defineConfig } from "hardhat/config";

import porKeysPlugin from "./src/hardhat/keys-plugin.js";
import { taskDefinitions } from "./tasks/index.js";

const require = createRequire(import.meta.url);

/** Solidity comes from the npm `solc` package (offline); Hardhat wants an absolute path to it. */
const SOLC_VERSION = "0.8.30";
const solcPath = require.resolve("solc/soljson.js");

/** Mocha's worker processes for this run (see `test.mocha` below). */
const TEST_JOBS =
  process.env.POR_TEST_TIMES || process.argv.some((a) => /\.test\.[cm]?[jt]s$/.test(a))
    ? 1
    : Math.max(1, Number(process.env.POR_TEST_JOBS) || Math.min(4, availableParallelism()));

/**
 * The solc settings of every contract, with `runs` optimizer runs. `optimizer` comes first: Hardhat's "production"
 * profile merges these over its own default optimizer, and its cache keys on the settings' key order, so the order
 * must be the one that merge gives for the production build to be a cache hit on the default one.
 */
function solcSettings(runs: number, viaIR = false) {
  return { optimizer: { enabled: true, runs }, evmVersion: "prague", ...(viaIR ? { viaIR } : {}) };
}

/**
 * The compilers of every build profile. The EigenLayer adapter is over the 24,576-byte limit with the legacy pipeline
 * at any run count (24.2 KB at 1 run); through the IR pipeline at 200 runs it is 22 KB (its hot path, the quorum's
 * weight read, is dominated by the calls into EigenLayer, not by its own code). Attestations is 24.7 KB at 1000 runs
 * (over the limit) and under it at 200 runs. Transfers is 26.8 KB at 1000 runs and 25.0 KB at 200 with the legacy
 * pipeline, 22.9 KB through the IR pipeline at 1000 runs.
 */
const SOLIDITY_PROFILE = {
  compilers: [{ version: SOLC_VERSION, path: solcPath, settings: solcSettings(1000) }],
  overrides: {
    "contracts/EigenLayerStakeSource.sol": { version: SOLC_VERSION, path: solcPath, settings: solcSettings(200, true) },
    "contracts/Attestations.sol": { version: SOLC_VERSION, path: solcPath, settings: solcSettings(200) },
    "contracts/Transfers.sol": { version: SOLC_VERSION, path: solcPath, settings: solcSettings(1000, true) },
    // The Solidity tests that deploy Attestations compile it with their own settings: the deployed ones.
    "test/solidity/Attestations.t.sol": { version: SOLC_VERSION, path: solcPath, settings: solcSettings(200) },
    "test/solidity/Transfers.t.sol": { version: SOLC_VERSION, path: solcPath, settings: solcSettings(1000, true) },
  },
};

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers, porKeysPlugin],
  tasks: taskDefinitions,
  // The operator node's and the aggregator's keys (operator run, aggregator serve): the environment variable of that name
  // when set, else the keystore (`npx hardhat keystore set POR_OPERATOR_KEY`). See docs/guides/operator.md.
  por: {
    operatorKey: configVariable("POR_OPERATOR_KEY"),
    aggregatorKey: configVariable("POR_AGGREGATOR_KEY"),
    // The operator's X25519 key for private blobs (`operator encryption-key register`, `operator run`).
    encryptionKey: configVariable("POR_ENCRYPTION_KEY"),
    previousEncryptionKeys: configVariable("POR_PREVIOUS_ENCRYPTION_KEYS"),
  },
  solidity: {
    // One profile for tests and deployments alike (`ignition deploy` builds with "production", on every network): the
    // contracts a deployment publishes are the bytecode the tests ran. Hardhat's "production" compiles each file alone
    // and records its own version in the build info (`isolated`, `toolVersionsInBuildInfo`); both off here, so the
    // production build is the default build, a cache hit, instead of a full recompile of every contract at each first
    // deployment (5 min on 2 cores; solc's metadata, hence the bytecode, names only the sources a contract uses).
    profiles: {
      default: SOLIDITY_PROFILE,
      production: { ...SOLIDITY_PROFILE, isolated: false, toolVersionsInBuildInfo: false },
    },
    // OpenZeppelin's TimelockController, as published, holds governance after the hand-over (deploy/Governance.ts).
    npmFilesToBuild: ["@openzeppelin/contracts/governance/TimelockController.sol"],
  },
  paths: {
    tests: { mocha: "test", solidity: "test/solidity" },
  },
  test: {
    mocha: {
      // POR_TEST_TIMES=<file.json>: each test file's wall and CPU time, written there (the slowest listed on stderr;
      // serial runs only).
      ...(process.env.POR_TEST_TIMES ? { reporter: "./test/helpers/timing-reporter.cjs" } : {}),
      // The whole suite runs its files in parallel, one worker process per core up to 4 (on 2 cores: 8.5 min against 13 min
      // serial, measured on a quiet machine). POR_TEST_JOBS=<n> sets the workers (1: serial); a run of named files
      // or with POR_TEST_TIMES is serial (its output streams as it goes).
      ...(TEST_JOBS > 1 ? { parallel: true, jobs: TEST_JOBS } : {}),
    },
  },
  // Source verification (hardhat-verify, in the toolbox): Etherscan with its key from the keystore; Blockscout and
  // Sourcify need none. `npx hardhat ignition deploy ... --verify` or `npx hardhat ignition verify <deployment-id>`.
  verify: {
    etherscan: { apiKey: configVariable("ETHERSCAN_API_KEY") },
  },
  networks: {
    hardhatMainnet: { type: "edr-simulated", chainType: "l1" },
    localhost: { type: "http", chainType: "l1", url: process.env.POR_LOCALHOST_URL ?? "http://127.0.0.1:8545" },
    sepolia: {
      type: "http",
      chainType: "l1",
      url: configVariable("SEPOLIA_RPC_URL"),
      accounts: [configVariable("SEPOLIA_PRIVATE_KEY")],
    },
    holesky: {
      type: "http",
      chainType: "l1",
      url: configVariable("HOLESKY_RPC_URL"),
      accounts: [configVariable("HOLESKY_PRIVATE_KEY")],
    },
  },
});
