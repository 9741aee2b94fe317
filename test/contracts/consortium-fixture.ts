// Shared fixture of the registry, reserve registry and collateral vault (with the members' restitution pools): the
// consortium deployed through the Ignition module users run (deploy/Consortium.ts), a test token listed, and the
// deployed Adjudicator impersonated as `adjudicator` so the tests can slash, count and release directly.
import consortiumModule from "../../deploy/Consortium.js";
import type { FixtureConnection } from "./ledger-fixture.js";

/** Default SLA: daily snapshots, one-day response window, 1 ETH of weight. */
export const DEFAULT_SLA = { snapshotInterval: 86_400n, responseWindow: 86_400n, minCollateral: 10n ** 18n };
/** Unbonding delay for exits and withdrawals. */
export const UNBONDING_DELAY = 7n * 86_400n;
/** Probation before anyone may activate a collateralised member. */
export const PROBATION_PERIOD = 14n * 86_400n;
/** Bounty share of a slash. */
export const BOUNTY_SHARE_BPS = 1_000n;
/** Asset ids listed by the fixture. */
export const ETH_ASSET = 1;
export const TOKEN_ASSET = 2;
/** A valid-looking genesis digest. */
export const GENESIS_DIGEST = "0x" + "ab".repeat(32);
/** Weight of the test token: half of ETH's. */
export const TOKEN_WEIGHT = 5n * 10n ** 17n;

/** Deploy and wire the consortium (the module's default, production verifiers), a test token, and name the actors. */
export async function deployConsortium(connection: FixtureConnection) {
  const { ethers, networkHelpers, ignition } = connection;
  // Signer 2 is left out: it was the adjudicator's stand-in before the fixture deployed the module.
  const [governance, auditor, , member, other, user, prover] = await ethers.getSigners();
  const d = await ignition.deploy(consortiumModule, {
    parameters: {
      [consortiumModule.id]: {
        auditor: auditor.address,
        ...DEFAULT_SLA,
        unbondingDelay: UNBONDING_DELAY,
        probationPeriod: PROBATION_PERIOD,
        ethWeight: 10n ** 18n,
        bountyShareBps: BOUNTY_SHARE_BPS,
        ethAssetId: ETH_ASSET,
      },
    },
  });
  // Typed handles (typechain) on the module's contracts, connected to governance like `deployContract`'s.
  const registry = await ethers.getContractAt("ConsortiumRegistry", await d.registry.getAddress());
  const vault = await ethers.getContractAt("CollateralVault", await d.vault.getAddress());
  const reserves = await ethers.getContractAt("ReserveRegistry", await d.reserveRegistry.getAddress());
  // The vault's adjudicator (set once) and the registry's ADJUDICATOR_ROLE are the deployed Adjudicator: the tests
  // act as it, funded for gas.
  const adjudicatorAddress = await d.adjudicator.getAddress();
  await networkHelpers.impersonateAccount(adjudicatorAddress);
  await networkHelpers.setBalance(adjudicatorAddress, 100n * 10n ** 18n);
  const adjudicator = await ethers.getSigner(adjudicatorAddress);
  const token = await ethers.deployContract("TestToken", ["Test USD", "TUSD", 6]);
  await vault.setTokenWeight(await token.getAddress(), TOKEN_WEIGHT);
  await registry.listAsset(TOKEN_ASSET, await token.getAddress(), "TUSD", 6);
  return { registry, vault, reserves, token, governance, auditor, adjudicator, member, other, user, prover };
}

/** The fixture plus `member` applied and on probation (genesis approved). */
export async function deployWithProbationMember(connection: FixtureConnection) {
  const f = await deployConsortium(connection);
  await f.registry.connect(f.member).applyForMembership("0x" + "01".repeat(32));
  await f.registry.connect(f.auditor).approveGenesis(f.member.address, GENESIS_DIGEST);
  return f;
}

/** The fixture plus `member` Active with 2 ETH of collateral. */
export async function deployWithActiveMember(connection: FixtureConnection) {
  const f = await deployWithProbationMember(connection);
  const { ethers } = connection;
  await f.vault.connect(f.member).deposit(f.member.address, ethers.ZeroAddress, 2n * 10n ** 18n, {
    value: 2n * 10n ** 18n,
  });
  await f.registry.connect(f.governance).activate(f.member.address);
  return f;
}
