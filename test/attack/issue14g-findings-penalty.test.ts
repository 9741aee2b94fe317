// Issue 14 attack review (14g) of merge eb3f5b2: the RA findings penalty moved to Reputation. Attestations calls
// `Reputation.recordFindings(member, findings)` for every RA; Reputation keeps, per (caller, member), the worst
// penalty `{bps, at}`, decaying at 10,000 bps per `findingsDecay` (360 days), raised only by an RA whose penalty is
// above what is left; the score reads the wired attestations contract's figure only. Real contracts from the Ignition
// module (test/contracts/ledger-fixture.ts), RAs signed under EIP-712 by auditors holding the registry's AUDITOR_ROLE.
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
const DECAY = 360n * DAY;
const CLEAN: Findings = { critical: 0, high: 0, medium: 0, low: 0, score: 10_000, sampleSize: 0, sampleFailures: 0 };
/** 4 criticals: 10,000 bps (capped). */
const WORST: Findings = { ...CLEAN, critical: 4 };
/** 2 criticals: 5,000 bps. */
const HALF: Findings = { ...CLEAN, critical: 2 };
/** 1 critical, 1 high, 2 medium: 2,500 + 1,000 + 500 = 4,000 bps. */
const FORTY: Findings = { ...CLEAN, critical: 1, high: 1, medium: 2 };

async function system() {
  const f = await deployLedgerSystem({ ethers, networkHelpers, ignition });
  const domain = attestationsDomain((await ethers.provider.getNetwork()).chainId, await f.attestations.getAddress());
  const signers = await ethers.getSigners();
  const friend = signers[8];
  const stranger = signers[9];
  await f.registry.connect(f.governance).grantRole(await f.registry.AUDITOR_ROLE(), friend.address);
  return { ...f, friend, stranger, attestationsDomain: domain };
}
type F = Awaited<ReturnType<typeof system>>;
type Auditor = F["auditor"];

async function raOf(f: F, auditor: Auditor, findings: Findings, over: Partial<ReserveAttestation> = {}) {
  const chain = await f.attestations.auditorChainOf(f.member.address, auditor.address);
  const now = BigInt(await time.latest());
  const ra: ReserveAttestation = {
    member: f.member.address,
    auditor: auditor.address,
    periodStart: chain.nonce === 0n ? now - DAY : chain.lastPeriodEnd,
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
  await time.increase(60);
  const ra = await raOf(f, auditor, findings, over);
  const signature = await signReserveAttestation(auditor, f.attestationsDomain, ra);
  return f.attestations.connect(auditor).postReserveAttestation(ra, through, signature);
}

async function gasOfRa(
  f: F,
  auditor: Auditor,
  findings: Findings,
  over: Partial<ReserveAttestation>,
  through: InterimRecord[],
) {
  const receipt = await (await postRa(f, auditor, findings, over, through)).wait();
  return receipt!.gasUsed;
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

async function setDecay(f: F, findingsDecay: bigint) {
  const w = await f.reputation.weights();
  await f.reputation.connect(f.governance).setWeights({
    snapshots: w.snapshots,
    interims: w.interims,
    reserveAttestations: w.reserveAttestations,
    samples: w.samples,
    criticalBps: w.criticalBps,
    highBps: w.highBps,
    mediumBps: w.mediumBps,
    lowBps: w.lowBps,
    scoreWeightBps: w.scoreWeightBps,
    findingsDecay,
    transfers: w.transfers,
  });
}

/** A second Reputation over the same ledger and stake source (a redeployment, or a module mixing addresses). */
async function otherReputation(f: F) {
  return ethers.deployContract("Reputation", [
    f.governance.address,
    await f.reputation.stakeSource(),
    await f.reputation.ledger(),
    5_000n,
  ]);
}

describe("issue 14g: the RA findings penalty in Reputation", function () {
  let f: F;
  beforeEach(async function () {
    f = await networkHelpers.loadFixture(system);
  });

  // ---------------------------------------------------------------- findings (sorted by severity in the report)

  // F1 (medium). A registered auditor's RA puts 10,000 bps on any member (no consent, no client relation), and since
  // eb3f5b2 nothing lowers it but time: revoking the auditor (it was rogue, or its RA a typo: critical 4 for 0.4) leaves
  // the member's score 0 and its 0-confirmation credit factor 0 for 360 days; governance has no remedy short of
  // `setWeights(findingsDecay)`, which rewrites every member's penalties (F2). Before, the ring of 4 let other
  // auditors' clean RAs correct it. Measured in the "documented" twin below. Fix: keep the worst penalty per
  // (member, auditor) or the auditor that set it, and let governance clear a penalty (`clearFindings(member)`,
  // behind the timelock, with an event) or drop it when the auditor's role is revoked.
  it.skip("EXPLOIT: a revoked auditor's 10,000 bps RA on an honest member can be cleared by governance", async function () {
    await postRa(f, f.friend, CLEAN);
    const before = await f.reputation.scoreOf(f.member.address);
    await postRa(f, f.auditor, WORST);
    await f.registry.connect(f.governance).revokeRole(await f.registry.AUDITOR_ROLE(), f.auditor.address);
    // Once fixed: revoking the auditor (or a governance clear) drops its penalty.
    expect(await penaltyOf(f)).to.equal(0n);
    expect(await f.reputation.scoreOf(f.member.address)).to.be.greaterThan(before / 2n);
  });

  it("documented: a revoked auditor's 10,000 bps RA keeps the member's score and credit factor at 0 for 360 days", async function () {
    await postRa(f, f.friend, CLEAN);
    expect(await f.reputation.scoreOf(f.member.address)).to.be.greaterThan(0n);
    await postRa(f, f.auditor, WORST);
    await f.registry.connect(f.governance).revokeRole(await f.registry.AUDITOR_ROLE(), f.auditor.address);
    expect(await penaltyOf(f)).to.equal(10_000n);
    expect(await f.reputation.scoreOf(f.member.address)).to.equal(0n);
    await f.transfers.refreshCredit(f.member.address);
    expect((await f.transfers.creditFactorOf(f.member.address)).factor).to.equal(0n);
    // Every other auditor's clean RAs change nothing; 180 days on, half is left.
    await postRa(f, f.friend, CLEAN);
    await time.increase(180n * DAY);
    await postRa(f, f.friend, CLEAN);
    expect(await penaltyOf(f)).to.be.within(4_990n, 5_000n);
  });

  // F2 (medium, governance). `findingsDecay` is read at every view, so `setWeights` rewrites history both ways:
  // (a) lengthening it revives penalties that had fully expired: 10,000 bps posted 361 days ago (0 left) reads about
  // 4,986 bps the block after findingsDecay goes 360 -> 720 days; (b) shortening it also erases an RA the stored figure
  // had swallowed: 10,000 bps at t0, then 4,000 bps at t0 + 180 days (5,000 left: not raised, not stored); decay set
  // to 90 days a minute later reads 0, where the later RA alone would still be about 4,000. The threat model says only "a
  // later setWeights changes the slope at once". Fix: store the slope with the figure (`{bps, at, decay}`, or the
  // expiry `until`), so a new findingsDecay applies to RAs posted after it; or make findingsDecay a constructor
  // constant.
  it.skip("EXPLOIT: lengthening findingsDecay does not revive a penalty that had expired", async function () {
    await postRa(f, f.auditor, WORST);
    await time.increase(361n * DAY);
    expect(await penaltyOf(f)).to.equal(0n);
    await setDecay(f, 720n * DAY);
    expect(await penaltyOf(f)).to.equal(0n); // today: about 4,986
  });

  it.skip("EXPLOIT: shortening findingsDecay does not erase a later, milder RA that the stored figure swallowed", async function () {
    await postRa(f, f.auditor, WORST);
    await time.increase(180n * DAY);
    await postRa(f, f.friend, FORTY);
    await setDecay(f, 90n * DAY);
    expect(await penaltyOf(f)).to.be.greaterThanOrEqual(3_990n); // today: 0
  });

  it("documented: setWeights(findingsDecay) revives an expired 10,000 bps (0 -> 4,986) and erases a swallowed 4,000", async function () {
    await postRa(f, f.auditor, WORST);
    const at = BigInt(await time.latest());
    await time.increase(361n * DAY);
    expect(await penaltyOf(f)).to.equal(0n);
    await setDecay(f, 720n * DAY);
    const elapsed = BigInt(await time.latest()) - at;
    expect(await penaltyOf(f)).to.equal(10_000n - (elapsed * 10_000n) / (720n * DAY));
    expect(await penaltyOf(f)).to.be.within(4_980n, 4_990n);

    // (b) on a fresh member state: back to 360 days, a new worst RA, a swallowed milder one, then 90 days.
    await setDecay(f, DECAY);
    await postRa(f, f.auditor, WORST);
    await time.increase(180n * DAY);
    await expect(postRa(f, f.friend, FORTY)).to.not.emit(f.reputation, "FindingsPenaltyRaised");
    expect(await penaltyOf(f)).to.be.within(4_990n, 5_000n);
    await setDecay(f, 90n * DAY);
    expect(await penaltyOf(f)).to.equal(0n);
  });

  // F3 (low, deployment). `setAttestations` takes any address: a Reputation wired to an Attestations that was
  // deployed with another Reputation address records nothing (the findings land in the other one) and the score
  // silently counts 0 bps forever (setAttestations is once). IAttestations has no `reputation()` view to check it.
  // The Ignition module wires the pair consistently (deploy/Consortium.ts passes the same future), so only a
  // hand-made or partial redeployment is exposed. Fix: `IAttestations.reputation()` and `setAttestations` reverting
  // unless it returns `address(this)`.
  it.skip("EXPLOIT: a Reputation refuses an attestations contract that records findings elsewhere", async function () {
    const other = await otherReputation(f);
    await expect(other.connect(f.governance).setAttestations(await f.attestations.getAddress())).to.revert(ethers);
  });

  it("documented: a Reputation wired to an Attestations of another Reputation counts 0 bps of a 10,000 bps RA", async function () {
    const other = await otherReputation(f);
    await other.connect(f.governance).setAttestations(await f.attestations.getAddress());
    await postRa(f, f.auditor, WORST);
    expect(await penaltyOf(f)).to.equal(10_000n);
    expect((await other.partsOf(f.member.address)).findingsPenaltyBps).to.equal(0n);
  });

  // F4 (low, bench honesty). bench/RESULTS.md's RA rows (203,939 first; 112,379 steady; 117,304 raising) all follow a
  // first RA of score 9,000 (500 bps), so the member's penalty slot is already non-zero when the 5th raises it. The
  // common case, a member with a clean record whose first adverse RA lands, writes that slot from zero (a 22,100-gas
  // SSTORE instead of 5,000): measured below at 134,404 gas, over the 120,000 RA goal, and 17,100 above a raise
  // of an already stored figure. Fix: a bench row for it (and either accept it in the goal's note, or pre-touch the
  // slot, e.g. store `at` for every RA or pack the figure in the attestations' audit-state slot).
  it.skip("EXPLOIT: the first adverse RA after clean ones (1 asset, steady) stays within the 120,000 RA goal", async function () {
    const ia = await postInterim(f, 1n);
    const over = { reserves: [{ asset: ETH_ASSET, reserves: 100n * E18, throughSeq: ia.seq }] };
    for (let i = 0; i < 4; i++) await gasOfRa(f, f.auditor, CLEAN, over, [ia]);
    expect(await gasOfRa(f, f.auditor, FORTY, over, [ia])).to.be.at.most(120_000n);
  });

  it("documented: RA gas, 1 asset, steady: ~17,000 more when the member's penalty slot is raised from zero", async function () {
    const ia = await postInterim(f, 1n);
    const over = { reserves: [{ asset: ETH_ASSET, reserves: 100n * E18, throughSeq: ia.seq }] };
    const gas: bigint[] = [];
    for (let i = 0; i < 4; i++) gas.push(await gasOfRa(f, f.auditor, CLEAN, over, [ia]));
    const [, , , steadyClean] = gas;
    const fromZero = await gasOfRa(f, f.auditor, FORTY, over, [ia]); // penalty 0 -> 4,000: slot zero -> non-zero
    const fromStored = await gasOfRa(f, f.auditor, HALF, over, [ia]); // 4,000 -> 5,000: slot rewritten
    console.log(
      `      RA gas: steady clean ${steadyClean}, raise from zero ${fromZero}, raise of a stored figure ${fromStored}`,
    );
    // 17,100 for the SSTORE, less the second RA's fewer non-zero calldata bytes.
    expect(fromZero - fromStored).to.be.within(16_900n, 17_100n);
    expect(fromZero).to.be.greaterThan(120_000n);
    expect(fromStored).to.be.at.most(120_000n);
  });

  // F5 (low, documented in the threat model's Transfers rows). An adverse RA does not touch Transfers' cached credit
  // factor: a member that refreshes it in the block before the adverse RA lands keeps its full factor (1e9) for up
  // to CREDIT_FACTOR_TTL (1 hour) although its penalty is 10,000 bps (factor 0) — unless anyone calls refreshCredit.
  // Fix (optional): Transfers' `_fresh` also compares `factorAt` with the findings penalty's `at`
  // (`findingsPenaltyOf(attestations, sender).stored.at`), so a raise invalidates the cache at once.
  it("documented: a credit factor refreshed just before a 10,000 bps RA stays 1e9 until anyone refreshes it", async function () {
    await f.transfers.connect(f.member).refreshCredit(f.member.address);
    const cached = (await f.transfers.creditFactorOf(f.member.address)).factor;
    expect(cached).to.equal(1_000_000_000n);
    await postRa(f, f.auditor, WORST);
    expect(await penaltyOf(f)).to.equal(10_000n);
    expect((await f.transfers.creditFactorOf(f.member.address)).factor).to.equal(cached);
    // defence: anyone may refresh it.
    await f.transfers.connect(f.stranger).refreshCredit(f.member.address);
    expect((await f.transfers.creditFactorOf(f.member.address)).factor).to.equal(0n);
  });

  // ---------------------------------------------------------------- defences

  it("defence: a stranger's recordFindings writes only its own figure; the score and the wired figure stand", async function () {
    await postRa(f, f.friend, CLEAN);
    const score = await f.reputation.scoreOf(f.member.address);
    await expect(f.reputation.connect(f.stranger).recordFindings(f.member.address, WORST))
      .to.emit(f.reputation, "FindingsPenaltyRaised")
      .withArgs(f.stranger.address, f.member.address, 10_000n);
    expect(await penaltyOf(f)).to.equal(0n);
    expect(await f.reputation.scoreOf(f.member.address)).to.equal(score);
    const [stored] = await f.reputation.findingsPenaltyOf(await f.attestations.getAddress(), f.member.address);
    expect(stored.bps).to.equal(0n);
    const [mine, now] = await f.reputation.findingsPenaltyOf(f.stranger.address, f.member.address);
    expect([mine.bps, now]).to.deep.equal([10_000n, 10_000n]);
  });

  it("defence: before setAttestations, nobody's recordFindings counts; after it, only the wired contract's", async function () {
    const fresh = await otherReputation(f);
    await fresh.connect(f.stranger).recordFindings(f.member.address, WORST);
    expect((await fresh.partsOf(f.member.address)).findingsPenaltyBps).to.equal(0n);
    // Wiring a contract that never called leaves the stranger's figure out.
    await fresh.connect(f.governance).setAttestations(await f.attestations.getAddress());
    expect((await fresh.partsOf(f.member.address)).findingsPenaltyBps).to.equal(0n);
    // The stranger cannot rewire it (admin only, and once).
    await expect(fresh.connect(f.stranger).setAttestations(f.stranger.address)).to.be.revertedWithCustomError(
      fresh,
      "AccessControlUnauthorizedAccount",
    );
    await expect(fresh.connect(f.governance).setAttestations(f.stranger.address)).to.be.revertedWithCustomError(
      fresh,
      "ReputationAttestationsAlreadySet",
    );
  });

  it("defence: the Ignition module wires Reputation to the Attestations that records in it", async function () {
    expect(await f.reputation.attestations()).to.equal(await f.attestations.getAddress());
    await postRa(f, f.auditor, HALF);
    expect(await penaltyOf(f)).to.equal(5_000n);
  });

  it("defence: out-of-range findings are refused by Attestations; maximal counts cap at 10,000 and the RA lands", async function () {
    const ra = await raOf(f, f.auditor, { ...CLEAN, score: 10_001 });
    const sig = await signReserveAttestation(f.auditor, f.attestationsDomain, ra);
    await expect(f.attestations.postReserveAttestation(ra, [], sig)).to.be.revertedWithCustomError(
      f.attestations,
      "AttestationsBadFindings",
    );
    // A stranger's own call with score > 10000 reverts for the stranger only.
    await expect(
      f.reputation.connect(f.stranger).recordFindings(f.member.address, { ...CLEAN, score: 10_001 }),
    ).to.revert(ethers);
    const max = {
      critical: 65_535,
      high: 65_535,
      medium: 65_535,
      low: 65_535,
      score: 0,
      sampleSize: 0,
      sampleFailures: 0,
    };
    await expect(postRa(f, f.auditor, max))
      .to.emit(f.reputation, "FindingsPenaltyRaised")
      .withArgs(await f.attestations.getAddress(), f.member.address, 10_000n);
    expect(await penaltyOf(f)).to.equal(10_000n);
  });

  it("defence: no findingsDecay governance may set (1 s, 2^64 - 1, 0 refused) makes an RA or a read revert", async function () {
    await postRa(f, f.auditor, HALF);
    await setDecay(f, 1n);
    expect(await penaltyOf(f)).to.equal(0n);
    await expect(postRa(f, f.auditor, WORST)).to.emit(f.reputation, "FindingsPenaltyRaised");
    await setDecay(f, 2n ** 64n - 1n);
    await time.increase(1000n * DAY);
    expect(await penaltyOf(f)).to.equal(10_000n); // never decays: a governance choice
    await expect(postRa(f, f.auditor, CLEAN)).to.not.emit(f.reputation, "FindingsPenaltyRaised");
    await expect(setDecay(f, 0n)).to.be.revertedWithCustomError(f.reputation, "ReputationBadWeights");
  });

  it("defence: the stored figure is the exact maximum of every RA's decayed line (one slope): order does not help", async function () {
    const lines: { bps: bigint; at: bigint }[] = [];
    const post = async (a: Auditor, fi: Findings, bps: bigint) => {
      await postRa(f, a, fi);
      lines.push({ bps, at: BigInt(await time.latest()) });
    };
    const maxNow = async () => {
      const now = BigInt(await time.latest());
      return lines.reduce((m, l) => {
        const drop = ((now - l.at) * 10_000n) / DECAY;
        const left = drop >= l.bps ? 0n : l.bps - drop;
        return left > m ? left : m;
      }, 0n);
    };
    // The member's friendly auditor lands a milder adverse RA first (4,000), then the honest one's 5,000, then clean
    // and milder ones, over months: at every step the penalty equals the worst line's remainder.
    await post(f.friend, FORTY, 4_000n);
    expect(await penaltyOf(f)).to.equal(await maxNow());
    await post(f.auditor, HALF, 5_000n);
    expect(await penaltyOf(f)).to.equal(5_000n);
    await time.increase(90n * DAY);
    await post(f.friend, CLEAN, 0n);
    expect(await penaltyOf(f)).to.equal(await maxNow());
    await post(f.friend, FORTY, 4_000n); // above the 2,500 left: raises to 4,000
    expect(await penaltyOf(f)).to.equal(await maxNow());
    expect(await penaltyOf(f)).to.equal(4_000n);
    await time.increase(30n * DAY);
    expect(await penaltyOf(f)).to.equal(await maxNow());
  });

  it("defence: a worse RA posted first does not shorten a later adverse one; each runs from its own posting", async function () {
    // The member front-runs an honest 5,000 bps RA with its friend's 4,000 bps one: the honest one still raises.
    await postRa(f, f.friend, FORTY);
    await expect(postRa(f, f.auditor, HALF))
      .to.emit(f.reputation, "FindingsPenaltyRaised")
      .withArgs(await f.attestations.getAddress(), f.member.address, 5_000n);
    // A 10,000 bps one by the friend first, then the honest 5,000: the penalty is 10,000 (worse for the member).
    await time.increase(400n * DAY);
    await postRa(f, f.friend, WORST);
    await postRa(f, f.auditor, HALF);
    expect(await penaltyOf(f)).to.be.greaterThanOrEqual(9_990n);
  });
});
