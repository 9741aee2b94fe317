// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IRootSumMismatchVerifier} from "../interfaces/IRootSumMismatchVerifier.sol";
import {Constants} from "../libraries/Constants.sol";

/// @title MockRootSumMismatchVerifier
/// @notice Test stand-in for the generated `RootSumMismatch` verifier, for unit tests of non-proof logic ONLY. It
/// accepts a proof iff `_pA[0]` equals `keccak256(abi.encode(_pubSignals))` reduced to 248 bits (so a test binds the
/// exact public signals), and rejects any signal not below the BN254 field modulus, like the real verifier.
contract MockRootSumMismatchVerifier is IRootSumMismatchVerifier {
    /// @inheritdoc IRootSumMismatchVerifier
    function verifyProof(
        uint256[2] calldata _pA,
        uint256[2][2] calldata,
        uint256[2] calldata,
        uint256[2] calldata _pubSignals
    ) external pure returns (bool) {
        if (_pubSignals[0] >= Constants.FIELD_MODULUS || _pubSignals[1] >= Constants.FIELD_MODULUS) return false;
        return _pA[0] == expectedA0(_pubSignals);
    }

    /// @notice The `_pA[0]` this stand-in accepts for the given public signals.
    /// @param pubSignals `[rootHash, rootSum]`.
    /// @return The accepted value.
    function expectedA0(uint256[2] calldata pubSignals) public pure returns (uint256) {
        return uint256(keccak256(abi.encode(pubSignals))) >> 8;
    }
}
