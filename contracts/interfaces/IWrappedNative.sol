// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title IWrappedNative
/// @notice The wrapped-ether functions (WETH9's `deposit` and `withdraw`) the EigenLayer adapter uses to turn slashed
/// WETH into ether, so that claims in the consortium's ETH asset are paid in ETH.
interface IWrappedNative is IERC20 {
    /// @notice Wraps the ether sent.
    function deposit() external payable;

    /// @notice Unwraps `amount` to the caller as ether.
    function withdraw(uint256 amount) external;
}
