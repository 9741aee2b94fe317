// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {OperatorSet} from "../../eigenlayer/interfaces/IAllocationManager.sol";
import {IDelegationManager} from "../../eigenlayer/interfaces/IDelegationManager.sol";
import {IStrategy} from "../../eigenlayer/interfaces/IStrategy.sol";
import {StandInAllocationManager} from "./StandInAllocationManager.sol";
import {StandInStrategyManager} from "./StandInStrategyManager.sol";

/// @title StandInDelegationManager
/// @notice TEST-ONLY stand-in of EigenLayer's DelegationManager (v1.12); never deploy to a real network. Operators
/// register (delegated to themselves, their allocation delay set at once), stakers delegate, and an operator's shares
/// per strategy are the sum of its stakers' deposit shares, less what slashes took. Not modelled: delegation
/// approvers, undelegation and withdrawals (so stakers' own deposit shares are not scaled down by slashes). Kept: a
/// slash on a chain younger than `MIN_WITHDRAWAL_DELAY_BLOCKS` + 1 blocks reverts with an arithmetic underflow, as the
/// real withdrawal-queue lookup does.
contract StandInDelegationManager is IDelegationManager {
    /// @notice The StrategyManager stand-in (the stakers' deposits).
    StandInStrategyManager public immutable strategyManager;
    /// @notice The AllocationManager stand-in (allocation delays; the only caller of `slashOperatorShares`).
    StandInAllocationManager public immutable allocationManager;
    /// @notice The real withdrawal delay, used here only for the fresh-chain underflow.
    uint32 public immutable MIN_WITHDRAWAL_DELAY_BLOCKS;

    /// @inheritdoc IDelegationManager
    mapping(address operator => bool registered) public isOperator;
    /// @inheritdoc IDelegationManager
    mapping(address staker => address operator) public delegatedTo;
    /// @notice The shares delegated to an operator per strategy (the real public storage getter).
    mapping(address operator => mapping(IStrategy strategy => uint256 shares)) public operatorShares;

    /// @notice An operator registered (the real event).
    event OperatorRegistered(address indexed operator, address delegationApprover);
    /// @notice An operator's metadata URI (the real event; never stored).
    event OperatorMetadataURIUpdated(address indexed operator, string metadataURI);
    /// @notice A staker delegated (the real event).
    event StakerDelegated(address indexed staker, address indexed operator);
    /// @notice An operator's shares grew by `shares` (the real event).
    event OperatorSharesIncreased(address indexed operator, address staker, IStrategy strategy, uint256 shares);
    /// @notice A slash took `totalSlashedShares` of an operator's shares (the real event).
    event OperatorSharesSlashed(address indexed operator, IStrategy strategy, uint256 totalSlashedShares);

    /// @notice The caller is already delegated (or is an operator).
    error ActivelyDelegated();
    /// @notice Delegation to an address that is not an operator.
    error OperatorNotRegistered();
    /// @notice A caller other than the StrategyManager.
    error OnlyStrategyManagerOrEigenPodManager();
    /// @notice A caller other than the AllocationManager.
    error OnlyAllocationManager();
    /// @notice A delegation approver (this stand-in checks no approver signatures).
    error DelegationApproverUnsupported();

    /// @param strategyManager_ The StrategyManager stand-in.
    /// @param allocationManager_ The AllocationManager stand-in.
    /// @param minWithdrawalDelay The real withdrawal delay (a slash needs block.number > it).
    constructor(
        StandInStrategyManager strategyManager_,
        StandInAllocationManager allocationManager_,
        uint32 minWithdrawalDelay
    ) {
        strategyManager = strategyManager_;
        allocationManager = allocationManager_;
        MIN_WITHDRAWAL_DELAY_BLOCKS = minWithdrawalDelay;
    }

    /// @inheritdoc IDelegationManager
    function registerAsOperator(
        address initDelegationApprover,
        uint32 allocationDelay,
        string calldata metadataURI
    ) external {
        if (delegatedTo[msg.sender] != address(0)) revert ActivelyDelegated();
        if (initDelegationApprover != address(0)) revert DelegationApproverUnsupported();
        isOperator[msg.sender] = true;
        allocationManager.setAllocationDelay(msg.sender, allocationDelay);
        emit OperatorRegistered(msg.sender, initDelegationApprover);
        _delegate(msg.sender, msg.sender);
        emit OperatorMetadataURIUpdated(msg.sender, metadataURI);
    }

    /// @inheritdoc IDelegationManager
    function delegateTo(address operator, SignatureWithExpiry memory, bytes32) external {
        if (delegatedTo[msg.sender] != address(0)) revert ActivelyDelegated();
        if (!isOperator[operator]) revert OperatorNotRegistered();
        _delegate(msg.sender, operator);
    }

    /// @notice Adds a staker's new deposit shares to its operator's (StrategyManager only).
    function increaseDelegatedShares(address staker, IStrategy strategy, uint256 addedShares) external {
        if (msg.sender != address(strategyManager)) revert OnlyStrategyManagerOrEigenPodManager();
        address operator = delegatedTo[staker];
        if (operator != address(0)) _increaseOperatorShares(operator, staker, strategy, addedShares);
    }

    /// @notice Takes from `operator`'s shares of `strategy` the fraction its max magnitude lost, queues them in the
    /// StrategyManager for slash `slashId` of `operatorSet`, and returns them (AllocationManager only).
    function slashOperatorShares(
        address operator,
        OperatorSet calldata operatorSet,
        uint256 slashId,
        IStrategy strategy,
        uint64 prevMaxMagnitude,
        uint64 newMaxMagnitude
    ) external returns (uint256 slashedShares) {
        if (msg.sender != address(allocationManager)) revert OnlyAllocationManager();
        // The real contract looks up queued withdrawals from block `block.number - MIN_WITHDRAWAL_DELAY_BLOCKS - 1`.
        _withdrawalQueueWindowStart();
        uint256 shares = operatorShares[operator][strategy];
        slashedShares = shares - Math.mulDiv(shares, newMaxMagnitude, prevMaxMagnitude, Math.Rounding.Ceil);
        operatorShares[operator][strategy] = shares - slashedShares;
        emit OperatorSharesSlashed(operator, strategy, slashedShares);
        strategyManager.increaseBurnOrRedistributableShares(operatorSet, slashId, strategy, slashedShares);
    }

    /// @inheritdoc IDelegationManager
    function getOperatorShares(
        address operator,
        IStrategy[] memory strategies
    ) external view returns (uint256[] memory shares) {
        shares = new uint256[](strategies.length);
        for (uint256 i = 0; i < strategies.length; ++i) {
            shares[i] = operatorShares[operator][strategies[i]];
        }
    }

    /// @notice The withdrawal delay in blocks (the real view).
    function minWithdrawalDelayBlocks() external view returns (uint32) {
        return MIN_WITHDRAWAL_DELAY_BLOCKS;
    }

    function _delegate(address staker, address operator) internal {
        delegatedTo[staker] = operator;
        emit StakerDelegated(staker, operator);
        (IStrategy[] memory strategies, uint256[] memory shares) = strategyManager.getDeposits(staker);
        for (uint256 i = 0; i < strategies.length; ++i) {
            _increaseOperatorShares(operator, staker, strategies[i], shares[i]);
        }
    }

    function _increaseOperatorShares(address operator, address staker, IStrategy strategy, uint256 shares) internal {
        operatorShares[operator][strategy] += shares;
        emit OperatorSharesIncreased(operator, staker, strategy, shares);
    }

    /// @dev Underflows (panic 0x11) while block.number <= MIN_WITHDRAWAL_DELAY_BLOCKS, like the real lookup.
    function _withdrawalQueueWindowStart() internal view returns (uint32) {
        return uint32(block.number) - MIN_WITHDRAWAL_DELAY_BLOCKS - 1;
    }
}
