import { expect } from "chai";
import { network } from "hardhat";

import {
  Verdict,
  commitmentId,
  packContext,
  rootsDigest,
  setBlobDigest,
  setSubject,
  type AssetCommitment,
  type FraudProofStruct,
} from "../../src/consortium/index.js";
import {
  ETH_ASSET,
  KEY_HASH,
  MEMBER_STAKE,
  SLA,
  SLASH,
  TOKEN_ASSET,
  commitmentOf,
  deployLedgerSystem,
} from "./ledger-fixture.js";

const { ethers, networkHelpers } = await network.create();
const { time } = networkHelpers;

const SetStatus = { None: 0n, Pending: 1n, Finalized: 2n, Fraudulent: 3n, Insolvent: 4n };
const FEE = 10n ** 16n;
const CLAIM = 777n;
const NULLIFIER = 4242n;

/** Member commits ETH and TOKEN at t1 and the same ETH root again at t2 (to test replay across t). */
async function committed() {
  const f = await deployLedgerSystem(ethers, networkHelpers);
  const t1 = BigInt(await time.latest()) - 20n;
  const eth = commitmentOf(ETH_ASSET, 1n);
  const tok = commitmentOf(TOKEN_ASSET, 1n);
  await f.ledger.connect(f.member).commit(t1, [eth, tok]);
  const t2 = t1 + 5n;
  await f.ledger.connect(f.member).commit(t2, [eth]);

  /** A fraud proof the stand-in verifier accepts for exactly these public inputs. */
  async function proofFor(fields: Partial<FraudProofStruct> = {}): Promise<FraudProofStruct> {
    const p: FraudProofStruct = {
      rootHash: eth.rootHash,
      keyHash: KEY_HASH,
      member: f.member.address,
      asset: BigInt(ETH_ASSET),
      t: t1,
      claim: CLAIM,
      nullifier: NULLIFIER,
      recipient: f.user.address,
      a: [0n, 0n],
      b: [
        [0n, 0n],
        [0n, 0n],
      ],
      c: [0n, 0n],
      ...fields,
    };
    return withValidA(p);
  }
  async function withValidA(p: FraudProofStruct): Promise<FraudProofStruct> {
    const signals: [bigint, bigint, bigint, bigint, bigint, bigint] = [
      p.rootHash,
      p.keyHash,
      BigInt(p.member),
      packContext(p.asset, p.t, p.claim),
      p.nullifier,
      BigInt(p.recipient),
    ];
    return { ...p, a: [await f.verifier.expectedA0(signals), 0n] };
  }
  /** The committed set at `t` (empty where nothing was committed), which proveFraud takes with the proof. */
  function setAt(t: bigint): AssetCommitment[] {
    if (t === t1) return [eth, tok];
    if (t === t2) return [eth];
    return [];
  }
  /** proveFraud's arguments: the proof and the member's set at the proof's t. */
  function args(p: FraudProofStruct, set = setAt(p.t)): [FraudProofStruct, AssetCommitment[]] {
    return [p, set];
  }
  return { ...f, t1, t2, eth, tok, proofFor, withValidA, setAt, args };
}

describe("Adjudicator", function () {
  describe("proveFraud", function () {
    it("marks the commitment fraudulent, books the claim, slashes with the fraud share and pays the bounty", async function () {
      const f = await networkHelpers.loadFixture(committed);
      const proof = await f.proofFor();
      const slashed = (MEMBER_STAKE * BigInt(SLASH.fraudBps)) / 10_000n;
      const bounty = slashed / 10n;
      const tx = f.adjudicator.connect(f.prover).proveFraud(...f.args(proof));
      await expect(tx)
        .to.emit(f.adjudicator, "FraudProven")
        .withArgs(
          f.member.address,
          commitmentId(f.member.address, ETH_ASSET, f.t1),
          NULLIFIER,
          CLAIM,
          f.user.address,
          f.prover.address,
          slashed,
        );
      await expect(tx).to.changeEtherBalances(ethers, [f.prover, f.fund], [bounty, slashed - bounty]);
      await expect(tx)
        .to.emit(f.fund, "ClaimBooked")
        .withArgs(NULLIFIER, f.member.address, ETH_ASSET, CLAIM, f.user.address);
      await expect(tx).to.emit(f.ledger, "CommitmentMarkedFraudulent").withArgs(f.member.address, ETH_ASSET, f.t1);
      await expect(tx).not.to.emit(f.ledger, "SetStatusChanged");
      expect(await f.adjudicator.isNullifierSpent(NULLIFIER)).to.equal(true);
      // The set stays bound to its digest: a second record against the same root still proves.
      await expect(f.adjudicator.proveFraud(...f.args(await f.proofFor({ nullifier: NULLIFIER + 5n })))).to.emit(
        f.adjudicator,
        "FraudProven",
      );
      expect((await f.ledger.setOf(f.member.address, f.t1)).status).to.equal(SetStatus.Fraudulent);
      const claim = await f.fund.claimOf(NULLIFIER);
      expect(claim.remaining).to.equal(CLAIM);
      expect(claim.recipientTag).to.equal(await f.fund.recipientTagOf(f.user.address));
      // Two accepted proofs (two records) above: two slashes.
      expect((await f.reputation.reputationOf(f.member.address)).slashCount).to.equal(2n);
    });
    it("accepts a fraud proof after finalization (the challenge window stays open)", async function () {
      const f = await networkHelpers.loadFixture(committed);

      const set = [f.eth, f.tok];
      const a = {
        subject: setSubject(f.member.address, f.t1),
        verdict: Verdict.Solvent,
        rootsDigest: rootsDigest(set),
        blobDigest: setBlobDigest(set),
      };
      await f.ledger.attestCommitment(f.member.address, f.t1, a.verdict, a.rootsDigest, a.blobDigest, await f.sign(a));
      await f.adjudicator.proveFraud(...f.args(await f.proofFor()));
      expect((await f.ledger.setOf(f.member.address, f.t1)).status).to.equal(SetStatus.Fraudulent);
    });
    it("reverts with AdjudicatorNullifierSpent when the same record is proven twice", async function () {
      const f = await networkHelpers.loadFixture(committed);
      const proof = await f.proofFor();
      await f.adjudicator.proveFraud(...f.args(proof));
      await expect(f.adjudicator.proveFraud(...f.args(proof)))
        .to.be.revertedWithCustomError(f.adjudicator, "AdjudicatorNullifierSpent")
        .withArgs(NULLIFIER);
      // Same nullifier moved to another commitment: still refused.
      await expect(f.adjudicator.proveFraud(...f.args(await f.proofFor({ t: f.t2 })))).to.be.revertedWithCustomError(
        f.adjudicator,
        "AdjudicatorNullifierSpent",
      );
    });
    it("reverts with AdjudicatorRootMismatch when the proof is replayed against another asset", async function () {
      const f = await networkHelpers.loadFixture(committed);
      await expect(f.adjudicator.proveFraud(...f.args(await f.proofFor({ asset: BigInt(TOKEN_ASSET) }))))
        .to.be.revertedWithCustomError(f.adjudicator, "AdjudicatorRootMismatch")
        .withArgs(f.tok.rootHash, f.eth.rootHash);
    });
    it("reverts with CommitmentLedgerSetMismatch for a set other than the committed one, and marks nothing", async function () {
      const f = await networkHelpers.loadFixture(committed);
      // A forged root for the proven asset, a changed field of another asset, a missing and an extra asset: each set
      // hashes differently from the committed digest.
      const forgedRoot = 99n;
      const forged = await f.proofFor({ rootHash: forgedRoot });
      const cases: [FraudProofStruct, AssetCommitment[]][] = [
        [forged, [{ ...f.eth, rootHash: forgedRoot }, f.tok]],
        [await f.proofFor(), [f.eth, { ...f.tok, reserves: f.tok.reserves + 1n }]],
        [await f.proofFor(), [f.eth, { ...f.tok, blobDigest: ethers.ZeroHash }]],
        [await f.proofFor(), [f.eth]],
        [await f.proofFor(), [f.eth, f.tok, commitmentOf(3, 1n)]],
      ];
      for (const [proof, set] of cases) {
        await expect(f.adjudicator.proveFraud(proof, set))
          .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerSetMismatch")
          .withArgs(f.member.address, f.t1);
      }
      expect((await f.ledger.setOf(f.member.address, f.t1)).status).to.equal(SetStatus.Pending);
      expect(await f.adjudicator.isNullifierSpent(NULLIFIER)).to.equal(false);
    });
    it("reverts with CommitmentLedgerUnknownSet for a set given at a time the member never committed", async function () {
      const f = await networkHelpers.loadFixture(committed);
      const t = f.t1 + 1n;
      await expect(f.adjudicator.proveFraud(await f.proofFor({ t }), [f.eth]))
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerUnknownSet")
        .withArgs(f.member.address, t);
    });
    it("reverts with AdjudicatorInvalidProof when replayed at another t with the same root (t is bound in the proof)", async function () {
      const f = await networkHelpers.loadFixture(committed);
      const proof = await f.proofFor();
      await expect(f.adjudicator.proveFraud(...f.args({ ...proof, t: f.t2 }))).to.be.revertedWithCustomError(
        f.adjudicator,
        "AdjudicatorInvalidProof",
      );
    });
    it("reverts with AdjudicatorUnknownCommitment when replayed against another member or a time without roots", async function () {
      const f = await networkHelpers.loadFixture(committed);
      // Another member: it has no record key at t1 (and no roots), so the replay is refused at the key.
      await expect(f.adjudicator.proveFraud(...f.args(await f.proofFor({ member: f.operators[0].address }))))
        .to.be.revertedWithCustomError(f.registry, "ConsortiumRegistryNoKeyAt")
        .withArgs(f.operators[0].address, f.t1);
      // The same member and key at t2, where only ETH was committed: the TOKEN commitment does not exist.
      await expect(f.adjudicator.proveFraud(...f.args(await f.proofFor({ asset: BigInt(TOKEN_ASSET), t: f.t2 }))))
        .to.be.revertedWithCustomError(f.adjudicator, "AdjudicatorUnknownCommitment")
        .withArgs(f.member.address, TOKEN_ASSET, f.t2);
      await expect(
        f.adjudicator.proveFraud(...f.args(await f.proofFor({ t: f.t1 + 1n }))),
      ).to.be.revertedWithCustomError(f.adjudicator, "AdjudicatorUnknownCommitment");
    });
    it("reverts with AdjudicatorKeyMismatch for a key that is not the member's key at t", async function () {
      const f = await networkHelpers.loadFixture(committed);
      await expect(f.adjudicator.proveFraud(...f.args(await f.proofFor({ keyHash: KEY_HASH + 1n }))))
        .to.be.revertedWithCustomError(f.adjudicator, "AdjudicatorKeyMismatch")
        .withArgs(KEY_HASH, KEY_HASH + 1n);
    });
    it("reverts with ConsortiumRegistryNoKeyAt for a snapshot outside every key's validity interval", async function () {
      const f = await networkHelpers.loadFixture(committed);
      // A fresh member commits before its first key becomes valid.
      const late = f.operators[0];
      const t = BigInt(await time.latest()) - 1n;
      await f.registry.connect(late).registerKey(KEY_HASH, 1n, 2n, t + 100n);
      await f.ledger.connect(late).commit(t, [f.eth]);
      await expect(f.adjudicator.proveFraud(...f.args(await f.proofFor({ member: late.address, t }))))
        .to.be.revertedWithCustomError(f.registry, "ConsortiumRegistryNoKeyAt")
        .withArgs(late.address, t);
    });
    it("reverts with AdjudicatorZeroRecipient for a zero recipient", async function () {
      const f = await networkHelpers.loadFixture(committed);
      await expect(
        f.adjudicator.proveFraud(...f.args(await f.proofFor({ recipient: ethers.ZeroAddress }))),
      ).to.be.revertedWithCustomError(f.adjudicator, "AdjudicatorZeroRecipient");
    });
    it("reverts with AdjudicatorInvalidProof when a public input was changed (claim, recipient, nullifier)", async function () {
      const f = await networkHelpers.loadFixture(committed);
      const proof = await f.proofFor();
      for (const changed of [
        { ...proof, claim: CLAIM + 1n },
        { ...proof, recipient: f.prover.address },
        { ...proof, nullifier: NULLIFIER + 1n },
        { ...proof, a: [proof.a[0] + 1n, 0n] as [bigint, bigint] },
      ]) {
        await expect(f.adjudicator.proveFraud(...f.args(changed))).to.be.revertedWithCustomError(
          f.adjudicator,
          "AdjudicatorInvalidProof",
        );
      }
    });
    it("ejects a member whose collateral falls below its minimum after the slash", async function () {
      const f = await networkHelpers.loadFixture(committed);
      await f.adjudicator
        .connect(f.governance)
        .setSlashParams({ fraudBps: 9_500, missedDeadlineBps: 0, insolvencyBps: 0 });
      const left = MEMBER_STAKE - (MEMBER_STAKE * 9_500n) / 10_000n;
      await expect(f.adjudicator.proveFraud(...f.args(await f.proofFor())))
        .to.emit(f.adjudicator, "MemberEjectedAfterSlash")
        .withArgs(f.member.address, left, SLA.minCollateral);
      expect(await f.registry.statusOf(f.member.address)).to.equal(6n);
      // A later proof still books its claim against the ejected member.
      await expect(f.adjudicator.proveFraud(...f.args(await f.proofFor({ nullifier: NULLIFIER + 1n })))).to.emit(
        f.fund,
        "ClaimBooked",
      );
    });
  });

  describe("reportMissedDeadline", function () {
    async function requestedFixture() {
      const f = await committed();
      await f.ledger.connect(f.other).requestProof(f.member.address, f.t1 - 100n, { value: FEE });
      return f;
    }
    it("reverts with CommitmentLedgerDeadlineNotPassed before the deadline", async function () {
      const f = await networkHelpers.loadFixture(requestedFixture);
      const deadline = (await f.ledger.requestOf(1n)).deadline;
      await expect(f.adjudicator.reportMissedDeadline(1n))
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerDeadlineNotPassed")
        .withArgs(1n, deadline);
    });
    it("slashes with the missed-deadline share after the deadline, refunds the fee and records a missed duty", async function () {
      const f = await networkHelpers.loadFixture(requestedFixture);
      await time.increaseTo((await f.ledger.requestOf(1n)).deadline + 1n);
      const slashed = (MEMBER_STAKE * BigInt(SLASH.missedDeadlineBps)) / 10_000n;
      const before = await f.reputation.reputationOf(f.member.address);
      await expect(f.adjudicator.connect(f.prover).reportMissedDeadline(1n))
        .to.emit(f.adjudicator, "MissedDeadlineSlashed")
        .withArgs(f.member.address, 1n, f.prover.address, slashed)
        .and.to.emit(f.ledger, "RequestMissed")
        .withArgs(1n, f.member.address, f.t1 - 100n);
      expect((await f.ledger.requestOf(1n)).status).to.equal(5n);
      expect(await f.ledger.feesOf(f.other.address)).to.equal(FEE);
      const after = await f.reputation.reputationOf(f.member.address);
      expect(after.dutiesTotal - before.dutiesTotal).to.equal(1n);
      expect(after.dutiesMet).to.equal(before.dutiesMet);
      expect(after.slashCount).to.equal(1n);
      await expect(f.adjudicator.reportMissedDeadline(1n))
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerBadRequestStatus")
        .withArgs(1n, 5n);
    });
    it("reverts with CommitmentLedgerBadRequestStatus for an answered request and UnknownRequest for none", async function () {
      const f = await networkHelpers.loadFixture(requestedFixture);
      await f.ledger.connect(f.member).respondToRequest(1n, [commitmentOf(ETH_ASSET, 8n)]);
      await time.increaseTo((await f.ledger.requestOf(1n)).deadline + 1n);
      await expect(f.adjudicator.reportMissedDeadline(1n)).to.be.revertedWithCustomError(
        f.ledger,
        "CommitmentLedgerBadRequestStatus",
      );
      await expect(f.adjudicator.reportMissedDeadline(9n))
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerUnknownRequest")
        .withArgs(9n);
    });
  });

  describe("slashInsolvency and governance", function () {
    it("reverts with AdjudicatorNotLedger for any caller but the ledger", async function () {
      const f = await networkHelpers.loadFixture(committed);
      await expect(
        f.adjudicator.connect(f.governance).slashInsolvency(f.member.address, f.t1, ethers.ZeroHash, f.other.address),
      )
        .to.be.revertedWithCustomError(f.adjudicator, "AdjudicatorNotLedger")
        .withArgs(f.governance.address);
    });
    it("reverts with AdjudicatorBadBps above 10000 and AccessControlUnauthorizedAccount for non-admins", async function () {
      const f = await networkHelpers.loadFixture(committed);
      await expect(
        f.adjudicator
          .connect(f.governance)
          .setSlashParams({ fraudBps: 10_001, missedDeadlineBps: 0, insolvencyBps: 0 }),
      )
        .to.be.revertedWithCustomError(f.adjudicator, "AdjudicatorBadBps")
        .withArgs(10_001n);
      await expect(
        f.adjudicator.connect(f.other).setSlashParams({ fraudBps: 1, missedDeadlineBps: 1, insolvencyBps: 1 }),
      ).to.be.revertedWithCustomError(f.adjudicator, "AccessControlUnauthorizedAccount");
    });
    it("skips the vault at a zero share but still records the slash", async function () {
      const f = await networkHelpers.loadFixture(committed);
      await f.adjudicator.connect(f.governance).setSlashParams({ fraudBps: 0, missedDeadlineBps: 0, insolvencyBps: 0 });
      await expect(f.adjudicator.proveFraud(...f.args(await f.proofFor()))).not.to.emit(f.vault, "CollateralSlashed");
      expect(await f.vault.stakeOf(f.member.address)).to.equal(MEMBER_STAKE);
      expect((await f.reputation.reputationOf(f.member.address)).slashCount).to.equal(1n);
    });
  });
});

describe("Reputation", function () {
  it("reverts with AccessControlUnauthorizedAccount when anyone but governance sets the penalty, ReputationBadBps above 10000", async function () {
    const f = await networkHelpers.loadFixture(committed);
    await expect(f.reputation.connect(f.other).setSlashPenalty(1)).to.be.revertedWithCustomError(
      f.reputation,
      "AccessControlUnauthorizedAccount",
    );
    await expect(f.reputation.connect(f.governance).setSlashPenalty(10_001))
      .to.be.revertedWithCustomError(f.reputation, "ReputationBadBps")
      .withArgs(10_001n);
  });
  it("accumulates stake x seconds into time-weighted collateral and scores met/total with a penalty per slash", async function () {
    const f = await networkHelpers.loadFixture(committed);
    const rep0 = await f.reputation.reputationOf(f.member.address);
    // The fixture's two commits: both timely.
    expect(rep0.dutiesMet).to.equal(2n);
    expect(rep0.dutiesTotal).to.equal(2n);
    expect(rep0.lastStake).to.equal(MEMBER_STAKE);
    const since = rep0.since;

    // 1000 s at the full stake, then a fraud slash halves it.
    const proof = await f.proofFor();
    await time.setNextBlockTimestamp(since + 1000n);
    await f.adjudicator.proveFraud(...f.args(proof));
    const half = MEMBER_STAKE / 2n;
    await time.increaseTo(since + 2000n);
    // twc over 2000 s = (10 ETH * 1000 + 5 ETH * 1000) / 2000 = 7.5 ETH.
    const twc = (MEMBER_STAKE * 1000n + half * 1000n) / 2000n;
    expect(await f.reputation.timeWeightedCollateral(f.member.address)).to.equal(twc);
    // score = twc * 2/2 * 0.5 (one slash at 5000 bps).
    expect(await f.reputation.scoreOf(f.member.address)).to.equal(twc / 2n);

    // Anyone may re-cache the stake: the interval since the slash is integrated at the slashed weight.
    await f.vault.connect(f.other).refreshStake(f.member.address);
    const rep1 = await f.reputation.reputationOf(f.member.address);
    expect(rep1.stakeSeconds).to.equal(MEMBER_STAKE * 1000n + half * 1001n);
    expect(rep1.lastStake).to.equal(half);
    expect(rep1.slashCount).to.equal(1n);
  });
  it("counts missed cadence intervals and late commits as missed duties", async function () {
    const f = await networkHelpers.loadFixture(committed);
    // Two intervals skipped after t2, and posted later than the response window: 3 missed, none met.
    const t3 = f.t2 + 3n * SLA.snapshotInterval;
    await time.increaseTo(t3 + SLA.responseWindow + 10n);
    await f.ledger.connect(f.member).commit(t3, [f.eth]);
    const rep = await f.reputation.reputationOf(f.member.address);
    expect(rep.dutiesMet).to.equal(2n);
    expect(rep.dutiesTotal).to.equal(5n);
    const twc = await f.reputation.timeWeightedCollateral(f.member.address);
    expect(await f.reputation.scoreOf(f.member.address)).to.equal((twc * 2n) / 5n);
  });
  it("scores zero without duties", async function () {
    const f = await networkHelpers.loadFixture(committed);
    expect(await f.reputation.scoreOf(f.other.address)).to.equal(0n);
    expect(await f.reputation.timeWeightedCollateral(f.other.address)).to.equal(0n);
  });
});
