// Issue 14 attacks on the duty counters Reputation weighs and on the missed-IA slash: can a member make its record
// look better than its conduct (late RAs, failed samples, dust IAs), dodge the slash for a withdrawal it never paid,
// and can an honest member be made to miss a sample? Real contracts from the Ignition module
// (test/contracts/ledger-fixture.ts), real EIP-712 verdicts of the operators and RAs of the auditor
// (src/attestations), the auditor's RA built the way `audit attest` picks `throughSeq`, samples drawn with
// `sampleRanks`, real payments on the chain.
import { expect } from "chai";
import { ZeroHash, type ContractTransactionResponse, type EventLog } from "ethers";
import { network } from "hardhat";

import type {} from "../../types/ethers-contracts/hardhat.js";
import {
  attestationsDomain,
  destinationDigestOf,
  interimRecordFromEvent,
  postedInterims,
  sampleRanks,
  signInterimVerdict,
  signReserveAttestation,
  type Findings,
  type Interim,
  type InterimRecord,
  type ReserveAttestation,
} from "../../src/attestations/index.js";
import { packSignatures } from "../../src/consortium/index.js";
import {
  ATTESTATION_PARAMS,
  ETH_ASSET,
  MEMBER_STAKE,
  OPERATOR_STAKE,
  TOKEN_ASSET,
  commitmentOf,
  deployLedgerSystem,
} from "../contracts/ledger-fixture.js";

const { ethers, networkHelpers, ignition } = await network.create();
const { time, mine } = networkHelpers;
const DAY = 86_400n;
const E18 = 10n ** 18n;
const NO_FINDINGS: Findings = {
  critical: 0,
  high: 0,
  medium: 0,
  low: 0,
  score: 10_000,
  sampleSize: 0,
  sampleFailures: 0,
};

async function system() {
  const f = await deployLedgerSystem({ ethers, networkHelpers, ignition });
  const domain = attestationsDomain((await ethers.provider.getNetwork()).chainId, await f.attestations.getAddress());
  return { ...f, attestationsDomain: domain };
}
type F = Awaited<ReturnType<typeof system>>;

async function posted(tx: ContractTransactionResponse): Promise<InterimRecord> {
  const receipt = await tx.wait();
  const log = receipt!.logs.find((l) => (l as EventLog).fragment?.name === "InterimPosted") as EventLog;
  return interimRecordFromEvent(log);
}

async function post(f: F, over: Partial<Interim> = {}): Promise<InterimRecord> {
  const interim: Interim = {
    asset: ETH_ASSET,
    amount: E18,
    destinationDigest: destinationDigestOf(f.user.address),
    txRef: ethers.id("unpaid"),
    deadline: BigInt(await time.latest()) + DAY,
    ...over,
  };
  return posted(await f.attestations.connect(f.member).postInterim(interim));
}

async function verdict(f: F, record: InterimRecord, settled: boolean): Promise<string> {
  return packSignatures(
    await Promise.all(f.operators.slice(0, 3).map((s) => signInterimVerdict(s, f.attestationsDomain, record, settled))),
  );
}

/** The auditor's RA for the member's period up to now, `throughSeq` chosen as `audit attest` does. */
async function auditorRa(f: F, reserves: bigint): Promise<{ ra: ReserveAttestation; through: InterimRecord[] }> {
  const state = await f.attestations.auditStateOf(f.member.address);
  const periodEnd = BigInt(await time.latest());
  const all = await postedInterims(f.attestations, f.member.address, 0);
  const last = all.filter((p) => p.record.asset === ETH_ASSET && p.record.postedAt <= periodEnd).at(-1);
  return {
    ra: {
      member: f.member.address,
      auditor: f.auditor.address,
      periodStart: state.lastPeriodEnd,
      periodEnd,
      nonce: state.count,
      findings: NO_FINDINGS,
      reportDigest: ethers.id("report"),
      reserves: [{ asset: ETH_ASSET, reserves, throughSeq: last?.record.seq ?? 0n }],
    },
    through: last === undefined ? [] : [last.record],
  };
}

async function postRa(f: F, ra: ReserveAttestation, through: InterimRecord[]) {
  const signature = await signReserveAttestation(f.auditor, f.attestationsDomain, ra);
  return f.attestations.connect(f.member).postReserveAttestation(ra, through, signature);
}

describe("issue 14: duty counters, the missed-IA slash and sampling", function () {
  let f: F;
  beforeEach(async function () {
    f = await networkHelpers.loadFixture(system);
  });

  describe("reserve attestations, late", function () {
    // EXPLOIT (reputation): lateness is only counted by `markOverdue`, which anyone must call while the member is
    // overdue; the member's own late RA resets the due time first. A member 29 days late (due 30 days after its
    // probation, RA on day 59) that posts its RA itself before anyone marks it records neither a met nor a missed
    // duty: its record is that of a punctual member, and `markOverdue` is refused from then on.
    // Fix: in `postReserveAttestation`, when now > dueAt, count `(now - dueAt) / raInterval + 1` missed duties (and
    // no on-time one) before resetting the clock, unless markOverdue already counted those intervals.
    it.skip("EXPLOIT: a late RA posted before anyone calls markOverdue leaves no missed duty", async function () {
      const dueAt = (await f.attestations.auditStateOf(f.member.address)).dueAt;
      await time.increaseTo(dueAt + 29n * DAY);
      const { ra, through } = await auditorRa(f, 100n * E18);
      await postRa(f, ra, through);
      expect((await f.attestations.dutiesOf(f.member.address)).raOverdue).to.equal(1n);
    });

    it("measured: the RA 29 days late, posted before markOverdue: raOnTime 0, raOverdue 0, markOverdue refused", async function () {
      const dueAt = (await f.attestations.auditStateOf(f.member.address)).dueAt;
      const before = await f.reputation.partsOf(f.member.address);
      await time.increaseTo(dueAt + 29n * DAY);
      expect(await f.attestations.isOverdue(f.member.address)).to.equal(true);
      const { ra, through } = await auditorRa(f, 100n * E18);
      await postRa(f, ra, through);
      const duties = await f.attestations.dutiesOf(f.member.address);
      expect([duties.raOnTime, duties.raOverdue]).to.deep.equal([0n, 0n]);
      await expect(f.attestations.markOverdue(f.member.address)).to.be.revertedWithCustomError(
        f.attestations,
        "AttestationsNotOverdue",
      );
      const after = await f.reputation.partsOf(f.member.address);
      expect([after.weightedMet, after.weightedTotal]).to.deep.equal([before.weightedMet, before.weightedTotal]);
    });

    // EXPLOIT (reputation): a member marked overdue once has its due time moved an interval on; the same late RA,
    // posted within that interval, then counts "on time". 1 day late: one missed and one met duty, where it met none.
    // Fix: count on time only when the RA's post is by the due time its period started from (keep the first dueAt
    // of the period, or count on time only when no markOverdue happened since the last RA).
    it.skip("EXPLOIT: the late RA after a markOverdue counts as on time", async function () {
      const dueAt = (await f.attestations.auditStateOf(f.member.address)).dueAt;
      await time.increaseTo(dueAt + DAY);
      await f.attestations.connect(f.other).markOverdue(f.member.address);
      const { ra, through } = await auditorRa(f, 100n * E18);
      await postRa(f, ra, through);
      expect((await f.attestations.dutiesOf(f.member.address)).raOnTime).to.equal(0n);
    });

    it("measured: the late RA after one markOverdue counts raOnTime 1, raOverdue 1", async function () {
      const dueAt = (await f.attestations.auditStateOf(f.member.address)).dueAt;
      await time.increaseTo(dueAt + DAY);
      await f.attestations.connect(f.other).markOverdue(f.member.address);
      const { ra, through } = await auditorRa(f, 100n * E18);
      await postRa(f, ra, through);
      const duties = await f.attestations.dutiesOf(f.member.address);
      expect([duties.raOnTime, duties.raOverdue]).to.deep.equal([1n, 1n]);
    });

    // documented (reputation, needs the auditor): on-time RAs count per RA, not per interval. Five RAs of
    // consecutive one-hour periods posted in one day are five duties met (periods only must not overlap and end by
    // now). The auditor signs each, so this is the auditor's diligence (trusted); a member paying for frequent
    // attestations buys duties met at one RA transaction each.
    it("documented: five back-to-back RAs in a day count five duties met", async function () {
      for (let i = 0; i < 5; i++) {
        await time.increase(3_600);
        const { ra, through } = await auditorRa(f, 100n * E18);
        await postRa(f, ra, through);
      }
      expect((await f.attestations.dutiesOf(f.member.address)).raOnTime).to.equal(5n);
    });

    it("defence: markOverdue counts each elapsed interval once, whoever calls it, and never before the due time", async function () {
      const dueAt = (await f.attestations.auditStateOf(f.member.address)).dueAt;
      await expect(f.attestations.connect(f.other).markOverdue(f.member.address)).to.be.revertedWithCustomError(
        f.attestations,
        "AttestationsNotOverdue",
      );
      await time.increaseTo(dueAt + 3n * ATTESTATION_PARAMS.raInterval - 10n);
      for (let i = 0; i < 3; i++) await f.attestations.connect(f.other).markOverdue(f.member.address);
      await expect(f.attestations.connect(f.other).markOverdue(f.member.address)).to.be.revertedWithCustomError(
        f.attestations,
        "AttestationsNotOverdue",
      );
      expect((await f.attestations.dutiesOf(f.member.address)).raOverdue).to.equal(3n);
    });
  });

  describe("the missed-IA slash", function () {
    // EXPLOIT (money): an RA net-settles every Open IA up to its `throughSeq`, and a net-settled IA takes no verdict.
    // `audit attest` names the last IA posted by the period's end whatever its status, so an honest auditor's RA
    // accounts for a withdrawal whose deadline has passed unpaid. The member (anyone may submit an RA) posts it before
    // the operators' missed verdict: the verdict is refused (AttestationsInterimNotOpen, NetSettled) and the 10%
    // slash (1 ETH of its 10 ETH stake here, into its customers' pool) never happens; the IA counts no duty either.
    // Fix: a net-settled IA whose deadline has passed still takes a missed verdict (net settlement moves the
    // baseline, not the duty), and `audit attest` names only IAs already judged or not yet due; or the contract
    // refuses a `throughSeq` beyond the member's first Open IA past its deadline.
    it.skip("EXPLOIT: an honest auditor's RA, posted by the member, net-settles an unpaid IA and the missed verdict is refused", async function () {
      const record = await post(f);
      await time.increaseTo(record.deadline + 60n);
      const { ra, through } = await auditorRa(f, 100n * E18);
      await postRa(f, ra, through);
      await expect(f.attestations.attestInterim(record, false, await verdict(f, record, false))).to.emit(
        f.adjudicator,
        "MissedInterimSlashed",
      );
    });

    it("measured: the unpaid IA net-settled by the RA: missed verdict refused, no slash, no duty counted", async function () {
      const record = await post(f);
      await time.increaseTo(record.deadline + 60n);
      const { ra, through } = await auditorRa(f, 100n * E18);
      expect(ra.reserves[0].throughSeq).to.equal(record.seq);
      await postRa(f, ra, through);
      const sigs = await verdict(f, record, false);
      await expect(f.attestations.attestInterim(record, false, sigs))
        .to.be.revertedWithCustomError(f.attestations, "AttestationsInterimNotOpen")
        .withArgs(f.member.address, ETH_ASSET, record.seq, 4);
      expect(await f.vault.stakeOf(f.member.address)).to.equal(MEMBER_STAKE);
      const duties = await f.attestations.dutiesOf(f.member.address);
      expect([duties.interimsSettled, duties.interimsMissed]).to.deep.equal([0n, 0n]);
    });

    // EXPLOIT (money): the missed-IA slash pays the prover's bounty (bountyShareBps, 10%) to whoever submits the
    // operators' verdict. The verdict is the operators' work; the member (from any address of its own, or front-
    // running the operators' submission) submits it first and takes back 10% of its own slash: 0.1 of the 1 ETH
    // slashed here. reportMissedDeadline refuses the bounty to the requester, but nothing can tell a member's second
    // address. Fix: no bounty for `attestInterim` (pass address(0) to slashMissedInterim), or split it among the
    // verdict's signers.
    it.skip("EXPLOIT: the member's own address submitting its missed verdict takes the bounty of its slash", async function () {
      const record = await post(f);
      await time.increaseTo(record.deadline);
      const puppet = f.other;
      const before = await ethers.provider.getBalance(puppet.address);
      const tx = await f.attestations.connect(puppet).attestInterim(record, false, await verdict(f, record, false));
      const receipt = (await tx.wait())!;
      const gas = receipt.gasUsed * receipt.gasPrice;
      expect((await ethers.provider.getBalance(puppet.address)) + gas - before).to.equal(0n);
    });

    it("measured: the member's second address submitting the missed verdict receives 0.1 ETH of the 1 ETH slashed", async function () {
      const record = await post(f);
      await time.increaseTo(record.deadline);
      const puppet = f.other;
      const before = await ethers.provider.getBalance(puppet.address);
      const tx = await f.attestations.connect(puppet).attestInterim(record, false, await verdict(f, record, false));
      const receipt = (await tx.wait())!;
      const gas = receipt.gasUsed * receipt.gasPrice;
      expect(MEMBER_STAKE - (await f.vault.stakeOf(f.member.address))).to.equal(E18);
      expect((await ethers.provider.getBalance(puppet.address)) + gas - before).to.equal(E18 / 10n);
    });

    it("defence: nobody but the member posts its IAs, and only the attestations contract slashes a missed one", async function () {
      const interim: Interim = {
        asset: ETH_ASSET,
        amount: E18,
        destinationDigest: ZeroHash,
        txRef: ZeroHash,
        deadline: BigInt(await time.latest()) + DAY,
      };
      // An IA "in the member's name" from anyone else is that account's own (not operating: refused).
      await expect(f.attestations.connect(f.other).postInterim(interim))
        .to.be.revertedWithCustomError(f.attestations, "AttestationsNotOperating")
        .withArgs(f.other.address);
      // An operating member's IA is its own book, not the victim's.
      const theirs = await posted(await f.attestations.connect(f.operators[0]).postInterim(interim));
      expect(theirs.member).to.equal(f.operators[0].address);
      expect((await f.attestations.assetBookOf(f.member.address, ETH_ASSET)).seq).to.equal(0n);
      await expect(f.adjudicator.connect(f.other).slashMissedInterim(f.member.address, ZeroHash, 10_000, f.other))
        .to.be.revertedWithCustomError(f.adjudicator, "AdjudicatorNotAttestations")
        .withArgs(f.other.address);
    });

    it("defence: stake bonded after the IA's posting counts nothing: a new operator cannot make up a missed quorum", async function () {
      const record = await post(f);
      const late = new ethers.Wallet(ethers.Wallet.createRandom().privateKey, ethers.provider);
      await f.governance.sendTransaction({ to: late.address, value: OPERATOR_STAKE + E18 });
      await f.onboard(late, OPERATOR_STAKE);
      await time.increaseTo(record.deadline);
      const signers = [...f.operators.slice(0, 2), late].sort((x, y) =>
        BigInt(x.address) < BigInt(y.address) ? -1 : 1,
      );
      const sigs = packSignatures(
        await Promise.all(signers.map((s) => signInterimVerdict(s, f.attestationsDomain, record, false))),
      );
      await expect(f.attestations.attestInterim(record, false, sigs))
        .to.be.revertedWithCustomError(f.attestations, "AttestationsQuorumNotReached")
        .withArgs(2n * OPERATOR_STAKE, 3n * OPERATOR_STAKE, 3n, 3n);
    });

    it("defence: a missed verdict before the deadline, or signed for the settled one, is refused", async function () {
      const record = await post(f);
      await expect(
        f.attestations.attestInterim(record, false, await verdict(f, record, false)),
      ).to.be.revertedWithCustomError(f.attestations, "AttestationsBeforeDeadline");
      await time.increaseTo(record.deadline);
      // Signatures over the settled verdict recover other addresses for the missed one: not co-signers (or unsorted).
      const wrong = f.attestations.attestInterim(record, false, await verdict(f, record, true));
      let refused = false;
      await wrong.catch(() => (refused = true));
      expect(refused).to.equal(true);
      expect(await f.attestations.interimStatusOf(record)).to.equal(1n);
    });
  });

  describe("dust IAs", function () {
    // measured (reputation): every IA counts one duty whatever its amount. A member with one missed duty (an overdue
    // RA) lifts its duty ratio from 0/1 to 9/10 with nine 1-wei payments to an address of its own, each an IA the
    // operators' check rightly finds paid. Cost measured below (gas per duty met: post + verdict + payment).
    // Fix (design): weigh IAs by amount or count at most one IA duty per (member, asset, period); or exclude IAs
    // below a governance minimum amount from the duty count.
    it("measured: nine 1-wei self-payments settled as IAs lift the duty ratio from 0/1 to 9/10", async function () {
      const dueAt = (await f.attestations.auditStateOf(f.member.address)).dueAt;
      await time.increaseTo(dueAt + 1n);
      await f.attestations.markOverdue(f.member.address);
      const before = await f.reputation.partsOf(f.member.address);
      const own = ethers.Wallet.createRandom().address;
      let gas = 0n;
      for (let i = 0; i < 9; i++) {
        const pay = await f.member.sendTransaction({ to: own, value: 1n });
        gas += (await pay.wait())!.gasUsed;
        const tx = await f.attestations.connect(f.member).postInterim({
          asset: ETH_ASSET,
          amount: 1n,
          destinationDigest: destinationDigestOf(own),
          txRef: pay.hash,
          deadline: BigInt(await time.latest()) + DAY,
        });
        gas += (await tx.wait())!.gasUsed;
        const record = await posted(tx);
        const attested = await f.attestations
          .connect(f.operators[0])
          .attestInterim(record, true, await verdict(f, record, true));
        gas += (await attested.wait())!.gasUsed;
      }
      const after = await f.reputation.partsOf(f.member.address);
      expect(after.weightedMet - before.weightedMet).to.equal(9n);
      expect(after.weightedTotal - before.weightedTotal).to.equal(9n);
      const perDuty = gas / 9n;
      console.log(
        `      dust IAs: ${perDuty} gas per duty met; duties ${before.weightedMet}/${before.weightedTotal} -> ` +
          `${after.weightedMet}/${after.weightedTotal}; score ${before.score} -> ${after.score}`,
      );
      expect(perDuty).to.be.lessThan(250_000n);
    });
  });

  describe("sampling", function () {
    async function committedAt(): Promise<bigint> {
      const t = BigInt(await time.latest()) - 5n;
      await f.ledger.connect(f.member).commit(t, [commitmentOf(ETH_ASSET, 1n)]);
      return t;
    }
    async function fixedSample(size: number): Promise<{ id: bigint; seed: string; deadline: bigint }> {
      const t = await committedAt();
      await f.attestations.connect(f.auditor).requestSample(f.member.address, t, ETH_ASSET, size);
      const id = await f.attestations.sampleCount();
      await mine(2);
      await f.attestations.fixSampleSeed(id);
      const s = await f.attestations.sampleOf(id);
      return { id, seed: s.seed, deadline: s.deadline };
    }

    // EXPLOIT (an honest member made to miss): `sampleRanks` draws min(size, leafCount) accounts (docs/protocol.md)
    // and `audit check` reports how many of those were opened, but `reportSample` counts the duty met only when
    // `opened == size`. A sample of 10 of a set with 3 populated leaves: the member opens all 3, the auditor's tool
    // reports 3, which is refused before the deadline (AttestationsBeforeDeadline) and counted missed after it. Any
    // auditor, honest or not, can thus impose a missed duty on a small member by asking for more accounts than it has.
    // Fix: `audit check` reports `size` when every drawn slot was opened (opened + size - drawn), or `reportSample`
    // takes the drawn count with the auditor's word for it.
    it.skip("EXPLOIT: a sample larger than the set's populated leaves cannot be met by the tool's honest report", async function () {
      const { id, seed } = await fixedSample(10);
      const drawn = sampleRanks(seed, 10, 3);
      await expect(f.attestations.connect(f.auditor).reportSample(id, drawn.length, 0)).to.emit(
        f.attestations,
        "SampleReported",
      );
      expect((await f.attestations.dutiesOf(f.member.address)).samplesOpened).to.equal(1n);
    });

    it("measured: the member opened the 3 accounts drawn of a sample of 10: refused before the deadline, missed after", async function () {
      const { id, seed, deadline } = await fixedSample(10);
      const drawn = sampleRanks(seed, 10, 3);
      expect(drawn).to.have.length(3);
      await expect(f.attestations.connect(f.auditor).reportSample(id, drawn.length, 0))
        .to.be.revertedWithCustomError(f.attestations, "AttestationsBeforeDeadline")
        .withArgs(deadline);
      await time.increaseTo(deadline + 1n);
      await expect(f.attestations.connect(f.auditor).reportSample(id, drawn.length, 0))
        .to.emit(f.attestations, "SampleReported")
        .withArgs(id, f.member.address, 3, 0, false);
      expect((await f.attestations.dutiesOf(f.member.address)).samplesMissed).to.equal(1n);
    });

    // EXPLOIT (reputation): `reportSample` counts a sample opened in full as a duty met whatever its failures. A
    // member that opens forged records for every sampled account (all 5 of 5 fail the auditor's checks) is credited
    // exactly as one whose records all verify; Reputation reads no failures (the RA's `sampleFailures` is not in the
    // findings penalty either; only the auditor's score may reflect them).
    // Fix: count met only when `failures == 0` (or failed accounts as missed), or add `sampleFailures` to the
    // findings penalty.
    it.skip("EXPLOIT: a sample opened with every account failing the checks counts as a duty met", async function () {
      const { id } = await fixedSample(5);
      await f.attestations.connect(f.auditor).reportSample(id, 5, 5);
      expect((await f.attestations.dutiesOf(f.member.address)).samplesOpened).to.equal(0n);
    });

    it("measured: 5 of 5 sampled accounts failing counts samplesOpened 1, samplesMissed 0; reputation +1/+1", async function () {
      const { id } = await fixedSample(5);
      const before = await f.reputation.partsOf(f.member.address);
      await expect(f.attestations.connect(f.auditor).reportSample(id, 5, 5))
        .to.emit(f.attestations, "SampleReported")
        .withArgs(id, f.member.address, 5, 5, true);
      const duties = await f.attestations.dutiesOf(f.member.address);
      expect([duties.samplesOpened, duties.samplesMissed]).to.deep.equal([1n, 0n]);
      const after = await f.reputation.partsOf(f.member.address);
      expect(after.weightedMet - before.weightedMet).to.equal(1n);
      expect(after.weightedTotal - before.weightedTotal).to.equal(1n);
    });

    it("defence: the seed cannot be fixed in the request's block or the next two (its block's hash is not known yet)", async function () {
      const t = await committedAt();
      await f.attestations.connect(f.auditor).requestSample(f.member.address, t, ETH_ASSET, 5);
      const id = await f.attestations.sampleCount();
      const seedBlock = (await f.attestations.sampleOf(id)).seedBlock;
      // request block + 1: the seed block is not mined.
      await expect(f.attestations.connect(f.member).fixSampleSeed(id)).to.be.revertedWithCustomError(
        f.attestations,
        "AttestationsSeedUnavailable",
      );
      // request block + 2 is the seed block itself: blockhash of the current block is zero.
      await mine(1);
      expect(BigInt(await ethers.provider.getBlockNumber()) + 1n).to.equal(seedBlock);
      await expect(f.attestations.connect(f.member).fixSampleSeed(id)).to.be.revertedWithCustomError(
        f.attestations,
        "AttestationsSeedUnavailable",
      );
      await mine(1);
      await f.attestations.connect(f.member).fixSampleSeed(id);
    });

    // documented (an honest member made to miss, the auditor's care trusted): `requestSample` checks only that some
    // set (member, t) is committed and the asset is listed, not that the set holds the asset ("the auditor's tool
    // checks"). A sample of an asset the member did not commit at t cannot be opened: missed once the deadline passes.
    it("documented: a sample of an asset the set does not hold is accepted and can only be missed", async function () {
      const t = await committedAt();
      await f.attestations.connect(f.auditor).requestSample(f.member.address, t, TOKEN_ASSET, 1);
      const id = await f.attestations.sampleCount();
      await mine(2);
      await f.attestations.fixSampleSeed(id);
      await time.increaseTo((await f.attestations.sampleOf(id)).deadline + 1n);
      await f.attestations.connect(f.auditor).reportSample(id, 0, 0);
      expect((await f.attestations.dutiesOf(f.member.address)).samplesMissed).to.equal(1n);
    });

    // documented: the auditor's word is trusted. It sees the seed block's hash before anyone fixes the seed and may
    // request again until a draw suits it (an unreported sample counts nothing), report a short opening after the
    // deadline for a member that opened everything, or never report: the contract cannot tell. The only check is
    // that a short report waits for the deadline.
    it("documented: the auditor may report a fully opened sample short after the deadline (a missed duty)", async function () {
      const { id, deadline } = await fixedSample(5);
      await time.increaseTo(deadline + 1n);
      await f.attestations.connect(f.auditor).reportSample(id, 0, 0);
      expect((await f.attestations.dutiesOf(f.member.address)).samplesMissed).to.equal(1n);
    });
  });
});
