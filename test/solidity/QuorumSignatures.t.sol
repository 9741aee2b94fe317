// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ICommitmentLedger} from "../../contracts/interfaces/ICommitmentLedger.sol";
import {TestQuorumSignatures} from "../../contracts/mocks/TestQuorumSignatures.sol";
import {Vm, VM_ADDRESS} from "../../contracts/test/Vm.sol";

/// @notice One test per rule of `QuorumSignatures.recover`, each built so that it fails if its rule were removed: the
/// refused input is otherwise valid (real signatures of distinct keys), so without the rule it would be accepted or
/// refused for another reason.
contract QuorumSignaturesTest {
    Vm internal constant VM = Vm(VM_ADDRESS);
    /// @dev The secp256k1 group order.
    uint256 internal constant ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;
    bytes32 internal constant DIGEST = keccak256("por.quorum-signatures.test");

    TestQuorumSignatures internal harness;

    function setUp() public {
        harness = new TestQuorumSignatures();
    }

    // ------------------------------------------------------------------ accepted

    function test_recoversAscendingSigners() public view {
        (uint256[] memory keys, address[] memory signers) = _sortedKeys(1, 4);
        address[] memory recovered = harness.recover(DIGEST, address(0xdead), _pack(keys));
        _assertEq(recovered, signers);
    }

    function testFuzz_recoversAnyAscendingSet(uint256 seed, uint8 n) public view {
        (uint256[] memory keys, address[] memory signers) = _sortedKeys(seed, 1 + (n % 8));
        address[] memory recovered = harness.recover(DIGEST, address(0), _pack(keys));
        _assertEq(recovered, signers);
    }

    // ------------------------------------------------------------------ CommitmentLedgerMalformedSignatures

    function test_refusesAnEmptyBlob() public {
        VM.expectRevert(abi.encodeWithSelector(ICommitmentLedger.CommitmentLedgerMalformedSignatures.selector, 0));
        harness.recover(DIGEST, address(0), "");
    }

    /// @dev Two valid signatures and 1..64 bytes more: without the length rule the extra bytes would be ignored.
    function testFuzz_refusesALengthNotAMultipleOf65(uint8 extra) public {
        uint256 tail = 1 + (uint256(extra) % 64);
        (uint256[] memory keys, ) = _sortedKeys(7, 2);
        bytes memory blob = bytes.concat(_pack(keys), new bytes(tail));
        VM.expectRevert(
            abi.encodeWithSelector(ICommitmentLedger.CommitmentLedgerMalformedSignatures.selector, blob.length)
        );
        harness.recover(DIGEST, address(0), blob);
    }

    // ------------------------------------------------------------------ CommitmentLedgerInvalidSignature

    /// @dev The high-s twin `(r, n - s, v ^ 1)` of a valid signature recovers the same signer through ecrecover; only
    /// the EIP-2 rule refuses it.
    function test_refusesTheHighSTwinOfAValidSignature() public {
        (uint256[] memory keys, address[] memory signers) = _sortedKeys(3, 3);
        (uint8 v, bytes32 r, bytes32 s) = VM.sign(keys[1], DIGEST);
        uint8 twinV = v == 27 ? 28 : 27;
        bytes32 twinS = bytes32(ORDER - uint256(s));
        require(ecrecover(DIGEST, twinV, r, twinS) == signers[1], "the twin recovers the signer");
        bytes memory blob = bytes.concat(_sign(keys[0]), abi.encodePacked(r, twinS, twinV), _sign(keys[2]));
        VM.expectRevert(abi.encodeWithSelector(ICommitmentLedger.CommitmentLedgerInvalidSignature.selector, 1));
        harness.recover(DIGEST, address(0), blob);
    }

    function testFuzz_refusesAVOtherThan27Or28(uint8 v) public {
        VM.assume(v != 27 && v != 28);
        (uint256[] memory keys, ) = _sortedKeys(5, 2);
        (, bytes32 r, bytes32 s) = VM.sign(keys[1], DIGEST);
        bytes memory blob = bytes.concat(_sign(keys[0]), abi.encodePacked(r, s, v));
        VM.expectRevert(abi.encodeWithSelector(ICommitmentLedger.CommitmentLedgerInvalidSignature.selector, 1));
        harness.recover(DIGEST, address(0), blob);
    }

    function test_refusesASignatureThatRecoversNoAddress() public {
        (uint256[] memory keys, ) = _sortedKeys(11, 2);
        (uint8 v, , bytes32 s) = VM.sign(keys[0], DIGEST);
        // r = 0 is no curve point: the precompile returns nothing.
        bytes memory blob = bytes.concat(abi.encodePacked(bytes32(0), s, v), _sign(keys[1]));
        VM.expectRevert(abi.encodeWithSelector(ICommitmentLedger.CommitmentLedgerInvalidSignature.selector, 0));
        harness.recover(DIGEST, address(0), blob);
    }

    // ------------------------------------------------------------------ CommitmentLedgerSignersNotSorted

    function test_refusesDescendingSigners() public {
        (uint256[] memory keys, address[] memory signers) = _sortedKeys(13, 3);
        bytes memory blob = bytes.concat(_sign(keys[0]), _sign(keys[2]), _sign(keys[1]));
        VM.expectRevert(
            abi.encodeWithSelector(
                ICommitmentLedger.CommitmentLedgerSignersNotSorted.selector,
                2,
                signers[1],
                signers[2]
            )
        );
        harness.recover(DIGEST, address(0), blob);
    }

    function test_refusesADuplicateSigner() public {
        (uint256[] memory keys, address[] memory signers) = _sortedKeys(17, 2);
        bytes memory blob = bytes.concat(_sign(keys[0]), _sign(keys[1]), _sign(keys[1]));
        VM.expectRevert(
            abi.encodeWithSelector(
                ICommitmentLedger.CommitmentLedgerSignersNotSorted.selector,
                2,
                signers[1],
                signers[1]
            )
        );
        harness.recover(DIGEST, address(0), blob);
    }

    function testFuzz_refusesAnySwappedPair(uint256 seed, uint8 n, uint8 at) public {
        uint256 count = 2 + (n % 7);
        uint256 i = at % (count - 1);
        (uint256[] memory keys, address[] memory signers) = _sortedKeys(seed, count);
        (keys[i], keys[i + 1]) = (keys[i + 1], keys[i]);
        VM.expectRevert(
            abi.encodeWithSelector(
                ICommitmentLedger.CommitmentLedgerSignersNotSorted.selector,
                i + 1,
                signers[i],
                signers[i + 1]
            )
        );
        harness.recover(DIGEST, address(0), _pack(keys));
    }

    // ------------------------------------------------------------------ CommitmentLedgerSelfAttestation

    function test_refusesTheExcludedAddressAmongTheSigners() public {
        (uint256[] memory keys, address[] memory signers) = _sortedKeys(19, 3);
        VM.expectRevert(abi.encodeWithSelector(ICommitmentLedger.CommitmentLedgerSelfAttestation.selector, signers[1]));
        harness.recover(DIGEST, signers[1], _pack(keys));
    }

    function test_refusesTheExcludedAddressAsTheOnlySigner() public {
        (uint256[] memory keys, address[] memory signers) = _sortedKeys(23, 1);
        VM.expectRevert(abi.encodeWithSelector(ICommitmentLedger.CommitmentLedgerSelfAttestation.selector, signers[0]));
        harness.recover(DIGEST, signers[0], _pack(keys));
    }

    // ------------------------------------------------------------------ helpers

    /// @dev `count` distinct private keys derived from `seed`, sorted by their addresses, and those addresses.
    function _sortedKeys(
        uint256 seed,
        uint256 count
    ) internal pure returns (uint256[] memory keys, address[] memory signers) {
        keys = new uint256[](count);
        signers = new address[](count);
        for (uint256 i = 0; i < count; ++i) {
            // Below the group order and non-zero; distinct for distinct i (keccak collisions aside).
            uint256 key = 1 + (uint256(keccak256(abi.encode(seed, i))) % (ORDER - 1));
            address signer = VM.addr(key);
            uint256 j = i;
            while (j > 0 && signers[j - 1] > signer) {
                keys[j] = keys[j - 1];
                signers[j] = signers[j - 1];
                --j;
            }
            keys[j] = key;
            signers[j] = signer;
        }
    }

    function _sign(uint256 key) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = VM.sign(key, DIGEST);
        return abi.encodePacked(r, s, v);
    }

    function _pack(uint256[] memory keys) internal pure returns (bytes memory blob) {
        for (uint256 i = 0; i < keys.length; ++i) blob = bytes.concat(blob, _sign(keys[i]));
    }

    function _assertEq(address[] memory actual, address[] memory expected) internal pure {
        require(actual.length == expected.length, "length");
        for (uint256 i = 0; i < actual.length; ++i) require(actual[i] == expected[i], "signer");
    }
}
