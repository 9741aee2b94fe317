// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {RestitutionClaims} from "../RestitutionClaims.sol";

/// @title TestRestitutionClaims
/// @notice Test harness of the claim book alone: each member's pool is a ledger entry of this contract's own ETH
/// (asset 1, funded with `fundEth`) or of one ERC-20 (asset 2, funded with `fundToken`), and anyone may book a claim.
contract TestRestitutionClaims is RestitutionClaims {
    using SafeERC20 for IERC20;

    /// @notice The asset id paid in `token`; every other asset is paid in ETH.
    uint32 public constant TOKEN_ASSET = 2;

    address private immutable _TOKEN;
    mapping(address member => mapping(address token => uint256 amount)) private _pools;

    /// @notice `book` was given the zero address as recipient (the adjudicator refuses it before booking).
    error TestRestitutionClaimsZeroRecipient();
    /// @notice An ETH payment failed.
    error TestRestitutionClaimsEthTransferFailed(address to, uint256 amount);

    /// @param token_ The ERC-20 that claims in TOKEN_ASSET are paid in.
    constructor(address token_) {
        _TOKEN = token_;
    }

    /// @notice Adds the ETH sent to `member`'s pool.
    function fundEth(address member) external payable {
        _pools[member][address(0)] += msg.value;
    }

    /// @notice Pulls `amount` of the token from the caller into `member`'s pool (approve first).
    function fundToken(address member, uint256 amount) external {
        IERC20(_TOKEN).safeTransferFrom(msg.sender, address(this), amount);
        _pools[member][_TOKEN] += amount;
    }

    /// @notice Books `amount` of `asset` against `member` for `recipient` under `nullifier` (anyone; a test harness).
    /// @return booked False, with nothing written, when the nullifier already has a claim.
    function book(
        uint256 nullifier,
        address member,
        uint32 asset,
        uint96 amount,
        address recipient
    ) external returns (bool booked) {
        if (recipient == address(0)) revert TestRestitutionClaimsZeroRecipient();
        return _bookClaim(nullifier, member, asset, amount, recipient);
    }

    /// @notice The token claims in `asset` are paid in.
    function claimToken(uint32 asset) external view returns (address) {
        return _claimToken(asset);
    }

    /// @notice What `member`'s pool holds of `token`.
    function poolHolding(address member, address token) external view returns (uint256) {
        return _poolHolding(member, token);
    }

    function _claimToken(uint32 asset) internal view override returns (address) {
        return asset == TOKEN_ASSET ? _TOKEN : address(0);
    }

    function _poolHolding(address member, address token) internal view override returns (uint256) {
        return _pools[member][token];
    }

    function _releaseFromPool(address member, address token, address to, uint256 amount) internal override {
        _pools[member][token] -= amount;
        if (token == address(0)) {
            (bool ok, ) = to.call{value: amount}("");
            if (!ok) revert TestRestitutionClaimsEthTransferFailed(to, amount);
        } else {
            IERC20(token).safeTransfer(to, amount);
        }
    }
}
