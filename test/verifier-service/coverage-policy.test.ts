import { expect } from "chai";
import fc from "fast-check";

import {
  coverageOf,
  detectionProbability,
  forwardedFromRecordFile,
  forwardedRecordSchema,
  pickRequests,
  type Candidate,
} from "../../src/verifier-service/index.js";
import type { RecordFile } from "../../src/records/file.js";

/** |a - b| <= eps (chai's closeTo is overridden for bigints by the Hardhat matchers). */
function near(a: number | null, b: number, eps: number): void {
  expect(a).to.be.a("number");
  expect(Math.abs((a as number) - b), `${a} vs ${b}`).to.be.at.most(eps);
}

function binom(n: number, k: number): bigint {
  if (k < 0 || k > n) return 0n;
  let r = 1n;
  for (let i = 0; i < k; i++) r = (r * BigInt(n - i)) / BigInt(i + 1);
  return r;
}

describe("detectionProbability", () => {
  it("equals 1 - C(n-m, k)/C(n, k) computed exactly (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.nat(), fc.nat(), (n, a, b) => {
        const k = a % (n + 1);
        const m = b % (n + 1);
        const exact = 1 - Number((binom(n - m, k) * 10n ** 15n) / binom(n, k)) / 1e15;
        near(detectionProbability(n, k, m), exact, 1e-9);
      }),
      { numRuns: 300 },
    );
  });

  it("handles the edges: nothing checked, nothing hidden, everything checked", () => {
    expect(detectionProbability(100, 0, 5)).to.equal(0);
    expect(detectionProbability(100, 5, 0)).to.equal(0);
    expect(detectionProbability(100, 96, 5)).to.equal(1);
    near(detectionProbability(10, 1, 1), 0.1, 1e-12);
  });

  it("stays accurate for large populations", () => {
    // n = 1e6 users, 1% hidden, 300 checked: 1 - (0.99)^300 approximately.
    near(detectionProbability(1_000_000, 300, 10_000), 1 - 0.99 ** 300, 1e-3);
  });

  it("refuses impossible arguments", () => {
    expect(() => detectionProbability(10, 11, 1)).to.throw(RangeError, /k \(11\) cannot exceed n/);
    expect(() => detectionProbability(10, 1, 11)).to.throw(RangeError, /m \(11\)/);
    expect(() => detectionProbability(10, -1, 1)).to.throw(RangeError, /k must be/);
    expect(() => detectionProbability(10, 1.5, 1)).to.throw(RangeError);
  });

  it("coverageOf reports m = 1 and m = 1% of n, and nulls when n is unknown", () => {
    expect(coverageOf(5, null)).to.deep.equal({ k: 5, n: null, fraction: null, pOne: null, pOnePercent: null });
    const c = coverageOf(50, 1000);
    expect(c.fraction).to.equal(0.05);
    near(c.pOne, 0.05, 1e-12);
    near(c.pOnePercent, detectionProbability(1000, 50, 10), 1e-15);
    expect(coverageOf(20, 10).pOne).to.equal(1);
  });
});

describe("pickRequests", () => {
  const NOW = 1_000_000;
  const c = (member: string, t: number, records = 20, committed = true): Candidate => ({
    member,
    t,
    records,
    committed,
  });
  const seq = (values: number[]) => {
    let i = 0;
    return (n: number) => values[i++ % values.length] % n;
  };

  it("keeps only past, committed, well-covered, not yet requested snapshots", () => {
    const picks = pickRequests(
      [
        c("0xA", NOW - 90_000),
        c("0xB", NOW - 1000),
        c("0xC", NOW - 90_000, 3),
        c("0xD", NOW - 90_000, 20, false),
        c("0xE", NOW - 90_000),
      ],
      { now: NOW, alreadyRequested: new Set([`0xE:${NOW - 90_000}`]), policy: { maxPerRound: 10 } },
    );
    expect(picks.map((p) => p.member)).to.deep.equal(["0xA"]);
  });

  it("includes uncommitted snapshots when told to", () => {
    const picks = pickRequests([c("0xD", NOW - 90_000, 20, false)], { now: NOW, policy: { includeUncommitted: true } });
    expect(picks).to.have.length(1);
  });

  it("caps requests per member and per round", () => {
    const cands = [c("0xA", 1), c("0xA", 2), c("0xA", 3), c("0xB", 1), c("0xC", 1), c("0xD", 1)];
    const picks = pickRequests(cands, { now: NOW, policy: { maxPerMember: 1, maxPerRound: 3 }, random: seq([0]) });
    expect(picks).to.have.length(3);
    expect(new Set(picks.map((p) => p.member)).size).to.equal(3);
  });

  it("is random: every eligible snapshot gets picked by some random source", () => {
    const cands = [c("0xA", 1), c("0xA", 2), c("0xA", 3), c("0xA", 4)];
    const seen = new Set<number>();
    for (let s = 0; s < 40; s++) {
      const [p] = pickRequests(cands, { now: NOW, random: seq([s, s * 7 + 3, s * 13 + 1]) });
      seen.add(p.t);
    }
    expect([...seen].sort()).to.deep.equal([1, 2, 3, 4]);
    // The default source is node:crypto: it runs and respects the caps.
    expect(pickRequests(cands, { now: NOW })).to.have.length(1);
  });
});

describe("forwarded records", () => {
  const file: RecordFile = {
    format: "por.record",
    version: 2,
    accountId: "alice@example",
    accountSalt: "123",
    assetSymbol: "ETH",
    record: {
      member: "0x90f79bf6eb2c4f870365e785982e1f101e93b906",
      asset: 1,
      t: "1700000000",
      slot: 5,
      accountKey: "777",
      balance: "1000",
      payoutHash: "4242",
    },
    payout: { address: "0x" + "ab".repeat(20), salt: "99" },
    message: "1",
    nullifier: "2",
    signature: { R8x: "3", R8y: "4", S: "5" },
    recordKey: { Ax: "6", Ay: "7", keyHash: "8" },
    tree: { D: 4, d: 3, rootHash: "9", rootSum: "1000", leaf: { h: "10", s: "1000" }, siblings: [] },
  };

  it("derives the forwarded record (v2, with the payout hash) without the account id, salt, payout opening or path", () => {
    const f = forwardedFromRecordFile(file);
    expect(f).to.deep.equal({
      format: "por.forwarded-record",
      version: 2,
      record: { ...file.record, member: "0x90F79bf6EB2c4f870365E785982E1f101E93b906" },
      signature: file.signature,
      recordKey: { Ax: "6", Ay: "7" },
    });
    const text = JSON.stringify(f);
    expect(text).to.not.contain("alice");
    expect(text).to.not.contain("accountSalt");
    expect(text.toLowerCase()).to.not.contain("ab".repeat(20)); // the payout address stays with the user
    expect(forwardedRecordSchema.safeParse(f).success).to.equal(true);
  });

  it("refuses version 1, a missing or oversized payout hash, and a payout field", () => {
    const f = forwardedFromRecordFile(file);
    const refused = (x: unknown) => forwardedRecordSchema.safeParse(x).success === false;
    expect(refused({ ...f, version: 1 })).to.equal(true);
    const { payoutHash: _, ...v1Record } = f.record;
    expect(refused({ ...f, record: v1Record })).to.equal(true);
    expect(refused({ ...f, record: { ...f.record, payoutHash: (1n << 248n).toString() } })).to.equal(true);
    expect(refused({ ...f, payout: "0x" + "ab".repeat(20) })).to.equal(true);
  });
});
