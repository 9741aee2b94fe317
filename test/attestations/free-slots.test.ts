// `withFreeSlots` (src/attestations): the order `interim post` sends a file's IAs in when some take freed slots.
import { expect } from "chai";
import fc from "fast-check";

import { withFreeSlots, type Interim, type InterimRecord } from "../../src/attestations/index.js";

const ZERO32 = `0x${"00".repeat(32)}`;
const interim = (asset: number, amount: bigint): Interim => ({
  asset,
  amount,
  destinationDigest: ZERO32,
  txRef: ZERO32,
  deadline: 1n,
});
const freed = (asset: number, seq: bigint): InterimRecord => ({
  member: "0x0000000000000000000000000000000000000001",
  asset,
  seq,
  amount: 1n,
  cumulative: seq,
  destinationDigest: ZERO32,
  txRef: ZERO32,
  deadline: 1n,
  postedAt: 1n,
  slot: seq,
});

describe("withFreeSlots", function () {
  it("puts the IAs that take a free slot of their asset first, oldest slot first; each asset's order stays", function () {
    const list = [interim(1, 1n), interim(2, 2n), interim(1, 3n), interim(2, 4n), interim(1, 5n)];
    const free = new Map([
      [1, [freed(1, 7n)]],
      [2, [freed(2, 3n), freed(2, 4n), freed(2, 9n)]],
    ]);
    const { interims, freed: slots } = withFreeSlots(list, free);
    expect(interims.map((x) => x.amount)).to.deep.equal([1n, 2n, 4n, 3n, 5n]);
    expect(slots.map((r) => [r.asset, r.seq])).to.deep.equal([
      [1, 7n],
      [2, 3n],
      [2, 4n],
    ]);
  });

  it("for any list: a permutation keeping each asset's order, every freed record of its IA's asset, used once", function () {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 30 }),
        fc.array(fc.nat({ max: 5 }), { minLength: 3, maxLength: 3 }),
        (assets, counts) => {
          const list = assets.map((a, i) => interim(a, BigInt(i)));
          const free = new Map(
            counts.map((n, i) => [i + 1, Array.from({ length: n }, (_, k) => freed(i + 1, BigInt(k + 1)))]),
          );
          const { interims, freed: slots } = withFreeSlots(list, free);
          expect([...interims].sort((a, b) => Number(a.amount - b.amount))).to.deep.equal(list);
          for (const asset of [1, 2, 3]) {
            const order = interims.filter((x) => x.asset === asset).map((x) => x.amount);
            expect(order).to.deep.equal([...order].sort((a, b) => Number(a - b)));
            const used = slots.filter((r) => r.asset === asset).map((r) => r.seq);
            const wanted = Math.min(counts[asset - 1], list.filter((x) => x.asset === asset).length);
            expect(used).to.deep.equal(Array.from({ length: wanted }, (_, k) => BigInt(k + 1)));
          }
          slots.forEach((r, i) => expect(interims[i].asset).to.equal(r.asset));
        },
      ),
    );
  });
});
