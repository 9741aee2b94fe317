// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ICommitmentLedger} from "./ICommitmentLedger.sol";

/// @title IPrivateSetVerifier
/// @notice Verifies one private asset's proofs (docs/protocol.md section 17) under a context the caller computed:
/// the `PrivateAsset` Groth16 proof with public inputs `[rootHash, C_L.x, C_L.y, C_S.x, C_S.y, context]` and the
/// Schnorr zero-difference proof `C_A - C_L - C_S = r*H`. A separate contract because the ledger's runtime
/// bytecode has no room for the curve library.
interface IPrivateSetVerifier {
    /// @notice 0 when both proofs hold; 1 when the SNARK fails; 2 when the zero-difference proof fails.
    /// @param context The context (`ZeroDifferenceProof.contextOf` as the ledger computes it: below 2^248).
    /// @param commitment The asset's commitments and proofs.
    function verify(
        uint256 context,
        ICommitmentLedger.PrivateAssetCommitment calldata commitment
    ) external view returns (uint8 failure);
}

/// @notice The generated verifier of the `PrivateAsset` instance (contracts/verifiers/PrivateAssetVerifier.sol).
interface IPrivateAssetVerifier {
    /// @notice Whether the Groth16 proof holds for the public inputs.
    function verifyProof(
        uint256[2] calldata a,
        uint256[2][2] calldata b,
        uint256[2] calldata c,
        uint256[6] calldata pubSignals
    ) external view returns (bool);
}
