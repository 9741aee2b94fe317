// BLAKE-512 (the SHA-3 finalist BLAKE, 16 rounds; not BLAKE2b), as circomlibjs uses it through the
// `blake-hash` package for EdDSA key derivation and nonces.
#pragma once

#include <cstddef>
#include <cstdint>

namespace por {

/** BLAKE-512 of `len` bytes at `data` (no salt), 64-byte digest into `out`. */
void blake512(const uint8_t* data, size_t len, uint8_t out[64]);

}  // namespace por
