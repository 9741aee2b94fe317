// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IRestitutionClaims} from "./interfaces/IRestitutionClaims.sol";

/// @title RestitutionClaims
/// @notice The claim book of restitution: one claim per proven record, keyed by its nullifier, paid from a pool the
/// inheriting contract reaches through `_claimToken`, `_poolHolding` and `_releaseFromPool`.
/// @dev Abstract so the adjudicator books a claim in its own storage on the fraud proof's path (no call, one slot).
abstract contract RestitutionClaims is IRestitutionClaims, ReentrancyGuardTransient {
    /// @dev A claim in one slot: the recipient's tag (never zero once booked), the amount still owed (below 2^96:
    /// record balances are) and the asset. The token is not stored: asset listings are permanent, so the registry
    /// always maps the asset to the token it had at booking.
    struct StoredClaim {
        bytes16 recipientTag;
        uint96 remaining;
        uint32 asset;
    }

    mapping(uint256 nullifier => StoredClaim claim) private _claims;

    /// @inheritdoc IRestitutionClaims
    function payClaim(uint256 nullifier, address recipient) external nonReentrant {
        StoredClaim memory claim = _claims[nullifier];
        if (claim.recipientTag == 0) revert RestitutionUnknownClaim(nullifier);
        if (claim.recipientTag != recipientTagOf(recipient)) revert RestitutionWrongRecipient(nullifier, recipient);
        uint256 remaining = claim.remaining;
        if (remaining == 0) revert RestitutionClaimSettled(nullifier);
        address token = _claimToken(claim.asset);
        uint256 available = _poolHolding(token);
        if (available == 0) revert RestitutionPoolEmpty(token);
        // payment <= remaining < 2^96.
        uint256 payment = remaining < available ? remaining : available;
        _claims[nullifier].remaining = uint96(remaining - payment);
        emit ClaimPaid(nullifier, recipient, token, payment, remaining - payment);
        _releaseFromPool(token, recipient, payment);
    }

    /// @inheritdoc IRestitutionClaims
    function claimOf(uint256 nullifier) external view returns (Claim memory) {
        StoredClaim memory claim = _claims[nullifier];
        if (claim.recipientTag == 0) return Claim(false, 0, address(0), 0, 0);
        return Claim(true, claim.asset, _claimToken(claim.asset), claim.remaining, claim.recipientTag);
    }

    /// @inheritdoc IRestitutionClaims
    function isNullifierSpent(uint256 nullifier) external view returns (bool) {
        return _claims[nullifier].recipientTag != 0;
    }

    /// @inheritdoc IRestitutionClaims
    function recipientTagOf(address recipient) public pure returns (bytes16) {
        return bytes16(keccak256(abi.encode(recipient))) | bytes16(uint128(1));
    }

    /// @dev Books `amount` of `asset` for `recipient` under `nullifier`; false (nothing written) when the nullifier
    /// already has a claim. `recipient` must not be zero (the caller checks).
    function _bookClaim(uint256 nullifier, uint32 asset, uint96 amount, address recipient) internal returns (bool) {
        if (_claims[nullifier].recipientTag != 0) return false;
        _claims[nullifier] = StoredClaim({recipientTag: recipientTagOf(recipient), remaining: amount, asset: asset});
        return true;
    }

    /// @dev The token claims in `asset` are paid in.
    function _claimToken(uint32 asset) internal view virtual returns (address);

    /// @dev What the pool holds of `token`.
    function _poolHolding(address token) internal view virtual returns (uint256);

    /// @dev Pays `amount` (at most `_poolHolding(token)`) of `token` from the pool to `to`.
    function _releaseFromPool(address token, address to, uint256 amount) internal virtual;
}
