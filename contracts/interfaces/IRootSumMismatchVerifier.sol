// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IRootSumMismatchVerifier
/// @notice The Groth16 verifier of the `RootSumMismatch` circuit, as snarkjs generates it
/// (`contracts/verifiers/RootSumMismatchVerifier.sol`, contract `RootSumMismatchVerifier`).
/// @dev Public signals, in this order: `[rootHash, rootSum]`. The circuit proves `rootHash = Poseidon(hL, sL, hR, sR)`
/// and NOT (sL < 2^128 and sR < 2^128 and sL + sR == rootSum) for private top children.
interface IRootSumMismatchVerifier {
    /// @notice Checks a Groth16 proof against the circuit's verifying key.
    /// @param _pA The proof's A point (G1).
    /// @param _pB The proof's B point (G2), coordinates in the order snarkjs's Solidity calldata uses.
    /// @param _pC The proof's C point (G1).
    /// @param _pubSignals `[rootHash, rootSum]`.
    /// @return True when the proof is valid for these public signals.
    function verifyProof(
        uint256[2] calldata _pA,
        uint256[2][2] calldata _pB,
        uint256[2] calldata _pC,
        uint256[2] calldata _pubSignals
    ) external view returns (bool);
}
