// Issue 14h attack review of IA storage-slot reuse (ccf4548: `postInterimInto`, `postInterims(interims, freed)`; each
// `InterimRecord` carries `slot`, the seq whose storage key holds it; `_setBaselines` no longer needs a `through`
// record below the baseline to hold its slot). Can a member make an IA escape its verdict or its slash, land a verdict
// on the wrong IA, count a duty twice, replay the old occupant's verdict on the new one, move the baseline with a
// record that no longer holds its slot, make an honest auditor's RA revert, touch another member's or asset's slot, or
// break a chain of recycled slots (a slot of a slot)? Real contracts from the Ignition module
// (test/contracts/ledger-fixture.ts), IA verdicts signed by the operators under EIP-712 and submitted through the real
// quorum check and the real Adjudicator, RAs signed by auditors holding the registry's AUDITOR_ROLE.
import { expect } from "chai";
import { ZeroAddress, type ContractTransactionResponse, type EventLog } from "ethers";
import { network } from "hardhat";

import type {} from "../../types/ethers-contracts/hardhat.js";
import {
  attestationsDomain,
  interimIdOf,
  interimRecordFromEvent,
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
  deployLedgerSystem,
} from "../contracts/ledger-fixture.js";

const { ethers, networkHelpers, ignition } = await network.create();
const { time } = networkHelpers;
const DAY = 86_400n;
const CLEAN: Findings = { critical: 0, high: 0, medium: 0, low: 0, score: 10_000, sampleSize: 0, sampleFailures: 0 };
const STATUS = { None: 0n, Open: 1n, Settled: 2n, Missed: 3n, NetSettled: 4n };

async function system() {
  const f = await deployLedgerSystem({ ethers, networkHelpers, ignition });
  const domain = attestationsDomain((await ethers.provider.getNetwork()).chainId, await f.attestations.getAddress());
  // A second audit firm the consortium admits.
  const second = (await ethers.getSigners())[8];
  await f.registry.connect(f.governance).grantRole(await f.registry.AUDITOR_ROLE(), second.address);
  return { ...f, second, attestationsDomain: domain };
}
type F = Awaited<ReturnType<typeof system>>;
type Signer = F["auditor"];

let f: F;
let n = 0;

async function interim(over: Partial<Interim> = {}): Promise<Interim> {
  return {
    asset: ETH_ASSET,
    amount: 1n,
    destinationDigest: ethers.id("dest"),
    txRef: ethers.id(`tx-${++n}`),
    deadline: BigInt(await time.latest()) + DAY,
    ...over,
  };
}

async function recordOf(tx: ContractTransactionResponse): Promise<InterimRecord> {
  const receipt = await tx.wait();
  const log = receipt!.logs.find((l) => (l as EventLog).fragment?.name === "InterimPosted") as EventLog;
  return interimRecordFromEvent(log);
}

const post = async (over: Partial<Interim> = {}, from: Signer = f.member) =>
  recordOf(await f.attestations.connect(from).postInterim(await interim(over)));
const postInto = async (freed: InterimRecord, over: Partial<Interim> = {}, from: Signer = f.member) =>
  recordOf(await f.attestations.connect(from).postInterimInto(await interim(over), freed));
const statusOf = (r: InterimRecord) => f.attestations.interimStatusOf(r);

async function verdict(record: InterimRecord, settled: boolean, signers = f.operators.slice(0, 3)) {
  return packSignatures(
    await Promise.all(signers.map((s) => signInterimVerdict(s, f.attestationsDomain, record, settled))),
  );
}
async function settle(record: InterimRecord) {
  return f.attestations.attestInterim(record, true, await verdict(record, true));
}
async function miss(record: InterimRecord) {
  if (BigInt(await time.latest()) < record.deadline) await time.increaseTo(record.deadline);
  return f.attestations.attestInterim(record, false, await verdict(record, false));
}

/** `auditor`'s next RA for the member (its own chain), through `throughSeq` of ETH with `reserves`. */
async function raOf(auditor: Signer, throughSeq: bigint, reserves: bigint, findings = CLEAN, periodEnd?: bigint) {
  const chain = await f.attestations.auditorChainOf(f.member.address, auditor.address);
  await time.increase(2);
  const ra: ReserveAttestation = {
    member: f.member.address,
    auditor: auditor.address,
    periodStart: chain.lastPeriodEnd,
    periodEnd: periodEnd ?? BigInt(await time.latest()),
    nonce: chain.nonce,
    findings,
    reportDigest: ethers.id(`report-${++n}`),
    reserves: [{ asset: ETH_ASSET, reserves, throughSeq }],
  };
  return { ra, signature: await signReserveAttestation(auditor, f.attestationsDomain, ra) };
}
async function postRa(auditor: Signer, through: InterimRecord | undefined, throughSeq: bigint, reserves: bigint) {
  const { ra, signature } = await raOf(auditor, throughSeq, reserves);
  return f.attestations.postReserveAttestation(ra, through === undefined ? [] : [through], signature);
}
const book = async () => f.attestations.assetBookOf(f.member.address, ETH_ASSET);
const duties = async () => {
  const d = await f.attestations.dutiesOf(f.member.address);
  return [d.interimsSettled, d.interimsMissed];
};

/** Expects `call` to revert with a custom error of Attestations (or the ledger's signature errors) named in `names`. */
async function refused(call: Promise<unknown>, names: string[]): Promise<string> {
  const iface = new ethers.Interface([...f.attestations.interface.fragments, ...f.ledger.interface.fragments]);
  try {
    await call;
  } catch (e) {
    const data = (e as { data?: string }).data;
    const parsed = data === undefined ? null : iface.parseError(data);
    expect(names, String(e)).to.include(parsed?.name);
    return parsed!.name;
  }
  return expect.fail(`expected a revert with one of ${names.join(", ")}`);
}

describe("issue 14h: IA storage slots taken over (postInterimInto)", function () {
  this.timeout(300_000);
  beforeEach(async function () {
    f = await networkHelpers.loadFixture(system);
  });

  it("defence: an unpaid IA the RA net-settled keeps its slot; the member cannot free it, and the missed verdict slashes it", async function () {
    const unpaid = await post({ amount: 5n });
    const paid = await post({ amount: 6n });
    await settle(paid);
    await postRa(f.auditor, paid, 2n, 100n); // throughSeq 2: the unpaid seq 1 is NetSettled, below the baseline
    expect(await statusOf(unpaid)).to.equal(STATUS.NetSettled);
    // NetSettled is not final: it can still be found missed; its slot is not free, alone or in a batch.
    await expect(postInto(unpaid))
      .to.be.revertedWithCustomError(f.attestations, "AttestationsSlotNotFree")
      .withArgs(f.member.address, ETH_ASSET, 1n, STATUS.NetSettled, 2n);
    await expect(f.attestations.connect(f.member).postInterims([await interim(), await interim()], [unpaid]))
      .to.be.revertedWithCustomError(f.attestations, "AttestationsSlotNotFree")
      .withArgs(f.member.address, ETH_ASSET, 1n, STATUS.NetSettled, 2n);
    // The baseline's own IA (paid, Settled, seq 2 = throughSeq) is not free either.
    await expect(postInto(paid))
      .to.be.revertedWithCustomError(f.attestations, "AttestationsSlotNotFree")
      .withArgs(f.member.address, ETH_ASSET, 2n, STATUS.Settled, 2n);
    const slash = (MEMBER_STAKE * ATTESTATION_PARAMS.missedInterimBps) / 10_000n;
    await expect(miss(unpaid))
      .to.emit(f.adjudicator, "MissedInterimSlashed")
      .withArgs(f.member.address, interimIdOf(f.member.address, ETH_ASSET, 1n), ZeroAddress, slash);
    expect(await f.vault.stakeOf(f.member.address)).to.equal(MEMBER_STAKE - slash);
    expect(await duties()).to.deep.equal([1n, 1n]);
  });

  it("defence: a back-dated RA (another auditor, fewer IAs) never lowers throughSeq, so it frees no slot", async function () {
    const a = await post();
    const b = await post();
    const c = await post();
    await settle(a);
    await settle(b);
    await postRa(f.auditor, b, 2n, 100n); // baseline through 2: slot 1 free, slot 2 not
    // The second firm's RA of an earlier period through seq 1 (back-dated): findings count, the baseline stays at 2.
    const { ra, signature } = await raOf(f.second, 1n, 1n, { ...CLEAN, high: 1 }, a.postedAt);
    await f.attestations.postReserveAttestation(ra, [a], signature);
    expect((await book()).throughSeq).to.equal(2n);
    expect((await book()).baseReserves).to.equal(100n);
    await expect(postInto(b))
      .to.be.revertedWithCustomError(f.attestations, "AttestationsSlotNotFree")
      .withArgs(f.member.address, ETH_ASSET, 2n, STATUS.Settled, 2n);
    // And an RA through the open seq 3 needs seq 3's record in its slot (at or above the baseline).
    await expect(postRa(f.auditor, { ...c, slot: 1n }, 3n, 90n))
      .to.be.revertedWithCustomError(f.attestations, "AttestationsBadThrough")
      .withArgs(ETH_ASSET, 3n);
    const taker = await postInto(a); // seq 4 into slot 1
    expect([taker.seq, taker.slot]).to.deep.equal([4n, 1n]);
  });

  it("defence: the old occupant's verdict signatures do not land on the new occupant of its slot (same slot, other seq)", async function () {
    const old = await post({ amount: 7n, deadline: BigInt(await time.latest()) + 100n });
    const second = await post();
    // The operators sign both verdicts on the old occupant; only the settled one is submitted.
    const oldMissed = await verdict(old, false);
    const oldSettled = await verdict(old, true);
    await f.attestations.attestInterim(old, true, oldSettled);
    await settle(second);
    await postRa(f.auditor, second, 2n, 100n);
    const taker = await postInto(old, { amount: 7n, destinationDigest: old.destinationDigest, txRef: old.txRef });
    expect([taker.seq, taker.slot]).to.deep.equal([3n, 1n]);
    await time.increaseTo(taker.deadline);
    // On the old record: it no longer holds its slot.
    await expect(f.attestations.attestInterim(old, false, oldMissed))
      .to.be.revertedWithCustomError(f.attestations, "AttestationsUnknownInterim")
      .withArgs(f.member.address, ETH_ASSET, 1n);
    // On the new record: the signatures were over interimIdOf(seq 1) and the old record's hash, so they recover
    // other addresses (not co-signers).
    await refused(f.attestations.attestInterim(taker, false, oldMissed), [
      "AttestationsNotCoSigner",
      "CommitmentLedgerSignersNotSorted",
    ]);
    await refused(f.attestations.attestInterim(taker, true, oldSettled), [
      "AttestationsNotCoSigner",
      "CommitmentLedgerSignersNotSorted",
    ]);
    // A record of the new occupant with the old seq (so the old id) does not match the slot's hash.
    await expect(f.attestations.attestInterim({ ...taker, seq: 1n }, false, oldMissed))
      .to.be.revertedWithCustomError(f.attestations, "AttestationsUnknownInterim")
      .withArgs(f.member.address, ETH_ASSET, 1n);
    expect(await statusOf(taker)).to.equal(STATUS.Open);
    expect(await duties()).to.deep.equal([2n, 0n]);
  });

  it("defence: a chain of recycled slots (1 -> 4 -> 7) judges each IA once, under its own id; duties and slashes count once each", async function () {
    const s1 = await post({ amount: 1n });
    const s2 = await post({ amount: 2n });
    const s3 = await post({ amount: 3n });
    await settle(s1);
    await settle(s2);
    await postRa(f.auditor, s3, 3n, 100n);
    const s4 = await postInto(s1, { amount: 4n });
    expect([s4.seq, s4.slot, s4.cumulative]).to.deep.equal([4n, 1n, 10n]);
    const slash1 = (MEMBER_STAKE * ATTESTATION_PARAMS.missedInterimBps) / 10_000n;
    await expect(miss(s4))
      .to.emit(f.adjudicator, "MissedInterimSlashed")
      .withArgs(f.member.address, interimIdOf(f.member.address, ETH_ASSET, 4n), ZeroAddress, slash1);
    // Net-settled s3 at the old baseline: taken missed too (it was never paid).
    await miss(s3);
    const s5 = await post({ amount: 5n });
    await postRa(f.auditor, s5, 5n, 90n);
    // Both 4 (Missed, in slot 1) and 3 (Missed, its own slot) are free now; 2 as well.
    const s6 = await postInto(s2, { amount: 6n });
    const s7 = await postInto(s4, { amount: 7n });
    expect([s6.slot, s7.slot]).to.deep.equal([2n, 1n]);
    expect(await statusOf(s4)).to.equal(STATUS.None);
    expect(await statusOf(s1)).to.equal(STATUS.None);
    expect(await statusOf(s7)).to.equal(STATUS.Open);
    // s4's missed verdict, signed again, cannot land a second slash through the slot's new occupant.
    await expect(f.attestations.attestInterim(s4, false, await verdict(s4, false)))
      .to.be.revertedWithCustomError(f.attestations, "AttestationsUnknownInterim")
      .withArgs(f.member.address, ETH_ASSET, 4n);
    // s7 is judged under interimIdOf(seq 7); its record names slot 1.
    await expect(settle(s7))
      .to.emit(f.attestations, "InterimAttested")
      .withArgs(interimIdOf(f.member.address, ETH_ASSET, 7n), f.member.address, true, 3n * OPERATOR_STAKE, 3n, 0n);
    expect(await statusOf(s7)).to.equal(STATUS.Settled);
    expect(await duties()).to.deep.equal([3n, 2n]); // s1, s2, s7 settled; s4, s3 missed
    // Expected reserves count every IA whichever slot holds it: 90 - (6 + 7).
    const [expected, outflow] = await f.attestations.expectedReserves(f.member.address, ETH_ASSET);
    expect([expected, outflow]).to.deep.equal([77n, 13n]);
    // An RA through seq 7 reads s7 in slot 1 and moves the baseline by its cumulative (28).
    await postRa(f.auditor, s7, 7n, 50n);
    const b = await book();
    expect([b.throughSeq, b.baseReserves, b.baseCumulative]).to.deep.equal([7n, 50n, 28n]);
    // A record claiming slot 1 for seq 7 with a forged cumulative is refused at or above the baseline.
    await expect(postRa(f.auditor, { ...s7, cumulative: 1n }, 7n, 40n))
      .to.be.revertedWithCustomError(f.attestations, "AttestationsBadThrough")
      .withArgs(ETH_ASSET, 7n);
  });

  it("defence: a through record below the baseline, however forged, moves neither the baseline nor its cumulative", async function () {
    const a = await post({ amount: 3n });
    const b = await post({ amount: 4n });
    await settle(a);
    await postRa(f.auditor, b, 2n, 100n);
    await postInto(a, { amount: 5n });
    const before = await book();
    // The second firm signs an RA through seq 1 with a lower figure; the record is anything with seq 1.
    const { ra, signature } = await raOf(f.second, 1n, 1n);
    const forged: InterimRecord = { ...a, cumulative: 0n, amount: 999n, postedAt: 0n, slot: 42n };
    await expect(f.attestations.postReserveAttestation(ra, [forged], signature)).to.emit(
      f.attestations,
      "ReserveAttested",
    );
    const after = await book();
    expect([after.throughSeq, after.baseReserves, after.baseCumulative]).to.deep.equal([
      before.throughSeq,
      before.baseReserves,
      before.baseCumulative,
    ]);
    expect([after.throughSeq, after.baseReserves, after.baseCumulative]).to.deep.equal([2n, 100n, 7n]);
    // A record dated after the RA's period is still refused (the period check stands for every record).
    const late = await raOf(f.second, 1n, 1n);
    await expect(
      f.attestations.postReserveAttestation(late.ra, [{ ...a, postedAt: late.ra.periodEnd + 1n }], late.signature),
    )
      .to.be.revertedWithCustomError(f.attestations, "AttestationsBadThrough")
      .withArgs(ETH_ASSET, 1n);
  });

  it("defence: an honest auditor's RA is not front-run into a revert by postInterimInto", async function () {
    const a = await post();
    const b = await post();
    const c = await post();
    await settle(a);
    await settle(b);
    await settle(c);
    await postRa(f.auditor, a, 1n, 100n);
    // The first firm signs an RA through seq 3 (not yet posted); the member tries to free seqs 2 and 3 first.
    const honest = await raOf(f.auditor, 3n, 80n, { ...CLEAN, critical: 1, score: 5_000 });
    await expect(postInto(b)).to.be.revertedWithCustomError(f.attestations, "AttestationsSlotNotFree");
    await expect(postInto(c)).to.be.revertedWithCustomError(f.attestations, "AttestationsSlotNotFree");
    // A friendly firm's RA through 3 lands first (raising throughSeq); the member then frees 2 and 3...
    const { ra, signature } = await raOf(f.second, 3n, 90n);
    await f.attestations.postReserveAttestation(ra, [c], signature);
    const s4 = await post();
    await settle(s4);
    const friendly = await raOf(f.second, 4n, 90n);
    await time.increase(1);
    await f.attestations.postReserveAttestation(friendly.ra, [s4], friendly.signature);
    await postInto(b);
    await postInto(c);
    expect(await statusOf(c)).to.equal(STATUS.None);
    // ...and the honest RA naming seq 3 (below the baseline now) is still taken: its findings count, and it lowers
    // nothing (through 3 < 4: the baseline stands).
    const receipt = await (await f.attestations.postReserveAttestation(honest.ra, [c], honest.signature)).wait();
    const attested = receipt!.logs
      .map((l) => f.attestations.interface.parseLog(l))
      .find((l) => l?.name === "ReserveAttested");
    expect([attested!.args.auditor, attested!.args.findings.critical]).to.deep.equal([f.auditor.address, 1n]);
    expect((await book()).throughSeq).to.equal(4n);
  });

  it("defence: no member can free or write another member's or another asset's slot", async function () {
    const a = await post();
    const b = await post();
    await settle(a);
    await postRa(f.auditor, b, 2n, 100n);
    const op = f.operators[0];
    // An operating operator (a member) offers the member's free IA as its own slot: refused (status None for it).
    await expect(postInto(a, {}, op))
      .to.be.revertedWithCustomError(f.attestations, "AttestationsSlotNotFree")
      .withArgs(op.address, ETH_ASSET, 1n, STATUS.None, 0n);
    // ... with the record rewritten to name the operator: no such record in the operator's slot 1.
    await expect(postInto({ ...a, member: op.address }, {}, op))
      .to.be.revertedWithCustomError(f.attestations, "AttestationsSlotNotFree")
      .withArgs(op.address, ETH_ASSET, 1n, STATUS.None, 0n);
    // The member offers its ETH slot for a token IA.
    await expect(postInto(a, { asset: TOKEN_ASSET }))
      .to.be.revertedWithCustomError(f.attestations, "AttestationsSlotNotFree")
      .withArgs(f.member.address, TOKEN_ASSET, 1n, STATUS.None, 0n);
    // The operator's own IA with seq 1 keeps its own slot; the member's slot 1 still holds a.
    const mine = await post({}, op);
    expect(await f.attestations.interimStatusOf(mine)).to.equal(STATUS.Open);
    expect(await statusOf(a)).to.equal(STATUS.Settled);
    // A record with slot rewritten to the freed IA's (seq 1, slot 2: b's key) matches nothing either.
    await expect(postInto({ ...a, slot: 2n }))
      .to.be.revertedWithCustomError(f.attestations, "AttestationsSlotNotFree")
      .withArgs(f.member.address, ETH_ASSET, 1n, STATUS.None, 2n);
  });
});
