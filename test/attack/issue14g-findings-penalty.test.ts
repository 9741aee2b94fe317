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

  // F1 (medium), fixed. A registered auditor's RA puts 10,000 bps on any member, and nothing but time lowered it:
  // revoking the auditor (rogue, or its RA a typo) left the member's score 0 and its 0-confirmation credit factor 0
  // for 360 days. Defence: governance (behind its timelock) clears the figure, `clearFindings(attestations, member)`.
  it("defence (was an EXPLOIT): a revoked auditor's 10,000 bps RA on an honest member can be cleared by governance", async function () {
    await postRa(f, f.friend, CLEAN);
    const before = await f.reputation.scoreOf(f.member.address);
    await postRa(f, f.auditor, WORST);
    await f.registry.connect(f.governance).revokeRole(await f.registry.AUDITOR_ROLE(), f.auditor.address);
    const attestations = await f.attestations.getAddress();
    await expect(
      f.reputation.connect(f.stranger).clearFindings(attestations, f.member.address),
    ).to.be.revertedWithCustomError(f.reputation, "AccessControlUnauthorizedAccount");
    await expect(f.reputation.connect(f.governance).clearFindings(attestations, f.member.address))
      .to.emit(f.reputation, "FindingsPenaltyCleared")
      .withArgs(attestations, f.member.address, 10_000n);
    expect(await penaltyOf(f)).to.equal(0n);
    expect(await f.reputation.scoreOf(f.member.address)).to.be.greaterThan(before / 2n);
    // A later adverse RA raises it again as usual.
    await postRa(f, f.friend, FORTY);
    expect(await penaltyOf(f)).to.equal(4_000n);
  });

  it("documented: without governance, a revoked auditor's 10,000 bps RA keeps the member's score and credit factor at 0, half of it 180 days on", async function () {
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

  // F2 (medium, governance), fixed. `findingsDecay` was read at every view, so `setWeights` rewrote history both ways:
  // lengthening it revived a fully expired 10,000 bps (0 -> 4,986 bps the block after 360 -> 720 days); shortening it
  // erased an RA the stored figure had swallowed (10,000 at t0, then 4,000 at t0 + 180 days; 90 days read 0).
  // Defence: each figure keeps the slope in force when it was set (`FindingsPenalty.decay`).
  it("defence (was an EXPLOIT): lengthening findingsDecay does not revive a penalty that had expired", async function () {
    await postRa(f, f.auditor, WORST);
    await time.increase(361n * DAY);
    expect(await penaltyOf(f)).to.equal(0n);
    await setDecay(f, 720n * DAY);
    expect(await penaltyOf(f)).to.equal(0n); // before the fix: about 4,986
  });

  it("defence (was an EXPLOIT): shortening findingsDecay does not erase a later, milder RA that the stored figure swallowed", async function () {
    await postRa(f, f.auditor, WORST);
    await time.increase(180n * DAY);
    await postRa(f, f.friend, FORTY);
    await setDecay(f, 90n * DAY);
    expect(await penaltyOf(f)).to.be.greaterThanOrEqual(3_990n); // before the fix: 0
    // A figure set after the change decays at the new slope.
    await f.reputation.connect(f.governance).clearFindings(await f.attestations.getAddress(), f.member.address);
    await postRa(f, f.friend, FORTY);
    const [stored] = await f.reputation.findingsPenaltyOf(await f.attestations.getAddress(), f.member.address);
    expect([stored.bps, stored.decay]).to.deep.equal([4_000n, 90n * DAY]);
  });

  // F3 (low, deployment), fixed. `setAttestations` took any address: a Reputation wired to an Attestations deployed
  // with another Reputation's address counted 0 bps of a 10,000 bps RA, forever. Defence: `IAttestations.reputation()`
  // and `setAttestations` refusing a contract that records elsewhere.
  it("defence (was an EXPLOIT): a Reputation refuses an attestations contract that records findings elsewhere", async function () {
    const other = await otherReputation(f);
    await expect(other.connect(f.governance).setAttestations(await f.attestations.getAddress()))
      .to.be.revertedWithCustomError(other, "ReputationAttestationsMismatch")
      .withArgs(await f.attestations.getAddress(), await f.reputation.getAddress());
    expect(await f.attestations.reputation()).to.equal(await f.reputation.getAddress());
  });

  // F4 (low, bench honesty), fixed. A member with a clean record whose first adverse RA landed wrote the penalty slot
  // from zero (a 22,100-gas SSTORE): 132,270 gas, over the 120,000 RA goal. Defence: the member's first RA writes the
  // slot whatever its findings (`at`), so a later raise rewrites a non-zero slot.
  it("defence (was an EXPLOIT): the first adverse RA after clean ones (1 asset, steady) stays within the 120,000 RA goal", async function () {
    const ia = await postInterim(f, 1n);
    const over = { reserves: [{ asset: ETH_ASSET, reserves: 100n * E18, throughSeq: ia.seq }] };
    const gas: bigint[] = [];
    for (let i = 0; i < 4; i++) gas.push(await gasOfRa(f, f.auditor, CLEAN, over, [ia]));
    const fromZero = await gasOfRa(f, f.auditor, FORTY, over, [ia]); // penalty 0 -> 4,000
    const fromStored = await gasOfRa(f, f.auditor, HALF, over, [ia]); // 4,000 -> 5,000
    console.log(
      `      RA gas: steady clean ${gas[3]}, first raise ${fromZero}, raise of a stored figure ${fromStored}`,
    );
    expect(fromZero).to.be.at.most(120_000n);
    expect(fromStored).to.be.at.most(120_000n);
    expect(gas[3]).to.be.at.most(120_000n);
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
    // An attestations contract that records elsewhere cannot be wired (F3's defence); the figure stays out.
    await expect(
      fresh.connect(f.governance).setAttestations(await f.attestations.getAddress()),
    ).to.be.revertedWithCustomError(fresh, "ReputationAttestationsMismatch");
    expect((await fresh.partsOf(f.member.address)).findingsPenaltyBps).to.equal(0n);
    // The stranger cannot wire it (admin only), nor rewire the deployed one (once).
    await expect(fresh.connect(f.stranger).setAttestations(f.stranger.address)).to.be.revertedWithCustomError(
      fresh,
      "AccessControlUnauthorizedAccount",
    );
    await expect(f.reputation.connect(f.governance).setAttestations(f.stranger.address)).to.be.revertedWithCustomError(
      f.reputation,
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
    // A figure keeps the slope it was set with (F2's defence); one set now decays in a second.
    expect(await penaltyOf(f)).to.be.within(4_990n, 5_000n);
    await expect(postRa(f, f.auditor, WORST)).to.emit(f.reputation, "FindingsPenaltyRaised");
    await time.increase(2);
    expect(await penaltyOf(f)).to.equal(0n);
    await setDecay(f, 2n ** 64n - 1n);
    await expect(postRa(f, f.auditor, WORST)).to.emit(f.reputation, "FindingsPenaltyRaised");
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
