// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IRestitutionClaims} from "./interfaces/IRestitutionClaims.sol";

/// @title RestitutionClaims
/// @notice The claim book of restitution: one claim per proven record, keyed by its nullifier, paid from the accused
/// member's own pool, which the inheriting contract reaches through `_claimToken`, `_poolHolding` and
/// `_releaseFromPool`.
/// @dev Abstract so the adjudicator books a claim in its own storage on the fraud proof's path (no call, one slot).
abstract contract RestitutionClaims is IRestitutionClaims, ReentrancyGuardTransient {
    /// @dev A claim in one slot: the tag of (member, recipient) (never zero once booked), the amount still owed (below
    /// 2^96: record balances are) and the asset. The token is not stored: asset listings are permanent, so the registry
    /// always maps the asset to the token it had at booking.
    struct StoredClaim {
        bytes16 tag;
        uint96 remaining;
        uint32 asset;
    }

    mapping(uint256 nullifier => StoredClaim claim) private _claims;

    /// @inheritdoc IRestitutionClaims
    function payClaim(uint256 nullifier, address member, address recipient) external nonReentrant {
        StoredClaim memory claim = _claims[nullifier];
        if (claim.tag == 0) revert RestitutionUnknownClaim(nullifier);
        if (claim.tag != claimTagOf(member, recipient)) revert RestitutionWrongClaimant(nullifier, member, recipient);
        uint256 remaining = claim.remaining;
        if (remaining == 0) revert RestitutionClaimSettled(nullifier);
        address token = _claimToken(claim.asset);
        uint256 available = _poolHolding(member, token);
        if (available == 0) revert RestitutionPoolEmpty(member, token);
        // payment <= remaining < 2^96.
        uint256 payment = remaining < available ? remaining : available;
        _claims[nullifier].remaining = uint96(remaining - payment);
        emit ClaimPaid(nullifier, member, recipient, token, payment, remaining - payment);
        _releaseFromPool(member, token, recipient, payment);
    }

    /// @inheritdoc IRestitutionClaims
    function claimOf(uint256 nullifier) external view returns (Claim memory) {
        StoredClaim memory claim = _claims[nullifier];
        if (claim.tag == 0) return Claim(false, 0, address(0), 0, 0);
        return Claim(true, claim.asset, _claimToken(claim.asset), claim.remaining, claim.tag);
    }

    /// @inheritdoc IRestitutionClaims
    function isNullifierSpent(uint256 nullifier) external view returns (bool) {
        return _claims[nullifier].tag != 0;
    }

    /// @inheritdoc IRestitutionClaims
    function claimTagOf(address member, address recipient) public pure returns (bytes16) {
        return bytes16(keccak256(abi.encode(member, recipient))) | bytes16(uint128(1));
    }

    /// @dev Books `amount` of `asset` against `member` for `recipient` under `nullifier`; false (nothing written) when
    /// the nullifier already has a claim. `recipient` must not be zero (the caller checks).
    function _bookClaim(
        uint256 nullifier,
        address member,
        uint32 asset,
        uint96 amount,
        address recipient
    ) internal returns (bool) {
        if (_claims[nullifier].tag != 0) return false;
        _claims[nullifier] = StoredClaim({tag: claimTagOf(member, recipient), remaining: amount, asset: asset});
        return true;
    }

    /// @dev The token claims in `asset` are paid in.
    function _claimToken(uint32 asset) internal view virtual returns (address);

    /// @dev What `member`'s pool holds of `token`.
    function _poolHolding(address member, address token) internal view virtual returns (uint256);

    /// @dev Pays `amount` (at most `_poolHolding(member, token)`) of `token` from `member`'s pool to `to`.
    function _releaseFromPool(address member, address token, address to, uint256 amount) internal virtual;
}
