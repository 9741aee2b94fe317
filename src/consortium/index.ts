// The consortium's ledger-side library: commitment digests, quorum attestations, fraud-proof input, summaries,
// published trees and claims (the deployment reader is src/client).
export * from "./attestation.js";
export * from "./fraud.js";
export * from "./summary.js";
export * from "./bundle.js";
export * from "./published.js";
export * from "./claims.js";
