// Hardhat Ignition module: deploys the whole consortium and wires it. Ignition loads modules only from
// ignition/modules/, where ignition/modules/Consortium.ts re-exports this one:
//
//   npx hardhat ignition deploy ignition/modules/Consortium.ts --network localhost
//   npx hardhat ignition deploy ignition/modules/Consortium.ts --network sepolia --parameters deploy/parameters.example.json
//
// Contracts: ConsortiumRegistry, CollateralVault (with the members' restitution pools), ReserveRegistry, Reputation,
// CommitmentLedger, the fraud-proof verifiers LeafMismatch32Verifier and RootSumMismatchVerifier (generated into
// contracts/verifiers/ by `npx hardhat circuits`), the Adjudicator (which keeps the restitution claims) and
// Attestations (interim and reserve attestations, sampling), Transfers (0-confirmation transfers between members;
// its adjudicator is the Adjudicator and the Adjudicator's and Reputation's transfers contract is it, set once), and
// for private sets PrivateAssetVerifier behind PrivateSetVerifier (the ledger's, set once). Roles: AUDITOR_ROLE on
// the registry to `auditor`;
// ADJUDICATOR_ROLE to the Adjudicator on the registry; the vault's, the ledger's and Attestations' adjudicator is the
// Adjudicator, set once, and the Adjudicator's and Reputation's attestations contract is Attestations, set once
// (Reputation needs no role: it reads the ledger's and Attestations' counters and the vault's stake history). Governance (DEFAULT_ADMIN_ROLE everywhere) is the deploying account; hand it to
// a multisig afterwards (docs/guides/deploy.md). ETH is listed as asset `ethAssetId`.
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { NamedArtifactContractDeploymentFuture } from "@nomicfoundation/ignition-core";
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

/** The generated verifier of the private-set circuit instance `PrivateAsset`. */
export const PRIVATE_ASSET_VERIFIER = "PrivateAssetVerifier";

/** Where members' stake comes from: the native collateral vault, or restaked stake through EigenLayer. */
export type StakeKind = "native" | "eigenlayer";

/** The module builder Ignition passes to a module's body. */
type ModuleBuilder = Parameters<Parameters<typeof buildModule>[1]>[0];

/** The registry, which the stake source is constructed with. */
function registryOf(m: ModuleBuilder) {
  const admin = m.getAccount(0);

  const sla = {
    snapshotInterval: m.getParameter("snapshotInterval", 86_400n),
    responseWindow: m.getParameter("responseWindow", 86_400n),
    minCollateral: m.getParameter("minCollateral", 10n ** 18n),
  };
  return m.contract("ConsortiumRegistry", [
    admin,
    sla,
    m.getParameter("unbondingDelay", 7n * 86_400n),
    m.getParameter("probationPeriod", 14n * 86_400n),
  ]);
}

/** The consortium's other contracts around `registry` and its stake source `stake` (the vault or the EigenLayer adapter). */
function consortiumAround(
  m: ModuleBuilder,
  registry: ReturnType<typeof registryOf>,
  stake: NamedArtifactContractDeploymentFuture<"CollateralVault" | "EigenLayerStakeSource">,
  verifierContract: string,
  rootSumVerifierContract: string,
) {
  const admin = m.getAccount(0);
  const auditor = m.getParameter("auditor", admin);
  const reserveRegistry = m.contract("ReserveRegistry", [registry]);
  const ledger = m.contract("CommitmentLedger", [
    admin,
    registry,
    stake,
    {
      quorumWeight: m.getParameter("quorumWeight", 3n * 10n ** 18n),
      minSigners: m.getParameter("minSigners", 2n),
      requestFee: m.getParameter("requestFee", 0n),
      maxOpenRequests: m.getParameter("maxOpenRequests", 4n),
    },
  ]);
  const reputation = m.contract("Reputation", [admin, stake, ledger, m.getParameter("slashPenaltyBps", 5_000n)]);
  const verifier = m.contract(verifierContract, [], { id: "FraudVerifier" });
  const rootSumVerifier = m.contract(rootSumVerifierContract, [], { id: "RootSumVerifier" });
  // Private sets (docs/protocol.md section 17): the generated PrivateAsset verifier behind the PrivateSetVerifier
  // (SNARK and zero-difference proof), which the ledger calls per private asset.
  const privateAssetVerifier = m.contract(PRIVATE_ASSET_VERIFIER, [], { id: "PrivateAssetVerifier" });
  const privateSetVerifier = m.contract("PrivateSetVerifier", [privateAssetVerifier]);
  const adjudicator = m.contract("Adjudicator", [
    admin,
    { ledger, registry, stakeSource: stake, reputation, verifier, rootSumVerifier },
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

  const attestations = m.contract("Attestations", [
    admin,
    registry,
    stake,
    ledger,
    reputation,
    {
      raInterval: m.getParameter("raInterval", 90n * 86_400n),
      interimWindow: m.getParameter("interimWindow", 3n * 86_400n),
      sampleWindow: m.getParameter("sampleWindow", 7n * 86_400n),
      missedInterimBps: m.getParameter("missedInterimBps", 1_000n),
      // 45 days: an auditor's RAs for a member are at least this long and this far apart, which bounds the RA duties
      // met a friendly auditor adds (findings need no bound: Reputation keeps the worst, decaying at a fixed slope).
      minRaPeriod: m.getParameter("minRaPeriod", 45n * 86_400n),
    },
  ]);

  const transfers = m.contract("Transfers", [
    admin,
    registry,
    stake,
    ledger,
    reputation,
    {
      minSettleWindow: m.getParameter("minSettleWindow", 600n),
      maxSettleWindow: m.getParameter("maxSettleWindow", 2n * 86_400n),
      reportWindow: m.getParameter("reportWindow", 3n * 86_400n),
      penaltyBps: m.getParameter("transferPenaltyBps", 1_000n),
      creditBps: m.getParameter("transferCreditBps", 5_000n),
      reputationBps: m.getParameter("transferReputationBps", 5_000n),
    },
  ]);

  // Wiring (the deployer is governance on every contract, so it may make these calls).
  m.call(registry, "setStakeSource", [stake]);
  m.call(registry, "grantRole", [ROLES.AUDITOR_ROLE, auditor], { id: "registry_grant_auditor" });
  m.call(registry, "grantRole", [ROLES.ADJUDICATOR_ROLE, adjudicator], { id: "registry_grant_adjudicator" });
  m.call(registry, "listAsset", [
    m.getParameter("ethAssetId", 1n),
    "0x0000000000000000000000000000000000000000",
    "ETH",
    18n,
  ]);
  m.call(ledger, "setAdjudicator", [adjudicator]);
  m.call(ledger, "setPrivateVerifier", [privateSetVerifier]);
  m.call(stake, "setAdjudicator", [adjudicator]);
  m.call(attestations, "setAdjudicator", [adjudicator]);
  m.call(adjudicator, "setAttestations", [attestations]);
  m.call(reputation, "setAttestations", [attestations]);
  m.call(transfers, "setAdjudicator", [adjudicator]);
  m.call(adjudicator, "setTransfers", [transfers]);
  m.call(reputation, "setTransfers", [transfers]);
  // ETH settles through the contract, one wei one weight unit (as the vault's default ETH weight).
  const ethTerms = m.call(
    transfers,
    "setAssetTerms",
    [m.getParameter("ethAssetId", 1n), { kind: 1n, weight: 10n ** 18n }],
    {
      id: "transfers_eth_terms",
    },
  );
  void ethTerms;
  return {
    registry,
    reserveRegistry,
    reputation,
    ledger,
    verifier,
    rootSumVerifier,
    privateSetVerifier,
    adjudicator,
    attestations,
    transfers,
  };
}

/**
 * Builds the consortium module with `verifierContract` as the fraud-proof verifier and `rootSumVerifierContract` as
 * the root-sum one, on the native collateral vault. The default export uses the real `LeafMismatch32Verifier` and
 * `RootSumMismatchVerifier`; tests of non-proof logic may pass the mocks under another id.
 */
export function buildConsortiumModule(
  moduleId: string,
  verifierContract: string,
  rootSumVerifierContract: string = ROOT_SUM_VERIFIER,
) {
  return buildModule(moduleId, (m) => {
    const registry = registryOf(m);
    const vault = m.contract("CollateralVault", [
      m.getAccount(0),
      registry,
      m.getParameter("ethWeight", 10n ** 18n),
      m.getParameter("bountyShareBps", 1_000n),
    ]);
    return { ...consortiumAround(m, registry, vault, verifierContract, rootSumVerifierContract), vault };
  });
}

/**
 * Builds the consortium module on EigenLayer: the stake source is `EigenLayerStakeSource`, the consortium's AVS, wired
 * to the EigenLayer core contracts given as parameters (`allocationManager`, `strategyManager`: required, per
 * network, see docs/guides/deploy.md), which creates the redistributing operator set with the `strategies` parameter
 * (`[{ strategy, weight }]`, strictly ascending addresses).
 */
export function buildConsortiumEigenLayerModule(
  moduleId: string,
  verifierContract: string,
  rootSumVerifierContract: string = ROOT_SUM_VERIFIER,
) {
  return buildModule(moduleId, (m) => {
    const registry = registryOf(m);
    const stakeSource = m.contract("EigenLayerStakeSource", [
      m.getAccount(0),
      m.getParameter<string>("allocationManager"),
      m.getParameter<string>("strategyManager"),
      registry,
      m.getParameter("operatorSetId", 1n),
      m.getParameter("lookAheadBlocks", 25n),
      m.getParameter("restitutionDelay", 0n),
      m.getParameter("bountyShareBps", 1_000n),
      m.getParameter("wrappedNative", "0x0000000000000000000000000000000000000000"),
    ]);
    m.call(stakeSource, "createOperatorSet", [
      m.getParameter("avsMetadataURI", "https://github.com/por-consortium/avs-metadata.json"),
      m.getParameter("strategies"),
    ]);
    return { ...consortiumAround(m, registry, stakeSource, verifierContract, rootSumVerifierContract), stakeSource };
  });
}

export default buildConsortiumModule("Consortium", FRAUD_VERIFIER);

/** The consortium on EigenLayer (ignition/modules/ConsortiumEigenLayer.ts re-exports it). */
export const consortiumEigenLayerModule = buildConsortiumEigenLayerModule("Consortium", FRAUD_VERIFIER);
