// SHA-256, HMAC-SHA256 and keccak256 (see hashes.hpp).
#include "hashes.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>

#if (defined(__x86_64__) || defined(__i386__)) && !defined(POR_NO_ASM)
#define POR_SHA_NI 1
#include <cpuid.h>
#include <immintrin.h>
#endif

namespace por {
namespace {

alignas(16) constexpr uint32_t K256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

constexpr uint32_t H256[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                              0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

inline uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

inline uint32_t load_be32(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

void compress_scalar(uint32_t s[8], const uint8_t* data, size_t blocks) {
  for (; blocks > 0; blocks--, data += 64) {
    uint32_t w[64];
    for (int i = 0; i < 16; i++) w[i] = load_be32(data + 4 * i);
    for (int i = 16; i < 64; i++) {
      const uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
      const uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = s[0], b = s[1], c = s[2], d = s[3], e = s[4], f = s[5], g = s[6], h = s[7];
    for (int i = 0; i < 64; i++) {
      const uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K256[i] + w[i];
      const uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      h = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    s[0] += a;
    s[1] += b;
    s[2] += c;
    s[3] += d;
    s[4] += e;
    s[5] += f;
    s[6] += g;
    s[7] += h;
  }
}

#ifdef POR_SHA_NI
/** The SHA-NI compression (Intel's SHA extensions: sha256rnds2, sha256msg1/2), four rounds per step. */
__attribute__((target("sha,sse4.1"))) void compress_ni(uint32_t s[8], const uint8_t* data, size_t blocks) {
  const __m128i mask = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  __m128i tmp = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&s[0]));
  __m128i st1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&s[4]));
  tmp = _mm_shuffle_epi32(tmp, 0xB1);        // CDAB
  st1 = _mm_shuffle_epi32(st1, 0x1B);        // EFGH
  __m128i st0 = _mm_alignr_epi8(tmp, st1, 8);  // ABEF
  st1 = _mm_blend_epi16(st1, tmp, 0xF0);     // CDGH
  for (; blocks > 0; blocks--, data += 64) {
    const __m128i abef = st0;
    const __m128i cdgh = st1;
    __m128i m[4];
    for (int i = 0; i < 4; i++) {
      m[i] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(data + 16 * i)), mask);
    }
#pragma GCC unroll 16
    for (int g = 0; g < 16; g++) {
      const __m128i cur = m[g & 3];
      __m128i msg = _mm_add_epi32(cur, _mm_load_si128(reinterpret_cast<const __m128i*>(&K256[4 * g])));
      st1 = _mm_sha256rnds2_epu32(st1, st0, msg);
      if (g >= 3 && g <= 14) {
        __m128i& next = m[(g + 1) & 3];
        next = _mm_add_epi32(next, _mm_alignr_epi8(cur, m[(g + 3) & 3], 4));
        next = _mm_sha256msg2_epu32(next, cur);
      }
      msg = _mm_shuffle_epi32(msg, 0x0E);
      st0 = _mm_sha256rnds2_epu32(st0, st1, msg);
      if (g >= 1 && g <= 12) m[(g + 3) & 3] = _mm_sha256msg1_epu32(m[(g + 3) & 3], cur);
    }
    st0 = _mm_add_epi32(st0, abef);
    st1 = _mm_add_epi32(st1, cdgh);
  }
  tmp = _mm_shuffle_epi32(st0, 0x1B);     // FEBA
  st1 = _mm_shuffle_epi32(st1, 0xB1);     // DCHG
  st0 = _mm_blend_epi16(tmp, st1, 0xF0);  // DCBA
  st1 = _mm_alignr_epi8(st1, tmp, 8);     // ABEF
  _mm_storeu_si128(reinterpret_cast<__m128i*>(&s[0]), st0);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(&s[4]), st1);
}

bool cpu_has_sha_ni() {
  __builtin_cpu_init();
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (__get_cpuid_count(7, 0, &a, &b, &c, &d) == 0) return false;  // leaf 7 absent
  const bool sha = (b >> 29) & 1;                                  // CPUID.(EAX=7,ECX=0):EBX.SHA[bit 29]
  return sha && __builtin_cpu_supports("sse4.1") && __builtin_cpu_supports("ssse3");
}
const bool kHasShaNi = cpu_has_sha_ni();
std::atomic<bool> g_sha_ni{kHasShaNi};
#else
constexpr bool kHasShaNi = false;
std::atomic<bool> g_sha_ni{false};
#endif

inline void compress(uint32_t s[8], const uint8_t* data, size_t blocks) {
#ifdef POR_SHA_NI
  if (g_sha_ni.load(std::memory_order_relaxed)) return compress_ni(s, data, blocks);
#endif
  compress_scalar(s, data, blocks);
}

/** A streaming SHA-256 over at most a few parts (no allocation). */
struct Sha256 {
  uint32_t s[8];
  uint8_t buf[64];
  size_t fill = 0;
  uint64_t total = 0;

  explicit Sha256(const uint32_t init[8]) { std::memcpy(s, init, sizeof s); }
  Sha256(const uint32_t init[8], uint64_t already) : total(already) { std::memcpy(s, init, sizeof s); }

  void update(const uint8_t* p, size_t len) {
    total += len;
    if (fill > 0) {
      const size_t take = std::min(len, 64 - fill);
      std::memcpy(buf + fill, p, take);
      fill += take;
      p += take;
      len -= take;
      if (fill < 64) return;
      compress(s, buf, 1);
      fill = 0;
    }
    if (len >= 64) {
      compress(s, p, len / 64);
      p += len / 64 * 64;
      len %= 64;
    }
    if (len > 0) {
      std::memcpy(buf, p, len);
      fill = len;
    }
  }

  void final(uint8_t out[32]) {
    const uint64_t bits = total * 8;
    buf[fill++] = 0x80;
    if (fill > 56) {
      std::memset(buf + fill, 0, 64 - fill);
      compress(s, buf, 1);
      fill = 0;
    }
    std::memset(buf + fill, 0, 56 - fill);
    for (int i = 0; i < 8; i++) buf[56 + i] = static_cast<uint8_t>(bits >> (56 - 8 * i));
    compress(s, buf, 1);
    for (int i = 0; i < 8; i++) {
      out[4 * i] = static_cast<uint8_t>(s[i] >> 24);
      out[4 * i + 1] = static_cast<uint8_t>(s[i] >> 16);
      out[4 * i + 2] = static_cast<uint8_t>(s[i] >> 8);
      out[4 * i + 3] = static_cast<uint8_t>(s[i]);
    }
  }
};

constexpr uint64_t RC[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
    0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};
constexpr int ROTC[24] = {1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 2, 14, 27, 41, 56, 8, 25, 43, 62, 18, 39, 61, 20, 44};
constexpr int PILN[24] = {10, 7, 11, 17, 18, 3, 5, 16, 8, 21, 24, 4, 15, 23, 19, 13, 12, 2, 20, 14, 22, 9, 6, 1};

inline uint64_t rotl64(uint64_t x, int n) { return (x << n) | (x >> (64 - n)); }

void keccakf(uint64_t st[25]) {
  uint64_t bc[5];
  for (int round = 0; round < 24; round++) {
    for (int i = 0; i < 5; i++) bc[i] = st[i] ^ st[i + 5] ^ st[i + 10] ^ st[i + 15] ^ st[i + 20];
    for (int i = 0; i < 5; i++) {
      const uint64_t t = bc[(i + 4) % 5] ^ rotl64(bc[(i + 1) % 5], 1);
      for (int j = 0; j < 25; j += 5) st[j + i] ^= t;
    }
    uint64_t t = st[1];
    for (int i = 0; i < 24; i++) {
      const int j = PILN[i];
      const uint64_t x = st[j];
      st[j] = rotl64(t, ROTC[i]);
      t = x;
    }
    for (int j = 0; j < 25; j += 5) {
      for (int i = 0; i < 5; i++) bc[i] = st[j + i];
      for (int i = 0; i < 5; i++) st[j + i] ^= (~bc[(i + 1) % 5]) & bc[(i + 2) % 5];
    }
    st[0] ^= RC[round];
  }
}

inline void xor_lane_bytes(uint64_t st[25], size_t at, uint8_t v) { st[at / 8] ^= uint64_t(v) << (8 * (at % 8)); }

}  // namespace

void sha256(const uint8_t* data, size_t len, uint8_t out[32]) {
  Sha256 h(H256);
  h.update(data, len);
  h.final(out);
}

HmacSha256::HmacSha256(const uint8_t* key, size_t key_len) {
  uint8_t pad[64];
  for (int i = 0; i < 64; i++) pad[i] = static_cast<uint8_t>((size_t(i) < key_len ? key[i] : 0) ^ 0x36);
  std::memcpy(inner, H256, sizeof inner);
  compress(inner, pad, 1);
  for (int i = 0; i < 64; i++) pad[i] = static_cast<uint8_t>((size_t(i) < key_len ? key[i] : 0) ^ 0x5c);
  std::memcpy(outer, H256, sizeof outer);
  compress(outer, pad, 1);
}

void HmacSha256::mac(const uint8_t* prefix, size_t prefix_len, const uint8_t* msg, size_t msg_len,
                     uint8_t out[32]) const {
  uint8_t ih[32];
  Sha256 in(inner, 64);
  in.update(prefix, prefix_len);
  in.update(msg, msg_len);
  in.final(ih);
  Sha256 o(outer, 64);
  o.update(ih, 32);
  o.final(out);
}

void keccak256(const uint8_t* data, size_t len, uint8_t out[32]) {
  constexpr size_t rate = 136;
  uint64_t st[25] = {0};
  while (len >= rate) {
    for (size_t i = 0; i < rate / 8; i++) {
      uint64_t lane = 0;
      for (int b = 7; b >= 0; b--) lane = (lane << 8) | data[8 * i + b];
      st[i] ^= lane;
    }
    keccakf(st);
    data += rate;
    len -= rate;
  }
  for (size_t i = 0; i < len; i++) xor_lane_bytes(st, i, data[i]);
  xor_lane_bytes(st, len, 0x01);
  xor_lane_bytes(st, rate - 1, 0x80);
  keccakf(st);
  for (size_t i = 0; i < 32; i++) out[i] = static_cast<uint8_t>(st[i / 8] >> (8 * (i % 8)));
}

const char* sha256_kernel() { return g_sha_ni.load() ? "sha-ni" : "scalar"; }

bool set_sha256_ni(bool enabled) { return g_sha_ni.exchange(enabled && kHasShaNi); }

}  // namespace por
