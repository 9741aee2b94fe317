// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ICommitmentLedger} from "../../contracts/interfaces/ICommitmentLedger.sol";
import {TestCommitmentSets} from "../../contracts/mocks/TestCommitmentSets.sol";

/// @notice `CommitmentSets` against its definition in plain Solidity (no assembly): `rootsDigest =
/// keccak256(abi.encode(set))`, `blobDigest = keccak256(abi.encodePacked(blobDigest_i...))`, `setHash =
/// keccak256(abi.encode(rootsDigest, blobDigest))`, for fuzzed sets of 0 to 8 assets.
contract CommitmentSetsTest {
    TestCommitmentSets internal harness;

    function setUp() public {
        harness = new TestCommitmentSets();
    }

    /// @dev A set of `seed % 9` commitments whose every field follows from the seed and the index.
    function _set(uint256 seed) internal pure returns (ICommitmentLedger.AssetCommitment[] memory set) {
        set = new ICommitmentLedger.AssetCommitment[](seed % 9);
        for (uint256 i = 0; i < set.length; ++i) {
            bytes32 h = keccak256(abi.encode(seed, i));
            set[i] = ICommitmentLedger.AssetCommitment({
                asset: uint32(i + 1),
                rootHash: uint256(h) >> 4,
                rootSum: uint128(uint256(h)),
                reserves: uint128(uint256(h) >> 128),
                blobDigest: keccak256(abi.encode(h))
            });
        }
    }

    function _blobDigest(ICommitmentLedger.AssetCommitment[] memory set) internal pure returns (bytes32) {
        bytes memory packed;
        for (uint256 i = 0; i < set.length; ++i) packed = abi.encodePacked(packed, set[i].blobDigest);
        return keccak256(packed);
    }

    function testFuzz_digestsMatchTheDefinition(uint256 seed) public view {
        ICommitmentLedger.AssetCommitment[] memory set = _set(seed);
        (bytes32 rootsDigest, bytes32 blobDigest) = harness.digests(set);
        require(rootsDigest == keccak256(abi.encode(set)), "rootsDigest");
        require(blobDigest == _blobDigest(set), "blobDigest");
    }

    function testFuzz_setHashIsTheHashOfBothDigests(bytes32 rootsDigest, bytes32 blobDigest) public view {
        require(harness.setHash(rootsDigest, blobDigest) == keccak256(abi.encode(rootsDigest, blobDigest)), "setHash");
    }

    function testFuzz_hashOfIsTheSetHashOfTheDigests(uint256 seed) public view {
        ICommitmentLedger.AssetCommitment[] memory set = _set(seed);
        bytes32 expected = keccak256(abi.encode(keccak256(abi.encode(set)), _blobDigest(set)));
        require(harness.hashOf(set) == expected, "hashOf");
    }

    function test_emptySetHashesTheEmptyArrayAndNoBlobs() public view {
        ICommitmentLedger.AssetCommitment[] memory set = new ICommitmentLedger.AssetCommitment[](0);
        (bytes32 rootsDigest, bytes32 blobDigest) = harness.digests(set);
        require(rootsDigest == keccak256(abi.encode(set)), "rootsDigest");
        require(blobDigest == keccak256(""), "blobDigest");
    }

    function testFuzz_everyBlobDigestCounts(uint256 seed, uint8 at) public view {
        ICommitmentLedger.AssetCommitment[] memory set = _set(seed);
        if (set.length == 0) return;
        uint256 i = at % set.length;
        (, bytes32 before) = harness.digests(set);
        set[i].blobDigest = ~set[i].blobDigest;
        (, bytes32 changed) = harness.digests(set);
        require(before != changed, "a changed blob digest left blobDigest unchanged");
    }
}
