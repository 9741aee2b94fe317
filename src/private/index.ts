// Private mode (docs/protocol.md, "Private totals"): Pedersen commitments on Baby Jubjub, the Schnorr zero-difference
// proof, and the proofs of one private asset (RootCommitment, SurplusRange).
export * from "./pedersen.js";
export * from "./prove.js";
export * from "./ledger.js";
export * from "./blob.js";
export * from "./check.js";
export * from "./recipients.js";
export * from "./member.js";
export * from "./set.js";
