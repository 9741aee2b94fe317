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
  checkFraud,
  packContext,
  slotPathFromLeaves,
  parseFraudProofFile,
  parseSlotPathFile,
  unpackContext,
  type ProveFraudInput,
  type RefusalReason,
} from "../../src/prover/index.js";
import { signed, treeWith, userRecord } from "./fixtures.js";
import { loadCrypto, type Crypto } from "./helpers.js";

const RECIPIENT = 0x90f79bf6eb2c4f870365e785982e1f101e93b906n;
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
    c = await loadCrypto();
  });

  describe("checkFraud", function () {
    it("classifies an empty slot, another account's leaf and an under-reported leaf", async function () {
      const r = userRecord();
      const empty = await treeWith(c, r, undefined);
      const s1 = await checkFraud({ record: signed(c, r), path: empty.path, recipient: RECIPIENT });
      expect(s1.kind).to.equal("missing-user-empty-slot");
      expect(s1.rootHash).to.equal(empty.root.h);
      expect(s1.claim).to.equal(r.balance);
      expect(s1.context).to.equal(packContext(r.asset, r.t, r.balance));

      const other = await treeWith(c, r, { h: c.poseidon([1n, r.balance]), s: r.balance });
      expect((await checkFraud({ record: signed(c, r), path: other.path, recipient: RECIPIENT })).kind).to.equal(
        "missing-user-other-account",
      );

      const under = await treeWith(c, r, { h: c.poseidon([r.accountKey, 10n]), s: 10n });
      const s3 = await checkFraud({
        record: signed(c, r),
        path: under.path,
        recipient: RECIPIENT,
        expectedRoot: under.root.h,
      });
      expect(s3.kind).to.equal("under-reported");
    });

    it("refuses an honest leaf (no-fraud), also when it holds more than signed", async function () {
      const r = userRecord();
      for (const s of [r.balance, r.balance + 1n]) {
        const honest = await treeWith(c, r, { h: c.poseidon([r.accountKey, s]), s });
        expect(await refusal({ record: signed(c, r), path: honest.path, recipient: RECIPIENT })).to.equal("no-fraud");
      }
    });

    it("refuses a record signed by another key or with a tampered field (bad-signature)", async function () {
      const r = userRecord();
      const { path } = await treeWith(c, r, undefined);
      const other = Uint8Array.from({ length: 32 }, () => 9);
      expect(await refusal({ record: signed(c, r, other), path, recipient: RECIPIENT })).to.equal("bad-signature");
      const tampered = { ...signed(c, r), balance: r.balance + 1n };
      expect(await refusal({ record: tampered, path, recipient: RECIPIENT })).to.equal("bad-signature");
      const offCurve = signed(c, r);
      offCurve.signature = { ...offCurve.signature, R8x: offCurve.signature.R8x + 1n };
      expect(await refusal({ record: offCurve, path, recipient: RECIPIENT })).to.equal("bad-signature");
    });

    it("refuses a path for another slot, of the wrong depth, or not reaching the committed root", async function () {
      const r = userRecord();
      const { path, root } = await treeWith(c, r, undefined);
      const rec = signed(c, r);
      expect(await refusal({ record: rec, path: { ...path, slot: 6n }, recipient: RECIPIENT })).to.equal("wrong-slot");
      const short = { ...path, siblings: path.siblings.slice(1) };
      expect(await refusal({ record: rec, path: short, recipient: RECIPIENT })).to.equal("wrong-depth");
      expect(await refusal({ record: rec, path, recipient: RECIPIENT, expectedRoot: root.h + 1n })).to.equal(
        "root-mismatch",
      );
    });

    it("refuses sums >= 2^128 and a zero recipient", async function () {
      const r = userRecord();
      const { path } = await treeWith(c, r, undefined);
      const rec = signed(c, r);
      const big = { ...path, siblings: path.siblings.map((n, i) => (i === 3 ? { ...n, s: 1n << 128n } : n)) };
      expect(await refusal({ record: rec, path: big, recipient: RECIPIENT })).to.equal("out-of-range");
      expect(await refusal({ record: rec, path, recipient: 0n })).to.equal("bad-recipient");
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
          recipient: RECIPIENT,
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
            recipient: RECIPIENT,
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
      expect(() => parseFraudProofFile(JSON.stringify({ format: "por.fraud-proof", version: 1 }), "f.json")).to.throw(
        ProverInputError,
        /f\.json: version/,
      );
    });
  });
});
