// End to end on the in-process chain, deployed with the Ignition module (deploy/Consortium.ts) and the REAL
// fraud-proof verifier (contracts/verifiers/LeafMismatch32Verifier.sol): members join; a member snapshots its
// ledger with the liabilities engine, commits a root whose tree omits one user, and operators attest it solvent;
// the user's record file (with the payout commitment the member signed for the user's registered payout address) and
// the published leaves go through the fraud prover to a Groth16 proof; the proof slashes the member (bounty to the
// prover, the rest into the member's own restitution pool in the vault) and books the user's claim to the record's
// payout hash in the member's claim round; after the round closes the Adjudicator settles it (insurance share, pro
// rata reserve) and pays the claim to the payout address the record file opens. A proof request that goes unanswered
// is slashed too.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { network } from "hardhat";
import { Wallet } from "ethers";

import type {} from "../../types/ethers-contracts/hardhat.js";
import { buildConsortiumModule, FRAUD_VERIFIER, ROLES } from "../../deploy/Consortium.js";
import { releaseCurves } from "../../src/circuits/index.js";
import {
  Verdict,
  fraudPublicSignals,
  ledgerDomain,
  packSignatures,
  rootsDigest,
  setBlobDigest,
  setSubject,
  signAttestation,
  bookedClaim,
  committedSet,
  type AssetCommitment,
  type FraudProofStruct,
} from "../../src/consortium/index.js";
import { settlementOf } from "../contracts/ledger-fixture.js";
import { FRAUD_ASSET, omissionSnapshot, proveOmission } from "./omission-fraud.js";
import { SetStatus } from "../helpers/enums.js";

const { ethers, ignition, networkHelpers } = await network.create();
const { time } = networkHelpers;

const E18 = 10n ** 18n;

/** proveFraud's arguments: the proof and the member's set at its t, read from the chain and checked (committedSet). */
async function withSet(
  ledger: { getAddress(): Promise<string> },
  proof: FraudProofStruct,
): Promise<[FraudProofStruct, AssetCommitment[]]> {
  const set = await committedSet(ethers.provider, await ledger.getAddress(), proof.member, proof.t);
  return [proof, set.commitments];
}

async function deployed() {
  const module = buildConsortiumModule("ConsortiumE2E", FRAUD_VERIFIER);
  const d = await ignition.deploy(module, {
    parameters: {
      ConsortiumE2E: { responseWindow: 3_600n, quorumWeight: 4n * E18, minSigners: 2n, requestFee: 0n },
    },
  });
  const at = async (address: { getAddress(): Promise<string> }) => address.getAddress();
  return {
    registry: await ethers.getContractAt("ConsortiumRegistry", await at(d.registry)),
    vault: await ethers.getContractAt("CollateralVault", await at(d.vault)),
    reputation: await ethers.getContractAt("Reputation", await at(d.reputation)),
    ledger: await ethers.getContractAt("CommitmentLedger", await at(d.ledger)),
    adjudicator: await ethers.getContractAt("Adjudicator", await at(d.adjudicator)),
    verifier: await ethers.getContractAt("LeafMismatch32Verifier", await at(d.verifier)),
    reserveRegistry: await ethers.getContractAt("ReserveRegistry", await at(d.reserveRegistry)),
  };
}

describe("Consortium end to end (real Groth16 fraud proof)", function () {
  // Snapshot at D = 32 and one Groth16 proof (~2-4 s here; the ceremony is cached by the circuit pipeline).
  this.timeout(300_000);
  let workDir: string;
  before(async function () {
    workDir = await mkdtemp(join(tmpdir(), "por-e2e-"));
  });
  after(async function () {
    await rm(workDir, { recursive: true, force: true });
    // snarkjs keeps worker threads for its curve: release them so the test process can exit.
    await releaseCurves();
  });

  it("wires every role as documented, with the generated verifier", async function () {
    const c = await networkHelpers.loadFixture(deployed);
    const [governance] = await ethers.getSigners();
    const adjudicator = await c.adjudicator.getAddress();
    expect(await c.registry.hasRole(ROLES.ADJUDICATOR_ROLE, adjudicator)).to.equal(true);
    expect(await c.registry.hasRole(ROLES.AUDITOR_ROLE, governance.address)).to.equal(true);
    expect(await c.vault.adjudicator()).to.equal(adjudicator);
    expect(await c.reputation.ledger()).to.equal(await c.ledger.getAddress());
    expect(await c.reputation.stakeSource()).to.equal(await c.vault.getAddress());
    expect(await c.ledger.adjudicator()).to.equal(adjudicator);
    expect(await c.registry.stakeSource()).to.equal(await c.vault.getAddress());
    expect(await c.registry.assetToken(FRAUD_ASSET)).to.equal(ethers.ZeroAddress);
    expect((await c.adjudicator.wiring()).verifier).to.equal(await c.verifier.getAddress());
    expect((await c.ledger.quorumParams()).quorumWeight).to.equal(4n * E18);
  });

  it("slashes a member whose committed root omits a user, pays the bounty and the user's claim from the member's own pool", async function () {
    const c = await networkHelpers.loadFixture(deployed);
    const [governance, member, , prover, requester] = await ethers.getSigners();

    // Onboarding: the member and three operators apply, are approved, post collateral and become active.
    const operators = [0, 1, 2].map(() => new Wallet(Wallet.createRandom().privateKey, ethers.provider));
    for (const op of operators) await governance.sendTransaction({ to: op.address, value: 3n * E18 });
    for (const [account, stake] of [[member, 10n * E18], ...operators.map((o) => [o, 2n * E18] as const)] as const) {
      await c.registry.connect(account).applyForMembership(ethers.id("profile"));
      await c.registry.connect(governance).approveGenesis(account.address, ethers.id("genesis"));
      await c.vault.connect(account).deposit(account.address, ethers.ZeroAddress, stake, { value: stake });
      await c.registry.connect(governance).activate(account.address);
    }

    // The member's snapshot at t: four accounts, every record signed; the published tree omits "bob" (1.5 ETH).
    const keyFrom = BigInt(await time.latest()) + 5n;
    const t = keyFrom + 30n;
    const balances = { alice: 2n * E18, bob: 15n * 10n ** 17n, carol: 7n * 10n ** 17n, dave: 123_456_789n };
    // Bob registered a payout address with the member (the ledger's payout column): restitution goes there.
    const bobPayout = Wallet.createRandom().address;
    const snap = await omissionSnapshot({
      workDir,
      member: member.address,
      t,
      balances,
      victim: "bob",
      payouts: { bob: bobPayout },
    });
    expect(snap.commitment.rootHash).to.not.equal(snap.honestRootHash);
    expect(snap.commitment.rootSum).to.equal(balances.alice + balances.carol + balances.dave);
    // The record key the engine signed with, registered before t (the registry binds the key valid at t).
    await c.registry.connect(member).registerKey(snap.key.keyHash, snap.key.ax, snap.key.ay, keyFrom);
    await time.increaseTo(t + 40n);

    const commitments: AssetCommitment[] = [snap.commitment];
    await c.ledger.connect(member).commit(t, commitments);

    // Operators verify the published leaves against the root and attest the set solvent (they never saw bob's
    // record).
    const domain = ledgerDomain((await ethers.provider.getNetwork()).chainId, await c.ledger.getAddress());
    const attestation = {
      subject: setSubject(member.address, t),
      verdict: Verdict.Solvent,
      rootsDigest: rootsDigest(commitments),
      blobDigest: setBlobDigest(commitments),
    };
    const signatures = packSignatures(await Promise.all(operators.map((o) => signAttestation(o, domain, attestation))));
    await c.ledger.attestCommitment(
      member.address,
      t,
      Verdict.Solvent,
      attestation.rootsDigest,
      attestation.blobDigest,
      signatures,
    );
    expect((await c.ledger.setOf(member.address, t)).status).to.equal(SetStatus.Finalized);

    // Bob proves the omission from his record file and the published leaves. The record carries the payout
    // commitment the member signed (bob registered a payout address in the ledger) and its opening.
    const { file, proof } = await proveOmission(snap);
    expect(file.kind).to.equal("missing-user-empty-slot");
    expect(proof.claim).to.equal(balances.bob);
    expect(proof.rootHash).to.equal(snap.commitment.rootHash);
    const payout = snap.victimPayout;
    if (payout === null) throw new Error("bob's record file carries no payout opening");
    expect(payout.address).to.equal(bobPayout);
    expect(proof.payoutHash).to.not.equal(0n);
    expect(proof.payoutHash).to.equal(snap.victimPayoutHash);
    expect(await c.adjudicator.payoutHashOf(payout.address, payout.salt)).to.equal(proof.payoutHash);
    // The generated verifier accepts exactly these public signals, and no others.
    const signals = fraudPublicSignals(proof);
    expect(await c.verifier.verifyProof(proof.a, proof.b, proof.c, signals)).to.equal(true);
    const proverSalt = 1n;
    const redirect = await c.adjudicator.payoutHashOf(prover.address, proverSalt);
    const redirected = fraudPublicSignals({ ...proof, payoutHash: redirect });
    expect(await c.verifier.verifyProof(proof.a, proof.b, proof.c, redirected)).to.equal(false);
    // A front-runner who copies the proof cannot redirect the claim: the payout commitment is bound into it.
    await expect(
      c.adjudicator.connect(prover).proveFraud(...(await withSet(c.ledger, { ...proof, payoutHash: redirect }))),
    ).to.be.revertedWithCustomError(c.adjudicator, "AdjudicatorInvalidProof");
    // Nor inflate the claim.
    await expect(
      c.adjudicator.connect(prover).proveFraud(...(await withSet(c.ledger, { ...proof, claim: proof.claim + 1n }))),
    ).to.be.revertedWithCustomError(c.adjudicator, "AdjudicatorInvalidProof");

    const slashed = 5n * E18; // fraudBps 5000 of 10 ETH
    const bounty = slashed / 10n; // bountyShareBps 1000
    const pool = slashed - bounty;
    expect(await c.adjudicator.isNullifierSpent(member.address, proof.nullifier)).to.equal(false);
    const tx = c.adjudicator.connect(prover).proveFraud(...(await withSet(c.ledger, proof)));
    // FraudProven is the claim's booking record: member, nullifier, asset, t, claim, payout hash, the claim round it
    // joined (the member's first), prover, slash.
    await expect(tx)
      .to.emit(c.adjudicator, "FraudProven")
      .withArgs(
        member.address,
        proof.nullifier,
        FRAUD_ASSET,
        t,
        balances.bob,
        proof.payoutHash,
        1n,
        prover.address,
        slashed,
      );
    // The bounty leaves the vault; the restitution share stays in it, in the member's own pool.
    await expect(tx).to.changeEtherBalances(ethers, [prover, c.vault], [bounty, -bounty]);
    const receipt = await (await tx).wait();
    console.log(`      proveFraud with the real Groth16 verifier: ${receipt?.gasUsed} gas`);
    expect(await c.vault.stakeOf(member.address)).to.equal(5n * E18);
    expect(await c.vault.restitutionOf(member.address, ethers.ZeroAddress)).to.equal(pool);
    expect(await c.vault.restitutionOf(operators[0].address, ethers.ZeroAddress)).to.equal(0n);
    expect((await c.ledger.setOf(member.address, t)).status).to.equal(SetStatus.Fraudulent);
    const set = await committedSet(ethers.provider, await c.ledger.getAddress(), member.address, t);
    expect(set.fraudulentAssets).to.deep.equal([FRAUD_ASSET]);
    // The nullifier is spent against this member only.
    expect(await c.adjudicator.isNullifierSpent(member.address, proof.nullifier)).to.equal(true);
    expect(await c.adjudicator.isNullifierSpent(operators[0].address, proof.nullifier)).to.equal(false);
    // The claim is booked to bob's payout hash, in round 1 of (member, ETH), which closes a claim window later
    // (max(claimWindow, unbondingDelay) = 7 days).
    const adjudicatorAddress = await c.adjudicator.getAddress();
    const booked = await bookedClaim(ethers.provider, adjudicatorAddress, member.address, proof.nullifier);
    if (booked === undefined) throw new Error("no claim booked");
    const provedAt = BigInt((await ethers.provider.getBlock(receipt!.blockNumber))!.timestamp);
    const terms = { asset: FRAUD_ASSET, claim: balances.bob, round: 1, payoutHash: proof.payoutHash };
    expect(booked.member).to.equal(member.address);
    expect(booked.terms).to.deep.equal(terms);
    expect(booked.t).to.equal(t);
    expect(booked.token).to.equal(ethers.ZeroAddress);
    expect(booked.status).to.equal("open");
    expect(booked.closesAt).to.equal(provedAt + 7n * 86_400n);
    expect(booked.payment).to.equal(0n);
    expect(booked.prover).to.equal(prover.address);
    expect(await bookedClaim(ethers.provider, adjudicatorAddress, operators[0].address, proof.nullifier)).to.equal(
      undefined,
    );
    const round = await c.adjudicator.roundOf(member.address, ethers.ZeroAddress, 0);
    expect([round.round, round.closesAt, round.booked, round.settled]).to.deep.equal([
      1n,
      booked.closesAt,
      balances.bob,
      false,
    ]);
    // Half the stake is left, above the 1 ETH minimum: the member is not ejectable.
    await expect(c.adjudicator.ejectUndercollateralized(member.address))
      .to.be.revertedWithCustomError(c.adjudicator, "AdjudicatorCollateralSufficient")
      .withArgs(member.address, 5n * E18, E18);

    // Payment waits for the round to close.
    const adj = c.adjudicator.connect(prover);
    await expect(adj.payClaim(member.address, proof.nullifier, terms, payout.address, payout.salt))
      .to.be.revertedWithCustomError(c.adjudicator, "RestitutionRoundOpen")
      .withArgs(member.address, ethers.ZeroAddress, 1n, booked.closesAt);
    await time.increaseTo(booked.closesAt);

    // Then anyone pays it, only to the opening of bob's payout hash, once. The caller names the member and the
    // claim's terms (FraudProven): any other member or terms are refused, and so is any other payout.
    await expect(adj.payClaim(member.address, proof.nullifier, terms, prover.address, proverSalt))
      .to.be.revertedWithCustomError(c.adjudicator, "RestitutionWrongPayout")
      .withArgs(member.address, proof.nullifier, prover.address);
    await expect(adj.payClaim(member.address, proof.nullifier, terms, payout.address, payout.salt + 1n))
      .to.be.revertedWithCustomError(c.adjudicator, "RestitutionWrongPayout")
      .withArgs(member.address, proof.nullifier, payout.address);
    await expect(adj.payClaim(operators[0].address, proof.nullifier, terms, payout.address, payout.salt))
      .to.be.revertedWithCustomError(c.adjudicator, "RestitutionUnknownClaim")
      .withArgs(operators[0].address, proof.nullifier);
    await expect(
      adj.payClaim(member.address, proof.nullifier, { ...terms, claim: terms.claim + 1n }, payout.address, payout.salt),
    )
      .to.be.revertedWithCustomError(c.adjudicator, "RestitutionUnknownClaim")
      .withArgs(member.address, proof.nullifier);

    // The first payment settles round 1: min(booked, 80% of the pool) is reserved for the round's claims and the
    // insurance share (20%) of what the round takes goes to the insurance side (reserved / 4); the rest stays in
    // the pool. Bob's claim is paid claim * reserved / booked (the whole claim here: the pool covers it).
    const { reserved, insurance } = settlementOf(pool, balances.bob, 2_000n);
    expect(insurance * 10_000n).to.equal((insurance + reserved) * 2_000n);
    const share = (balances.bob * reserved) / balances.bob;
    expect(share).to.equal(balances.bob);
    const paying = adj.payClaim(member.address, proof.nullifier, terms, payout.address, payout.salt);
    await expect(paying).to.changeEtherBalances(
      ethers,
      [payout.address, c.vault, c.adjudicator, prover],
      [share, -(insurance + reserved), insurance + reserved - share, 0n],
    );
    await expect(paying)
      .to.emit(c.adjudicator, "RoundSettled")
      .withArgs(member.address, ethers.ZeroAddress, 1n, pool, insurance, balances.bob, reserved);
    await expect(paying)
      .to.emit(c.adjudicator, "ClaimPaid")
      .withArgs(member.address, proof.nullifier, payout.address, ethers.ZeroAddress, share);
    await expect(paying)
      .to.emit(c.vault, "RestitutionReleased")
      .withArgs(member.address, ethers.ZeroAddress, adjudicatorAddress, insurance + reserved);
    const paid = await bookedClaim(ethers.provider, adjudicatorAddress, member.address, proof.nullifier);
    expect(paid?.status).to.equal("paid");
    expect(await c.vault.restitutionOf(member.address, ethers.ZeroAddress)).to.equal(pool - insurance - reserved);
    expect((await c.vault.totals(ethers.ZeroAddress)).released).to.equal(insurance + reserved);
    const totals = await c.adjudicator.claimTotalsOf(ethers.ZeroAddress);
    expect([totals.insurance, totals.reserved]).to.deep.equal([insurance, reserved - share]);
    await expect(c.adjudicator.payClaim(member.address, proof.nullifier, terms, payout.address, payout.salt))
      .to.be.revertedWithCustomError(c.adjudicator, "RestitutionClaimPaid")
      .withArgs(member.address, proof.nullifier);
    await expect(c.adjudicator.proveFraud(...(await withSet(c.ledger, proof))))
      .to.be.revertedWithCustomError(c.adjudicator, "AdjudicatorNullifierSpent")
      .withArgs(member.address, proof.nullifier);

    // A request back in time goes unanswered: anyone reports it after the deadline and the member is slashed again.
    await c.ledger.connect(requester).requestProof(member.address, t - 1_000n);
    await time.increase(3_601n);
    await expect(c.adjudicator.connect(requester).reportMissedDeadline(1n)).to.emit(
      c.adjudicator,
      "MissedDeadlineSlashed",
    );
    const rep = await c.reputation.reputationOf(member.address);
    expect(rep.slashCount).to.equal(2n);
    expect(rep.dutiesMet).to.equal(1n);
    expect(rep.dutiesTotal).to.equal(2n);
    expect(await c.reputation.scoreOf(member.address)).to.be.greaterThan(0n);
  });

  it("refuses the proof against an honest commitment of the same snapshot (the root binds it)", async function () {
    const c = await networkHelpers.loadFixture(deployed);
    const [governance, member] = await ethers.getSigners();
    await c.registry.connect(member).applyForMembership(ethers.id("profile"));
    await c.registry.connect(governance).approveGenesis(member.address, ethers.id("genesis"));
    await c.vault.connect(member).deposit(member.address, ethers.ZeroAddress, 2n * E18, { value: 2n * E18 });
    const keyFrom = BigInt(await time.latest()) + 5n;
    const t = keyFrom + 30n;
    await mkdir(join(workDir, "honest"));
    const balances = { erin: 3n * E18, frank: 4n * E18 };
    const snap = await omissionSnapshot({
      workDir: join(workDir, "honest"),
      member: member.address,
      t,
      balances,
      victim: "frank",
    });
    await c.registry.connect(member).registerKey(snap.key.keyHash, snap.key.ax, snap.key.ay, keyFrom);
    await time.increaseTo(t + 40n);
    // This time the member commits the honest root: the proof (made against the doctored tree) walks to another
    // root, so the ledger refuses to bind it.
    await c.ledger.connect(member).commit(t, [{ ...snap.commitment, rootHash: snap.honestRootHash }]);
    const { proof } = await proveOmission(snap);
    await expect(c.adjudicator.proveFraud(...(await withSet(c.ledger, proof))))
      .to.be.revertedWithCustomError(c.adjudicator, "AdjudicatorRootMismatch")
      .withArgs(snap.honestRootHash, proof.rootHash);
  });
});
