// Shared chain helpers: custom errors in words, RPC error classification, deadlines and retries, decoded receipts, EIP-712
// typed data.
export * from "./eip712.js";
export * from "./errors.js";
export * from "./receipts.js";
export * from "./retry.js";
export * from "./rpc.js";
