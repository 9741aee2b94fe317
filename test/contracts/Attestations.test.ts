// Attestations (A6, A7, sampling): interim attestations posted by members and judged by the operators' quorum, reserve
// attestations signed by auditors (EIP-712), overdue RAs, auditor sampling seeded by a later block's hash, and the
// duty counters and findings Reputation reads. The whole system comes from the Ignition module
// (test/contracts/ledger-fixture.ts); every revert path has its test.
import { expect } from "chai";
import { Wallet, ZeroHash, type ContractTransactionResponse, type EventLog } from "ethers";
import { network } from "hardhat";

import type { Attestations } from "../../types/ethers-contracts/index.js";
import {
  attestationsDomain,
  freeInterimSlots,
  interimIdOf,
  interimRecordFromEvent,
  postedInterims,
  reserveAttestationDigest,
  sampleRanks,
  signInterimVerdict,
  signReserveAttestation,
  type Findings,
  type Interim,
  type InterimRecord,
  type ReserveAttestation,
} from "../../src/attestations/index.js";
import { packSignatures, signAttestation } from "../../src/consortium/index.js";
import {
  ATTESTATION_PARAMS,
  ETH_ASSET,
  MEMBER_STAKE,
  SLASH_PENALTY_BPS,
  TOKEN_ASSET,
  commitmentOf,
  deployLedgerSystem,
} from "./ledger-fixture.js";

const { ethers, networkHelpers, ignition } = await network.create();
const { time, mine } = networkHelpers;
const DAY = 86_400n;
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

async function interim(f: F, over: Partial<Interim> = {}): Promise<Interim> {
  return {
    asset: ETH_ASSET,
    amount: 10n ** 18n,
    destinationDigest: ethers.id("bc1q-destination"),
    txRef: ethers.id("tx-1"),
    deadline: BigInt(await time.latest()) + DAY,
    ...over,
  };
}

/** Posts an IA as the member and returns its record from the event. */
async function post(f: F, over: Partial<Interim> = {}, from = f.member): Promise<InterimRecord> {
  const tx = await f.attestations.connect(from).postInterim(await interim(f, over));
  return recordOf(f.attestations, tx);
}

async function recordOf(attestations: Attestations, tx: ContractTransactionResponse): Promise<InterimRecord> {
  const receipt = await tx.wait();
  const log = receipt!.logs.find(
    (l) => (l as EventLog).fragment?.name === "InterimPosted" && l.address === (attestations.target as string),
  ) as EventLog;
  return interimRecordFromEvent(log);
}

/** The operators' (or `signers'`) packed verdict signatures. */
async function verdict(f: F, record: InterimRecord, settled: boolean, signers = f.operators.slice(0, 3)) {
  return packSignatures(
    await Promise.all(signers.map((s) => signInterimVerdict(s, f.attestationsDomain, record, settled))),
  );
}

/** Expects `call` to revert with one of `names` (errors of Attestations or the ledger's signature errors). */
async function expectRefused(f: F, call: Promise<unknown>, names: string[]) {
  const iface = new ethers.Interface([...f.attestations.interface.fragments, ...f.ledger.interface.fragments]);
  try {
    await call;
  } catch (e) {
    const data = (e as { data?: string }).data;
    const parsed = data === undefined ? null : iface.parseError(data);
    expect(names, String(e)).to.include(parsed?.name);
    return;
  }
  expect.fail(`expected a revert with one of ${names.join(", ")}`);
}

/** Signatures from other keys recover arbitrary addresses: unsorted or not co-signers. */
const FOREIGN = ["AttestationsNotCoSigner", "CommitmentLedgerSignersNotSorted"];

async function ra(f: F, over: Partial<ReserveAttestation> = {}): Promise<ReserveAttestation> {
  const state = await f.attestations.auditStateOf(f.member.address);
  const now = BigInt(await time.latest());
  return {
    member: f.member.address,
    auditor: f.auditor.address,
    periodStart: state.lastPeriodEnd,
    periodEnd: now,
    nonce: state.count,
    findings: NO_FINDINGS,
    reportDigest: ethers.id("report"),
    reserves: [{ asset: ETH_ASSET, reserves: 100n * 10n ** 18n, throughSeq: 0n }],
    ...over,
  };
}

async function postRa(f: F, attestation: ReserveAttestation, through: InterimRecord[] = [], signer = f.auditor) {
  const signature = await signReserveAttestation(signer, f.attestationsDomain, attestation);
  return f.attestations.postReserveAttestation(attestation, through, signature);
}

describe("Attestations", function () {
  let f: F;
  beforeEach(async function () {
    f = await networkHelpers.loadFixture(system);
  });

  describe("interim attestations", function () {
    it("posts an IA: its record in InterimPosted, the book's count and cumulative outflow, status Open", async function () {
      const first = await post(f, { amount: 3n });
      const second = await post(f, { amount: 4n });
      expect([first.seq, first.cumulative, second.seq, second.cumulative]).to.deep.equal([1n, 3n, 2n, 7n]);
      expect(first.member).to.equal(f.member.address);
      expect(await f.attestations.interimIdOf(f.member.address, ETH_ASSET, 2n)).to.equal(
        interimIdOf(f.member.address, ETH_ASSET, 2n),
      );
      const book = await f.attestations.assetBookOf(f.member.address, ETH_ASSET);
      expect([book.seq, book.cumulative, book.throughSeq]).to.deep.equal([2n, 7n, 0n]);
      expect(await f.attestations.interimStatusOf(second)).to.equal(1n); // Open
      expect(await f.attestations.interimStatusOf({ ...second, amount: 5n })).to.equal(0n); // None
    });

    it("posts a batch of IAs in one transaction, in order, as single posts would; one bad IA reverts the batch", async function () {
      const batch = [await interim(f, { amount: 3n }), await interim(f, { amount: 4n, txRef: ethers.id("tx-2") })];
      const ids = await f.attestations.connect(f.member).postInterims.staticCall(batch, []);
      expect(ids).to.deep.equal([
        interimIdOf(f.member.address, ETH_ASSET, 1n),
        interimIdOf(f.member.address, ETH_ASSET, 2n),
      ]);
      const receipt = await (await f.attestations.connect(f.member).postInterims(batch, [])).wait();
      const records = receipt!.logs
        .filter((l) => (l as EventLog).fragment?.name === "InterimPosted")
        .map((l) => interimRecordFromEvent(l as EventLog));
      expect(records.map((r) => [r.seq, r.amount, r.cumulative])).to.deep.equal([
        [1n, 3n, 3n],
        [2n, 4n, 7n],
      ]);
      for (const r of records) expect(await f.attestations.interimStatusOf(r)).to.equal(1n);
      // A bad IA anywhere in the batch reverts it whole: no seq is consumed.
      await expect(
        f.attestations.connect(f.member).postInterims([await interim(f), await interim(f, { amount: 0n })], []),
      ).to.be.revertedWithCustomError(f.attestations, "AttestationsZeroAmount");
      expect((await f.attestations.assetBookOf(f.member.address, ETH_ASSET)).seq).to.equal(2n);
      await expect(f.attestations.connect(f.member).postInterims([], [])).to.be.revertedWithCustomError(
        f.attestations,
        "AttestationsNoInterims",
      );
      await expect(f.attestations.connect(f.other).postInterims([await interim(f)], []))
        .to.be.revertedWithCustomError(f.attestations, "AttestationsNotOperating")
        .withArgs(f.other.address);
    });

    it("refuses callers that are not operating members, unlisted assets, zero amounts and bad deadlines", async function () {
      await expect(f.attestations.connect(f.other).postInterim(await interim(f)))
        .to.be.revertedWithCustomError(f.attestations, "AttestationsNotOperating")
        .withArgs(f.other.address);
      await expect(f.attestations.connect(f.member).postInterim(await interim(f, { asset: 99 })))
        .to.be.revertedWithCustomError(f.attestations, "AttestationsUnlistedAsset")
        .withArgs(99);
      await expect(
        f.attestations.connect(f.member).postInterim(await interim(f, { amount: 0n })),
      ).to.be.revertedWithCustomError(f.attestations, "AttestationsZeroAmount");
      await expect(
        f.attestations.connect(f.member).postInterim(await interim(f, { txRef: ZeroHash })),
      ).to.be.revertedWithCustomError(f.attestations, "AttestationsNoTransaction");
      for (const offset of [-1n, 0n, ATTESTATION_PARAMS.interimWindow + 1n]) {
        const at = BigInt(await time.latest()) + 1n;
        await time.setNextBlockTimestamp(at);
        const deadline = at + offset;
        await expect(f.attestations.connect(f.member).postInterim(await interim(f, { deadline })))
          .to.be.revertedWithCustomError(f.attestations, "AttestationsBadDeadline")
          .withArgs(deadline, at + ATTESTATION_PARAMS.interimWindow);
      }
    });

    it("settles an IA on the operators' quorum verdict, once; the duty counts met", async function () {
      const record = await post(f);
      const signatures = await verdict(f, record, true);
      const id = interimIdOf(f.member.address, ETH_ASSET, 1n);
      await expect(f.attestations.connect(f.other).attestInterim(record, true, signatures))
        .to.emit(f.attestations, "InterimAttested")
        .withArgs(id, f.member.address, true, 6n * 10n ** 18n, 3n, 0n);
      expect(await f.attestations.interimStatusOf(record)).to.equal(2n); // Settled
      expect((await f.attestations.dutiesOf(f.member.address)).interimsSettled).to.equal(1n);
      await expect(f.attestations.attestInterim(record, true, signatures))
        .to.be.revertedWithCustomError(f.attestations, "AttestationsInterimNotOpen")
        .withArgs(f.member.address, ETH_ASSET, 1n, 2n);
      await expect(f.attestations.attestInterim(record, false, await verdict(f, record, false)))
        .to.be.revertedWithCustomError(f.attestations, "AttestationsInterimNotOpen")
        .withArgs(f.member.address, ETH_ASSET, 1n, 2n);
    });

    it("finds an IA missed only at its deadline, counts the missed duty and slashes missedInterimBps to the pool", async function () {
      const record = await post(f);
      const signatures = await verdict(f, record, false);
      await expect(f.attestations.attestInterim(record, false, signatures))
        .to.be.revertedWithCustomError(f.attestations, "AttestationsBeforeDeadline")
        .withArgs(record.deadline);
      await time.increaseTo(record.deadline);
      const slashed = (MEMBER_STAKE * ATTESTATION_PARAMS.missedInterimBps) / 10_000n;
      const id = interimIdOf(f.member.address, ETH_ASSET, 1n);
      await expect(f.attestations.connect(f.prover).attestInterim(record, false, signatures))
        .to.emit(f.adjudicator, "MissedInterimSlashed")
        .withArgs(f.member.address, id, ethers.ZeroAddress, slashed)
        .and.to.emit(f.attestations, "InterimAttested")
        .withArgs(id, f.member.address, false, 6n * 10n ** 18n, 3n, slashed);
      expect(await f.attestations.interimStatusOf(record)).to.equal(3n); // Missed
      expect(await f.vault.stakeOf(f.member.address)).to.equal(MEMBER_STAKE - slashed);
      expect((await f.attestations.dutiesOf(f.member.address)).interimsMissed).to.equal(1n);
      expect((await f.vault.stakeHistoryOf(f.member.address)).slashCount).to.equal(1n);
    });

    it("refuses verdicts on records that differ from the posted one, below quorum, from non-operators or the member, or signed for the other verdict", async function () {
      const record = await post(f);
      const good = await verdict(f, record, true);
      for (const changed of [{ amount: 2n }, { txRef: ZeroHash }, { postedAt: record.postedAt + 1n }, { seq: 2n }]) {
        const other = { ...record, ...changed };
        await expect(f.attestations.attestInterim(other, true, good))
          .to.be.revertedWithCustomError(f.attestations, "AttestationsUnknownInterim")
          .withArgs(f.member.address, ETH_ASSET, other.seq);
      }
      await expect(f.attestations.attestInterim(record, true, await verdict(f, record, true, f.operators.slice(0, 2))))
        .to.be.revertedWithCustomError(f.attestations, "AttestationsQuorumNotReached")
        .withArgs(4n * 10n ** 18n, 6n * 10n ** 18n, 2n, 3n);
      const outsider = new Wallet(Wallet.createRandom().privateKey);
      const withOutsider = await verdict(f, record, true, [...f.operators.slice(0, 3), outsider]);
      await expect(f.attestations.attestInterim(record, true, withOutsider)).to.be.revertedWithCustomError(
        f.attestations,
        "AttestationsNotCoSigner",
      );
      const withMember = packSignatures([
        ...(await Promise.all(
          f.operators.slice(0, 3).map((s) => signInterimVerdict(s, f.attestationsDomain, record, true)),
        )),
        await signInterimVerdict(f.member, f.attestationsDomain, record, true),
      ]);
      await expect(f.attestations.attestInterim(record, true, withMember)).to.be.revertedWithCustomError(
        f.ledger,
        "CommitmentLedgerSelfAttestation",
      );
      // Signatures for "settled" recover other addresses under "missed" (and vice versa).
      await time.increaseTo(record.deadline);
      await expectRefused(f, f.attestations.attestInterim(record, false, good), FOREIGN);
    });

    it("refuses replays: a verdict for one IA on another, a ledger attestation, a verdict for another deployment", async function () {
      const first = await post(f);
      const second = await post(f);
      await expectRefused(f, f.attestations.attestInterim(second, true, await verdict(f, first, true)), FOREIGN);
      const ledgerSigned = packSignatures(
        await Promise.all(
          f.operators.slice(0, 3).map((s) =>
            signAttestation(s, f.domain, {
              subject: interimIdOf(first.member, first.asset, first.seq),
              verdict: 1,
              rootsDigest: ZeroHash,
              blobDigest: ZeroHash,
            }),
          ),
        ),
      );
      await expectRefused(f, f.attestations.attestInterim(first, true, ledgerSigned), FOREIGN);
      const elsewhere = attestationsDomain(1n, await f.attestations.getAddress());
      const otherChain = packSignatures(
        await Promise.all(f.operators.slice(0, 3).map((s) => signInterimVerdict(s, elsewhere, first, true))),
      );
      await expectRefused(f, f.attestations.attestInterim(first, true, otherChain), FOREIGN);
    });
  });

  describe("storage slots", function () {
    /** Three IAs: the first settled, the second missed, the third open; an RA accounting for all three. */
    async function finalBelowBaseline() {
      const settled = await post(f, { amount: 1n });
      const missed = await post(f, { amount: 2n, txRef: ethers.id("tx-2") });
      const open = await post(f, { amount: 3n, txRef: ethers.id("tx-3") });
      await f.attestations.attestInterim(settled, true, await verdict(f, settled, true));
      await time.increaseTo(missed.deadline);
      await f.attestations.attestInterim(missed, false, await verdict(f, missed, false));
      await postRa(f, await ra(f, { reserves: [{ asset: ETH_ASSET, reserves: 100n, throughSeq: 3n }] }), [open]);
      return { settled, missed, open };
    }

    async function postInto(freed: InterimRecord, over: Partial<Interim> = {}, from = f.member) {
      return recordOf(
        f.attestations,
        await f.attestations.connect(from).postInterimInto(await interim(f, over), freed),
      );
    }

    it("posts an IA into the slot of a final IA below the baseline; the freed one reads None, its verdict in its event", async function () {
      const { settled, missed } = await finalBelowBaseline();
      expect((await freeInterimSlots(f.attestations, f.member.address, ETH_ASSET, 0)).map((r) => r.seq)).to.deep.equal([
        1n,
        2n,
      ]);
      const fresh = await f.attestations.connect(f.member).postInterim.estimateGas(await interim(f));
      const into = await f.attestations.connect(f.member).postInterimInto.estimateGas(await interim(f), settled);
      // A slot written before costs 5,000 gas to rewrite against 22,100 for a new one, less the freed record's calldata.
      expect(fresh - into > 8_000n, `fresh ${fresh}, into ${into}`).to.equal(true);
      const id = interimIdOf(f.member.address, ETH_ASSET, 4n);
      const tx = await f.attestations.connect(f.member).postInterimInto(await interim(f, { amount: 4n }), settled);
      await expect(tx).to.emit(f.attestations, "InterimPosted");
      const record = await recordOf(f.attestations, tx);
      expect([record.seq, record.slot, record.cumulative]).to.deep.equal([4n, 1n, 10n]);
      expect(await f.attestations.interimStatusOf(record)).to.equal(1n); // Open
      expect(await f.attestations.interimStatusOf(settled)).to.equal(0n); // None: its slot is taken
      await expect(f.attestations.attestInterim(settled, false, await verdict(f, settled, false)))
        .to.be.revertedWithCustomError(f.attestations, "AttestationsUnknownInterim")
        .withArgs(f.member.address, ETH_ASSET, 1n);
      // The history keeps every verdict: postedInterims reads a freed IA's status from its InterimAttested event.
      const posted = await postedInterims(f.attestations, f.member.address, 0);
      expect(posted.map((p) => [p.record.seq, p.status])).to.deep.equal([
        [1n, "Settled"],
        [2n, "Missed"],
        [3n, "NetSettled"],
        [4n, "Open"],
      ]);
      expect(posted[3].interimId).to.equal(id);
      // The new IA is judged like any other: a missed verdict slashes it under its own id.
      await time.increaseTo(record.deadline);
      await expect(f.attestations.attestInterim(record, false, await verdict(f, record, false)))
        .to.emit(f.adjudicator, "MissedInterimSlashed")
        .withArgs(f.member.address, id, ethers.ZeroAddress, (await f.vault.stakeOf(f.member.address)) / 10n);
      // Expected reserves count every IA, whichever slot holds it.
      const [expected, outflow] = await f.attestations.expectedReserves(f.member.address, ETH_ASSET);
      expect([expected, outflow]).to.deep.equal([96n, 4n]);
      // Once an RA accounts past it, the slot passes on again, still slot 1.
      await time.increase(5);
      await postRa(f, await ra(f, { reserves: [{ asset: ETH_ASSET, reserves: 90n, throughSeq: 4n }] }), [record]);
      const free = await freeInterimSlots(f.attestations, f.member.address, ETH_ASSET, 0);
      expect(free.map((r) => r.seq)).to.deep.equal([2n]);
      await postRa(f, await ra(f, { reserves: [{ asset: ETH_ASSET, reserves: 90n, throughSeq: 4n }] }), [record]);
      const next = await post(f, { amount: 5n, txRef: ethers.id("tx-5") });
      await time.increase(5);
      await postRa(f, await ra(f, { reserves: [{ asset: ETH_ASSET, reserves: 80n, throughSeq: 5n }] }), [next]);
      const again = await postInto(record, { amount: 6n });
      expect([again.seq, again.slot]).to.deep.equal([6n, 1n]);
      expect(await f.attestations.interimStatusOf(record)).to.equal(0n);
      expect(await f.attestations.interimStatusOf(again)).to.equal(1n);
      expect(await f.attestations.interimStatusOf(missed)).to.equal(3n); // Missed, its slot still its own
    });

    it("refuses a slot that is not free: open, net-settled, at the baseline, changed, taken, another asset's or member's", async function () {
      const { settled, missed, open } = await finalBelowBaseline();
      const refused = (freed: InterimRecord, seq: bigint, status: bigint, throughSeq = 3n, over = {}) =>
        expect(postInto(freed, over))
          .to.be.revertedWithCustomError(f.attestations, "AttestationsSlotNotFree")
          .withArgs(f.member.address, (over as Partial<Interim>).asset ?? ETH_ASSET, seq, status, throughSeq);
      // The baseline's own IA (net-settled: it can still be found missed) and an IA above it (open).
      await refused(open, 3n, 4n);
      const above = await post(f, { amount: 1n, txRef: ethers.id("tx-4") });
      await refused(above, 4n, 1n);
      // A record other than the one posted; the same IA offered for another asset.
      await refused({ ...settled, amount: 5n }, 1n, 0n);
      await refused(settled, 1n, 0n, 0n, { asset: TOKEN_ASSET });
      // The record's calldata is hashed as it lies: dirty high bits in a field match no slot (or fail decoding).
      const data = f.attestations.interface.encodeFunctionData("interimStatusOf", [missed]);
      const dirty = data.slice(0, 10 + 64) + "ff" + data.slice(10 + 66);
      const answer = await ethers.provider.call({ to: f.attestations.target as string, data: dirty }).catch(() => null);
      expect(answer === null || BigInt(answer) === 0n, String(answer)).to.equal(true);
      expect(await f.attestations.interimStatusOf(missed)).to.equal(3n);
      // Taken already: the second use finds the new IA in the slot.
      await postInto(settled);
      await refused(settled, 1n, 0n);
      // A batch is all or none: the second IA offered the first's slot reverts both.
      const before = await f.attestations.assetBookOf(f.member.address, ETH_ASSET);
      await expect(
        f.attestations.connect(f.member).postInterims([await interim(f), await interim(f)], [missed, missed]),
      )
        .to.be.revertedWithCustomError(f.attestations, "AttestationsSlotNotFree")
        .withArgs(f.member.address, ETH_ASSET, 2n, 0n, 3n);
      expect((await f.attestations.assetBookOf(f.member.address, ETH_ASSET)).seq).to.equal(before.seq);
      await expect(f.attestations.connect(f.member).postInterims([await interim(f)], [missed, missed]))
        .to.be.revertedWithCustomError(f.attestations, "AttestationsTooManyFreed")
        .withArgs(2n, 1n);
      // Another account's: not operating, or offering the member's IA as its own (the slot keys are per member).
      await expect(postInto(missed, {}, f.other))
        .to.be.revertedWithCustomError(f.attestations, "AttestationsNotOperating")
        .withArgs(f.other.address);
      // A batch taking one freed slot and booking the rest fresh.
      const receipt = await (
        await f.attestations.connect(f.member).postInterims([await interim(f), await interim(f)], [missed])
      ).wait();
      const records = receipt!.logs
        .filter((l) => (l as EventLog).fragment?.name === "InterimPosted")
        .map((l) => interimRecordFromEvent(l as EventLog));
      expect(records.map((r) => [r.seq, r.slot])).to.deep.equal([
        [6n, 2n],
        [7n, 7n],
      ]);
    });

    it("refuses a slot before any RA accounts past it, however final", async function () {
      const settled = await post(f, { amount: 1n });
      await f.attestations.attestInterim(settled, true, await verdict(f, settled, true));
      await expect(postInto(settled))
        .to.be.revertedWithCustomError(f.attestations, "AttestationsSlotNotFree")
        .withArgs(f.member.address, ETH_ASSET, 1n, 2n, 0n);
      expect(await freeInterimSlots(f.attestations, f.member.address, ETH_ASSET, 0)).to.deep.equal([]);
    });

    it("takes an RA naming a freed IA below the baseline (its figure unused); at or above the baseline the record must match", async function () {
      const { settled, open } = await finalBelowBaseline();
      const taker = await postInto(settled, { amount: 4n });
      await time.increase(5);
      // Through seq 1, below the baseline (3): the record no longer holds its slot, and the RA is still taken.
      await postRa(f, await ra(f, { reserves: [{ asset: ETH_ASSET, reserves: 7n, throughSeq: 1n }] }), [settled]);
      let book = await f.attestations.assetBookOf(f.member.address, ETH_ASSET);
      expect([book.throughSeq, book.baseReserves]).to.deep.equal([3n, 100n]);
      // Its fields must still be the IA it names.
      await expect(
        postRa(f, await ra(f, { reserves: [{ asset: ETH_ASSET, reserves: 7n, throughSeq: 1n }] }), [open]),
      ).to.be.revertedWithCustomError(f.attestations, "AttestationsBadThrough");
      // At the baseline or above: the record must be in its slot.
      await expect(
        postRa(f, await ra(f, { reserves: [{ asset: ETH_ASSET, reserves: 7n, throughSeq: 4n }] }), [
          { ...taker, slot: 4n },
        ]),
      )
        .to.be.revertedWithCustomError(f.attestations, "AttestationsBadThrough")
        .withArgs(ETH_ASSET, 4n);
      await postRa(f, await ra(f, { reserves: [{ asset: ETH_ASSET, reserves: 7n, throughSeq: 4n }] }), [taker]);
      book = await f.attestations.assetBookOf(f.member.address, ETH_ASSET);
      expect([book.throughSeq, book.baseReserves, book.baseCumulative]).to.deep.equal([4n, 7n, 10n]);
    });
  });

  describe("reserve attestations", function () {
    it("posts an auditor-signed RA: baseline, expected reserves, net-settled IAs, nonce and due time", async function () {
      const first = await post(f, { amount: 5n * 10n ** 18n });
      await time.increase(10);
      const attestation = await ra(f, {
        reserves: [{ asset: ETH_ASSET, reserves: 100n * 10n ** 18n, throughSeq: 1n }],
      });
      expect(await f.attestations.reserveAttestationDigest(attestation)).to.equal(
        reserveAttestationDigest(f.attestationsDomain, attestation),
      );
      await time.increase(1);
      const second = await post(f, { amount: 7n * 10n ** 18n });
      await expect(postRa(f, attestation, [first]))
        .to.emit(f.attestations, "ReserveAttested")
        .and.to.emit(f.attestations, "BaselineSet")
        .withArgs(f.member.address, ETH_ASSET, 100n * 10n ** 18n, 1n);
      // The IA the RA accounted for is net-settled; the one posted after its period still waits for a verdict.
      expect(await f.attestations.interimStatusOf(first)).to.equal(4n);
      expect(await f.attestations.interimStatusOf(second)).to.equal(1n);
      // A net-settled IA still takes its verdict: settled counts the duty met and makes it final.
      await f.attestations.attestInterim(first, true, await verdict(f, first, true));
      expect(await f.attestations.interimStatusOf(first)).to.equal(2n);
      expect((await f.attestations.dutiesOf(f.member.address)).interimsSettled).to.equal(1n);
      await expect(f.attestations.attestInterim(first, false, await verdict(f, first, false)))
        .to.be.revertedWithCustomError(f.attestations, "AttestationsInterimNotOpen")
        .withArgs(f.member.address, ETH_ASSET, 1n, 2n);
      const [expected, outflow] = await f.attestations.expectedReserves(f.member.address, ETH_ASSET);
      expect([expected, outflow]).to.deep.equal([93n * 10n ** 18n, 7n * 10n ** 18n]);
      const state = await f.attestations.auditStateOf(f.member.address);
      expect([state.count, state.lastPeriodEnd, state.dueAt]).to.deep.equal([
        1n,
        attestation.periodEnd,
        attestation.periodEnd + ATTESTATION_PARAMS.raInterval,
      ]);
      expect((await f.attestations.dutiesOf(f.member.address)).raOnTime).to.equal(1n);
      // The same RA again: its nonce is spent.
      await expect(postRa(f, attestation, [first]))
        .to.be.revertedWithCustomError(f.attestations, "AttestationsBadNonce")
        .withArgs(0n, 1n);
    });

    it("refuses non-auditors, self-audit, bad signatures, other domains and members that never applied", async function () {
      const attestation = await ra(f, { auditor: f.other.address });
      await expect(postRa(f, attestation, [], f.other))
        .to.be.revertedWithCustomError(f.attestations, "AttestationsNotAuditor")
        .withArgs(f.other.address);
      const auditorRole = await f.registry.AUDITOR_ROLE();
      await f.registry.connect(f.governance).grantRole(auditorRole, f.member.address);
      await expect(postRa(f, await ra(f, { auditor: f.member.address }), [], f.member))
        .to.be.revertedWithCustomError(f.attestations, "AttestationsSelfAudit")
        .withArgs(f.member.address);
      const good = await ra(f);
      const forged = await signReserveAttestation(f.other, f.attestationsDomain, good);
      await expect(f.attestations.postReserveAttestation(good, [], forged))
        .to.be.revertedWithCustomError(f.attestations, "AttestationsBadSignature")
        .withArgs(f.auditor.address);
      const elsewhere = await signReserveAttestation(
        f.auditor,
        attestationsDomain(1n, await f.attestations.getAddress()),
        good,
      );
      await expect(f.attestations.postReserveAttestation(good, [], elsewhere)).to.be.revertedWithCustomError(
        f.attestations,
        "AttestationsBadSignature",
      );
      // A signature over other findings does not carry over.
      const signed = await signReserveAttestation(f.auditor, f.attestationsDomain, good);
      await expect(
        f.attestations.postReserveAttestation({ ...good, findings: { ...NO_FINDINGS, low: 1 } }, [], signed),
      ).to.be.revertedWithCustomError(f.attestations, "AttestationsBadSignature");
      await expect(postRa(f, await ra(f, { member: f.user.address })))
        .to.be.revertedWithCustomError(f.attestations, "AttestationsNotMember")
        .withArgs(f.user.address);
    });

    it("refuses overlapping, empty and future periods, findings out of range and bad reserves", async function () {
      await postRa(f, await ra(f));
      const end = (await f.attestations.auditStateOf(f.member.address)).lastPeriodEnd;
      await time.increase(100);
      const now = BigInt(await time.latest());
      for (const [periodStart, periodEnd] of [
        [end - 1n, now],
        [now, now],
        [end, now + 10n],
      ]) {
        await expect(postRa(f, await ra(f, { periodStart, periodEnd })))
          .to.be.revertedWithCustomError(f.attestations, "AttestationsBadPeriod")
          .withArgs(periodStart, periodEnd, end);
      }
      for (const findings of [
        { ...NO_FINDINGS, score: 10_001 },
        { ...NO_FINDINGS, sampleSize: 2, sampleFailures: 3 },
      ]) {
        await expect(postRa(f, await ra(f, { findings }))).to.be.revertedWithCustomError(
          f.attestations,
          "AttestationsBadFindings",
        );
      }
      const eth = { asset: ETH_ASSET, reserves: 1n, throughSeq: 0n };
      const tok = { asset: TOKEN_ASSET, reserves: 1n, throughSeq: 0n };
      for (const [reserves, index] of [
        [[tok, eth], 1],
        [[eth, eth], 1],
        [[eth, { ...tok, asset: 77 }], 1],
      ] as const) {
        await expect(postRa(f, await ra(f, { reserves: [...reserves] })))
          .to.be.revertedWithCustomError(f.attestations, "AttestationsBadReserves")
          .withArgs(index);
      }
    });

    it("accounts only for IAs posted in its period, passed as they were posted; one going back leaves the baseline", async function () {
      const first = await post(f, { amount: 1n });
      await time.increase(5);
      const periodEnd = BigInt(await time.latest());
      await time.increase(5);
      const late = await post(f, { amount: 2n });
      const through = (seq: bigint) => [{ asset: ETH_ASSET, reserves: 10n, throughSeq: seq }];
      const bad = async (attestation: ReserveAttestation, records: InterimRecord[], asset: number, seq: bigint) =>
        expect(postRa(f, attestation, records))
          .to.be.revertedWithCustomError(f.attestations, "AttestationsBadThrough")
          .withArgs(asset, seq);
      // Posted after the period's end.
      await bad(await ra(f, { periodEnd, reserves: through(2n) }), [late], ETH_ASSET, 2n);
      // A record other than the one posted, or another IA's record.
      await bad(await ra(f, { periodEnd, reserves: through(1n) }), [{ ...first, cumulative: 0n }], ETH_ASSET, 1n);
      await bad(await ra(f, { periodEnd, reserves: through(1n) }), [late], ETH_ASSET, 1n);
      // Missing or extra records.
      await bad(await ra(f, { periodEnd, reserves: through(1n) }), [], ETH_ASSET, 1n);
      await bad(await ra(f, { periodEnd, reserves: through(0n) }), [first], 0, 0n);
      await postRa(f, await ra(f, { periodEnd, reserves: through(1n) }), [first]);
      // An RA accounting for fewer IAs than the last (another auditor's, of an earlier period) is taken for its
      // findings and duty, and leaves the baseline as it stands.
      await time.increase(5);
      await postRa(f, await ra(f, { reserves: [{ asset: ETH_ASSET, reserves: 99n, throughSeq: 0n }] }), []);
      const book = await f.attestations.assetBookOf(f.member.address, ETH_ASSET);
      expect([book.throughSeq, book.baseReserves]).to.deep.equal([1n, 10n]);
    });

    it("marks a member overdue after its RA interval (anyone, once per interval); a late RA is not on time", async function () {
      const info = await f.registry.memberInfo(f.member.address);
      const dueAt = info.probationSince + ATTESTATION_PARAMS.raInterval;
      expect((await f.attestations.auditStateOf(f.member.address)).dueAt).to.equal(dueAt);
      expect(await f.attestations.isOverdue(f.member.address)).to.equal(false);
      await expect(f.attestations.markOverdue(f.member.address))
        .to.be.revertedWithCustomError(f.attestations, "AttestationsNotOverdue")
        .withArgs(f.member.address, dueAt);
      await time.increaseTo(dueAt + 1n);
      expect(await f.attestations.isOverdue(f.member.address)).to.equal(true);
      await expect(f.attestations.connect(f.other).markOverdue(f.member.address))
        .to.emit(f.attestations, "ReserveAttestationOverdue")
        .withArgs(f.member.address, dueAt, f.other.address);
      await expect(f.attestations.markOverdue(f.member.address))
        .to.be.revertedWithCustomError(f.attestations, "AttestationsNotOverdue")
        .withArgs(f.member.address, dueAt + ATTESTATION_PARAMS.raInterval);
      await time.increaseTo(dueAt + ATTESTATION_PARAMS.raInterval + 1n);
      await postRa(f, await ra(f));
      // Two intervals had started past the due time: the one markOverdue counted and the one the late RA counts.
      const duties = await f.attestations.dutiesOf(f.member.address);
      expect([duties.raOnTime, duties.raOverdue]).to.deep.equal([0n, 2n]);
      // A member never approved is never due.
      expect(await f.attestations.isOverdue(f.user.address)).to.equal(false);
      await expect(f.attestations.markOverdue(f.user.address))
        .to.be.revertedWithCustomError(f.attestations, "AttestationsNotOverdue")
        .withArgs(f.user.address, 0n);
    });
  });

  describe("sampling", function () {
    async function committedAt(): Promise<bigint> {
      const t = BigInt(await time.latest()) - 5n;
      await f.ledger.connect(f.member).commit(t, [commitmentOf(ETH_ASSET, 1n)]);
      return t;
    }

    it("seeds a sample from the hash of a block mined after the request: the member cannot fix it earlier", async function () {
      const t = await committedAt();
      const tx = await f.attestations.connect(f.auditor).requestSample(f.member.address, t, ETH_ASSET, 5);
      const requested = (await tx.wait())!.blockNumber;
      const seedBlock = BigInt(requested) + (await f.attestations.SEED_DELAY_BLOCKS());
      await expect(tx)
        .to.emit(f.attestations, "SampleRequested")
        .withArgs(1n, f.auditor.address, f.member.address, t, ETH_ASSET, 5);
      // The member, racing to fix the seed before the seed block exists, is refused (the hash is unknown then).
      await expect(f.attestations.connect(f.member).fixSampleSeed(1n))
        .to.be.revertedWithCustomError(f.attestations, "AttestationsSeedUnavailable")
        .withArgs(1n, seedBlock);
      await mine(2);
      const fixed = await f.attestations.connect(f.member).fixSampleSeed(1n);
      const hash = (await ethers.provider.getBlock(Number(seedBlock)))!.hash!;
      const seed = ethers.keccak256(
        ethers.AbiCoder.defaultAbiCoder().encode(
          ["uint256", "address", "uint256", "bytes32"],
          [(await ethers.provider.getNetwork()).chainId, await f.attestations.getAddress(), 1n, hash],
        ),
      );
      const deadline = BigInt((await ethers.provider.getBlock("latest"))!.timestamp) + ATTESTATION_PARAMS.sampleWindow;
      await expect(fixed).to.emit(f.attestations, "SampleSeedFixed").withArgs(1n, seed, deadline);
      await expect(f.attestations.fixSampleSeed(1n))
        .to.be.revertedWithCustomError(f.attestations, "AttestationsSeedAlreadyFixed")
        .withArgs(1n);
      const ranks = sampleRanks(seed, 5, 20);
      expect(new Set(ranks).size).to.equal(5);
      expect(ranks.every((r) => r >= 0 && r < 20)).to.equal(true);
      expect(sampleRanks(seed, 50, 20)).to.have.length(20);
    });

    it("refuses a seed older than 256 blocks (request again)", async function () {
      const t = await committedAt();
      await f.attestations.connect(f.auditor).requestSample(f.member.address, t, ETH_ASSET, 1);
      await mine(300);
      await expect(f.attestations.fixSampleSeed(1n)).to.be.revertedWithCustomError(
        f.attestations,
        "AttestationsSeedUnavailable",
      );
    });

    it("refuses requests from non-auditors, for the auditor itself, of bad sizes, or of no committed set", async function () {
      const t = await committedAt();
      await expect(f.attestations.connect(f.other).requestSample(f.member.address, t, ETH_ASSET, 1))
        .to.be.revertedWithCustomError(f.attestations, "AttestationsNotAuditor")
        .withArgs(f.other.address);
      await expect(f.attestations.connect(f.auditor).requestSample(f.auditor.address, t, ETH_ASSET, 1))
        .to.be.revertedWithCustomError(f.attestations, "AttestationsSelfAudit")
        .withArgs(f.auditor.address);
      for (const size of [0, 1_001]) {
        await expect(f.attestations.connect(f.auditor).requestSample(f.member.address, t, ETH_ASSET, size))
          .to.be.revertedWithCustomError(f.attestations, "AttestationsBadSampleSize")
          .withArgs(size, 1_000);
      }
      for (const [at, asset] of [
        [t + 1n, ETH_ASSET],
        [t, 77],
      ] as const) {
        await expect(f.attestations.connect(f.auditor).requestSample(f.member.address, at, asset, 1))
          .to.be.revertedWithCustomError(f.attestations, "AttestationsNoSuchSnapshot")
          .withArgs(f.member.address, at, asset);
      }
    });

    it("counts a sample opened in full by the deadline as met, a short one (reported after it) as missed", async function () {
      const t = await committedAt();
      for (let i = 0; i < 2; i++)
        await f.attestations.connect(f.auditor).requestSample(f.member.address, t, ETH_ASSET, 3);
      await mine(3);
      await f.attestations.fixSampleSeed(1n);
      await f.attestations.fixSampleSeed(2n);
      await expect(f.attestations.connect(f.member).reportSample(1n, 3, 0))
        .to.be.revertedWithCustomError(f.attestations, "AttestationsBadSampleReport")
        .withArgs(1n);
      for (const [opened, failures] of [
        [4, 0],
        [2, 3],
      ]) {
        await expect(f.attestations.connect(f.auditor).reportSample(1n, opened, failures))
          .to.be.revertedWithCustomError(f.attestations, "AttestationsBadSampleCounts")
          .withArgs(opened, failures, 3);
      }
      await expect(f.attestations.connect(f.auditor).reportSample(1n, 3, 0))
        .to.emit(f.attestations, "SampleReported")
        .withArgs(1n, f.member.address, 3, 0, true);
      await expect(f.attestations.connect(f.auditor).reportSample(1n, 3, 1))
        .to.be.revertedWithCustomError(f.attestations, "AttestationsBadSampleReport")
        .withArgs(1n);
      const deadline = (await f.attestations.sampleOf(2n)).deadline;
      await expect(f.attestations.connect(f.auditor).reportSample(2n, 1, 0))
        .to.be.revertedWithCustomError(f.attestations, "AttestationsBeforeDeadline")
        .withArgs(deadline);
      await time.increaseTo(deadline + 1n);
      await expect(f.attestations.connect(f.auditor).reportSample(2n, 1, 0))
        .to.emit(f.attestations, "SampleReported")
        .withArgs(2n, f.member.address, 1, 0, false);
      const duties = await f.attestations.dutiesOf(f.member.address);
      expect([duties.samplesOpened, duties.samplesMissed]).to.deep.equal([1n, 1n]);
      await expect(f.attestations.fixSampleSeed(9n))
        .to.be.revertedWithCustomError(f.attestations, "AttestationsUnknownSample")
        .withArgs(9n);
      await expect(f.attestations.connect(f.auditor).reportSample(9n, 0, 0))
        .to.be.revertedWithCustomError(f.attestations, "AttestationsUnknownSample")
        .withArgs(9n);
    });
  });

  describe("governance and wiring", function () {
    it("lets only governance set the parameters, a member's RA interval and the adjudicator (once)", async function () {
      const params = { raInterval: 1n, interimWindow: 1n, sampleWindow: 1n, missedInterimBps: 0, minRaPeriod: 0n };
      await expect(f.attestations.connect(f.other).setParams(params)).to.be.revertedWithCustomError(
        f.attestations,
        "AccessControlUnauthorizedAccount",
      );
      for (const bad of [
        { ...params, raInterval: 0n },
        { ...params, interimWindow: 0n },
        { ...params, sampleWindow: 0n },
        { ...params, missedInterimBps: 10_001 },
        // A minimum RA period longer than the longest time between RAs.
        { ...params, minRaPeriod: 2n },
      ]) {
        await expect(f.attestations.connect(f.governance).setParams(bad)).to.be.revertedWithCustomError(
          f.attestations,
          "AttestationsBadParams",
        );
      }
      await expect(f.attestations.connect(f.governance).setParams(params)).to.emit(f.attestations, "ParamsSet");
      await f.attestations.connect(f.governance).setMemberRaInterval(f.member.address, 7n);
      expect(await f.attestations.raIntervalOf(f.member.address)).to.equal(7n);
      expect(await f.attestations.raIntervalOf(f.other.address)).to.equal(1n);
      await expect(f.attestations.connect(f.governance).setAdjudicator(f.other.address)).to.be.revertedWithCustomError(
        f.attestations,
        "AttestationsAdjudicatorAlreadySet",
      );
      await expect(f.adjudicator.connect(f.governance).setAttestations(f.other.address)).to.be.revertedWithCustomError(
        f.adjudicator,
        "AdjudicatorAttestationsAlreadySet",
      );
      await expect(f.reputation.connect(f.governance).setAttestations(f.other.address)).to.be.revertedWithCustomError(
        f.reputation,
        "ReputationAttestationsAlreadySet",
      );
      expect(await f.adjudicator.attestations()).to.equal(await f.attestations.getAddress());
    });

    it("lets only the attestations contract slash a missed IA through the adjudicator", async function () {
      await expect(
        f.adjudicator.connect(f.other).slashMissedInterim(f.member.address, ZeroHash, 1_000, f.other.address),
      )
        .to.be.revertedWithCustomError(f.adjudicator, "AdjudicatorNotAttestations")
        .withArgs(f.other.address);
    });
  });

  describe("reputation", function () {
    it("weighs every duty kind and the RA's findings penalty, decaying at 10,000 bps per findingsDecay", async function () {
      const base = await f.reputation.partsOf(f.member.address);
      const record = await post(f);
      await f.attestations.attestInterim(record, true, await verdict(f, record, true));
      const missed = await post(f);
      await time.increaseTo(missed.deadline);
      await f.attestations.attestInterim(missed, false, await verdict(f, missed, false));
      const findings = { ...NO_FINDINGS, critical: 1, high: 2, low: 4, score: 8_000 };
      // 2500 + 2 x 1000 + 4 x 50 + (10000 - 8000) x 5000 / 10000 = 5700 bps, just posted.
      await expect(postRa(f, await ra(f, { findings })))
        .to.emit(f.reputation, "FindingsPenaltyRaised")
        .withArgs(await f.attestations.getAddress(), f.member.address, 5_700n);
      const postedAt = BigInt(await time.latest());
      const parts = await f.reputation.partsOf(f.member.address);
      // IAs 1 of 2, RA 1 of 1 on top of the ledger's duties.
      expect(parts.weightedMet).to.equal(base.weightedMet + 2n);
      expect(parts.weightedTotal).to.equal(base.weightedTotal + 3n);
      expect(parts.findingsPenaltyBps).to.equal(5_700n);
      const [stored, nowBps] = await f.reputation.findingsPenaltyOf(
        await f.attestations.getAddress(),
        f.member.address,
      );
      expect([stored.bps, stored[1], nowBps]).to.deep.equal([5_700n, postedAt, 5_700n]);
      const slashFactor = ((10_000n - BigInt(SLASH_PENALTY_BPS)) * 10n ** 18n) / 10_000n;
      expect(parts.slashFactor).to.equal(slashFactor);
      const expected = (((parts.twc * parts.weightedMet) / parts.weightedTotal) * (10_000n - 5_700n)) / 10_000n;
      expect(parts.score).to.equal((expected * slashFactor) / 10n ** 18n);
      expect(await f.reputation.scoreOf(f.member.address)).to.equal(parts.score);
      // A fixed slope: half the decay time takes 5,000 bps off; 0.57 of it, all.
      const decay = (await f.reputation.weights()).findingsDecay;
      await time.increaseTo(postedAt + decay / 2n);
      expect((await f.reputation.partsOf(f.member.address)).findingsPenaltyBps).to.equal(700n);
      await time.increaseTo(postedAt + (decay * 57n) / 100n);
      expect((await f.reputation.partsOf(f.member.address)).findingsPenaltyBps).to.equal(0n);
    });

    it("keeps the worst penalty: a clean or milder RA leaves it, a worse one raises it", async function () {
      const attestations = await f.attestations.getAddress();
      const penalty = async () => (await f.reputation.partsOf(f.member.address)).findingsPenaltyBps;
      await postRa(f, await ra(f, { findings: { ...NO_FINDINGS, critical: 2 } }));
      expect(await penalty()).to.equal(5_000n);
      await time.increase(10);
      for (const findings of [NO_FINDINGS, { ...NO_FINDINGS, critical: 1 }]) {
        await expect(postRa(f, await ra(f, { findings }))).to.not.emit(f.reputation, "FindingsPenaltyRaised");
        await time.increase(1);
      }
      const decay = (await f.reputation.weights()).findingsDecay;
      const [stored, nowBps] = await f.reputation.findingsPenaltyOf(attestations, f.member.address);
      const elapsed = BigInt(await time.latest()) - stored[1];
      expect(stored.bps).to.equal(5_000n);
      expect(nowBps).to.equal(5_000n - (elapsed * 10_000n) / decay);
      expect(await penalty()).to.equal(nowBps);
      await expect(postRa(f, await ra(f, { findings: { ...NO_FINDINGS, critical: 3 } })))
        .to.emit(f.reputation, "FindingsPenaltyRaised")
        .withArgs(attestations, f.member.address, 7_500n);
      expect((await f.attestations.auditStateOf(f.member.address)).count).to.equal(4n);
    });

    it("counts only the wired attestations contract's findings (anyone's recordFindings is its own)", async function () {
      await expect(f.reputation.connect(f.other).recordFindings(f.member.address, { ...NO_FINDINGS, critical: 4 }))
        .to.emit(f.reputation, "FindingsPenaltyRaised")
        .withArgs(f.other.address, f.member.address, 10_000n);
      expect((await f.reputation.partsOf(f.member.address)).findingsPenaltyBps).to.equal(0n);
      expect((await f.reputation.findingsPenaltyOf(f.other.address, f.member.address))[1]).to.equal(10_000n);
      // A score above 10000 is out of range (the attestations contract refuses it first: AttestationsBadFindings).
      await expect(
        f.reputation.recordFindings(f.member.address, { ...NO_FINDINGS, score: 10_001 }),
      ).to.be.revertedWithPanic(0x11);
    });

    it("lets only governance set the weights, refusing weights that count nothing or exceed 10000 bps", async function () {
      const w = await f.reputation.weights();
      const weights = {
        snapshots: w.snapshots,
        interims: w.interims,
        reserveAttestations: w.reserveAttestations,
        samples: w.samples,
        criticalBps: w.criticalBps,
        highBps: w.highBps,
        mediumBps: w.mediumBps,
        lowBps: w.lowBps,
        scoreWeightBps: w.scoreWeightBps,
        findingsDecay: w.findingsDecay,
        transfers: w.transfers,
      };
      await expect(f.reputation.connect(f.other).setWeights(weights)).to.be.revertedWithCustomError(
        f.reputation,
        "AccessControlUnauthorizedAccount",
      );
      for (const bad of [
        { ...weights, snapshots: 0, interims: 0, reserveAttestations: 0, samples: 0, transfers: 0 },
        { ...weights, criticalBps: 10_001 },
        { ...weights, scoreWeightBps: 10_001 },
        { ...weights, findingsDecay: 0n },
      ]) {
        await expect(f.reputation.connect(f.governance).setWeights(bad)).to.be.revertedWithCustomError(
          f.reputation,
          "ReputationBadWeights",
        );
      }
      await expect(f.reputation.connect(f.governance).setWeights({ ...weights, interims: 5 })).to.emit(
        f.reputation,
        "WeightsSet",
      );
    });
  });
});
