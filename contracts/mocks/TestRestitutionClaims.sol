// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {RestitutionClaims} from "../RestitutionClaims.sol";

/// @title TestRestitutionClaims
/// @notice Test harness of the claim book alone: the pool is this contract's own balance of ETH (asset 1, funded by
/// plain transfers) or of one ERC-20 (asset 2, funded by minting to it), and anyone may book a claim.
contract TestRestitutionClaims is RestitutionClaims {
    using SafeERC20 for IERC20;

    /// @notice The asset id paid in `token`; every other asset is paid in ETH.
    uint32 public constant TOKEN_ASSET = 2;

    address private immutable _TOKEN;

    /// @notice `book` was given the zero address as recipient (the adjudicator refuses it before booking).
    error TestRestitutionClaimsZeroRecipient();
    /// @notice An ETH payment failed.
    error TestRestitutionClaimsEthTransferFailed(address to, uint256 amount);

    /// @param token_ The ERC-20 that claims in TOKEN_ASSET are paid in.
    constructor(address token_) {
        _TOKEN = token_;
    }

    /// @notice Accepts ETH into the pool.
    receive() external payable {}

    /// @notice Books `amount` of `asset` for `recipient` under `nullifier` (anyone; a test harness).
    /// @return booked False, with nothing written, when the nullifier already has a claim.
    function book(uint256 nullifier, uint32 asset, uint96 amount, address recipient) external returns (bool booked) {
        if (recipient == address(0)) revert TestRestitutionClaimsZeroRecipient();
        return _bookClaim(nullifier, asset, amount, recipient);
    }

    /// @notice The token claims in `asset` are paid in.
    function claimToken(uint32 asset) external view returns (address) {
        return _claimToken(asset);
    }

    /// @notice What the pool holds of `token`.
    function poolHolding(address token) external view returns (uint256) {
        return _poolHolding(token);
    }

    function _claimToken(uint32 asset) internal view override returns (address) {
        return asset == TOKEN_ASSET ? _TOKEN : address(0);
    }

    function _poolHolding(address token) internal view override returns (uint256) {
        return token == address(0) ? address(this).balance : IERC20(token).balanceOf(address(this));
    }

    function _releaseFromPool(address token, address to, uint256 amount) internal override {
        if (token == address(0)) {
            (bool ok, ) = to.call{value: amount}("");
            if (!ok) revert TestRestitutionClaimsEthTransferFailed(to, amount);
        } else {
            IERC20(token).safeTransfer(to, amount);
        }
    }
}
