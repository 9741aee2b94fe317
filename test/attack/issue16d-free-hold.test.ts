// FIXED (2026-12-07): only a slash refused while the member's operator is slashable (a pause) holds rounds.
// Issue 16d attack on "a deferred slash holds its member's rounds until it executes": a slash is deferred when its
// member's operator is no longer slashable (it left the set and DEALLOCATION_DELAY passed) or the member has no
// operator. That is the cheater's own doing, and such a slash costs it nothing: it can never take anything unless an
// operator registers for the member again. Yet it holds every round of the member closing at or after its order,
// until governance releases it (`releaseDeferredSlash`, a timelock operation: at least the timelock's delay, 2 days by
// default). docs/threat-model.md calls the victims "delayed, not robbed" for as long as governance takes. But the
// cheater can order a fresh deferred slash of itself seconds before each close, faster than any timelocked release:
// a lapse of a request of itself (while it is not ejected) or one of its own spare omission frauds (any time, also
// after ejection: its committed sets stay provable). And since the round is held, a spare fraud proven after the close
// reopens the round for a whole window (RoundReopened). The victim's restitution is already in the pool; the cheater
// keeps it from the victim window after window for two of its prepared frauds (or one fraud and one lapse) per
// window, at no stake at all, while its unslashed stake is free in EigenLayer to withdraw.
// Real contracts (Ignition module), real quorum attestation, four real Groth16 proofs.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { network } from "hardhat";
import { Wallet } from "ethers";

import type {} from "../../types/ethers-contracts/hardhat.js";
import { releaseCurves } from "../../src/circuits/index.js";
import { bookedClaim } from "../../src/consortium/index.js";
import { E18, TOKEN_ASSET_ID, elConsortium } from "./issue16-fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { time } = networkHelpers;

/** The stand-ins' DEALLOCATION_DELAY (testnets: 50 blocks). */
const DEALLOCATION_DELAY = 50;
/** The fixture's response window (seconds). */
const RESPONSE_WINDOW = 3_600n;

describe("issue 16d: the cheater holds its victims' round at no cost with deferred slashes of itself", function () {
  this.timeout(900_000);
  let workDir: string;
  before(async function () {
    workDir = await mkdtemp(join(tmpdir(), "por-issue16d-hold-"));
  });
  after(async function () {
    await rm(workDir, { recursive: true, force: true });
    await releaseCurves();
  });

  /** The victim's fraud is proven (its 5 TETH slash executes and clears: 4.5 TETH in the pool after the bounty),
   * then the cheater's operator leaves the set and DEALLOCATION_DELAY passes. `spares` frauds of the cheater's own
   * (records paying the cheater's address) were committed while it was bonded. */
  async function setup(moduleId: string, spares: number) {
    const f = await elConsortium(connection, { moduleId });
    const victimPayout = Wallet.createRandom().address;
    const one = await f.snapshot(join(workDir, `${moduleId}-victim`), victimPayout);
    await f.commitAndAttest(one.snap, one.t);
    const spareSnaps = [];
    for (let i = 0; i < spares; i++) {
      const s = await f.snapshot(join(workDir, `${moduleId}-spare${i}`), f.attacker.address);
      await f.ledger.connect(f.member).commit(s.t, [s.snap.commitment]);
      spareSnaps.push(s.snap);
    }
    // Proofs after the snapshots (each snapshot registers a key from a few seconds ahead of the chain's time).
    const spareArgs = [];
    for (const s of spareSnaps) spareArgs.push(await f.fraudArgs(s));
    const victimArgs = await f.fraudArgs(one.snap);
    const member = f.member.address;
    await f.adjudicator.connect(f.prover).proveFraud(...victimArgs);
    const booked = await bookedClaim(
      ethers.provider,
      await f.adjudicator.getAddress(),
      member,
      victimArgs[0].nullifier,
    );
    if (booked === undefined) throw new Error("no claim booked");
    const pool = (5n * E18 * 9n) / 10n;
    expect(await f.source.restitutionOf(member, f.token)).to.equal(pool);
    expect(await f.source.pendingSlashesOf(member)).to.deep.equal([]);
    await f.el.allocationManager
      .connect(f.member)
      .deregisterFromOperatorSets({ operator: member, avs: f.set.avs, operatorSetIds: [f.set.id] });
    await f.el.mine(DEALLOCATION_DELAY + 1);
    expect(await f.source.stakeOf(member)).to.equal(0n);
    const terms = {
      asset: TOKEN_ASSET_ID,
      claim: one.snap.victimBalance,
      round: 1,
      payoutHash: victimArgs[0].payoutHash,
    };
    /** A request of itself made `RESPONSE_WINDOW + 20` s before `at`, reported as missed at `at`. */
    let requestT = one.t - 1n;
    const lapseAt = async (at: bigint) => {
      await time.increaseTo(at - RESPONSE_WINDOW - 20n);
      await f.ledger.connect(f.member).requestProof(member, requestT--);
      const id = await f.ledger.requestCount();
      await time.setNextBlockTimestamp(at);
      await expect(f.adjudicator.connect(f.attacker).reportMissedDeadline(id)).to.emit(f.source, "SlashDeferred");
    };
    return { f, one, victimArgs, spareArgs, member, closesAt: booked.closesAt, pool, terms, lapseAt };
  }

  it("defence (was an EXPLOIT): a deferred slash of a member without slashable stake does not hold the round: the victim is paid in full at the close", async function () {
    const { f, one, victimArgs, member, closesAt, terms, lapseAt } = await setup("Issue16dHoldExploit", 0);
    await lapseAt(closesAt - 10n);
    await time.increaseTo(closesAt);
    const payout = one.snap.victimPayout!;
    await f.adjudicator.payClaim(member, victimArgs[0].nullifier, terms, payout.address, payout.salt);
    expect(await f.el.token.balanceOf(payout.address)).to.equal(one.snap.victimBalance);
  });
});
