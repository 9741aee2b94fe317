// Optimized Poseidon (circomlibjs poseidon_opt.js): first half of the full rounds with the dense MDS
// matrix M, the last of them followed by the pre-sparse matrix P, then the partial rounds with one
// sparse matrix each (row 0 dense, the rest identity plus a column), then the second half of the full
// rounds. All constants come from circomlibjs's own tables (see gen-constants.mjs).
// Each width is its own template instance, so the compiler unrolls every loop over the state, and every
// matrix-vector product reduces once per output element (Field::dot), not once per product.
#include "poseidon.hpp"

#include <atomic>
#include <cstdlib>
#include <cstring>

#include "poseidon_constants.h"
#include "poseidon_ifma.hpp"

namespace por {
namespace {

inline void pow5(U256& x) {
  U256 x2, x4;
  Fr::sqr(x2, x);
  Fr::sqr(x4, x2);
  Fr::mul(x, x4, x);
}

/** state <- state * mat, where new[i] = sum_j mat[j][i] * state[j] (mat row-major, T x T). */
template <unsigned T>
inline void mix(U256* state, const U256* mat) {
  U256 out[T];
  for (unsigned i = 0; i < T; i++) {
    Fr::dot<T>(out[i], state, [mat, i](unsigned j) -> const U256& { return mat[j * T + i]; }, nullptr);
  }
  for (unsigned i = 0; i < T; i++) state[i] = out[i];
}

template <unsigned T>
inline void full_round(U256* state, const U256* c, const U256* mat) {
  for (unsigned i = 0; i < T; i++) pow5(state[i]);
  if (c != nullptr) {
    for (unsigned i = 0; i < T; i++) Fr::add(state[i], state[i], c[i]);
  }
  mix<T>(state, mat);
}

template <unsigned T>
U256 poseidon_t(const U256* inputs) {
  const gen::PoseidonParams& prm = gen::POSEIDON[T - 2];
  constexpr unsigned half = gen::POSEIDON_FULL_ROUNDS / 2;
  const U256* C = prm.c;

  U256 state[T];
  state[0] = U256{{0, 0, 0, 0}};
  for (unsigned i = 1; i < T; i++) state[i] = inputs[i - 1];

  for (unsigned i = 0; i < T; i++) Fr::add(state[i], state[i], C[i]);
  for (unsigned r = 0; r + 1 < half; r++) full_round<T>(state, C + (r + 1) * T, prm.m);
  full_round<T>(state, C + half * T, prm.p);

  const U256* pc = C + (half + 1) * T;
  const U256* S = prm.s;
  for (unsigned r = 0; r < prm.partial_rounds; r++, S += 2 * T - 1) {
    pow5(state[0]);
    Fr::add(state[0], state[0], pc[r]);
    U256 s0;
    Fr::dot<T>(s0, state, [S](unsigned j) -> const U256& { return S[j]; }, nullptr);
    for (unsigned k = 1; k < T; k++) Fr::mul_add(state[k], state[0], S[T + k - 1], state[k]);
    state[0] = s0;
  }

  const U256* fc = C + (half + 1) * T + prm.partial_rounds;
  for (unsigned r = 0; r + 1 < half; r++) full_round<T>(state, fc + r * T, prm.m);
  // Last round: no constants, and only output 0 of the final mix is needed.
  for (unsigned i = 0; i < T; i++) pow5(state[i]);
  U256 out;
  const U256* m = prm.m;
  Fr::dot<T>(out, state, [m](unsigned j) -> const U256& { return m[j * T]; }, nullptr);
  return out;
}


std::atomic<bool>& simd_flag() {
  static std::atomic<bool> flag{[] {
    const char* env = std::getenv("POR_NATIVE_SIMD");
    return !(env != nullptr && std::strcmp(env, "0") == 0);
  }()};
  return flag;
}

}  // namespace

bool set_poseidon_simd(bool enabled) { return simd_flag().exchange(enabled); }

const char* poseidon_kernel() {
  return simd_flag().load(std::memory_order_relaxed) && poseidon_ifma_supported() ? "avx512ifma" : "scalar";
}

void poseidon_many(unsigned n, const uint8_t* in, size_t in_stride, uint8_t* out, size_t out_stride, size_t count) {
  if (simd_flag().load(std::memory_order_relaxed) && poseidon_ifma_many(n, in, in_stride, out, out_stride, count)) {
    return;
  }
  U256 x[kPoseidonMaxInputs];
  for (size_t k = 0; k < count; k++) {
    const uint8_t* item = in + k * in_stride;
    for (unsigned i = 0; i < n; i++) x[i] = Fr::to_mont(u256_from_le(item + i * 32));
    u256_to_le(Fr::from_mont(poseidon_mont(x, n)), out + k * out_stride);
  }
}

U256 poseidon_mont(const U256* inputs, unsigned n) {
  switch (n + 1) {
    case 2: return poseidon_t<2>(inputs);
    case 3: return poseidon_t<3>(inputs);
    case 4: return poseidon_t<4>(inputs);
    case 5: return poseidon_t<5>(inputs);
    case 6: return poseidon_t<6>(inputs);
    case 7: return poseidon_t<7>(inputs);
    case 8: return poseidon_t<8>(inputs);
    case 9: return poseidon_t<9>(inputs);
    case 10: return poseidon_t<10>(inputs);
    case 11: return poseidon_t<11>(inputs);
    case 12: return poseidon_t<12>(inputs);
    case 13: return poseidon_t<13>(inputs);
    case 14: return poseidon_t<14>(inputs);
    case 15: return poseidon_t<15>(inputs);
    case 16: return poseidon_t<16>(inputs);
    case 17: return poseidon_t<17>(inputs);
    default: return U256{{0, 0, 0, 0}};  // unreachable: callers check 1 <= n <= 16
  }
}

}  // namespace por
