// TEST-ONLY stand-ins of EigenLayer's core (contracts/mocks/eigenlayer/): deploys and wires the AllocationManager,
// DelegationManager, StrategyManager and one StandInStrategy over a TestToken, and EigenLayer's own staking flow on
// them (deposit into a strategy, register as an operator, delegate, allocate to an operator set). The demo's
// `--stake eigenlayer` runs on them (never on a real network: they are not EigenLayer); the tests' helper
// (test/helpers/eigenlayer.ts) is this module. The stand-ins reference each other in their constructors, so their
// addresses are predicted from the deployer's nonce.
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { ZeroAddress, ZeroHash, getCreateAddress, type Addressable } from "ethers";

import type {
  StandInAllocationManager,
  StandInAVSRegistrar,
  StandInDelegationManager,
  StandInStrategy,
  StandInStrategyManager,
  TestToken,
} from "../../types/ethers-contracts/index.js";

/** 100% of a magnitude or of a slash. */
export const WAD = 10n ** 18n;
/** Where non-redistributing sets' slashed funds go; refused as a redistribution recipient. */
export const BURN_ADDRESS = "0x00000000000000000000000000000000000E16E4";

/** An operator set as the contracts take it. */
export interface OperatorSetStruct {
  avs: string;
  id: bigint;
}

export interface EigenLayerStandInOptions {
  /** Blocks a deallocation or a deregistration stays slashable (default 50, like testnets). */
  deallocationDelay?: number;
  /** Blocks before a changed allocation delay or slasher applies (default 75, like testnets). */
  allocationConfigurationDelay?: number;
  /** The DelegationManager's withdrawal delay: a slash reverts (underflow) until block.number exceeds it (default 5). */
  minWithdrawalDelayBlocks?: number;
  /** 0 (default): v1.12, slashes clear at once; otherwise the v1.13 slash resolution delay in blocks. */
  slashResolutionDelayBlocks?: number;
  /** The strategy's underlying token (default: a new 18-decimal TestToken). */
  token?: TestToken;
  /** The deployer (default: the first signer). */
  deployer?: HardhatEthersSigner;
}

export interface StakeAndAllocateParams {
  /** The operator: registered (with `allocationDelay`) unless it already is. */
  operator: HardhatEthersSigner;
  /** Tokens the operator deposits itself (minted to it; default 0). */
  operatorDeposit?: bigint;
  /** Stakers that deposit `amount` (minted to them) and delegate to the operator. */
  stakers?: { signer: HardhatEthersSigner; amount: bigint }[];
  /** The set to allocate to. */
  operatorSet: OperatorSetStruct;
  /** The magnitude to allocate of the strategy (default WAD: all of the operator's shares). */
  magnitude?: bigint;
  /** The allocation delay for a newly registered operator, in blocks (default 1). */
  allocationDelay?: number;
  /** Register the operator for the set (default true); `registrationData` goes to the registrar. */
  register?: boolean;
  registrationData?: string;
}

export interface EigenLayerStandIns {
  allocationManager: StandInAllocationManager;
  delegationManager: StandInDelegationManager;
  strategyManager: StandInStrategyManager;
  strategy: StandInStrategy;
  token: TestToken;
  /** Mines `blocks` blocks. */
  mine(blocks: number | bigint): Promise<void>;
  /** Mines until the chain's latest block is `block` (nothing if it is past it). */
  mineTo(block: number | bigint): Promise<void>;
  /** Deploys another strategy for `token` (default: the same token) on the StrategyManager. */
  deployStrategy(token?: Addressable): Promise<StandInStrategy>;
  /**
   * The AVS's first steps: metadata, then one redistributing set of `strategies` (default: the strategy) with
   * `slasher` (default: the AVS) and `recipient`; returns the set.
   */
  createRedistributingSet(params: {
    avs: HardhatEthersSigner;
    id: bigint | number;
    recipient: string;
    slasher?: string;
    strategies?: string[];
  }): Promise<OperatorSetStruct>;
  /** Deploys a StandInAVSRegistrar for `avs` and makes it the AVS's registrar. */
  useRegistrar(avs: HardhatEthersSigner): Promise<StandInAVSRegistrar>;
  /**
   * EigenLayer's deposit: `staker` approves the StrategyManager for `amount` of `token` (which it holds) and deposits
   * it into `strategy`. The shares are delegated to the staker's operator, if any.
   */
  depositIntoStrategy(
    staker: HardhatEthersSigner,
    strategy: Addressable,
    token: Addressable,
    amount: bigint,
  ): Promise<void>;
  /** Registers `operator` with the DelegationManager (delegated to itself) unless it already is one. */
  registerAsOperator(operator: HardhatEthersSigner, allocationDelay?: number): Promise<void>;
  /**
   * The operator allocates `magnitude` (default WAD) of each of `strategies` to `operatorSet`; returns the block from
   * which the allocations take effect (see `mineTo`).
   */
  allocate(
    operator: HardhatEthersSigner,
    operatorSet: OperatorSetStruct,
    strategies: string[],
    magnitude?: bigint,
  ): Promise<bigint>;
  /**
   * Deposits (minting the tokens), delegates, registers the operator, allocates `magnitude` of the strategy to the set,
   * registers for the set and mines past the allocation delay, so the allocation is slashable on return. The AVS must
   * take the registration callback (a contract, or a registrar: `useRegistrar`). Returns the operator's delegated
   * shares of the strategy.
   */
  stakeAndAllocate(params: StakeAndAllocateParams): Promise<{ operatorShares: bigint }>;
}

/** Deploys and wires the stand-ins (see EigenLayerStandInOptions for the defaults). */
export async function deployEigenLayerStandIns(
  ethers: HardhatEthers,
  options: EigenLayerStandInOptions = {},
): Promise<EigenLayerStandIns> {
  const deployer = options.deployer ?? (await ethers.getSigners())[0];
  const token = options.token ?? (await ethers.deployContract("TestToken", ["Test ETH", "TETH", 18], deployer));

  const nonce = await deployer.getNonce("pending");
  const [amAddress, dmAddress, smAddress] = [0, 1, 2].map((i) =>
    getCreateAddress({ from: deployer.address, nonce: nonce + i }),
  );
  const allocationManager = await ethers.deployContract(
    "StandInAllocationManager",
    [dmAddress, options.deallocationDelay ?? 50, options.allocationConfigurationDelay ?? 75],
    deployer,
  );
  const delegationManager = await ethers.deployContract(
    "StandInDelegationManager",
    [smAddress, amAddress, options.minWithdrawalDelayBlocks ?? 5],
    deployer,
  );
  const strategyManager = await ethers.deployContract(
    "StandInStrategyManager",
    [dmAddress, amAddress, options.slashResolutionDelayBlocks ?? 0],
    deployer,
  );
  const deployed = [allocationManager, delegationManager, strategyManager];
  const addresses = await Promise.all(deployed.map((c) => c.getAddress()));
  if (addresses.join() !== [amAddress, dmAddress, smAddress].join()) {
    throw new Error(`EigenLayer stand-ins deployed at ${addresses.join(", ")}, not at the predicted addresses`);
  }

  const deployStrategy = async (t: Addressable = token) =>
    ethers.deployContract("StandInStrategy", [smAddress, await t.getAddress()], deployer);
  const strategy = await deployStrategy();
  const strategyAddress = await strategy.getAddress();

  const mine = async (blocks: number | bigint) => {
    if (BigInt(blocks) > 0n) await ethers.provider.send("hardhat_mine", [ethers.toQuantity(blocks)]);
  };
  const mineTo = async (block: number | bigint) => mine(BigInt(block) - BigInt(await ethers.provider.getBlockNumber()));

  const depositIntoStrategy: EigenLayerStandIns["depositIntoStrategy"] = async (staker, s, t, amount) => {
    const tokenAddress = await t.getAddress();
    const erc20 = await ethers.getContractAt("TestToken", tokenAddress, staker);
    await erc20.approve(smAddress, amount);
    await strategyManager.connect(staker).depositIntoStrategy(await s.getAddress(), tokenAddress, amount);
  };
  const registerAsOperator: EigenLayerStandIns["registerAsOperator"] = async (operator, allocationDelay = 1) => {
    if (!(await delegationManager.isOperator(operator.address))) {
      await delegationManager.connect(operator).registerAsOperator(ZeroAddress, allocationDelay, "");
    }
  };
  const allocate: EigenLayerStandIns["allocate"] = async (operator, operatorSet, strategies, magnitude = WAD) => {
    await allocationManager
      .connect(operator)
      .modifyAllocations(operator.address, [
        { operatorSet, strategies, newMagnitudes: strategies.map(() => magnitude) },
      ]);
    let effectBlock = 0n;
    for (const s of strategies) {
      const allocation = await allocationManager.getAllocation(operator.address, operatorSet, s);
      if (allocation.effectBlock > effectBlock) effectBlock = allocation.effectBlock;
    }
    return effectBlock;
  };

  return {
    allocationManager,
    delegationManager,
    strategyManager,
    strategy,
    token,
    mine,
    mineTo,
    deployStrategy,
    depositIntoStrategy,
    registerAsOperator,
    allocate,
    async createRedistributingSet({ avs, id, recipient, slasher, strategies }) {
      const set = { avs: avs.address, id: BigInt(id) };
      await allocationManager.connect(avs).updateAVSMetadataURI(avs.address, "https://example.invalid/avs.json");
      await allocationManager
        .connect(avs)
        .createRedistributingOperatorSets(
          avs.address,
          [{ operatorSetId: set.id, strategies: strategies ?? [strategyAddress], slasher: slasher ?? avs.address }],
          [recipient],
        );
      return set;
    },
    async useRegistrar(avs) {
      const registrar = await ethers.deployContract("StandInAVSRegistrar", [avs.address, amAddress], deployer);
      await allocationManager.connect(avs).setAVSRegistrar(avs.address, await registrar.getAddress());
      return registrar;
    },
    async stakeAndAllocate(p) {
      const deposits = [...(p.stakers ?? [])];
      if (p.operatorDeposit) deposits.unshift({ signer: p.operator, amount: p.operatorDeposit });
      for (const { signer, amount } of deposits) {
        await token.mint(signer.address, amount);
        await depositIntoStrategy(signer, strategy, token, amount);
      }
      await registerAsOperator(p.operator, p.allocationDelay ?? 1);
      for (const { signer } of p.stakers ?? []) {
        await delegationManager
          .connect(signer)
          .delegateTo(p.operator.address, { signature: "0x", expiry: 0n }, ZeroHash);
      }
      const effectBlock = await allocate(p.operator, p.operatorSet, [strategyAddress], p.magnitude ?? WAD);
      if (p.register ?? true) {
        await allocationManager.connect(p.operator).registerForOperatorSets(p.operator.address, {
          avs: p.operatorSet.avs,
          operatorSetIds: [p.operatorSet.id],
          data: p.registrationData ?? "0x",
        });
      }
      await mineTo(effectBlock);
      const [operatorShares] = await delegationManager.getOperatorShares(p.operator.address, [strategyAddress]);
      return { operatorShares };
    },
  };
}
