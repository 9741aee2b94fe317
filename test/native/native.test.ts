// The native crypto backend (native/, src/crypto/native.ts) against circomlibjs, bit for bit: Poseidon for
// 1..16 inputs, tree levels and leaves, BLAKE-512 (vs blake-hash), public keys and EdDSA-Poseidon signatures
// (byte-equal to signPoseidon, and accepted by verifyPoseidon); plus every rejection path.
// Skips, with a visible note, when the addon is not built (`node native/build.mjs`).
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";

import { expect } from "chai";
import type { CircomlibEddsa } from "circomlibjs";
import fc from "fast-check";
import * as poseidonLite from "poseidon-lite";

import {
  NATIVE_ADDON_PATH,
  loadNative,
  loadNativeAddonForTests,
  nativeUnavailableReason,
  type NativeCrypto,
} from "../../src/crypto/native.js";
import { circomlibOracle, type CircomlibOracle } from "../helpers/circomlib-oracle.js";

const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const SUBGROUP_ORDER = 2736030358979909402780800718157159386076813972158567259200215660948447373041n;

type BlakeHash = (alg: "blake512") => { update(data: Buffer): { digest(): Buffer } };
const createBlakeHash = createRequire(import.meta.url)("blake-hash") as BlakeHash;

function toLE(v: bigint): Uint8Array {
  const out = new Uint8Array(32);
  let x = v;
  for (let i = 0; i < 32; i++) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  if (x !== 0n) throw new Error("value does not fit 32 bytes");
  return out;
}

function fromLE(b: Uint8Array, offset = 0): bigint {
  let v = 0n;
  for (let i = 31; i >= 0; i--) v = (v << 8n) | BigInt(b[offset + i]);
  return v;
}

function concat(words: bigint[]): Uint8Array {
  const out = new Uint8Array(words.length * 32);
  words.forEach((w, i) => out.set(toLE(w), i * 32));
  return out;
}

/** Uniform-ish field element from random bytes. */
function randomField(): bigint {
  return fromLE(randomBytes(32)) % P;
}

const fieldArb = fc.oneof(
  fc.bigInt({ min: 0n, max: P - 1n }),
  fc.constantFrom(0n, 1n, P - 1n, P - 2n, (1n << 128n) - 1n, 1n << 253n),
);

describe("native crypto backend", function () {
  this.timeout(300_000);
  let native: NativeCrypto;
  let ref: CircomlibOracle;
  let eddsa: CircomlibEddsa;
  const refHash = (xs: bigint[]): bigint => ref.poseidon(xs);

  before(async function () {
    const loaded = loadNative();
    if (loaded === undefined) {
      console.log(`      SKIPPED: native addon unavailable: ${nativeUnavailableReason()}`);
      this.skip();
    }
    native = loaded;
    ref = await circomlibOracle();
    eddsa = ref.lib.eddsa;
  });

  it("loads in the Node that runs the tests (Node-API is ABI-stable across Node 20 and 22)", () => {
    const major = Number(process.versions.node.split(".")[0]);
    expect(major).to.be.at.least(20);
    expect(loadNativeAddonForTests()?.threads).to.be.a("number").and.at.least(1);
  });

  it("loads and computes inside worker threads too (a context-aware addon), concurrently", async () => {
    const code =
      `const { parentPort, workerData } = require("node:worker_threads");` +
      `const m = require(workerData.path);` +
      `const level = new Uint8Array(128 * 300).fill(1);` +
      `parentPort.postMessage({ h: m.poseidon([1n, 2n]), level: m.hashLevel(level) });`;
    const run = () =>
      new Promise<{ h: bigint; level: Uint8Array }>((resolve, reject) => {
        const w = new Worker(code, { eval: true, workerData: { path: NATIVE_ADDON_PATH } });
        w.once("message", (msg: { h: bigint; level: Uint8Array }) => {
          resolve(msg);
          void w.terminate();
        });
        w.once("error", reject);
      });
    const results = await Promise.all([run(), run(), run()]);
    const want = native.hashLevel(new Uint8Array(128 * 300).fill(1));
    for (const r of results) {
      expect(r.h).to.equal(7853200120776062878684798364095072458815029376092732009249414926327459813530n);
      expect(Buffer.from(r.level).equals(Buffer.from(want))).to.equal(true);
    }
  });

  describe("poseidon", () => {
    it("matches circomlibjs for random inputs of every width 1..16", () => {
      for (let n = 1; n <= 16; n++) {
        fc.assert(
          fc.property(fc.array(fieldArb, { minLength: n, maxLength: n }), (xs) => {
            expect(native.poseidon(xs)).to.equal(refHash(xs));
          }),
          { numRuns: 6 },
        );
      }
    });

    it("matches fixed vectors and poseidon-lite for every width", () => {
      expect(native.poseidon([1n, 2n])).to.equal(
        7853200120776062878684798364095072458815029376092732009249414926327459813530n,
      );
      const lite = poseidonLite as unknown as Record<string, (xs: bigint[]) => bigint>;
      for (let n = 1; n <= 16; n++) {
        const xs = Array.from({ length: n }, (_, i) => BigInt(i + 1) * 1000003n);
        expect(native.poseidon(xs), `width ${n}`).to.equal(lite[`poseidon${n}`](xs));
      }
    });

    it("accepts the edge values 0 and p - 1", () => {
      expect(native.poseidon([0n])).to.equal(refHash([0n]));
      expect(native.poseidon([P - 1n, 0n, P - 1n, 0n])).to.equal(refHash([P - 1n, 0n, P - 1n, 0n]));
      expect(native.poseidon(Array<bigint>(16).fill(P - 1n))).to.equal(refHash(Array<bigint>(16).fill(P - 1n)));
    });

    it("rejects inputs >= p, negative inputs and values of 2^256 and more", () => {
      expect(() => native.poseidon([1n, P])).to.throw(RangeError, "poseidon: input 1 is not a canonical field element");
      expect(() => native.poseidon([(1n << 256n) - 1n])).to.throw(RangeError, "input 0 is not a canonical");
      expect(() => native.poseidon([1n << 300n])).to.throw(RangeError, "input 0 is not a canonical");
      expect(() => native.poseidon([5n, -1n])).to.throw(RangeError, "poseidon: input 1 is negative");
      expect(() => native.poseidon([-(1n << 200n)])).to.throw(RangeError, "input 0 is negative");
    });

    it("rejects 0 or more than 16 inputs and non-bigint inputs", () => {
      expect(() => native.poseidon([])).to.throw(RangeError, "expected 1 to 16 inputs, got 0");
      expect(() => native.poseidon(Array<bigint>(17).fill(1n))).to.throw(RangeError, "got 17");
      expect(() => native.poseidon([1 as unknown as bigint])).to.throw(TypeError, "input 0 must be a bigint");
      expect(() => native.poseidon(["1" as unknown as bigint])).to.throw(TypeError, "must be a bigint");
      expect(() => native.poseidon(7n as unknown as bigint[])).to.throw(TypeError, "must be an array");
    });
  });

  describe("hashLevel", () => {
    /** The byte layout of a level: per node h then s, 32 bytes LE each. */
    function level(children: Array<[bigint, bigint]>): Uint8Array {
      return concat(children.flat());
    }

    it("matches circomlibjs Poseidon(hL, sL, hR, sR) and sL + sR for random nodes", () => {
      fc.assert(
        fc.property(fc.array(fc.tuple(fieldArb, fieldArb), { minLength: 2, maxLength: 12 }), (nodes) => {
          const even = nodes.length % 2 === 0 ? nodes : nodes.slice(1);
          const out = native.hashLevel(level(even));
          expect(out).to.be.instanceOf(Uint8Array);
          expect(out.length).to.equal((even.length / 2) * 64);
          for (let i = 0; i < even.length / 2; i++) {
            const [hL, sL] = even[2 * i];
            const [hR, sR] = even[2 * i + 1];
            expect(fromLE(out, i * 64), `parent ${i} h`).to.equal(refHash([hL, sL, hR, sR]));
            expect(fromLE(out, i * 64 + 32), `parent ${i} s`).to.equal((sL + sR) % P);
          }
        }),
        { numRuns: 15 },
      );
    });

    it("computes s = sL + sR exactly mod p, also when the sum wraps", () => {
      const out = native.hashLevel(concat([1n, P - 1n, 2n, P - 1n, 3n, P - 1n, 4n, 1n]));
      expect(fromLE(out, 32)).to.equal(P - 2n);
      expect(fromLE(out, 96)).to.equal(0n);
      expect(fromLE(out, 0)).to.equal(refHash([1n, P - 1n, 2n, P - 1n]));
      expect(fromLE(out, 64)).to.equal(refHash([3n, P - 1n, 4n, 1n]));
    });

    it("hashes a large level (split over threads) exactly as node-by-node", () => {
      const n = 3001;
      const words = Array.from({ length: n * 4 }, (_, i) =>
        i % 4 === 1 || i % 4 === 3 ? BigInt(i) << 90n : randomField(),
      );
      const out = native.hashLevel(concat(words));
      expect(out.length).to.equal(n * 64);
      for (let i = 0; i < n; i++) {
        const [hL, sL, hR, sR] = words.slice(4 * i, 4 * i + 4);
        expect(fromLE(out, i * 64), `parent ${i} h`).to.equal(native.poseidon([hL, sL, hR, sR]));
        expect(fromLE(out, i * 64 + 32), `parent ${i} s`).to.equal(sL + sR);
      }
      for (const i of [0, 1500, n - 1]) {
        expect(fromLE(out, i * 64)).to.equal(refHash(words.slice(4 * i, 4 * i + 4)));
      }
    });

    it("reads a view with a non-zero byteOffset, and returns an empty level for empty input", () => {
      const words = [11n, 12n, 13n, 14n];
      const backing = new Uint8Array(64 + 128);
      backing.set(concat(words), 64);
      const out = native.hashLevel(backing.subarray(64));
      expect(fromLE(out, 0)).to.equal(refHash(words));
      expect(native.hashLevel(Buffer.from(concat(words)))).to.deep.equal(out);
      expect(native.hashLevel(new Uint8Array(0)).length).to.equal(0);
    });

    it("rejects lengths that are not whole pairs of 64-byte nodes", () => {
      for (const len of [1, 32, 64, 127, 129, 192]) {
        expect(() => native.hashLevel(new Uint8Array(len)), `length ${len}`).to.throw(
          RangeError,
          `hashLevel: children must hold an even number of 64-byte nodes (a multiple of 128 bytes), got ${len} bytes`,
        );
      }
    });

    it("rejects non-canonical hashes and sums, naming the node", () => {
      const words = Array<bigint>(16).fill(5n);
      words[6] = P; // node 3 hash
      expect(() => native.hashLevel(concat(words))).to.throw(RangeError, "hashLevel: node 3 hash is not a canonical");
      words[6] = 5n;
      words[5] = (1n << 256n) - 1n; // node 2 sum
      expect(() => native.hashLevel(concat(words))).to.throw(RangeError, "hashLevel: node 2 sum is not a canonical");
    });

    it("rejects anything but a Uint8Array", () => {
      expect(() => native.hashLevel(new Uint16Array(64) as unknown as Uint8Array)).to.throw(TypeError, "Uint8Array");
      expect(() => native.hashLevel([0, 1] as unknown as Uint8Array)).to.throw(TypeError, "Uint8Array");
      expect(() => native.hashLevel(new ArrayBuffer(128) as unknown as Uint8Array)).to.throw(TypeError, "Uint8Array");
      expect(() => (native.hashLevel as unknown as () => Uint8Array)()).to.throw(TypeError, "must be a Uint8Array");
      const raw = loadNativeAddonForTests()!;
      expect(() => (raw.hashLevel as unknown as () => Uint8Array)()).to.throw(
        TypeError,
        "hashLevel: expected 1 argument",
      );
    });
  });

  describe("poseidonMany", () => {
    it("equals poseidon() tuple by tuple for every arity 1..16 (batches of 1..19 and 300, both kernels)", () => {
      const raw = loadNativeAddonForTests()!;
      for (let arity = 1; arity <= 16; arity++) {
        for (const n of [1, 7, 8, 9, 19, 300]) {
          const words = Array.from({ length: arity * n }, (_, i) => (i % 11 === 5 ? P - 1n : randomField()));
          const out = native.poseidonMany(arity, concat(words));
          expect(out.length).to.equal(n * 32);
          const before = raw.setPoseidonSimd(false);
          let scalar: Uint8Array;
          try {
            scalar = native.poseidonMany(arity, concat(words));
          } finally {
            raw.setPoseidonSimd(before);
          }
          expect(Buffer.from(out).equals(Buffer.from(scalar)), `arity ${arity}, n ${n}`).to.equal(true);
          for (const i of [0, n - 1, n >> 1]) {
            const tuple = words.slice(arity * i, arity * (i + 1));
            expect(fromLE(out, i * 32), `arity ${arity}, tuple ${i}`).to.equal(native.poseidon(tuple));
          }
        }
        const tuple = Array.from({ length: arity }, () => randomField());
        expect(fromLE(native.poseidonMany(arity, concat(tuple)), 0), `arity ${arity} vs circomlibjs`).to.equal(
          refHash(tuple),
        );
      }
      expect(native.poseidonMany(3, new Uint8Array(0)).length).to.equal(0);
    });

    it("rejects a bad arity, partial tuples, non-canonical elements and wrong types", () => {
      for (const arity of [0, 17, 1.5, -1, Number.NaN]) {
        expect(() => native.poseidonMany(arity, new Uint8Array(64)), `arity ${arity}`).to.throw(
          RangeError,
          "poseidonMany: arity must be an integer from 1 to 16",
        );
      }
      expect(() => native.poseidonMany("2" as unknown as number, new Uint8Array(64))).to.throw(TypeError, "number");
      expect(() => native.poseidonMany(3, new Uint8Array(64))).to.throw(
        RangeError,
        "poseidonMany: inputs must hold whole tuples of 3 32-byte words (96 bytes each), got 64 bytes",
      );
      expect(() => native.poseidonMany(2, concat([1n, 2n, 3n, P]))).to.throw(
        RangeError,
        "poseidonMany: tuple 1 element 1 is not a canonical field element",
      );
      expect(() => native.poseidonMany(2, [1, 2] as unknown as Uint8Array)).to.throw(TypeError, "Uint8Array");
    });
  });

  describe("hashLeaves", () => {
    it("matches circomlibjs Poseidon(accountKey, balance) for random pairs and edge values", () => {
      const pairs: Array<[bigint, bigint]> = [
        [0n, 0n],
        [P - 1n, P - 1n],
        [randomField(), (1n << 96n) - 1n],
      ];
      for (let i = 0; i < 10; i++) pairs.push([randomField(), randomField()]);
      const out = native.hashLeaves(concat(pairs.flat()));
      expect(out.length).to.equal(pairs.length * 32);
      pairs.forEach(([k, b], i) => expect(fromLE(out, i * 32), `leaf ${i} (${k}, ${b})`).to.equal(refHash([k, b])));
    });

    it("hashes a large batch (split over threads) exactly as one by one", () => {
      const n = 2049;
      const words = Array.from({ length: 2 * n }, () => randomField());
      const out = native.hashLeaves(concat(words));
      for (let i = 0; i < n; i++) {
        expect(fromLE(out, i * 32)).to.equal(native.poseidon([words[2 * i], words[2 * i + 1]]));
      }
      expect(native.hashLeaves(new Uint8Array(0)).length).to.equal(0);
    });

    it("rejects bad lengths, non-canonical values and wrong types", () => {
      for (const len of [1, 32, 65, 96]) {
        expect(() => native.hashLeaves(new Uint8Array(len))).to.throw(
          RangeError,
          `hashLeaves: pairs must be a multiple of 64 bytes, got ${len} bytes`,
        );
      }
      expect(() => native.hashLeaves(concat([1n, 2n, P, 3n]))).to.throw(
        RangeError,
        "pair 1 accountKey is not a canonical",
      );
      expect(() => native.hashLeaves(concat([1n, P + 7n]))).to.throw(RangeError, "pair 0 balance is not a canonical");
      expect(() => native.hashLeaves("00" as unknown as Uint8Array)).to.throw(TypeError, "pairs must be a Uint8Array");
    });
  });

  describe("Poseidon kernels (AVX-512 IFMA batch kernel vs the scalar one)", () => {
    const raw = () => loadNativeAddonForTests()!;
    /** Runs fn with the SIMD kernel switched on or off, restoring the previous state afterwards. */
    function withSimd<T>(enabled: boolean, fn: () => T): T {
      const before = raw().setPoseidonSimd(enabled);
      try {
        return fn();
      } finally {
        raw().setPoseidonSimd(before);
      }
    }
    const edge = [0n, 1n, 2n, P - 1n, P - 2n, (1n << 52n) - 1n, 1n << 52n, (1n << 96n) - 1n, 1n << 253n, P >> 1n];

    before(function () {
      if (raw().poseidonKernel() !== "avx512ifma") {
        console.log(`      NOTE: no AVX-512 IFMA on this CPU (or POR_NATIVE_SIMD=0): only the scalar kernel runs`);
      }
    });

    it("reports the kernel, and setPoseidonSimd(false) switches to the scalar one", () => {
      const kernel = raw().poseidonKernel();
      expect(["avx512ifma", "scalar"]).to.include(kernel);
      withSimd(false, () => expect(raw().poseidonKernel()).to.equal("scalar"));
      expect(raw().poseidonKernel()).to.equal(kernel);
      expect(() => (raw().setPoseidonSimd as unknown as (x: string) => boolean)("no")).to.throw(TypeError, "boolean");
    });

    it("POR_NATIVE_SIMD=0 starts a process on the scalar kernel", () => {
      const r = spawnSync(
        process.execPath,
        ["-e", `process.stdout.write(require(${JSON.stringify(NATIVE_ADDON_PATH)}).poseidonKernel())`],
        { encoding: "utf8", env: { ...process.env, POR_NATIVE_SIMD: "0" } },
      );
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.equal("scalar");
    });

    it("hashLevel is byte-equal on both kernels for every batch size 1..40 (all lane fill levels) and edge values", () => {
      for (let n = 1; n <= 40; n++) {
        const words = Array.from({ length: 4 * n }, (_, i) =>
          i % 7 === 3 ? edge[(i * 5 + n) % edge.length] : randomField(),
        );
        const input = concat(words);
        const simd = native.hashLevel(input);
        const scalar = withSimd(false, () => native.hashLevel(input));
        expect(Buffer.from(simd).equals(Buffer.from(scalar)), `batch of ${n}`).to.equal(true);
      }
    });

    it("hashLeaves is byte-equal on both kernels for every batch size 1..40 and edge values", () => {
      for (let n = 1; n <= 40; n++) {
        const words = Array.from({ length: 2 * n }, (_, i) =>
          i % 5 === 1 ? edge[(i * 3 + n) % edge.length] : randomField(),
        );
        const input = concat(words);
        const simd = native.hashLeaves(input);
        const scalar = withSimd(false, () => native.hashLeaves(input));
        expect(Buffer.from(simd).equals(Buffer.from(scalar)), `batch of ${n}`).to.equal(true);
      }
    });

    it("matches circomlibjs on every lane for all-edge-value inputs (the largest values the lazy reduction sees)", () => {
      // Every combination of four values from {0, 1, p - 1, p - 2}: 256 parents, 32 full 8-lane groups.
      const vals = [0n, 1n, P - 1n, P - 2n];
      const words: bigint[] = [];
      for (let c = 0; c < 256; c++) for (let j = 0; j < 4; j++) words.push(vals[(c >> (2 * j)) & 3]);
      const out = native.hashLevel(concat(words));
      for (let c = 0; c < 256; c++) {
        const w = words.slice(4 * c, 4 * c + 4);
        expect(fromLE(out, c * 64), `parent ${c}`).to.equal(c % 37 === 0 ? refHash(w) : native.poseidon(w));
      }
      const leaves = native.hashLeaves(concat(words));
      for (let c = 0; c < 512; c += 17) expect(fromLE(leaves, c * 32)).to.equal(refHash(words.slice(2 * c, 2 * c + 2)));
    });

    it("agrees with the scalar kernel on a large multi-threaded level (fast-check over random edge mixes)", () => {
      fc.assert(
        fc.property(fc.array(fieldArb, { minLength: 4, maxLength: 4 * 70 }), (ws) => {
          const words = ws.slice(0, ws.length - (ws.length % 4));
          const input = concat(words);
          const simd = native.hashLevel(input);
          const scalar = withSimd(false, () => native.hashLevel(input));
          expect(Buffer.from(simd).equals(Buffer.from(scalar))).to.equal(true);
        }),
        { numRuns: 25 },
      );
      const big = concat(Array.from({ length: 4 * 5003 }, () => randomField()));
      expect(
        Buffer.from(native.hashLevel(big)).equals(Buffer.from(withSimd(false, () => native.hashLevel(big)))),
      ).to.equal(true);
    });
  });

  describe("blake512", () => {
    it("matches blake-hash for every length 0..300 (one, two and three blocks, all padding cases)", () => {
      const addon = loadNativeAddonForTests();
      expect(addon).to.not.equal(undefined);
      const data = randomBytes(300);
      for (let len = 0; len <= 300; len++) {
        const msg = data.subarray(0, len);
        const want = createBlakeHash("blake512").update(Buffer.from(msg)).digest();
        expect(Buffer.from(addon!.blake512(msg)).toString("hex"), `length ${len}`).to.equal(want.toString("hex"));
      }
    });

    it("matches the published BLAKE-512 digest of the empty message", () => {
      const addon = loadNativeAddonForTests()!;
      expect(Buffer.from(addon.blake512(new Uint8Array(0))).toString("hex")).to.equal(
        "a8cfbbd73726062df0c6864dda65defe58ef0cc52a5625090fa17601e1eecd1b" +
          "628e94f396ae402a00acc9eab77b4d4c2e852aaaa25a636d80af3fc7913ef5b8",
      );
    });
  });

  describe("publicKey", () => {
    it("matches circomlibjs prv2pub for fixed and random keys", () => {
      const keys = [
        new Uint8Array(32),
        new Uint8Array(32).fill(0xff),
        ...Array.from({ length: 8 }, () => randomBytes(32)),
      ];
      for (const prv of keys) {
        const A = eddsa.prv2pub(prv);
        expect(native.publicKey(prv), `key ${Buffer.from(prv).toString("hex")}`).to.deep.equal([
          eddsa.F.toObject(A[0]),
          eddsa.F.toObject(A[1]),
        ]);
      }
    });

    it("rejects keys that are not exactly 32 bytes, and non-Uint8Array keys", () => {
      for (const len of [0, 31, 33, 64]) {
        expect(() => native.publicKey(new Uint8Array(len))).to.throw(
          RangeError,
          `publicKey: privateKey must be 32 bytes, got ${len}`,
        );
      }
      expect(() => native.publicKey("k".repeat(32) as unknown as Uint8Array)).to.throw(TypeError, "Uint8Array");
    });
  });

  describe("signMany", () => {
    function refSign(prv: Uint8Array, m: bigint): Uint8Array {
      const sig = eddsa.signPoseidon(prv, eddsa.F.e(m));
      return concat([eddsa.F.toObject(sig.R8[0]), eddsa.F.toObject(sig.R8[1]), sig.S]);
    }

    function refVerify(prv: Uint8Array, m: bigint, sig: Uint8Array): boolean {
      const A = eddsa.prv2pub(prv);
      const S = fromLE(sig, 64);
      const R8: [Uint8Array, Uint8Array] = [eddsa.F.e(fromLE(sig, 0)), eddsa.F.e(fromLE(sig, 32))];
      return eddsa.verifyPoseidon(eddsa.F.e(m), { R8, S }, A);
    }

    it("is byte-equal to circomlibjs signPoseidon and verifies with verifyPoseidon", () => {
      const prv = randomBytes(32);
      const msgs = [0n, 1n, P - 1n, SUBGROUP_ORDER, (1n << 200n) + 3n, randomField(), randomField(), randomField()];
      const out = native.signMany(prv, concat(msgs));
      expect(out.length).to.equal(msgs.length * 96);
      msgs.forEach((m, i) => {
        const sig = out.subarray(i * 96, (i + 1) * 96);
        const label = `key ${prv.toString("hex")}, message ${i} = ${m}`;
        expect(Buffer.from(sig).toString("hex"), label).to.equal(Buffer.from(refSign(prv, m)).toString("hex"));
        expect(fromLE(sig, 64) < SUBGROUP_ORDER).to.equal(true);
        expect(refVerify(prv, m, sig), `${label} verifies`).to.equal(true);
      });
    });

    it("matches circomlibjs for several fixed and random keys", () => {
      const keys = [
        new Uint8Array(32),
        Buffer.from("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", "hex"),
      ];
      for (let i = 0; i < 4; i++) keys.push(randomBytes(32));
      for (const prv of keys) {
        const m = randomField();
        expect(
          Buffer.from(native.signMany(prv, toLE(m))).toString("hex"),
          `key ${Buffer.from(prv).toString("hex")}, m ${m}`,
        ).to.equal(Buffer.from(refSign(prv, m)).toString("hex"));
      }
    });

    it("a tampered signature or message fails verifyPoseidon (the check above can fail)", () => {
      const prv = randomBytes(32);
      const m = randomField();
      const sig = native.signMany(prv, toLE(m));
      const bad = Uint8Array.from(sig);
      bad[64] ^= 1;
      expect(refVerify(prv, m, bad)).to.equal(false);
      expect(refVerify(prv, (m + 1n) % P, sig)).to.equal(false);
    });

    it("signs a large batch (split over threads) exactly as one message at a time", () => {
      const prv = randomBytes(32);
      const n = 257;
      const msgs = Array.from({ length: n }, () => randomField());
      const out = native.signMany(prv, concat(msgs));
      for (let i = 0; i < n; i++) {
        expect(
          Buffer.from(out.subarray(i * 96, (i + 1) * 96)).equals(Buffer.from(native.signMany(prv, toLE(msgs[i])))),
        ).to.equal(true);
      }
      for (const i of [0, 128, n - 1]) {
        expect(Buffer.from(out.subarray(i * 96, (i + 1) * 96)).toString("hex")).to.equal(
          Buffer.from(refSign(prv, msgs[i])).toString("hex"),
        );
      }
      expect(native.signMany(prv, new Uint8Array(0)).length).to.equal(0);
    });

    it("the batched signer (one inversion per chunk, batch challenge hashes) is byte-equal to one at a time", () => {
      const addon = loadNativeAddonForTests();
      if (addon === undefined) return;
      for (const n of [1, 7, 63, 64, 65, 1000]) {
        const prv = randomBytes(32);
        const msgs = Array.from({ length: n }, (_, i) => (i === 0 ? P - 1n : i === 1 ? 0n : randomField()));
        const before = addon.setSignBatched(true);
        const batched = Buffer.from(native.signMany(prv, concat(msgs)));
        addon.setSignBatched(false);
        const single = Buffer.from(native.signMany(prv, concat(msgs)));
        addon.setSignBatched(before);
        expect(batched.equals(single), `n = ${n}`).to.equal(true);
        expect(batched.subarray(0, 96).toString("hex")).to.equal(Buffer.from(refSign(prv, msgs[0])).toString("hex"));
      }
    });

    it("rejects messages >= p, naming the message, and bad lengths and keys", () => {
      const prv = randomBytes(32);
      expect(() => native.signMany(prv, concat([1n, P]))).to.throw(
        RangeError,
        "signMany: message 1 is not a canonical field element (must be < p)",
      );
      expect(() => native.signMany(prv, concat([(1n << 256n) - 1n]))).to.throw(RangeError, "message 0");
      for (const len of [1, 31, 33, 95]) {
        expect(() => native.signMany(prv, new Uint8Array(len))).to.throw(
          RangeError,
          `signMany: messages must be a multiple of 32 bytes, got ${len} bytes`,
        );
      }
      expect(() => native.signMany(new Uint8Array(16), new Uint8Array(32))).to.throw(
        RangeError,
        "signMany: privateKey must be 32 bytes, got 16",
      );
      expect(() => native.signMany(prv, [1, 2] as unknown as Uint8Array)).to.throw(
        TypeError,
        "messages must be a Uint8Array",
      );
      const raw = loadNativeAddonForTests()!;
      expect(() => (raw.signMany as unknown as (k: Uint8Array) => Uint8Array)(prv)).to.throw(
        TypeError,
        "signMany: expected 2 argument(s)",
      );
    });
  });

  describe("native/build.mjs", () => {
    const script = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "native", "build.mjs");
    const runBuild = (args: string[]) =>
      spawnSync(process.execPath, [script, ...args], {
        encoding: "utf8",
        env: { ...process.env, CXX: "/nonexistent/c++", POR_NATIVE_SKIP: "" },
      });

    it("without a compiler prints a note and exits 0, keeping the built addon", () => {
      const r = runBuild([]);
      expect(r.status).to.equal(0);
      expect(r.stderr).to.include('No C++ compiler found (tried "/nonexistent/c++"');
      expect(r.stderr).to.include("falls back to pure JavaScript");
      expect(existsSync(NATIVE_ADDON_PATH)).to.equal(true);
    });

    it("without a compiler exits 1 with --strict", () => {
      const r = runBuild(["--strict"]);
      expect(r.status).to.equal(1);
      expect(r.stderr).to.include("No C++ compiler found");
    });
  });

  describe("loadNative", () => {
    it("returns the cached backend and undefined (not an exception) for a missing or broken addon", () => {
      expect(loadNative()).to.not.equal(undefined);
      expect(nativeUnavailableReason()).to.equal(undefined);
      const dir = mkdtempSync(join(tmpdir(), "por-native-"));
      try {
        expect(loadNative({ path: join(dir, "missing.node") })).to.equal(undefined);
        const garbage = join(dir, "garbage.node");
        writeFileSync(garbage, randomBytes(512));
        expect(loadNative({ path: garbage })).to.equal(undefined);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("honours POR_NATIVE=0", () => {
      const saved = process.env.POR_NATIVE;
      process.env.POR_NATIVE = "0";
      try {
        expect(loadNative({ path: NATIVE_ADDON_PATH })).to.equal(undefined);
      } finally {
        if (saved === undefined) delete process.env.POR_NATIVE;
        else process.env.POR_NATIVE = saved;
      }
      expect(loadNative({ path: NATIVE_ADDON_PATH })).to.not.equal(undefined);
    });
  });
});
