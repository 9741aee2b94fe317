// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Constants
/// @notice The constants more than one contract needs, stated once. A library rather than file-level constants: a
/// source file without a contract compiles to a build without contracts, which EDR's `hardhat node` cannot load.
library Constants {
    /// @dev The BN254 scalar field modulus `p`: root hashes, key hashes and key coordinates are field elements (below
    /// it), as are the public signals of every circuit's Groth16 verifier.
    uint256 internal constant FIELD_MODULUS =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;

    /// @dev 100% in basis points: every `...Bps` parameter is at most this.
    uint256 internal constant BPS = 10_000;
}
