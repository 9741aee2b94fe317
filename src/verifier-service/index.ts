// The verifier service (docs/protocol.md "Verifier service"): users forward signed records over HTTP; the service
// validates them against the chain, stores them (SQLite or PostgreSQL) idempotently by nullifier, reports coverage
// and detection probability per snapshot (D6), and schedules back-in-time proof requests (B2, B10).
export * from "./chain.js";
export * from "./coverage.js";
export * from "./forwarded.js";
export * from "./http.js";
export * from "../log/index.js";
export * from "./policy.js";
export * from "./scheduler.js";
export * from "./service.js";
export * from "./sql-drivers.js";
export * from "./store.js";
export * from "./validate.js";
