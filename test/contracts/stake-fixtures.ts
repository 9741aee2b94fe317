// The two stake sources behind one fixture shape, so one suite (StakeSources.test.ts) runs against both: the native
// CollateralVault (deploy/Consortium.ts) and EigenLayerStakeSource over the TEST-ONLY EigenLayer stand-ins
// (ignition/modules/ConsortiumEigenLayer.ts's module, test/helpers/eigenlayer.ts). Each deploys the whole consortium
// through its Ignition module and impersonates the deployed Adjudicator, so tests slash and release directly.
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { AbiCoder, type BaseContract } from "ethers";

import { FRAUD_VERIFIER, buildConsortiumEigenLayerModule } from "../../deploy/Consortium.js";
import type { CollateralVault, ConsortiumRegistry, EigenLayerStakeSource } from "../../types/ethers-contracts/index.js";
import { WAD, deployEigenLayerStandIns, type EigenLayerStandIns } from "../helpers/eigenlayer.js";
import {
  BOUNTY_SHARE_BPS,
  DEFAULT_SLA,
  PROBATION_PERIOD,
  UNBONDING_DELAY,
  deployConsortium,
} from "./consortium-fixture.js";
import type { FixtureConnection } from "./ledger-fixture.js";

/** Blocks ahead the EigenLayer adapter reads slashable stake (below the stand-ins' 50-block deallocation delay). */
export const LOOK_AHEAD_BLOCKS = 10n;

/** What the shared suite needs of a stake source. */
export interface StakeFixture {
  kind: "native" | "eigenlayer";
  registry: ConsortiumRegistry;
  /** The stake source, typed by what both kinds answer. */
  source: CollateralVault | EigenLayerStakeSource;
  /** The deployed Adjudicator, impersonated. */
  adjudicator: HardhatEthersSigner;
  governance: HardhatEthersSigner;
  auditor: HardhatEthersSigner;
  members: HardhatEthersSigner[];
  outsider: HardhatEthersSigner;
  prover: HardhatEthersSigner;
  /** The token slashed stake is pooled in (ETH for the vault, the strategy's token on EigenLayer). */
  poolToken: string;
  /** Balance of the pool token. */
  balanceOf(account: string): Promise<bigint>;
  /** Makes `member` (on probation) stake `amount` base units, counted from the next block on. */
  addStake(member: HardhatEthersSigner, amount: bigint): Promise<void>;
  /** Lowers `member`'s stake by `amount` base units and waits until the lower stake is what counts. */
  removeStake(member: HardhatEthersSigner, amount: bigint): Promise<void>;
  /** The custom error a caller other than the adjudicator meets. */
  notAdjudicatorError: string;
  /** The custom error of slashing bps outside (0, 10000]. */
  invalidBpsError: string;
  /** The custom error of a release beyond the pool. */
  restitutionShortError: string;
  /** The contract that defines the errors. */
  errors: BaseContract;
}

/** Members 0..2 applied and on probation (genesis approved), without stake. */
async function onProbation(registry: ConsortiumRegistry, auditor: HardhatEthersSigner, members: HardhatEthersSigner[]) {
  for (const m of members) {
    await registry.connect(m).applyForMembership("0x" + "01".repeat(32));
    await registry.connect(auditor).approveGenesis(m.address, "0x" + "ab".repeat(32));
  }
}

/** The native vault, ETH collateral at weight 1. */
export async function nativeStake(connection: FixtureConnection): Promise<StakeFixture> {
  const f = await deployConsortium(connection);
  const { ethers } = connection;
  const signers = await ethers.getSigners();
  const members = [f.member, f.other, signers[7]];
  await onProbation(f.registry, f.auditor, members);
  return {
    kind: "native",
    registry: f.registry,
    source: f.vault,
    adjudicator: f.adjudicator,
    governance: f.governance,
    auditor: f.auditor,
    members,
    outsider: f.user,
    prover: f.prover,
    poolToken: ethers.ZeroAddress,
    balanceOf: (account) => ethers.provider.getBalance(account),
    async addStake(member, amount) {
      await f.vault.connect(member).deposit(member.address, ethers.ZeroAddress, amount, { value: amount });
    },
    async removeStake(member, amount) {
      await f.vault.connect(member).requestWithdrawal(ethers.ZeroAddress, amount);
    },
    notAdjudicatorError: "CollateralVaultNotAdjudicator",
    invalidBpsError: "CollateralVaultInvalidBps",
    restitutionShortError: "CollateralVaultRestitutionShort",
    errors: f.vault,
  };
}

/** Options of the EigenLayer fixture (defaults: v1.12, slashes clear at once). */
export interface EigenLayerStakeOptions {
  /** The stand-ins' v1.13 slash resolution delay, in blocks. */
  slashResolutionDelayBlocks?: number;
  /** The adapter's restitution delay in seconds (claim rounds last at least this). */
  restitutionDelay?: bigint;
}

/** The consortium on EigenLayer's stand-ins: one strategy at weight 1, each member its own operator. */
export async function eigenLayerStake(
  connection: FixtureConnection,
  options: EigenLayerStakeOptions = {},
): Promise<
  Omit<StakeFixture, "source"> & { source: EigenLayerStakeSource; el: EigenLayerStandIns; adjudicatorAddress: string }
> {
  const { ethers, networkHelpers, ignition } = connection;
  const [governance, auditor, , member, other, user, prover, third] = await ethers.getSigners();
  const el = await deployEigenLayerStandIns(ethers, {
    deployer: governance,
    slashResolutionDelayBlocks: options.slashResolutionDelayBlocks,
  });
  // A fresh chain must pass EigenLayer's withdrawal delay before the first slash (EIGENLAYER.md).
  await el.mine(6);
  const module = buildConsortiumEigenLayerModule("ConsortiumEigenLayer", FRAUD_VERIFIER);
  const d = await ignition.deploy(module, {
    parameters: {
      [module.id]: {
        auditor: auditor.address,
        ...DEFAULT_SLA,
        unbondingDelay: UNBONDING_DELAY,
        probationPeriod: PROBATION_PERIOD,
        bountyShareBps: BOUNTY_SHARE_BPS,
        allocationManager: await el.allocationManager.getAddress(),
        strategyManager: await el.strategyManager.getAddress(),
        lookAheadBlocks: LOOK_AHEAD_BLOCKS,
        restitutionDelay: options.restitutionDelay ?? 0n,
        strategies: [{ strategy: await el.strategy.getAddress(), weight: WAD }],
      },
    },
  });
  const registry = await ethers.getContractAt("ConsortiumRegistry", await d.registry.getAddress());
  const source = await ethers.getContractAt("EigenLayerStakeSource", await d.stakeSource.getAddress());
  const adjudicatorAddress = await d.adjudicator.getAddress();
  await networkHelpers.impersonateAccount(adjudicatorAddress);
  await networkHelpers.setBalance(adjudicatorAddress, 100n * 10n ** 18n);
  const adjudicator = await ethers.getSigner(adjudicatorAddress);
  const members = [member, other, third];
  await onProbation(registry, auditor, members);
  const set = { avs: await source.getAddress(), id: await source.operatorSetId() };
  const strategy = await el.strategy.getAddress();
  const token = await el.token.getAddress();
  const deallocationDelay = await el.allocationManager.DEALLOCATION_DELAY();
  return {
    kind: "eigenlayer",
    el,
    adjudicatorAddress,
    registry,
    source,
    adjudicator,
    governance,
    auditor,
    members,
    outsider: user,
    prover,
    poolToken: token,
    balanceOf: (account) => el.token.balanceOf(account),
    async addStake(m, amount) {
      const [operator] = await source.operatorOf(m.address);
      if (operator === ethers.ZeroAddress) {
        await source.connect(m).approveOperator(m.address);
        await el.stakeAndAllocate({
          operator: m,
          operatorDeposit: amount,
          operatorSet: set,
          registrationData: AbiCoder.defaultAbiCoder().encode(["address"], [m.address]),
        });
      } else {
        // More of the operator's own shares: the allocated magnitude (all of them) covers them at once.
        await el.token.mint(m.address, amount);
        await el.token.connect(m).approve(await el.strategyManager.getAddress(), amount);
        await el.strategyManager.connect(m).depositIntoStrategy(strategy, token, amount);
      }
      await source.refreshStake(m.address);
    },
    async removeStake(m, amount) {
      const [shares] = await el.delegationManager.getOperatorShares(m.address, [strategy]);
      const allocation = await el.allocationManager.getAllocation(m.address, set, strategy);
      const magnitude = allocation.currentMagnitude - (allocation.currentMagnitude * amount) / shares;
      await el.allocationManager
        .connect(m)
        .modifyAllocations(m.address, [{ operatorSet: set, strategies: [strategy], newMagnitudes: [magnitude] }]);
      // The deallocation counts nothing once it completes within the look-ahead.
      await el.mine(deallocationDelay - LOOK_AHEAD_BLOCKS);
      await source.refreshStake(m.address);
    },
    notAdjudicatorError: "EigenLayerNotAdjudicator",
    invalidBpsError: "EigenLayerInvalidBps",
    restitutionShortError: "EigenLayerRestitutionShort",
    errors: source,
  };
}
