// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ILeafMismatchVerifier} from "../interfaces/ILeafMismatchVerifier.sol";
import {Constants} from "../libraries/Constants.sol";

/// @title MockLeafMismatchVerifier
/// @notice Test stand-in for the generated Groth16 verifier, for unit tests of non-proof logic ONLY. It accepts a
/// proof iff `_pA[0]` equals `keccak256(abi.encode(_pubSignals))` reduced to 248 bits, so a test must still bind the
/// exact public signals (a changed signal fails), and rejects any signal not below the BN254 field modulus, like the
/// real verifier.
contract MockLeafMismatchVerifier is ILeafMismatchVerifier {
    /// @inheritdoc ILeafMismatchVerifier
    function verifyProof(
        uint256[2] calldata _pA,
        uint256[2][2] calldata,
        uint256[2] calldata,
        uint256[5] calldata _pubSignals
    ) external pure returns (bool) {
        for (uint256 i = 0; i < 5; ++i) {
            if (_pubSignals[i] >= Constants.FIELD_MODULUS) return false;
        }
        return _pA[0] == expectedA0(_pubSignals);
    }

    /// @notice The `_pA[0]` this stand-in accepts for the given public signals.
    /// @param pubSignals The five public signals.
    /// @return The accepted value.
    function expectedA0(uint256[5] calldata pubSignals) public pure returns (uint256) {
        return uint256(keccak256(abi.encode(pubSignals))) >> 8;
    }
}
