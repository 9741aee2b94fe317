// Shared chain helpers: custom errors in words, RPC error classification and deadlines, decoded receipts, EIP-712
// typed data.
export * from "./eip712.js";
export * from "./errors.js";
export * from "./receipts.js";
export * from "./rpc.js";
