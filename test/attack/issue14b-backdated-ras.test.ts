// Issue 14 (second half) attack on the per-auditor RA chains and `minRaPeriod`: the threat model says flushing an
// adverse RA's findings out of the member's last 4 takes 4 x 45 days (the findings' decay). Can one friendly auditor
// do it at once, and can an RA be replayed across members or posted for a period that has not ended? Real contracts
// from the Ignition module (test/contracts/ledger-fixture.ts), RAs signed under EIP-712 by auditors holding the
// registry's AUDITOR_ROLE (a second audit firm granted by governance), the member posting them (anyone may).
import { expect } from "chai";
import { network } from "hardhat";

import type {} from "../../types/ethers-contracts/hardhat.js";
import {
  attestationsDomain,
  signReserveAttestation,
  type Findings,
  type ReserveAttestation,
} from "../../src/attestations/index.js";
import { ETH_ASSET, MEMBER_STAKE, deployLedgerSystem } from "../contracts/ledger-fixture.js";

const { ethers, networkHelpers, ignition } = await network.create();
const { time } = networkHelpers;
const DAY = 86_400n;
const E18 = 10n ** 18n;
const MIN_RA_PERIOD = 45n * DAY;
const CLEAN: Findings = { critical: 0, high: 0, medium: 0, low: 0, score: 10_000, sampleSize: 0, sampleFailures: 0 };
const ADVERSE: Findings = { ...CLEAN, critical: 3, score: 4_000 };

async function system() {
  const f = await deployLedgerSystem({ ethers, networkHelpers, ignition });
  const domain = attestationsDomain((await ethers.provider.getNetwork()).chainId, await f.attestations.getAddress());
  // A second audit firm the consortium admits (friendly to the member).
  await f.registry.connect(f.governance).grantRole(await f.registry.AUDITOR_ROLE(), f.other.address);
  // The deployment's defaults: minRaPeriod 45 days (the fixture sets 0), an RA every 90 days.
  const p = await f.attestations.params();
  await f.attestations.connect(f.governance).setParams({
    raInterval: 90n * DAY,
    interimWindow: p.interimWindow,
    sampleWindow: p.sampleWindow,
    missedInterimBps: p.missedInterimBps,
    minRaPeriod: MIN_RA_PERIOD,
  });
  return { ...f, attestationsDomain: domain };
}
type F = Awaited<ReturnType<typeof system>>;

async function raOf(
  f: F,
  auditor: { address: string },
  findings: Findings,
  over: Partial<ReserveAttestation> = {},
): Promise<ReserveAttestation> {
  const chain = await f.attestations.auditorChainOf(f.member.address, auditor.address);
  return {
    member: f.member.address,
    auditor: auditor.address,
    periodStart: chain.lastPeriodEnd,
    periodEnd: BigInt(await time.latest()),
    nonce: chain.nonce,
    findings,
    reportDigest: ethers.id("report"),
    reserves: [],
    ...over,
  };
}

describe("issue 14b: back-dated RA periods and RA replays", function () {
  let f: F;
  beforeEach(async function () {
    f = await networkHelpers.loadFixture(system);
  });

  // EXPLOIT (reputation: an adverse RA's 10,000 bps penalty shed in four transactions): `minRaPeriod` bounds an RA's
  // period length, not when it is posted, and a period need only end by now and start at or after the auditor's own
  // last period end (0 for an auditor that has not attested the member). A friendly auditor that has not attested
  // the member signs four clean RAs of back-dated, back-to-back 45-day periods ([now-180d, now-135d], ...,
  // [now-45d, now]) and posts them a few seconds after the adverse one: all are taken, the four clean findings fill
  // the ring of RECENT_FINDINGS and the adverse RA's penalty drops from 10,000 bps to 0; the member also gets four
  // RA duties met (raOnTime 1 -> 5). No several auditors needed (the threat model's "4 x 45 = 180 days" is untrue).
  // Fixed both ways: an auditor's RAs for a member are at least `minRaPeriod` apart in block time (its last posting
  // time in `AuditorChain`), and Reputation keeps the worst findings penalty, decaying at a fixed slope (one slot).
  it("defence (was an EXPLOIT): one friendly auditor's four back-dated 45-day RAs flush an adverse RA's findings at once", async function () {
    const adverse = await raOf(f, f.auditor, ADVERSE);
    await f.attestations.postReserveAttestation(
      adverse,
      [],
      await signReserveAttestation(f.auditor, f.attestationsDomain, adverse),
    );
    expect((await f.reputation.partsOf(f.member.address)).findingsPenaltyBps).to.equal(10_000n);
    await time.increase(2);
    const now = BigInt(await time.latest());
    let refused = 0;
    for (let i = 0n; i < 4n; i++) {
      const ra = await raOf(f, f.other, CLEAN, {
        periodStart: now - (4n - i) * MIN_RA_PERIOD,
        periodEnd: now - (3n - i) * MIN_RA_PERIOD,
        nonce: i,
      });
      const signature = await signReserveAttestation(f.other, f.attestationsDomain, ra);
      try {
        await (await f.attestations.connect(f.member).postReserveAttestation(ra, [], signature)).wait();
      } catch {
        refused += 1;
      }
    }
    // Today: refused 0, the penalty 0, raOnTime 5. With the defence some are refused or the penalty stays.
    const penalty = (await f.reputation.partsOf(f.member.address)).findingsPenaltyBps;
    expect({ refused, keeps: penalty > 9_000n }).to.not.deep.equal({ refused: 0, keeps: false });
    expect(penalty).to.be.greaterThan(9_000n);
  });

  // Was EXPLOIT (expected reserves): an RA accounting for the same IAs as the baseline (an equal `throughSeq`)
  // replaced the baseline's reserves, whoever signed the one before: a friendly auditor's back-dated RA (its first for
  // the member, so posted at once) overwrote an adverse RA's 50 ETH with 99 ETH. Defence: of two figures for the same
  // IAs the smaller stands (a larger one is taken for its findings and duty, the baseline left; a smaller one lowers
  // it), so the order they land in does not matter.
  it("defence: a friendly back-dated RA of the baseline's throughSeq does not raise an adverse RA's reserves figure", async function () {
    const post = async (auditor: typeof f.auditor, findings: Findings, eth: bigint, over = {}) => {
      const ra = await raOf(f, auditor, findings, {
        reserves: [{ asset: ETH_ASSET, reserves: eth * E18, throughSeq: 0n }],
        ...over,
      });
      const signature = await signReserveAttestation(auditor, f.attestationsDomain, ra);
      return f.attestations.connect(f.member).postReserveAttestation(ra, [], signature);
    };
    const expected = async () => (await f.attestations.expectedReserves(f.member.address, ETH_ASSET))[0];
    await expect(post(f.auditor, ADVERSE, 50n))
      .to.emit(f.attestations, "BaselineSet")
      .withArgs(f.member.address, ETH_ASSET, 50n * E18, 0n);
    expect(await expected()).to.equal(50n * E18);
    await time.increase(2);
    const now = BigInt(await time.latest());
    const backDated = { periodStart: now - 2n * MIN_RA_PERIOD, periodEnd: now - MIN_RA_PERIOD };
    await expect(post(f.other, CLEAN, 99n, backDated))
      .to.emit(f.attestations, "ReserveAttested")
      .and.not.to.emit(f.attestations, "BaselineSet");
    // Before the defence: 99 ETH. The friendly RA still counts: two RAs.
    expect(await expected()).to.equal(50n * E18);
    expect((await f.attestations.auditStateOf(f.member.address)).count).to.equal(2n);
    // A smaller figure for the same IAs lowers the baseline, whoever signs it.
    await time.increase(MIN_RA_PERIOD);
    await expect(post(f.other, CLEAN, 30n))
      .to.emit(f.attestations, "BaselineSet")
      .withArgs(f.member.address, ETH_ASSET, 30n * E18, 0n);
    const book = await f.attestations.assetBookOf(f.member.address, ETH_ASSET);
    expect([book.throughSeq, book.baseReserves, book.baseCumulative]).to.deep.equal([0n, 30n * E18, 0n]);
    expect(await expected()).to.equal(30n * E18);
  });

  it("an auditor's next RA for a member waits minRaPeriod after its last: AttestationsPostedTooSoon, then accepted", async function () {
    const now = BigInt(await time.latest());
    const first = await raOf(f, f.other, CLEAN, {
      periodStart: now - 2n * MIN_RA_PERIOD,
      periodEnd: now - MIN_RA_PERIOD,
    });
    await f.attestations.postReserveAttestation(
      first,
      [],
      await signReserveAttestation(f.other, f.attestationsDomain, first),
    );
    const postedAt = BigInt(await time.latest());
    const next = await raOf(f, f.other, CLEAN, { periodStart: now - MIN_RA_PERIOD, periodEnd: now, nonce: 1n });
    const sig = await signReserveAttestation(f.other, f.attestationsDomain, next);
    await expect(f.attestations.postReserveAttestation(next, [], sig))
      .to.be.revertedWithCustomError(f.attestations, "AttestationsPostedTooSoon")
      .withArgs(postedAt, MIN_RA_PERIOD);
    await time.increaseTo(postedAt + MIN_RA_PERIOD);
    await expect(f.attestations.postReserveAttestation(next, [], sig)).to.emit(f.attestations, "ReserveAttested");
  });

  it("defence: an RA signed for one member is refused for another (the member is in the signed digest)", async function () {
    const second = (await ethers.getSigners())[7];
    await f.onboard(second, MEMBER_STAKE);
    const ra = await raOf(f, f.auditor, ADVERSE);
    const signature = await signReserveAttestation(f.auditor, f.attestationsDomain, ra);
    await expect(f.attestations.postReserveAttestation({ ...ra, member: second.address }, [], signature))
      .to.be.revertedWithCustomError(f.attestations, "AttestationsBadSignature")
      .withArgs(f.auditor.address);
    // Nor altered findings or reserves under the genuine signature.
    await expect(
      f.attestations.postReserveAttestation({ ...ra, findings: CLEAN }, [], signature),
    ).to.be.revertedWithCustomError(f.attestations, "AttestationsBadSignature");
    await expect(
      f.attestations.postReserveAttestation(
        { ...ra, reserves: [{ asset: ETH_ASSET, reserves: 100n * E18, throughSeq: 0n }] },
        [],
        signature,
      ),
    ).to.be.revertedWithCustomError(f.attestations, "AttestationsBadSignature");
    // As signed, it lands once.
    await f.attestations.postReserveAttestation(ra, [], signature);
    await expect(f.attestations.postReserveAttestation(ra, [], signature))
      .to.be.revertedWithCustomError(f.attestations, "AttestationsBadNonce")
      .withArgs(0n, 1n);
  });

  it("defence: an RA of a period not yet ended, or of one shorter than minRaPeriod, is refused", async function () {
    const now = BigInt(await time.latest());
    const future = await raOf(f, f.other, CLEAN, { periodStart: now - MIN_RA_PERIOD, periodEnd: now + DAY });
    await expect(
      f.attestations.postReserveAttestation(
        future,
        [],
        await signReserveAttestation(f.other, f.attestationsDomain, future),
      ),
    ).to.be.revertedWithCustomError(f.attestations, "AttestationsBadPeriod");
    const short = await raOf(f, f.other, CLEAN, { periodStart: now - MIN_RA_PERIOD + 1n, periodEnd: now });
    await expect(
      f.attestations.postReserveAttestation(
        short,
        [],
        await signReserveAttestation(f.other, f.attestationsDomain, short),
      ),
    )
      .to.be.revertedWithCustomError(f.attestations, "AttestationsPeriodTooShort")
      .withArgs(short.periodStart, now, MIN_RA_PERIOD);
  });
});
