// Independent attack review of issue 12's money path: each test attempts an attack of the issue (or a new one against
// the new code) with REAL Groth16 proofs from src/prover (the cached development LeafMismatch32 / RootSumMismatch
// ceremonies) against the real contracts and verifiers (test/contracts/ledger-fixture.ts wired like
// deploy/Consortium.ts with LeafMismatch32Verifier and RootSumMismatchVerifier), and asserts the attacker does not
// profit. Where an attack still pays, the test asserts today's behaviour and says FINDING in its name.
import { expect } from "chai";
import { network } from "hardhat";
import { Wallet } from "ethers";
import * as snarkjs from "snarkjs";

import type {} from "../../types/ethers-contracts/hardhat.js";
import { circuitArtifacts, releaseCurves } from "../../src/circuits/index.js";
import {
  FraudProofRefused,
  buildStatement,
  proveFraud,
  proveRootSum,
  toFraudProofStruct,
  loadProverCrypto,
  type FraudProofStruct,
  type SignedRecord,
} from "../../src/prover/index.js";
import { Verdict, rootsDigest, setBlobDigest, setSubject, type AssetCommitment } from "../../src/consortium/index.js";
import { payoutHashOf } from "../../src/records/payout.js";
import {
  deployLedgerSystem,
  settlementOf,
  ETH_ASSET,
  INSURANCE_SHARE_BPS,
  MAX_INSURANCE_SHARE_BPS,
  TOKEN_ASSET,
  MEMBER_STAKE,
} from "../contracts/ledger-fixture.js";
import { P, type Crypto, type Node, type Record6 } from "../circuits/helpers.js";
import { SparseTree, keyHash, rawLeafMismatchInput, signRecord } from "./attacks-fixture.js";
import { circomlibOracle } from "../helpers/circomlib-oracle.js";
import { rejectionOf } from "../helpers/expect.js";

const { ethers, networkHelpers, ignition } = await network.create();
const { time } = networkHelpers;

const E18 = 10n ** 18n;
const WINDOW = 7n * 86_400n; // max(claimWindow 2 days, unbonding 7 days)
const MAX_BALANCE = (1n << 96n) - 1n;

const M_PRV = Uint8Array.from({ length: 32 }, (_, i) => (i * 13 + 1) & 0xff);
const M2_PRV = Uint8Array.from({ length: 32 }, (_, i) => (i * 29 + 5) & 0xff);
const ROTATED_PRV = Uint8Array.from({ length: 32 }, (_, i) => (i * 31 + 9) & 0xff);

// Users of member M's ETH tree (the tree M commits holds U at slot 0 and omits V at slot 1).
const U = { slot: 0n, accountKey: 111_111n, balance: 2n * E18 };
const V = { slot: 1n, accountKey: 222_222n, balance: 15n * 10n ** 17n };
const FAKE = { slot: 2n, accountKey: 333_333n, balance: MAX_BALANCE };
const X = { slot: 0n, accountKey: 444_444n, balance: 5n * E18 };
const V_SALT = 0x5a17n;
const FAKE_SALT = 0xbadn;

interface World {
  c: Crypto;
  honest: SparseTree; // {U}: omits V (and has nothing at FAKE's slot)
  wrapped: SparseTree; // {X} with a top sibling of sum p - 4 ETH
  empty: SparseTree;
}

let world: World;

function commitmentOf(asset: number, root: Node, rootSum = root.s): AssetCommitment {
  return { asset, rootHash: root.h, rootSum, reserves: rootSum + 1n, blobDigest: "0x" + "11".repeat(32) };
}

/** The system, the claimant contract (V's payout), M2 and every set the attacks need, at fixed offsets. */
async function deployed() {
  const f = await deployLedgerSystem(
    { ethers, networkHelpers, ignition },
    {
      verifier: "LeafMismatch32Verifier",
      rootSumVerifier: "RootSumMismatchVerifier",
      operators: 3,
    },
  );
  const claimant = await ethers.deployContract("TestReentrantClaimant");
  const m2 = f.other;
  await f.onboard(m2, MEMBER_STAKE);
  const { c } = world;
  const [ax, ay] = c.publicKey(M_PRV);
  const [bx, by] = c.publicKey(M2_PRV);
  const now0 = BigInt(await time.latest());
  const keyFrom = now0 + 10n;
  await f.registry.connect(f.member).registerKey(keyHash(c, M_PRV), ax, ay, keyFrom);
  await f.registry.connect(m2).registerKey(keyHash(c, M2_PRV), bx, by, keyFrom);
  await time.increaseTo(now0 + 1_000n);
  const tA = now0 + 100n; // omission of V (and the fake self-records)
  const tC = now0 + 200n; // a set that leaves ETH out
  const tD = now0 + 300n; // the wrapped top sibling
  const tE = now0 + 400n; // an understated root sum
  const setA = [commitmentOf(ETH_ASSET, world.honest.root)];
  const setC = [commitmentOf(TOKEN_ASSET, world.honest.root)];
  // The wrapped tree's root sum looks like 1 ETH (5 ETH of X minus the wrapped 4 ETH).
  const setD = [commitmentOf(ETH_ASSET, world.wrapped.root)];
  const setE = [commitmentOf(ETH_ASSET, world.honest.root, world.honest.root.s - 1n)];
  const setA2 = [commitmentOf(ETH_ASSET, world.empty.root)];
  await f.ledger.connect(f.member).commit(tA, setA);
  await f.ledger.connect(f.member).commit(tC, setC);
  await f.ledger.connect(f.member).commit(tD, setD);
  await f.ledger.connect(f.member).commit(tE, setE);
  await f.ledger.connect(m2).commit(tA, setA2);
  // Attack 7: right after its commits M rotates its key (validFrom = now); the key that signed the sets stays valid.
  const [rx, ry] = c.publicKey(ROTATED_PRV);
  await f.registry.connect(f.member).registerKey(keyHash(c, ROTATED_PRV), rx, ry, BigInt(await time.latest()) + 1n);
  await time.increase(10n);
  return { ...f, claimant, m2, tA, tC, tD, tE, setA, setC, setD, setE, setA2 };
}
type Fx = Awaited<ReturnType<typeof deployed>>;

interface Proofs {
  v: FraudProofStruct; // V's record against M's set at tA (payout: the claimant contract)
  forged: FraudProofStruct; // V's exact message signed by M2's key, against M2's set at tA
  fake: FraudProofStruct; // M's own fake 2^96-1 record against itself (payout: M's address)
  missing: FraudProofStruct; // an ETH record of M at tC, whose set leaves ETH out
  wrap: FraudProofStruct; // X's record under the wrapped top sibling (malformed mode)
  rootSum: { a: [string, string]; b: [[string, string], [string, string]]; c: [string, string] };
  vRecord: SignedRecord;
  uRecord: SignedRecord;
  vPayoutHash: bigint;
  fakePayoutHash: bigint;
}
let proofs: Proofs;

function rec(f: Fx, user: { slot: bigint; accountKey: bigint; balance: bigint }, t: bigint, payoutHash: bigint) {
  return {
    member: BigInt(f.member.address),
    asset: BigInt(ETH_ASSET),
    t,
    slot: user.slot,
    accountKey: user.accountKey,
    balance: user.balance,
    payoutHash,
  } satisfies Record6;
}

async function prove(record: SignedRecord, tree: SparseTree): Promise<FraudProofStruct> {
  const { file } = await proveFraud({ record, path: tree.path(record.slot), expectedRoot: tree.root.h });
  return toFraudProofStruct(file);
}

function termsOf(p: FraudProofStruct, round = 1n) {
  return { asset: p.asset, claim: p.claim, round, payoutHash: p.payoutHash };
}

async function ethBalance(a: string): Promise<bigint> {
  return ethers.provider.getBalance(a);
}

describe("Money-path attacks of issue 12 (real Groth16 proofs)", function () {
  this.timeout(600_000);

  before(async function () {
    const c = await circomlibOracle();
    const leafOf = (u: { accountKey: bigint; balance: bigint }): Node => ({
      h: c.poseidon([u.accountKey, u.balance]),
      s: u.balance,
    });
    const honest = new SparseTree(c, new Map([[U.slot, leafOf(U)]]));
    // A fake subtree as the root's right child, its sum wrapped to p - 4 ETH.
    const wrapped = new SparseTree(
      c,
      new Map([[X.slot, leafOf(X)]]),
      new Map([["31:1", { h: 987_654_321n, s: P - 4n * E18 }]]),
    );
    const empty = new SparseTree(c, new Map());
    world = { c, honest, wrapped, empty };

    const f = await networkHelpers.loadFixture(deployed);
    const claimant = await f.claimant.getAddress();
    const vPayoutHash = payoutHashOf({ address: claimant, salt: V_SALT });
    const fakePayoutHash = payoutHashOf({ address: f.member.address, salt: FAKE_SALT });
    const vRec = rec(f, V, f.tA, vPayoutHash);
    const vRecord = signRecord(c, vRec, M_PRV);
    const uRecord = signRecord(c, rec(f, U, f.tA, 0n), M_PRV);
    const forgedRecord = signRecord(c, vRec, M2_PRV); // the victim's exact message, M2's key
    const fakeRecord = signRecord(c, rec(f, FAKE, f.tA, fakePayoutHash), M_PRV);
    const missingRecord = signRecord(c, rec(f, U, f.tC, vPayoutHash), M_PRV);
    const wrapRecord = signRecord(c, rec(f, X, f.tD, vPayoutHash), M_PRV);
    const rs = await proveRootSum({
      member: BigInt(f.member.address),
      asset: ETH_ASSET,
      t: f.tE,
      rootSum: f.setE[0].rootSum,
      path: honest.path(U.slot),
      expectedRoot: honest.root.h,
    });
    proofs = {
      v: await prove(vRecord, honest),
      forged: await prove(forgedRecord, empty),
      fake: await prove(fakeRecord, honest),
      missing: await prove(missingRecord, empty),
      wrap: await prove(wrapRecord, wrapped),
      rootSum: rs.file.proof,
      vRecord,
      uRecord,
      vPayoutHash,
      fakePayoutHash,
    };
  });

  after(async function () {
    await releaseCurves();
  });

  it("attack 1 + 7 + reentrancy: the member front-runs its victim's proof (after rotating its key): it gets only the bounty, the claim stays the victim's and is paid once to the victim's payout", async function () {
    const f = await networkHelpers.loadFixture(deployed);
    const { v } = proofs;
    const sock = f.prover; // an address the cheating member controls
    const before = await ethBalance(sock.address);
    const tx = await f.adjudicator.connect(sock).proveFraud(v, f.setA);
    const rc = await tx.wait();
    const gas = rc!.gasUsed * rc!.gasPrice;
    // Slash 50% of 10 ETH: 0.5 ETH bounty to the prover, 4.5 ETH into M's pool.
    expect((await ethBalance(sock.address)) - before + gas).to.equal(5n * 10n ** 17n);
    expect(await f.vault.restitutionOf(f.member.address, ethers.ZeroAddress)).to.equal(45n * 10n ** 17n);
    expect(v.payoutHash).to.equal(proofs.vPayoutHash);
    // The victim's own proof finds its nullifier spent, but loses nothing: the booked claim is its payout's.
    await expect(f.adjudicator.connect(f.user).proveFraud(v, f.setA)).to.be.revertedWithCustomError(
      f.adjudicator,
      "AdjudicatorNullifierSpent",
    );
    const terms = termsOf(v);
    // Not before the window (no race, no early exit).
    await expect(
      f.adjudicator.payClaim(f.member.address, v.nullifier, terms, await f.claimant.getAddress(), V_SALT),
    ).to.be.revertedWithCustomError(f.adjudicator, "RestitutionRoundOpen");
    await time.increase(WINDOW);
    // The member cannot redirect it: any other address (or salt) does not open the payout hash.
    await expect(
      f.adjudicator.connect(sock).payClaim(f.member.address, v.nullifier, terms, sock.address, V_SALT),
    ).to.be.revertedWithCustomError(f.adjudicator, "RestitutionWrongPayout");
    // Nor inflate, re-round or re-target the terms (the 256-bit digest binds them).
    for (const bad of [
      { ...terms, claim: terms.claim + 1n },
      { ...terms, round: 2n },
      { ...terms, payoutHash: payoutHashOf({ address: sock.address, salt: 1n }) },
    ]) {
      await expect(
        f.adjudicator.payClaim(f.member.address, v.nullifier, bad, sock.address, 1n),
      ).to.be.revertedWithCustomError(f.adjudicator, "RestitutionUnknownClaim");
    }
    // The payout is a contract that re-enters payClaim once: the re-entry fails, the payment is made once.
    await f.claimant.arm(await f.adjudicator.getAddress(), f.member.address, v.nullifier, terms, V_SALT, false);
    await f.adjudicator.connect(f.user).payClaim(f.member.address, v.nullifier, terms, f.claimant, V_SALT);
    expect(await ethBalance(await f.claimant.getAddress())).to.equal(V.balance);
    expect(await f.claimant.attempts()).to.equal(1n);
    expect(await f.claimant.reentered()).to.equal(0n);
    await expect(
      f.adjudicator.payClaim(f.member.address, v.nullifier, terms, f.claimant, V_SALT),
    ).to.be.revertedWithCustomError(f.adjudicator, "RestitutionClaimPaid");
    // Replay of the same proof in a later round: still spent.
    await expect(f.adjudicator.proveFraud(v, f.setA)).to.be.revertedWithCustomError(
      f.adjudicator,
      "AdjudicatorNullifierSpent",
    );
  });

  it("attack 2 + 10: a second member signs the victim's exact message with its own key: it convicts only itself, the victim's claim on the cheater stays provable and payable", async function () {
    const f = await networkHelpers.loadFixture(deployed);
    const { v } = proofs;
    // The proof file names the message's member (M); the circuit keeps the member private, so the attacker
    // submits it as M2's (the only member its key hash is valid for).
    expect(proofs.forged.member.toLowerCase()).to.equal(f.member.address.toLowerCase());
    const forged = { ...proofs.forged, member: f.m2.address };
    expect(forged.nullifier).to.equal(v.nullifier); // the nullifier depends only on the message
    await expect(f.adjudicator.connect(f.prover).proveFraud(forged, f.setA2)).to.emit(f.adjudicator, "FraudProven");
    expect(await f.adjudicator.isNullifierSpent(f.m2.address, v.nullifier)).to.equal(true);
    expect(await f.adjudicator.isNullifierSpent(f.member.address, v.nullifier)).to.equal(false);
    expect(await f.vault.stakeOf(f.member.address)).to.equal(MEMBER_STAKE);
    // The forged proof cannot be pointed at M (its key hash is M2's) nor M's set.
    await expect(f.adjudicator.proveFraud(proofs.forged, f.setA)).to.be.revertedWithCustomError(
      f.adjudicator,
      "AdjudicatorKeyNotValid",
    );
    // The victim's real proof against the cheater still convicts and books to the victim's payout.
    await expect(f.adjudicator.connect(f.user).proveFraud(v, f.setA)).to.emit(f.adjudicator, "FraudProven");
    await time.increase(WINDOW);
    await f.adjudicator.payClaim(f.member.address, v.nullifier, termsOf(v), f.claimant, V_SALT);
    // M2's claim books to the same payout commitment (the one in the message M2 signed): M2's pool pays the
    // victim too; M2 got nothing back but the 0.5 ETH bounty its prover may take.
    await f.adjudicator.payClaim(f.m2.address, v.nullifier, termsOf(forged), f.claimant, V_SALT);
    expect(await ethBalance(await f.claimant.getAddress())).to.equal(2n * V.balance);
  });

  it("attack 3 (worst case of docs/threat-model.md): self-proof of a 2^96-1 record plus the front-run victim proof, no veto: the member recovers exactly bounty + 80% of its pool = 82% of its slashes, only after the window; victims are diluted to dust", async function () {
    const f = await networkHelpers.loadFixture(deployed);
    const { fake, v } = proofs;
    const sock = f.prover;
    // Refused: a withdrawal below the minimum.
    await expect(
      f.vault.connect(f.member).requestWithdrawal(ethers.ZeroAddress, 95n * 10n ** 17n),
    ).to.be.revertedWithCustomError(f.vault, "CollateralVaultBelowMinimum");
    const before = await ethBalance(sock.address);
    let gas = 0n;
    for (const p of [fake, v]) {
      const rc = await (await f.adjudicator.connect(sock).proveFraud(p, f.setA)).wait();
      gas += rc!.gasUsed * rc!.gasPrice;
    }
    const bounties = (await ethBalance(sock.address)) - before + gas;
    // Slashes 5 + 2.5 ETH; bounties 0.5 + 0.25; pool 6.75.
    expect(bounties).to.equal(75n * 10n ** 16n);
    expect(await f.vault.restitutionOf(f.member.address, ethers.ZeroAddress)).to.equal(675n * 10n ** 16n);
    await expect(
      f.adjudicator.payClaim(f.member.address, fake.nullifier, termsOf(fake), f.member.address, FAKE_SALT),
    ).to.be.revertedWithCustomError(f.adjudicator, "RestitutionRoundOpen");
    await time.increase(WINDOW);
    const mBefore = await ethBalance(f.member.address);
    const rc = await (
      await f.adjudicator
        .connect(f.member)
        .payClaim(f.member.address, fake.nullifier, termsOf(fake), f.member.address, FAKE_SALT)
    ).wait();
    const fakePaid = (await ethBalance(f.member.address)) - mBefore + rc!.gasUsed * rc!.gasPrice;
    await f.adjudicator.payClaim(f.member.address, v.nullifier, termsOf(v), f.claimant, V_SALT);
    const victimPaid = await ethBalance(await f.claimant.getAddress());
    const reserved = 54n * 10n ** 17n; // 80% of 6.75 (the claims exceed it)
    expect(settlementOf(675n * 10n ** 16n, fake.claim + v.claim)).to.deep.equal({
      reserved,
      insurance: 135n * 10n ** 16n,
      taken: 675n * 10n ** 16n,
    });
    expect(fakePaid + victimPaid).to.equal(reserved);
    expect(fakePaid).to.equal((fake.claim * reserved) / (fake.claim + v.claim));
    const slashed = 75n * 10n ** 17n;
    // 82% of the slashes, less the victim's dust.
    expect(bounties + fakePaid + victimPaid).to.equal((slashed * 82n) / 100n);
    expect(victimPaid < 10n ** 9n).to.equal(true);
    const totals = await f.adjudicator.claimTotalsOf(ethers.ZeroAddress);
    expect(totals.insurance).to.equal((675n * 10n ** 16n * 2n) / 10n);
    expect(totals.reserved).to.equal(0n);
  });

  it("attack 3 with the veto: an auditor vetoes the fake claim in the window; the member keeps only its 10% bounties, the victim is paid in full; veto and assignPayout cannot be abused", async function () {
    const f = await networkHelpers.loadFixture(deployed);
    const { fake, v } = proofs;
    await f.adjudicator.connect(f.prover).proveFraud(fake, f.setA);
    await f.adjudicator.connect(f.prover).proveFraud(v, f.setA);
    // A non-vetoer cannot veto the victim's claim; governance cannot re-target a claim that has a payout.
    await expect(
      f.adjudicator.connect(f.member).vetoClaim(f.member.address, v.nullifier, termsOf(v), "griefing"),
    ).to.be.revertedWithCustomError(f.adjudicator, "RestitutionNotVetoer");
    await expect(
      f.adjudicator.connect(f.governance).assignPayout(f.member.address, v.nullifier, termsOf(v), 123n, "redirect"),
    ).to.be.revertedWithCustomError(f.adjudicator, "RestitutionPayoutAlreadySet");
    await f.adjudicator.connect(f.auditor).vetoClaim(f.member.address, fake.nullifier, termsOf(fake), "self-records");
    await expect(
      f.adjudicator.payClaim(f.member.address, fake.nullifier, termsOf(fake), f.member.address, FAKE_SALT),
    ).to.be.revertedWithCustomError(f.adjudicator, "RestitutionClaimVetoed");
    await time.increase(WINDOW);
    // After the window no veto (the victim's claim cannot be vetoed late).
    await expect(
      f.adjudicator.connect(f.auditor).vetoClaim(f.member.address, v.nullifier, termsOf(v), "late"),
    ).to.be.revertedWithCustomError(f.adjudicator, "RestitutionRoundClosed");
    await f.adjudicator.payClaim(f.member.address, v.nullifier, termsOf(v), f.claimant, V_SALT);
    expect(await ethBalance(await f.claimant.getAddress())).to.equal(V.balance);
    // The round takes the victim's 1.5 ETH and insurance of 20% of what it takes (0.375); what it did not need stays
    // in the member's pool for later rounds: 6.75 - 1.5 - 0.375.
    expect(settlementOf(675n * 10n ** 16n, V.balance)).to.deep.equal({
      reserved: V.balance,
      insurance: 375n * 10n ** 15n,
      taken: 1875n * 10n ** 15n,
    });
    expect(await f.vault.restitutionOf(f.member.address, ethers.ZeroAddress)).to.equal(4875n * 10n ** 15n);
    expect((await f.adjudicator.claimTotalsOf(ethers.ZeroAddress)).insurance).to.equal(375n * 10n ** 15n);
  });

  it("new: the member proves its fake claim first so that round 1 closes before its victim proves; the late victim is still paid from the slash its own proof causes (no lock-out while the member has stake)", async function () {
    const f = await networkHelpers.loadFixture(deployed);
    const { fake, v } = proofs;
    await f.adjudicator.connect(f.prover).proveFraud(fake, f.setA);
    await time.increase(WINDOW);
    // The victim's proof opens round 2 and settles round 1 first (pool 4.5: 3.6 to the fake claim, insurance 0.9).
    const tx = await f.adjudicator.connect(f.user).proveFraud(v, f.setA);
    await expect(tx).to.emit(f.adjudicator, "RoundSettled");
    await time.increase(WINDOW);
    await f.adjudicator.payClaim(f.member.address, fake.nullifier, termsOf(fake, 1n), f.member.address, FAKE_SALT);
    await f.adjudicator.payClaim(f.member.address, v.nullifier, termsOf(v, 2n), f.claimant, V_SALT);
    // Round 2: pool 2.25 (the victim's slash), the victim's 1.5 ETH in full, insurance 0.375.
    expect(await ethBalance(await f.claimant.getAddress())).to.equal(V.balance);
  });

  it("governance cannot take a restitution pool: an insurance share above 50% (10000 included) is refused, a share raised during an open round does not apply to it, and the most governance reaches as the insurance fund is the insurance share, at most half of what a round takes (never more than its claims get)", async function () {
    const f = await networkHelpers.loadFixture(deployed);
    const { fake, v } = proofs;
    const member = f.member.address;
    const ETH = ethers.ZeroAddress;
    const claimWindow = 2n * 86_400n;
    const params = (insuranceShareBps: bigint) => ({
      claimWindow,
      insuranceShareBps,
      insuranceFund: f.governance.address,
    });
    await f.adjudicator.connect(f.user).proveFraud(v, f.setA); // round 1 opens at 20%; pool 4.5
    // The old attack: a 100% share with governance as the fund. Refused, and so is anything above 50%.
    for (const share of [10_000n, MAX_INSURANCE_SHARE_BPS + 1n]) {
      await expect(f.adjudicator.connect(f.governance).setClaimParams(params(share)))
        .to.be.revertedWithCustomError(f.adjudicator, "RestitutionBadClaimParams")
        .withArgs(claimWindow, share, f.governance.address);
    }
    // The most it may set, with itself as the fund, during round 1's window: round 1 keeps the 20% it opened with.
    await f.adjudicator.connect(f.governance).setClaimParams(params(MAX_INSURANCE_SHARE_BPS));
    await time.increase(WINDOW);
    const pool1 = 45n * 10n ** 17n;
    const first = settlementOf(pool1, V.balance, INSURANCE_SHARE_BPS);
    expect(first).to.deep.equal({ reserved: V.balance, insurance: 375n * 10n ** 15n, taken: 1875n * 10n ** 15n });
    await expect(f.adjudicator.settleRound(member, ETH, 1n))
      .to.emit(f.adjudicator, "RoundSettled")
      .withArgs(member, ETH, 1n, pool1, first.insurance, V.balance, V.balance);
    // The victim is paid in full; governance (the fund now) withdraws round 1's 20% of 1.875 ETH, no more.
    expect(await f.adjudicator.claimPayment(member, termsOf(v))).to.equal(V.balance);
    let before = await ethBalance(f.governance.address);
    await f.adjudicator.connect(f.user).withdrawInsurance(ETH);
    expect((await ethBalance(f.governance.address)) - before).to.equal(first.insurance);
    await f.adjudicator.payClaim(member, v.nullifier, termsOf(v), f.claimant, V_SALT);
    expect(await ethBalance(await f.claimant.getAddress())).to.equal(V.balance);
    // Round 2 opens at 50% with a claim larger than the pool: it takes the whole pool, half to insurance, half to
    // its claim; governance's take equals what the claims get, not the pool.
    await f.adjudicator.connect(f.prover).proveFraud(fake, f.setA);
    const pool2 = pool1 - first.taken + 225n * 10n ** 16n; // round 1's rest and the second slash (2.5 - 0.25 bounty)
    expect(await f.vault.restitutionOf(member, ETH)).to.equal(pool2);
    await time.increase(WINDOW);
    const second = settlementOf(pool2, fake.claim, MAX_INSURANCE_SHARE_BPS);
    expect([second.insurance, second.taken]).to.deep.equal([second.reserved, pool2]);
    const mBefore = await ethBalance(member);
    const rc = await (
      await f.adjudicator.connect(f.member).payClaim(member, fake.nullifier, termsOf(fake, 2n), member, FAKE_SALT)
    ).wait();
    expect((await ethBalance(member)) - mBefore + rc!.gasUsed * rc!.gasPrice).to.equal(second.reserved);
    before = await ethBalance(f.governance.address);
    await f.adjudicator.connect(f.user).withdrawInsurance(ETH);
    const took = (await ethBalance(f.governance.address)) - before;
    expect(took).to.equal(second.insurance);
    expect(took * 10_000n).to.be.lessThanOrEqual(second.taken * MAX_INSURANCE_SHARE_BPS);
    expect(await f.vault.restitutionOf(member, ETH)).to.equal(0n);
  });

  it("the insurance share is exactly s of what each round takes, never of the whole pool: a round with nothing booked (its fake vetoed) takes nothing, so over two rounds insurance is 20% of what they took (0.375 ETH for the victim's 1.5)", async function () {
    const f = await networkHelpers.loadFixture(deployed);
    const { fake, v } = proofs;
    const member = f.member.address;
    const ETH = ethers.ZeroAddress;
    await f.adjudicator.connect(f.prover).proveFraud(fake, f.setA);
    await f.adjudicator.connect(f.auditor).vetoClaim(member, fake.nullifier, termsOf(fake), "self-records");
    await time.increase(WINDOW);
    // The victim's proof settles round 1 (booked 0) before its slash: it takes nothing of the 4.5 ETH pool.
    const pool1 = 45n * 10n ** 17n;
    expect(settlementOf(pool1, 0n)).to.deep.equal({ reserved: 0n, insurance: 0n, taken: 0n });
    await expect(f.adjudicator.connect(f.user).proveFraud(v, f.setA))
      .to.emit(f.adjudicator, "RoundSettled")
      .withArgs(member, ETH, 1n, pool1, 0n, 0n, 0n);
    expect((await f.adjudicator.claimTotalsOf(ETH)).insurance).to.equal(0n);
    // Round 2: the pool is 4.5 + 2.25 = 6.75; it takes the victim's 1.5 and 0.375 of insurance (20% of 1.875).
    const pool2 = pool1 + 225n * 10n ** 16n;
    expect(await f.vault.restitutionOf(member, ETH)).to.equal(pool2);
    await time.increase(WINDOW);
    const second = settlementOf(pool2, V.balance);
    expect(second).to.deep.equal({ reserved: V.balance, insurance: 375n * 10n ** 15n, taken: 1875n * 10n ** 15n });
    await expect(f.adjudicator.payClaim(member, v.nullifier, termsOf(v, 2n), f.claimant, V_SALT))
      .to.emit(f.adjudicator, "RoundSettled")
      .withArgs(member, ETH, 2n, pool2, second.insurance, V.balance, V.balance);
    expect(await ethBalance(await f.claimant.getAddress())).to.equal(V.balance);
    const insurance = (await f.adjudicator.claimTotalsOf(ETH)).insurance;
    expect(insurance).to.equal(second.insurance);
    expect(insurance * 10_000n).to.equal(second.taken * INSURANCE_SHARE_BPS);
    // The rest stays in the member's pool for later rounds.
    expect(await f.vault.restitutionOf(member, ETH)).to.equal(pool2 - second.taken);
  });

  it("attack 6: a set that leaves ETH out counts as the empty tree: an ETH record convicts (EMPTY_ROOT) and its claim is paid", async function () {
    const f = await networkHelpers.loadFixture(deployed);
    const p = proofs.missing;
    expect(p.rootHash).to.equal(await f.adjudicator.EMPTY_ROOT());
    await expect(f.adjudicator.connect(f.prover).proveFraud(p, f.setC)).to.emit(f.adjudicator, "FraudProven");
    await time.increase(WINDOW);
    await f.adjudicator.payClaim(f.member.address, p.nullifier, termsOf(p), f.claimant, V_SALT);
    expect(await ethBalance(await f.claimant.getAddress())).to.equal(U.balance);
    // The same proof cannot be aimed at a set that does hold ETH (its root is not the empty one).
    await expect(f.adjudicator.proveFraud(p, f.setA)).to.be.revertedWithCustomError(
      f.adjudicator,
      "AdjudicatorRootMismatch",
    );
  });

  it("attack 7: commit at t = now is refused (a same-block key rotation can never close the key of a committed t)", async function () {
    const f = await networkHelpers.loadFixture(deployed);
    const next = BigInt(await time.latest()) + 5n;
    await time.setNextBlockTimestamp(next);
    await expect(
      f.ledger.connect(f.member).commit(next, [commitmentOf(ETH_ASSET, world.honest.root)]),
    ).to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerFutureSnapshot");
  });

  it("attack 9a: a top sibling with a wrapped sum (p - 4 ETH) is provable in malformed mode by the user under it (claim = balance)", async function () {
    const f = await networkHelpers.loadFixture(deployed);
    const p = proofs.wrap;
    expect(f.setD[0].rootSum).to.equal(1n * E18); // the plausible-looking root sum
    expect(p.claim).to.equal(X.balance);
    await expect(f.adjudicator.connect(f.prover).proveFraud(p, f.setD)).to.emit(f.adjudicator, "FraudProven");
  });

  it("attack 9b: a complete tree committed with an understated root sum is convicted by RootSumMismatch, once", async function () {
    const f = await networkHelpers.loadFixture(deployed);
    const g = proofs.rootSum;
    await expect(
      f.adjudicator.connect(f.prover).proveRootSumMismatch(f.member.address, f.tE, ETH_ASSET, f.setE, g),
    ).to.emit(f.adjudicator, "RootSumMismatchProven");
    await expect(
      f.adjudicator.connect(f.prover).proveRootSumMismatch(f.member.address, f.tE, ETH_ASSET, f.setE, g),
    ).to.be.revertedWithCustomError(f.adjudicator, "AdjudicatorRootSumAlreadyProven");
    // The same proof (of root sum B - 1) does not convict the honest set at tA (root sum B).
    await expect(
      f.adjudicator.connect(f.prover).proveRootSumMismatch(f.member.address, f.tA, ETH_ASSET, f.setA, g),
    ).to.be.revertedWithCustomError(f.adjudicator, "AdjudicatorInvalidProof");
  });

  it("new: no RootSumMismatch proof exists against an honest root, even built by hand (aliases of the children's sums included)", async function () {
    const c = world.c;
    const pc = await loadProverCrypto();
    const tree = world.honest;
    const l = tree.node(31, 0n);
    const r = tree.node(31, 1n);
    const refused = await rejectionOf(
      proveRootSum({ member: 1n, asset: 1, t: 1n, rootSum: tree.root.s, path: tree.path(0n) }),
    );
    expect(refused).to.be.instanceOf(FraudProofRefused);
    void pc;
    const a = await circuitArtifacts("RootSumMismatch");
    const honestInput = {
      rootHash: tree.root.h.toString(),
      rootSum: tree.root.s.toString(),
      hL: l.h.toString(),
      sL: l.s.toString(),
      hR: r.h.toString(),
      sR: r.s.toString(),
    };
    // Each attempt: the honest children, the left sum aliased by +p (the witness reduces it), and a shifted split
    // (sL + 1, sR - 1) that keeps the total but breaks the hash.
    for (const input of [
      honestInput,
      { ...honestInput, sL: (l.s + P).toString() },
      { ...honestInput, sL: (l.s + 1n).toString(), sR: ((r.s - 1n + P) % P).toString() },
    ]) {
      expect(await rejectionOf(snarkjs.groth16.fullProve(input, a.wasm, a.zkey))).to.be.instanceOf(Error);
    }
    void c;
  });

  it("new: the malformed mode cannot convict an honest tree: a hand-built witness with badIndex on any in-range sum (leaf, sibling, path sum, root), or a non-bit mode, is rejected", async function () {
    const c = world.c;
    const a = await circuitArtifacts("LeafMismatch32");
    const u = proofs.uRecord;
    const path = world.honest.path(u.slot);
    // Sanity: the hand builder matches the prover's input for the (real) omission of V.
    const pc = await loadProverCrypto();
    const vStatement = buildStatement(pc, 32, proofs.vRecord, world.honest.path(V.slot), world.honest.root.h);
    expect(
      rawLeafMismatchInput(c, proofs.vRecord, world.honest.path(V.slot), {
        malformed: 0n,
        badIndex: 0n,
        claim: V.balance,
      }),
    ).to.deep.equal(vStatement.circuitInput);
    // The honest user U's record under the honest tree: the prover refuses.
    expect(() => buildStatement(pc, 32, u, path, world.honest.root.h)).to.throw(FraudProofRefused);
    const attempts = [
      { malformed: 0n, badIndex: 0n, claim: U.balance },
      { malformed: 0n, badIndex: 0n, claim: 0n },
      { malformed: 1n, badIndex: 0n, claim: U.balance },
      { malformed: 1n, badIndex: 1n, claim: U.balance },
      { malformed: 1n, badIndex: 32n, claim: U.balance },
      { malformed: 1n, badIndex: 33n, claim: U.balance },
      { malformed: 1n, badIndex: 64n, claim: U.balance },
      { malformed: 1n, badIndex: 65n, claim: U.balance },
      { malformed: 2n, badIndex: 0n, claim: U.balance },
      { malformed: P - 1n, badIndex: 0n, claim: U.balance },
    ];
    for (const o of attempts) {
      const err = await rejectionOf(snarkjs.groth16.fullProve(rawLeafMismatchInput(c, u, path, o), a.wasm, a.zkey));
      expect(err, `malformed=${o.malformed} badIndex=${o.badIndex} claim=${o.claim}`).to.be.instanceOf(Error);
    }
  });

  it("attack 4: stake bonded after the set was committed adds nothing: fresh co-signers cannot finalize it, the bonded operators can", async function () {
    const f = await networkHelpers.loadFixture(deployed);
    const fresh: Wallet[] = [];
    for (let i = 0; i < 3; i++) {
      const w = new Wallet(Wallet.createRandom().privateKey, ethers.provider);
      await f.governance.sendTransaction({ to: w.address, value: 100n * E18 });
      await f.onboard(w, 50n * E18);
      fresh.push(w);
    }
    fresh.sort((x, y) => (BigInt(x.address) < BigInt(y.address) ? -1 : 1));
    const attestation = {
      subject: setSubject(f.member.address, f.tA),
      verdict: Verdict.Solvent,
      rootsDigest: rootsDigest(f.setA),
      blobDigest: setBlobDigest(f.setA),
    };
    const args = [
      f.member.address,
      f.tA,
      attestation.verdict,
      attestation.rootsDigest,
      attestation.blobDigest,
    ] as const;
    await expect(f.ledger.attestCommitment(...args, await f.sign(attestation, fresh))).to.be.revertedWithCustomError(
      f.ledger,
      "CommitmentLedgerQuorumNotReached",
    );
    await expect(f.ledger.attestCommitment(...args, await f.sign(attestation))).to.emit(f.ledger, "QuorumAttested");
  });

  it("attack 5: a requester opens requests as fast as it can; at most 4 are open, a member that answers every one in time is never slashed, and a requester's own miss report earns no bounty", async function () {
    const f = await networkHelpers.loadFixture(deployed);
    const fee = (await f.ledger.quorumParams()).requestFee;
    const now = BigInt(await time.latest());
    const ts = [now - 50n, now - 40n, now - 30n, now - 20n, now - 10n];
    const ids: bigint[] = [];
    for (const t of ts.slice(0, 4)) {
      const id = await f.ledger.connect(f.user).requestProof.staticCall(f.member.address, t, { value: fee });
      await f.ledger.connect(f.user).requestProof(f.member.address, t, { value: fee });
      ids.push(id);
    }
    await expect(
      f.ledger.connect(f.user).requestProof(f.member.address, ts[4], { value: fee }),
    ).to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerTooManyOpenRequests");
    for (const id of ids) {
      await f.ledger.connect(f.member).respondToRequest(id, [commitmentOf(ETH_ASSET, world.honest.root)]);
    }
    await time.increase(86_400n);
    for (const id of ids) {
      await expect(f.adjudicator.connect(f.prover).reportMissedDeadline(id)).to.be.revertedWithCustomError(
        f.ledger,
        "CommitmentLedgerBadRequestStatus",
      );
    }
    expect(await f.vault.stakeOf(f.member.address)).to.equal(MEMBER_STAKE);
    // A miss reported by its own requester: slash into the pool, no bounty, the fee kept for insurance.
    const t5 = BigInt(await time.latest()) - 5n;
    const id5 = await f.ledger.connect(f.user).requestProof.staticCall(f.member.address, t5, { value: fee });
    await f.ledger.connect(f.user).requestProof(f.member.address, t5, { value: fee });
    await time.increase(86_400n);
    await expect(f.adjudicator.connect(f.user).reportMissedDeadline(id5)).to.not.emit(f.vault, "BountyCredited");
    expect(await f.vault.bountyOf(f.user.address, ethers.ZeroAddress)).to.equal(0n);
    expect(await f.vault.restitutionOf(f.member.address, ethers.ZeroAddress)).to.equal(MEMBER_STAKE / 10n);
    expect((await f.adjudicator.claimTotalsOf(ethers.ZeroAddress)).insurance).to.equal(fee);
  });
});
