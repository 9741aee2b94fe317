// Issue 14 attack review (14e) of the RA baseline rule (merge 30388d3: an RA whose `throughSeq` equals the (member,
// asset) baseline's only lowers its reserves; `_zeroBaselines` tells a throughSeq-0 baseline from none) and of the
// findings' hold on reputation (then a four-entry ring with `minRaPeriod`; since, Reputation's worst penalty decaying
// at a fixed slope). Real contracts from the Ignition module (test/contracts/ledger-fixture.ts) with the deployment's
// defaults for the RA timing (minRaPeriod 45 days, an RA every 90 days; Reputation's findingsDecay 360 days), RAs signed under EIP-712 by auditors holding the registry's
// AUDITOR_ROLE (further audit firms governance admits, friendly to the member), posted by the member (anyone may).
import { expect } from "chai";
import { type EventLog } from "ethers";
import { network } from "hardhat";

import type {} from "../../types/ethers-contracts/hardhat.js";
import {
  attestationsDomain,
  interimRecordFromEvent,
  signReserveAttestation,
  type Findings,
  type InterimRecord,
  type ReserveAttestation,
} from "../../src/attestations/index.js";
import { ETH_ASSET, deployLedgerSystem } from "../contracts/ledger-fixture.js";

const { ethers, networkHelpers, ignition } = await network.create();
const { time } = networkHelpers;
const DAY = 86_400n;
const E18 = 10n ** 18n;
const MIN_RA_PERIOD = 45n * DAY;
const DECAY = 360n * DAY;
const CLEAN: Findings = { critical: 0, high: 0, medium: 0, low: 0, score: 10_000, sampleSize: 0, sampleFailures: 0 };
const ADVERSE: Findings = { ...CLEAN, critical: 3, score: 4_000 };

async function system() {
  const f = await deployLedgerSystem({ ethers, networkHelpers, ignition });
  const domain = attestationsDomain((await ethers.provider.getNetwork()).chainId, await f.attestations.getAddress());
  // Three more audit firms the consortium admits (friendly to the member).
  const signers = await ethers.getSigners();
  const friends = [signers[8], signers[9], signers[10]];
  for (const a of friends) await f.registry.connect(f.governance).grantRole(await f.registry.AUDITOR_ROLE(), a.address);
  const p = await f.attestations.params();
  await f.attestations.connect(f.governance).setParams({
    raInterval: 90n * DAY,
    interimWindow: p.interimWindow,
    sampleWindow: p.sampleWindow,
    missedInterimBps: p.missedInterimBps,
    minRaPeriod: MIN_RA_PERIOD,
  });
  return { ...f, friends, attestationsDomain: domain };
}
type F = Awaited<ReturnType<typeof system>>;
type Auditor = F["auditor"];

/** `auditor`'s next RA for the member: its chain's next nonce, a period from its last end (or 45 days back) to now. */
async function raOf(f: F, auditor: Auditor, findings: Findings, over: Partial<ReserveAttestation> = {}) {
  const chain = await f.attestations.auditorChainOf(f.member.address, auditor.address);
  const now = BigInt(await time.latest());
  const ra: ReserveAttestation = {
    member: f.member.address,
    auditor: auditor.address,
    periodStart: chain.nonce === 0n ? now - MIN_RA_PERIOD : chain.lastPeriodEnd,
    periodEnd: now,
    nonce: chain.nonce,
    findings,
    reportDigest: ethers.id("report"),
    reserves: [],
    ...over,
  };
  return ra;
}

async function postRa(
  f: F,
  auditor: Auditor,
  findings: Findings,
  over: Partial<ReserveAttestation> = {},
  through: InterimRecord[] = [],
) {
  const ra = await raOf(f, auditor, findings, over);
  const signature = await signReserveAttestation(auditor, f.attestationsDomain, ra);
  return f.attestations.connect(f.member).postReserveAttestation(ra, through, signature);
}

async function postInterim(f: F, amount: bigint): Promise<InterimRecord> {
  const interim = {
    asset: ETH_ASSET,
    amount,
    destinationDigest: ethers.ZeroHash,
    txRef: ethers.id("a withdrawal"),
    deadline: BigInt(await time.latest()) + DAY,
  };
  const receipt = await (await f.attestations.connect(f.member).postInterim(interim)).wait();
  const log = receipt!.logs.find((l) => (l as EventLog).fragment?.name === "InterimPosted") as EventLog;
  return interimRecordFromEvent(log);
}

const penaltyOf = async (f: F) => (await f.reputation.partsOf(f.member.address)).findingsPenaltyBps;
const expectedOf = async (f: F) => (await f.attestations.expectedReserves(f.member.address, ETH_ASSET))[0];
const eth = (reserves: bigint, throughSeq = 0n) => ({
  reserves: [{ asset: ETH_ASSET, reserves: reserves * E18, throughSeq }],
});

describe("issue 14e: RA baselines of an equal throughSeq; flushing the findings penalty", function () {
  let f: F;
  beforeEach(async function () {
    f = await networkHelpers.loadFixture(system);
  });

  // The zero flag's case: an adverse RA finds 0 ETH (throughSeq 0: no IA yet). Without `_zeroBaselines` the book
  // (throughSeq 0, baseReserves 0) reads as no baseline, and a friendly RA's 99 ETH would set it.
  it("defence: an adverse throughSeq-0 baseline of 0 ETH is not raised by a friendly RA of the same throughSeq", async function () {
    await expect(postRa(f, f.auditor, ADVERSE, eth(0n)))
      .to.emit(f.attestations, "BaselineSet")
      .withArgs(f.member.address, ETH_ASSET, 0n, 0n);
    await time.increase(2);
    await expect(postRa(f, f.friends[0], CLEAN, eth(99n))).to.not.emit(f.attestations, "BaselineSet");
    expect(await expectedOf(f)).to.equal(0n);
  });

  // The same for a baseline accounting for IAs: a friendly RA through the same IA (back-dated, posted at once) takes
  // nothing from the adverse figure; a lower figure lowers it and keeps the IA's cumulative (outflow since stays 0).
  it("defence: an RA through the baseline's IA (throughSeq 1) only lowers the reserves; the outflow base stays", async function () {
    const ia = await postInterim(f, 5n * E18);
    await time.increase(2);
    await postRa(f, f.auditor, ADVERSE, eth(50n, 1n), [ia]);
    expect(await expectedOf(f)).to.equal(50n * E18);
    await time.increase(2);
    await expect(postRa(f, f.friends[0], CLEAN, eth(99n, 1n), [ia])).to.not.emit(f.attestations, "BaselineSet");
    expect(await expectedOf(f)).to.equal(50n * E18);
    await expect(postRa(f, f.friends[1], CLEAN, eth(40n, 1n), [ia]))
      .to.emit(f.attestations, "BaselineSet")
      .withArgs(f.member.address, ETH_ASSET, 40n * E18, 1n);
    const book = await f.attestations.assetBookOf(f.member.address, ETH_ASSET);
    expect([book.throughSeq, book.baseReserves, book.baseCumulative]).to.deep.equal([1n, 40n * E18, 5n * E18]);
    // An RA through fewer IAs (throughSeq 0) changes nothing either.
    await expect(postRa(f, f.friends[2], CLEAN, eth(99n, 0n))).to.not.emit(f.attestations, "BaselineSet");
    expect(await expectedOf(f)).to.equal(40n * E18);
  });

  // documented (threat model, "Left"): the equal-throughSeq rule is sidestepped by one more IA. The member posts an
  // IA of 1 wei (it pays it to itself: one more duty met, see issue14-duties), and a friendly auditor's RA through it
  // (its first for the member, so posted at once, its period back-dated 45 days to end after that IA) sets any figure:
  // an adverse RA's 50 ETH becomes 99 ETH a few seconds later. Cost: one IA (about 60,000 gas) and a friendly
  // auditor. Not built: a bound on the rise (e.g. an RA through a later IA raising the figure only when signed by the
  // baseline's own auditor, or only after minRaPeriod).
  it("documented: one 1-wei IA later a friendly auditor's RA through it replaces the adverse 50 ETH with 99 ETH", async function () {
    await postRa(f, f.auditor, ADVERSE, eth(50n));
    expect(await expectedOf(f)).to.equal(50n * E18);
    const ia = await postInterim(f, 1n);
    await time.increase(2);
    await expect(postRa(f, f.friends[0], CLEAN, eth(99n, 1n), [ia]))
      .to.emit(f.attestations, "BaselineSet")
      .withArgs(f.member.address, ETH_ASSET, 99n * E18, 1n);
    expect(await expectedOf(f)).to.equal(99n * E18);
  });

  // documented (threat model, "Left": a figure lower than the truth stands): "the smaller stands" makes lowering free
  // for any auditor at any time. An honest auditor attests 100 ETH; a friendly auditor's RA of the same throughSeq
  // (its first for the member, posted at once) says 0 ETH: expected reserves 0 until an RA through a later IA, so a
  // later shortfall of the whole 100 ETH shows no gap against the expected figure.
  it("documented: a friendly auditor's equal-throughSeq RA lowers an honest 100 ETH baseline to 0 at once", async function () {
    await postRa(f, f.auditor, CLEAN, eth(100n));
    await time.increase(2);
    await expect(postRa(f, f.friends[0], CLEAN, eth(0n)))
      .to.emit(f.attestations, "BaselineSet")
      .withArgs(f.member.address, ETH_ASSET, 0n, 0n);
    expect(await expectedOf(f)).to.equal(0n);
    // The honest auditor cannot restore it at the same throughSeq (only lowers), nor sooner than minRaPeriod.
    await time.increase(MIN_RA_PERIOD);
    await expect(postRa(f, f.auditor, CLEAN, eth(100n))).to.not.emit(f.attestations, "BaselineSet");
    expect(await expectedOf(f)).to.equal(0n);
  });

  // Was documented (the ring of 4): k friendly auditors flushed an adverse RA in ceil(4 / k) - 1 rounds of
  // minRaPeriod: two or three auditors in 45 days (7,500 bps shed), four at once. Defence: Reputation keeps the worst
  // penalty, decaying at 10,000 bps per findingsDecay (360 days), and no RA lowers it.
  it("defence (was documented): two friendly auditors' four clean RAs over 45 days leave the adverse penalty to decay", async function () {
    expect((await f.reputation.weights()).findingsDecay).to.equal(DECAY);
    await postRa(f, f.auditor, ADVERSE);
    const adverseAt = BigInt(await time.latest());
    expect(await penaltyOf(f)).to.equal(10_000n);
    await time.increase(2);
    const [a, b] = f.friends;
    await postRa(f, a, CLEAN);
    await postRa(f, b, CLEAN);
    await time.increase(MIN_RA_PERIOD);
    await postRa(f, a, CLEAN);
    await postRa(f, b, CLEAN);
    const elapsed = BigInt(await time.latest()) - adverseAt;
    expect(await penaltyOf(f)).to.equal(10_000n - (elapsed * 10_000n) / DECAY);
    expect(await penaltyOf(f)).to.be.within(8_740n, 8_750n);
    // Every friendly RA is still a duty met (adverse + 4 clean: raOnTime 5); minRaPeriod bounds how many.
    expect((await f.attestations.dutiesOf(f.member.address)).raOnTime).to.equal(5n);
  });

  it("defence (was documented): four friendly auditors' clean RAs in the same minute shed nothing", async function () {
    await postRa(f, f.auditor, ADVERSE);
    await time.increase(2);
    for (const a of f.friends) await postRa(f, a, CLEAN);
    const fourth = (await ethers.getSigners())[11];
    await f.registry.connect(f.governance).grantRole(await f.registry.AUDITOR_ROLE(), fourth.address);
    await postRa(f, fourth, CLEAN);
    expect(await penaltyOf(f)).to.be.greaterThan(9_990n);
    // It is gone only when time has taken it: findingsDecay after the adverse RA.
    await time.increase(DECAY);
    expect(await penaltyOf(f)).to.equal(0n);
  });
});
