// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IConsortiumRegistry} from "./interfaces/IConsortiumRegistry.sol";
import {IRestitutionFund} from "./interfaces/IRestitutionFund.sol";

/// @title RestitutionFund
/// @notice Books restitution claims per proven record and pays them from slashed collateral.
contract RestitutionFund is IRestitutionFund, AccessControl, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice Role of the adjudication contract (the only one that books claims).
    bytes32 public constant ADJUDICATOR_ROLE = keccak256("ADJUDICATOR_ROLE");

    /// @dev A claim in one slot: the recipient's tag (never zero once booked), the amount still owed (below 2^96:
    /// record balances are) and the asset. The token is not stored: asset listings are permanent, so the registry
    /// always maps the asset to the token it had at booking.
    struct StoredClaim {
        bytes16 recipientTag;
        uint96 remaining;
        uint32 asset;
    }

    /// @dev Booked and paid totals of one token, in one slot.
    struct TokenTotals {
        uint128 booked;
        uint128 paid;
    }

    IConsortiumRegistry private immutable _registry;

    mapping(uint256 nullifier => StoredClaim claim) private _claims;
    mapping(address token => TokenTotals totals) private _totals;

    /// @param admin Governance (DEFAULT_ADMIN_ROLE).
    /// @param registry_ The consortium registry (asset list).
    constructor(address admin, address registry_) {
        if (admin == address(0) || registry_ == address(0)) revert RestitutionFundZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _registry = IConsortiumRegistry(registry_);
    }

    /// @notice Accepts ETH (slashed collateral, donations).
    receive() external payable {
        emit EthReceived(msg.sender, msg.value);
    }

    /// @inheritdoc IRestitutionFund
    function bookClaim(
        uint256 nullifier,
        address member,
        uint32 asset,
        uint256 amount,
        address recipient
    ) external onlyRole(ADJUDICATOR_ROLE) {
        if (recipient == address(0) || member == address(0)) revert RestitutionFundZeroAddress();
        if (amount > type(uint96).max) revert RestitutionFundAmountTooLarge(amount);
        StoredClaim storage claim = _claims[nullifier];
        if (claim.recipientTag != 0) revert RestitutionFundClaimExists(nullifier);
        address token = _registry.assetToken(asset);
        _claims[nullifier] = StoredClaim({
            recipientTag: recipientTagOf(recipient),
            remaining: uint96(amount),
            asset: asset
        });
        _totals[token].booked += uint128(amount);
        emit ClaimBooked(nullifier, member, asset, amount, recipient);
    }

    /// @inheritdoc IRestitutionFund
    function payClaim(uint256 nullifier, address recipient) external nonReentrant {
        StoredClaim memory claim = _claims[nullifier];
        if (claim.recipientTag == 0) revert RestitutionFundUnknownClaim(nullifier);
        if (claim.recipientTag != recipientTagOf(recipient)) revert RestitutionFundWrongRecipient(nullifier, recipient);
        uint256 remaining = claim.remaining;
        if (remaining == 0) revert RestitutionFundClaimSettled(nullifier);
        address token = _registry.assetToken(claim.asset);
        uint256 available = _holdings(token);
        if (available == 0) revert RestitutionFundEmpty(token);
        // payment <= remaining < 2^96.
        uint256 payment = remaining < available ? remaining : available;
        _claims[nullifier].remaining = uint96(remaining - payment);
        _totals[token].paid += uint128(payment);
        emit ClaimPaid(nullifier, recipient, token, payment, remaining - payment);
        _send(token, recipient, payment);
    }

    /// @inheritdoc IRestitutionFund
    function withdrawSurplus(
        address token,
        address to,
        uint256 amount
    ) external onlyRole(DEFAULT_ADMIN_ROLE) nonReentrant {
        if (to == address(0)) revert RestitutionFundZeroAddress();
        uint256 holdings = _holdings(token);
        TokenTotals storage totals_ = _totals[token];
        uint256 owed = totals_.booked - totals_.paid;
        uint256 surplus = holdings > owed ? holdings - owed : 0;
        if (amount > surplus) revert RestitutionFundExceedsSurplus(token, amount, surplus);
        emit SurplusWithdrawn(token, to, amount);
        _send(token, to, amount);
    }

    /// @inheritdoc IRestitutionFund
    function claimOf(uint256 nullifier) external view returns (Claim memory) {
        StoredClaim memory claim = _claims[nullifier];
        if (claim.recipientTag == 0) return Claim(false, 0, address(0), 0, 0);
        return Claim(true, claim.asset, _registry.assetToken(claim.asset), claim.remaining, claim.recipientTag);
    }

    /// @inheritdoc IRestitutionFund
    function isBooked(uint256 nullifier) external view returns (bool) {
        return _claims[nullifier].recipientTag != 0;
    }

    /// @inheritdoc IRestitutionFund
    function recipientTagOf(address recipient) public pure returns (bytes16) {
        return bytes16(keccak256(abi.encode(recipient))) | bytes16(uint128(1));
    }

    /// @inheritdoc IRestitutionFund
    function outstanding(address token) external view returns (uint256) {
        TokenTotals storage totals_ = _totals[token];
        return totals_.booked - totals_.paid;
    }

    /// @inheritdoc IRestitutionFund
    function totals(address token) external view returns (uint256 booked, uint256 paid) {
        TokenTotals storage totals_ = _totals[token];
        return (totals_.booked, totals_.paid);
    }

    /// @inheritdoc IRestitutionFund
    function registry() external view returns (address) {
        return address(_registry);
    }

    function _holdings(address token) private view returns (uint256) {
        return token == address(0) ? address(this).balance : IERC20(token).balanceOf(address(this));
    }

    function _send(address token, address to, uint256 amount) private {
        if (token == address(0)) {
            (bool ok, ) = to.call{value: amount}("");
            if (!ok) revert RestitutionFundEthTransferFailed(to, amount);
        } else {
            IERC20(token).safeTransfer(to, amount);
        }
    }
}
