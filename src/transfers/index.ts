// 0-confirmation transfers between members (issue 15): notices, settlement, credit, the recipient's policy.
export * from "./notices.js";
