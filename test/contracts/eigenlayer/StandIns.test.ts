// The TEST-ONLY EigenLayer stand-ins (contracts/mocks/eigenlayer/) reproduce what an AVS meets on the real core
// (v1.12): the AVS's permissions and set creation, the operator's allocation and registration delays, the slashing
// checks, and a slash paid to the redistribution recipient only when someone clears it.
import { expect } from "chai";
import { ZeroAddress } from "ethers";
import { network } from "hardhat";

import {
  BURN_ADDRESS,
  WAD,
  deployEigenLayerStandIns,
  type EigenLayerStandInOptions,
} from "../../helpers/eigenlayer.js";

const { ethers, networkHelpers } = await network.create();

const E18 = 10n ** 18n;
const OPERATOR_DEPOSIT = 10n * E18;
const STAKER_DEPOSIT = 30n * E18;
const DEALLOCATION_DELAY = 50;
const CONFIGURATION_DELAY = 75;
const SET_ID = 1n;

async function standIns(options: EigenLayerStandInOptions = {}) {
  const [, avs, operator, staker, recipient, other] = await ethers.getSigners();
  const el = await deployEigenLayerStandIns(ethers, options);
  const strategy = await el.strategy.getAddress();
  const set = await el.createRedistributingSet({ avs, id: SET_ID, recipient: recipient.address });
  const registrar = await el.useRegistrar(avs);
  return { ...el, avs, operator, staker, recipient, other, set, registrar, strategyAddress: strategy };
}

async function base() {
  return standIns();
}

/** `operator` (10 tokens) and `staker` (30, delegated) allocate half of the operator's 40 shares to the set. */
async function allocatedWith(options: EigenLayerStandInOptions = {}) {
  const f = await standIns(options);
  await f.stakeAndAllocate({
    operator: f.operator,
    operatorDeposit: OPERATOR_DEPOSIT,
    stakers: [{ signer: f.staker, amount: STAKER_DEPOSIT }],
    operatorSet: f.set,
    magnitude: WAD / 2n,
  });
  return f;
}

async function allocated() {
  return allocatedWith();
}

type Fixture = Awaited<ReturnType<typeof standIns>>;

function slashParams(f: Fixture, overrides: Partial<{ strategies: string[]; wadsToSlash: bigint[] }> = {}) {
  return {
    operator: f.operator.address,
    operatorSetId: SET_ID,
    strategies: overrides.strategies ?? [f.strategyAddress],
    wadsToSlash: overrides.wadsToSlash ?? [WAD / 2n],
    description: "fraud proven",
  };
}

async function slashableStake(f: Fixture, futureBlock?: number): Promise<bigint> {
  const block = futureBlock ?? (await ethers.provider.getBlockNumber()) + 1;
  const [[stake]] = await f.allocationManager.getMinimumSlashableStake(
    f.set,
    [f.operator.address],
    [f.strategyAddress],
    block,
  );
  return stake;
}

describe("EigenLayer stand-ins", function () {
  describe("the AVS's side", function () {
    it("lets only the AVS address itself call its functions (InvalidPermissions)", async function () {
      const f = await networkHelpers.loadFixture(base);
      const am = f.allocationManager.connect(f.other);
      await expect(am.updateAVSMetadataURI(f.avs.address, "x")).to.be.revertedWithCustomError(am, "InvalidPermissions");
      await expect(am.setAVSRegistrar(f.avs.address, await f.registrar.getAddress())).to.be.revertedWithCustomError(
        am,
        "InvalidPermissions",
      );
      await expect(
        am.createRedistributingOperatorSets(
          f.avs.address,
          [{ operatorSetId: 2n, strategies: [], slasher: f.avs.address }],
          [f.recipient.address],
        ),
      ).to.be.revertedWithCustomError(am, "InvalidPermissions");
      await expect(am.addStrategiesToOperatorSet(f.avs.address, SET_ID, [])).to.be.revertedWithCustomError(
        am,
        "InvalidPermissions",
      );
      await expect(am.updateSlasher(f.set, f.other.address)).to.be.revertedWithCustomError(am, "InvalidPermissions");
    });

    it("refuses sets before the AVS's metadata URI (NonexistentAVSMetadata)", async function () {
      const f = await networkHelpers.loadFixture(base);
      const am = f.allocationManager.connect(f.other);
      await expect(
        am.createRedistributingOperatorSets(
          f.other.address,
          [{ operatorSetId: 1n, strategies: [f.strategyAddress], slasher: f.other.address }],
          [f.recipient.address],
        ),
      ).to.be.revertedWithCustomError(am, "NonexistentAVSMetadata");
    });

    it("sends the callbacks to the AVS itself without a registrar, and takes only a registrar that supports the AVS", async function () {
      const f = await networkHelpers.loadFixture(base);
      const am = f.allocationManager.connect(f.other);
      expect(await am.getAVSRegistrar(f.other.address)).to.equal(f.other.address);
      const foreign = await ethers.deployContract("StandInAVSRegistrar", [f.avs.address, ZeroAddress]);
      await am.updateAVSMetadataURI(f.other.address, "x");
      await expect(am.setAVSRegistrar(f.other.address, await foreign.getAddress())).to.be.revertedWithCustomError(
        am,
        "InvalidAVSRegistrar",
      );
      expect(await am.getAVSRegistrar(f.avs.address)).to.equal(await f.registrar.getAddress());
    });

    it("creates redistributing sets with one fixed recipient each, not zero nor the burn address, ids unique", async function () {
      const f = await networkHelpers.loadFixture(base);
      const am = f.allocationManager.connect(f.avs);
      const params = (id: bigint) => [{ operatorSetId: id, strategies: [f.strategyAddress], slasher: f.avs.address }];
      await expect(am.createRedistributingOperatorSets(f.avs.address, params(2n), [])).to.be.revertedWithCustomError(
        am,
        "InputArrayLengthMismatch",
      );
      await expect(
        am.createRedistributingOperatorSets(f.avs.address, params(2n), [ZeroAddress]),
      ).to.be.revertedWithCustomError(am, "InputAddressZero");
      await expect(
        am.createRedistributingOperatorSets(f.avs.address, params(2n), [BURN_ADDRESS]),
      ).to.be.revertedWithCustomError(am, "InvalidRedistributionRecipient");
      await expect(
        am.createRedistributingOperatorSets(f.avs.address, params(SET_ID), [f.recipient.address]),
      ).to.be.revertedWithCustomError(am, "InvalidOperatorSet");
      await expect(am.createRedistributingOperatorSets(f.avs.address, params(2n), [f.other.address]))
        .to.emit(am, "RedistributionAddressSet")
        .withArgs([f.avs.address, 2n], f.other.address);

      expect(await am.isRedistributingOperatorSet(f.set)).to.equal(true);
      expect(await am.getRedistributionRecipient(f.set)).to.equal(f.recipient.address);
      expect(await am.getRedistributionRecipient({ avs: f.avs.address, id: 9n })).to.equal(BURN_ADDRESS);
      expect(await am.isRedistributingOperatorSet({ avs: f.avs.address, id: 9n })).to.equal(false);
      // The slasher given at creation applies at once.
      expect(await am.getSlasher(f.set)).to.equal(f.avs.address);
    });

    it("adds and removes strategies (StrategyAlreadyInOperatorSet, StrategyNotInOperatorSet, InvalidOperatorSet)", async function () {
      const f = await networkHelpers.loadFixture(base);
      const am = f.allocationManager.connect(f.avs);
      const second = await (await f.deployStrategy()).getAddress();
      await expect(
        am.addStrategiesToOperatorSet(f.avs.address, SET_ID, [f.strategyAddress]),
      ).to.be.revertedWithCustomError(am, "StrategyAlreadyInOperatorSet");
      await expect(am.addStrategiesToOperatorSet(f.avs.address, 7n, [second])).to.be.revertedWithCustomError(
        am,
        "InvalidOperatorSet",
      );
      await am.addStrategiesToOperatorSet(f.avs.address, SET_ID, [second]);
      expect(await am.getStrategiesInOperatorSet(f.set)).to.deep.equal([f.strategyAddress, second]);
      await am.removeStrategiesFromOperatorSet(f.avs.address, SET_ID, [f.strategyAddress]);
      expect(await am.getStrategiesInOperatorSet(f.set)).to.deep.equal([second]);
      await expect(
        am.removeStrategiesFromOperatorSet(f.avs.address, SET_ID, [f.strategyAddress]),
      ).to.be.revertedWithCustomError(am, "StrategyNotInOperatorSet");
    });

    it("applies an updated slasher only after ALLOCATION_CONFIGURATION_DELAY + 1 blocks", async function () {
      const f = await networkHelpers.loadFixture(base);
      const tx = await f.allocationManager.connect(f.avs).updateSlasher(f.set, f.other.address);
      const block = (await tx.wait())!.blockNumber;
      // Views run at the latest block; the new slasher applies from block + CONFIGURATION_DELAY + 1.
      await f.mineTo(block + CONFIGURATION_DELAY);
      expect(await f.allocationManager.getSlasher(f.set)).to.equal(f.avs.address);
      await f.mine(1);
      expect(await f.allocationManager.getSlasher(f.set)).to.equal(f.other.address);
    });
  });

  describe("the operator's side", function () {
    it("registers an operator delegated to itself with its allocation delay; stakers delegate only to operators", async function () {
      const f = await networkHelpers.loadFixture(base);
      const dm = f.delegationManager;
      await expect(
        dm.connect(f.staker).delegateTo(f.operator.address, { signature: "0x", expiry: 0n }, ethers.ZeroHash),
      ).to.be.revertedWithCustomError(dm, "OperatorNotRegistered");
      await dm.connect(f.operator).registerAsOperator(ZeroAddress, 7, "https://example.invalid/op.json");
      expect(await dm.isOperator(f.operator.address)).to.equal(true);
      expect(await dm.delegatedTo(f.operator.address)).to.equal(f.operator.address);
      expect(await f.allocationManager.getAllocationDelay(f.operator.address)).to.deep.equal([true, 7n]);
      await expect(dm.connect(f.operator).registerAsOperator(ZeroAddress, 7, "")).to.be.revertedWithCustomError(
        dm,
        "ActivelyDelegated",
      );
    });

    it("sums the delegated stakers' shares, deposits before and after delegating", async function () {
      const f = await networkHelpers.loadFixture(allocated);
      expect(await f.delegationManager.operatorShares(f.operator.address, f.strategyAddress)).to.equal(
        OPERATOR_DEPOSIT + STAKER_DEPOSIT,
      );
      await f.token.mint(f.staker.address, E18);
      await f.token.connect(f.staker).approve(await f.strategyManager.getAddress(), E18);
      await f.strategyManager.connect(f.staker).depositIntoStrategy(f.strategyAddress, await f.token.getAddress(), E18);
      expect(await f.delegationManager.getOperatorShares(f.operator.address, [f.strategyAddress])).to.deep.equal([
        OPERATOR_DEPOSIT + STAKER_DEPOSIT + E18,
      ]);
      expect(await f.token.balanceOf(f.strategyAddress)).to.equal(OPERATOR_DEPOSIT + STAKER_DEPOSIT + E18);
    });

    it("makes an allocation slashable only after the operator's allocation delay", async function () {
      const f = await networkHelpers.loadFixture(base);
      await f.token.mint(f.operator.address, OPERATOR_DEPOSIT);
      await f.token.connect(f.operator).approve(await f.strategyManager.getAddress(), OPERATOR_DEPOSIT);
      await f.strategyManager
        .connect(f.operator)
        .depositIntoStrategy(f.strategyAddress, await f.token.getAddress(), OPERATOR_DEPOSIT);
      await f.delegationManager.connect(f.operator).registerAsOperator(ZeroAddress, 10, "");
      await f.allocationManager.connect(f.operator).registerForOperatorSets(f.operator.address, {
        avs: f.avs.address,
        operatorSetIds: [SET_ID],
        data: "0x",
      });
      const tx = await f.allocationManager
        .connect(f.operator)
        .modifyAllocations(f.operator.address, [
          { operatorSet: f.set, strategies: [f.strategyAddress], newMagnitudes: [WAD] },
        ]);
      const block = (await tx.wait())!.blockNumber;
      // Effective from block + 10: views at block + 9 (the latest block) see nothing to slash.
      await f.mineTo(block + 9);
      expect(await slashableStake(f, block + 9)).to.equal(0n);
      const [, early] = await f.allocationManager
        .connect(f.avs)
        .slashOperator.staticCall(f.avs.address, slashParams(f));
      expect(early).to.deep.equal([0n]);
      // The next transaction is in block + 10: the allocation is slashable.
      await f.allocationManager.connect(f.avs).slashOperator(f.avs.address, slashParams(f));
      expect(await f.delegationManager.operatorShares(f.operator.address, f.strategyAddress)).to.equal(
        OPERATOR_DEPOSIT / 2n,
      );
    });

    it("allocates at most the max magnitude, one pending change at a time (InsufficientMagnitude, ModificationAlreadyPending, SameMagnitude)", async function () {
      const f = await networkHelpers.loadFixture(allocated);
      const am = f.allocationManager.connect(f.operator);
      const other = { avs: f.avs.address, id: 2n };
      await am
        .connect(f.avs)
        .createRedistributingOperatorSets(
          f.avs.address,
          [{ operatorSetId: 2n, strategies: [f.strategyAddress], slasher: f.avs.address }],
          [f.recipient.address],
        );
      const allocate = (set: typeof other, magnitude: bigint) =>
        am.modifyAllocations(f.operator.address, [
          { operatorSet: set, strategies: [f.strategyAddress], newMagnitudes: [magnitude] },
        ]);
      await expect(allocate(other, WAD / 2n + 1n)).to.be.revertedWithCustomError(am, "InsufficientMagnitude");
      await expect(allocate(f.set, WAD / 2n)).to.be.revertedWithCustomError(am, "SameMagnitude");
      // A deallocation stays pending (and encumbered) for DEALLOCATION_DELAY blocks.
      await allocate(f.set, WAD / 4n);
      await expect(allocate(f.set, WAD / 8n)).to.be.revertedWithCustomError(am, "ModificationAlreadyPending");
      expect(await am.getAllocatableMagnitude(f.operator.address, f.strategyAddress)).to.equal(WAD / 2n);
      await expect(allocate(other, WAD / 2n + 1n)).to.be.revertedWithCustomError(am, "InsufficientMagnitude");
      await allocate(other, WAD / 2n);
      await expect(am.connect(f.other).modifyAllocations(f.operator.address, [])).to.be.revertedWithCustomError(
        am,
        "InvalidPermissions",
      );
    });

    it("keeps a deallocation slashable until DEALLOCATION_DELAY blocks have passed", async function () {
      const f = await networkHelpers.loadFixture(allocated);
      const half = (OPERATOR_DEPOSIT + STAKER_DEPOSIT) / 2n;
      const tx = await f.allocationManager
        .connect(f.operator)
        .modifyAllocations(f.operator.address, [
          { operatorSet: f.set, strategies: [f.strategyAddress], newMagnitudes: [0n] },
        ]);
      const block = (await tx.wait())!.blockNumber;
      const completes = block + DEALLOCATION_DELAY + 1;
      expect(await slashableStake(f)).to.equal(half);
      expect(await slashableStake(f, completes - 1)).to.equal(half);
      expect(await slashableStake(f, completes)).to.equal(0n);
      // The last slashable block is block + DEALLOCATION_DELAY (views run at the latest block).
      await f.mineTo(block + DEALLOCATION_DELAY);
      const [, within] = await f.allocationManager
        .connect(f.avs)
        .slashOperator.staticCall(f.avs.address, slashParams(f));
      expect(within).to.deep.equal([half / 2n]);
      await f.mine(1);
      const [, after] = await f.allocationManager
        .connect(f.avs)
        .slashOperator.staticCall(f.avs.address, slashParams(f));
      expect(after).to.deep.equal([0n]);
    });

    it("registers through the registrar, whose revert refuses the registration; only operators register", async function () {
      const f = await networkHelpers.loadFixture(base);
      const am = f.allocationManager;
      const params = { avs: f.avs.address, operatorSetIds: [SET_ID], data: "0x1234" };
      await expect(am.connect(f.other).registerForOperatorSets(f.other.address, params)).to.be.revertedWithCustomError(
        am,
        "InvalidOperator",
      );
      await f.delegationManager.connect(f.operator).registerAsOperator(ZeroAddress, 1, "");
      await f.registrar.setRefusing(true);
      await expect(
        am.connect(f.operator).registerForOperatorSets(f.operator.address, params),
      ).to.be.revertedWithCustomError(f.registrar, "RegistrationRefused");
      await f.registrar.setRefusing(false);
      await expect(am.connect(f.operator).registerForOperatorSets(f.operator.address, params))
        .to.emit(f.registrar, "OperatorRegistered")
        .withArgs(f.operator.address, f.avs.address, [SET_ID], "0x1234");
      expect(await am.isMemberOfOperatorSet(f.operator.address, f.set)).to.equal(true);
      expect(await am.getMembers(f.set)).to.deep.equal([f.operator.address]);
    });

    it("refuses a registration when the AVS has no registrar and no code to take the callback", async function () {
      const f = await networkHelpers.loadFixture(base);
      const [, , , , , , bare] = await ethers.getSigners();
      const set = await f.createRedistributingSet({ avs: bare, id: 1n, recipient: f.recipient.address });
      await f.delegationManager.connect(f.operator).registerAsOperator(ZeroAddress, 1, "");
      await expect(
        f.allocationManager
          .connect(f.operator)
          .registerForOperatorSets(f.operator.address, { avs: set.avs, operatorSetIds: [set.id], data: "0x" }),
      ).to.be.revert(ethers);
    });

    it("deregisters by the operator or the AVS (InvalidCaller otherwise), calling the registrar", async function () {
      const f = await networkHelpers.loadFixture(allocated);
      const params = { operator: f.operator.address, avs: f.avs.address, operatorSetIds: [SET_ID] };
      await expect(
        f.allocationManager.connect(f.other).deregisterFromOperatorSets(params),
      ).to.be.revertedWithCustomError(f.allocationManager, "InvalidCaller");
      await expect(f.allocationManager.connect(f.avs).deregisterFromOperatorSets(params))
        .to.emit(f.registrar, "OperatorDeregistered")
        .withArgs(f.operator.address, f.avs.address, [SET_ID]);
      expect(await f.allocationManager.isMemberOfOperatorSet(f.operator.address, f.set)).to.equal(false);
      await expect(
        f.allocationManager.connect(f.operator).deregisterFromOperatorSets(params),
      ).to.be.revertedWithCustomError(f.allocationManager, "NotMemberOfSet");
    });

    it("keeps a deregistered operator slashable for DEALLOCATION_DELAY blocks, and not after", async function () {
      const f = await networkHelpers.loadFixture(allocated);
      const tx = await f.allocationManager
        .connect(f.operator)
        .deregisterFromOperatorSets({ operator: f.operator.address, avs: f.avs.address, operatorSetIds: [SET_ID] });
      const block = (await tx.wait())!.blockNumber;
      await f.mineTo(block + DEALLOCATION_DELAY - 1);
      expect(await f.allocationManager.isOperatorSlashable(f.operator.address, f.set)).to.equal(true);
      // Lands in block + DEALLOCATION_DELAY, the last slashable block.
      await expect(f.allocationManager.connect(f.avs).slashOperator(f.avs.address, slashParams(f))).to.emit(
        f.allocationManager,
        "OperatorSlashed",
      );
      await f.mine(1);
      expect(await f.allocationManager.isOperatorSlashable(f.operator.address, f.set)).to.equal(false);
      expect(await slashableStake(f)).to.equal(0n);
      await expect(
        f.allocationManager.connect(f.avs).slashOperator(f.avs.address, slashParams(f)),
      ).to.be.revertedWithCustomError(f.allocationManager, "OperatorNotSlashable");
    });

    it("refuses to let a deregistered operator rejoin while it is still slashable (AlreadyMemberOfSet)", async function () {
      const f = await networkHelpers.loadFixture(allocated);
      const am = f.allocationManager.connect(f.operator);
      const register = () =>
        am.registerForOperatorSets(f.operator.address, { avs: f.avs.address, operatorSetIds: [SET_ID], data: "0x" });
      await expect(register()).to.be.revertedWithCustomError(am, "AlreadyMemberOfSet");
      const tx = await am.deregisterFromOperatorSets({
        operator: f.operator.address,
        avs: f.avs.address,
        operatorSetIds: [SET_ID],
      });
      const block = (await tx.wait())!.blockNumber;
      // A registration in block + DEALLOCATION_DELAY is refused, in the block after it is not.
      await f.mineTo(block + DEALLOCATION_DELAY - 1);
      await expect(register()).to.be.revertedWithCustomError(am, "AlreadyMemberOfSet");
      await f.mine(1);
      await register();
      expect(await am.isMemberOfOperatorSet(f.operator.address, f.set)).to.equal(true);
    });
  });

  describe("slashing", function () {
    it("lets only the set's slasher slash (InvalidCaller)", async function () {
      const f = await networkHelpers.loadFixture(allocated);
      await expect(
        f.allocationManager.connect(f.other).slashOperator(f.avs.address, slashParams(f)),
      ).to.be.revertedWithCustomError(f.allocationManager, "InvalidCaller");
    });

    it("reverts while paused (CurrentlyPaused)", async function () {
      const f = await networkHelpers.loadFixture(allocated);
      await f.allocationManager.setPaused(true);
      await expect(
        f.allocationManager.connect(f.avs).slashOperator(f.avs.address, slashParams(f)),
      ).to.be.revertedWithCustomError(f.allocationManager, "CurrentlyPaused");
      await f.allocationManager.setPaused(false);
      await f.allocationManager.connect(f.avs).slashOperator(f.avs.address, slashParams(f));
    });

    it("reverts on mismatched lengths, an unknown set, an operator that is not slashable", async function () {
      const f = await networkHelpers.loadFixture(allocated);
      const am = f.allocationManager.connect(f.avs);
      await expect(am.slashOperator(f.avs.address, slashParams(f, { wadsToSlash: [] }))).to.be.revertedWithCustomError(
        am,
        "InputArrayLengthMismatch",
      );
      await expect(
        am.slashOperator(f.avs.address, { ...slashParams(f), operatorSetId: 9n }),
      ).to.be.revertedWithCustomError(am, "InvalidOperatorSet");
      await expect(
        am.slashOperator(f.avs.address, { ...slashParams(f), operator: f.other.address }),
      ).to.be.revertedWithCustomError(am, "OperatorNotSlashable");
    });

    it("requires strictly ascending strategies that are in the set", async function () {
      const f = await networkHelpers.loadFixture(allocated);
      const am = f.allocationManager.connect(f.avs);
      const second = await (await f.deployStrategy()).getAddress();
      const [low, high] = [f.strategyAddress, second].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
      const two = [WAD, WAD];
      await expect(
        am.slashOperator(f.avs.address, slashParams(f, { strategies: [second], wadsToSlash: [WAD] })),
      ).to.be.revertedWithCustomError(am, "StrategyNotInOperatorSet");
      await am.addStrategiesToOperatorSet(f.avs.address, SET_ID, [second]);
      await expect(
        am.slashOperator(f.avs.address, slashParams(f, { strategies: [high, low], wadsToSlash: two })),
      ).to.be.revertedWithCustomError(am, "StrategiesMustBeInAscendingOrder");
      await expect(
        am.slashOperator(f.avs.address, slashParams(f, { strategies: [low, low], wadsToSlash: two })),
      ).to.be.revertedWithCustomError(am, "StrategiesMustBeInAscendingOrder");
      // A strategy with no allocation slashes nothing.
      const [, shares] = await am.slashOperator.staticCall(
        f.avs.address,
        slashParams(f, { strategies: [low, high], wadsToSlash: two }),
      );
      const half = (OPERATOR_DEPOSIT + STAKER_DEPOSIT) / 2n;
      expect(shares).to.deep.equal(low === f.strategyAddress ? [half, 0n] : [0n, half]);
    });

    it("requires each wad in (0, 1e18] (InvalidWadToSlash)", async function () {
      const f = await networkHelpers.loadFixture(allocated);
      const am = f.allocationManager.connect(f.avs);
      await expect(
        am.slashOperator(f.avs.address, slashParams(f, { wadsToSlash: [0n] })),
      ).to.be.revertedWithCustomError(am, "InvalidWadToSlash");
      await expect(
        am.slashOperator(f.avs.address, slashParams(f, { wadsToSlash: [WAD + 1n] })),
      ).to.be.revertedWithCustomError(am, "InvalidWadToSlash");
      await am.slashOperator(f.avs.address, slashParams(f, { wadsToSlash: [WAD] }));
    });

    it("underflows (panic 0x11) on a chain not past MIN_WITHDRAWAL_DELAY_BLOCKS, like the real core", async function () {
      const minDelay = (await ethers.provider.getBlockNumber()) + 100;
      const f = await allocatedWith({ minWithdrawalDelayBlocks: minDelay });
      const am = f.allocationManager.connect(f.avs);
      await expect(am.slashOperator(f.avs.address, slashParams(f))).to.be.revertedWithPanic(0x11);
      // The slash needs block.number > MIN_WITHDRAWAL_DELAY_BLOCKS: the next transaction is in minDelay + 1.
      await f.mineTo(minDelay);
      await am.slashOperator(f.avs.address, slashParams(f));
    });

    it("lowers the magnitude, the max magnitude and the delegated shares; counts slash ids per set from 1", async function () {
      const f = await networkHelpers.loadFixture(allocated);
      const am = f.allocationManager.connect(f.avs);
      const total = OPERATOR_DEPOSIT + STAKER_DEPOSIT;
      const [slashId, shares] = await am.slashOperator.staticCall(f.avs.address, slashParams(f));
      expect(slashId).to.equal(1n);
      expect(shares).to.deep.equal([total / 4n]);
      await expect(am.slashOperator(f.avs.address, slashParams(f)))
        .to.emit(am, "OperatorSlashed")
        .withArgs(f.operator.address, [f.avs.address, SET_ID], [f.strategyAddress], [WAD / 4n], "fraud proven")
        .and.to.emit(f.strategyManager, "BurnOrRedistributableSharesIncreased")
        .withArgs([f.avs.address, SET_ID], 1n, f.strategyAddress, total / 4n)
        .and.to.emit(f.delegationManager, "OperatorSharesSlashed")
        .withArgs(f.operator.address, f.strategyAddress, total / 4n);

      expect(await am.getSlashCount(f.set)).to.equal(1n);
      const allocation = await am.getAllocation(f.operator.address, f.set, f.strategyAddress);
      expect(allocation.currentMagnitude).to.equal(WAD / 4n);
      expect(await am.getMaxMagnitude(f.operator.address, f.strategyAddress)).to.equal((WAD * 3n) / 4n);
      expect(await f.delegationManager.operatorShares(f.operator.address, f.strategyAddress)).to.equal(
        (total * 3n) / 4n,
      );
      // Slashable: 30 shares x (0.25 / 0.75), rounded down as the real view does.
      const proportion = ((WAD / 4n) * WAD) / ((WAD * 3n) / 4n);
      expect(await slashableStake(f)).to.equal((((total * 3n) / 4n) * proportion) / WAD);
      expect(await f.strategyManager.getBurnOrRedistributableShares(f.set, 1n, f.strategyAddress)).to.equal(total / 4n);

      const [secondId] = await am.slashOperator.staticCall(f.avs.address, slashParams(f));
      expect(secondId).to.equal(2n);
      await expect(am.slashOperator(f.avs.address, slashParams(f))).to.emit(am, "OperatorSlashed");
      expect(await am.getSlashCount(f.set)).to.equal(2n);
    });
  });

  describe("clearing a slash", function () {
    it("pays nothing at the slash; anyone's clearing then pays the strategy's tokens to the recipient", async function () {
      const f = await networkHelpers.loadFixture(allocated);
      await f.allocationManager.connect(f.avs).slashOperator(f.avs.address, slashParams(f));
      const shares = await f.strategyManager.getBurnOrRedistributableShares(f.set, 1n, f.strategyAddress);
      expect(await f.token.balanceOf(f.recipient.address)).to.equal(0n);
      const tokens = await f.strategy.sharesToUnderlyingView(shares);
      const [amount] = await f.strategyManager.connect(f.other).clearBurnOrRedistributableShares.staticCall(f.set, 1n);
      expect(amount).to.equal(tokens);
      await expect(f.strategyManager.connect(f.other).clearBurnOrRedistributableShares(f.set, 1n))
        .to.emit(f.strategyManager, "BurnOrRedistributableSharesDecreased")
        .withArgs([f.avs.address, SET_ID], 1n, f.strategyAddress, shares);
      expect(await f.token.balanceOf(f.recipient.address)).to.equal(tokens);
      expect(await f.strategyManager.getBurnOrRedistributableShares(f.set, 1n, f.strategyAddress)).to.equal(0n);
      expect(await f.strategyManager.getBurnOrRedistributableCount(f.set, 1n)).to.equal(0n);
      // Clearing again pays nothing.
      await f.strategyManager.clearBurnOrRedistributableSharesByStrategy(f.set, 1n, f.strategyAddress);
      expect(await f.token.balanceOf(f.recipient.address)).to.equal(tokens);
    });

    it("pays tokens, not shares: after yield a slashed share is worth more than a token", async function () {
      const f = await networkHelpers.loadFixture(allocated);
      const total = OPERATOR_DEPOSIT + STAKER_DEPOSIT;
      expect(await f.strategy.sharesToUnderlyingView(total)).to.equal(total);
      await f.token.mint(f.other.address, total);
      await f.token.connect(f.other).approve(f.strategyAddress, total);
      await f.strategy.connect(f.other).donate(total);
      // (2 x 40e18 + 1e3) / (40e18 + 1e3) tokens per share: just under 2.
      const shares = total / 4n;
      const tokens = ((2n * total + 1000n) * shares) / (total + 1000n);
      expect(await f.strategy.sharesToUnderlyingView(shares)).to.equal(tokens);
      expect(tokens).to.be.greaterThan(shares);
      expect(await f.strategy.underlyingToSharesView(tokens)).to.be.lessThan(tokens);

      await f.allocationManager.connect(f.avs).slashOperator(f.avs.address, slashParams(f));
      expect(await f.strategyManager.getBurnOrRedistributableShares(f.set, 1n, f.strategyAddress)).to.equal(shares);
      await f.strategyManager.clearBurnOrRedistributableSharesByStrategy(f.set, 1n, f.strategyAddress);
      expect(await f.token.balanceOf(f.recipient.address)).to.equal(tokens);
    });

    it("with a resolution delay (v1.13), refuses to clear before getSlashResolutionBlock (SlashResolutionDelayNotElapsed)", async function () {
      const delay = 20;
      const f = await allocatedWith({ slashResolutionDelayBlocks: delay });
      const sm = f.strategyManager;
      const tx = await f.allocationManager.connect(f.avs).slashOperator(f.avs.address, slashParams(f));
      const block = (await tx.wait())!.blockNumber;
      expect(await sm.getSlashResolutionBlock(f.set, 1n)).to.equal(BigInt(block + delay));
      await expect(sm.clearBurnOrRedistributableShares(f.set, 1n)).to.be.revertedWithCustomError(
        sm,
        "SlashResolutionDelayNotElapsed",
      );
      await f.mineTo(block + delay - 2);
      await expect(
        sm.clearBurnOrRedistributableSharesByStrategy(f.set, 1n, f.strategyAddress),
      ).to.be.revertedWithCustomError(sm, "SlashResolutionDelayNotElapsed");
      await f.mine(1);
      await sm.clearBurnOrRedistributableShares(f.set, 1n);
      expect(await f.token.balanceOf(f.recipient.address)).to.be.greaterThan(0n);
    });
  });

  describe("the strategy", function () {
    it("lets only the StrategyManager deposit and withdraw (OnlyStrategyManager)", async function () {
      const f = await networkHelpers.loadFixture(base);
      const token = await f.token.getAddress();
      await expect(f.strategy.deposit(token, 1n)).to.be.revertedWithCustomError(f.strategy, "OnlyStrategyManager");
      await expect(f.strategy.withdraw(f.other.address, token, 1n)).to.be.revertedWithCustomError(
        f.strategy,
        "OnlyStrategyManager",
      );
    });
  });
});
