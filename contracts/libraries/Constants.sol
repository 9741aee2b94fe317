// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @dev The BN254 scalar field modulus `p`: root hashes, key hashes and key coordinates are field elements (below
/// it), as are the public signals of every circuit's Groth16 verifier.
uint256 constant FIELD_MODULUS = 21888242871839275222246405745257275088548364400416034343698204186575808495617;

/// @dev 100% in basis points: every `...Bps` parameter is at most this.
uint256 constant BPS = 10_000;
