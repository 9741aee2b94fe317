// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EnumerableMap} from "@openzeppelin/contracts/utils/structs/EnumerableMap.sol";
import {IAllocationManager, OperatorSet} from "../../eigenlayer/interfaces/IAllocationManager.sol";
import {IStrategy} from "../../eigenlayer/interfaces/IStrategy.sol";
import {IStrategyManager} from "../../eigenlayer/interfaces/IStrategyManager.sol";
import {StandInDelegationManager} from "./StandInDelegationManager.sol";
import {StandInStrategy} from "./StandInStrategy.sol";

/// @title StandInStrategyManager
/// @notice TEST-ONLY stand-in of EigenLayer's StrategyManager (v1.12); never deploy to a real network. Stakers deposit
/// into StandInStrategy vaults (no deposit whitelist); a slash's shares wait here, per (operator set, slash id,
/// strategy), until anyone clears them, which pays their tokens to the set's redistribution recipient. With a non-zero
/// `slashResolutionDelayBlocks` it models the v1.13 slash resolution delay: clearing reverts
/// `SlashResolutionDelayNotElapsed` until that many blocks after the slash.
contract StandInStrategyManager is IStrategyManager {
    using EnumerableMap for EnumerableMap.AddressToUintMap;
    using SafeERC20 for IERC20;

    /// @notice The DelegationManager stand-in (delegates deposits; the only caller of the slash bookkeeping).
    StandInDelegationManager public immutable delegation;
    /// @notice The AllocationManager stand-in (the redistribution recipients).
    IAllocationManager public immutable allocationManager;
    /// @notice Blocks from a slash until its shares can be cleared (0: v1.12, no delay).
    uint32 public immutable SLASH_RESOLUTION_DELAY_BLOCKS;

    /// @notice A staker's deposit shares per strategy.
    mapping(address staker => mapping(IStrategy strategy => uint256 shares)) public stakerDepositShares;
    mapping(address staker => IStrategy[] strategies) private _stakerStrategies;
    mapping(address avs => mapping(uint32 setId => mapping(uint256 slashId => EnumerableMap.AddressToUintMap)))
        private _pendingShares;
    mapping(address avs => mapping(uint32 setId => mapping(uint256 slashId => uint32 resolutionBlock)))
        private _resolutionBlocks;

    /// @notice A deposit (the real event).
    event Deposit(address staker, IStrategy strategy, uint256 shares);
    /// @notice A slash's shares waiting to be burnt or redistributed (the real event).
    event BurnOrRedistributableSharesIncreased(
        OperatorSet operatorSet,
        uint256 slashId,
        IStrategy strategy,
        uint256 shares
    );
    /// @notice A slash's shares paid out (the real event).
    event BurnOrRedistributableSharesDecreased(
        OperatorSet operatorSet,
        uint256 slashId,
        IStrategy strategy,
        uint256 shares
    );

    /// @notice A caller other than the DelegationManager.
    error OnlyDelegationManager();
    /// @notice A deposit minting no shares.
    error SharesAmountZero();
    /// @notice A strategy recorded twice for one slash.
    error StrategyAlreadyInSlash();
    /// @notice Clearing before the slash's resolution block (v1.13).
    error SlashResolutionDelayNotElapsed();

    /// @param delegation_ The DelegationManager stand-in.
    /// @param allocationManager_ The AllocationManager stand-in.
    /// @param slashResolutionDelayBlocks 0 for v1.12; otherwise the v1.13 delay before a slash can be cleared.
    constructor(
        StandInDelegationManager delegation_,
        IAllocationManager allocationManager_,
        uint32 slashResolutionDelayBlocks
    ) {
        delegation = delegation_;
        allocationManager = allocationManager_;
        SLASH_RESOLUTION_DELAY_BLOCKS = slashResolutionDelayBlocks;
    }

    /// @inheritdoc IStrategyManager
    function depositIntoStrategy(
        IStrategy strategy,
        IERC20 token,
        uint256 amount
    ) external returns (uint256 depositShares) {
        token.safeTransferFrom(msg.sender, address(strategy), amount);
        depositShares = StandInStrategy(address(strategy)).deposit(token, amount);
        if (depositShares == 0) revert SharesAmountZero();
        if (stakerDepositShares[msg.sender][strategy] == 0) _stakerStrategies[msg.sender].push(strategy);
        stakerDepositShares[msg.sender][strategy] += depositShares;
        emit Deposit(msg.sender, strategy, depositShares);
        delegation.increaseDelegatedShares(msg.sender, strategy, depositShares);
    }

    /// @notice Records `shares` of `strategy` slashed by slash `slashId` of `operatorSet` (DelegationManager only).
    function increaseBurnOrRedistributableShares(
        OperatorSet calldata operatorSet,
        uint256 slashId,
        IStrategy strategy,
        uint256 shares
    ) external {
        if (msg.sender != address(delegation)) revert OnlyDelegationManager();
        if (!_pendingShares[operatorSet.avs][operatorSet.id][slashId].set(address(strategy), shares)) {
            revert StrategyAlreadyInSlash();
        }
        _resolutionBlocks[operatorSet.avs][operatorSet.id][slashId] =
            uint32(block.number) + SLASH_RESOLUTION_DELAY_BLOCKS;
        emit BurnOrRedistributableSharesIncreased(operatorSet, slashId, strategy, shares);
    }

    /// @inheritdoc IStrategyManager
    function clearBurnOrRedistributableShares(
        OperatorSet calldata operatorSet,
        uint256 slashId
    ) external returns (uint256[] memory amounts) {
        address[] memory strategies = _pendingShares[operatorSet.avs][operatorSet.id][slashId].keys();
        amounts = new uint256[](strategies.length);
        for (uint256 i = 0; i < strategies.length; ++i) {
            amounts[i] = clearBurnOrRedistributableSharesByStrategy(operatorSet, slashId, IStrategy(strategies[i]));
        }
    }

    /// @inheritdoc IStrategyManager
    function clearBurnOrRedistributableSharesByStrategy(
        OperatorSet calldata operatorSet,
        uint256 slashId,
        IStrategy strategy
    ) public returns (uint256 amount) {
        if (block.number < _resolutionBlocks[operatorSet.avs][operatorSet.id][slashId]) {
            revert SlashResolutionDelayNotElapsed();
        }
        EnumerableMap.AddressToUintMap storage pending = _pendingShares[operatorSet.avs][operatorSet.id][slashId];
        (, uint256 shares) = pending.tryGet(address(strategy));
        pending.remove(address(strategy));
        emit BurnOrRedistributableSharesDecreased(operatorSet, slashId, strategy, shares);
        if (shares != 0) {
            amount = StandInStrategy(address(strategy)).withdraw(
                allocationManager.getRedistributionRecipient(operatorSet),
                strategy.underlyingToken(),
                shares
            );
        }
    }

    /// @inheritdoc IStrategyManager
    function getBurnOrRedistributableShares(
        OperatorSet calldata operatorSet,
        uint256 slashId,
        IStrategy strategy
    ) external view returns (uint256 shares) {
        (, shares) = _pendingShares[operatorSet.avs][operatorSet.id][slashId].tryGet(address(strategy));
    }

    /// @notice How many strategies of slash `slashId` of `operatorSet` still wait to be cleared.
    function getBurnOrRedistributableCount(
        OperatorSet calldata operatorSet,
        uint256 slashId
    ) external view returns (uint256) {
        return _pendingShares[operatorSet.avs][operatorSet.id][slashId].length();
    }

    /// @notice The first block at which slash `slashId` of `operatorSet` can be cleared (v1.13's view).
    function getSlashResolutionBlock(OperatorSet calldata operatorSet, uint256 slashId) external view returns (uint32) {
        return _resolutionBlocks[operatorSet.avs][operatorSet.id][slashId];
    }

    /// @notice A staker's strategies and deposit shares in them.
    function getDeposits(
        address staker
    ) external view returns (IStrategy[] memory strategies, uint256[] memory shares) {
        strategies = _stakerStrategies[staker];
        shares = new uint256[](strategies.length);
        for (uint256 i = 0; i < strategies.length; ++i) {
            shares[i] = stakerDepositShares[staker][strategies[i]];
        }
    }
}
