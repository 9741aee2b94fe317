// The operator node (docs/protocol.md "Operator node"): chain follower, verification checks, watchtower, attestation
// signing and delivery, health endpoint, structured logs.
export * from "../log/index.js";
export * from "../chain/retry.js";
export * from "./db.js";
export * from "./checks.js";
export * from "./blobs.js";
export * from "./records.js";
export * from "./verify.js";
export * from "./watchtower.js";
export * from "./node.js";
export * from "./interims.js";
export * from "./config.js";
export * from "./health.js";
export * from "./path-server.js";
export * from "./preflight.js";
export * from "./run.js";
