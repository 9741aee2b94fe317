// Issue 14 attack on `RestitutionClaims.VETO_GRACE`: a claim booked less than a day before its round's close pushes
// the close to a day after the booking. Can a cheater hold its victims' round open indefinitely by booking a claim in
// each round's last second, and what does each day cost it? The fraud proofs are the fixture's stand-in-verified
// ones (test/contracts/ledger-fixture.ts `deployWithCommittedSets`: the same Ignition module, the verifier replaced by
// MockLeafMismatchVerifier); each fake claim stands for a record of the cheater's own (a leaf it signed in a tree it
// committed, as in test/attack/issue16d-last-second-claim.test.ts), one distinct nullifier per day.
import { expect } from "chai";
import { network } from "hardhat";

import type {} from "../../types/ethers-contracts/hardhat.js";
import { NULLIFIER, SALT, deployWithCommittedSets } from "../contracts/ledger-fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { time } = networkHelpers;
const DAY = 86_400n;
const DAYS = 10;
const withSets = () => deployWithCommittedSets(connection);

describe("issue 14: VETO_GRACE pushes a round's close a day per last-day claim", function () {
  // documented (money: the victims' payout delayed; docs/threat-model.md states the chain, "What remains"): every
  // fake claim booked in the round's last second moves the close a day on, and a vetoed fake claim keeps the day it
  // added. Ten fake claims hold the victim's round ten days past its close; the victim's `payClaim` is refused
  // (RestitutionRoundOpen) throughout. Cost per day measured: one fraud-proof transaction (136,480 gas here with the
  // stand-in verifier; about 470,000 with the real Groth16 one, per the threat model) and that proof's slash of
  // fraudBps of what stake is left (2.5 ETH of the 5 left after the victim's proof, then 1.25, ...: 4.995 ETH over ten
  // days, 10% back to the cheater as the prover's bounty, and paying later rounds, not this one). The slash is
  // geometric, so from about the tenth day on (or with the stake withdrawn, or a deferred slash on EigenLayer) a day
  // costs gas only; the chain is bounded only by the fake records the cheater committed (one nullifier each).
  // Fix proposed: bound the total VETO_GRACE pushes per round (e.g. at most `claimWindow` in all), or book a claim
  // made within VETO_GRACE of the close into the next round instead of pushing this one's close.
  it("documented: ten last-second fake claims hold the victim's round ten days past its close", async function () {
    const f = await networkHelpers.loadFixture(withSets);
    const member = f.member.address;
    const token = await f.registry.assetToken(1);
    const victim = await f.proofFor();
    await f.adjudicator.connect(f.prover).proveFraud(...f.args(victim));
    const firstClose = (await f.adjudicator.roundOf(member, token, 1)).closesAt;
    let gas = 0n;
    let costStake = 0n;
    for (let i = 0; i < DAYS; i++) {
      const closesAt = (await f.adjudicator.roundOf(member, token, 1)).closesAt;
      const stakeBefore = await f.vault.stakeOf(member);
      const fake = await f.proofFor({ nullifier: NULLIFIER + 1n + BigInt(i), claim: 1n });
      await time.setNextBlockTimestamp(closesAt - 1n);
      const tx = await f.adjudicator.connect(f.member).proveFraud(...f.args(fake));
      await expect(tx).to.emit(f.adjudicator, "RoundExtended");
      gas += (await tx.wait())!.gasUsed;
      costStake += stakeBefore - (await f.vault.stakeOf(member));
      // The auditor vetoes the fake claim at once: the day it added stays.
      await f.adjudicator
        .connect(f.auditor)
        .vetoClaim(
          member,
          fake.nullifier,
          { asset: 1, claim: 1n, round: 1, payoutHash: fake.payoutHash },
          "own record",
        );
    }
    const closesAt = (await f.adjudicator.roundOf(member, token, 1)).closesAt;
    expect(closesAt - firstClose).to.equal(BigInt(DAYS) * (DAY - 1n));
    await time.increaseTo(firstClose + BigInt(DAYS - 1) * DAY);
    const terms = { asset: 1, claim: victim.claim, round: 1, payoutHash: victim.payoutHash };
    await expect(f.adjudicator.payClaim(member, victim.nullifier, terms, f.user.address, SALT))
      .to.be.revertedWithCustomError(f.adjudicator, "RestitutionRoundOpen")
      .withArgs(member, token, 1, closesAt);
    console.log(
      `      VETO_GRACE: ${DAYS} days held; ${gas / BigInt(DAYS)} gas per day; stake slashed over the ${DAYS} days ` +
        `${ethers.formatEther(costStake)} ETH (day 10: ${ethers.formatEther(await f.vault.stakeOf(member))} ETH left)`,
    );
    await time.increaseTo(closesAt);
    await f.adjudicator.payClaim(member, victim.nullifier, terms, f.user.address, SALT);
  });
});
