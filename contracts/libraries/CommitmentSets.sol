// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ICommitmentLedger} from "../interfaces/ICommitmentLedger.sol";

/// @title CommitmentSets
/// @notice The digests of a commitment set, as the ledger stores them and the quorum attests them: `rootsDigest =
/// keccak256(abi.encode(AssetCommitment[]))`, `blobDigest = keccak256(abi.encodePacked(blobDigest_i...))` and the set
/// hash `keccak256(abi.encode(rootsDigest, blobDigest))`, whose top 184 bits the ledger keeps.
library CommitmentSets {
    /// @dev `keccak256("por.private.entry.v1")`: the domain of a private asset's entry digest.
    bytes32 internal constant PRIVATE_ENTRY_DOMAIN = keccak256("por.private.entry.v1");

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

    /// @notice `digests` of a set held in memory (the entries the ledger derives from a private set).
    function digestsOf(
        ICommitmentLedger.AssetCommitment[] memory set
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

    /// @notice The entry digest of a private asset: what its `AssetCommitment.blobDigest` holds in the set
    /// (`keccak256(abi.encode(PRIVATE_ENTRY_DOMAIN, commitments, blobDigest))`).
    function privateEntryDigest(uint256[6] calldata commitments, bytes32 blobDigest) internal pure returns (bytes32) {
        return keccak256(abi.encode(PRIVATE_ENTRY_DOMAIN, commitments, blobDigest));
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
