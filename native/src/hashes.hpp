// SHA-256 (FIPS 180-4; SHA-NI when the CPU has it, else portable C++), HMAC-SHA256 (RFC 2104) and Ethereum's
// keccak256 (Keccak-f[1600], rate 136, padding 0x01..0x80), for the snapshot's batched derivations (issue 18):
// account salts, account-id fields, slot candidates, payout salts and hashes, EIP-55 checksums. Bit for bit what
// node:crypto and js-sha3 compute (test/native/hashes.test.ts).
#pragma once

#include <cstddef>
#include <cstdint>

namespace por {

/** SHA-256 of `len` bytes. */
void sha256(const uint8_t* data, size_t len, uint8_t out[32]);

/** HMAC-SHA256 with a key of at most 64 bytes over prefix || data, prepared once per key and prefix. */
struct HmacSha256 {
  uint32_t inner[8];  // state after the ipad block
  uint32_t outer[8];  // state after the opad block
  HmacSha256(const uint8_t* key, size_t key_len);
  /** MAC of prefix || msg (two parts, so a fixed prefix needs no copy per message). */
  void mac(const uint8_t* prefix, size_t prefix_len, const uint8_t* msg, size_t msg_len, uint8_t out[32]) const;
};

/** keccak256 of `len` bytes (Ethereum's, not SHA3-256). */
void keccak256(const uint8_t* data, size_t len, uint8_t out[32]);

/** "sha-ni" or "scalar": the SHA-256 compression in use. */
const char* sha256_kernel();
/** Switches SHA-NI off (tests) or back on where the CPU has it; returns the previous state. */
bool set_sha256_ni(bool enabled);

}  // namespace por
