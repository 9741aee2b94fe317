// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAdjudicator} from "../interfaces/IAdjudicator.sol";
import {ILeafMismatchVerifier} from "../interfaces/ILeafMismatchVerifier.sol";
import {LeafMismatchProof} from "../libraries/LeafMismatchProof.sol";

/// @title TestLeafMismatchProof
/// @notice Test harness: exposes `LeafMismatchProof` (internal library functions over calldata) externally.
contract TestLeafMismatchProof {
    /// @notice `LeafMismatchProof.packContext(asset, t, claim)`.
    function packContext(uint32 asset, uint64 t, uint96 claim) external pure returns (uint256) {
        return LeafMismatchProof.packContext(asset, t, claim);
    }

    /// @notice `LeafMismatchProof.publicSignals(proof)`.
    function publicSignals(IAdjudicator.FraudProof calldata proof) external pure returns (uint256[5] memory) {
        return LeafMismatchProof.publicSignals(proof);
    }

    /// @notice `LeafMismatchProof.verify(verifier, proof)`.
    function verify(
        ILeafMismatchVerifier verifier,
        IAdjudicator.FraudProof calldata proof
    ) external view returns (bool) {
        return LeafMismatchProof.verify(verifier, proof);
    }
}
