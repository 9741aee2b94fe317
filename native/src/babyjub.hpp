// Baby Jubjub (twisted Edwards a*x^2 + y^2 = 1 + d*x^2*y^2 over the BN254 scalar field, circomlib's
// parameters): fixed-base scalar multiplication of Base8 with a precomputed table.
#pragma once

#include <cstddef>

#include "field.hpp"

namespace por {

/** Affine point, coordinates in Montgomery form. */
struct Affine {
  U256 x;
  U256 y;
};

/** A point in extended twisted Edwards coordinates (x = X/Z, y = Y/Z, T = XY/Z), Montgomery form. */
struct ExtPoint {
  U256 x, y, z, t;
};

/** p + q in extended coordinates (add-2008-hwcd for general a; complete on Baby Jubjub). */
ExtPoint ext_add(const ExtPoint& p, const ExtPoint& q);

/** k * Base8 for any 256-bit integer k (plain, not Montgomery). The result is affine, reduced mod p. */
Affine mul_base8(const U256& k);

/** mul_base8 of `count` scalars, with one field inversion for the whole batch (the same points, bit for bit). */
void mul_base8_many(const U256* ks, Affine* out, size_t count);

/** k * Base8 in projective form (X : Y : Z), Montgomery coordinates, no inversion. */
void mul_base8_proj(const U256& k, U256& x, U256& y, U256& z);

/** Builds the fixed-base table now (otherwise the first mul_base8 does; thread-safe either way). */
void babyjub_init();

}  // namespace por
