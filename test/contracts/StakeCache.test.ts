// The vault's cached stake weights (one slot per member with the registry-pushed co-signer flag): what the quorum
// reads through weightsOf, how a token-weight change is kept from leaving stale weights, the registry's pushes on
// every eligibility change, and the stake integral that Reputation reads.
import { expect } from "chai";
import { network } from "hardhat";

import { TOKEN_WEIGHT, deployConsortium, deployWithActiveMember } from "./consortium-fixture.js";

const { ethers, networkHelpers, ignition } = await network.create();
const { time } = networkHelpers;
const ETH = "0x0000000000000000000000000000000000000000";
const ONE = 10n ** 18n;

/** Active member with 2 ETH and 1000 TUSD (weight 0.5 per base unit). */
async function funded() {
  const f = await deployWithActiveMember({ ethers, networkHelpers, ignition });
  const tokenAddress = await f.token.getAddress();
  await f.token.mint(f.member.address, 1_000n);
  await f.token.connect(f.member).approve(await f.vault.getAddress(), 1_000n);
  await f.vault.connect(f.member).deposit(f.member.address, tokenAddress, 1_000n);
  return { ...f, tokenAddress };
}

describe("CollateralVault stake cache", function () {
  describe("weightsOf", function () {
    it("answers each co-signer's stake and zero for an applicant, an outsider, an exiting or an ejected member", async function () {
      const f = await networkHelpers.loadFixture(funded);
      const stake = 2n * ONE + (1_000n * TOKEN_WEIGHT) / ONE;
      expect(await f.vault.stakeOf(f.member.address)).to.equal(stake);
      await f.registry.connect(f.other).applyForMembership("0x" + "02".repeat(32));
      await f.vault.connect(f.other).deposit(f.other.address, ETH, ONE, { value: ONE });
      expect(await f.vault.weightsOf([f.member.address, f.other.address, f.user.address])).to.deep.equal([
        stake,
        0n,
        0n,
      ]);
      await f.registry.connect(f.member).requestExit();
      expect(await f.vault.isCoSigner(f.member.address)).to.equal(false);
      expect(await f.vault.weightsOf([f.member.address])).to.deep.equal([0n]);
      // The exiting member's stake itself is unchanged (still slashable, still shown).
      expect(await f.vault.stakeOf(f.member.address)).to.equal(stake);
    });
    it("follows genesis approval and ejection pushed by the registry", async function () {
      const f = await networkHelpers.loadFixture(funded);
      await f.registry.connect(f.other).applyForMembership("0x" + "02".repeat(32));
      await f.vault.connect(f.other).deposit(f.other.address, ETH, ONE, { value: ONE });
      await expect(f.registry.connect(f.auditor).approveGenesis(f.other.address, "0x" + "ab".repeat(32)))
        .to.emit(f.vault, "CoSignerSet")
        .withArgs(f.other.address, true);
      expect(await f.vault.weightsOf([f.other.address])).to.deep.equal([ONE]);
      await expect(f.registry.connect(f.adjudicator).eject(f.other.address))
        .to.emit(f.vault, "CoSignerSet")
        .withArgs(f.other.address, false);
      expect(await f.vault.weightsOf([f.other.address])).to.deep.equal([0n]);
    });
    it("reverts with CollateralVaultNotRegistry when anyone but the registry pushes a co-signer flag", async function () {
      const f = await networkHelpers.loadFixture(funded);
      await expect(f.vault.connect(f.governance).setCoSigner(f.other.address, true))
        .to.be.revertedWithCustomError(f.vault, "CollateralVaultNotRegistry")
        .withArgs(f.governance.address);
    });
  });

  describe("slash counter", function () {
    it("counts each slash and each zero-share slash, and only the adjudicator may count", async function () {
      const f = await networkHelpers.loadFixture(funded);
      await f.vault.connect(f.adjudicator).slash(f.member.address, 100, f.prover.address);
      await f.vault.connect(f.adjudicator).countSlash(f.member.address);
      expect((await f.vault.stakeHistoryOf(f.member.address)).slashCount).to.equal(2n);
      await expect(f.vault.connect(f.member).countSlash(f.member.address))
        .to.be.revertedWithCustomError(f.vault, "CollateralVaultNotAdjudicator")
        .withArgs(f.member.address);
      expect((await f.vault.stakeHistoryOf(f.member.address)).slashCount).to.equal(2n);
    });
  });

  describe("token weight changes", function () {
    it("never serves a weight cached under the old token weights, and refreshStake re-caches it", async function () {
      const f = await networkHelpers.loadFixture(funded);
      const before = await f.vault.stakeOf(f.member.address);
      await f.vault.connect(f.governance).setTokenWeight(f.tokenAddress, 2n * ONE);
      const after = 2n * ONE + 2_000n;
      expect(before).to.not.equal(after);
      expect(await f.vault.stakeOf(f.member.address)).to.equal(after);
      expect(await f.vault.weightsOf([f.member.address])).to.deep.equal([after]);
      expect((await f.vault.stakeHistoryOf(f.member.address)).current).to.equal(false);
      expect((await f.vault.stakeHistoryOf(f.member.address)).weight).to.equal(before);
      await f.vault.connect(f.other).refreshStake(f.member.address);
      const h = await f.vault.stakeHistoryOf(f.member.address);
      expect(h.current).to.equal(true);
      expect(h.weight).to.equal(after);
    });
  });

  describe("stakeHistoryOf", function () {
    it("integrates each cached weight over the time it held", async function () {
      const f = await networkHelpers.loadFixture(funded);
      const h0 = await f.vault.stakeHistoryOf(f.member.address);
      const start = h0.lastUpdate;
      await time.setNextBlockTimestamp(start + 100n);
      await f.vault.connect(f.member).deposit(f.member.address, ETH, ONE, { value: ONE });
      await time.setNextBlockTimestamp(start + 300n);
      await f.vault.connect(f.member).requestWithdrawal(ETH, 2n * ONE);
      const h = await f.vault.stakeHistoryOf(f.member.address);
      expect(h.weightSeconds).to.equal(h0.weightSeconds + h0.weight * 100n + (h0.weight + ONE) * 200n);
      expect(h.weight).to.equal(h0.weight - ONE);
      expect(h.lastUpdate).to.equal(start + 300n);
      expect(h.since).to.equal(h0.since);
    });
  });
});

async function plain() {
  return deployConsortium({ ethers, networkHelpers, ignition });
}
async function active() {
  return deployWithActiveMember({ ethers, networkHelpers, ignition });
}

describe("ConsortiumRegistry vault wiring", function () {
  it("reverts with ConsortiumRegistryStakeSourceAlreadySet when the vault is set twice", async function () {
    const f = await networkHelpers.loadFixture(plain);
    const vault = await f.vault.getAddress();
    await expect(f.registry.setStakeSource(f.other.address))
      .to.be.revertedWithCustomError(f.registry, "ConsortiumRegistryStakeSourceAlreadySet")
      .withArgs(vault);
  });
  it("answers the ledger's and the adjudicator's combined views", async function () {
    const f = await networkHelpers.loadFixture(active);
    const sla = await f.registry.slaOf(f.member.address);
    expect(await f.registry.commitTermsOf(f.member.address)).to.deep.equal([
      true,
      sla.snapshotInterval,
      sla.responseWindow,
    ]);
    expect(await f.registry.commitTermsOf(f.other.address)).to.deep.equal([false, 0n, 0n]);
    expect(await f.registry.ejectionTermsOf(f.member.address)).to.deep.equal([true, sla.minCollateral]);
    expect(await f.registry.ejectionTermsOf(f.other.address)).to.deep.equal([false, 0n]);
    // Only an Active member is held to its minimum: not an Exiting one (nor, after it, an ejected one).
    await f.registry.connect(f.member).requestExit();
    expect(await f.registry.commitTermsOf(f.member.address)).to.deep.equal([false, 0n, 0n]);
    expect(await f.registry.ejectionTermsOf(f.member.address)).to.deep.equal([false, 0n]);
    await f.registry.connect(f.adjudicator).eject(f.member.address);
    expect(await f.registry.ejectionTermsOf(f.member.address)).to.deep.equal([false, 0n]);
  });
});
