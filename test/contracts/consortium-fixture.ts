// Shared fixture of engineer C1's contracts: registry, reserve registry, collateral vault (with the members'
// restitution pools), wired the way deploy/Consortium.ts wires them, with an EOA standing in for the adjudicator.
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";

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

/** Deploy and wire the three contracts, a test token, and name the actors. */
export async function deployConsortium(ethers: HardhatEthers) {
  const [governance, auditor, adjudicator, member, other, user, prover] = await ethers.getSigners();
  const registry = await ethers.deployContract("ConsortiumRegistry", [
    governance.address,
    DEFAULT_SLA,
    UNBONDING_DELAY,
    PROBATION_PERIOD,
  ]);
  const vault = await ethers.deployContract("CollateralVault", [
    governance.address,
    await registry.getAddress(),
    10n ** 18n,
    BOUNTY_SHARE_BPS,
  ]);
  const reserves = await ethers.deployContract("ReserveRegistry", [await registry.getAddress()]);
  const token = await ethers.deployContract("TestToken", ["Test USD", "TUSD", 6]);
  await registry.setCollateralVault(await vault.getAddress());
  await registry.grantRole(await registry.AUDITOR_ROLE(), auditor.address);
  await registry.grantRole(await registry.ADJUDICATOR_ROLE(), adjudicator.address);
  await vault.setAdjudicator(adjudicator.address);
  await vault.setTokenWeight(await token.getAddress(), TOKEN_WEIGHT);
  await registry.listAsset(ETH_ASSET, ethers.ZeroAddress, "ETH", 18);
  await registry.listAsset(TOKEN_ASSET, await token.getAddress(), "TUSD", 6);
  return { registry, vault, reserves, token, governance, auditor, adjudicator, member, other, user, prover };
}

/** The fixture plus `member` applied and on probation (genesis approved). */
export async function deployWithProbationMember(ethers: HardhatEthers) {
  const f = await deployConsortium(ethers);
  await f.registry.connect(f.member).applyForMembership("0x" + "01".repeat(32));
  await f.registry.connect(f.auditor).approveGenesis(f.member.address, GENESIS_DIGEST);
  return f;
}

/** The fixture plus `member` Active with 2 ETH of collateral. */
export async function deployWithActiveMember(ethers: HardhatEthers) {
  const f = await deployWithProbationMember(ethers);
  await f.vault.connect(f.member).deposit(f.member.address, ethers.ZeroAddress, 2n * 10n ** 18n, {
    value: 2n * 10n ** 18n,
  });
  await f.registry.connect(f.governance).activate(f.member.address);
  return f;
}
