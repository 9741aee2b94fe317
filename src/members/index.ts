// Member-side library of the consortium contracts: record keys, signature
// files, formatting and the member status report.
export * from "./format.js";
export * from "./record-key.js";
export * from "./signature-file.js";
export * from "./status.js";
export * from "./token.js";
