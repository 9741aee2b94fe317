// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title IStrategy
/// @notice The functions of EigenLayer's `IStrategy` (eigenlayer-contracts v1.12, interfaces/IStrategy.sol) that the
/// consortium uses: the token a strategy holds and the conversion of its shares to that token. Written from the
/// published signatures (EigenLayer has no npm package); test/contracts/eigenlayer/Selectors.test.ts checks them.
interface IStrategy {
    /// @notice The token the strategy holds.
    function underlyingToken() external view returns (IERC20);

    /// @notice What `amountShares` shares are worth in the underlying token now (view).
    function sharesToUnderlyingView(uint256 amountShares) external view returns (uint256);
}
