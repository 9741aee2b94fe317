// Issue 16 attack: EigenLayer's clearing is permissionless (StrategyManager.clearBurnOrRedistributableShares, "Anyone
// may call it"). With the v1.13 slash resolution delay the adapter cannot clear inside the slash, so the slash waits in
// pendingSlashesOf. Anyone (the cheating member) then clears it DIRECTLY on the StrategyManager: the tokens arrive at
// the adapter outside `_clear`, whose balance-delta booking never sees them; the adapter's next `_clear` finds no
// shares left, marks the slash cleared and books nothing. The victim's restitution is stranded in the adapter with
// no way out (no sweep); the prover's bounty too. Real contracts (Ignition module, real Groth16 proof).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { network } from "hardhat";
import { Wallet } from "ethers";

import type {} from "../../types/ethers-contracts/hardhat.js";
import { releaseCurves } from "../../src/circuits/index.js";
import { bookedClaim } from "../../src/consortium/index.js";
import { MEMBER_STAKE, TOKEN_ASSET_ID, elConsortium } from "./issue16-fixture.js";

/** Every slash, whenever ordered (clearRestitution counts those ordered by this time). */
const MAX_UINT64 = 2n ** 64n - 1n;

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { time } = networkHelpers;

const RESOLUTION_BLOCKS = 20;
const slashed = MEMBER_STAKE / 2n; // fraudBps 5000
const bounty = slashed / 10n; // bountyShareBps 1000
const pool = slashed - bounty;

describe("issue 16: clearing a delayed slash directly on EigenLayer's StrategyManager", function () {
  this.timeout(300_000);
  let workDir: string;
  before(async function () {
    workDir = await mkdtemp(join(tmpdir(), "por-issue16-clear-"));
  });
  after(async function () {
    await rm(workDir, { recursive: true, force: true });
    await releaseCurves();
  });

  async function provenSlash() {
    const f = await elConsortium(connection, {
      slashResolutionDelayBlocks: RESOLUTION_BLOCKS,
      restitutionDelay: 7n * 86_400n,
      moduleId: `Issue16Clear${Math.floor(Math.random() * 1e9)}`,
    });
    const victimPayout = Wallet.createRandom().address;
    const { snap, t } = await f.snapshot(join(workDir, String(Date.now())), victimPayout);
    await f.commitAndAttest(snap, t);
    const args = await f.fraudArgs(snap);
    await f.adjudicator.connect(f.prover).proveFraud(...args);
    const [slashId] = await f.source.pendingSlashesOf(f.member.address);
    expect(slashId).to.equal(1n);
    // Nothing arrived at the slash (resolution delay): the slash waits.
    expect(await f.source.restitutionOf(f.member.address, f.token)).to.equal(0n);
    const booked = await bookedClaim(
      ethers.provider,
      await f.adjudicator.getAddress(),
      f.member.address,
      args[0].nullifier,
    );
    if (booked === undefined) throw new Error("no claim booked");
    return { f, slashId, booked, args, victimPayout, snap };
  }

  it("defence: the adapter's own clearing after the delay books the pool and the bounty (reference)", async function () {
    const { f } = await provenSlash();
    await f.el.mine(RESOLUTION_BLOCKS);
    const proverBefore = await f.el.token.balanceOf(f.prover.address);
    await f.source.clearRestitution(f.member.address, MAX_UINT64);
    expect(await f.source.restitutionOf(f.member.address, f.token)).to.equal(pool);
    expect(await f.el.token.balanceOf(f.prover.address)).to.equal(proverBefore + bounty);
    expect((await f.source.totals(f.token)).cleared).to.equal(slashed);
  });

  // EXPLOIT: anyone (here the cheating member) clears the delayed slash straight on the StrategyManager; the 5 TETH
  // land in the adapter unbooked, the adapter then marks the slash cleared with nothing booked, and the victim's
  // 1.5 TETH claim is paid 0 (4.5 TETH of restitution and the 0.5 TETH bounty stranded forever).
  it("books the slashed tokens to the member's pool even when someone cleared them on EigenLayer directly", async function () {
    const { f, slashId, booked, args, victimPayout, snap } = await provenSlash();
    await f.el.mine(RESOLUTION_BLOCKS);

    // The cheating member front-runs every keeper: EigenLayer's clearing is permissionless and pays the recipient.
    await f.el.strategyManager.connect(f.member).clearBurnOrRedistributableShares(f.set, slashId);
    const adapter = await f.source.getAddress();
    expect(await f.el.token.balanceOf(adapter)).to.equal(slashed); // the tokens are here...
    expect(await f.source.clearRestitution.staticCall(f.member.address, MAX_UINT64)).to.equal(0n);
    await f.source.clearRestitution(f.member.address, MAX_UINT64);
    expect((await f.source.executedSlash(slashId)).cleared).to.equal(true);
    // ...but they must be booked: pool + bounty = what arrived (today: pool 0, totals all 0, 5 TETH unaccounted).
    expect(await f.source.restitutionOf(f.member.address, f.token)).to.equal(pool);
    expect((await f.source.totals(f.token)).cleared).to.equal(slashed);

    // And the round that settles now pays the victim from the member's pool.
    await time.increaseTo(booked.closesAt);
    const terms = { asset: TOKEN_ASSET_ID, claim: snap.victimBalance, round: 1, payoutHash: args[0].payoutHash };
    const payout = snap.victimPayout!;
    expect(payout.address).to.equal(victimPayout);
    await f.adjudicator.payClaim(f.member.address, args[0].nullifier, terms, payout.address, payout.salt);
    // As with the adapter's own clearing: pool 4.5 TETH, 80% of it covers the 1.5 TETH claim in full.
    expect(await f.el.token.balanceOf(victimPayout)).to.equal(snap.victimBalance);
  });
});
