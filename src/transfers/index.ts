// 0-confirmation transfers between members (issue 15): notices, settlement files, the tasks' and node's helpers.
export * from "./notices.js";
export * from "./settlements.js";
export * from "./client.js";
