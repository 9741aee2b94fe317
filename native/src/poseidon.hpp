// circomlib Poseidon over the BN254 scalar field (widths t = 2..17, i.e. 1..16 inputs), computed with the
// optimized round structure of circomlibjs `poseidon_opt.js` (sparse partial-round matrices).
#pragma once

#include <cstddef>

#include "field.hpp"

namespace por {

/** Largest number of Poseidon inputs supported (t = 17). */
inline constexpr unsigned kPoseidonMaxInputs = 16;

/**
 * Poseidon of `n` (1..16) inputs given in Montgomery form; returns the hash in Montgomery form.
 * Initial capacity state is 0, single output, exactly as circomlibjs `poseidon(inputs)`.
 */
U256 poseidon_mont(const U256* inputs, unsigned n);

}  // namespace por
