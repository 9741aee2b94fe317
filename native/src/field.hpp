// Prime-field arithmetic in Montgomery form with four 64-bit limbs (R = 2^256), for the BN254 scalar field
// (hashes, Baby Jubjub coordinates) and Baby Jubjub's subgroup order (EdDSA scalars). Not constant time:
// every value handled here belongs to the member running the code.
#pragma once

#include <cstdint>
#include <cstring>

#include "por_params.h"

namespace por {

using u64 = uint64_t;
using u128 = unsigned __int128;

/** 256-bit value as little-endian limbs (plain integer or Montgomery form, depending on context). */
using U256 = gen::U256;

inline U256 u256_from_le(const uint8_t* b) {
  U256 r;
  for (int i = 0; i < 4; i++) {
    u64 w = 0;
    for (int k = 7; k >= 0; k--) w = (w << 8) | b[8 * i + k];
    r.l[i] = w;
  }
  return r;
}

inline void u256_to_le(const U256& a, uint8_t* b) {
  for (int i = 0; i < 4; i++) {
    u64 w = a.l[i];
    for (int k = 0; k < 8; k++) {
      b[8 * i + k] = static_cast<uint8_t>(w);
      w >>= 8;
    }
  }
}

/** a < b as 256-bit integers. */
inline bool u256_lt(const U256& a, const U256& b) {
  for (int i = 3; i >= 0; i--) {
    if (a.l[i] != b.l[i]) return a.l[i] < b.l[i];
  }
  return false;
}

inline bool u256_is_zero(const U256& a) { return (a.l[0] | a.l[1] | a.l[2] | a.l[3]) == 0; }

/** a >> k for 0 < k < 64. */
inline U256 u256_shr(const U256& a, unsigned k) {
  U256 r;
  for (int i = 0; i < 3; i++) r.l[i] = (a.l[i] >> k) | (a.l[i + 1] << (64 - k));
  r.l[3] = a.l[3] >> k;
  return r;
}

// Full unrolling of Field::dot pays off with the 4-instruction assembly step; with the portable
// __int128 step it makes compile times explode (minutes) for little gain, so it is left to the compiler.
#if defined(__x86_64__) && !defined(POR_NO_ASM)
#define POR_UNROLL_TERMS _Pragma("GCC unroll 17")
#else
#define POR_UNROLL_TERMS _Pragma("GCC unroll 1")
#endif

/** (c2:c1:c0) += a * b. */
inline void mac3(u64& c0, u64& c1, u64& c2, u64 a, u64 b) {
#if defined(__x86_64__) && !defined(POR_NO_ASM)
  u64 lo = a, hi;
  __asm__("mulq %[b]\n\t"
          "addq %%rax, %[c0]\n\t"
          "adcq %%rdx, %[c1]\n\t"
          "adcq $0, %[c2]"
          : [c0] "+r"(c0), [c1] "+r"(c1), [c2] "+r"(c2), "+a"(lo), "=d"(hi)
          : [b] "rm"(b)
          : "cc");
#else
  const u128 p = static_cast<u128>(a) * b;
  u128 s = static_cast<u128>(c0) + static_cast<u64>(p);
  c0 = static_cast<u64>(s);
  s = (s >> 64) + c1 + static_cast<u64>(p >> 64);
  c1 = static_cast<u64>(s);
  c2 += static_cast<u64>(s >> 64);
#endif
}

/** (c2:c1:c0) += x. */
inline void add3(u64& c0, u64& c1, u64& c2, u64 x) {
  u128 s = static_cast<u128>(c0) + x;
  c0 = static_cast<u64>(s);
  s = (s >> 64) + c1;
  c1 = static_cast<u64>(s);
  c2 += static_cast<u64>(s >> 64);
}

/**
 * Arithmetic modulo MP.m (odd, below 2^254 so that a + b never overflows 256 bits). Elements in Montgomery
 * form are kept fully reduced (< m) by every operation.
 */
template <const gen::ModParams& MP>
struct Field {
  static constexpr const u64* M = MP.m.l;

  /** Montgomery product a * b / R mod m. Valid for any a < 2^256 and b < m (the result is then < m). */
  static inline void mul_wide(U256& r, const U256& a, const U256& b) {
    u64 t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0;
    for (int i = 0; i < 4; i++) {
      const u64 bi = b.l[i];
      u128 c = static_cast<u128>(a.l[0]) * bi + t0;
      t0 = static_cast<u64>(c);
      c = (c >> 64) + static_cast<u128>(a.l[1]) * bi + t1;
      t1 = static_cast<u64>(c);
      c = (c >> 64) + static_cast<u128>(a.l[2]) * bi + t2;
      t2 = static_cast<u64>(c);
      c = (c >> 64) + static_cast<u128>(a.l[3]) * bi + t3;
      t3 = static_cast<u64>(c);
      c = (c >> 64) + t4;
      t4 = static_cast<u64>(c);
      const u64 t5 = static_cast<u64>(c >> 64);

      const u64 q = t0 * MP.neg_inv;
      c = static_cast<u128>(q) * M[0] + t0;
      c = (c >> 64) + static_cast<u128>(q) * M[1] + t1;
      t0 = static_cast<u64>(c);
      c = (c >> 64) + static_cast<u128>(q) * M[2] + t2;
      t1 = static_cast<u64>(c);
      c = (c >> 64) + static_cast<u128>(q) * M[3] + t3;
      t2 = static_cast<u64>(c);
      c = (c >> 64) + t4;
      t3 = static_cast<u64>(c);
      t4 = t5 + static_cast<u64>(c >> 64);
    }
    // The value (t4:t3..t0) is below 2m: one conditional subtraction reduces it.
    u64 d0, d1, d2, d3, borrow;
    u128 s = static_cast<u128>(t0) - M[0];
    d0 = static_cast<u64>(s);
    borrow = static_cast<u64>(s >> 64) & 1;
    s = static_cast<u128>(t1) - M[1] - borrow;
    d1 = static_cast<u64>(s);
    borrow = static_cast<u64>(s >> 64) & 1;
    s = static_cast<u128>(t2) - M[2] - borrow;
    d2 = static_cast<u64>(s);
    borrow = static_cast<u64>(s >> 64) & 1;
    s = static_cast<u128>(t3) - M[3] - borrow;
    d3 = static_cast<u64>(s);
    borrow = static_cast<u64>(s >> 64) & 1;
    if (t4 != 0 || borrow == 0) {
      r.l[0] = d0;
      r.l[1] = d1;
      r.l[2] = d2;
      r.l[3] = d3;
    } else {
      r.l[0] = t0;
      r.l[1] = t1;
      r.l[2] = t2;
      r.l[3] = t3;
    }
  }

  // dot's bounds: with u = m / R, a sum of 17 products plus the reduction term stays below (17u^2 + u) R^2
  // and the result below (17u + 1) m = (17u^2 + u) R; both fit while 17u^2 + u < 1, i.e. u < 0.2135. Requiring
  // m's top limb below 0x36 << 56 gives u < 0.211 (BN254 Fr: u = 0.189; Baby Jubjub order: u = 0.024).
  static_assert(MP.m.l[3] < 0x3600000000000000ULL, "modulus too large for Field::dot's bounds");

  /** Montgomery product a * b / R mod m for a, b < m (see dot; measured faster here than CIOS). */
  static inline void mul(U256& r, const U256& a, const U256& b) {
    dot<1>(r, &a, [&b](unsigned) -> const U256& { return b; }, nullptr);
  }

  static inline void sqr(U256& r, const U256& a) { mul(r, a, a); }

  /**
   * Sum of N Montgomery products plus an optional addend: r = sum_j a[j] * b(j) / R (+ addend) mod m, with
   * one reduction for the whole sum. Product scanning (Comba) with Montgomery reduction folded into the
   * same column pass: column k collects every a[j].l[i] * b(j).l[k - i] and q[i] * m[k - i] in a 192-bit
   * accumulator. Needs a[j], b(j) < m; the sum of products stays below 17 m^2 (N <= 17), so the result is
   * below 4.3m (2.2m with an addend, which is only used with N = 1) and a few subtractions reduce it.
   */
  template <unsigned N, class B, bool kAddend = false>
  static inline void dot(U256& r, const U256* a, B b, const U256* addend = nullptr) {
    static_assert(N >= 1 && N <= 17, "dot: 1..17 terms");
    static_assert(!kAddend || N == 1, "dot: the addend bound is proven for one product only");
    u64 c0 = 0, c1 = 0, c2 = 0;
    u64 q[4];
    u64 out[4];
#pragma GCC unroll 4
    for (unsigned k = 0; k < 4; k++) {
      POR_UNROLL_TERMS
      for (unsigned j = 0; j < N; j++) {
        const U256& bj = b(j);
#pragma GCC unroll 4
        for (unsigned i = 0; i <= k; i++) mac3(c0, c1, c2, a[j].l[i], bj.l[k - i]);
      }
#pragma GCC unroll 4
      for (unsigned i = 0; i < k; i++) mac3(c0, c1, c2, q[i], M[k - i]);
      q[k] = c0 * MP.neg_inv;
      mac3(c0, c1, c2, q[k], M[0]);  // clears c0
      c0 = c1;
      c1 = c2;
      c2 = 0;
    }
#pragma GCC unroll 4
    for (unsigned k = 4; k < 7; k++) {
      POR_UNROLL_TERMS
      for (unsigned j = 0; j < N; j++) {
        const U256& bj = b(j);
#pragma GCC unroll 4
        for (unsigned i = k - 3; i < 4; i++) mac3(c0, c1, c2, a[j].l[i], bj.l[k - i]);
      }
#pragma GCC unroll 4
      for (unsigned i = k - 3; i < 4; i++) mac3(c0, c1, c2, q[i], M[k - i]);
      if constexpr (kAddend) add3(c0, c1, c2, addend->l[k - 4]);
      out[k - 4] = c0;
      c0 = c1;
      c1 = c2;
      c2 = 0;
    }
    if constexpr (kAddend) add3(c0, c1, c2, addend->l[3]);
    out[3] = c0;  // c1 is 0: the result is below 2^256
    U256 v{{out[0], out[1], out[2], out[3]}};
    // v < m * (N * m / R + 1 (+ 1 with the addend)) and m / R < (m.l[3] + 1) / 2^64: that many
    // conditional subtractions, minus one, reduce it (no data-dependent branches).
    constexpr u128 kTop = static_cast<u128>(N) * (MP.m.l[3] + 1);
    constexpr u128 kOne64 = static_cast<u128>(1) << 64;
    constexpr unsigned kSubs = static_cast<unsigned>((kTop + kOne64 - 1) >> 64) + (kAddend ? 1 : 0);
    for (unsigned i = 0; i < kSubs; i++) cond_sub(v);
    r = v;
  }

  /** r = a * b / R + c mod m (a, b, c < m): a Montgomery product fused with an addition. */
  static inline void mul_add(U256& r, const U256& a, const U256& b, const U256& c) {
    const auto get = [&b](unsigned) -> const U256& { return b; };
    dot<1, decltype(get), true>(r, &a, get, &c);
  }

  /** v -= m if v >= m, without branches (v < 2^256; the caller knows how many times to apply it). */
  static inline void cond_sub(U256& v) {
#if defined(__x86_64__) && !defined(POR_NO_ASM)
    u64 d0, d1, d2, d3;
    __asm__(
        "movq %[v0], %[d0]\n\t"
        "subq %[m0], %[d0]\n\t"
        "movq %[v1], %[d1]\n\t"
        "sbbq %[m1], %[d1]\n\t"
        "movq %[v2], %[d2]\n\t"
        "sbbq %[m2], %[d2]\n\t"
        "movq %[v3], %[d3]\n\t"
        "sbbq %[m3], %[d3]\n\t"
        "cmovncq %[d0], %[v0]\n\t"
        "cmovncq %[d1], %[v1]\n\t"
        "cmovncq %[d2], %[v2]\n\t"
        "cmovncq %[d3], %[v3]"
        : [v0] "+r"(v.l[0]), [v1] "+r"(v.l[1]), [v2] "+r"(v.l[2]), [v3] "+r"(v.l[3]), [d0] "=&r"(d0),
          [d1] "=&r"(d1), [d2] "=&r"(d2), [d3] "=&r"(d3)
        : [m0] "m"(MP.m.l[0]), [m1] "m"(MP.m.l[1]), [m2] "m"(MP.m.l[2]), [m3] "m"(MP.m.l[3])
        : "cc");
#else
    u64 d[4];
    u64 borrow = 0;
    for (int i = 0; i < 4; i++) {
      const u128 x = static_cast<u128>(v.l[i]) - M[i] - borrow;
      d[i] = static_cast<u64>(x);
      borrow = static_cast<u64>(x >> 64) & 1;
    }
    const u64 keep = 0 - borrow;  // all ones: v < m, keep v
    for (int i = 0; i < 4; i++) v.l[i] = (v.l[i] & keep) | (d[i] & ~keep);
#endif
  }

  /** a + b mod m for a, b < m. */
  static inline void add(U256& r, const U256& a, const U256& b) {
    u64 s0, s1, s2, s3;
    u128 c = static_cast<u128>(a.l[0]) + b.l[0];
    s0 = static_cast<u64>(c);
    c = (c >> 64) + a.l[1] + b.l[1];
    s1 = static_cast<u64>(c);
    c = (c >> 64) + a.l[2] + b.l[2];
    s2 = static_cast<u64>(c);
    c = (c >> 64) + a.l[3] + b.l[3];
    s3 = static_cast<u64>(c);  // no carry out: a + b < 2m < 2^256
    r = U256{{s0, s1, s2, s3}};
    cond_sub(r);
  }

  /** a - b mod m for a, b < m. */
  static inline void sub(U256& r, const U256& a, const U256& b) {
    u64 d[4];
    u64 borrow = 0;
    for (int i = 0; i < 4; i++) {
      const u128 s = static_cast<u128>(a.l[i]) - b.l[i] - borrow;
      d[i] = static_cast<u64>(s);
      borrow = static_cast<u64>(s >> 64) & 1;
    }
    if (borrow) {
      u128 c = 0;
      for (int i = 0; i < 4; i++) {
        c = (c >> 64) + d[i] + M[i];
        d[i] = static_cast<u64>(c);
      }
    }
    std::memcpy(r.l, d, sizeof d);
  }

  /** Plain integer a (any value below 2^256) to Montgomery form of a mod m. */
  static inline U256 to_mont(const U256& a) {
    U256 r;
    mul_wide(r, a, MP.r2);
    return r;
  }

  /** Montgomery form to the canonical plain integer in [0, m). */
  static inline U256 from_mont(const U256& a) {
    static constexpr U256 kOne = {{1, 0, 0, 0}};
    U256 r;
    mul(r, a, kOne);
    return r;
  }

  /** Montgomery one. */
  static inline U256 one() { return MP.r1; }

  /** a^(m-2) = a^-1 for a != 0 (Fermat; 0 maps to 0). Montgomery in (a < m), Montgomery out. */
  static U256 inv(const U256& a) {
    U256 r = one();
    for (int i = 3; i >= 0; i--) {
      const u64 e = MP.m_minus_2.l[i];
      for (int b = 63; b >= 0; b--) {
        sqr(r, r);
        if ((e >> b) & 1) mul(r, r, a);
      }
    }
    return r;
  }

  /** True if the plain integer a is a canonical residue (a < m). */
  static inline bool is_canonical(const U256& a) { return u256_lt(a, MP.m); }

};

using Fr = Field<gen::FR>;
using Fl = Field<gen::FL>;

}  // namespace por
