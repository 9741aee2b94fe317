// Shared chain helpers: the contracts' enum values in words, custom errors in words, RPC error classification,
// deadlines and retries, decoded receipts, EIP-712 typed data, the chain's clock.
export * from "./eip712.js";
export * from "./enums.js";
export * from "./errors.js";
export * from "./receipts.js";
export * from "./retry.js";
export * from "./rpc.js";
export * from "./time.js";
