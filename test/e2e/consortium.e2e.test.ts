// End to end on the in-process chain, deployed with the Ignition module (deploy/Consortium.ts) and the REAL
// fraud-proof verifier (contracts/verifiers/LeafMismatch32Verifier.sol): members join; a member snapshots its
// ledger with the liabilities engine, commits a root whose tree omits one user, and operators attest it solvent;
// the user's record file and the published leaves go through the fraud prover to a Groth16 proof; the proof
// slashes the member (bounty to the prover, the rest into the member's own restitution pool in the vault), books the
// user's claim in the Adjudicator, which pays it from that pool. A proof request that goes unanswered is slashed too.
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
import { FRAUD_ASSET, omissionSnapshot, proveOmission } from "./omission-fraud.js";

const { ethers, ignition, networkHelpers } = await network.create();
const { time } = networkHelpers;

const E18 = 10n ** 18n;
const SetStatus = { Pending: 1n, Finalized: 2n, Fraudulent: 3n };

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
    expect(await c.reputation.vault()).to.equal(await c.vault.getAddress());
    expect(await c.ledger.adjudicator()).to.equal(adjudicator);
    expect(await c.registry.collateralVault()).to.equal(await c.vault.getAddress());
    expect(await c.registry.assetToken(FRAUD_ASSET)).to.equal(ethers.ZeroAddress);
    expect((await c.adjudicator.wiring()).verifier).to.equal(await c.verifier.getAddress());
    expect((await c.ledger.quorumParams()).quorumWeight).to.equal(4n * E18);
  });

  it("slashes a member whose committed root omits a user, pays the bounty and the user's claim from the member's own pool", async function () {
    const c = await networkHelpers.loadFixture(deployed);
    const [governance, member, user, prover, requester] = await ethers.getSigners();

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
    const snap = await omissionSnapshot({ workDir, member: member.address, t, balances, victim: "bob" });
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

    // Bob proves the omission from his record file and the published leaves; the claim is paid to him.
    const { file, proof } = await proveOmission(snap, user.address);
    expect(file.kind).to.equal("missing-user-empty-slot");
    expect(proof.claim).to.equal(balances.bob);
    expect(proof.rootHash).to.equal(snap.commitment.rootHash);
    // The generated verifier accepts exactly these public signals, and no others.
    const signals = fraudPublicSignals(proof);
    expect(await c.verifier.verifyProof(proof.a, proof.b, proof.c, signals)).to.equal(true);
    const redirected = fraudPublicSignals({ ...proof, recipient: prover.address });
    expect(await c.verifier.verifyProof(proof.a, proof.b, proof.c, redirected)).to.equal(false);
    // A front-runner who copies the proof cannot redirect the claim: the recipient is bound into it.
    await expect(
      c.adjudicator.connect(prover).proveFraud(...(await withSet(c.ledger, { ...proof, recipient: prover.address }))),
    ).to.be.revertedWithCustomError(c.adjudicator, "AdjudicatorInvalidProof");
    // Nor inflate the claim.
    await expect(
      c.adjudicator.connect(prover).proveFraud(...(await withSet(c.ledger, { ...proof, claim: proof.claim + 1n }))),
    ).to.be.revertedWithCustomError(c.adjudicator, "AdjudicatorInvalidProof");

    const slashed = 5n * E18; // fraudBps 5000 of 10 ETH
    const bounty = slashed / 10n; // bountyShareBps 1000
    const tx = c.adjudicator.connect(prover).proveFraud(...(await withSet(c.ledger, proof)));
    // FraudProven is the claim's booking record: member, nullifier, asset, t, claim, recipient, prover, slash.
    await expect(tx)
      .to.emit(c.adjudicator, "FraudProven")
      .withArgs(member.address, proof.nullifier, FRAUD_ASSET, t, balances.bob, user.address, prover.address, slashed);
    // The bounty leaves the vault; the restitution share stays in it, in the member's own pool.
    await expect(tx).to.changeEtherBalances(ethers, [prover, c.vault], [bounty, -bounty]);
    const receipt = await (await tx).wait();
    console.log(`      proveFraud with the real Groth16 verifier: ${receipt?.gasUsed} gas`);
    expect(await c.vault.stakeOf(member.address)).to.equal(5n * E18);
    expect(await c.vault.restitutionOf(member.address, ethers.ZeroAddress)).to.equal(slashed - bounty);
    expect(await c.vault.restitutionOf(operators[0].address, ethers.ZeroAddress)).to.equal(0n);
    expect((await c.ledger.setOf(member.address, t)).status).to.equal(SetStatus.Fraudulent);
    const set = await committedSet(ethers.provider, await c.ledger.getAddress(), member.address, t);
    expect(set.fraudulentAssets).to.deep.equal([FRAUD_ASSET]);
    const adjudicatorAddress = await c.adjudicator.getAddress();
    const booked = await bookedClaim(ethers.provider, adjudicatorAddress, proof.nullifier);
    expect(booked?.member).to.equal(member.address);
    expect(booked?.asset).to.equal(FRAUD_ASSET);
    expect(booked?.t).to.equal(t);
    expect(booked?.amount).to.equal(balances.bob);
    expect(booked?.remaining).to.equal(balances.bob);
    expect(booked?.recipient).to.equal(user.address);
    expect(booked?.prover).to.equal(prover.address);
    // Half the stake is left, above the 1 ETH minimum: the member is not ejectable.
    await expect(c.adjudicator.ejectUndercollateralized(member.address))
      .to.be.revertedWithCustomError(c.adjudicator, "AdjudicatorCollateralSufficient")
      .withArgs(member.address, 5n * E18, E18);

    // The claim is paid from the member's pool to bob's address, once; the same record never proves twice. The
    // caller names the member and the recipient the claim was booked for (FraudProven): any other pair is refused.
    await expect(c.adjudicator.connect(prover).payClaim(proof.nullifier, member.address, prover.address))
      .to.be.revertedWithCustomError(c.adjudicator, "RestitutionWrongClaimant")
      .withArgs(proof.nullifier, member.address, prover.address);
    await expect(c.adjudicator.connect(prover).payClaim(proof.nullifier, operators[0].address, user.address))
      .to.be.revertedWithCustomError(c.adjudicator, "RestitutionWrongClaimant")
      .withArgs(proof.nullifier, operators[0].address, user.address);
    const paying = c.adjudicator.connect(prover).payClaim(proof.nullifier, member.address, user.address);
    await expect(paying).to.changeEtherBalances(ethers, [user, c.vault], [balances.bob, -balances.bob]);
    await expect(paying)
      .to.emit(c.adjudicator, "ClaimPaid")
      .withArgs(proof.nullifier, member.address, user.address, ethers.ZeroAddress, balances.bob, 0n);
    await expect(paying)
      .to.emit(c.vault, "RestitutionReleased")
      .withArgs(member.address, ethers.ZeroAddress, user.address, balances.bob);
    expect((await bookedClaim(ethers.provider, adjudicatorAddress, proof.nullifier))?.paid).to.equal(balances.bob);
    expect(await c.vault.restitutionOf(member.address, ethers.ZeroAddress)).to.equal(slashed - bounty - balances.bob);
    expect((await c.vault.totals(ethers.ZeroAddress)).released).to.equal(balances.bob);
    await expect(c.adjudicator.payClaim(proof.nullifier, member.address, user.address))
      .to.be.revertedWithCustomError(c.adjudicator, "RestitutionClaimSettled")
      .withArgs(proof.nullifier);
    await expect(c.adjudicator.proveFraud(...(await withSet(c.ledger, proof))))
      .to.be.revertedWithCustomError(c.adjudicator, "AdjudicatorNullifierSpent")
      .withArgs(proof.nullifier);

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
    const [governance, member, user] = await ethers.getSigners();
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
    const { proof } = await proveOmission(snap, user.address);
    await expect(c.adjudicator.proveFraud(...(await withSet(c.ledger, proof))))
      .to.be.revertedWithCustomError(c.adjudicator, "AdjudicatorRootMismatch")
      .withArgs(snap.honestRootHash, proof.rootHash);
  });
});
