// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ICommitmentLedger} from "../interfaces/ICommitmentLedger.sol";

/// @notice A commitment set in the ledger's storage, one word: status (bits 0-7), declaredInsolvent (bit 8), private
/// (bit 9, `asPrivate`), assetCount (bits 16-31), committedAt (bits 32-71) and the top 184 bits of the set hash
/// `keccak256(abi.encode(rootsDigest, blobDigest))` (bits 72-255). A stored set is never the zero word (its status is
/// at least Pending); the zero word is a set never committed.
type PackedSet is uint256;

using PackedSetLibrary for PackedSet global;

/// @title PackedSetLibrary
/// @notice Named getters and copy-with setters of `PackedSet` (Uniswap v4's `Slot0` pattern).
library PackedSetLibrary {
    uint256 private constant _DECLARED_INSOLVENT_OFFSET = 8;
    uint256 private constant _PRIVATE_OFFSET = 9;
    uint256 private constant _ASSET_COUNT_OFFSET = 16;
    uint256 private constant _COMMITTED_AT_OFFSET = 32;
    /// @dev The low bits that hold the metadata; the digest keeps the bits above.
    uint256 private constant _META_MASK = (1 << 72) - 1;
    uint256 private constant _STATUS_MASK = 0xff;

    /// @notice A set committed at `committedAt_` with `assetCount_` assets, whose set hash is `setHash` (a trailing
    /// underscore: the plain names are the getters).
    function pack(
        bytes32 setHash,
        uint40 committedAt_,
        uint16 assetCount_,
        bool declaredInsolvent_,
        ICommitmentLedger.SetStatus status_
    ) internal pure returns (PackedSet) {
        return
            PackedSet.wrap(
                (uint256(setHash) & ~_META_MASK) |
                    (uint256(committedAt_) << _COMMITTED_AT_OFFSET) |
                    (uint256(assetCount_) << _ASSET_COUNT_OFFSET) |
                    (declaredInsolvent_ ? 1 << _DECLARED_INSOLVENT_OFFSET : 0) |
                    uint256(uint8(status_))
            );
    }

    /// @notice Whether no set was committed (the zero word).
    function isEmpty(PackedSet set) internal pure returns (bool) {
        return PackedSet.unwrap(set) == 0;
    }

    /// @notice The set's lifecycle state (None for the zero word).
    function status(PackedSet set) internal pure returns (ICommitmentLedger.SetStatus) {
        return ICommitmentLedger.SetStatus(uint8(PackedSet.unwrap(set)));
    }

    /// @notice Whether the member committed some asset with reserves below its root sum.
    function declaredInsolvent(PackedSet set) internal pure returns (bool) {
        return (PackedSet.unwrap(set) >> _DECLARED_INSOLVENT_OFFSET) & 1 == 1;
    }

    /// @notice Whether the set is private (totals hidden in commitments, docs/protocol.md section 17).
    function isPrivate(PackedSet set) internal pure returns (bool) {
        return (PackedSet.unwrap(set) >> _PRIVATE_OFFSET) & 1 == 1;
    }

    /// @notice `set` marked private.
    function asPrivate(PackedSet set) internal pure returns (PackedSet) {
        return PackedSet.wrap(PackedSet.unwrap(set) | (1 << _PRIVATE_OFFSET));
    }

    /// @notice How many assets the set holds.
    function assetCount(PackedSet set) internal pure returns (uint16) {
        return uint16(PackedSet.unwrap(set) >> _ASSET_COUNT_OFFSET);
    }

    /// @notice The block time of the commitment.
    function committedAt(PackedSet set) internal pure returns (uint40) {
        return uint40(PackedSet.unwrap(set) >> _COMMITTED_AT_OFFSET);
    }

    /// @notice The set hash with its low 72 bits cleared.
    function digest(PackedSet set) internal pure returns (bytes32) {
        return bytes32(PackedSet.unwrap(set) & ~_META_MASK);
    }

    /// @notice Whether `setHash` has the stored digest's top 184 bits.
    function matches(PackedSet set, bytes32 setHash) internal pure returns (bool) {
        return (uint256(setHash) ^ PackedSet.unwrap(set)) & ~_META_MASK == 0;
    }

    /// @notice `set` with its status set to `value`.
    function withStatus(PackedSet set, ICommitmentLedger.SetStatus value) internal pure returns (PackedSet) {
        return PackedSet.wrap((PackedSet.unwrap(set) & ~_STATUS_MASK) | uint256(uint8(value)));
    }
}
