import { createRequire } from "node:module";

import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { configVariable, defineConfig } from "hardhat/config";

import { taskDefinitions } from "./tasks/index.js";

const require = createRequire(import.meta.url);

/** Solidity comes from the npm `solc` package (offline); Hardhat wants an absolute path to it. */
const SOLC_VERSION = "0.8.30";
const solcPath = require.resolve("solc/soljson.js");

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  tasks: taskDefinitions,
  solidity: {
    version: SOLC_VERSION,
    path: solcPath,
    settings: {
      evmVersion: "prague",
      optimizer: { enabled: true, runs: 1000 },
    },
  },
  paths: {
    tests: { mocha: "test", solidity: "test/solidity" },
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
