// Node-API bindings of the native crypto backend (see native/README.md and src/crypto/native.ts).
// Every function validates its arguments and throws TypeError/RangeError with a message naming the
// function, the argument and the offending element; nothing is silently reduced modulo p.
#define NAPI_VERSION 8
#include <node_api.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>
#include <algorithm>
#include <functional>

#include "blake512.hpp"
#include "eddsa.hpp"
#include "hashes.hpp"
#include "parallel.hpp"
#include "poseidon.hpp"
#include "poseidon_ifma.hpp"
#include "verify.hpp"

namespace por {
namespace {

constexpr size_t kWord = 32;
/** Batches are split into blocks of whole multiples of this many items (the SIMD kernel's lane count). */
constexpr size_t kSimdGrain = 8;

bool throw_type(napi_env env, const std::string& msg) {
  napi_throw_type_error(env, "ERR_POR_NATIVE_TYPE", msg.c_str());
  return false;
}

bool throw_range(napi_env env, const std::string& msg) {
  napi_throw_range_error(env, "ERR_POR_NATIVE_RANGE", msg.c_str());
  return false;
}

/**
 * True if an N-API call succeeded; otherwise makes sure an exception is pending (a failed call does not
 * always set one) so that the JavaScript caller gets an error, never a silent `undefined`.
 */
bool ok(napi_env env, napi_status status, const char* what) {
  if (status == napi_ok) return true;
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending) napi_throw_error(env, "ERR_POR_NATIVE_INTERNAL", (std::string("N-API call failed: ") + what).c_str());
  return false;
}

/** Reads `count` arguments; fails if fewer were given. */
bool get_args(napi_env env, napi_callback_info info, size_t count, napi_value* argv, const char* fn) {
  size_t argc = count;
  if (!ok(env, napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr), "get_cb_info")) return false;
  if (argc < count) return throw_type(env, std::string(fn) + ": expected " + std::to_string(count) + " argument(s)");
  return true;
}

/** The bytes of a Uint8Array (a Buffer is one too). */
bool get_bytes(napi_env env, napi_value v, const char* fn, const char* arg, const uint8_t** data, size_t* len) {
  bool is_ta = false;
  if (!ok(env, napi_is_typedarray(env, v, &is_ta), "is_typedarray")) return false;
  if (!is_ta) {
    return throw_type(env, std::string(fn) + ": " + arg + " must be a Uint8Array");
  }
  napi_typedarray_type type;
  size_t length = 0;
  void* ptr = nullptr;
  napi_value ab;
  size_t offset = 0;
  if (!ok(env, napi_get_typedarray_info(env, v, &type, &length, &ptr, &ab, &offset), "get_typedarray_info")) {
    return false;
  }
  if (type != napi_uint8_array) return throw_type(env, std::string(fn) + ": " + arg + " must be a Uint8Array");
  *data = static_cast<const uint8_t*>(ptr);
  *len = length;
  return true;
}

/** A new Uint8Array of `len` bytes; *out receives its memory. */
bool new_bytes(napi_env env, size_t len, uint8_t** out, napi_value* result) {
  void* mem = nullptr;
  napi_value ab;
  if (!ok(env, napi_create_arraybuffer(env, len, &mem, &ab), "create_arraybuffer")) return false;
  if (!ok(env, napi_create_typedarray(env, napi_uint8_array, len, ab, 0, result), "create_typedarray")) return false;
  *out = static_cast<uint8_t*>(mem);
  return true;
}

/**
 * Checks that each of the `count` 32-byte little-endian words at `data` is below p. On failure throws a
 * RangeError naming word `i` as `<fn>: <describe(i)> is not a canonical field element (must be < p)`.
 */
template <class Describe>
bool check_words(napi_env env, const uint8_t* data, size_t count, const char* fn, Describe describe) {
  for (size_t i = 0; i < count; i++) {
    if (!Fr::is_canonical(u256_from_le(data + i * kWord))) {
      return throw_range(env, std::string(fn) + ": " + describe(i) + " is not a canonical field element (must be < p)");
    }
  }
  return true;
}

napi_value bigint_from(napi_env env, const U256& v) {
  napi_value r = nullptr;
  return ok(env, napi_create_bigint_words(env, 0, 4, v.l, &r), "create_bigint_words") ? r : nullptr;
}

/** poseidon(inputs: bigint[]): bigint */
napi_value Poseidon(napi_env env, napi_callback_info info) {
  const char* fn = "poseidon";
  napi_value argv[1];
  if (!get_args(env, info, 1, argv, fn)) return nullptr;
  bool is_array = false;
  if (!ok(env, napi_is_array(env, argv[0], &is_array), "is_array")) return nullptr;
  if (!is_array) return throw_type(env, "poseidon: inputs must be an array of bigint"), nullptr;
  uint32_t n = 0;
  if (!ok(env, napi_get_array_length(env, argv[0], &n), "get_array_length")) return nullptr;
  if (n < 1 || n > kPoseidonMaxInputs) {
    throw_range(env, "poseidon: expected 1 to 16 inputs, got " + std::to_string(n));
    return nullptr;
  }
  U256 in[kPoseidonMaxInputs];
  for (uint32_t i = 0; i < n; i++) {
    napi_value el;
    if (!ok(env, napi_get_element(env, argv[0], i, &el), "get_element")) return nullptr;
    napi_valuetype t;
    if (!ok(env, napi_typeof(env, el, &t), "typeof")) return nullptr;
    if (t != napi_bigint) return throw_type(env, "poseidon: input " + std::to_string(i) + " must be a bigint"), nullptr;
    // First call: the number of 64-bit words; second call: the words and the sign (set only then).
    size_t count = 0;
    int sign = 0;
    if (!ok(env, napi_get_value_bigint_words(env, el, nullptr, &count, nullptr), "bigint_words")) return nullptr;
    uint64_t words[64] = {0};
    if (count > 64) count = 64;  // such a value is rejected below anyway; its sign is in any word prefix
    size_t got = count == 0 ? 1 : count;
    if (!ok(env, napi_get_value_bigint_words(env, el, &sign, &got, words), "bigint_words")) return nullptr;
    if (sign != 0) {  // BigInt has no negative zero: a set sign bit means a negative value
      throw_range(env, "poseidon: input " + std::to_string(i) + " is negative");
      return nullptr;
    }
    const U256 v{{words[0], words[1], words[2], words[3]}};
    if (count > 4 || !Fr::is_canonical(v)) {
      throw_range(env, "poseidon: input " + std::to_string(i) + " is not a canonical field element (must be < p)");
      return nullptr;
    }
    in[i] = Fr::to_mont(v);
  }
  return bigint_from(env, Fr::from_mont(poseidon_mont(in, n)));
}

/** hashLevel(children: Uint8Array): Uint8Array — 2n nodes (h, s) of 64 bytes in, n parents out. */
napi_value HashLevel(napi_env env, napi_callback_info info) {
  const char* fn = "hashLevel";
  napi_value argv[1];
  if (!get_args(env, info, 1, argv, fn)) return nullptr;
  const uint8_t* in = nullptr;
  size_t len = 0;
  if (!get_bytes(env, argv[0], fn, "children", &in, &len)) return nullptr;
  if (len % 128 != 0) {
    throw_range(env, "hashLevel: children must hold an even number of 64-byte nodes (a multiple of 128 bytes), got " +
                         std::to_string(len) + " bytes");
    return nullptr;
  }
  if (!check_words(env, in, len / kWord, fn, [](size_t w) {
        return std::string("node ") + std::to_string(w / 2) + (w % 2 == 0 ? " hash" : " sum");
      })) {
    return nullptr;
  }
  const size_t n = len / 128;
  uint8_t* out = nullptr;
  napi_value result;
  if (!new_bytes(env, n * 64, &out, &result)) return nullptr;
  // A node pair (hL, sL, hR, sR) is already Poseidon's input order: four words at a stride of 128 bytes.
  parallel_for(
      n, 256,
      [in, out](size_t b, size_t e) {
        poseidon_many(4, in + b * 128, 128, out + b * 64, 64, e - b);
        for (size_t i = b; i < e; i++) {
          U256 s;
          Fr::add(s, u256_from_le(in + i * 128 + 32), u256_from_le(in + i * 128 + 96));  // plain, canonical: mod p
          u256_to_le(s, out + i * 64 + 32);
        }
      },
      kSimdGrain);
  return result;
}

/**
 * parentLevel(index: Uint8Array, nodes: Uint8Array, empty: Uint8Array): [Uint32Array, Uint8Array] — one level of the
 * sparse tree up: `index` holds the level's populated indices (u32 in the platform's order, strictly ascending: a view
 * of a Uint32Array), `nodes` their 64-byte nodes (h, s LE), `empty` the level's empty node. Each populated node is
 * paired with its sibling (the next index when that is index + 1, else the empty node); returns the parents' indices
 * and their nodes h = Poseidon(hL, sL, hR, sR), s = sL + sR, as hashLevel computes them, on all cores, without a
 * children buffer (each thread gathers 64 pairs at a time).
 */
napi_value ParentLevel(napi_env env, napi_callback_info info) {
  const char* fn = "parentLevel";
  napi_value argv[3];
  if (!get_args(env, info, 3, argv, fn)) return nullptr;
  const uint8_t* idx_bytes = nullptr;
  size_t idx_len = 0;
  if (!get_bytes(env, argv[0], fn, "index", &idx_bytes, &idx_len)) return nullptr;
  const uint8_t* nodes = nullptr;
  size_t len = 0;
  if (!get_bytes(env, argv[1], fn, "nodes", &nodes, &len)) return nullptr;
  const uint8_t* empty = nullptr;
  size_t empty_len = 0;
  if (!get_bytes(env, argv[2], fn, "empty", &empty, &empty_len)) return nullptr;
  if (idx_len % 4 != 0 || len != idx_len / 4 * 64 || empty_len != 64) {
    throw_range(env, "parentLevel: index must hold 4 bytes per node, nodes 64 bytes per node and empty 64 bytes");
    return nullptr;
  }
  const size_t m = idx_len / 4;
  if (!check_words(env, nodes, m * 2, fn, [](size_t w) {
        return std::string("node ") + std::to_string(w / 2) + (w % 2 == 0 ? " hash" : " sum");
      }) ||
      !check_words(env, empty, 2, fn, [](size_t w) { return std::string("empty node ") + (w == 0 ? "hash" : "sum"); })) {
    return nullptr;
  }
  auto index_at = [idx_bytes](size_t i) {
    uint32_t v;
    std::memcpy(&v, idx_bytes + 4 * i, 4);
    return v;
  };
  // Pairs: child positions (kNone: the empty node) and the parent's index.
  constexpr uint32_t kNone = 0xffffffffu;
  std::vector<uint32_t> left, right, parent;
  left.reserve(m);
  right.reserve(m);
  parent.reserve(m);
  for (size_t i = 0; i < m; i++) {
    const uint32_t v = index_at(i);
    if (i > 0 && v <= index_at(i - 1)) {
      throw_range(env, "parentLevel: index " + std::to_string(i) + " is not above the previous one");
      return nullptr;
    }
    if ((v & 1) == 0) {
      left.push_back(static_cast<uint32_t>(i));
      if (i + 1 < m && index_at(i + 1) == v + 1) {
        right.push_back(static_cast<uint32_t>(i + 1));
        i++;
      } else {
        right.push_back(kNone);
      }
    } else {
      left.push_back(kNone);
      right.push_back(static_cast<uint32_t>(i));
    }
    parent.push_back(v >> 1);
  }
  const size_t p = parent.size();
  napi_value result, index_out, nodes_out;
  void* idx_mem = nullptr;
  napi_value ab;
  if (!ok(env, napi_create_arraybuffer(env, p * 4, &idx_mem, &ab), "create_arraybuffer")) return nullptr;
  if (!ok(env, napi_create_typedarray(env, napi_uint32_array, p, ab, 0, &index_out), "create_typedarray")) {
    return nullptr;
  }
  if (p > 0) std::memcpy(idx_mem, parent.data(), p * 4);
  uint8_t* out = nullptr;
  if (!new_bytes(env, p * 64, &out, &nodes_out)) return nullptr;
  const uint32_t* lp = left.data();
  const uint32_t* rp = right.data();
  parallel_for(
      p, 256,
      [nodes, empty, lp, rp, out](size_t b, size_t e) {
        constexpr size_t kGather = 64;
        alignas(64) uint8_t buf[kGather * 128];
        for (size_t j = b; j < e; j += kGather) {
          const size_t c = std::min(kGather, e - j);
          for (size_t k = 0; k < c; k++) {
            const uint32_t l = lp[j + k];
            const uint32_t r = rp[j + k];
            std::memcpy(buf + k * 128, l == kNone ? empty : nodes + size_t(l) * 64, 64);
            std::memcpy(buf + k * 128 + 64, r == kNone ? empty : nodes + size_t(r) * 64, 64);
          }
          poseidon_many(4, buf, 128, out + j * 64, 64, c);
          for (size_t k = 0; k < c; k++) {
            U256 s;
            Fr::add(s, u256_from_le(buf + k * 128 + 32), u256_from_le(buf + k * 128 + 96));  // as hashLevel
            u256_to_le(s, out + (j + k) * 64 + 32);
          }
        }
      },
      kSimdGrain);
  if (!ok(env, napi_create_array_with_length(env, 2, &result), "create_array")) return nullptr;
  if (!ok(env, napi_set_element(env, result, 0, index_out), "set_element")) return nullptr;
  if (!ok(env, napi_set_element(env, result, 1, nodes_out), "set_element")) return nullptr;
  return result;
}

/** hashLeaves(pairs: Uint8Array): Uint8Array — n (key, balance) pairs in, n Poseidon(key, balance) out. */
napi_value HashLeaves(napi_env env, napi_callback_info info) {
  const char* fn = "hashLeaves";
  napi_value argv[1];
  if (!get_args(env, info, 1, argv, fn)) return nullptr;
  const uint8_t* in = nullptr;
  size_t len = 0;
  if (!get_bytes(env, argv[0], fn, "pairs", &in, &len)) return nullptr;
  if (len % 64 != 0) {
    throw_range(env, "hashLeaves: pairs must be a multiple of 64 bytes, got " + std::to_string(len) + " bytes");
    return nullptr;
  }
  if (!check_words(env, in, len / kWord, fn, [](size_t w) {
        return std::string("pair ") + std::to_string(w / 2) + (w % 2 == 0 ? " accountKey" : " balance");
      })) {
    return nullptr;
  }
  const size_t n = len / 64;
  uint8_t* out = nullptr;
  napi_value result;
  if (!new_bytes(env, n * 32, &out, &result)) return nullptr;
  parallel_for(
      n, 256, [in, out](size_t b, size_t e) { poseidon_many(2, in + b * 64, 64, out + b * 32, 32, e - b); },
      kSimdGrain);
  return result;
}

/** poseidonMany(arity: number, inputs: Uint8Array): Uint8Array — n tuples of `arity` words in, n hashes out. */
/**
 * One call of an *Async function: its own copy of the input (the caller may reuse its buffer at once), its output,
 * the work to run on Node's thread pool (one pool thread: concurrent calls are what spreads over the cores), and the
 * promise the output settles.
 */
struct AsyncJob {
  std::vector<uint8_t> in;
  std::vector<uint8_t> out;
  std::function<void(const uint8_t*, uint8_t*)> run;
  const char* fn = "";
  napi_async_work work = nullptr;
  napi_deferred deferred = nullptr;
};

void AsyncJobExecute(napi_env, void* data) {
  auto* job = static_cast<AsyncJob*>(data);
  job->run(job->in.data(), job->out.data());
}

void AsyncJobComplete(napi_env env, napi_status status, void* data) {
  auto* job = static_cast<AsyncJob*>(data);
  napi_value result = nullptr;
  void* mem = nullptr;
  napi_value ab;
  if (status == napi_ok && napi_create_arraybuffer(env, job->out.size(), &mem, &ab) == napi_ok &&
      napi_create_typedarray(env, napi_uint8_array, job->out.size(), ab, 0, &result) == napi_ok) {
    if (!job->out.empty()) std::memcpy(mem, job->out.data(), job->out.size());
    napi_resolve_deferred(env, job->deferred, result);
  } else {
    napi_value msg, err;
    const std::string text = std::string(job->fn) + ": the batch could not be completed";
    napi_create_string_utf8(env, text.c_str(), NAPI_AUTO_LENGTH, &msg);
    napi_create_error(env, nullptr, msg, &err);
    napi_reject_deferred(env, job->deferred, err);
  }
  napi_delete_async_work(env, job->work);
  delete job;
}

/** Queues `job` (input and output already sized); returns its promise, or nullptr with an exception pending. */
napi_value queue_job(napi_env env, AsyncJob* job) {
  napi_value promise, name;
  if (!ok(env, napi_create_promise(env, &job->deferred, &promise), "create_promise") ||
      !ok(env, napi_create_string_utf8(env, job->fn, NAPI_AUTO_LENGTH, &name), "create_string") ||
      !ok(env, napi_create_async_work(env, nullptr, name, AsyncJobExecute, AsyncJobComplete, job, &job->work),
          "create_async_work")) {
    delete job;  // the promise (if made) is unreachable: the call throws instead
    return nullptr;
  }
  if (!ok(env, napi_queue_async_work(env, job->work), "queue_async_work")) {
    napi_delete_async_work(env, job->work);
    delete job;
    return nullptr;
  }
  return promise;
}

/** Checks poseidonMany's arguments (named as `fn`); their arity and bytes, or false with an exception pending. */
bool poseidon_many_args(napi_env env, napi_callback_info info, const char* fn, unsigned* arity_out, const uint8_t** in_out,
                        size_t* len_out) {
  napi_value argv[2];
  if (!get_args(env, info, 2, argv, fn)) return false;
  napi_valuetype t;
  if (!ok(env, napi_typeof(env, argv[0], &t), "typeof")) return false;
  if (t != napi_number) return throw_type(env, std::string(fn) + ": arity must be a number");
  double arity_d = 0;
  if (!ok(env, napi_get_value_double(env, argv[0], &arity_d), "get_value_double")) return false;
  if (!(arity_d >= 1 && arity_d <= kPoseidonMaxInputs) || arity_d != static_cast<double>(static_cast<unsigned>(arity_d))) {
    return throw_range(env, std::string(fn) + ": arity must be an integer from 1 to 16");
  }
  const unsigned arity = static_cast<unsigned>(arity_d);
  const uint8_t* in = nullptr;
  size_t len = 0;
  if (!get_bytes(env, argv[1], fn, "inputs", &in, &len)) return false;
  const size_t unit = arity * kWord;
  if (len % unit != 0) {
    return throw_range(env, std::string(fn) + ": inputs must hold whole tuples of " + std::to_string(arity) +
                                " 32-byte words (" + std::to_string(unit) + " bytes each), got " + std::to_string(len) +
                                " bytes");
  }
  if (!check_words(env, in, len / kWord, fn, [arity](size_t w) {
        return "tuple " + std::to_string(w / arity) + " element " + std::to_string(w % arity);
      })) {
    return false;
  }
  *arity_out = arity;
  *in_out = in;
  *len_out = len;
  return true;
}

/**
 * poseidonManyAsync(arity, inputs): Promise<Uint8Array> — poseidonMany off the JavaScript thread (one thread of
 * Node's pool); the same checks, thrown at the call, and the same hashes.
 */
napi_value PoseidonManyAsync(napi_env env, napi_callback_info info) {
  const char* fn = "poseidonManyAsync";
  unsigned arity = 0;
  const uint8_t* in = nullptr;
  size_t len = 0;
  if (!poseidon_many_args(env, info, fn, &arity, &in, &len)) return nullptr;
  const size_t unit = arity * kWord;
  const size_t n = len / unit;
  auto* job = new AsyncJob();
  job->fn = fn;
  job->in.assign(in, in + len);
  job->out.assign(n * kWord, 0);
  job->run = [arity, unit, n](const uint8_t* i, uint8_t* o) {
    if (n > 0) poseidon_many(arity, i, unit, o, kWord, n);
  };
  return queue_job(env, job);
}

napi_value PoseidonMany(napi_env env, napi_callback_info info) {
  unsigned arity = 0;
  const uint8_t* in = nullptr;
  size_t len = 0;
  if (!poseidon_many_args(env, info, "poseidonMany", &arity, &in, &len)) return nullptr;
  const size_t unit = arity * kWord;
  const size_t n = len / unit;
  uint8_t* out = nullptr;
  napi_value result;
  if (!new_bytes(env, n * kWord, &out, &result)) return nullptr;
  parallel_for(
      n, 256,
      [in, out, arity, unit](size_t b, size_t e) { poseidon_many(arity, in + b * unit, unit, out + b * kWord, kWord, e - b); },
      kSimdGrain);
  return result;
}

bool get_private_key(napi_env env, napi_value v, const char* fn, const uint8_t** prv) {
  size_t len = 0;
  if (!get_bytes(env, v, fn, "privateKey", prv, &len)) return false;
  if (len != 32) return throw_range(env, std::string(fn) + ": privateKey must be 32 bytes, got " + std::to_string(len));
  return true;
}

/** publicKey(privateKey: Uint8Array): [bigint, bigint] */
napi_value PublicKey(napi_env env, napi_callback_info info) {
  const char* fn = "publicKey";
  napi_value argv[1];
  if (!get_args(env, info, 1, argv, fn)) return nullptr;
  const uint8_t* prv = nullptr;
  if (!get_private_key(env, argv[0], fn, &prv)) return nullptr;
  const SigningKey key = expand_key(prv);
  napi_value arr;
  if (!ok(env, napi_create_array_with_length(env, 2, &arr), "create_array")) return nullptr;
  napi_value x = bigint_from(env, Fr::from_mont(key.a.x));
  if (x == nullptr || !ok(env, napi_set_element(env, arr, 0, x), "set_element")) return nullptr;
  napi_value y = bigint_from(env, Fr::from_mont(key.a.y));
  if (y == nullptr || !ok(env, napi_set_element(env, arr, 1, y), "set_element")) return nullptr;
  return arr;
}

/** signMany(privateKey: Uint8Array, messages: Uint8Array): Uint8Array — 96 bytes (R8x, R8y, S) per message. */
napi_value SignMany(napi_env env, napi_callback_info info) {
  const char* fn = "signMany";
  napi_value argv[2];
  if (!get_args(env, info, 2, argv, fn)) return nullptr;
  const uint8_t* prv = nullptr;
  if (!get_private_key(env, argv[0], fn, &prv)) return nullptr;
  const uint8_t* msgs = nullptr;
  size_t len = 0;
  if (!get_bytes(env, argv[1], fn, "messages", &msgs, &len)) return nullptr;
  if (len % kWord != 0) {
    throw_range(env, "signMany: messages must be a multiple of 32 bytes, got " + std::to_string(len) + " bytes");
    return nullptr;
  }
  const size_t n = len / kWord;
  if (!check_words(env, msgs, n, fn, [](size_t w) { return std::string("message ") + std::to_string(w); })) {
    return nullptr;
  }
  uint8_t* out = nullptr;
  napi_value result;
  if (!new_bytes(env, n * 96, &out, &result)) return nullptr;
  const SigningKey key = expand_key(prv);
  if (sign_batched()) {
    parallel_for(
        n, 64, [&key, msgs, out](size_t b, size_t e) { sign_poseidon_many(key, msgs + b * kWord, out + b * 96, e - b); },
        64);
  } else {
    parallel_for(n, 16, [&key, msgs, out](size_t b, size_t e) {
      for (size_t i = b; i < e; i++) sign_poseidon(key, u256_from_le(msgs + i * kWord), out + i * 96);
    });
  }
  return result;
}

/**
 * Verifies n items at `in` into `out`, in contiguous chunks spread over the addon's threads (about 64 items per
 * chunk at least, at most four chunks per thread; a key's window table is cached across chunks and calls).
 */
void verify_items(const uint8_t* in, uint8_t* out, size_t n) {
  const size_t chunks = std::min<size_t>(static_cast<size_t>(thread_count()) * 4, std::max<size_t>(1, n / 64));
  parallel_for(chunks, 1, [in, out, n, chunks](size_t b, size_t e) {
    for (size_t c = b; c < e; c++) {
      const size_t lo = n * c / chunks;
      const size_t hi = n * (c + 1) / chunks;
      verify_poseidon_many(in + lo * kVerifyItemBytes, out + lo, hi - lo);
    }
  });
}

/**
 * verifyMany(items: Uint8Array): Uint8Array — n items of 192 bytes (m, R8x, R8y, S, Ax, Ay; 32-byte LE each, any value
 * below 2^256) in, n bytes out: 1 for a valid signature (verifyJs's rules), else 0. Spread over all cores in chunks
 * (each chunk builds the window tables of its keys once).
 */
/** Reads the one argument of verifyMany and verifyManyAsync (named `fn`): whole 192-byte items. */
bool verify_items_arg(napi_env env, napi_callback_info info, const char* fn, const uint8_t** in, size_t* len) {
  napi_value argv[1];
  if (!get_args(env, info, 1, argv, fn)) return false;
  if (!get_bytes(env, argv[0], fn, "items", in, len)) return false;
  if (*len % kVerifyItemBytes != 0) {
    return throw_range(env, std::string(fn) + ": items must hold n 192-byte checks, got " + std::to_string(*len) +
                                " bytes");
  }
  return true;
}

napi_value VerifyMany(napi_env env, napi_callback_info info) {
  const uint8_t* in = nullptr;
  size_t len = 0;
  if (!verify_items_arg(env, info, "verifyMany", &in, &len)) return nullptr;
  const size_t n = len / kVerifyItemBytes;
  uint8_t* out = nullptr;
  napi_value result;
  if (!new_bytes(env, n, &out, &result)) return nullptr;
  verify_items(in, out, n);
  return result;
}

/**
 * verifyManyAsync(items: Uint8Array): Promise<Uint8Array> — verifyMany off the JavaScript thread, on one thread of
 * Node's pool: resolves with the n verdict bytes verifyMany returns for the same items. A length that is not a
 * multiple of 192 throws at the call, as verifyMany does. (The caller splits a batch to use several pool threads.)
 */
napi_value VerifyManyAsync(napi_env env, napi_callback_info info) {
  const char* fn = "verifyManyAsync";
  const uint8_t* in = nullptr;
  size_t len = 0;
  if (!verify_items_arg(env, info, fn, &in, &len)) return nullptr;
  auto* job = new AsyncJob();
  job->fn = fn;
  job->in.assign(in, in + len);
  const size_t n = len / kVerifyItemBytes;
  job->out.assign(n, 0);
  job->run = [n](const uint8_t* i, uint8_t* o) { verify_poseidon_many(i, o, n); };
  return queue_job(env, job);
}

/** setSignBatched(enabled: boolean): boolean — signMany batched (default) or one message at a time; for tests. */
napi_value SetSignBatched(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!get_args(env, info, 1, argv, "setSignBatched")) return nullptr;
  bool enabled = false;
  if (napi_get_value_bool(env, argv[0], &enabled) != napi_ok) {
    return throw_type(env, "setSignBatched: enabled must be a boolean"), nullptr;
  }
  napi_value r = nullptr;
  return ok(env, napi_get_boolean(env, set_sign_batched(enabled), &r), "get_boolean") ? r : nullptr;
}

/** blake512(data: Uint8Array): Uint8Array (64 bytes). Exposed for tests against `blake-hash`. */
napi_value Blake512(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!get_args(env, info, 1, argv, "blake512")) return nullptr;
  const uint8_t* in = nullptr;
  size_t len = 0;
  if (!get_bytes(env, argv[0], "blake512", "data", &in, &len)) return nullptr;
  uint8_t* out = nullptr;
  napi_value result;
  if (!new_bytes(env, 64, &out, &result)) return nullptr;
  blake512(in, len, out);
  return result;
}

/** poseidonKernel(): string — the kernel hashLevel/hashLeaves use now ("avx512ifma" or "scalar"). */
napi_value PoseidonKernel(napi_env env, napi_callback_info) {
  napi_value r = nullptr;
  return ok(env, napi_create_string_utf8(env, poseidon_kernel(), NAPI_AUTO_LENGTH, &r), "create_string") ? r : nullptr;
}

/** setPoseidonSimd(enabled: boolean): boolean — process-wide switch for tests; returns the previous state. */
napi_value SetPoseidonSimd(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!get_args(env, info, 1, argv, "setPoseidonSimd")) return nullptr;
  bool enabled = false;
  if (napi_get_value_bool(env, argv[0], &enabled) != napi_ok) {
    return throw_type(env, "setPoseidonSimd: enabled must be a boolean"), nullptr;
  }
  napi_value r = nullptr;
  return ok(env, napi_get_boolean(env, set_poseidon_simd(enabled), &r), "get_boolean") ? r : nullptr;
}

/**
 * Reads `ends` (u32 little-endian, 4 bytes per segment) against a data length: segment i is
 * data[ends[i-1] .. ends[i]) (ends[-1] = 0); ends ascending, the last at most `len`.
 */
bool get_ends(napi_env env, napi_value v, const char* fn, size_t len, const uint8_t** ends, size_t* n) {
  const uint8_t* e = nullptr;
  size_t elen = 0;
  if (!get_bytes(env, v, fn, "ends", &e, &elen)) return false;
  if (elen % 4 != 0) return throw_range(env, std::string(fn) + ": ends must hold 4 bytes (u32 LE) per segment");
  size_t prev = 0;
  for (size_t i = 0; i < elen / 4; i++) {
    const size_t end = size_t(e[4 * i]) | size_t(e[4 * i + 1]) << 8 | size_t(e[4 * i + 2]) << 16 |
                       size_t(e[4 * i + 3]) << 24;
    if (end < prev || end > len) {
      return throw_range(env, std::string(fn) + ": ends[" + std::to_string(i) + "] = " + std::to_string(end) +
                                  " is below the previous end or beyond the data (" + std::to_string(len) + " bytes)");
    }
    prev = end;
  }
  *ends = e;
  *n = elen / 4;
  return true;
}

inline size_t end_at(const uint8_t* e, size_t i) {
  return size_t(e[4 * i]) | size_t(e[4 * i + 1]) << 8 | size_t(e[4 * i + 2]) << 16 | size_t(e[4 * i + 3]) << 24;
}

/** sha256Many(data: Uint8Array, ends: Uint8Array): Uint8Array — SHA-256 of each segment (see get_ends), 32 bytes each. */
napi_value Sha256Many(napi_env env, napi_callback_info info) {
  const char* fn = "sha256Many";
  napi_value argv[2];
  if (!get_args(env, info, 2, argv, fn)) return nullptr;
  const uint8_t* data = nullptr;
  size_t len = 0;
  if (!get_bytes(env, argv[0], fn, "data", &data, &len)) return nullptr;
  const uint8_t* ends = nullptr;
  size_t n = 0;
  if (!get_ends(env, argv[1], fn, len, &ends, &n)) return nullptr;
  uint8_t* out = nullptr;
  napi_value result;
  if (!new_bytes(env, n * 32, &out, &result)) return nullptr;
  parallel_for(n, 4096, [data, ends, out](size_t b, size_t e) {
    for (size_t i = b; i < e; i++) {
      const size_t lo = i == 0 ? 0 : end_at(ends, i - 1);
      sha256(data + lo, end_at(ends, i) - lo, out + 32 * i);
    }
  });
  return result;
}

/**
 * hmacSha256Many(key: Uint8Array, prefix: Uint8Array, data: Uint8Array, ends: Uint8Array): Uint8Array —
 * HMAC-SHA256(key, prefix || segment) of each segment (see get_ends), 32 bytes each; the key is 1..64 bytes.
 */
napi_value HmacSha256Many(napi_env env, napi_callback_info info) {
  const char* fn = "hmacSha256Many";
  napi_value argv[4];
  if (!get_args(env, info, 4, argv, fn)) return nullptr;
  const uint8_t* key = nullptr;
  size_t key_len = 0;
  if (!get_bytes(env, argv[0], fn, "key", &key, &key_len)) return nullptr;
  if (key_len < 1 || key_len > 64) {
    throw_range(env, "hmacSha256Many: key must be 1 to 64 bytes, got " + std::to_string(key_len));
    return nullptr;
  }
  const uint8_t* prefix = nullptr;
  size_t prefix_len = 0;
  if (!get_bytes(env, argv[1], fn, "prefix", &prefix, &prefix_len)) return nullptr;
  const uint8_t* data = nullptr;
  size_t len = 0;
  if (!get_bytes(env, argv[2], fn, "data", &data, &len)) return nullptr;
  const uint8_t* ends = nullptr;
  size_t n = 0;
  if (!get_ends(env, argv[3], fn, len, &ends, &n)) return nullptr;
  uint8_t* out = nullptr;
  napi_value result;
  if (!new_bytes(env, n * 32, &out, &result)) return nullptr;
  const HmacSha256 mac(key, key_len);
  parallel_for(n, 4096, [&mac, prefix, prefix_len, data, ends, out](size_t b, size_t e) {
    for (size_t i = b; i < e; i++) {
      const size_t lo = i == 0 ? 0 : end_at(ends, i - 1);
      mac.mac(prefix, prefix_len, data + lo, end_at(ends, i) - lo, out + 32 * i);
    }
  });
  return result;
}

/** keccak256Many(data: Uint8Array, stride: number): Uint8Array — keccak256 of each `stride`-byte item, 32 bytes each. */
napi_value Keccak256Many(napi_env env, napi_callback_info info) {
  const char* fn = "keccak256Many";
  napi_value argv[2];
  if (!get_args(env, info, 2, argv, fn)) return nullptr;
  const uint8_t* data = nullptr;
  size_t len = 0;
  if (!get_bytes(env, argv[0], fn, "data", &data, &len)) return nullptr;
  uint32_t stride = 0;
  if (napi_get_value_uint32(env, argv[1], &stride) != napi_ok) {
    return throw_type(env, "keccak256Many: stride must be a number"), nullptr;
  }
  if (stride < 1 || stride > 65536 || len % stride != 0) {
    throw_range(env, "keccak256Many: stride must be 1..65536 and divide the data length (" + std::to_string(len) +
                         " bytes), got " + std::to_string(stride));
    return nullptr;
  }
  const size_t n = len / stride;
  uint8_t* out = nullptr;
  napi_value result;
  if (!new_bytes(env, n * 32, &out, &result)) return nullptr;
  parallel_for(n, 2048, [data, stride, out](size_t b, size_t e) {
    for (size_t i = b; i < e; i++) keccak256(data + i * stride, stride, out + 32 * i);
  });
  return result;
}

/** sha256Kernel(): string — "sha-ni" or "scalar". */
napi_value Sha256Kernel(napi_env env, napi_callback_info) {
  napi_value r = nullptr;
  return ok(env, napi_create_string_utf8(env, sha256_kernel(), NAPI_AUTO_LENGTH, &r), "create_string") ? r : nullptr;
}

/** setSha256Ni(enabled: boolean): boolean — process-wide switch for tests; returns the previous state. */
napi_value SetSha256Ni(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!get_args(env, info, 1, argv, "setSha256Ni")) return nullptr;
  bool enabled = false;
  if (napi_get_value_bool(env, argv[0], &enabled) != napi_ok) {
    return throw_type(env, "setSha256Ni: enabled must be a boolean"), nullptr;
  }
  napi_value r = nullptr;
  return ok(env, napi_get_boolean(env, set_sha256_ni(enabled), &r), "get_boolean") ? r : nullptr;
}

}  // namespace
}  // namespace por

NAPI_MODULE_INIT() {
  using namespace por;
  napi_value threads;
  if (napi_create_uint32(env, thread_count(), &threads) != napi_ok) return nullptr;
  const napi_property_descriptor props[] = {
      {"poseidon", nullptr, Poseidon, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"hashLevel", nullptr, HashLevel, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"parentLevel", nullptr, ParentLevel, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"hashLeaves", nullptr, HashLeaves, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"poseidonMany", nullptr, PoseidonMany, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"publicKey", nullptr, PublicKey, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"signMany", nullptr, SignMany, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"blake512", nullptr, Blake512, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"poseidonKernel", nullptr, PoseidonKernel, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"setPoseidonSimd", nullptr, SetPoseidonSimd, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"setSignBatched", nullptr, SetSignBatched, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"verifyMany", nullptr, VerifyMany, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"verifyManyAsync", nullptr, VerifyManyAsync, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"poseidonManyAsync", nullptr, PoseidonManyAsync, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"sha256Many", nullptr, Sha256Many, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"hmacSha256Many", nullptr, HmacSha256Many, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"keccak256Many", nullptr, Keccak256Many, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"sha256Kernel", nullptr, Sha256Kernel, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"setSha256Ni", nullptr, SetSha256Ni, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"threads", nullptr, nullptr, nullptr, nullptr, threads, napi_enumerable, nullptr},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return nullptr;
  return exports;
}
