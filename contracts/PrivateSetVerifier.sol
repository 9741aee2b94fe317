// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ICommitmentLedger} from "./interfaces/ICommitmentLedger.sol";
import {IPrivateAssetVerifier, IPrivateSetVerifier} from "./interfaces/IPrivateSetVerifier.sol";
import {ZeroDifferenceProof} from "./libraries/ZeroDifferenceProof.sol";

/// @title PrivateSetVerifier
/// @notice The proofs of one private asset (docs/protocol.md section 17.6): the `PrivateAsset` SNARK (C_L opens to
/// the sum inside rootHash, C_S opens to a value below 2^128) and the zero-difference proof (C_A = C_L + C_S up to
/// r*H), both under the context the ledger computed. Stateless; the ledger holds its address (set once).
contract PrivateSetVerifier is IPrivateSetVerifier {
    /// @notice The generated `PrivateAsset` Groth16 verifier.
    IPrivateAssetVerifier public immutable SNARK_VERIFIER;

    /// @notice The verifier address is zero.
    error PrivateSetVerifierZeroAddress();

    /// @param snarkVerifier The deployed `PrivateAssetVerifier`.
    constructor(IPrivateAssetVerifier snarkVerifier) {
        if (address(snarkVerifier) == address(0)) revert PrivateSetVerifierZeroAddress();
        SNARK_VERIFIER = snarkVerifier;
    }

    /// @inheritdoc IPrivateSetVerifier
    function verify(
        uint256 context,
        ICommitmentLedger.PrivateAssetCommitment calldata commitment
    ) external view returns (uint8 failure) {
        uint256[8] calldata p = commitment.snark;
        uint256[6] calldata cs = commitment.commitments;
        bool ok = SNARK_VERIFIER.verifyProof(
            [p[0], p[1]],
            [[p[2], p[3]], [p[4], p[5]]],
            [p[6], p[7]],
            [commitment.rootHash, cs[2], cs[3], cs[4], cs[5], context]
        );
        if (!ok) return 1;
        // The struct is static and its fields from `commitments` on are `ZeroDifferenceProof.Proof`'s, in order: the
        // proof is read in place (asset, rootHash, blobDigest and snark[8] are the 11 words before it).
        ZeroDifferenceProof.Proof calldata zd;
        assembly ("memory-safe") {
            zd := add(commitment, 352)
        }
        if (!ZeroDifferenceProof.verify(context, zd)) return 2;
        return 0;
    }
}
