// Entry point for `npx hardhat ignition deploy ignition/modules/Governance.ts`: the hand-over of governance to a
// TimelockController, defined in deploy/Governance.ts (where tests import it from). See docs/guides/deploy.md.
export { default } from "../../deploy/Governance.js";
