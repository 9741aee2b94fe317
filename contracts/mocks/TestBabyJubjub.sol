// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BabyJubjub} from "../libraries/BabyJubjub.sol";
import {ZeroDifferenceProof} from "../libraries/ZeroDifferenceProof.sol";

/// @title TestBabyJubjub
/// @notice Test harness: exposes `BabyJubjub` and `ZeroDifferenceProof` (internal libraries) externally, with the gas
/// of one verification for bench/private.bench.ts.
contract TestBabyJubjub {
    /// @notice Emitted by `verifyTx` with the verdict.
    event Verified(bool ok);

    /// @notice `BabyJubjub.onCurve(x, y)`.
    function onCurve(uint256 x, uint256 y) external pure returns (bool) {
        return BabyJubjub.onCurve(x, y);
    }

    /// @notice `BabyJubjub.inSubgroup(x, y, ex, ey)`.
    function inSubgroup(uint256 x, uint256 y, uint256 ex, uint256 ey) external pure returns (bool) {
        return BabyJubjub.inSubgroup(x, y, ex, ey);
    }

    /// @notice `p + q` of affine points, through the extended formulas.
    function add(uint256 px, uint256 py, uint256 qx, uint256 qy) external view returns (uint256, uint256) {
        return BabyJubjub.toAffine(BabyJubjub.add(BabyJubjub.fromAffine(px, py), BabyJubjub.fromAffine(qx, qy)));
    }

    /// @notice `2 * p` of an affine point.
    function double(uint256 px, uint256 py) external view returns (uint256, uint256) {
        return BabyJubjub.toAffine(BabyJubjub.double(BabyJubjub.fromAffine(px, py)));
    }

    /// @notice `a * p + b * q` of affine points (`BabyJubjub.jointMul`) and its gas (inversion included).
    function jointMul(
        uint256 a,
        uint256 px,
        uint256 py,
        uint256 b,
        uint256 qx,
        uint256 qy
    ) external view returns (uint256 x, uint256 y, uint256 gasUsed) {
        BabyJubjub.Ext memory p = BabyJubjub.fromAffine(px, py);
        BabyJubjub.Ext memory q = BabyJubjub.fromAffine(qx, qy);
        uint256 before = gasleft();
        (x, y) = BabyJubjub.jointMul(a, p, b, q);
        gasUsed = before - gasleft();
    }

    /// @notice `a*f1 + b*f2 + c*q` (`BabyJubjub.windowedSum` over `jointTable(f1, f2)`), with
    /// `points = [f1.x, f1.y, f2.x, f2.y, q.x, q.y]`.
    function windowedSum(
        uint256 a,
        uint256 b,
        uint256 c,
        uint256[6] calldata points,
        uint256 bits
    ) external view returns (uint256 x, uint256 y) {
        uint256 joint = BabyJubjub.jointTable(
            BabyJubjub.fromAffine(points[0], points[1]),
            BabyJubjub.fromAffine(points[2], points[3])
        );
        BabyJubjub.Ext memory q = BabyJubjub.fromAffine(points[4], points[5]);
        return BabyJubjub.toAffine(BabyJubjub.windowedSum(joint, a, b, q, c, bits));
    }

    /// @notice The words of `ZeroDifferenceProof.hTable()`: 16 entries of (X, Y, Z, T, d*T), entry 0 unused.
    function hTable() external pure returns (uint256[80] memory words) {
        uint256 table = ZeroDifferenceProof.hTable();
        for (uint256 i = 0; i < 16; ++i) {
            for (uint256 k = 0; k < 5; ++k) {
                uint256 w;
                assembly ("memory-safe") {
                    w := mload(add(table, add(shl(8, i), shl(5, k))))
                }
                words[5 * i + k] = w;
            }
        }
    }

    /// @notice The gas of the zero-difference check's multiplication `z_lo*H + z_hi*(2^128*H) + c*q` (the precomputed
    /// H table, q's table, 128 doublings; the inversion not).
    function schnorrMulGas(uint256 z, uint256 c, uint256 qx, uint256 qy) external view returns (uint256 gasUsed) {
        BabyJubjub.Ext memory q = BabyJubjub.fromAffine(qx, qy);
        uint256 before = gasleft();
        BabyJubjub.windowedSum(ZeroDifferenceProof.hTable(), z & type(uint128).max, z >> 128, q, c, 128);
        gasUsed = before - gasleft();
    }

    /// @notice `ZeroDifferenceProof.contextOf` as seen from this contract.
    function contextOf(address member, uint32 asset, uint64 t, bytes32 subject) external view returns (uint256) {
        return ZeroDifferenceProof.contextOf(member, asset, t, subject);
    }

    /// @notice `ZeroDifferenceProof.verify` for the context of (member, asset, t, subject) at this contract.
    function verify(
        address member,
        uint32 asset,
        uint64 t,
        bytes32 subject,
        ZeroDifferenceProof.Proof calldata proof
    ) external view returns (bool) {
        return ZeroDifferenceProof.verify(ZeroDifferenceProof.contextOf(member, asset, t, subject), proof);
    }

    /// @notice The verdict of `ZeroDifferenceProof.verify(context, proof)` and the gas it took.
    function verifyGas(
        uint256 context,
        ZeroDifferenceProof.Proof calldata proof
    ) external view returns (bool ok, uint256 gasUsed) {
        uint256 before = gasleft();
        ok = ZeroDifferenceProof.verify(context, proof);
        gasUsed = before - gasleft();
    }

    /// @notice `verify` in a transaction (its receipt's gas is what a caller pays), emitting the verdict.
    function verifyTx(
        address member,
        uint32 asset,
        uint64 t,
        bytes32 subject,
        ZeroDifferenceProof.Proof calldata proof
    ) external {
        emit Verified(ZeroDifferenceProof.verify(ZeroDifferenceProof.contextOf(member, asset, t, subject), proof));
    }
}
