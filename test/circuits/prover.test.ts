// The prover's statement checks (no proving): it classifies real frauds and refuses, with a reason, everything
// the circuit would reject, before spending seconds on a proof.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { encodeLeaves } from "../../src/tree/leaves.js";

import {
  FraudProofRefused,
  ProverInputError,
  buildRootSumStatement,
  checkFraud,
  loadProverCrypto,
  packContext,
  slotPathFromLeaves,
  parseFraudProofFile,
  parseSlotPathFile,
  unpackContext,
  type ProveFraudInput,
  type RefusalReason,
} from "../../src/prover/index.js";
import { signed, treeWith, userRecord } from "./fixtures.js";
import { type Crypto } from "./helpers.js";
import { circomlibOracle } from "../helpers/circomlib-oracle.js";

let c: Crypto;

async function refusal(input: ProveFraudInput): Promise<RefusalReason | "accepted"> {
  try {
    await checkFraud(input);
    return "accepted";
  } catch (e) {
    if (e instanceof FraudProofRefused) return e.reason;
    throw e;
  }
}

describe("src/prover", function () {
  this.timeout(60_000);
  before(async function () {
    c = await circomlibOracle();
  });

  describe("checkFraud", function () {
    it("classifies an empty slot, another account's leaf and an under-reported leaf", async function () {
      const r = userRecord();
      const empty = await treeWith(c, r, undefined);
      const s1 = await checkFraud({ record: signed(c, r), path: empty.path });
      expect(s1.kind).to.equal("missing-user-empty-slot");
      expect(s1.rootHash).to.equal(empty.root.h);
      expect(s1.claim).to.equal(r.balance);
      expect(s1.context).to.equal(packContext(r.asset, r.t, r.balance));

      const other = await treeWith(c, r, { h: c.poseidon([1n, r.balance]), s: r.balance });
      expect((await checkFraud({ record: signed(c, r), path: other.path })).kind).to.equal(
        "missing-user-other-account",
      );

      const under = await treeWith(c, r, { h: c.poseidon([r.accountKey, 10n]), s: 10n });
      const s3 = await checkFraud({
        record: signed(c, r),
        path: under.path,
        expectedRoot: under.root.h,
      });
      expect(s3.kind).to.equal("under-reported");
      // An under-reported account is owed the shortfall, not its whole balance.
      expect(s3.claim).to.equal(r.balance - 10n);
      expect(s3.context).to.equal(packContext(r.asset, r.t, r.balance - 10n));
      expect(s3.payoutHash).to.equal(r.payoutHash);
    });

    it("refuses an honest leaf (no-fraud), also when it holds more than signed", async function () {
      const r = userRecord();
      for (const s of [r.balance, r.balance + 1n]) {
        const honest = await treeWith(c, r, { h: c.poseidon([r.accountKey, s]), s });
        expect(await refusal({ record: signed(c, r), path: honest.path })).to.equal("no-fraud");
      }
    });

    it("refuses a record signed by another key or with a tampered field (bad-signature)", async function () {
      const r = userRecord();
      const { path } = await treeWith(c, r, undefined);
      const other = Uint8Array.from({ length: 32 }, () => 9);
      expect(await refusal({ record: signed(c, r, other), path })).to.equal("bad-signature");
      const tampered = { ...signed(c, r), balance: r.balance + 1n };
      expect(await refusal({ record: tampered, path })).to.equal("bad-signature");
      const offCurve = signed(c, r);
      offCurve.signature = { ...offCurve.signature, R8x: offCurve.signature.R8x + 1n };
      expect(await refusal({ record: offCurve, path })).to.equal("bad-signature");
    });

    it("refuses a path for another slot, of the wrong depth, or not reaching the committed root", async function () {
      const r = userRecord();
      const { path, root } = await treeWith(c, r, undefined);
      const rec = signed(c, r);
      expect(await refusal({ record: rec, path: { ...path, slot: 6n } })).to.equal("wrong-slot");
      const short = { ...path, siblings: path.siblings.slice(1) };
      expect(await refusal({ record: rec, path: short })).to.equal("wrong-depth");
      expect(await refusal({ record: rec, path, expectedRoot: root.h + 1n })).to.equal("root-mismatch");
    });

    it("proves a malformed path (a sum >= 2^128 or wrapped) instead of refusing, naming the bad index", async function () {
      const r = userRecord();
      const { path } = await treeWith(c, r, { h: c.poseidon([r.accountKey, r.balance]), s: r.balance });
      const rec = signed(c, r);
      // The honest path: no fraud. The same path with one sibling sum moved out of range: malformed, whole balance.
      expect(await refusal({ record: rec, path })).to.equal("no-fraud");
      const big = { ...path, siblings: path.siblings.map((n, i) => (i === 3 ? { ...n, s: 1n << 128n } : n)) };
      const s1 = await checkFraud({ record: rec, path: big });
      expect(s1.kind).to.equal("malformed-path");
      expect(s1.badIndex).to.equal(1 + 3);
      expect(s1.claim).to.equal(r.balance);
      expect(s1.circuitInput.malformed).to.equal("1");
      const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
      const wrapped = { ...path, siblings: path.siblings.map((n, i) => (i === 0 ? { ...n, s: P - 5n } : n)) };
      expect((await checkFraud({ record: rec, path: wrapped })).badIndex).to.equal(1);
      // Two in-range siblings whose sum is not: the first path sum out of range.
      const half = 1n << 127n;
      const two = { ...path, siblings: path.siblings.map((n, i) => (i === 1 || i === 2 ? { ...n, s: half } : n)) };
      expect((await checkFraud({ record: rec, path: two })).badIndex).to.equal(32 + 3);
      const notField = { ...path, siblings: path.siblings.map((n, i) => (i === 3 ? { ...n, s: P } : n)) };
      expect(await refusal({ record: rec, path: notField })).to.equal("out-of-range");
    });

    it("refuses a record key outside the prime-order subgroup (weak-key), before any signature check", async function () {
      const bj = (await circomlibOracle()).lib.babyJub;
      // The full group's generator has order 8l: l times it has order 8 (anyone can sign under it).
      const order8 = bj.mulPointEscalar(bj.Generator, bj.subOrder);
      const mixed = bj.addPoint(bj.mulPointEscalar(bj.Base8, 12345n), order8);
      const r = userRecord();
      const { path } = await treeWith(c, r, undefined);
      for (const point of [order8, mixed]) {
        const rec = { ...signed(c, r), publicKey: { Ax: bj.F.toObject(point[0]), Ay: bj.F.toObject(point[1]) } };
        expect(await refusal({ record: rec, path })).to.equal("weak-key");
      }
      const identity = { ...signed(c, r), publicKey: { Ax: 0n, Ay: 1n } };
      expect(await refusal({ record: identity, path })).to.equal("weak-key");
    });

    it("builds the root-sum statement from any path, and refuses an honest root", async function () {
      const pc = await loadProverCrypto();
      const r = userRecord();
      const { path, root } = await treeWith(c, r, undefined);
      expect(() => buildRootSumStatement(pc, path, root.s, root.h)).to.throw(FraudProofRefused, /no fraud/);
      const under = buildRootSumStatement(pc, path, root.s - 1n, root.h);
      expect(under.kind).to.equal("root-sum-mismatch");
      expect(under.left.s + under.right.s).to.equal(root.s);
      expect(under.circuitInput.rootSum).to.equal((root.s - 1n).toString());
      expect(() => buildRootSumStatement(pc, path, root.s, root.h + 1n)).to.throw(
        FraudProofRefused,
        /not the committed/,
      );
      expect(() => buildRootSumStatement(pc, path, 1n << 128n)).to.throw(FraudProofRefused, /root sum/);
    });
  });

  describe("slotPathFromLeaves", function () {
    it("rebuilds the published leaves and gives paths to the root, also for slots beyond the slot space", async function () {
      const dir = await mkdtemp(join(tmpdir(), "leaves-"));
      try {
        const r = userRecord();
        const { tree, root } = await treeWith(c, r, { h: c.poseidon([r.accountKey, 10n]), s: 10n });
        const file = join(dir, "leaves.bin");
        await writeFile(file, encodeLeaves(tree, { member: r.member, asset: Number(r.asset), t: r.t }));

        const inside = await slotPathFromLeaves(file, r.slot);
        expect(inside.rootHash).to.equal(root.h);
        expect(inside.header.member).to.equal(r.member);
        const s1 = await checkFraud({
          record: signed(c, r),
          path: inside.path,
          expectedRoot: root.h,
        });
        expect(s1.kind).to.equal("under-reported");

        // Slots 16, 17, 2^20 + 3 and 2^32 - 1 lie outside the 2^4 slot space: empty, yet on a path to the root.
        for (const slot of [16n, 17n, (1n << 20n) + 3n, (1n << 32n) - 1n]) {
          const rr = userRecord({ slot });
          const out = await slotPathFromLeaves(file, slot);
          expect(out.path.leaf).to.deep.equal({ h: 0n, s: 0n });
          const st = await checkFraud({
            record: signed(c, rr),
            path: out.path,
            expectedRoot: root.h,
          });
          expect(st.kind, `slot ${slot}`).to.equal("missing-user-empty-slot");
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });

  describe("formats", function () {
    it("packs and unpacks context at the field limits", function () {
      const v = { asset: 2n ** 32n - 1n, t: 2n ** 64n - 1n, claim: 2n ** 96n - 1n };
      expect(unpackContext(packContext(v.asset, v.t, v.claim))).to.deep.equal(v);
      expect(() => packContext(2n ** 32n, 0n, 0n)).to.throw(RangeError);
    });

    it("rejects malformed slot-path and proof files naming the file and field", function () {
      expect(() => parseSlotPathFile("{", "p.json")).to.throw(ProverInputError, /p\.json: not valid JSON/);
      const bad = JSON.stringify({
        format: "por.slot-path",
        version: 1,
        slot: 1,
        leaf: { h: "x", s: "0" },
        siblings: [],
      });
      expect(() => parseSlotPathFile(bad, "p.json")).to.throw(ProverInputError, /p\.json: leaf\.h:/);
      for (const version of [1, 2]) {
        expect(() => parseFraudProofFile(JSON.stringify({ format: "por.fraud-proof", version }), "f.json")).to.throw(
          ProverInputError,
          /f\.json: version/,
        );
      }
    });
  });
});
