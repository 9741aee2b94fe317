// The consortium's ledger-side library: commitment digests, quorum attestations, fraud-proof input, summaries,
// and the deployment wiring of the contracts.
export * from "./attestation.js";
export * from "./fraud.js";
export * from "./summary.js";
export * from "./deployment.js";
export * from "./bundle.js";
export * from "./published.js";
export * from "./claims.js";
