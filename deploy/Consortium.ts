// Hardhat Ignition module: deploys the whole consortium and wires it. Ignition loads modules only from
// ignition/modules/, where ignition/modules/Consortium.ts re-exports this one:
//
//   npx hardhat ignition deploy ignition/modules/Consortium.ts --network localhost
//   npx hardhat ignition deploy ignition/modules/Consortium.ts --network sepolia --parameters deploy/parameters.example.json
//
// Contracts: ConsortiumRegistry, CollateralVault (with the members' restitution pools), ReserveRegistry, Reputation,
// CommitmentLedger, the fraud-proof verifiers LeafMismatch32Verifier and RootSumMismatchVerifier (generated into
// contracts/verifiers/ by `npx hardhat circuits`) and the Adjudicator (which keeps the restitution claims). Roles: AUDITOR_ROLE on the registry to `auditor`; ADJUDICATOR_ROLE
// to the Adjudicator on the registry; the vault's and the ledger's adjudicator is the Adjudicator, set once (Reputation needs no
// role: it reads the ledger's counters and the vault's stake history). Governance (DEFAULT_ADMIN_ROLE everywhere) is the deploying account; hand it to
// a multisig afterwards (docs/guides/deploy.md). ETH is listed as asset `ethAssetId`.
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { id } from "ethers";

/** keccak256 of the role names, as the contracts define them. */
export const ROLES = {
  AUDITOR_ROLE: id("AUDITOR_ROLE"),
  ADJUDICATOR_ROLE: id("ADJUDICATOR_ROLE"),
} as const;

/** The verifier contract of the production fraud-proof circuit. */
export const FRAUD_VERIFIER = "LeafMismatch32Verifier";
/** The verifier contract of the production root-sum fraud-proof circuit. */
export const ROOT_SUM_VERIFIER = "RootSumMismatchVerifier";

/**
 * Builds the consortium module with `verifierContract` as the fraud-proof verifier and `rootSumVerifierContract` as
 * the root-sum one. The default export uses the real `LeafMismatch32Verifier` and `RootSumMismatchVerifier`; tests
 * of non-proof logic may pass the mocks under another id.
 */
export function buildConsortiumModule(
  moduleId: string,
  verifierContract: string,
  rootSumVerifierContract: string = ROOT_SUM_VERIFIER,
) {
  return buildModule(moduleId, (m) => {
    const admin = m.getAccount(0);
    const auditor = m.getParameter("auditor", admin);

    const sla = {
      snapshotInterval: m.getParameter("snapshotInterval", 86_400n),
      responseWindow: m.getParameter("responseWindow", 86_400n),
      minCollateral: m.getParameter("minCollateral", 10n ** 18n),
    };
    const registry = m.contract("ConsortiumRegistry", [
      admin,
      sla,
      m.getParameter("unbondingDelay", 7n * 86_400n),
      m.getParameter("probationPeriod", 14n * 86_400n),
    ]);
    const vault = m.contract("CollateralVault", [
      admin,
      registry,
      m.getParameter("ethWeight", 10n ** 18n),
      m.getParameter("bountyShareBps", 1_000n),
    ]);
    const reserveRegistry = m.contract("ReserveRegistry", [registry]);
    const ledger = m.contract("CommitmentLedger", [
      admin,
      registry,
      vault,
      {
        quorumWeight: m.getParameter("quorumWeight", 3n * 10n ** 18n),
        minSigners: m.getParameter("minSigners", 2n),
        requestFee: m.getParameter("requestFee", 0n),
        maxOpenRequests: m.getParameter("maxOpenRequests", 4n),
      },
    ]);
    const reputation = m.contract("Reputation", [admin, vault, ledger, m.getParameter("slashPenaltyBps", 5_000n)]);
    const verifier = m.contract(verifierContract, [], { id: "FraudVerifier" });
    const rootSumVerifier = m.contract(rootSumVerifierContract, [], { id: "RootSumVerifier" });
    const adjudicator = m.contract("Adjudicator", [
      admin,
      { ledger, registry, stakeSource: vault, reputation, verifier, rootSumVerifier },
      {
        fraudBps: m.getParameter("fraudBps", 5_000n),
        missedDeadlineBps: m.getParameter("missedDeadlineBps", 1_000n),
        insolvencyBps: m.getParameter("insolvencyBps", 2_000n),
      },
      {
        claimWindow: m.getParameter("claimWindow", 7n * 86_400n),
        insuranceShareBps: m.getParameter("insuranceShareBps", 2_000n),
        insuranceFund: m.getParameter("insuranceFund", admin),
      },
    ]);

    // Wiring (the deployer is governance on every contract, so it may make these calls).
    m.call(registry, "setStakeSource", [vault]);
    m.call(registry, "grantRole", [ROLES.AUDITOR_ROLE, auditor], { id: "registry_grant_auditor" });
    m.call(registry, "grantRole", [ROLES.ADJUDICATOR_ROLE, adjudicator], { id: "registry_grant_adjudicator" });
    m.call(registry, "listAsset", [
      m.getParameter("ethAssetId", 1n),
      "0x0000000000000000000000000000000000000000",
      "ETH",
      18n,
    ]);
    m.call(ledger, "setAdjudicator", [adjudicator]);
    m.call(vault, "setAdjudicator", [adjudicator]);

    return { registry, vault, reserveRegistry, reputation, ledger, verifier, rootSumVerifier, adjudicator };
  });
}

export default buildConsortiumModule("Consortium", FRAUD_VERIFIER);
