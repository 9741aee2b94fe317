// Shared chain helpers: custom errors in words, decoded receipts, EIP-712 typed data.
export * from "./eip712.js";
export * from "./errors.js";
export * from "./receipts.js";
