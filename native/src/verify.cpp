// Batch EdDSA-Poseidon verification (see verify.hpp). Every group operation is an exact point operation in extended
// coordinates, so the verdicts are verifyJs's whatever the order or the batching (tested against it).
#include "verify.hpp"

#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

#include "babyjub.hpp"
#include "field.hpp"
#include "poseidon.hpp"

namespace por {
namespace {

using Ext = ExtPoint;

Ext identity() {
  Ext r;
  r.x = U256{{0, 0, 0, 0}};
  r.y = Fr::one();
  r.z = Fr::one();
  r.t = U256{{0, 0, 0, 0}};
  return r;
}

Ext add(const Ext& p, const Ext& q) { return ext_add(p, q); }

/** 2p (dbl-2008-hwcd). */
Ext dbl(const Ext& p) {
  U256 a, b, c, d, e, f, g, h, s;
  Fr::sqr(a, p.x);
  Fr::sqr(b, p.y);
  Fr::sqr(c, p.z);
  Fr::add(c, c, c);
  Fr::mul(d, a, gen::CURVE_A);
  Fr::add(s, p.x, p.y);
  Fr::sqr(e, s);
  Fr::sub(e, e, a);
  Fr::sub(e, e, b);
  Fr::add(g, d, b);
  Fr::sub(f, g, c);
  Fr::sub(h, d, b);
  Ext r;
  Fr::mul(r.x, e, f);
  Fr::mul(r.y, g, h);
  Fr::mul(r.t, e, h);
  Fr::mul(r.z, f, g);
  return r;
}

bool eq(const U256& a, const U256& b) { return std::memcmp(a.l, b.l, sizeof a.l) == 0; }

/** Whether the Montgomery-form (x, y) satisfies a x^2 + y^2 = 1 + d x^2 y^2. */
bool on_curve(const U256& x, const U256& y) {
  U256 x2, y2, lhs, rhs, tmp;
  Fr::sqr(x2, x);
  Fr::sqr(y2, y);
  Fr::mul(lhs, x2, gen::CURVE_A);
  Fr::add(lhs, lhs, y2);
  Fr::mul(tmp, x2, y2);
  Fr::mul(rhs, tmp, gen::CURVE_D);
  Fr::add(rhs, rhs, Fr::one());
  return eq(lhs, rhs);
}

bool is_identity(const Ext& p) {
  // x = 0 and y = z (projectively (0, 1)).
  return u256_is_zero(p.x) && eq(p.y, p.z);
}

/** Extended point of a canonical affine (x, y), Montgomery form. */
Ext ext_of(const U256& x, const U256& y) {
  Ext r;
  r.x = x;
  r.y = y;
  r.z = Fr::one();
  Fr::mul(r.t, x, y);
  return r;
}

/** A key's multiples: 64 windows of j * 16^w * A (j = 1..15) when `full`, else only window 0. */
struct KeyTable {
  uint8_t key[64];
  bool valid = false;  // A canonical, on the curve, not the identity, l * A = identity
  bool full = false;
  std::vector<Ext> pts;  // window w, multiple j at w * 15 + (j - 1)

  /** k * A for a plain 256-bit k. */
  Ext mul(const U256& k) const {
    Ext acc = identity();
    if (full) {
      for (unsigned w = 0; w < 64; w++) {
        const unsigned j = static_cast<unsigned>((k.l[w / 16] >> (4 * (w % 16))) & 0xf);
        if (j != 0) acc = add(acc, pts[w * 15 + (j - 1)]);
      }
      return acc;
    }
    for (int w = 63; w >= 0; w--) {
      acc = dbl(dbl(dbl(dbl(acc))));
      const unsigned j = static_cast<unsigned>((k.l[w / 16] >> (4 * (w % 16))) & 0xf);
      if (j != 0) acc = add(acc, pts[j - 1]);
    }
    return acc;
  }

  void build(const uint8_t* ax_le, const uint8_t* ay_le, bool want_full) {
    std::memcpy(key, ax_le, 32);
    std::memcpy(key + 32, ay_le, 32);
    const U256 ax = u256_from_le(ax_le);
    const U256 ay = u256_from_le(ay_le);
    valid = false;
    if (!Fr::is_canonical(ax) || !Fr::is_canonical(ay)) return;
    const U256 x = Fr::to_mont(ax);
    const U256 y = Fr::to_mont(ay);
    if (!on_curve(x, y)) return;
    if (u256_is_zero(ax) && eq(y, Fr::one())) return;  // the identity
    full = want_full;
    Ext base = ext_of(x, y);
    const unsigned windows = full ? 64 : 1;
    pts.resize(static_cast<size_t>(windows) * 15);
    for (unsigned w = 0; w < windows; w++) {
      Ext acc = base;
      for (unsigned j = 0; j < 15; j++) {
        pts[w * 15 + j] = acc;
        acc = add(acc, base);
      }
      base = acc;  // 16 * previous base
    }
    valid = is_identity(mul(gen::FL.m));
  }
};

constexpr size_t kFullTableAt = 8;  // items of one key in a chunk from which the 64-window table pays off

/**
 * Full tables of recently seen keys, shared by every call and thread (a verifier service sees a member's one key in
 * batch after batch: its table is built once, not once per batch). A table is a pure function of the key, so a
 * cached one gives the same verdicts as a fresh one; the cache only holds full tables and keeps the newest
 * kCachedKeys of them.
 */
constexpr size_t kCachedKeys = 32;
std::mutex cache_mutex;
std::vector<std::shared_ptr<const KeyTable>> cache;  // oldest first

/** The table of the key at `k` (Ax, Ay LE): a cached full one, else a new one (full when `want_full`, then cached). */
std::shared_ptr<const KeyTable> table_of(const uint8_t* k, bool want_full) {
  {
    std::lock_guard<std::mutex> lock(cache_mutex);
    for (const auto& t : cache) {
      if (std::memcmp(t->key, k, 64) == 0) return t;
    }
  }
  auto t = std::make_shared<KeyTable>();
  t->build(k, k + 32, want_full);
  if (!want_full) return t;
  std::lock_guard<std::mutex> lock(cache_mutex);
  if (cache.size() >= kCachedKeys) cache.erase(cache.begin());
  cache.push_back(t);
  return t;
}

/** Verifies items [0, count) of one chunk. */
void verify_chunk(const uint8_t* items, uint8_t* out, size_t count) {
  // Distinct keys of the chunk, in order of appearance (a batch holds few: a member has one key at a time).
  std::vector<size_t> key_of(count);
  std::vector<size_t> first;  // item index of each distinct key's first item
  std::vector<size_t> uses;
  for (size_t i = 0; i < count; i++) {
    const uint8_t* k = items + i * kVerifyItemBytes + 128;
    size_t found = first.size();
    for (size_t j = 0; j < first.size(); j++) {
      if (std::memcmp(items + first[j] * kVerifyItemBytes + 128, k, 64) == 0) {
        found = j;
        break;
      }
    }
    if (found == first.size()) {
      first.push_back(i);
      uses.push_back(0);
    }
    key_of[i] = found;
    uses[found]++;
  }
  std::vector<std::shared_ptr<const KeyTable>> tables(first.size());
  for (size_t j = 0; j < first.size(); j++) {
    const uint8_t* k = items + first[j] * kVerifyItemBytes + 128;
    tables[j] = table_of(k, uses[j] >= kFullTableAt);
  }
  // Prechecks, and the challenge hashes of the items that pass them, as one batch.
  std::vector<uint8_t> ok(count, 0);
  std::vector<uint8_t> hin(count * 160);
  std::vector<size_t> idx;
  idx.reserve(count);
  for (size_t i = 0; i < count; i++) {
    const uint8_t* it = items + i * kVerifyItemBytes;
    const U256 m = u256_from_le(it);
    const U256 rx = u256_from_le(it + 32);
    const U256 ry = u256_from_le(it + 64);
    const U256 s = u256_from_le(it + 96);
    if (!Fr::is_canonical(m) || !Fl::is_canonical(s) || !Fr::is_canonical(rx) || !Fr::is_canonical(ry)) continue;
    if (!on_curve(Fr::to_mont(rx), Fr::to_mont(ry)) || !tables[key_of[i]]->valid) continue;
    uint8_t* h = hin.data() + idx.size() * 160;
    std::memcpy(h, it + 32, 64);    // R8x, R8y
    std::memcpy(h + 64, it + 128, 64);  // Ax, Ay
    std::memcpy(h + 128, it, 32);   // m
    idx.push_back(i);
    ok[i] = 1;
  }
  std::vector<uint8_t> hout(idx.size() * 32);
  if (!idx.empty()) poseidon_many(5, hin.data(), 160, hout.data(), 32, idx.size());
  for (size_t n = 0; n < idx.size(); n++) {
    const size_t i = idx[n];
    const uint8_t* it = items + i * kVerifyItemBytes;
    U256 lx, ly, lz;
    mul_base8_proj(u256_from_le(it + 96), lx, ly, lz);
    // right = R8 + 8 * (hm * A)
    const Ext ha = tables[key_of[i]]->mul(u256_from_le(hout.data() + n * 32));
    const Ext right = add(ext_of(Fr::to_mont(u256_from_le(it + 32)), Fr::to_mont(u256_from_le(it + 64))),
                          dbl(dbl(dbl(ha))));
    U256 a, b, c, d;
    Fr::mul(a, lx, right.z);
    Fr::mul(b, right.x, lz);
    Fr::mul(c, ly, right.z);
    Fr::mul(d, right.y, lz);
    ok[i] = eq(a, b) && eq(c, d) ? 1 : 0;
  }
  std::memcpy(out, ok.data(), count);
}

}  // namespace

void verify_poseidon_many(const uint8_t* items, uint8_t* out, size_t count) {
  if (count > 0) verify_chunk(items, out, count);
}

}  // namespace por
