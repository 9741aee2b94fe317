// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAdjudicator} from "../../contracts/interfaces/IAdjudicator.sol";
import {Constants} from "../../contracts/libraries/Constants.sol";
import {MockLeafMismatchVerifier} from "../../contracts/mocks/MockLeafMismatchVerifier.sol";
import {TestLeafMismatchProof} from "../../contracts/mocks/TestLeafMismatchProof.sol";

/// @notice `LeafMismatchProof`: the context packing `asset + t * 2^32 + claim * 2^96` unpacks to its three fields and
/// stays below the field modulus; the five public signals come in the verifier's order; `verify` hands the verifier
/// exactly those signals (the stand-in verifier accepts only the proof bound to them).
contract LeafMismatchProofTest {
    TestLeafMismatchProof internal harness;
    MockLeafMismatchVerifier internal verifier;

    function setUp() public {
        harness = new TestLeafMismatchProof();
        verifier = new MockLeafMismatchVerifier();
    }

    function _proof(uint32 asset, uint64 t, uint96 claim) internal pure returns (IAdjudicator.FraudProof memory p) {
        p.rootHash = 11;
        p.keyHash = 22;
        p.member = address(0xBEEF);
        p.asset = asset;
        p.t = t;
        p.claim = claim;
        p.nullifier = 33;
        p.payoutHash = 44;
    }

    function testFuzz_contextUnpacksToItsFields(uint32 asset, uint64 t, uint96 claim) public view {
        uint256 context = harness.packContext(asset, t, claim);
        require(context == uint256(asset) + uint256(t) * 2 ** 32 + uint256(claim) * 2 ** 96, "definition");
        require(uint32(context) == asset, "asset");
        require(uint64(context >> 32) == t, "t");
        require(context >> 96 == claim, "claim");
        require(context < 2 ** 192 && context < Constants.FIELD_MODULUS, "range");
    }

    function test_contextAtTheFieldsMaxima() public view {
        uint256 context = harness.packContext(type(uint32).max, type(uint64).max, type(uint96).max);
        require(context == 2 ** 192 - 1, "all ones below 2^192");
    }

    function testFuzz_publicSignalsInTheVerifiersOrder(uint32 asset, uint64 t, uint96 claim) public view {
        IAdjudicator.FraudProof memory p = _proof(asset, t, claim);
        uint256[5] memory s = harness.publicSignals(p);
        require(s[0] == p.rootHash && s[1] == p.keyHash, "rootHash, keyHash");
        require(s[2] == harness.packContext(asset, t, claim), "context");
        require(s[3] == p.nullifier && s[4] == p.payoutHash, "nullifier, payoutHash");
    }

    function testFuzz_verifyBindsEverySignal(uint32 asset, uint64 t, uint96 claim, uint8 which) public view {
        IAdjudicator.FraudProof memory p = _proof(asset, t, claim);
        p.a[0] = verifier.expectedA0(harness.publicSignals(p));
        require(harness.verify(verifier, p), "the bound proof verifies");
        // Any one semantic input changed: the verifier sees other signals and refuses.
        uint256 field = which % 7;
        if (field == 0) p.rootHash ^= 1;
        else if (field == 1) p.keyHash ^= 1;
        else if (field == 2) p.asset ^= 1;
        else if (field == 3) p.t ^= 1;
        else if (field == 4) p.claim ^= 1;
        else if (field == 5) p.nullifier ^= 1;
        else p.payoutHash ^= 1;
        require(!harness.verify(verifier, p), "a changed input still verifies");
    }

    function test_memberIsNotASignal() public view {
        IAdjudicator.FraudProof memory p = _proof(1, 2, 3);
        uint256[5] memory before = harness.publicSignals(p);
        p.member = address(0xCAFE);
        uint256[5] memory changed = harness.publicSignals(p);
        for (uint256 i = 0; i < 5; ++i) require(before[i] == changed[i], "member moved a signal");
    }
}
