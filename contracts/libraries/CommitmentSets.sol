// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ICommitmentLedger} from "../interfaces/ICommitmentLedger.sol";

/// @title CommitmentSets
/// @notice The digests of a commitment set, as the ledger stores them and the quorum attests them: `rootsDigest =
/// keccak256(abi.encode(AssetCommitment[]))`, `blobDigest = keccak256(abi.encodePacked(blobDigest_i...))` and the set
/// hash `keccak256(abi.encode(rootsDigest, blobDigest))`, whose top 184 bits the ledger keeps.
library CommitmentSets {
    /// @notice The set's roots digest and blob digest.
    /// @param set The asset commitments, in the order committed (asset ids ascending).
    /// @return rootsDigest keccak256 of the ABI-encoded array.
    /// @return blobDigest keccak256 of the packed blob digests.
    function digests(
        ICommitmentLedger.AssetCommitment[] calldata set
    ) internal pure returns (bytes32 rootsDigest, bytes32 blobDigest) {
        rootsDigest = keccak256(abi.encode(set));
        uint256 count = set.length;
        bytes memory packed = new bytes(count * 32);
        for (uint256 i = 0; i < count; ++i) {
            bytes32 blob = set[i].blobDigest;
            assembly ("memory-safe") {
                mstore(add(add(packed, 32), shl(5, i)), blob)
            }
        }
        blobDigest = keccak256(packed);
    }

    /// @notice `keccak256(abi.encode(rootsDigest, blobDigest))`: what binds an attestation to a set.
    function setHash(bytes32 rootsDigest, bytes32 blobDigest) internal pure returns (bytes32 hash) {
        assembly ("memory-safe") {
            mstore(0x00, rootsDigest)
            mstore(0x20, blobDigest)
            hash := keccak256(0x00, 0x40)
        }
    }

    /// @notice The set hash of `set`.
    function hashOf(ICommitmentLedger.AssetCommitment[] calldata set) internal pure returns (bytes32) {
        (bytes32 rootsDigest, bytes32 blobDigest) = digests(set);
        return setHash(rootsDigest, blobDigest);
    }
}
