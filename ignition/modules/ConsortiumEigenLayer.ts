// Entry point for `npx hardhat ignition deploy ignition/modules/ConsortiumEigenLayer.ts --parameters <file>`: the
// consortium with EigenLayer as its stake source (the AVS adapter wired to the EigenLayer core addresses the
// parameters give). The module lives in deploy/Consortium.ts. See docs/guides/deploy.md.
import { consortiumEigenLayerModule } from "../../deploy/Consortium.js";

export default consortiumEigenLayerModule;
