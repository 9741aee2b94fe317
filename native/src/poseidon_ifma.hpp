// Batch Poseidon for 1..8 inputs on AVX-512 IFMA (eight hashes per instruction stream), chosen at run time by
// CPUID. Bit-for-bit the same results as poseidon_mont (tested); see poseidon_ifma.cpp.
#pragma once

#include <cstddef>
#include <cstdint>

#include "field.hpp"

namespace por {

/** Most inputs the IFMA kernel takes (t = 9); wider hashes use the scalar kernel. */
inline constexpr unsigned kIfmaMaxInputs = 8;

/** True if this CPU (and build) can run the IFMA kernel: x86-64 with AVX-512F and AVX-512 IFMA. */
bool poseidon_ifma_supported();

/**
 * Hashes `count` items of `n` inputs each (1 <= n <= kIfmaMaxInputs) if the IFMA kernel is supported, and returns true;
 * returns false (and does nothing) otherwise. Item k's inputs are n canonical 32-byte little-endian words at
 * `in + k * in_stride`; its hash (canonical, 32 bytes LE) goes to `out + k * out_stride`.
 */
bool poseidon_ifma_many(unsigned n, const uint8_t* in, size_t in_stride, uint8_t* out, size_t out_stride,
                        size_t count);

/** Builds the kernel's constant tables now (otherwise its first call does; thread-safe either way). */
void poseidon_ifma_init();

}  // namespace por
