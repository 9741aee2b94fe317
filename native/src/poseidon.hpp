// circomlib Poseidon over the BN254 scalar field (widths t = 2..17, i.e. 1..16 inputs), computed with the
// optimized round structure of circomlibjs `poseidon_opt.js` (sparse partial-round matrices).
#pragma once

#include <cstddef>
#include <cstdint>

#include "field.hpp"

namespace por {

/** Largest number of Poseidon inputs supported (t = 17). */
inline constexpr unsigned kPoseidonMaxInputs = 16;

/**
 * Poseidon of `n` (1..16) inputs given in Montgomery form; returns the hash in Montgomery form.
 * Initial capacity state is 0, single output, exactly as circomlibjs `poseidon(inputs)`.
 */
U256 poseidon_mont(const U256* inputs, unsigned n);

/**
 * Hashes `count` independent items of `n` (1..16) inputs each: item k's inputs are n canonical 32-byte
 * little-endian words at `in + k * in_stride`, its hash (canonical, 32 bytes LE) goes to `out + k * out_stride`.
 * Uses the AVX-512 IFMA kernel (poseidon_ifma.hpp) for n <= 8 when the CPU has it and SIMD is enabled,
 * else poseidon_mont item by item. Inputs must already be checked (< p).
 */
void poseidon_many(unsigned n, const uint8_t* in, size_t in_stride, uint8_t* out, size_t out_stride, size_t count);

/**
 * Enables or disables the SIMD kernel for poseidon_many (process-wide; for tests and measurements). The initial
 * state is enabled unless the environment variable POR_NATIVE_SIMD is "0". Returns the previous state.
 */
bool set_poseidon_simd(bool enabled);

/** The kernel poseidon_many uses for up to 8 inputs now: "avx512ifma" or "scalar". */
const char* poseidon_kernel();

}  // namespace por
