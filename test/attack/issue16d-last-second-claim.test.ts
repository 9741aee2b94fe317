// Issue 16d attack on the claim veto, the defence every review of self-proofs relies on ("an auditor vetoes the
// cheater's own claim while its round is open"): `vetoClaim` works only while `block.timestamp < closesAt`, and a
// fraud proof booked in the round's last block joins the round. So the cheater proves a fake record of its own (an
// account it controls, a huge balance) in the last second before the close: no auditor can react, the claim is
// unvetoable from the next block on, and it takes its pro-rata share of the pool its victims' slashes filled.
// On EigenLayer, with its operator no longer slashable, the fake proof's own slash is deferred: it costs the cheater
// nothing, and it holds the round; the designed remedy (governance's `releaseDeferredSlash`) then settles the round
// with the fake claim in it. Not new with this change (a claim in the last block was never vetoable), but the hold
// leaves governance the choice between freezing the victims' pool and paying it to the cheater.
// Real contracts (Ignition module), real quorum attestation, two real Groth16 proofs per test.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { network } from "hardhat";
import { Wallet } from "ethers";

import type {} from "../../types/ethers-contracts/hardhat.js";
import { releaseCurves } from "../../src/circuits/index.js";
import { bookedClaim } from "../../src/consortium/index.js";
import { omissionSnapshot } from "../e2e/omission-fraud.js";
import { E18, TOKEN_ASSET_ID, elConsortium } from "./issue16-fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { time } = networkHelpers;

/** The stand-ins' DEALLOCATION_DELAY (testnets: 50 blocks). */
const DEALLOCATION_DELAY = 50;
/** The fake record's balance: 100 TETH of an account the cheater controls. */
const FAKE = 100n * E18;

describe("issue 16d: a fake claim proven in the round's last second cannot be vetoed", function () {
  this.timeout(900_000);
  let workDir: string;
  before(async function () {
    workDir = await mkdtemp(join(tmpdir(), "por-issue16d-last-"));
  });
  after(async function () {
    await rm(workDir, { recursive: true, force: true });
    await releaseCurves();
  });

  /** The victim's fraud proven (4.5 TETH in the pool), the cheater's operator gone (its slashes deferred, free), and
   * the cheater's fake omission fraud (a 100 TETH record paying the attacker) ready. */
  async function setup(moduleId: string) {
    const f = await elConsortium(connection, { moduleId });
    const member = f.member.address;
    const victimPayout = Wallet.createRandom().address;
    const one = await f.snapshot(join(workDir, `${moduleId}-victim`), victimPayout);
    await f.commitAndAttest(one.snap, one.t);
    // The fake set: the member's own ledger with an account of its own omitted (a record it signed itself).
    const fakeDir = join(workDir, `${moduleId}-fake`);
    await mkdir(fakeDir, { recursive: true });
    const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
    const keyFrom = now + 5n;
    const t = keyFrom + 30n;
    const fake = await omissionSnapshot({
      workDir: fakeDir,
      member,
      t,
      balances: { alice: 2n * E18, mallory: FAKE },
      victim: "mallory",
      payouts: { mallory: f.attacker.address },
      asset: { id: TOKEN_ASSET_ID, symbol: "TETH", token: f.token, decimals: 18 },
    });
    await f.registry.connect(f.member).registerKey(fake.key.keyHash, fake.key.ax, fake.key.ay, keyFrom);
    await time.increaseTo(t + 40n);
    await f.ledger.connect(f.member).commit(t, [fake.commitment]);
    const victimArgs = await f.fraudArgs(one.snap);
    const fakeArgs = await f.fraudArgs(fake);
    await f.adjudicator.connect(f.prover).proveFraud(...victimArgs);
    const booked = await bookedClaim(
      ethers.provider,
      await f.adjudicator.getAddress(),
      member,
      victimArgs[0].nullifier,
    );
    if (booked === undefined) throw new Error("no claim booked");
    await f.el.allocationManager
      .connect(f.member)
      .deregisterFromOperatorSets({ operator: member, avs: f.set.avs, operatorSetIds: [f.set.id] });
    await f.el.mine(DEALLOCATION_DELAY + 1);
    const terms = (a: typeof victimArgs) => ({
      asset: TOKEN_ASSET_ID,
      claim: a[0].claim,
      round: 1,
      payoutHash: a[0].payoutHash,
    });
    const victimPayoutOpening = one.snap.victimPayout!;
    const payVictim = () =>
      f.adjudicator.payClaim(
        member,
        victimArgs[0].nullifier,
        terms(victimArgs),
        victimPayoutOpening.address,
        victimPayoutOpening.salt,
      );
    // The last second of the round: the fake proof is the last transaction before the close.
    await time.setNextBlockTimestamp(booked.closesAt - 1n);
    await expect(f.adjudicator.connect(f.attacker).proveFraud(...fakeArgs)).to.emit(f.source, "SlashDeferred");
    expect(fakeArgs[0].claim).to.equal(FAKE);
    return { f, member, closesAt: booked.closesAt, victimArgs, fakeArgs, terms, payVictim, victimPayout, one };
  }

  // Was an EXPLOIT (fixed 2026-12-07, RestitutionClaims.VETO_GRACE): a fake claim booked in the last block before closesAt could not be vetoed (the veto ends at the close, the
  // booking only at it). Money at stake: the victims' share of the round, diluted by a claim of any size (here 1.45 of
  // the victim's 1.5 TETH; with a 2^96 - 1 record, all of it); on EigenLayer with the operator gone, at no cost to the
  // cheater (its slash is deferred), and the release governance would use to unfreeze the round pays the cheater.
  // Fix: keep claims vetoable after the close until the round settles and let no round settle before
  // `closesAt + vetoGrace` (e.g. a day: claims booked by the close stay vetoable for at least that long), or push the
  // close of a round to `now + vetoGrace` when a claim is booked within `vetoGrace` of it.
  it("defence (was an EXPLOIT): an auditor can still veto a claim booked in the round's last second; the victim is then paid in full", async function () {
    const { f, member, fakeArgs, terms, payVictim, victimPayout, one } = await setup("Issue16dLastExploit");
    await f.adjudicator.connect(f.governance).vetoClaim(member, fakeArgs[0].nullifier, terms(fakeArgs), "own record");
    // The fake claim pushed the close a VETO_GRACE on; the round settles then.
    await time.increaseTo((await f.adjudicator.roundOf(member, f.token, 1)).closesAt);
    await payVictim();
    expect(await f.el.token.balanceOf(victimPayout)).to.equal(one.snap.victimBalance);
  });
});
