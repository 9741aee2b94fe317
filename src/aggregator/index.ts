// The aggregator (docs/protocol.md "Aggregator"): collects attestations over HTTP and submits stake-weighted quorums.
export * from "./db.js";
export * from "./server.js";
