// EdDSA-Poseidon on Baby Jubjub exactly as circomlibjs 0.1.7 `eddsa.prv2pub` / `eddsa.signPoseidon`.
#pragma once

#include <cstddef>
#include <cstdint>

#include "babyjub.hpp"

namespace por {

/** A private key expanded once: the pruned BLAKE-512 digest, the scalar s and the public key A. */
struct SigningKey {
  uint8_t digest[64];  // pruned blake512(prv): bytes 0..31 are s (LE), bytes 32..63 seed the nonces
  U256 s;              // plain integer, < 2^255
  Affine a;            // A = (s >> 3) * Base8
};

/** Expands a 32-byte private key as circomlibjs does (blake512, pruneBuffer, A = Base8 * (s >> 3)). */
SigningKey expand_key(const uint8_t prv[32]);

/**
 * signPoseidon of the field element `msg` (plain integer, must be < p) with `key`. Writes R8.x, R8.y and S
 * as 32-byte little-endian integers to out[0..96).
 */
void sign_poseidon(const SigningKey& key, const U256& msg, uint8_t out[96]);

/**
 * sign_poseidon of `count` messages (32-byte little-endian, each < p) at `msgs`, signatures (96 bytes each) to `out`:
 * the same bytes, computed in chunks with one field inversion per chunk (mul_base8_many) and the challenge hashes
 * Poseidon(R8.x, R8.y, A.x, A.y, m) as one poseidon_many batch (the AVX-512 IFMA kernel where available).
 */
void sign_poseidon_many(const SigningKey& key, const uint8_t* msgs, uint8_t* out, size_t count);

/** Whether signMany uses sign_poseidon_many (default) or sign_poseidon one message at a time; returns the previous. */
bool set_sign_batched(bool enabled);
bool sign_batched();

}  // namespace por
