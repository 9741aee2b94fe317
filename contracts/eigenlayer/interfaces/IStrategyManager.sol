// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IStrategy} from "./IStrategy.sol";
import {OperatorSet} from "./IAllocationManager.sol";

/// @title IStrategyManager
/// @notice The functions of EigenLayer's StrategyManager (eigenlayer-contracts v1.12, interfaces/IStrategyManager.sol)
/// that the consortium and its tasks use: deposits (a staker's side) and the second step of a slash, which pays the
/// slashed shares' tokens to the operator set's redistribution recipient. Written from the published signatures.
interface IStrategyManager {
    /// @notice Deposits `amount` of `token` into `strategy` for the caller; returns the shares minted.
    function depositIntoStrategy(
        IStrategy strategy,
        IERC20 token,
        uint256 amount
    ) external returns (uint256 depositShares);

    /// @notice Pays out every strategy's slashed shares of slash `slashId` of `operatorSet` (to its redistribution
    /// recipient); anyone may call it. Returns the token amounts paid, per strategy.
    function clearBurnOrRedistributableShares(
        OperatorSet calldata operatorSet,
        uint256 slashId
    ) external returns (uint256[] memory);

    /// @notice The same for one strategy of the slash.
    function clearBurnOrRedistributableSharesByStrategy(
        OperatorSet calldata operatorSet,
        uint256 slashId,
        IStrategy strategy
    ) external returns (uint256);

    /// @notice The shares of `strategy` still waiting to be paid out for slash `slashId` of `operatorSet`.
    function getBurnOrRedistributableShares(
        OperatorSet calldata operatorSet,
        uint256 slashId,
        IStrategy strategy
    ) external view returns (uint256);
}
