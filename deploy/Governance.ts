// Hardhat Ignition module: hands governance of the consortium to OpenZeppelin's TimelockController.
//
//   npx hardhat ignition deploy ignition/modules/Governance.ts --network localhost --parameters <file.json>
//
// Deploys `TimelockController(minDelay, [multisig], [executor], address(0))`: the multisig is the only proposer and
// canceller; `executor` is address(0) by default, so anyone may execute an operation once its delay has passed (the
// delay, not the executor, is what protects users; the multisig can cancel until then). The timelock administers
// itself (no admin account): changing its delay or its proposers is a timelocked operation too.
//
// Then, on every AccessControl contract of the consortium (ConsortiumRegistry, its stake source: CollateralVault or
// EigenLayerStakeSource, CommitmentLedger, Reputation, Adjudicator, Attestations, Transfers; ReserveRegistry has no roles of its own, it asks
// the registry), grants DEFAULT_ADMIN_ROLE
// to the timelock, makes the timelock the insurance fund (`Adjudicator.setClaimParams`, keeping `claimWindow` and
// `insuranceShareBps` as given here), and only then has the deployer renounce DEFAULT_ADMIN_ROLE everywhere and the
// registry's AUDITOR_ROLE (auditors come from the configuration module's `auditors`, deploy/ConsortiumConfig.ts).
// Run the configuration module before this one: afterwards the deployer can no longer change anything.
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { CallableContractFuture, IgnitionModule } from "@nomicfoundation/ignition-core";

import consortiumModule, { consortiumEigenLayerModule, ROLES } from "./Consortium.js";

/** The zero role: DEFAULT_ADMIN_ROLE of OpenZeppelin's AccessControl. */
export const DEFAULT_ADMIN_ROLE = `0x${"00".repeat(32)}`;
/** address(0): as the timelock's executor, anyone may execute; as its admin, none. */
export const ANYONE = "0x0000000000000000000000000000000000000000";

/**
 * The consortium contracts that use AccessControl, by their Consortium module future id (a deployment has one of the
 * two stake sources).
 */
export const ADMINISTERED_CONTRACTS = [
  "ConsortiumRegistry",
  "CollateralVault",
  "EigenLayerStakeSource",
  "CommitmentLedger",
  "Reputation",
  "Adjudicator",
  "Attestations",
  "Transfers",
] as const;

export type AdministeredContract = (typeof ADMINISTERED_CONTRACTS)[number];

/** The administered contracts of a deployment on the native vault. */
export const VAULT_ADMINISTERED_CONTRACTS = ADMINISTERED_CONTRACTS.filter(
  (name): name is Exclude<AdministeredContract, "EigenLayerStakeSource"> => name !== "EigenLayerStakeSource",
);

/** The future id of the timelock in the Governance module. */
export const TIMELOCK_FUTURE = "TimelockController";

type ConsortiumModule = typeof consortiumModule | typeof consortiumEigenLayerModule;

/**
 * Builds the hand-over module on top of `consortium` (the default Consortium module unless a test passes another).
 * `after`: modules whose calls need the deployer's roles (a configuration module deployed in the same run), so the
 * deployer renounces only once they are done.
 */
export function buildGovernanceModule(
  consortium: ConsortiumModule = consortiumModule,
  moduleId = "Governance",
  after: IgnitionModule[] = [],
) {
  return buildModule(moduleId, (m) => {
    const deployer = m.getAccount(0);
    // Either module's results: the common contracts and one stake source.
    const c = m.useModule(consortium as typeof consortiumModule) as
      (typeof consortiumModule)["results"] | (typeof consortiumEigenLayerModule)["results"];
    for (const other of after) m.useModule(other);
    const multisig = m.getParameter<string>("multisig");
    const timelock = m.contract(TIMELOCK_FUTURE, [
      m.getParameter("minDelay", 2n * 86_400n),
      [multisig],
      [m.getParameter<string>("executor", ANYONE)],
      ANYONE,
    ]);

    const stake = "vault" in c ? { CollateralVault: c.vault } : { EigenLayerStakeSource: c.stakeSource };
    const contracts: Partial<Record<AdministeredContract, CallableContractFuture<string>>> = {
      ConsortiumRegistry: c.registry,
      ...stake,
      CommitmentLedger: c.ledger,
      Reputation: c.reputation,
      Adjudicator: c.adjudicator,
      Attestations: c.attestations,
      Transfers: c.transfers,
    };
    const administered = ADMINISTERED_CONTRACTS.flatMap((name) => {
      const future = contracts[name];
      return future === undefined ? [] : [{ name, future }];
    });
    const grants = administered.map(({ name, future }) =>
      m.call(future, "grantRole", [DEFAULT_ADMIN_ROLE, timelock], { id: `${name}_grant_timelock` }),
    );
    const fund = m.call(
      c.adjudicator,
      "setClaimParams",
      [
        {
          // Required, no default: setClaimParams sets all three, and a default here would silently replace what the
          // Consortium module set. Pass the Consortium module's values (its defaults: 604800 and 2000).
          claimWindow: m.getParameter<bigint>("claimWindow"),
          insuranceShareBps: m.getParameter<bigint>("insuranceShareBps"),
          insuranceFund: timelock,
        },
      ],
      { id: "Adjudicator_insurance_fund_timelock", after: [...grants, ...after] },
    );
    const auditor = m.call(c.registry, "renounceRole", [ROLES.AUDITOR_ROLE, deployer], {
      id: "ConsortiumRegistry_renounce_auditor",
      after: [fund],
    });
    // Every other role the deployer may hold acts without the delay too (ADJUDICATOR_ROLE ejects): renounced as well
    // (a no-op when not held).
    const adjudicatorRole = m.call(c.registry, "renounceRole", [ROLES.ADJUDICATOR_ROLE, deployer], {
      id: "ConsortiumRegistry_renounce_adjudicator",
      after: [fund],
    });
    for (const { name, future } of administered) {
      m.call(future, "renounceRole", [DEFAULT_ADMIN_ROLE, deployer], {
        id: `${name}_renounce_admin`,
        after: [...grants, fund, auditor, adjudicatorRole],
      });
    }
    return { timelock };
  });
}

export default buildGovernanceModule();

/** The hand-over of a consortium on EigenLayer (ignition/modules/GovernanceEigenLayer.ts re-exports it). */
export const governanceEigenLayerModule = buildGovernanceModule(consortiumEigenLayerModule);
