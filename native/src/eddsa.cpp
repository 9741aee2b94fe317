// circomlibjs signPoseidon, step by step:
//   sBuff = pruneBuffer(blake512(prv)); s = LE(sBuff[0..32)); A = Base8 * (s >> 3)
//   r     = LE(blake512(sBuff[32..64) || LE32(msg))) mod l         (l: Baby Jubjub subgroup order)
//   R8    = Base8 * r
//   hm    = Poseidon(R8.x, R8.y, A.x, A.y, msg)
//   S     = (r + hm * s) mod l                                     (s unshifted, as circomlibjs does)
#include "eddsa.hpp"

#include <atomic>
#include <cstring>

#include "blake512.hpp"
#include "poseidon.hpp"

namespace por {

SigningKey expand_key(const uint8_t prv[32]) {
  SigningKey k;
  blake512(prv, 32, k.digest);
  // circomlibjs pruneBuffer.
  k.digest[0] &= 0xF8;
  k.digest[31] &= 0x7F;
  k.digest[31] |= 0x40;
  k.s = u256_from_le(k.digest);
  k.a = mul_base8(u256_shr(k.s, 3));
  return k;
}

namespace {

/** The nonce r of `msg` (plain) and r in Montgomery form mod l. */
void nonce(const SigningKey& key, const U256& msg, U256& r, U256& r_m) {
  uint8_t buf[64];
  std::memcpy(buf, key.digest + 32, 32);
  u256_to_le(msg, buf + 32);
  uint8_t rdig[64];
  blake512(buf, 64, rdig);

  // r = (lo + hi * 2^256) mod l, computed in Montgomery form mod l: to_mont(lo) = lo*R and
  // mul(hi, R^3) = hi*R^2 = (hi * 2^256)*R. Both accept any 256-bit input.
  const U256 lo = u256_from_le(rdig);
  const U256 hi = u256_from_le(rdig + 32);
  r_m = Fl::to_mont(lo);
  U256 hi_m;
  Fl::mul_wide(hi_m, hi, gen::FL.r3);
  Fl::add(r_m, r_m, hi_m);
  r = Fl::from_mont(r_m);
}

/** S = (r + hm * s) mod l, from r in Montgomery form mod l and hm plain. */
U256 response(const SigningKey& key, const U256& r_m, const U256& hm) {
  U256 prod;
  Fl::mul(prod, Fl::to_mont(hm), Fl::to_mont(key.s));
  U256 s_m;
  Fl::add(s_m, r_m, prod);
  return Fl::from_mont(s_m);
}

std::atomic<bool> g_batched{true};

}  // namespace

bool set_sign_batched(bool enabled) { return g_batched.exchange(enabled); }
bool sign_batched() { return g_batched.load(); }

void sign_poseidon_many(const SigningKey& key, const uint8_t* msgs, uint8_t* out, size_t count) {
  constexpr size_t kChunk = 64;
  U256 r[kChunk];
  U256 r_m[kChunk];
  Affine r8[kChunk];
  uint8_t hin[kChunk * 160];
  uint8_t hout[kChunk * 32];
  uint8_t ax[32];
  uint8_t ay[32];
  u256_to_le(Fr::from_mont(key.a.x), ax);
  u256_to_le(Fr::from_mont(key.a.y), ay);
  for (size_t base = 0; base < count; base += kChunk) {
    const size_t m = count - base < kChunk ? count - base : kChunk;
    for (size_t i = 0; i < m; i++) nonce(key, u256_from_le(msgs + (base + i) * 32), r[i], r_m[i]);
    mul_base8_many(r, r8, m);
    for (size_t i = 0; i < m; i++) {
      uint8_t* h = hin + i * 160;
      u256_to_le(Fr::from_mont(r8[i].x), h);
      u256_to_le(Fr::from_mont(r8[i].y), h + 32);
      std::memcpy(h + 64, ax, 32);
      std::memcpy(h + 96, ay, 32);
      std::memcpy(h + 128, msgs + (base + i) * 32, 32);
    }
    poseidon_many(5, hin, 160, hout, 32, m);
    for (size_t i = 0; i < m; i++) {
      uint8_t* o = out + (base + i) * 96;
      std::memcpy(o, hin + i * 160, 64);
      u256_to_le(response(key, r_m[i], u256_from_le(hout + i * 32)), o + 64);
    }
  }
}

void sign_poseidon(const SigningKey& key, const U256& msg, uint8_t out[96]) {
  U256 r;
  U256 r_m;
  nonce(key, msg, r, r_m);

  const Affine r8 = mul_base8(r);
  const U256 inputs[5] = {r8.x, r8.y, key.a.x, key.a.y, Fr::to_mont(msg)};
  const U256 hm = Fr::from_mont(poseidon_mont(inputs, 5));

  const U256 S = response(key, r_m, hm);

  u256_to_le(Fr::from_mont(r8.x), out);
  u256_to_le(Fr::from_mont(r8.y), out + 32);
  u256_to_le(S, out + 64);
}

}  // namespace por
