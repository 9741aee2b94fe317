// The end-to-end demo (`npm run demo`, scripts/demo.ts): scenario from a seed, the orchestration of every real
// component, the terminal summary and the HTML report (docs/demo.md).
export * from "./scenario.js";
export * from "./rpc.js";
export * from "./gas.js";
export * from "./progress.js";
export * from "./types.js";
export * from "./context.js";
export * from "./run.js";
export * from "./summary.js";
export * from "./report.js";
