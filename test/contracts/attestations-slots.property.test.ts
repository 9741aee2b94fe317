// Property test of the IA storage slots (issue 14): random sequences of IAs posted into new or freed slots, settled
// and missed verdicts, and RAs accounting for any prefix, against a model of every IA's status, the duties and the
// expected reserves. What must hold after every step: an IA holding its slot reads its model status, one whose slot
// was taken reads None and was final and below the baseline when it was taken, the duty counts and the expected
// reserves equal the model's, and `freeInterimSlots` offers exactly the model's free slots.
import { expect } from "chai";
import { type EventLog } from "ethers";
import fc from "fast-check";
import { network } from "hardhat";

import {
  attestationsDomain,
  freeInterimSlots,
  interimRecordFromEvent,
  signInterimVerdict,
  signReserveAttestation,
  type InterimRecord,
} from "../../src/attestations/index.js";
import { packSignatures } from "../../src/consortium/index.js";
import { ETH_ASSET, deployLedgerSystem } from "./ledger-fixture.js";

const { ethers, networkHelpers, ignition } = await network.create();
const { time } = networkHelpers;

type Status = "Open" | "Settled" | "Missed";
interface ModelIa {
  record: InterimRecord;
  status: Status;
  /** Whether a later IA took its slot. */
  displaced: boolean;
}

const STATUS_CODE = { None: 0n, Open: 1n, Settled: 2n, Missed: 3n, NetSettled: 4n } as const;

const step = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("post" as const),
      amount: fc.bigInt({ min: 1n, max: 10n ** 20n }),
      into: fc.boolean(),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("verdict" as const), pick: fc.nat(), settled: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("ra" as const),
      // Half the RAs account for every IA so far, the others for any prefix.
      latest: fc.boolean(),
      pick: fc.nat(),
      reserves: fc.bigInt({ min: 0n, max: 10n ** 21n }),
    }),
  },
);

async function system() {
  const f = await deployLedgerSystem({ ethers, networkHelpers, ignition });
  const domain = attestationsDomain((await ethers.provider.getNetwork()).chainId, await f.attestations.getAddress());
  return { ...f, domain };
}

describe("Attestations: IA storage slots (property)", function () {
  this.timeout(300_000);

  it("every IA reads its model status or, once its final slot was taken, None; duties and expected reserves follow", async function () {
    let taken = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 4, maxLength: 20 }), async (steps) => {
        const f = await networkHelpers.loadFixture(system);
        const member = f.member.address;
        const ias: ModelIa[] = [];
        let throughSeq = 0n;
        let baseReserves = 0n;
        let baseCumulative = 0n;
        let hasBaseline = false;
        let settledCount = 0n;
        let missedCount = 0n;
        let txCount = 0;
        for (const s of steps) {
          if (s.kind === "post") {
            const interim = {
              asset: ETH_ASSET,
              amount: s.amount,
              destinationDigest: ethers.id("destination"),
              txRef: ethers.id(`tx-${txCount++}`),
              deadline: BigInt(await time.latest()) + 3_600n,
            };
            const free = await freeInterimSlots(f.attestations, member, ETH_ASSET, 0);
            const modelFree = ias.filter((x) => !x.displaced && x.status !== "Open" && x.record.seq < throughSeq);
            expect(free.map((r) => r.seq)).to.deep.equal(modelFree.map((x) => x.record.seq));
            const freed = s.into ? modelFree[0] : undefined;
            const tx =
              freed === undefined
                ? await f.attestations.connect(f.member).postInterim(interim)
                : await f.attestations.connect(f.member).postInterimInto(interim, freed.record);
            const log = (await tx.wait())!.logs.find(
              (l) => (l as EventLog).fragment?.name === "InterimPosted",
            ) as EventLog;
            const record = interimRecordFromEvent(log);
            if (freed !== undefined) {
              expect(freed.status).to.not.equal("Open");
              expect(freed.record.seq < throughSeq).to.equal(true);
              freed.displaced = true;
              taken++;
              expect(record.slot).to.equal(freed.record.slot);
            } else {
              expect(record.slot).to.equal(record.seq);
            }
            ias.push({ record, status: "Open", displaced: false });
          } else if (s.kind === "verdict") {
            const open = ias.filter((x) => x.status === "Open");
            if (open.length === 0) continue;
            const target = open[s.pick % open.length];
            if (!s.settled && BigInt(await time.latest()) < target.record.deadline) {
              await time.increaseTo(target.record.deadline);
            }
            const signatures = packSignatures(
              await Promise.all(
                f.operators.slice(0, 3).map((o) => signInterimVerdict(o, f.domain, target.record, s.settled)),
              ),
            );
            await (await f.attestations.attestInterim(target.record, s.settled, signatures)).wait();
            target.status = s.settled ? "Settled" : "Missed";
            if (s.settled) settledCount++;
            else missedCount++;
          } else {
            await time.increase(1);
            const periodEnd = BigInt(await time.latest());
            const seq = BigInt(s.latest ? ias.length : s.pick % (ias.length + 1));
            const named = seq === 0n ? undefined : ias[Number(seq) - 1];
            const state = await f.attestations.auditorChainOf(member, f.auditor.address);
            const ra = {
              member,
              auditor: f.auditor.address,
              periodStart: state.lastPeriodEnd,
              periodEnd,
              nonce: state.nonce,
              findings: { critical: 0, high: 0, medium: 0, low: 0, score: 10_000, sampleSize: 0, sampleFailures: 0 },
              reportDigest: ethers.id("report"),
              reserves: [{ asset: ETH_ASSET, reserves: s.reserves, throughSeq: seq }],
            };
            const signature = await signReserveAttestation(f.auditor, f.domain, ra);
            await (
              await f.attestations.postReserveAttestation(ra, named === undefined ? [] : [named.record], signature)
            ).wait();
            // The baseline: a later IA moves it; the same IA only lowers it; an earlier one leaves it.
            if (seq > throughSeq || (seq === throughSeq && !hasBaseline)) {
              throughSeq = seq;
              baseReserves = s.reserves;
              baseCumulative = named?.record.cumulative ?? 0n;
              hasBaseline = true;
            } else if (seq === throughSeq && s.reserves < baseReserves) {
              baseReserves = s.reserves;
            }
          }
          for (const x of ias) {
            const expected = x.displaced
              ? STATUS_CODE.None
              : x.status === "Open" && x.record.seq <= throughSeq
                ? STATUS_CODE.NetSettled
                : STATUS_CODE[x.status];
            expect(await f.attestations.interimStatusOf(x.record), `IA ${x.record.seq}`).to.equal(expected);
          }
          const duties = await f.attestations.dutiesOf(member);
          expect([duties.interimsSettled, duties.interimsMissed]).to.deep.equal([settledCount, missedCount]);
          const cumulative = ias.at(-1)?.record.cumulative ?? 0n;
          const outflow = cumulative - baseCumulative;
          const [expectedReserves, outflowSince] = await f.attestations.expectedReserves(member, ETH_ASSET);
          expect([expectedReserves, outflowSince]).to.deep.equal([
            baseReserves > outflow ? baseReserves - outflow : 0n,
            outflow,
          ]);
        }
      }),
      { numRuns: 40 },
    );
    // The runs took slots (the property is not vacuous).
    expect(taken).to.be.greaterThan(2);
  });
});
