// Issue 16b attack on the direct-clearing fix: a slash cleared straight on EigenLayer is booked at the strategy's
// CURRENT share rate (`sharesToUnderlyingView(shares)`), capped at everything the adapter holds beyond its books. The
// tokens that arrived were worth the rate at the moment of the direct clearing. When two members' slashes of one token
// were both cleared directly and the rate rises before the adapter books them (anyone may donate to a strategy; a
// yield-bearing strategy rises by itself), the first one booked takes part of the other's tokens: one member's pool
// gets another member's restitution. No Groth16 proof needed: two missed-deadline slashes.
import { expect } from "chai";
import { network } from "hardhat";

import type {} from "../../types/ethers-contracts/hardhat.js";
import { COSIGNER_STAKE, MEMBER_STAKE, elConsortium } from "./issue16-fixture.js";

const connection = await network.create();
const { networkHelpers } = connection;
const { time } = networkHelpers;

const RESOLUTION_BLOCKS = 20;
const missedBps = 1_000n; // missedDeadlineBps

describe("issue 16b: directly cleared slashes are booked at the current share rate", function () {
  this.timeout(300_000);

  /** Missed-deadline slashes of the cheating member (A) and of co-signer c1 (B), both waiting for the delay. */
  async function twoPendingSlashes() {
    const f = await elConsortium(connection, {
      slashResolutionDelayBlocks: RESOLUTION_BLOCKS,
      restitutionDelay: 7n * 86_400n,
      moduleId: `Issue16bRate${Math.floor(Math.random() * 1e9)}`,
    });
    const a = f.member;
    const b = f.cosigners[0];
    const now = BigInt(await time.latest());
    await f.ledger.connect(f.attacker).requestProof(a.address, now - 100n);
    await f.ledger.connect(f.attacker).requestProof(b.address, now - 100n);
    const ids = [(await f.ledger.requestCount()) - 1n, await f.ledger.requestCount()];
    await time.increase(3_601);
    // Reported by the requester itself: no bounty, the whole slash goes to the pools.
    for (const id of ids) await f.adjudicator.connect(f.attacker).reportMissedDeadline(id);
    const [slashA] = await f.source.pendingSlashesOf(a.address);
    const [slashB] = await f.source.pendingSlashesOf(b.address);
    expect([slashA, slashB]).to.deep.equal([1n, 2n]);
    await f.el.mine(RESOLUTION_BLOCKS);
    return { f, a, b, slashA, slashB };
  }

  const dueA = (MEMBER_STAKE * missedBps) / 10_000n; // 1 TETH
  const dueB = (COSIGNER_STAKE * missedBps) / 10_000n; // 0.2 TETH

  it("defence: both slashes cleared directly, no rate change: each pool gets its own slash", async function () {
    const { f, a, b, slashA, slashB } = await twoPendingSlashes();
    await f.el.strategyManager.connect(f.attacker).clearBurnOrRedistributableShares(f.set, slashA);
    await f.el.strategyManager.connect(f.attacker).clearBurnOrRedistributableShares(f.set, slashB);
    await f.source.clearRestitution(a.address, 2n ** 64n - 1n);
    await f.source.clearRestitution(b.address, 2n ** 64n - 1n);
    expect(await f.source.restitutionOf(a.address, f.token)).to.be.closeTo(dueA, 2n);
    expect(await f.source.restitutionOf(b.address, f.token)).to.be.closeTo(dueB, 2n);
    // Books never exceed the balance (no underflow of the unbooked remainder later).
    const t = await f.source.totals(f.token);
    expect(await f.el.token.balanceOf(await f.source.getAddress())).to.be.greaterThanOrEqual(
      t.cleared - t.released - t.bountyPaid,
    );
  });

  it("defence: a direct clearing racing the adapter's own clearing of another slash books each exactly", async function () {
    const { f, a, b, slashA } = await twoPendingSlashes();
    await f.el.strategyManager.connect(f.attacker).clearBurnOrRedistributableShares(f.set, slashA);
    // B's slash is cleared by the adapter (balance delta), A's by the booked shares.
    await f.source.clearRestitution(b.address, 2n ** 64n - 1n);
    await f.source.clearRestitution(a.address, 2n ** 64n - 1n);
    expect(await f.source.restitutionOf(a.address, f.token)).to.be.closeTo(dueA, 2n);
    expect(await f.source.restitutionOf(b.address, f.token)).to.be.closeTo(dueB, 2n);
    expect(await f.source.pendingSlashesOf(a.address)).to.deep.equal([]);
  });

  // Was an EXPLOIT (fixed): both slashes are cleared straight on the StrategyManager (1 + 0.2 TETH arrive unbooked), then the strategy's
  // rate rises 25% (a donation; the stand-in's stakers are the operators, so a large staker gets most of it back)
  // before the adapter books them. A's slash is booked at 1.25 TETH capped at the 1.2 TETH unbooked: A's pool gets all
  // of B's 0.2 TETH and B's pool 0 - B's victims are paid nothing. Same with any natural rate rise (LST strategies).
  it("books a directly cleared slash at what arrived for it, whatever the rate does before booking", async function () {
    const { f, a, b, slashA, slashB } = await twoPendingSlashes();
    await f.el.strategyManager.connect(f.attacker).clearBurnOrRedistributableShares(f.set, slashA);
    await f.el.strategyManager.connect(f.attacker).clearBurnOrRedistributableShares(f.set, slashB);
    const held = await f.el.token.balanceOf(await f.el.strategy.getAddress());
    const donation = held / 4n;
    await f.el.token.mint(f.attacker.address, donation);
    await f.el.token.connect(f.attacker).approve(await f.el.strategy.getAddress(), donation);
    await f.el.strategy.connect(f.attacker).donate(donation);
    await f.source.clearRestitution(a.address, 2n ** 64n - 1n);
    await f.source.clearRestitution(b.address, 2n ** 64n - 1n);
    // Today: A's pool holds 1.2 TETH (its 1 + B's 0.2), B's pool 0.
    expect(await f.source.restitutionOf(b.address, f.token)).to.be.closeTo(dueB, 2n);
    expect(await f.source.restitutionOf(a.address, f.token)).to.be.closeTo(dueA, 2n);
  });
});
