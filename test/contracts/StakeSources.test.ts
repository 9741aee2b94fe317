// One quorum, slashing and restitution suite for both stake sources (test/contracts/stake-fixtures.ts): the native
// CollateralVault and EigenLayerStakeSource over the EigenLayer stand-ins must answer the ledger, the registry,
// Reputation and the adjudicator the same way.
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { network } from "hardhat";

import { eigenLayerStake, nativeStake, type StakeFixture } from "./stake-fixtures.js";

/** Every slash, whenever ordered (clearRestitution counts those ordered by this time). */
const MAX_UINT64 = 2n ** 64n - 1n;

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { time } = networkHelpers;
const E18 = 10n ** 18n;

async function nativeFixture() {
  return nativeStake(connection);
}
async function eigenLayerFixture() {
  return eigenLayerStake(connection);
}

/** The timestamp the next block gets (what a subject created by the next transaction records). */
async function nextTimestamp(): Promise<bigint> {
  return BigInt(await time.latest()) + 1n;
}

for (const [kind, fixture] of [
  ["native vault", nativeFixture],
  ["EigenLayer", eigenLayerFixture],
] as const) {
  describe(`Stake source: ${kind}`, function () {
    let f: StakeFixture;
    let a: HardhatEthersSigner, b: HardhatEthersSigner, c: HardhatEthersSigner;
    beforeEach(async function () {
      f = await networkHelpers.loadFixture(fixture);
      [a, b, c] = f.members;
    });

    describe("quorum weight", function () {
      it("sums the co-signers' stake, as stakeOf and the registry's minimum see it", async function () {
        await f.addStake(a, 3n * E18);
        await f.addStake(b, 2n * E18);
        expect(await f.source.stakeOf(a.address)).to.equal(3n * E18);
        expect(await f.source.stakeOf(b.address)).to.equal(2n * E18);
        expect(await f.registry.meetsMinCollateral(a.address)).to.equal(true);
        const [total, refused] = await f.source.quorumWeightOf([a.address, b.address], await nextTimestamp());
        expect([total, refused]).to.deep.equal([5n * E18, 0n]);
      });

      it("lets a member commit only while its stake meets its minimum (a set backed by nothing slashable is refused)", async function () {
        expect(await f.registry.canCommit(a.address)).to.equal(false);
        await f.addStake(a, E18 / 2n);
        expect(await f.registry.canCommit(a.address)).to.equal(false);
        await f.addStake(a, E18 / 2n);
        expect(await f.registry.canCommit(a.address)).to.equal(true);
        await f.removeStake(a, 1n);
        expect(await f.registry.canCommit(a.address)).to.equal(false);
        await expect(f.registry.commitTermsOf(a.address))
          .to.be.revertedWithCustomError(f.registry, "ConsortiumRegistryInsufficientCollateral")
          .withArgs(a.address, E18 - 1n, E18);
      });

      it("refuses at the first signer without weight: an outsider, a co-signer without stake", async function () {
        await f.addStake(a, 3n * E18);
        expect(await f.source.quorumWeightOf([a.address, f.outsider.address], await nextTimestamp())).to.deep.equal([
          3n * E18,
          2n,
        ]);
        expect(await f.source.quorumWeightOf([c.address, a.address], await nextTimestamp())).to.deep.equal([0n, 1n]);
      });

      it("counts nothing of stake added at or after a subject's creation (bonded weight, not flash weight)", async function () {
        await f.addStake(a, 2n * E18);
        const createdAt = await nextTimestamp();
        await time.setNextBlockTimestamp(createdAt);
        await f.addStake(a, 8n * E18);
        expect(await f.source.stakeOf(a.address)).to.equal(10n * E18);
        expect((await f.source.quorumWeightOf([a.address], createdAt))[0]).to.equal(2n * E18);
        expect((await f.source.quorumWeightOf([a.address], await nextTimestamp()))[0]).to.equal(10n * E18);
      });

      it("counts a decrease at once, for subjects created before it too", async function () {
        await f.addStake(a, 4n * E18);
        const createdAt = await nextTimestamp();
        await time.increase(10);
        await f.removeStake(a, 3n * E18);
        expect(await f.source.stakeOf(a.address)).to.equal(E18);
        expect((await f.source.quorumWeightOf([a.address], createdAt))[0]).to.equal(E18);
      });

      it("stops counting a member that requested its exit or was ejected", async function () {
        await f.addStake(a, 3n * E18);
        await f.addStake(b, 3n * E18);
        await f.registry.connect(a).requestExit();
        await f.registry.connect(f.governance).eject(b.address);
        expect(await f.source.isCoSigner(a.address)).to.equal(false);
        expect((await f.source.quorumWeightOf([a.address], await nextTimestamp()))[1]).to.equal(1n);
        expect((await f.source.quorumWeightOf([b.address], await nextTimestamp()))[1]).to.equal(1n);
      });
    });

    describe("slashing and restitution", function () {
      it("slashes bps of the stake: the bounty to its recipient, the rest to the member's own pool, counted once", async function () {
        await f.addStake(a, 10n * E18);
        await f.addStake(b, 10n * E18);
        const before = await f.balanceOf(f.prover.address);
        await f.source.connect(f.adjudicator).slash(a.address, 5_000, f.prover.address);
        const slashed = 5n * E18;
        const bounty = slashed / 10n; // the fixtures' bounty share: 1000 bps
        expect(await f.balanceOf(f.prover.address)).to.equal(before + bounty);
        expect(await f.source.restitutionOf(a.address, f.poolToken)).to.equal(slashed - bounty);
        expect(await f.source.restitutionOf(b.address, f.poolToken)).to.equal(0n);
        expect(await f.source.stakeOf(a.address)).to.equal(5n * E18);
        expect(await f.source.stakeOf(b.address)).to.equal(10n * E18);
        expect((await f.source.stakeHistoryOf(a.address)).slashCount).to.equal(1n);
        expect(await f.source.clearRestitution.staticCall(a.address, MAX_UINT64)).to.equal(0n);
      });

      it("puts everything in the pool without a bounty recipient", async function () {
        await f.addStake(a, 10n * E18);
        await f.source.connect(f.adjudicator).slash(a.address, 1_000, ethers.ZeroAddress);
        expect(await f.source.restitutionOf(a.address, f.poolToken)).to.equal(E18);
      });

      it("lets only the adjudicator slash, count and release, with bps in (0, 10000]", async function () {
        await f.addStake(a, 10n * E18);
        for (const call of [
          () => f.source.connect(f.outsider).slash(a.address, 100, f.outsider.address),
          () => f.source.connect(f.outsider).countSlash(a.address),
          () => f.source.connect(f.outsider).releaseRestitution(a.address, f.poolToken, f.outsider.address, 1n),
        ]) {
          await expect(call()).to.be.revertedWithCustomError(f.errors, f.notAdjudicatorError);
        }
        await expect(
          f.source.connect(f.adjudicator).slash(a.address, 0, ethers.ZeroAddress),
        ).to.be.revertedWithCustomError(f.errors, f.invalidBpsError);
        await expect(
          f.source.connect(f.adjudicator).slash(a.address, 10_001, ethers.ZeroAddress),
        ).to.be.revertedWithCustomError(f.errors, f.invalidBpsError);
      });

      it("releases a member's pool only to claims against it, never beyond what it holds", async function () {
        await f.addStake(a, 10n * E18);
        await f.source.connect(f.adjudicator).slash(a.address, 5_000, ethers.ZeroAddress);
        const before = await f.balanceOf(f.outsider.address);
        await f.source.connect(f.adjudicator).releaseRestitution(a.address, f.poolToken, f.outsider.address, E18);
        expect(await f.balanceOf(f.outsider.address)).to.equal(before + E18);
        expect(await f.source.restitutionOf(a.address, f.poolToken)).to.equal(4n * E18);
        await expect(
          f.source.connect(f.adjudicator).releaseRestitution(b.address, f.poolToken, f.outsider.address, 1n),
        ).to.be.revertedWithCustomError(f.errors, f.restitutionShortError);
        await expect(
          f.source.connect(f.adjudicator).releaseRestitution(a.address, f.poolToken, f.outsider.address, 4n * E18 + 1n),
        ).to.be.revertedWithCustomError(f.errors, f.restitutionShortError);
      });

      it("counts a zero-share slash for reputation", async function () {
        await f.source.connect(f.adjudicator).countSlash(a.address);
        expect((await f.source.stakeHistoryOf(a.address)).slashCount).to.equal(1n);
      });
    });

    describe("stake history (time-weighted stake for Reputation)", function () {
      it("integrates the cached weight over the time it held", async function () {
        await f.addStake(a, 2n * E18);
        const since = (await f.source.stakeHistoryOf(a.address)).since;
        expect(since).to.be.greaterThan(0n);
        await time.increase(100);
        await f.addStake(a, E18);
        const h = await f.source.stakeHistoryOf(a.address);
        expect(h.weight).to.equal(3n * E18);
        // 2 ETH of weight for the seconds between the two caches.
        expect(h.weightSeconds).to.equal(2n * E18 * (h.lastUpdate - since));
      });
    });
  });
}
