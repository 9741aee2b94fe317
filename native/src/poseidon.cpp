// Optimized Poseidon (circomlibjs poseidon_opt.js): first half of the full rounds with the dense MDS
// matrix M, the last of them followed by the pre-sparse matrix P, then the partial rounds with one
// sparse matrix each (row 0 dense, the rest identity plus a column), then the second half of the full
// rounds. All constants come from circomlibjs's own tables (see gen-constants.mjs).
#include "poseidon.hpp"

#include "poseidon_constants.h"

namespace por {
namespace {

inline void pow5(U256& x) {
  U256 x2, x4;
  Fr::sqr(x2, x);
  Fr::sqr(x4, x2);
  Fr::mul(x, x4, x);
}

/** state <- state * mat, where new[i] = sum_j mat[j][i] * state[j] (mat row-major, t x t). */
inline void mix(U256* state, const U256* mat, unsigned t) {
  U256 out[kPoseidonMaxInputs + 1];
  for (unsigned i = 0; i < t; i++) {
    U256 acc;
    Fr::mul(acc, state[0], mat[i]);
    for (unsigned j = 1; j < t; j++) {
      U256 prod;
      Fr::mul(prod, state[j], mat[j * t + i]);
      Fr::add(acc, acc, prod);
    }
    out[i] = acc;
  }
  for (unsigned i = 0; i < t; i++) state[i] = out[i];
}

inline void add_constants(U256* state, const U256* c, unsigned t) {
  for (unsigned i = 0; i < t; i++) Fr::add(state[i], state[i], c[i]);
}

}  // namespace

U256 poseidon_mont(const U256* inputs, unsigned n) {
  const gen::PoseidonParams& prm = gen::POSEIDON[n - 1];
  const unsigned t = prm.t;
  const unsigned half = gen::POSEIDON_FULL_ROUNDS / 2;
  const U256* C = prm.c;

  U256 state[kPoseidonMaxInputs + 1];
  state[0] = U256{{0, 0, 0, 0}};
  for (unsigned i = 0; i < n; i++) state[i + 1] = inputs[i];

  add_constants(state, C, t);
  for (unsigned r = 0; r + 1 < half; r++) {
    for (unsigned i = 0; i < t; i++) pow5(state[i]);
    add_constants(state, C + (r + 1) * t, t);
    mix(state, prm.m, t);
  }
  for (unsigned i = 0; i < t; i++) pow5(state[i]);
  add_constants(state, C + half * t, t);
  mix(state, prm.p, t);

  const U256* pc = C + (half + 1) * t;
  for (unsigned r = 0; r < prm.partial_rounds; r++) {
    pow5(state[0]);
    Fr::add(state[0], state[0], pc[r]);
    const U256* S = prm.s + (2 * t - 1) * r;
    U256 s0;
    Fr::mul(s0, state[0], S[0]);
    for (unsigned j = 1; j < t; j++) {
      U256 prod;
      Fr::mul(prod, state[j], S[j]);
      Fr::add(s0, s0, prod);
    }
    for (unsigned k = 1; k < t; k++) {
      U256 prod;
      Fr::mul(prod, state[0], S[t + k - 1]);
      Fr::add(state[k], state[k], prod);
    }
    state[0] = s0;
  }

  const U256* fc = C + (half + 1) * t + prm.partial_rounds;
  for (unsigned r = 0; r + 1 < half; r++) {
    for (unsigned i = 0; i < t; i++) pow5(state[i]);
    add_constants(state, fc + r * t, t);
    mix(state, prm.m, t);
  }
  for (unsigned i = 0; i < t; i++) pow5(state[i]);
  // Only output 0 of the final mix is needed.
  U256 out;
  Fr::mul(out, state[0], prm.m[0]);
  for (unsigned j = 1; j < t; j++) {
    U256 prod;
    Fr::mul(prod, state[j], prm.m[j * t]);
    Fr::add(out, out, prod);
  }
  return out;
}

}  // namespace por
