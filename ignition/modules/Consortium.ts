// Entry point for `npx hardhat ignition deploy ignition/modules/Consortium.ts`: Hardhat Ignition loads modules only
// from `<paths.ignition>/modules`, so this file re-exports the consortium module that lives in deploy/Consortium.ts
// (where tests and scripts import it from). See docs/guides/deploy.md.
export { default } from "../../deploy/Consortium.js";
