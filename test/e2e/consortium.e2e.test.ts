// End to end on the in-process chain, deployed with the Ignition module (deploy/Consortium.ts): members join,
// a member commits a root that omits a user, operators attest it solvent, the user's fraud proof slashes the
// member (bounty to the prover, claim booked), and the claim is paid from the restitution fund. A proof request
// that goes unanswered is slashed too.
//
// The fraud proof here goes through MockLeafMismatchVerifier: the generated LeafMismatch32Verifier and a real
// Groth16 proof replace it once contracts/verifiers/LeafMismatch32Verifier.sol exists (see the final report).
import { expect } from "chai";
import { network } from "hardhat";
import { Wallet } from "ethers";

import type {} from "../../types/ethers-contracts/hardhat.js";
import { buildConsortiumModule, ROLES } from "../../deploy/Consortium.js";
import {
  Verdict,
  fraudPublicSignals,
  ledgerDomain,
  packSignatures,
  rootsDigest,
  setBlobDigest,
  setSubject,
  signAttestation,
  type AssetCommitment,
  type FraudProofStruct,
} from "../../src/consortium/index.js";

const { ethers, ignition, networkHelpers } = await network.create();
const { time } = networkHelpers;

const ETH = 1n;
const E18 = 10n ** 18n;

async function deployed() {
  const module = buildConsortiumModule("ConsortiumE2E", "MockLeafMismatchVerifier");
  const d = await ignition.deploy(module, {
    parameters: {
      ConsortiumE2E: { responseWindow: 3_600n, quorumWeight: 4n * E18, minSigners: 2n, requestFee: 0n },
    },
  });
  const at = async <T extends string>(name: T, address: { getAddress(): Promise<string> }) =>
    ethers.getContractAt(name, await address.getAddress());
  return {
    registry: await ethers.getContractAt("ConsortiumRegistry", await d.registry.getAddress()),
    vault: await ethers.getContractAt("CollateralVault", await d.vault.getAddress()),
    fund: await ethers.getContractAt("RestitutionFund", await d.fund.getAddress()),
    reputation: await ethers.getContractAt("Reputation", await d.reputation.getAddress()),
    ledger: await ethers.getContractAt("CommitmentLedger", await d.ledger.getAddress()),
    adjudicator: await ethers.getContractAt("Adjudicator", await d.adjudicator.getAddress()),
    verifier: await ethers.getContractAt("MockLeafMismatchVerifier", await d.verifier.getAddress()),
    reserveRegistry: await at("ReserveRegistry", d.reserveRegistry),
  };
}

describe("Consortium end to end", function () {
  it("wires every role as documented", async function () {
    const c = await networkHelpers.loadFixture(deployed);
    const [governance] = await ethers.getSigners();
    const adjudicator = await c.adjudicator.getAddress();
    expect(await c.registry.hasRole(ROLES.ADJUDICATOR_ROLE, adjudicator)).to.equal(true);
    expect(await c.registry.hasRole(ROLES.AUDITOR_ROLE, governance.address)).to.equal(true);
    expect(await c.vault.hasRole(ROLES.ADJUDICATOR_ROLE, adjudicator)).to.equal(true);
    expect(await c.fund.hasRole(ROLES.ADJUDICATOR_ROLE, adjudicator)).to.equal(true);
    expect(await c.reputation.ledger()).to.equal(await c.ledger.getAddress());
    expect(await c.reputation.vault()).to.equal(await c.vault.getAddress());
    expect(await c.ledger.adjudicator()).to.equal(adjudicator);
    expect(await c.registry.collateralVault()).to.equal(await c.vault.getAddress());
    expect(await c.registry.assetToken(ETH)).to.equal(ethers.ZeroAddress);
    const wiring = await c.adjudicator.wiring();
    expect(wiring.verifier).to.equal(await c.verifier.getAddress());
    expect((await c.ledger.quorumParams()).quorumWeight).to.equal(4n * E18);
  });

  it("slashes a member whose committed root omits a user, pays the bounty and the user's claim", async function () {
    const c = await networkHelpers.loadFixture(deployed);
    const [governance, member, user, prover] = await ethers.getSigners();

    // Onboarding: the member and three operators apply, are approved, post collateral and become active.
    const operators = [0, 1, 2].map(() => new Wallet(Wallet.createRandom().privateKey, ethers.provider));
    for (const op of operators) await governance.sendTransaction({ to: op.address, value: 3n * E18 });
    for (const [account, stake] of [[member, 10n * E18], ...operators.map((o) => [o, 2n * E18] as const)] as const) {
      await c.registry.connect(account).applyForMembership(ethers.id("profile"));
      await c.registry.connect(governance).approveGenesis(account.address, ethers.id("genesis"));
      await c.vault.connect(account).deposit(account.address, ethers.ZeroAddress, stake, { value: stake });
      await c.registry.connect(governance).activate(account.address);
    }
    const keyHash = 987654321n;
    const keyFrom = BigInt(await time.latest()) + 5n;
    await c.registry.connect(member).registerKey(keyHash, 3n, 4n, keyFrom);
    await time.increaseTo(keyFrom + 60n);

    // The member commits a root for t (the tree omits the user's record).
    const t = BigInt(await time.latest()) - 30n;
    const commitments: AssetCommitment[] = [
      { asset: 1, rootHash: 55555n, rootSum: 40n * E18, reserves: 41n * E18, blobDigest: ethers.id("blob") },
    ];
    await c.ledger.connect(member).commit(t, commitments);

    // Operators verify and attest it solvent (they only hold records they were forwarded).
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
    expect((await c.ledger.setOf(member.address, t)).status).to.equal(2n);

    // The user's record (1.5 ETH) is missing: a fraud proof names the user as the claim's recipient.
    const claim = 15n * 10n ** 17n;
    const proof: FraudProofStruct = {
      rootHash: 55555n,
      keyHash,
      member: member.address,
      asset: ETH,
      t,
      claim,
      nullifier: 31337n,
      recipient: user.address,
      a: [0n, 0n],
      b: [
        [0n, 0n],
        [0n, 0n],
      ],
      c: [0n, 0n],
    };
    proof.a = [await c.verifier.expectedA0(fraudPublicSignals(proof)), 0n];
    const slashed = 5n * E18; // fraudBps 5000 of 10 ETH
    const bounty = slashed / 10n; // bountyShareBps 1000
    const tx = c.adjudicator.connect(prover).proveFraud(proof);
    await expect(tx).to.emit(c.adjudicator, "FraudProven");
    await expect(tx).to.changeEtherBalances(ethers, [prover, c.fund], [bounty, slashed - bounty]);
    expect(await c.vault.stakeOf(member.address)).to.equal(5n * E18);
    expect((await c.ledger.setOf(member.address, t)).status).to.equal(3n);

    // The claim is paid from the fund to the user, once.
    await expect(c.fund.connect(prover).payClaim(31337n)).to.changeEtherBalances(
      ethers,
      [user, c.fund],
      [claim, -claim],
    );
    const booked = await c.fund.claimOf(31337n);
    expect(booked.paid).to.equal(claim);
    await expect(c.adjudicator.proveFraud(proof)).to.be.revertedWithCustomError(
      c.adjudicator,
      "AdjudicatorNullifierSpent",
    );

    // A request back in time goes unanswered: anyone reports it after the deadline and the member is slashed again.
    await c.ledger.connect(user).requestProof(member.address, t - 1_000n);
    await time.increase(3_601n);
    await expect(c.adjudicator.connect(user).reportMissedDeadline(1n)).to.emit(c.adjudicator, "MissedDeadlineSlashed");
    const rep = await c.reputation.reputationOf(member.address);
    expect(rep.slashCount).to.equal(2n);
    expect(rep.dutiesMet).to.equal(1n);
    expect(rep.dutiesTotal).to.equal(2n);
    expect(await c.reputation.scoreOf(member.address)).to.be.greaterThan(0n);
  });
});
