// BLAKE-512 as specified in the SHA-3 submission (J.-P. Aumasson et al., version 1.3): 128-byte blocks of
// sixteen big-endian 64-bit words, 16 rounds of the G function with rotations 32, 25, 16, 11, a bit counter
// that counts message bits only (0 for a block holding nothing but padding), padding 1 0* 1 <128-bit length>.
// The IV and the 16 round constants come from the generated header (derived from their definitions).
#include "blake512.hpp"

#include <cstring>

#include "por_params.h"

namespace por {
namespace {

// The ten message-word permutations sigma_0 .. sigma_9 of the specification (round r uses sigma_{r mod 10}).
constexpr uint8_t kSigma[10][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4}, {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13}, {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11}, {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5}, {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
};

constexpr unsigned kRounds = 16;

inline uint64_t rotr(uint64_t x, unsigned n) { return (x >> n) | (x << (64 - n)); }

inline uint64_t load_be64(const uint8_t* p) {
  uint64_t w = 0;
  for (int i = 0; i < 8; i++) w = (w << 8) | p[i];
  return w;
}

inline void store_be64(uint8_t* p, uint64_t w) {
  for (int i = 7; i >= 0; i--) {
    p[i] = static_cast<uint8_t>(w);
    w >>= 8;
  }
}

struct State {
  uint64_t h[8];
  uint64_t t0 = 0;  // bit counter, low word
  uint64_t t1 = 0;  // bit counter, high word
};

inline void g(uint64_t* v, const uint64_t* m, const uint8_t* s, unsigned i, unsigned a, unsigned b, unsigned c,
              unsigned d) {
  const uint64_t* k = gen::BLAKE512_C;
  v[a] = v[a] + v[b] + (m[s[2 * i]] ^ k[s[2 * i + 1]]);
  v[d] = rotr(v[d] ^ v[a], 32);
  v[c] = v[c] + v[d];
  v[b] = rotr(v[b] ^ v[c], 25);
  v[a] = v[a] + v[b] + (m[s[2 * i + 1]] ^ k[s[2 * i]]);
  v[d] = rotr(v[d] ^ v[a], 16);
  v[c] = v[c] + v[d];
  v[b] = rotr(v[b] ^ v[c], 11);
}

/** Compresses one 128-byte block with counter (t0, t1); the salt is zero. */
void compress(State& st, const uint8_t* block, uint64_t t0, uint64_t t1) {
  uint64_t m[16];
  for (int i = 0; i < 16; i++) m[i] = load_be64(block + 8 * i);
  uint64_t v[16];
  const uint64_t* c = gen::BLAKE512_C;
  for (int i = 0; i < 8; i++) v[i] = st.h[i];
  v[8] = c[0];
  v[9] = c[1];
  v[10] = c[2];
  v[11] = c[3];
  v[12] = t0 ^ c[4];
  v[13] = t0 ^ c[5];
  v[14] = t1 ^ c[6];
  v[15] = t1 ^ c[7];
  for (unsigned r = 0; r < kRounds; r++) {
    const uint8_t* s = kSigma[r % 10];
    g(v, m, s, 0, 0, 4, 8, 12);
    g(v, m, s, 1, 1, 5, 9, 13);
    g(v, m, s, 2, 2, 6, 10, 14);
    g(v, m, s, 3, 3, 7, 11, 15);
    g(v, m, s, 4, 0, 5, 10, 15);
    g(v, m, s, 5, 1, 6, 11, 12);
    g(v, m, s, 6, 2, 7, 8, 13);
    g(v, m, s, 7, 3, 4, 9, 14);
  }
  for (int i = 0; i < 8; i++) st.h[i] ^= v[i] ^ v[i + 8];
}

inline void add_bits(State& st, uint64_t bits) {
  st.t0 += bits;
  if (st.t0 < bits) st.t1++;
}

}  // namespace

void blake512(const uint8_t* data, size_t len, uint8_t out[64]) {
  State st;
  std::memcpy(st.h, gen::BLAKE512_IV, sizeof st.h);
  // Full blocks that are not the last bytes of the message (a message whose length is a multiple of 128
  // still gets its last block compressed here, followed by a padding-only block).
  size_t off = 0;
  while (len - off >= 128) {
    add_bits(st, 1024);
    compress(st, data + off, st.t0, st.t1);
    off += 128;
  }
  const size_t rest = len - off;  // 0..127 message bytes left
  // Total message length in bits (128-bit, big-endian in the padding).
  const uint64_t len_lo = static_cast<uint64_t>(len) << 3;
  const uint64_t len_hi = static_cast<uint64_t>(len) >> 61;

  uint8_t buf[256];
  std::memset(buf, 0, sizeof buf);
  std::memcpy(buf, data + off, rest);
  buf[rest] = 0x80;
  if (rest <= 111) {
    // Padding fits in this block: the 1 bit before the length sits in byte 111 (0x81 if rest == 111).
    buf[111] |= 0x01;
    store_be64(buf + 112, len_hi);
    store_be64(buf + 120, len_lo);
    if (rest == 0) {
      // The block holds no message bits: counter 0.
      compress(st, buf, 0, 0);
    } else {
      add_bits(st, static_cast<uint64_t>(rest) << 3);
      compress(st, buf, st.t0, st.t1);
    }
  } else {
    // Two blocks: message tail plus the start of padding, then a padding-only block (counter 0).
    buf[255 - 16] |= 0x01;
    store_be64(buf + 240, len_hi);
    store_be64(buf + 248, len_lo);
    add_bits(st, static_cast<uint64_t>(rest) << 3);
    compress(st, buf, st.t0, st.t1);
    compress(st, buf + 128, 0, 0);
  }
  for (int i = 0; i < 8; i++) store_be64(out + 8 * i, st.h[i]);
}

}  // namespace por
