// EdDSA-Poseidon verification in batches, exactly as src/crypto/eddsa-js.ts verifyJs decides: m < p, S < l, R8 on the
// curve (canonical coordinates), the key A in the prime-order subgroup (canonical, on the curve, not the identity,
// l * A = identity; circomlib accepts more), and S * Base8 == R8 + 8 * Poseidon(R8x, R8y, Ax, Ay, m) * A.
#pragma once

#include <cstddef>
#include <cstdint>

namespace por {

/** Bytes per item: m, R8x, R8y, S, Ax, Ay as 32-byte little-endian integers (any value below 2^256). */
inline constexpr size_t kVerifyItemBytes = 192;

/**
 * Verifies `count` items at `items` (kVerifyItemBytes each); out[i] = 1 for a valid signature, 0 otherwise. The
 * variable-base multiplications use a 4-bit window table per distinct key of the batch (built once, shared by the
 * key's items), the challenge hashes one poseidon_many batch, and the comparison is projective (no inversion).
 */
void verify_poseidon_many(const uint8_t* items, uint8_t* out, size_t count);

}  // namespace por
