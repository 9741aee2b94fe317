// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BabyJubjub} from "./BabyJubjub.sol";

/// @title ZeroDifferenceProof
/// @notice Verifies the Schnorr zero-difference proof of a private asset (docs/protocol.md, "Private totals"): with
/// Pedersen commitments `C = v*G + r*H` on Baby Jubjub, the prover knows `r` with `C_A - C_L - C_S = r*H`, so
/// `A = L + S (mod l)` and, with `L` and `S` below 2^128 (proven by the circuits), `A >= L` without either total.
/// The proof is `(c, z)`: the verifier recomputes `R = z*H - c*(C_A - C_L - C_S)` and accepts when
/// `c == keccak256(abi.encode(ZERO_DIFFERENCE_DOMAIN, context, C_A, C_L, C_S, R)) >> 128` (a 128-bit challenge,
/// as in short Schnorr signatures: soundness error 2^-128 per hash query, below the curve's ~2^126 discrete-log
/// security; it halves the doublings). Each commitment comes with its
/// cofactor witness (`8 * eighth == C`), which puts it in the prime-order subgroup; the identity is refused.
/// The TypeScript prover is src/private/pedersen.ts.
library ZeroDifferenceProof {
    /// @dev `keccak256("por.private.zero-difference.v1")`.
    bytes32 internal constant ZERO_DIFFERENCE_DOMAIN = keccak256("por.private.zero-difference.v1");
    /// @dev `keccak256("por.private.context.v1")`.
    bytes32 internal constant CONTEXT_DOMAIN = keccak256("por.private.context.v1");
    /// @dev The blinding generator H (src/private/pedersen.ts `deriveH`: try-and-increment over keccak256 of
    /// "por.pedersen.H.v1" and a counter, times the cofactor 8).
    uint256 internal constant HX = 9838599069262539226988055446926130691099075059761775306427434471149768858158;
    uint256 internal constant HY = 6961072732506414408627318995044913928974337917252889243607577860974005270688;
    /// @notice One private asset's commitments and its zero-difference proof.
    /// @param commitments `[C_A.x, C_A.y, C_L.x, C_L.y, C_S.x, C_S.y]` (assets, liabilities, surplus).
    /// @param eighths Each commitment's cofactor witness `Q` with `8*Q = C`, in the same order.
    /// @param c The challenge.
    /// @param z The response.
    struct Proof {
        uint256[6] commitments;
        uint256[6] eighths;
        uint256 c;
        uint256 z;
    }

    /// @notice The context every private-set proof is bound to, as one field element (248 bits):
    /// `keccak256(abi.encode(CONTEXT_DOMAIN, block.chainid, address(this), member, asset, t, subject)) >> 8`.
    /// @param member The member.
    /// @param asset The asset id.
    /// @param t The snapshot time.
    /// @param subject The set or the request the commitments answer.
    function contextOf(address member, uint32 asset, uint64 t, bytes32 subject) internal view returns (uint256) {
        return
            uint256(keccak256(abi.encode(CONTEXT_DOMAIN, block.chainid, address(this), member, asset, t, subject))) >>
            8;
    }

    /// @notice True when `proof` proves `C_A - C_L - C_S = r*H` for `context` with every commitment a subgroup point
    /// other than the identity, `c` below 2^128 and `z` below l.
    function verify(uint256 context, Proof calldata proof) internal view returns (bool) {
        if (proof.c >> 128 != 0 || proof.z >= BabyJubjub.SUBGROUP_ORDER) return false;
        uint256[6] calldata cs = proof.commitments;
        uint256[6] calldata es = proof.eighths;
        for (uint256 i = 0; i < 6; i += 2) {
            if (cs[i] == 0 && cs[i + 1] == 1) return false;
            if (!BabyJubjub.inSubgroup(cs[i], cs[i + 1], es[i], es[i + 1])) return false;
        }
        // -D = C_L + C_S - C_A.
        BabyJubjub.Ext memory negD = BabyJubjub.add(
            BabyJubjub.add(BabyJubjub.fromAffine(cs[2], cs[3]), BabyJubjub.fromAffine(cs[4], cs[5])),
            BabyJubjub.neg(BabyJubjub.fromAffine(cs[0], cs[1]))
        );
        // R = z_lo*H + z_hi*(2^128*H) + c*(-D).
        (uint256 rx, uint256 ry) = BabyJubjub.toAffine(
            BabyJubjub.windowedSum(hTable(), proof.z & type(uint128).max, proof.z >> 128, negD, proof.c, 128)
        );
        bytes32 h = keccak256(
            abi.encode(ZERO_DIFFERENCE_DOMAIN, context, cs[0], cs[1], cs[2], cs[3], cs[4], cs[5], rx, ry)
        );
        return uint256(h) >> 128 == proof.c;
    }

    /// @notice The joint table of H and 2^128*H in `BabyJubjub.jointTable`'s layout, precomputed (affine, Z = 1):
    /// entry `4*i + j` is `i*H + j*(2^128*H)` as `(x, y, 1, x*y, d*x*y)`. It saves building the table at run time
    /// (~27,000 gas); test/private/zero-difference.test.ts checks every word against src/private/pedersen.ts.
    function hTable() internal pure returns (uint256 table) {
        assembly ("memory-safe") {
            function entry(ptr, x, y, t, dt) {
                mstore(ptr, x)
                mstore(add(ptr, 32), y)
                mstore(add(ptr, 64), 1)
                mstore(add(ptr, 96), t)
                mstore(add(ptr, 128), dt)
            }
            table := mload(0x40)
            mstore(0x40, add(table, 4096))
            entry(
                add(table, 256),
                0x08b6acfbe2dc263051b2a69f2efe3199db2077a71a8010775b26f823d828451b,
                0x018c069ff6820683b083ba848f7392b678b4939f317a0630f958a36bed402289,
                0x2087683d0be48d11ad2b68825ccc6f793ab12cf0332fa00d2a59fc4aae3daf51,
                0x0da876f3c4f9c811577c7d8c19372dbb286a7cbb54b159623862e93ea85e4d83
            ) // 0H + 1H'
            entry(
                add(table, 512),
                0x14a29d37c5dd9478ed05b1cbb0009ea063cf8f80498baa7ff9f5ddf41c7abcd3,
                0x02433f12bd82847a676e7c03aee7043e00f638f4ec16dcf7e73f9ac15ffc3b6e,
                0x2af157083d55e8e7865e4e1de75984d6e8509bb42f07bc566d46065f25369a30,
                0x0bbd5bf49c7eeb4053a6d271fd8ce6470ca8ca4336cf068466fd390ea53275bc
            ) // 0H + 2H'
            entry(
                add(table, 768),
                0x27c0dd8f0ca42be67edab6f0c0cc4353deac6b223d5223cd5e324ecc988c647b,
                0x18eb22e0cae2c6d8b7f0c5509180957b74085d2d0f56d3bfc6d6776e8ad33773,
                0x18b7339cd55b71417d315f400592fa6700a8820edffb73920ee2e190274f4755,
                0x25248296ccc0d202de50596d12c4b2ac2baa59dde850d5841604b00cca2443c9
            ) // 0H + 3H'
            entry(
                add(table, 1024),
                0x15c07321d18d3f12bbb8f6b14f2600e93b482042a5459c56c21fa16c912cda2e,
                0x0f63d3d9f2ad0a2465f174659670934b640a68c0812314ad09b87494762138a0,
                0x0d11af8a0e8b69a7ae3efb943a6ad3fbc028838c6f693016ba1eda7c644a5e37,
                0x134dc895d600f79e5a00431dca75c51c9baf2c51a2c0f44fe1a8279bbe33f151
            ) // 1H + 0H'
            entry(
                add(table, 1280),
                0x0243f5e12aa3828e22a612a0ef17e952686f405abc9fff33e9654965c01efc9f,
                0x01e8c833ce84c2c686ea77df3cc4263586f27cb0fd512a1c7bfa0acf6b8c1686,
                0x2bfae7e89163d94ab2d878b1191df584a3d34119c2469d245a5d81e37abd9699,
                0x1a8e36a500e86659fd95b50fda7876b2a327196a1e341589998a3b7874bccf54
            ) // 1H + 1H'
            entry(
                add(table, 1536),
                0x19f4f05ae76a0a6e25f0f499ccf6e9da00620e2d07d04038e54d9ad27c709a1f,
                0x22277acdc1c1da76d98e64471590c0ba58b0adee836193dbd7e8cc63fe02177b,
                0x297a1520e357bb5484596d83809fafc3ec0644084322fef98d20461b52eb2b5f,
                0x0b06c7a131b1ea6ae7efe9d1dfb582ec0b6a8e127e0bd00b3a989bcda949fd3a
            ) // 1H + 2H'
            entry(
                add(table, 1792),
                0x0a05bde638b0d37e1f563eeb081d999c3c7d0e35028dd25b4e1a2fa49e2ce160,
                0x1ff3e2a49ffad1fd124aff3d2279a6c2124046081583a90ca4fa87f058270305,
                0x249284846d8d847ea0d87811a6d209b94777323da8f3d60f455bb5a27868d2f6,
                0x24600e01d14e2ae52d739119d48d0b83ffee8a11c48a46be4a71efb253c6b84c
            ) // 1H + 3H'
            entry(
                add(table, 2048),
                0x00fb15475c8b1b33424f34cfe7f86d7abf683c8eeb8ce0dd9e88e7b05aca112f,
                0x20509e6b4a0974c69408b1feb6fb20d7a4c9c955ff937024af1586197cdac7d4,
                0x066a9258eb1a231dfc9628989a70dc6fb9c16f7a1c335c6166a37e3852d3f5fb,
                0x17842b4380bc7b27f854ac0eafe5447394b806842421b431ad7fa2fefb9519c9
            ) // 2H + 0H'
            entry(
                add(table, 2304),
                0x07bb90d2c787882c81e271f3ac94d08022b3ff52d3fec2287c0bf4833a5c7b92,
                0x1a3de564a2cb2dc9ce2dbf083c86ed85815cbf26deee62fa532891dfe893a2db,
                0x183e2c47dc6fe2893e4b94f409da5cff170bd2c96066e7f6114fcd2f1f86e79a,
                0x20c60401e3300a6dd27dd9b263fff73fef873f2e1b574bc763c4746539f8e711
            ) // 2H + 1H'
            entry(
                add(table, 2560),
                0x0d6c8e7326f2724512382d4f6ce4bdff1aedd66cf2addffd42359fecc62607db,
                0x2244b0862fda201090b516c8b4e98c4d65ae7b028899219612f3743b50aed75a,
                0x18015db1c0c5e5354a9c28470f4453649354b836d7b9e756658c0f50e8f8e402,
                0x1f4dcb0c85e2dfb0fed97054dc515051bbbc2856bbec5f736ef5a7639b28bf0d
            ) // 2H + 2H'
            entry(
                add(table, 2816),
                0x13589ce7f8ee57b475c5f8c6bb957e0d539196dbd0dffdf0aa48b0c912953e12,
                0x2e802258fe5a45d62b990d45b9f25f4e272f28fe5f8dfab7c90db40ca4f200a3,
                0x0ebba2a038e3d1e9a8dbca9e52b88a70fa3d109566c8803bdd2e5201a9e89fa7,
                0x222ee4280b4adc7853655876fa3dd75eda122ece71b7b13da2749df273b51f29
            ) // 2H + 3H'
            entry(
                add(table, 3072),
                0x0956b1f58f91222287f8f22c1daf519985d21261d5e6e4fa6bc4beefccdeb72c,
                0x0a74598fc309f743cb1f3ff43c557198f8fbe5c34527dad8b0fda18afc68eb82,
                0x0b6652f31ef620bd0082d88740af87fa673534536d19d87ddcf6a09085406744,
                0x29b79e47ac2c5632ba97d5d0ac3d930b0a6eb4d6ca98564b82dad7184fd036a5
            ) // 3H + 0H'
            entry(
                add(table, 3328),
                0x03b832608d9448fd1b164daf1a074e40d20a1479b1b0e438f8217551fa138ff7,
                0x2677ed0669d2b75b3dc11206d0cb1fe2a4a386c70e2bf318becd0ee4f142a568,
                0x2104df672e9d76534335bfd092e10dd5b86fef22db37671da5ba5aa17ea748a3,
                0x2642ce8e388dbce78e56faa97140c5010e0b0e25f8a7854688a6fa02babf9247
            ) // 3H + 1H'
            entry(
                add(table, 3584),
                0x0241a2e905379090f1fa46860a403c9e6c51f55ea13035ce4492636587b966bc,
                0x03e2d2524000d5a460257ed6fd70e91600d588dd495fc20a84f673635ebd2cf9,
                0x137d9e2ee76f5692aca60894269f1bf4874b13e602b7f119472a1d3f362a2645,
                0x13ecb411a43afcf251ce96e05d77ebced1232e14894efe8d7114f1575f31636f
            ) // 3H + 2H'
            entry(
                add(table, 3840),
                0x1b49153932c3d51626f5baca5bd758e65066ec556202f3cc9c026fcd97a390e8,
                0x2089134fef66601a0e88a7a42efb33d7d8799f972f7f78498148add209478cb3,
                0x29617954c9208f91c16e65540c473e9a2b3fe8a897e6a185c11679071880e777,
                0x05ffe6daadb583562a413ca14f6d32e310531a1abd07f38434ac4ea6ffcde5c9
            ) // 3H + 3H'
        }
    }
}
