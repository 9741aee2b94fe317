// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice One restitution claim in one storage word: the digest of its terms,
/// `keccak256(abi.encode(asset, claim, round, payoutHash))` with its low three bits cleared, and in those bits the
/// flags booked (bit 0, always set once booked), paid (bit 1) and vetoed (bit 2). The zero word is a nullifier with
/// no claim against the member.
type PackedClaim is uint256;

using PackedClaimLibrary for PackedClaim global;

/// @title PackedClaimLibrary
/// @notice Named getters and copy-with setters of `PackedClaim` (Uniswap v4's `Slot0` pattern).
library PackedClaimLibrary {
    uint256 private constant _BOOKED = 1;
    uint256 private constant _PAID = 2;
    uint256 private constant _VETOED = 4;
    uint256 private constant _FLAGS = _BOOKED | _PAID | _VETOED;

    /// @notice The digest of a claim's terms as the word keeps it (low three bits cleared).
    function digestOf(uint32 asset, uint96 claim, uint32 round, uint256 payoutHash) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode(asset, claim, round, payoutHash))) & ~_FLAGS;
    }

    /// @notice A booked claim (neither paid nor vetoed) of terms whose digest is `termsDigest` (from `digestOf`).
    function booked(uint256 termsDigest) internal pure returns (PackedClaim) {
        return PackedClaim.wrap(termsDigest | _BOOKED);
    }

    /// @notice Whether no claim was booked under this word's nullifier.
    function isEmpty(PackedClaim claim) internal pure returns (bool) {
        return PackedClaim.unwrap(claim) == 0;
    }

    /// @notice The digest of the claim's terms.
    function digest(PackedClaim claim) internal pure returns (uint256) {
        return PackedClaim.unwrap(claim) & ~_FLAGS;
    }

    /// @notice Whether the claim was paid.
    function isPaid(PackedClaim claim) internal pure returns (bool) {
        return PackedClaim.unwrap(claim) & _PAID != 0;
    }

    /// @notice Whether the claim was vetoed.
    function isVetoed(PackedClaim claim) internal pure returns (bool) {
        return PackedClaim.unwrap(claim) & _VETOED != 0;
    }

    /// @notice `claim` marked paid.
    function withPaid(PackedClaim claim) internal pure returns (PackedClaim) {
        return PackedClaim.wrap(PackedClaim.unwrap(claim) | _PAID);
    }

    /// @notice `claim` marked vetoed.
    function withVetoed(PackedClaim claim) internal pure returns (PackedClaim) {
        return PackedClaim.wrap(PackedClaim.unwrap(claim) | _VETOED);
    }
}
