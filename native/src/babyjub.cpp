// Fixed-base multiplication k * Base8 with 32 windows of 8 bits: window i holds j * 256^i * Base8 for
// j = 1..255 in affine form (x, y, d*x*y), so a multiplication is at most 32 mixed additions in extended
// coordinates (add-2008-hwcd for general a; unified, so doubling cases need no special path) and one
// inversion. The table (8160 points, ~780 KB) is built once per process from Base8 alone.
#include "babyjub.hpp"

#include <memory>
#include <vector>

namespace por {

ExtPoint ext_add(const ExtPoint& p, const ExtPoint& q) {
  U256 a, b, c, d, e, f, g, h, s1, s2, tmp;
  Fr::mul(a, p.x, q.x);
  Fr::mul(b, p.y, q.y);
  Fr::mul(tmp, p.t, q.t);
  Fr::mul(c, tmp, gen::CURVE_D);
  Fr::mul(d, p.z, q.z);
  Fr::add(s1, p.x, p.y);
  Fr::add(s2, q.x, q.y);
  Fr::mul(e, s1, s2);
  Fr::sub(e, e, a);
  Fr::sub(e, e, b);
  Fr::sub(f, d, c);
  Fr::add(g, d, c);
  Fr::mul(tmp, a, gen::CURVE_A);
  Fr::sub(h, b, tmp);
  ExtPoint r;
  Fr::mul(r.x, e, f);
  Fr::mul(r.y, g, h);
  Fr::mul(r.z, f, g);
  Fr::mul(r.t, e, h);
  return r;
}

namespace {

constexpr unsigned kWindows = 32;
constexpr unsigned kPerWindow = 255;

using Ext = ExtPoint;

struct TableEntry {
  U256 x, y, dxy;
};

/** p + (x2, y2) with the affine point's d*x2*y2 precomputed. */
inline void add_mixed(Ext& p, const TableEntry& q) {
  U256 a, b, c, e, f, g, h, s1, s2, tmp;
  Fr::mul(a, p.x, q.x);
  Fr::mul(b, p.y, q.y);
  Fr::mul(c, p.t, q.dxy);
  Fr::add(s1, p.x, p.y);
  Fr::add(s2, q.x, q.y);
  Fr::mul(e, s1, s2);
  Fr::sub(e, e, a);
  Fr::sub(e, e, b);
  Fr::sub(f, p.z, c);
  Fr::add(g, p.z, c);
  Fr::mul(tmp, a, gen::CURVE_A);
  Fr::sub(h, b, tmp);
  Fr::mul(p.x, e, f);
  Fr::mul(p.y, g, h);
  Fr::mul(p.z, f, g);
  Fr::mul(p.t, e, h);
}

std::unique_ptr<TableEntry[]> build_table() {
  const size_t n = static_cast<size_t>(kWindows) * kPerWindow;
  std::vector<Ext> pts(n);
  Ext base;
  base.x = gen::BASE8_X;
  base.y = gen::BASE8_Y;
  base.z = Fr::one();
  Fr::mul(base.t, base.x, base.y);
  for (unsigned w = 0; w < kWindows; w++) {
    Ext acc = base;
    for (unsigned j = 0; j < kPerWindow; j++) {
      pts[w * kPerWindow + j] = acc;
      acc = ext_add(acc, base);
    }
    base = acc;  // 256 * previous base
  }
  // Batch inversion of every z (Montgomery's trick): one field inversion for the whole table.
  std::vector<U256> prefix(n);
  U256 acc = Fr::one();
  for (size_t i = 0; i < n; i++) {
    prefix[i] = acc;
    Fr::mul(acc, acc, pts[i].z);
  }
  U256 inv = Fr::inv(acc);
  auto table = std::make_unique<TableEntry[]>(n);
  for (size_t i = n; i-- > 0;) {
    U256 zi;
    Fr::mul(zi, inv, prefix[i]);
    Fr::mul(inv, inv, pts[i].z);
    TableEntry& e = table[i];
    Fr::mul(e.x, pts[i].x, zi);
    Fr::mul(e.y, pts[i].y, zi);
    U256 xy;
    Fr::mul(xy, e.x, e.y);
    Fr::mul(e.dxy, xy, gen::CURVE_D);
  }
  return table;
}

const TableEntry* table() {
  static const std::unique_ptr<TableEntry[]> t = build_table();  // thread-safe one-time init
  return t.get();
}

}  // namespace

void babyjub_init() { (void)table(); }

namespace {

/** k * Base8 in extended coordinates (z != 0: the addition law is complete on Baby Jubjub). */
Ext mul_base8_ext(const U256& k) {
  const TableEntry* tab = table();
  Ext acc;
  acc.x = U256{{0, 0, 0, 0}};
  acc.y = Fr::one();
  acc.z = Fr::one();
  acc.t = U256{{0, 0, 0, 0}};
  for (unsigned w = 0; w < kWindows; w++) {
    const unsigned j = static_cast<unsigned>((k.l[w / 8] >> (8 * (w % 8))) & 0xff);
    if (j != 0) add_mixed(acc, tab[w * kPerWindow + (j - 1)]);
  }
  return acc;
}

}  // namespace

void mul_base8_proj(const U256& k, U256& x, U256& y, U256& z) {
  const Ext acc = mul_base8_ext(k);
  x = acc.x;
  y = acc.y;
  z = acc.z;
}

Affine mul_base8(const U256& k) {
  const Ext acc = mul_base8_ext(k);
  const U256 zi = Fr::inv(acc.z);
  Affine r;
  Fr::mul(r.x, acc.x, zi);
  Fr::mul(r.y, acc.y, zi);
  return r;
}

void mul_base8_many(const U256* ks, Affine* out, size_t count) {
  if (count == 0) return;
  std::vector<Ext> pts(count);
  std::vector<U256> prefix(count);
  U256 acc = Fr::one();
  for (size_t i = 0; i < count; i++) {
    pts[i] = mul_base8_ext(ks[i]);
    prefix[i] = acc;
    Fr::mul(acc, acc, pts[i].z);
  }
  // Montgomery's trick: one inversion for the batch; each affine point is unique, so the result is mul_base8's.
  U256 inv = Fr::inv(acc);
  for (size_t i = count; i-- > 0;) {
    U256 zi;
    Fr::mul(zi, inv, prefix[i]);
    Fr::mul(inv, inv, pts[i].z);
    Fr::mul(out[i].x, pts[i].x, zi);
    Fr::mul(out[i].y, pts[i].y, zi);
  }
}

}  // namespace por
