// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Constants} from "./Constants.sol";

/// @title BabyJubjub
/// @notice Baby Jubjub, the twisted Edwards curve `a*x^2 + y^2 = 1 + d*x^2*y^2` (a = 168700, d = 168696) over the
/// BN254 scalar field, in extended coordinates `(X, Y, Z, T)` with `x = X/Z`, `y = Y/Z`, `T = X*Y/Z`: the unified
/// addition add-2008-hwcd and the doubling dbl-2008-hwcd (complete on this curve: `a` is a square and `d` is not, so
/// no input is exceptional), one field inversion (the modexp precompile) only when a result goes back to affine.
/// The hot path, `jointMul`, is a joint (Shamir) double-scalar multiplication with 2-bit windows in assembly.
/// docs/protocol.md, "Private totals"; the TypeScript twin is src/crypto/babyjub.ts.
library BabyJubjub {
    /// @dev The field modulus p.
    uint256 internal constant P = Constants.FIELD_MODULUS;
    /// @dev The order l of the prime-order subgroup (the curve's order is 8 * l).
    uint256 internal constant SUBGROUP_ORDER =
        2736030358979909402780800718157159386076813972158567259200215660948447373041;
    /// @dev Curve parameter a.
    uint256 internal constant A = 168700;
    /// @dev Curve parameter d.
    uint256 internal constant D = 168696;

    /// @notice A scalar of `jointMul` is 2^252 or more.
    error BabyJubjubScalarTooLarge();
    /// @notice A Z coordinate without inverse (zero): the input was not a curve point.
    error BabyJubjubNoInverse();

    /// @notice A point in extended coordinates (every coordinate reduced mod p).
    struct Ext {
        uint256 x;
        uint256 y;
        uint256 z;
        uint256 t;
    }

    /// @notice True if `(x, y)` has canonical coordinates (below p) and satisfies the curve equation.
    function onCurve(uint256 x, uint256 y) internal pure returns (bool) {
        if (x >= P || y >= P) return false;
        uint256 x2 = mulmod(x, x, P);
        uint256 y2 = mulmod(y, y, P);
        uint256 lhs = addmod(mulmod(A, x2, P), y2, P);
        uint256 rhs = addmod(1, mulmod(mulmod(D, x2, P), y2, P), P);
        return lhs == rhs;
    }

    /// @notice The extended form of an affine point (not checked: see `onCurve`).
    function fromAffine(uint256 x, uint256 y) internal pure returns (Ext memory) {
        return Ext(x, y, 1, mulmod(x, y, P));
    }

    /// @notice The identity (0, 1).
    function identity() internal pure returns (Ext memory) {
        return Ext(0, 1, 1, 0);
    }

    /// @notice `-p = (-x, y)`.
    function neg(Ext memory p) internal pure returns (Ext memory) {
        return Ext((P - p.x) % P, p.y, p.z, (P - p.t) % P);
    }

    /// @notice `p + q` (add-2008-hwcd, unified: valid for `p == q` and the identity).
    function add(Ext memory p, Ext memory q) internal pure returns (Ext memory) {
        uint256 fp = _modulus();
        uint256 a = mulmod(p.x, q.x, fp);
        uint256 b = mulmod(p.y, q.y, fp);
        uint256 c = mulmod(mulmod(p.t, D, fp), q.t, fp);
        uint256 dd = mulmod(p.z, q.z, fp);
        uint256 e;
        unchecked {
            e = addmod(mulmod(addmod(p.x, p.y, fp), addmod(q.x, q.y, fp), fp), 2 * fp - a - b, fp);
        }
        uint256 f = addmod(dd, fp - c, fp);
        uint256 g = addmod(dd, c, fp);
        uint256 h = addmod(b, fp - mulmod(A, a, fp), fp);
        return Ext(mulmod(e, f, fp), mulmod(g, h, fp), mulmod(f, g, fp), mulmod(e, h, fp));
    }

    /// @notice `2 * p` (dbl-2008-hwcd).
    function double(Ext memory p) internal pure returns (Ext memory) {
        uint256 fp = _modulus();
        uint256 a = mulmod(p.x, p.x, fp);
        uint256 b = mulmod(p.y, p.y, fp);
        uint256 s = addmod(p.x, p.y, fp);
        uint256 e;
        unchecked {
            e = addmod(mulmod(s, s, fp), 2 * fp - a - b, fp);
        }
        a = mulmod(A, a, fp);
        uint256 g = addmod(a, b, fp);
        uint256 f = addmod(g, fp - mulmod(2, mulmod(p.z, p.z, fp), fp), fp);
        uint256 h = addmod(a, fp - b, fp);
        return Ext(mulmod(e, f, fp), mulmod(g, h, fp), mulmod(f, g, fp), mulmod(e, h, fp));
    }

    /// @notice True if `p` is the affine point `(x, y)`: `X == x*Z` and `Y == y*Z` (no inversion).
    function equalsAffine(Ext memory p, uint256 x, uint256 y) internal pure returns (bool) {
        return x < P && y < P && p.x == mulmod(x, p.z, P) && p.y == mulmod(y, p.z, P);
    }

    /// @notice True if `(x, y)` lies in the prime-order subgroup, shown by its cofactor witness `(ex, ey)`: a curve
    /// point with `8 * (ex, ey) == (x, y)`. `8 * E` is exactly the subgroup of order l (the curve's order is 8 * l
    /// with l prime), so three doublings replace a multiplication by l. The identity passes (it is `8 * identity`).
    function inSubgroup(uint256 x, uint256 y, uint256 ex, uint256 ey) internal pure returns (bool) {
        if (!onCurve(ex, ey)) return false;
        return equalsAffine(double(double(double(fromAffine(ex, ey)))), x, y);
    }

    /// @notice The affine form of `p` (one inversion by Fermat through the modexp precompile).
    function toAffine(Ext memory p) internal view returns (uint256 x, uint256 y) {
        uint256 zInv = _inverse(p.z);
        x = mulmod(p.x, zInv, P);
        y = mulmod(p.y, zInv, P);
    }

    /// @notice The table of 2-bit joint windows over `f1` and `f2`: entry `4*i + j` (i, j in 0..3) is `i*f1 + j*f2`,
    /// stored at byte offset `256 * (4*i + j)` from the returned memory pointer as `(X, Y, Z, T, d*T)`; entry 0 is
    /// unused. 2 doublings and 11 additions.
    function jointTable(Ext memory f1, Ext memory f2) internal pure returns (uint256 table) {
        table = _allocate(16);
        Ext[4] memory a = [identity(), f1, double(f1), f1];
        a[3] = add(a[2], f1);
        Ext[4] memory b = [identity(), f2, double(f2), f2];
        b[3] = add(b[2], f2);
        for (uint256 i = 1; i < 4; ++i) {
            _put(table, 4 * i, a[i]);
            _put(table, i, b[i]);
            for (uint256 j = 1; j < 4; ++j) _put(table, 4 * i + j, add(a[i], b[j]));
        }
    }

    /// @notice `a * p + b * q` in affine coordinates, for scalars below 2^252 (every scalar mod l is): Shamir's
    /// trick over 2-bit digits of both scalars (`jointTable(p, q)`): 252 doublings and at most 126 additions, then
    /// one inversion.
    function jointMul(uint256 a, Ext memory p, uint256 b, Ext memory q) internal view returns (uint256, uint256) {
        require(a >> 252 == 0 && b >> 252 == 0, BabyJubjubScalarTooLarge());
        return toAffine(windowedSum(jointTable(p, q), a, b, identity(), 0, 252));
    }

    /// @notice `a*f1 + b*f2 + c*q` for the table `joint = jointTable(f1, f2)` (or a precomputed one of fixed
    /// points; not read when `a` and `b` are zero), with `a`, `b`, `c` below `2^bits` (`bits` even, at most 256):
    /// one double-and-add over the 2-bit digits of the three scalars at once, `bits` doublings and at most `bits / 2`
    /// additions per table (q's table of q, 2q, 3q is built here: one doubling, one addition), in extended
    /// coordinates (the result is not normalized).
    function windowedSum(
        uint256 joint,
        uint256 a,
        uint256 b,
        Ext memory q,
        uint256 c,
        uint256 bits
    ) internal pure returns (Ext memory r) {
        require(bits % 2 == 0 && bits <= 256 && (a | b | c) >> bits == 0, BabyJubjubScalarTooLarge());
        assembly ("memory-safe") {
            // dbl-2008-hwcd; the parameters are reused as temporaries (the legacy code generator reaches only 16 stack
            // slots). At the end x1 = E, y1 = G, z1 = F, y3 = H.
            function dbl(fp, x1, y1, z1) -> x3, y3, z3, t3 {
                x3 := mulmod(x1, x1, fp) // A
                y3 := mulmod(y1, y1, fp) // B
                x1 := addmod(x1, y1, fp)
                x1 := addmod(mulmod(x1, x1, fp), sub(shl(1, fp), add(x3, y3)), fp) // E = (X + Y)^2 - A - B
                x3 := mulmod(168700, x3, fp) // a*A
                y1 := addmod(x3, y3, fp) // G = a*A + B
                z1 := addmod(y1, sub(fp, mulmod(2, mulmod(z1, z1, fp), fp)), fp) // F = G - 2*Z^2
                y3 := addmod(x3, sub(fp, y3), fp) // H = a*A - B
                x3 := mulmod(x1, z1, fp)
                t3 := mulmod(x1, y3, fp)
                y3 := mulmod(y1, y3, fp)
                z3 := mulmod(z1, y1, fp)
            }
            // (x1, y1, z1, t1) + the table entry at ptr (add-2008-hwcd; parameters reused as temporaries). At the end
            // x1 = E, y1 = H, z1 = F, y3 = G.
            function addEntry(fp, x1, y1, z1, t1, ptr) -> x3, y3, z3, t3 {
                z1 := mulmod(z1, mload(add(ptr, 64)), fp) // Z1*Z2
                t1 := mulmod(t1, mload(add(ptr, 128)), fp) // C = T1*d*T2
                y3 := addmod(z1, t1, fp) // G
                z1 := addmod(z1, sub(fp, t1), fp) // F
                t1 := mulmod(x1, mload(ptr), fp) // A = X1*X2
                x3 := mulmod(y1, mload(add(ptr, 32)), fp) // B = Y1*Y2
                x1 := addmod(
                    mulmod(addmod(x1, y1, fp), addmod(mload(ptr), mload(add(ptr, 32)), fp), fp),
                    sub(shl(1, fp), add(t1, x3)),
                    fp
                ) // E
                y1 := addmod(x3, sub(fp, mulmod(168700, t1, fp)), fp) // H = B - a*A
                x3 := mulmod(x1, z1, fp)
                z3 := mulmod(z1, y3, fp)
                t3 := mulmod(x1, y1, fp)
                y3 := mulmod(y3, y1, fp)
            }

            function put(fp, ptr, x, y, z, t) {
                mstore(ptr, x)
                mstore(add(ptr, 32), y)
                mstore(add(ptr, 64), z)
                mstore(add(ptr, 96), t)
                mstore(add(ptr, 128), mulmod(168696, t, fp))
            }
            function sum(fp, dst, e1, e2) {
                let x, y, z, t := addEntry(
                    fp,
                    mload(e1),
                    mload(add(e1, 32)),
                    mload(add(e1, 64)),
                    mload(add(e1, 96)),
                    e2
                )
                put(fp, dst, x, y, z, t)
            }
            function twice(fp, dst, e1) {
                let x, y, z, t := dbl(fp, mload(e1), mload(add(e1, 32)), mload(add(e1, 64)))
                put(fp, dst, x, y, z, t)
            }

            // The modulus as a variable: as a literal, the optimizer loads it with CODECOPY at every use.
            let fp := 21888242871839275222246405745257275088548364400416034343698204186575808495617
            // q's table: entries 1..3 (q, 2q, 3q), 256 bytes apart; from here on `q` points at the table (a variable
            // fewer: the legacy code generator reaches only 16 stack slots).
            {
                let single := mload(0x40)
                mstore(0x40, add(single, 1024))
                put(fp, add(single, 256), mload(q), mload(add(q, 32)), mload(add(q, 64)), mload(add(q, 96)))
                twice(fp, add(single, 512), add(single, 256))
                sum(fp, add(single, 768), add(single, 512), add(single, 256))
                q := single
            }
            let x := 0
            let y := 1
            let z := 1
            let t := 0
            for {
                let k := bits
            } k {} {
                k := sub(k, 2)
                x, y, z, t := dbl(fp, x, y, z)
                x, y, z, t := dbl(fp, x, y, z)
                let idx := or(shl(2, and(shr(k, a), 3)), and(shr(k, b), 3))
                if idx {
                    x, y, z, t := addEntry(fp, x, y, z, t, add(joint, shl(8, idx)))
                }
                idx := and(shr(k, c), 3)
                if idx {
                    x, y, z, t := addEntry(fp, x, y, z, t, add(q, shl(8, idx)))
                }
            }
            mstore(r, x)
            mstore(add(r, 32), y)
            mstore(add(r, 64), z)
            mstore(add(r, 96), t)
        }
    }

    /// @dev The modulus p through assembly: as a constant, the optimizer loads it with CODECOPY at every use.
    function _modulus() private pure returns (uint256 fp) {
        assembly ("memory-safe") {
            fp := 21888242871839275222246405745257275088548364400416034343698204186575808495617
        }
    }

    /// @dev Reserves `entries` table entries of 256 bytes in memory.
    function _allocate(uint256 entries) private pure returns (uint256 table) {
        assembly ("memory-safe") {
            table := mload(0x40)
            mstore(0x40, add(table, shl(8, entries)))
        }
    }

    /// @dev Writes `p` as table entry `index`: (X, Y, Z, T, d*T).
    function _put(uint256 table, uint256 index, Ext memory p) private pure {
        uint256 dt = mulmod(D, p.t, P);
        assembly ("memory-safe") {
            let ptr := add(table, shl(8, index))
            mstore(ptr, mload(p))
            mstore(add(ptr, 32), mload(add(p, 32)))
            mstore(add(ptr, 64), mload(add(p, 64)))
            mstore(add(ptr, 96), mload(add(p, 96)))
            mstore(add(ptr, 128), dt)
        }
    }

    /// @dev `v^-1 mod p` by Fermat (`v^(p-2)`) through the modexp precompile; `v` must not be zero (the complete
    /// formulas never give Z = 0).
    function _inverse(uint256 v) private view returns (uint256 result) {
        bool ok;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, 32)
            mstore(add(ptr, 32), 32)
            mstore(add(ptr, 64), 32)
            mstore(add(ptr, 96), v)
            mstore(add(ptr, 128), 21888242871839275222246405745257275088548364400416034343698204186575808495615)
            mstore(add(ptr, 160), 21888242871839275222246405745257275088548364400416034343698204186575808495617)
            ok := staticcall(gas(), 0x05, ptr, 192, ptr, 32)
            result := mload(ptr)
        }
        require(ok && result != 0, BabyJubjubNoInverse());
    }
}
