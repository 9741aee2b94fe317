// Hardhat Ignition module of the post-deploy configuration: lists the assets and their collateral weights, grants
// the auditor set AUDITOR_ROLE, sets quorum, default SLA, slash shares and the other governance parameters, as the
// "ConsortiumConfig" section of an Ignition parameters file says (src/governance/config.ts). A list cannot be an
// Ignition parameter (a module's futures are fixed when it is built), so `npx hardhat governance configure
// --parameters <file>` builds this module from the file and deploys it into the consortium's deployment; each setting
// is one future (ids name it: `listAsset_2`, `setTokenWeight_2`, `grantAuditor_0x…`), so re-running with more
// entries sends only the new ones, and changing a sent one is refused by Ignition: after the hand-over
// (deploy/Governance.ts) changes go through the timelock (`npx hardhat governance propose`).
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import type { ConsortiumConfig } from "../src/governance/config.js";
import consortiumModule, { ROLES } from "./Consortium.js";

type ConsortiumModule = typeof consortiumModule;

/** Builds the configuration module for `config` on top of `consortium`. */
export function buildConsortiumConfigModule(
  config: ConsortiumConfig,
  consortium: ConsortiumModule = consortiumModule,
  moduleId = "ConsortiumConfig",
) {
  return buildModule(moduleId, (m) => {
    const { registry, vault, ledger, reputation, adjudicator } = m.useModule(consortium);
    for (const a of config.assets) {
      m.call(registry, "listAsset", [BigInt(a.id), a.token, a.symbol, BigInt(a.decimals)], { id: `listAsset_${a.id}` });
      if (a.collateralWeight !== undefined) {
        m.call(vault, "setTokenWeight", [a.token, a.collateralWeight], { id: `setTokenWeight_${a.id}` });
      }
    }
    for (const auditor of config.auditors) {
      m.call(registry, "grantRole", [ROLES.AUDITOR_ROLE, auditor], { id: `grantAuditor_${auditor}` });
    }
    if (config.quorum) m.call(ledger, "setQuorumParams", [config.quorum]);
    if (config.defaultSla) m.call(registry, "setDefaultSla", [config.defaultSla]);
    if (config.slashParams) m.call(adjudicator, "setSlashParams", [config.slashParams]);
    if (config.unbondingDelay !== undefined) m.call(registry, "setUnbondingDelay", [config.unbondingDelay]);
    if (config.probationPeriod !== undefined) m.call(registry, "setProbationPeriod", [config.probationPeriod]);
    if (config.bountyShareBps !== undefined) m.call(vault, "setBountyShareBps", [config.bountyShareBps]);
    if (config.slashPenaltyBps !== undefined) m.call(reputation, "setSlashPenalty", [config.slashPenaltyBps]);
    return {};
  });
}
