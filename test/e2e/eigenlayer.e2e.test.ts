// End to end on EigenLayer (the TEST-ONLY stand-ins of its core, test/helpers/eigenlayer.ts), deployed with the
// Ignition module users run (buildConsortiumEigenLayerModule, the REAL fraud-proof verifier): members name their
// operators, which register for the consortium's redistributing operator set and allocate restaked TETH; their
// slashable stake is the quorum's weight. A member commits a tree that omits one user and two operators attest it;
// the user's record goes through the fraud prover to a Groth16 proof, which slashes the member's allocation through
// EigenLayer's slashOperator; the redistributed tokens are cleared to the adapter, booked to the member's own
// restitution pool (less the prover's bounty), and the user's claim is paid from them after the claim round. With
// EigenLayer's slash resolution delay (v1.13) the pool fills only after the delay: the round waits for it.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { network } from "hardhat";

import { releaseCurves } from "../../src/circuits/index.js";
import { SetStatus } from "../helpers/enums.js";
import { TETH_ASSET, committedFraud, eigenLayerConsortium } from "./eigenlayer-fraud.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { time } = networkHelpers;
const E18 = 10n ** 18n;
async function atOnce() {
  return eigenLayerConsortium(connection);
}
/** EigenLayer v1.13: 40 blocks before slashed shares clear; claim rounds last at least 8 days. */
async function withResolutionDelay() {
  return eigenLayerConsortium(connection, { slashResolutionDelayBlocks: 40, restitutionDelay: 8n * 86_400n });
}

describe("Consortium on EigenLayer end to end (real Groth16 fraud proof, stand-in EigenLayer core)", function () {
  this.timeout(300_000);
  let workDir: string;
  beforeEach(async function () {
    workDir = await mkdtemp(join(tmpdir(), "por-el-e2e-"));
  });
  afterEach(async function () {
    await rm(workDir, { recursive: true, force: true });
  });
  after(async function () {
    await releaseCurves();
  });

  it("slashes the cheater's allocation through EigenLayer and pays the user's claim from the redistributed tokens", async function () {
    const c = await networkHelpers.loadFixture(atOnce);
    const { proof, payout, set, claim } = await committedFraud(connection, c, workDir);
    const token = await c.el.token.getAddress();
    const source = await c.source.getAddress();

    const proving = c.adjudicator.connect(c.prover).proveFraud(proof, set);
    // 50% (fraudBps) of the allocation: wadsToSlash 0.5e18 of the one strategy, in EigenLayer's event.
    await expect(proving)
      .to.emit(c.el.allocationManager, "OperatorSlashed")
      .withArgs(
        c.cheater.address,
        [source, 1n],
        [await c.el.strategy.getAddress()],
        [E18 / 2n],
        (d: string) => d.length > 0,
      );
    const slashed = 5n * E18;
    const bounty = slashed / 10n;
    await expect(proving)
      .to.emit(c.source, "SlashCleared")
      .withArgs(c.cheater.address, 1n, token, slashed, bounty, c.prover.address);
    await expect(proving).to.changeTokenBalances(ethers, c.el.token, [c.prover, c.source], [bounty, slashed - bounty]);
    const receipt = await (await proving).wait();
    console.log(`      proveFraud against an EigenLayer member (stand-ins, real verifier): ${receipt?.gasUsed} gas`);
    expect(await c.source.restitutionOf(c.cheater.address, token)).to.equal(slashed - bounty);
    expect(await c.source.stakeOf(c.cheater.address)).to.equal(5n * E18);
    expect((await c.ledger.setOf(c.cheater.address, proof.t)).status).to.equal(SetStatus.Fraudulent);
    expect((await c.reputation.reputationOf(c.cheater.address)).slashCount).to.equal(1n);

    const terms = { asset: TETH_ASSET, claim, round: 1, payoutHash: proof.payoutHash };
    const round = await c.adjudicator.roundOf(c.cheater.address, token, 1);
    await time.increaseTo(round.closesAt);
    await expect(
      c.adjudicator.payClaim(c.cheater.address, proof.nullifier, terms, payout.address, payout.salt),
    ).to.changeTokenBalance(ethers, c.el.token, payout.address, claim);
    // Accounting: everything cleared is in the pool, released to the adjudicator, or the bounty.
    const totals = await c.source.totals(token);
    expect(totals.cleared).to.equal(slashed);
    expect(totals.bountyPaid).to.equal(bounty);
    expect(totals.cleared).to.equal(
      (await c.source.restitutionOf(c.cheater.address, token)) +
        totals.released +
        totals.bountyPaid +
        totals.unclaimedBounty,
    );
  });

  it("with EigenLayer's slash resolution delay: the round lasts the restitution delay and settles from the cleared tokens", async function () {
    const c = await networkHelpers.loadFixture(withResolutionDelay);
    const { proof, payout, set, claim } = await committedFraud(connection, c, workDir);
    const token = await c.el.token.getAddress();
    await c.adjudicator.connect(c.prover).proveFraud(proof, set);
    // Executed on EigenLayer, not cleared yet: the pool is empty and the slash waits.
    expect(await c.source.restitutionOf(c.cheater.address, token)).to.equal(0n);
    expect(await c.source.pendingSlashesOf(c.cheater.address)).to.deep.equal([1n]);
    const round = await c.adjudicator.roundOf(c.cheater.address, token, 1);
    const provedAt = BigInt(await time.latest());
    expect(round.closesAt).to.equal(provedAt + 8n * 86_400n);
    await c.el.mine(41);
    await time.increaseTo(round.closesAt);
    // Paying settles the round: the adjudicator clears the member's slashes first, so the pool holds the tokens.
    const terms = { asset: TETH_ASSET, claim, round: 1, payoutHash: proof.payoutHash };
    await expect(
      c.adjudicator.payClaim(c.cheater.address, proof.nullifier, terms, payout.address, payout.salt),
    ).to.changeTokenBalance(ethers, c.el.token, payout.address, claim);
    expect(await c.source.pendingSlashesOf(c.cheater.address)).to.deep.equal([]);
    expect(await c.el.token.balanceOf(c.prover.address)).to.equal((5n * E18) / 10n);
  });
});
