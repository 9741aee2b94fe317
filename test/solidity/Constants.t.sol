// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Constants} from "../../contracts/libraries/Constants.sol";

/// @notice `Constants`: FIELD_MODULUS is the order of BN254's G1 (the scalar field every circuit and Groth16 verifier
/// works in), checked through the ecMul precompile rather than against a copy of the number; BPS is 100%.
contract ConstantsTest {
    /// @dev The BN254 base field prime q (G1's coordinates), not the scalar field.
    uint256 internal constant BASE_FIELD =
        21888242871839275222246405745257275088696311157297823662689037894645226208583;

    function _mulGenerator(uint256 scalar) internal view returns (uint256 x, uint256 y) {
        (bool ok, bytes memory out) = address(0x07).staticcall(abi.encode(uint256(1), uint256(2), scalar));
        require(ok, "ecMul");
        (x, y) = abi.decode(out, (uint256, uint256));
    }

    function test_fieldModulusIsTheOrderOfG1() public view {
        // r * G is the point at infinity, (r - 1) * G is -G = (1, q - 2): r is G's order, and G1's is prime.
        (uint256 x, uint256 y) = _mulGenerator(Constants.FIELD_MODULUS);
        require(x == 0 && y == 0, "r * G is not the point at infinity");
        (x, y) = _mulGenerator(Constants.FIELD_MODULUS - 1);
        require(x == 1 && y == BASE_FIELD - 2, "(r - 1) * G is not -G");
        require(Constants.FIELD_MODULUS < BASE_FIELD, "r < q");
    }

    function test_bpsIsOneHundredPercent() public pure {
        require(Constants.BPS == 10_000, "BPS");
    }
}
