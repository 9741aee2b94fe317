// Proof of assets (docs/protocol.md "Proof of assets"): the block of a snapshot time, reserve wallets registered
// before it, EIP-712 ownership signatures (ECDSA or ERC-1271), balances at that block, the PoA document and the
// per-asset DA blob that carries it with the tree's populated leaves, and the file of where those blobs were stored.
export * from "./block.js";
export * from "./ownership.js";
export * from "./document.js";
export * from "./build.js";
export * from "./blob.js";
export * from "./blob-refs.js";
