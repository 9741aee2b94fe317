// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAdjudicator} from "../interfaces/IAdjudicator.sol";
import {ILeafMismatchVerifier} from "../interfaces/ILeafMismatchVerifier.sol";

/// @title LeafMismatchProof
/// @notice Encodes a fraud proof's semantic public inputs into the `LeafMismatch` circuit's five public signals and
/// verifies it: `[rootHash, keyHash, context, nullifier, payoutHash]` with
/// `context = asset + t * 2^32 + claim * 2^96` (asset < 2^32, t < 2^64, claim < 2^96 hold by type, so the packing is
/// injective and below the field modulus).
library LeafMismatchProof {
    /// @notice Packs asset id, snapshot time and claim into the circuit's `context` signal.
    /// @param asset The 32-bit asset id.
    /// @param t The 64-bit snapshot time.
    /// @param claim The 96-bit claim.
    /// @return The packed context, below 2^192.
    function packContext(uint32 asset, uint64 t, uint96 claim) internal pure returns (uint256) {
        return uint256(asset) | (uint256(t) << 32) | (uint256(claim) << 96);
    }

    /// @notice The five public signals, in the verifier's order.
    /// @param proof The fraud proof.
    /// @return signals `[rootHash, keyHash, context, nullifier, payoutHash]`.
    function publicSignals(IAdjudicator.FraudProof calldata proof) internal pure returns (uint256[5] memory signals) {
        signals[0] = proof.rootHash;
        signals[1] = proof.keyHash;
        signals[2] = packContext(proof.asset, proof.t, proof.claim);
        signals[3] = proof.nullifier;
        signals[4] = proof.payoutHash;
    }

    /// @notice Verifies the proof for its public inputs through `verifier`.
    /// @param verifier The Groth16 verifier of the circuit.
    /// @param proof The fraud proof.
    /// @return True when the proof verifies.
    function verify(
        ILeafMismatchVerifier verifier,
        IAdjudicator.FraudProof calldata proof
    ) internal view returns (bool) {
        return verifier.verifyProof(proof.a, proof.b, proof.c, publicSignals(proof));
    }
}
