// Governance of a deployed consortium: the post-deploy configuration (config.ts), the calls the timelock may make
// (calls.ts), its operations (timelock.ts), who holds which role (roles.ts) and where it all lives (deployment.ts).
export * from "./calls.js";
export * from "./config.js";
export * from "./deployment.js";
export * from "./roles.js";
export * from "./timelock.js";
