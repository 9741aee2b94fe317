// Batch Poseidon on AVX-512 IFMA: eight independent hashes at once, one per 64-bit lane of a 512-bit register.
//
// Field elements are held in radix 2^52 (five limbs of 52 bits per lane) in Montgomery form with R' = 2^260, so
// `vpmadd52luq` / `vpmadd52huq` (the low and high 52 bits of a 52 x 52-bit product, added to a 64-bit lane)
// compute a Montgomery product without any carry flags. The round structure is exactly poseidon.cpp's (the
// optimized Poseidon of circomlibjs, sparse matrices in the partial rounds); only the arithmetic differs:
//
// - Lazy reduction: since p < 2^254 and R' = 2^260, R' / p > 84, a Montgomery product of two values below
//   64p is below (64p)^2 / R' + p < 50p, so values are never brought below p inside the permutation; only the
//   final output is (on the scalar side, when it is converted back). Every value stays below 2^260, so its
//   five normalized limbs are below 2^52, which is what the IFMA instructions read.
// - Additions are folded into reductions: `pow5(x) + c` and the partial rounds' `x * s_k + state[k]` add the
//   addend to the reduced limbs before the carries are normalized, for free. The partial rounds' running sums
//   grow by < 1.1p per round; every kReduceEvery rounds they are brought back below ~1.1p with a product by the
//   Montgomery one.
// - A matrix row is a sum of products with one reduction (limb columns of up to 17 * 10 products of < 2^52
//   stay below 2^64).
//
// Compiled for a generic x86-64 target; the AVX-512 code sits in an anonymous namespace (internal linkage, so
// no inline function compiled for AVX-512 can be shared with other files) between push/pop of the target
// options, and runs only when CPUID says the CPU has AVX-512F and AVX-512 IFMA (checked once).
#include "poseidon_ifma.hpp"

#if defined(__x86_64__) && !defined(POR_NO_ASM) && defined(__GNUC__)
#define POR_HAVE_IFMA 1
#endif

#ifdef POR_HAVE_IFMA

#include <immintrin.h>

#include <mutex>
#include <vector>

#include "poseidon_constants.h"

namespace por {
namespace {

constexpr uint64_t kMask52 = (uint64_t{1} << 52) - 1;
constexpr unsigned kHalfFull = gen::POSEIDON_FULL_ROUNDS / 2;
constexpr unsigned kReduceEvery = 8;

/** A 260-bit value as five 52-bit limbs, little-endian. */
struct L52 {
  uint64_t l[5];
};

constexpr L52 to_l52(const U256& a) {
  return L52{{a.l[0] & kMask52, ((a.l[0] >> 52) | (a.l[1] << 12)) & kMask52,
              ((a.l[1] >> 40) | (a.l[2] << 24)) & kMask52, ((a.l[2] >> 28) | (a.l[3] << 36)) & kMask52,
              a.l[3] >> 16}};
}

/** Normalized limbs of a value below 2^256 back to 64-bit limbs. */
U256 from_l52(const uint64_t l[5]) {
  return U256{{l[0] | (l[1] << 52), (l[1] >> 12) | (l[2] << 40), (l[2] >> 24) | (l[3] << 28),
               (l[3] >> 36) | (l[4] << 16)}};
}

/** 2^k mod p (plain integer), by doubling 2^256 mod p (= FR.r1, plain). */
U256 pow2_mod_p(unsigned k) {
  U256 r = gen::FR.r1;  // 2^256 mod p
  for (unsigned i = 256; i < k; i++) Fr::add(r, r, r);
  return r;
}

/** A Montgomery-2^256 constant (x * 2^256 mod p) to Montgomery-2^260 (x * 2^260 mod p), as limbs. */
L52 mont260(const U256& mont256) {
  U256 r = mont256;
  for (int i = 0; i < 4; i++) Fr::add(r, r, r);
  return to_l52(r);
}

/** The constants of one width in radix 2^52, Montgomery-2^260 form. */
struct Tables {
  unsigned t = 0;
  unsigned partial = 0;
  std::vector<L52> c, s, m, p;
};

constexpr L52 kModulus = to_l52(gen::FR.m);
constexpr uint64_t kN0 = gen::FR.neg_inv & kMask52;  // -p^-1 mod 2^52

struct Globals {
  L52 r2;            // 2^520 mod p: plain x -> x * 2^260 mod p
  L52 one;           // 2^260 mod p: Montgomery one
  Tables tables[kIfmaMaxInputs];  // index n - 1 for n inputs (t = n + 1)
};

Tables make_tables(unsigned t) {
  const gen::PoseidonParams& prm = gen::POSEIDON[t - 2];
  Tables tb;
  tb.t = t;
  tb.partial = prm.partial_rounds;
  const size_t nc = gen::POSEIDON_FULL_ROUNDS * t + prm.partial_rounds;
  const size_t ns = static_cast<size_t>(prm.partial_rounds) * (2 * t - 1);
  for (size_t i = 0; i < nc; i++) tb.c.push_back(mont260(prm.c[i]));
  for (size_t i = 0; i < ns; i++) tb.s.push_back(mont260(prm.s[i]));
  for (size_t i = 0; i < static_cast<size_t>(t) * t; i++) {
    tb.m.push_back(mont260(prm.m[i]));
    tb.p.push_back(mont260(prm.p[i]));
  }
  return tb;
}

const Globals& globals() {
  static const Globals g = [] {
    Globals r;
    r.r2 = to_l52(pow2_mod_p(520));
    r.one = to_l52(pow2_mod_p(260));
    for (unsigned n = 1; n <= kIfmaMaxInputs; n++) r.tables[n - 1] = make_tables(n + 1);
    return r;
  }();
  return g;
}

#pragma GCC push_options
#pragma GCC target("avx512f,avx512ifma")

using V = __m512i;
using U64x8 = unsigned long long __attribute__((vector_size(64)));

/** Each lane >> 52 (a GCC vector shift: GCC 12's _mm512_srli_epi64 trips -Wuninitialized on its own internals). */
inline V srl52(V x) { return reinterpret_cast<V>(reinterpret_cast<U64x8>(x) >> 52); }

/** Eight field elements, limb-sliced: l[j] holds limb j of every lane. */
struct VF {
  V l[5];
};

/** A sum of products, ten limb columns per lane (not normalized). */
struct Acc {
  V t[10];
};

inline void acc_zero(Acc& a) {
  for (auto& t : a.t) t = _mm512_setzero_si512();
}

/** a += x * y (both vectors, limbs < 2^52). */
inline void acc_mul(Acc& a, const VF& x, const VF& y) {
#pragma GCC unroll 5
  for (unsigned i = 0; i < 5; i++) {
#pragma GCC unroll 5
    for (unsigned j = 0; j < 5; j++) {
      a.t[i + j] = _mm512_madd52lo_epu64(a.t[i + j], x.l[i], y.l[j]);
      a.t[i + j + 1] = _mm512_madd52hi_epu64(a.t[i + j + 1], x.l[i], y.l[j]);
    }
  }
}

/** a += x * c (c the same constant in every lane). */
inline void acc_mulc(Acc& a, const VF& x, const L52& c) {
  VF y;
#pragma GCC unroll 5
  for (unsigned j = 0; j < 5; j++) y.l[j] = _mm512_set1_epi64(static_cast<long long>(c.l[j]));
  acc_mul(a, x, y);
}

/** a += x * x, with the cross products computed once and doubled. */
inline void acc_sqr(Acc& a, const VF& x) {
  Acc c;
  acc_zero(c);
#pragma GCC unroll 5
  for (unsigned i = 0; i < 5; i++) {
#pragma GCC unroll 5
    for (unsigned j = i + 1; j < 5; j++) {
      c.t[i + j] = _mm512_madd52lo_epu64(c.t[i + j], x.l[i], x.l[j]);
      c.t[i + j + 1] = _mm512_madd52hi_epu64(c.t[i + j + 1], x.l[i], x.l[j]);
    }
  }
#pragma GCC unroll 10
  for (unsigned k = 0; k < 10; k++) a.t[k] = _mm512_add_epi64(a.t[k], _mm512_add_epi64(c.t[k], c.t[k]));
#pragma GCC unroll 5
  for (unsigned i = 0; i < 5; i++) {
    a.t[2 * i] = _mm512_madd52lo_epu64(a.t[2 * i], x.l[i], x.l[i]);
    a.t[2 * i + 1] = _mm512_madd52hi_epu64(a.t[2 * i + 1], x.l[i], x.l[i]);
  }
}

/** Normalizes carries: limbs 0..3 below 2^52 (the value must be below 2^260 for limb 4 to be too). */
inline void normalize(VF& r) {
  const V mask = _mm512_set1_epi64(static_cast<long long>(kMask52));
#pragma GCC unroll 4
  for (unsigned j = 0; j < 4; j++) {
    r.l[j + 1] = _mm512_add_epi64(r.l[j + 1], srl52(r.l[j]));
    r.l[j] = _mm512_and_si512(r.l[j], mask);
  }
}

/**
 * Montgomery reduction r = a / 2^260 (+ addend) mod p, not brought below p: r < a / 2^260 + p (+ addend).
 * `addend` (normalized limbs, or null) is added before the carries are normalized.
 */
inline void reduce(VF& r, Acc& a, const VF* addend) {
  const V n0 = _mm512_set1_epi64(static_cast<long long>(kN0));
  V m[5];
#pragma GCC unroll 5
  for (unsigned j = 0; j < 5; j++) m[j] = _mm512_set1_epi64(static_cast<long long>(kModulus.l[j]));
#pragma GCC unroll 5
  for (unsigned i = 0; i < 5; i++) {
    const V q = _mm512_madd52lo_epu64(_mm512_setzero_si512(), a.t[i], n0);
#pragma GCC unroll 5
    for (unsigned j = 0; j < 5; j++) {
      a.t[i + j] = _mm512_madd52lo_epu64(a.t[i + j], q, m[j]);
      a.t[i + j + 1] = _mm512_madd52hi_epu64(a.t[i + j + 1], q, m[j]);
    }
    a.t[i + 1] = _mm512_add_epi64(a.t[i + 1], srl52(a.t[i]));  // a.t[i] is now 0 mod 2^52
  }
#pragma GCC unroll 5
  for (unsigned j = 0; j < 5; j++) r.l[j] = addend == nullptr ? a.t[5 + j] : _mm512_add_epi64(a.t[5 + j], addend->l[j]);
  normalize(r);
}

inline VF bcast(const L52& c) {
  VF r;
#pragma GCC unroll 5
  for (unsigned j = 0; j < 5; j++) r.l[j] = _mm512_set1_epi64(static_cast<long long>(c.l[j]));
  return r;
}

inline void vsqr(VF& r, const VF& x) {
  Acc a;
  acc_zero(a);
  acc_sqr(a, x);
  reduce(r, a, nullptr);
}

/** x <- x^5 (+ c if non-null). */
inline void pow5(VF& x, const L52* c) {
  VF x2, x4;
  vsqr(x2, x);
  vsqr(x4, x2);
  Acc a;
  acc_zero(a);
  acc_mul(a, x4, x);
  if (c != nullptr) {
    const VF cv = bcast(*c);
    reduce(x, a, &cv);
  } else {
    reduce(x, a, nullptr);
  }
}

/** state <- state * mat: new[i] = sum_j mat[j * T + i] * state[j]. */
template <unsigned T>
inline void mix(VF* st, const L52* mat) {
  VF out[T];
  for (unsigned i = 0; i < T; i++) {
    Acc a;
    acc_zero(a);
    for (unsigned j = 0; j < T; j++) acc_mulc(a, st[j], mat[j * T + i]);
    reduce(out[i], a, nullptr);
  }
  for (unsigned i = 0; i < T; i++) st[i] = out[i];
}

/**
 * Eight Poseidon permutations (t = T). `st[1..T-1]` hold the inputs as plain normalized limbs; returns the
 * output element (Montgomery-2^260 form, below 2^260, not reduced below p).
 */
template <unsigned T>
VF permute(VF* st, const Tables& tb) {
  const Globals& g = globals();
  const L52* C = tb.c.data();
  // Inputs to Montgomery form, fused with the first round constants: x * 2^520 / 2^260 + C[i].
  st[0] = bcast(C[0]);
  for (unsigned i = 1; i < T; i++) {
    Acc a;
    acc_zero(a);
    acc_mulc(a, st[i], g.r2);
    const VF c = bcast(C[i]);
    reduce(st[i], a, &c);
  }
  // First half of the full rounds: S-box, constants, M (the last one: P).
  for (unsigned r = 0; r < kHalfFull; r++) {
    const L52* rc = C + (r + 1) * T;
    for (unsigned i = 0; i < T; i++) pow5(st[i], rc + i);
    mix<T>(st, r + 1 < kHalfFull ? tb.m.data() : tb.p.data());
  }
  // Partial rounds: one S-box, then the sparse matrix (row 0 dense; column 0 added into the rest).
  const L52* pc = C + (kHalfFull + 1) * T;
  const L52* S = tb.s.data();
  const VF one = bcast(g.one);
  for (unsigned r = 0; r < tb.partial; r++, S += 2 * T - 1) {
    pow5(st[0], pc + r);
    VF s0;
    {
      Acc a;
      acc_zero(a);
      for (unsigned j = 0; j < T; j++) acc_mulc(a, st[j], S[j]);
      reduce(s0, a, nullptr);
    }
    const bool shrink = (r % kReduceEvery) == kReduceEvery - 1;
    for (unsigned k = 1; k < T; k++) {
      Acc a;
      acc_zero(a);
      acc_mulc(a, st[0], S[T + k - 1]);
      VF add = st[k];
      if (shrink) {  // running sums back below ~1.1p before they are added to again
        Acc b;
        acc_zero(b);
        acc_mul(b, st[k], one);
        reduce(add, b, nullptr);
      }
      reduce(st[k], a, &add);
    }
    st[0] = s0;
  }
  // Second half of the full rounds, the last without constants and with only output 0 of its mix.
  const L52* fc = pc + tb.partial;
  for (unsigned r = 0; r + 1 < kHalfFull; r++) {
    for (unsigned i = 0; i < T; i++) pow5(st[i], fc + r * T + i);
    mix<T>(st, tb.m.data());
  }
  for (unsigned i = 0; i < T; i++) pow5(st[i], nullptr);
  Acc a;
  acc_zero(a);
  for (unsigned j = 0; j < T; j++) acc_mulc(a, st[j], tb.m[j * T]);
  VF out;
  reduce(out, a, nullptr);
  // Out of Montgomery form: out * 1 / 2^260 (below p + a little; the scalar side subtracts p if needed).
  Acc b;
  acc_zero(b);
  acc_mulc(b, out, L52{{1, 0, 0, 0, 0}});
  reduce(out, b, nullptr);
  return out;
}

/** Hashes up to 8 items (the rest of the lanes get zeros and are discarded). */
template <unsigned T>
void hash8(const uint8_t* in, size_t in_stride, uint8_t* out, size_t out_stride, size_t count, const Tables& tb) {
  alignas(64) uint64_t lanes[T][5][8] = {};
  for (size_t k = 0; k < count; k++) {
    for (unsigned i = 1; i < T; i++) {
      const L52 x = to_l52(u256_from_le(in + k * in_stride + (i - 1) * 32));
      for (unsigned j = 0; j < 5; j++) lanes[i][j][k] = x.l[j];
    }
  }
  VF st[T];
  for (unsigned i = 1; i < T; i++) {
    for (unsigned j = 0; j < 5; j++) st[i].l[j] = _mm512_load_si512(lanes[i][j]);
  }
  const VF h = permute<T>(st, tb);
  alignas(64) uint64_t res[5][8];
  for (unsigned j = 0; j < 5; j++) _mm512_store_si512(res[j], h.l[j]);
  for (size_t k = 0; k < count; k++) {
    const uint64_t limbs[5] = {res[0][k], res[1][k], res[2][k], res[3][k], res[4][k]};
    U256 v = from_l52(limbs);
    while (!Fr::is_canonical(v)) Fr::cond_sub(v);
    u256_to_le(v, out + k * out_stride);
  }
}

template <unsigned T>
void hash_many(const uint8_t* in, size_t in_stride, uint8_t* out, size_t out_stride, size_t count,
               const Tables& tb) {
  for (size_t b = 0; b < count; b += 8) {
    const size_t m = count - b < 8 ? count - b : 8;
    hash8<T>(in + b * in_stride, in_stride, out + b * out_stride, out_stride, m, tb);
  }
}

#pragma GCC pop_options

bool cpu_has_ifma() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512ifma");
}

}  // namespace

bool poseidon_ifma_supported() {
  static const bool ok = cpu_has_ifma();
  return ok;
}

bool poseidon_ifma_many(unsigned n, const uint8_t* in, size_t in_stride, uint8_t* out, size_t out_stride,
                        size_t count) {
  if (!poseidon_ifma_supported() || n < 1 || n > kIfmaMaxInputs) return false;
  const Tables& tb = globals().tables[n - 1];
  switch (n) {
    case 1: hash_many<2>(in, in_stride, out, out_stride, count, tb); break;
    case 2: hash_many<3>(in, in_stride, out, out_stride, count, tb); break;
    case 3: hash_many<4>(in, in_stride, out, out_stride, count, tb); break;
    case 4: hash_many<5>(in, in_stride, out, out_stride, count, tb); break;
    case 5: hash_many<6>(in, in_stride, out, out_stride, count, tb); break;
    case 6: hash_many<7>(in, in_stride, out, out_stride, count, tb); break;
    case 7: hash_many<8>(in, in_stride, out, out_stride, count, tb); break;
    case 8: hash_many<9>(in, in_stride, out, out_stride, count, tb); break;
    default: return false;
  }
  return true;
}

void poseidon_ifma_init() {
  if (poseidon_ifma_supported()) (void)globals();
}

}  // namespace por

#else  // no IFMA path on this target

namespace por {
bool poseidon_ifma_supported() { return false; }
bool poseidon_ifma_many(unsigned, const uint8_t*, size_t, uint8_t*, size_t, size_t) { return false; }
void poseidon_ifma_init() {}
}  // namespace por

#endif
