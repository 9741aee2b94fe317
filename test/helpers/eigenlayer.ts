// TEST-ONLY stand-ins of EigenLayer's core (contracts/mocks/eigenlayer/): their deploy helper and EigenLayer's staking
// flow on them live in src/demo/eigenlayer.ts, which the demo's `--stake eigenlayer` also runs on; the tests import
// them from here.
export * from "../../src/demo/eigenlayer.js";
