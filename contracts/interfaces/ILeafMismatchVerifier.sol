// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ILeafMismatchVerifier
/// @notice The Groth16 verifier of the `LeafMismatch` fraud-proof circuit, as snarkjs generates it
/// (`contracts/verifiers/LeafMismatch32Verifier.sol`, contract `LeafMismatch32Verifier`).
/// @dev Public signals, in this order: `[rootHash, keyHash, context, nullifier, payoutHash]` where
/// `context = asset + t * 2^32 + claim * 2^96` (see `LeafMismatchProof.packContext`). The generated verifier
/// rejects any public signal that is not below the BN254 scalar field modulus. The member is not a signal: the
/// registry names it through the key hash (a key hash belongs to one member).
interface ILeafMismatchVerifier {
    /// @notice Checks a Groth16 proof against the circuit's verifying key.
    /// @param _pA The proof's A point (G1).
    /// @param _pB The proof's B point (G2), coordinates in the order snarkjs's Solidity calldata uses.
    /// @param _pC The proof's C point (G1).
    /// @param _pubSignals The five public signals in the fixed order above.
    /// @return True when the proof is valid for these public signals.
    function verifyProof(
        uint256[2] calldata _pA,
        uint256[2][2] calldata _pB,
        uint256[2] calldata _pC,
        uint256[5] calldata _pubSignals
    ) external view returns (bool);
}
