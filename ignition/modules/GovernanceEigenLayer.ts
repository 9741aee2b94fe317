// Entry point for `npx hardhat ignition deploy ignition/modules/GovernanceEigenLayer.ts --parameters <file>`: the
// hand-over of a consortium on EigenLayer (ignition/modules/ConsortiumEigenLayer.ts) to a TimelockController, as
// ignition/modules/Governance.ts does for the vault's. Defined in deploy/Governance.ts. See docs/guides/deploy.md.
import { governanceEigenLayerModule } from "../../deploy/Governance.js";

export default governanceEigenLayerModule;
