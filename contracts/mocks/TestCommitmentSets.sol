// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ICommitmentLedger} from "../interfaces/ICommitmentLedger.sol";
import {CommitmentSets} from "../libraries/CommitmentSets.sol";

/// @title TestCommitmentSets
/// @notice Test harness: exposes `CommitmentSets` (internal library functions over calldata) externally.
contract TestCommitmentSets {
    /// @notice `CommitmentSets.digests(set)`.
    function digests(
        ICommitmentLedger.AssetCommitment[] calldata set
    ) external pure returns (bytes32 rootsDigest, bytes32 blobDigest) {
        return CommitmentSets.digests(set);
    }

    /// @notice `CommitmentSets.setHash(rootsDigest, blobDigest)`.
    function setHash(bytes32 rootsDigest, bytes32 blobDigest) external pure returns (bytes32) {
        return CommitmentSets.setHash(rootsDigest, blobDigest);
    }

    /// @notice `CommitmentSets.hashOf(set)`.
    function hashOf(ICommitmentLedger.AssetCommitment[] calldata set) external pure returns (bytes32) {
        return CommitmentSets.hashOf(set);
    }
}
