import { expect } from "chai";
import { network } from "hardhat";
import { Wallet } from "ethers";

import {
  Verdict,
  attestationDigest,
  fraudPublicSignals,
  packSignatures,
  requestSubject,
  rootsDigest,
  setBlobDigest,
  setDigest,
  setSubject,
  signAttestation,
} from "../../src/consortium/index.js";
import {
  ETH_ASSET,
  KEY_HASH,
  MEMBER_STAKE,
  OPERATOR_STAKE,
  SLA,
  SLASH,
  TOKEN_ASSET,
  commitmentOf,
  deployLedgerSystem,
} from "./ledger-fixture.js";
import { RequestStatus, SetStatus } from "../helpers/enums.js";

const { ethers, networkHelpers, ignition } = await network.create();
const { time } = networkHelpers;

const FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const FEE = 10n ** 16n;

async function system() {
  return deployLedgerSystem({ ethers, networkHelpers, ignition });
}

/** System plus one committed set of two assets at `t`. */
async function committed() {
  const f = await system();
  const t = BigInt(await time.latest()) - 10n;
  const commitments = [commitmentOf(ETH_ASSET, 1n), commitmentOf(TOKEN_ASSET, 1n)];
  await f.ledger.connect(f.member).commit(t, commitments);
  const attestation = (verdict: Verdict) => ({
    subject: setSubject(f.member.address, t),
    verdict,
    rootsDigest: rootsDigest(commitments),
    blobDigest: setBlobDigest(commitments),
  });
  return { ...f, t, commitments, attestation };
}

/** A ledger wired to the system's registry and vault like the fixture's, but without an adjudicator yet. */
async function freshLedger(f: Awaited<ReturnType<typeof system>>) {
  return ethers.deployContract("CommitmentLedger", [
    f.governance.address,
    await f.registry.getAddress(),
    await f.vault.getAddress(),
    { quorumWeight: 3n * OPERATOR_STAKE, minSigners: 3, requestFee: FEE, maxOpenRequests: 4 },
  ]);
}

/** System plus an insolvent-declared set. */
async function committedInsolvent() {
  const f = await system();
  const t = BigInt(await time.latest()) - 10n;
  const commitments = [commitmentOf(ETH_ASSET, 1n, false)];
  await f.ledger.connect(f.member).commit(t, commitments);
  return { ...f, t, commitments };
}

/** System plus an open request for a past snapshot `t` that has no commitments yet. */
async function requested() {
  const f = await system();
  const t = BigInt(await time.latest()) - 50n;
  await f.ledger.connect(f.other).requestProof(f.member.address, t, { value: FEE });
  return { ...f, t, requestId: 1n };
}

describe("CommitmentLedger", function () {
  describe("constructor and governance", function () {
    it("reverts with CommitmentLedgerBadQuorumParams for a zero weight threshold", async function () {
      const f = await networkHelpers.loadFixture(system);
      await expect(
        f.ledger
          .connect(f.governance)
          .setQuorumParams({ quorumWeight: 0n, minSigners: 1, requestFee: 0n, maxOpenRequests: 4 }),
      )
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerBadQuorumParams")
        .withArgs(0n, 1n, 4n);
      await expect(
        f.ledger
          .connect(f.governance)
          .setQuorumParams({ quorumWeight: 1n, minSigners: 0, requestFee: 0n, maxOpenRequests: 4 }),
      ).to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerBadQuorumParams");
    });
    it("reverts with AccessControlUnauthorizedAccount when a non-admin sets parameters or the adjudicator", async function () {
      const f = await networkHelpers.loadFixture(system);
      await expect(
        f.ledger
          .connect(f.other)
          .setQuorumParams({ quorumWeight: 1n, minSigners: 1, requestFee: 0n, maxOpenRequests: 4 }),
      ).to.be.revertedWithCustomError(f.ledger, "AccessControlUnauthorizedAccount");
      await expect(f.ledger.connect(f.other).setAdjudicator(f.other.address)).to.be.revertedWithCustomError(
        f.ledger,
        "AccessControlUnauthorizedAccount",
      );
    });
    it("sets the adjudicator once: a second call reverts with CommitmentLedgerAdjudicatorAlreadySet(current)", async function () {
      const f = await networkHelpers.loadFixture(system);
      const current = await f.adjudicator.getAddress();
      expect(await f.ledger.adjudicator()).to.equal(current);
      // Another address, the same one again, governance itself: all refused, naming the current adjudicator.
      for (const next of [f.other.address, current, f.governance.address]) {
        await expect(f.ledger.connect(f.governance).setAdjudicator(next))
          .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerAdjudicatorAlreadySet")
          .withArgs(current);
      }
      await expect(f.ledger.connect(f.governance).setAdjudicator(ethers.ZeroAddress)).to.be.revertedWithCustomError(
        f.ledger,
        "CommitmentLedgerZeroAddress",
      );
      expect(await f.ledger.adjudicator()).to.equal(current);
      // Governance still cannot act as the adjudicator.
      await expect(f.ledger.connect(f.governance).markRequestMissed(1n))
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerNotAdjudicator")
        .withArgs(f.governance.address);
    });
    it("sets the first adjudicator of a fresh ledger, refusing zero before and after", async function () {
      const f = await networkHelpers.loadFixture(system);
      const ledger = await freshLedger(f);
      expect(await ledger.adjudicator()).to.equal(ethers.ZeroAddress);
      await expect(ledger.connect(f.governance).setAdjudicator(ethers.ZeroAddress)).to.be.revertedWithCustomError(
        ledger,
        "CommitmentLedgerZeroAddress",
      );
      await expect(ledger.connect(f.governance).setAdjudicator(f.other.address))
        .to.emit(ledger, "AdjudicatorSet")
        .withArgs(f.other.address);
      expect(await ledger.adjudicator()).to.equal(f.other.address);
      await expect(ledger.connect(f.governance).setAdjudicator(f.user.address))
        .to.be.revertedWithCustomError(ledger, "CommitmentLedgerAdjudicatorAlreadySet")
        .withArgs(f.other.address);
      await expect(ledger.connect(f.governance).setAdjudicator(ethers.ZeroAddress)).to.be.revertedWithCustomError(
        ledger,
        "CommitmentLedgerZeroAddress",
      );
      expect(await ledger.adjudicator()).to.equal(f.other.address);
    });
    it("reverts with CommitmentLedgerNotAdjudicator when anyone else marks fraud or a missed request", async function () {
      const f = await networkHelpers.loadFixture(committed);
      await expect(
        f.ledger
          .connect(f.other)
          .markFraudulent(f.member.address, f.t, setDigest(rootsDigest(f.commitments), setBlobDigest(f.commitments))),
      )
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerNotAdjudicator")
        .withArgs(f.other.address);
      await expect(f.ledger.connect(f.member).markRequestMissed(1n)).to.be.revertedWithCustomError(
        f.ledger,
        "CommitmentLedgerNotAdjudicator",
      );
    });
  });

  describe("markFraudulent", function () {
    /**
     * The committed fixture on a fresh ledger whose adjudicator is governance (the fixture's ledger has the
     * Adjudicator contract, set once for good).
     */
    async function adjudicatedByGovernance() {
      const f = await committed();
      const ledger = await freshLedger(f);
      await ledger.connect(f.governance).setAdjudicator(f.governance.address);
      await ledger.connect(f.member).commit(f.t, f.commitments);
      const hash = setDigest(rootsDigest(f.commitments), setBlobDigest(f.commitments));
      return { ...f, ledger, hash };
    }
    it("marks the whole set Fraudulent for its committed hash, emitting nothing (FraudProven implies it)", async function () {
      const f = await networkHelpers.loadFixture(adjudicatedByGovernance);
      const tx = f.ledger.connect(f.governance).markFraudulent(f.member.address, f.t, f.hash);
      await expect(tx).not.to.emit(f.ledger, "SetStatusChanged");
      expect((await (await tx).wait())!.logs).to.have.length(0);
      expect((await f.ledger.setOf(f.member.address, f.t)).status).to.equal(SetStatus.Fraudulent);
      // Marking again (a second record of the same set) keeps the status.
      await f.ledger.connect(f.governance).markFraudulent(f.member.address, f.t, f.hash);
      expect((await f.ledger.setOf(f.member.address, f.t)).status).to.equal(SetStatus.Fraudulent);
    });
    it("reverts with CommitmentLedgerSetMismatch for another hash and CommitmentLedgerUnknownSet for no set", async function () {
      const f = await networkHelpers.loadFixture(adjudicatedByGovernance);
      await expect(f.ledger.connect(f.governance).markFraudulent(f.member.address, f.t, ethers.ZeroHash))
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerSetMismatch")
        .withArgs(f.member.address, f.t);
      await expect(f.ledger.connect(f.governance).markFraudulent(f.member.address, f.t + 1n, f.hash))
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerUnknownSet")
        .withArgs(f.member.address, f.t + 1n);
      await expect(f.ledger.connect(f.governance).markFraudulent(f.other.address, f.t, f.hash))
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerUnknownSet")
        .withArgs(f.other.address, f.t);
      expect((await f.ledger.setOf(f.member.address, f.t)).status).to.equal(SetStatus.Pending);
    });
  });

  describe("commit", function () {
    it("stores each asset's root, emits RootCommitted and SetCommitted with the documented digests", async function () {
      const f = await networkHelpers.loadFixture(system);
      const t = BigInt(await time.latest()) - 10n;
      const commitments = [commitmentOf(ETH_ASSET, 3n), commitmentOf(TOKEN_ASSET, 3n)];
      const tx = f.ledger.connect(f.member).commit(t, commitments);
      await expect(tx)
        .to.emit(f.ledger, "RootCommitted")
        .withArgs(
          f.member.address,
          ETH_ASSET,
          t,
          commitments[0].rootHash,
          commitments[0].rootSum,
          commitments[0].reserves,
          commitments[0].blobDigest,
        );
      await expect(tx)
        .to.emit(f.ledger, "SetCommitted")
        .withArgs(f.member.address, t, rootsDigest(commitments), setBlobDigest(commitments), 2n);
      await expect(tx).not.to.emit(f.ledger, "InsolvencyDeclared");
      const set = await f.ledger.setOf(f.member.address, t);
      expect(set.status).to.equal(SetStatus.Pending);
      expect(set.assetCount).to.equal(2n);
      expect(set.declaredInsolvent).to.equal(false);
      expect(set.committedAt).to.equal(BigInt(await time.latest()));
      // One storage word per set: the digest keeps its top 184 bits, the low 72 hold the fields above.
      expect(set.digest).to.equal(setDigest(rootsDigest(commitments), setBlobDigest(commitments)));
      expect(BigInt(set.digest) & ((1n << 72n) - 1n)).to.equal(0n);
      expect(await f.ledger.lastSnapshotOf(f.member.address)).to.equal(t);
      expect(await f.ledger.setSubject(f.member.address, t)).to.equal(setSubject(f.member.address, t));
    });
    it("makes a per-asset shortfall visible at once with InsolvencyDeclared", async function () {
      const f = await networkHelpers.loadFixture(system);
      const t = BigInt(await time.latest()) - 10n;
      const solvent = commitmentOf(ETH_ASSET, 2n);
      const short = commitmentOf(TOKEN_ASSET, 2n, false);
      await expect(f.ledger.connect(f.member).commit(t, [solvent, short]))
        .to.emit(f.ledger, "InsolvencyDeclared")
        .withArgs(f.member.address, TOKEN_ASSET, t, short.reserves, short.rootSum);
      expect((await f.ledger.setOf(f.member.address, t)).declaredInsolvent).to.equal(true);
    });
    it("reverts with CommitmentLedgerNotCommitter for an address that is not a member", async function () {
      const f = await networkHelpers.loadFixture(system);
      const t = BigInt(await time.latest());
      await expect(f.ledger.connect(f.other).commit(t, [commitmentOf(ETH_ASSET, 1n)]))
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerNotCommitter")
        .withArgs(f.other.address);
    });
    it("reverts with CommitmentLedgerFutureSnapshot for a time in the future", async function () {
      const f = await networkHelpers.loadFixture(system);
      const t = BigInt(await time.latest()) + 1000n;
      await expect(f.ledger.connect(f.member).commit(t, [commitmentOf(ETH_ASSET, 1n)])).to.be.revertedWithCustomError(
        f.ledger,
        "CommitmentLedgerFutureSnapshot",
      );
    });
    it("reverts with CommitmentLedgerSnapshotNotIncreasing for the same or an earlier time (no replay across t)", async function () {
      const f = await networkHelpers.loadFixture(committed);
      await expect(f.ledger.connect(f.member).commit(f.t, [commitmentOf(ETH_ASSET, 9n)]))
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerSnapshotNotIncreasing")
        .withArgs(f.t, f.t);
      await expect(
        f.ledger.connect(f.member).commit(f.t - 1n, [commitmentOf(ETH_ASSET, 9n)]),
      ).to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerSnapshotNotIncreasing");
    });
    it("reverts with CommitmentLedgerBadAssetCount for an empty set", async function () {
      const f = await networkHelpers.loadFixture(system);
      await expect(f.ledger.connect(f.member).commit(BigInt(await time.latest()), []))
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerBadAssetCount")
        .withArgs(0n, 256n);
    });
    it("reverts with CommitmentLedgerAssetsNotAscending for a duplicate or unsorted asset", async function () {
      const f = await networkHelpers.loadFixture(system);
      const t = BigInt(await time.latest());
      await expect(f.ledger.connect(f.member).commit(t, [commitmentOf(ETH_ASSET, 1n), commitmentOf(ETH_ASSET, 2n)]))
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerAssetsNotAscending")
        .withArgs(1n, ETH_ASSET);
      await expect(
        f.ledger.connect(f.member).commit(t, [commitmentOf(TOKEN_ASSET, 1n), commitmentOf(ETH_ASSET, 2n)]),
      ).to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerAssetsNotAscending");
    });
    it("reverts with CommitmentLedgerBadRootHash for a zero root or one outside the field", async function () {
      const f = await networkHelpers.loadFixture(system);
      const t = BigInt(await time.latest());
      await expect(f.ledger.connect(f.member).commit(t, [{ ...commitmentOf(ETH_ASSET, 1n), rootHash: 0n }]))
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerBadRootHash")
        .withArgs(ETH_ASSET, 0n);
      await expect(
        f.ledger.connect(f.member).commit(t, [{ ...commitmentOf(ETH_ASSET, 1n), rootHash: FIELD }]),
      ).to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerBadRootHash");
    });
    it("reverts with ConsortiumRegistryUnknownAsset for an asset governance never listed", async function () {
      const f = await networkHelpers.loadFixture(system);
      await expect(f.ledger.connect(f.member).commit(BigInt(await time.latest()), [commitmentOf(77, 1n)]))
        .to.be.revertedWithCustomError(f.registry, "ConsortiumRegistryUnknownAsset")
        .withArgs(77n);
    });
    it("records a duty met for a timely commit and missed duties for skipped intervals and late posting", async function () {
      const f = await networkHelpers.loadFixture(system);
      const t1 = BigInt(await time.latest()) - 10n;
      await expect(f.ledger.connect(f.member).commit(t1, [commitmentOf(ETH_ASSET, 1n)]))
        .to.emit(f.ledger, "DutiesRecorded")
        .withArgs(f.member.address, 1n, 0n);
      // Skip two intervals, and post the third snapshot later than the response window allows.
      const t2 = t1 + 3n * SLA.snapshotInterval;
      await time.increaseTo(t2 + SLA.responseWindow + 10n);
      await expect(f.ledger.connect(f.member).commit(t2, [commitmentOf(ETH_ASSET, 2n)]))
        .to.emit(f.ledger, "DutiesRecorded")
        .withArgs(f.member.address, 0n, 3n);
      const rep = await f.reputation.reputationOf(f.member.address);
      expect(rep.dutiesMet).to.equal(1n);
      expect(rep.dutiesTotal).to.equal(4n);
    });
  });

  describe("publishBlobRef", function () {
    it("emits BlobRefPublished with the reference for a committed set of the caller", async function () {
      const f = await committed();
      const ref = "0x01020304aabbccdd";
      await expect(f.ledger.connect(f.member).publishBlobRef(f.t, ETH_ASSET, ref))
        .to.emit(f.ledger, "BlobRefPublished")
        .withArgs(f.member.address, f.t, ETH_ASSET, ref);
    });

    it("reverts with CommitmentLedgerUnknownSet for a set the caller never committed", async function () {
      const f = await committed();
      await expect(f.ledger.connect(f.other).publishBlobRef(f.t, ETH_ASSET, "0x01"))
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerUnknownSet")
        .withArgs(f.other.address, f.t);
      await expect(f.ledger.connect(f.member).publishBlobRef(f.t + 1n, ETH_ASSET, "0x01"))
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerUnknownSet")
        .withArgs(f.member.address, f.t + 1n);
    });

    it("reverts with CommitmentLedgerBadBlobRef for an empty or oversized reference", async function () {
      const f = await committed();
      await expect(f.ledger.connect(f.member).publishBlobRef(f.t, ETH_ASSET, "0x"))
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerBadBlobRef")
        .withArgs(0n);
      const max = await f.ledger.MAX_BLOB_REF_LENGTH();
      await expect(f.ledger.connect(f.member).publishBlobRef(f.t, ETH_ASSET, new Uint8Array(Number(max) + 1)))
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerBadBlobRef")
        .withArgs(max + 1n);
      await expect(
        f.ledger.connect(f.member).publishBlobRef(f.t, ETH_ASSET, new Uint8Array(Number(max)).fill(7)),
      ).to.emit(f.ledger, "BlobRefPublished");
    });
  });

  describe("requestProof", function () {
    it("opens a request with the member's response window and emits ProofRequested", async function () {
      const f = await networkHelpers.loadFixture(committed);
      const tx = f.ledger.connect(f.other).requestProof(f.member.address, f.t, { value: FEE });
      const now = BigInt(await time.latest()) + 1n;
      await expect(tx)
        .to.emit(f.ledger, "ProofRequested")
        .withArgs(1n, f.member.address, f.t, f.other.address, now + SLA.responseWindow, FEE);
      const request = await f.ledger.requestOf(1n);
      expect(request.status).to.equal(RequestStatus.Open);
      expect(await f.ledger.requestIdOf(f.member.address, f.t)).to.equal(1n);
      expect(await f.ledger.requestCount()).to.equal(1n);
      expect(await ethers.provider.getBalance(await f.ledger.getAddress())).to.equal(FEE);
    });
    it("reverts with CommitmentLedgerWrongFee when the fee differs", async function () {
      const f = await networkHelpers.loadFixture(committed);
      await expect(f.ledger.connect(f.other).requestProof(f.member.address, f.t, { value: FEE - 1n }))
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerWrongFee")
        .withArgs(FEE - 1n, FEE);
    });
    it("reverts with CommitmentLedgerSnapshotNotPast for the current or a future time", async function () {
      const f = await networkHelpers.loadFixture(committed);
      const future = BigInt(await time.latest()) + 100n;
      await expect(
        f.ledger.connect(f.other).requestProof(f.member.address, future, { value: FEE }),
      ).to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerSnapshotNotPast");
    });
    it("reverts with CommitmentLedgerNotRequestable for a non-member", async function () {
      const f = await networkHelpers.loadFixture(committed);
      await expect(f.ledger.connect(f.other).requestProof(f.user.address, f.t, { value: FEE }))
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerNotRequestable")
        .withArgs(f.user.address);
    });
    it("reverts with CommitmentLedgerRequestExists for a second request of the same snapshot", async function () {
      const f = await networkHelpers.loadFixture(requested);
      await expect(f.ledger.connect(f.user).requestProof(f.member.address, f.t, { value: FEE }))
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerRequestExists")
        .withArgs(f.member.address, f.t, 1n);
    });
  });

  describe("respondToRequest", function () {
    it("commits a past snapshot that had no set, credits the fee to the member and records no duty", async function () {
      const f = await networkHelpers.loadFixture(requested);
      // The member already committed a later snapshot on its cadence; the answer may still fill an earlier t.
      await f.ledger.connect(f.member).commit(f.t + 20n, [commitmentOf(ETH_ASSET, 5n)]);
      const answer = [commitmentOf(ETH_ASSET, 6n)];
      await expect(f.ledger.connect(f.member).respondToRequest(1n, answer))
        .to.emit(f.ledger, "RequestAnswered")
        .withArgs(1n, f.member.address, f.t);
      expect((await f.ledger.requestOf(1n)).status).to.equal(RequestStatus.Answered);
      expect((await f.ledger.setOf(f.member.address, f.t)).digest).to.equal(
        setDigest(rootsDigest(answer), setBlobDigest(answer)),
      );
      expect(await f.ledger.lastSnapshotOf(f.member.address)).to.equal(f.t + 20n);
      expect(await f.ledger.feesOf(f.member.address)).to.equal(FEE);
      await expect(f.ledger.connect(f.member).withdrawFees()).to.changeEtherBalances(
        ethers,
        [f.member, f.ledger],
        [FEE, -FEE],
      );
      await expect(f.ledger.connect(f.member).withdrawFees()).to.be.revertedWithCustomError(
        f.ledger,
        "CommitmentLedgerNothingToWithdraw",
      );
      // The commit counted its one met duty; the answer none (a requester's identity proves nothing).
      expect((await f.reputation.reputationOf(f.member.address)).dutiesMet).to.equal(1n);
    });
    it("accepts an empty answer when the set already exists", async function () {
      const f = await networkHelpers.loadFixture(committed);
      await f.ledger.connect(f.other).requestProof(f.member.address, f.t, { value: FEE });
      await expect(f.ledger.connect(f.member).respondToRequest(1n, [])).to.emit(f.ledger, "RequestAnswered");
    });
    it("reverts with CommitmentLedgerBadAnswer for commitments when the set exists, or none when it does not", async function () {
      const f = await networkHelpers.loadFixture(committed);
      await f.ledger.connect(f.other).requestProof(f.member.address, f.t, { value: FEE });
      await expect(f.ledger.connect(f.member).respondToRequest(1n, [commitmentOf(ETH_ASSET, 9n)]))
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerBadAnswer")
        .withArgs(1n, 1n);
      const g = await networkHelpers.loadFixture(requested);
      await expect(g.ledger.connect(g.member).respondToRequest(1n, []))
        .to.be.revertedWithCustomError(g.ledger, "CommitmentLedgerBadAnswer")
        .withArgs(1n, 0n);
    });
    it("reverts with CommitmentLedgerNotRequestedMember for anyone but the member", async function () {
      const f = await networkHelpers.loadFixture(requested);
      await expect(f.ledger.connect(f.other).respondToRequest(1n, [commitmentOf(ETH_ASSET, 1n)]))
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerNotRequestedMember")
        .withArgs(1n, f.other.address);
    });
    it("reverts with CommitmentLedgerDeadlinePassed after the deadline", async function () {
      const f = await networkHelpers.loadFixture(requested);
      const deadline = (await f.ledger.requestOf(1n)).deadline;
      await time.increaseTo(deadline + 1n);
      await expect(f.ledger.connect(f.member).respondToRequest(1n, [commitmentOf(ETH_ASSET, 1n)]))
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerDeadlinePassed")
        .withArgs(1n, deadline);
    });
    it("reverts with CommitmentLedgerUnknownRequest and CommitmentLedgerBadRequestStatus", async function () {
      const f = await networkHelpers.loadFixture(requested);
      await expect(f.ledger.connect(f.member).respondToRequest(7n, []))
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerUnknownRequest")
        .withArgs(7n);
      await f.ledger.connect(f.member).respondToRequest(1n, [commitmentOf(ETH_ASSET, 1n)]);
      await expect(f.ledger.connect(f.member).respondToRequest(1n, []))
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerBadRequestStatus")
        .withArgs(1n, RequestStatus.Answered);
    });
  });

  describe("attestCommitment", function () {
    it("finalizes a set with a Solvent quorum and emits QuorumAttested with the summed weight", async function () {
      const f = await networkHelpers.loadFixture(committed);
      const a = f.attestation(Verdict.Solvent);
      const signatures = await f.sign(a, f.operators.slice(0, 3));
      await expect(
        f.ledger
          .connect(f.other)
          .attestCommitment(f.member.address, f.t, a.verdict, a.rootsDigest, a.blobDigest, signatures),
      )
        .to.emit(f.ledger, "QuorumAttested")
        .withArgs(a.subject, f.member.address, f.t, Verdict.Solvent, 3n * OPERATOR_STAKE, 3n)
        .and.not.to.emit(f.ledger, "SetStatusChanged");
      expect((await f.ledger.setOf(f.member.address, f.t)).status).to.equal(SetStatus.Finalized);
    });
    it("matches the EIP-712 digest computed off-chain", async function () {
      const f = await networkHelpers.loadFixture(committed);
      const a = f.attestation(Verdict.Solvent);
      expect(await f.ledger.attestationDigest(a.subject, a.verdict, a.rootsDigest, a.blobDigest)).to.equal(
        attestationDigest(f.domain, a),
      );
    });
    it("reverts with CommitmentLedgerBadSetStatus when replayed after finalization", async function () {
      const f = await networkHelpers.loadFixture(committed);
      const a = f.attestation(Verdict.Solvent);
      const signatures = await f.sign(a);
      await f.ledger.attestCommitment(f.member.address, f.t, a.verdict, a.rootsDigest, a.blobDigest, signatures);
      await expect(f.ledger.attestCommitment(f.member.address, f.t, a.verdict, a.rootsDigest, a.blobDigest, signatures))
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerBadSetStatus")
        .withArgs(f.member.address, f.t, SetStatus.Finalized);
    });
    it("reverts with CommitmentLedgerBadSetStatus for a snapshot without a set", async function () {
      const f = await networkHelpers.loadFixture(committed);
      const a = f.attestation(Verdict.Solvent);
      await expect(
        f.ledger.attestCommitment(f.member.address, f.t + 1n, a.verdict, a.rootsDigest, a.blobDigest, "0x"),
      ).to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerBadSetStatus");
    });
    it("reverts with CommitmentLedgerDigestMismatch when the attested digests are not the stored set's", async function () {
      const f = await networkHelpers.loadFixture(committed);
      const a = { ...f.attestation(Verdict.Solvent), blobDigest: ethers.ZeroHash };
      const signatures = await f.sign(a);
      await expect(
        f.ledger.attestCommitment(f.member.address, f.t, a.verdict, a.rootsDigest, a.blobDigest, signatures),
      ).to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerDigestMismatch");
    });
    it("reverts with CommitmentLedgerBadVerdict for verdict None", async function () {
      const f = await networkHelpers.loadFixture(committed);
      const a = f.attestation(Verdict.None);
      await expect(
        f.ledger.attestCommitment(f.member.address, f.t, a.verdict, a.rootsDigest, a.blobDigest, await f.sign(a)),
      )
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerBadVerdict")
        .withArgs(0n);
    });
    it("reverts with CommitmentLedgerDeclaredInsolvent when a self-declared shortfall is attested Solvent", async function () {
      const f = await networkHelpers.loadFixture(committedInsolvent);
      const a = {
        subject: setSubject(f.member.address, f.t),
        verdict: Verdict.Solvent,
        rootsDigest: rootsDigest(f.commitments),
        blobDigest: setBlobDigest(f.commitments),
      };
      await expect(
        f.ledger.attestCommitment(f.member.address, f.t, a.verdict, a.rootsDigest, a.blobDigest, await f.sign(a)),
      ).to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerDeclaredInsolvent");
    });
    it("reverts with CommitmentLedgerMalformedSignatures for an empty or truncated signature blob", async function () {
      const f = await networkHelpers.loadFixture(committed);
      const a = f.attestation(Verdict.Solvent);
      await expect(f.ledger.attestCommitment(f.member.address, f.t, a.verdict, a.rootsDigest, a.blobDigest, "0x"))
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerMalformedSignatures")
        .withArgs(0n);
      const truncated = (await f.sign(a)).slice(0, -2);
      await expect(
        f.ledger.attestCommitment(f.member.address, f.t, a.verdict, a.rootsDigest, a.blobDigest, truncated),
      ).to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerMalformedSignatures");
    });
    it("reverts with CommitmentLedgerInvalidSignature for a signature that does not recover", async function () {
      const f = await networkHelpers.loadFixture(committed);
      const a = f.attestation(Verdict.Solvent);
      const bad = "0x" + "11".repeat(32) + "ff".repeat(32) + "1b"; // s above n/2: refused
      await expect(f.ledger.attestCommitment(f.member.address, f.t, a.verdict, a.rootsDigest, a.blobDigest, bad))
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerInvalidSignature")
        .withArgs(0n);
    });
    it("reverts with CommitmentLedgerInvalidSignature for the high-s twin of an operator's valid signature", async function () {
      const f = await networkHelpers.loadFixture(committed);
      const a = f.attestation(Verdict.Solvent);
      const packed = await f.sign(a, f.operators.slice(0, 3));
      const sigs = [0, 1, 2].map((i) => packed.slice(2 + i * 130, 2 + (i + 1) * 130));
      // (r, n - s, v ^ 1) recovers the same signer: only the low-s rule refuses it.
      const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
      const s = BigInt("0x" + sigs[1].slice(64, 128));
      const v = parseInt(sigs[1].slice(128, 130), 16);
      const twin = sigs[1].slice(0, 64) + (n - s).toString(16).padStart(64, "0") + (v === 27 ? "1c" : "1b");
      const digest = await f.ledger.attestationDigest(a.subject, a.verdict, a.rootsDigest, a.blobDigest);
      // The ecrecover precompile (input: digest, v, r, s) recovers the operator from the twin.
      const input = digest + (v === 27 ? 28 : 27).toString(16).padStart(64, "0") + twin.slice(0, 128);
      const recovered = await ethers.provider.call({ to: "0x0000000000000000000000000000000000000001", data: input });
      expect(ethers.getAddress("0x" + recovered.slice(26))).to.equal(f.operators[1].address);
      const blob = "0x" + sigs[0] + twin + sigs[2];
      await expect(f.ledger.attestCommitment(f.member.address, f.t, a.verdict, a.rootsDigest, a.blobDigest, blob))
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerInvalidSignature")
        .withArgs(1n);
    });
    it("reverts with CommitmentLedgerSignersNotSorted for descending or duplicate signers", async function () {
      const f = await networkHelpers.loadFixture(committed);
      const a = f.attestation(Verdict.Solvent);
      const packed = await f.sign(a, f.operators.slice(0, 3));
      const sigs = [0, 1, 2].map((i) => packed.slice(2 + i * 130, 2 + (i + 1) * 130));
      const reversed = "0x" + [...sigs].reverse().join("");
      await expect(
        f.ledger.attestCommitment(f.member.address, f.t, a.verdict, a.rootsDigest, a.blobDigest, reversed),
      ).to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerSignersNotSorted");
      const duplicate = "0x" + sigs[0] + sigs[1] + sigs[1] + sigs[2];
      await expect(f.ledger.attestCommitment(f.member.address, f.t, a.verdict, a.rootsDigest, a.blobDigest, duplicate))
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerSignersNotSorted")
        .withArgs(2n, f.operators[1].address, f.operators[1].address);
    });
    it("reverts with CommitmentLedgerSelfAttestation when the member signs its own set", async function () {
      const f = await networkHelpers.loadFixture(committed);
      const a = f.attestation(Verdict.Solvent);
      const withMember = packSignatures([
        ...(await Promise.all(f.operators.slice(0, 3).map((o) => signAttestation(o, f.domain, a)))),
        await signAttestation(f.member, f.domain, a),
      ]);
      await expect(f.ledger.attestCommitment(f.member.address, f.t, a.verdict, a.rootsDigest, a.blobDigest, withMember))
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerSelfAttestation")
        .withArgs(f.member.address);
    });
    it("reverts with CommitmentLedgerNotCoSigner for a signer outside the consortium (or a signature on other data)", async function () {
      const f = await networkHelpers.loadFixture(committed);
      const a = f.attestation(Verdict.Solvent);
      const stranger = new Wallet(Wallet.createRandom().privateKey);
      await expect(
        f.ledger.attestCommitment(
          f.member.address,
          f.t,
          a.verdict,
          a.rootsDigest,
          a.blobDigest,
          await f.sign(a, [stranger]),
        ),
      )
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerNotCoSigner")
        .withArgs(stranger.address);
      // Operators' Solvent signatures posted as an Insolvent verdict recover to unrelated addresses.
      const solventSigs = await f.sign(a, f.operators.slice(0, 1));
      await expect(
        f.ledger.attestCommitment(f.member.address, f.t, Verdict.Insolvent, a.rootsDigest, a.blobDigest, solventSigs),
      ).to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerNotCoSigner");
    });
    it("reverts with CommitmentLedgerNotCoSigner for an ejected (stale) operator", async function () {
      const f = await networkHelpers.loadFixture(committed);
      await f.registry.connect(f.governance).eject(f.operators[0].address);
      const a = f.attestation(Verdict.Solvent);
      await expect(
        f.ledger.attestCommitment(f.member.address, f.t, a.verdict, a.rootsDigest, a.blobDigest, await f.sign(a)),
      )
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerNotCoSigner")
        .withArgs(f.operators[0].address);
    });
    it("reverts with CommitmentLedgerInvalidSignature at the index of a signature that recovers no address", async function () {
      const f = await networkHelpers.loadFixture(committed);
      const a = f.attestation(Verdict.Solvent);
      const packed = await f.sign(a, f.operators.slice(0, 3));
      // v = 0 makes the precompile return nothing (a low s, so only the recovery itself fails).
      const broken = packed.slice(0, 2 + 130 + 128) + "00" + packed.slice(2 + 260);
      await expect(f.ledger.attestCommitment(f.member.address, f.t, a.verdict, a.rootsDigest, a.blobDigest, broken))
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerInvalidSignature")
        .withArgs(1n);
    });
    it("reverts with CommitmentLedgerNotCoSigner for an exiting operator and for a co-signer without stake", async function () {
      const f = await networkHelpers.loadFixture(committed);
      const a = f.attestation(Verdict.Solvent);
      await f.registry.connect(f.operators[1]).requestExit();
      await expect(
        f.ledger.attestCommitment(f.member.address, f.t, a.verdict, a.rootsDigest, a.blobDigest, await f.sign(a)),
      )
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerNotCoSigner")
        .withArgs(f.operators[1].address);
      // A member on probation may co-sign, but with no collateral it carries no weight and is refused.
      const fresh = new Wallet(Wallet.createRandom().privateKey, ethers.provider);
      await f.governance.sendTransaction({ to: fresh.address, value: 10n ** 17n });
      await f.registry.connect(fresh).applyForMembership("0x" + "03".repeat(32));
      await f.registry.connect(f.auditor).approveGenesis(fresh.address, "0x" + "ab".repeat(32));
      await expect(
        f.ledger.attestCommitment(
          f.member.address,
          f.t,
          a.verdict,
          a.rootsDigest,
          a.blobDigest,
          await f.sign(a, [fresh]),
        ),
      )
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerNotCoSigner")
        .withArgs(fresh.address);
    });
    it("counts each signer at the current token weights, even right after governance changed them", async function () {
      const f = await networkHelpers.loadFixture(committed);
      const a = f.attestation(Verdict.Solvent);
      // ETH now weighs 3x: every operator's cached weight is stale, the quorum must see 3x.
      await f.vault.connect(f.governance).setTokenWeight(ethers.ZeroAddress, 3n * 10n ** 18n);
      const signers = f.operators.slice(0, 3);
      await expect(
        f.ledger.attestCommitment(
          f.member.address,
          f.t,
          a.verdict,
          a.rootsDigest,
          a.blobDigest,
          await f.sign(a, signers),
        ),
      )
        .to.emit(f.ledger, "QuorumAttested")
        .withArgs(a.subject, f.member.address, f.t, Verdict.Solvent, 9n * OPERATOR_STAKE, 3n);
    });
    it("reverts with CommitmentLedgerQuorumNotReached below the weight threshold or signer minimum", async function () {
      const f = await networkHelpers.loadFixture(committed);
      const a = f.attestation(Verdict.Solvent);
      await expect(
        f.ledger.attestCommitment(
          f.member.address,
          f.t,
          a.verdict,
          a.rootsDigest,
          a.blobDigest,
          await f.sign(a, f.operators.slice(0, 2)),
        ),
      )
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerQuorumNotReached")
        .withArgs(2n * OPERATOR_STAKE, 3n * OPERATOR_STAKE, 2n, 3n);
      // Weight is read at submission: a slashed operator no longer carries the threshold.
      await f.ledger
        .connect(f.governance)
        .setQuorumParams({ quorumWeight: 4n * OPERATOR_STAKE, minSigners: 1, requestFee: FEE, maxOpenRequests: 4 });
      await expect(
        f.ledger.attestCommitment(
          f.member.address,
          f.t,
          a.verdict,
          a.rootsDigest,
          a.blobDigest,
          await f.sign(a, f.operators.slice(0, 3)),
        ),
      ).to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerQuorumNotReached");
    });
    it("marks the set Insolvent on an Insolvent quorum and slashes with the insolvency share, bounty to the submitter", async function () {
      const f = await networkHelpers.loadFixture(committed);
      const a = f.attestation(Verdict.Insolvent);
      const signatures = await f.sign(a);
      const slashed = (MEMBER_STAKE * BigInt(SLASH.insolvencyBps)) / 10_000n;
      const bounty = (slashed * 1_000n) / 10_000n;
      const tx = f.ledger
        .connect(f.prover)
        .attestCommitment(f.member.address, f.t, a.verdict, a.rootsDigest, a.blobDigest, signatures);
      await expect(tx)
        .to.emit(f.adjudicator, "InsolvencySlashed")
        .withArgs(f.member.address, f.t, a.subject, f.prover.address, slashed);
      // The bounty is the only money that leaves the vault; the rest stays in its restitution pool.
      await expect(tx).to.changeEtherBalances(ethers, [f.prover, f.vault], [bounty, -bounty]);
      expect(await f.vault.restitutionOf(f.member.address, ethers.ZeroAddress)).to.equal(slashed - bounty);
      expect((await f.vault.totals(ethers.ZeroAddress)).released).to.equal(0n);
      expect((await f.ledger.setOf(f.member.address, f.t)).status).to.equal(SetStatus.Insolvent);
      expect(await f.vault.stakeOf(f.member.address)).to.equal(MEMBER_STAKE - slashed);
      expect((await f.reputation.reputationOf(f.member.address)).slashCount).to.equal(1n);
    });
  });

  describe("attestRequest", function () {
    async function answered() {
      const f = await requested();
      const commitments = [commitmentOf(ETH_ASSET, 4n)];
      await f.ledger.connect(f.member).respondToRequest(1n, commitments);
      const attestation = (verdict: Verdict) => ({
        subject: requestSubject(f.member.address, f.t, 1n),
        verdict,
        rootsDigest: rootsDigest(commitments),
        blobDigest: setBlobDigest(commitments),
      });
      return { ...f, commitments, attestation };
    }
    it("finalizes the request and its pending set on a Solvent quorum", async function () {
      const f = await networkHelpers.loadFixture(answered);
      const a = f.attestation(Verdict.Solvent);
      expect(await f.ledger.requestSubject(1n)).to.equal(a.subject);
      await expect(f.ledger.attestRequest(1n, a.verdict, a.rootsDigest, a.blobDigest, await f.sign(a)))
        .to.emit(f.ledger, "RequestStatusChanged")
        .withArgs(1n, RequestStatus.Finalized);
      expect((await f.ledger.setOf(f.member.address, f.t)).status).to.equal(SetStatus.Finalized);
      await expect(
        f.ledger.attestRequest(1n, a.verdict, a.rootsDigest, a.blobDigest, await f.sign(a)),
      ).to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerBadRequestStatus");
    });
    it("refuses a set attestation's signatures for the request (subjects differ)", async function () {
      const f = await networkHelpers.loadFixture(answered);
      const a = { ...f.attestation(Verdict.Solvent), subject: setSubject(f.member.address, f.t) };
      await expect(
        f.ledger.attestRequest(1n, a.verdict, a.rootsDigest, a.blobDigest, await f.sign(a, f.operators.slice(0, 1))),
      ).to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerNotCoSigner");
    });
    it("slashes on an Insolvent quorum and marks request and set insolvent", async function () {
      const f = await networkHelpers.loadFixture(answered);
      const a = f.attestation(Verdict.Insolvent);
      await expect(f.ledger.attestRequest(1n, a.verdict, a.rootsDigest, a.blobDigest, await f.sign(a))).to.emit(
        f.adjudicator,
        "InsolvencySlashed",
      );
      expect((await f.ledger.requestOf(1n)).status).to.equal(RequestStatus.Insolvent);
      expect((await f.ledger.setOf(f.member.address, f.t)).status).to.equal(SetStatus.Insolvent);
    });
    it("reverts with CommitmentLedgerBadRequestStatus for a request not answered yet", async function () {
      const f = await networkHelpers.loadFixture(requested);
      await expect(f.ledger.attestRequest(1n, Verdict.Solvent, ethers.ZeroHash, ethers.ZeroHash, "0x"))
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerBadRequestStatus")
        .withArgs(1n, RequestStatus.Open);
    });
  });
});

describe("CommitmentLedger under attack (issue 12)", function () {
  /** Three approved accounts (Probation co-signers) that never deposited, and a fresh flash-loan contract. */
  async function unbonded() {
    const f = await committed();
    const empties: Wallet[] = [];
    for (let i = 0; i < 3; i++) {
      const w = new Wallet(Wallet.createRandom().privateKey, ethers.provider);
      await f.governance.sendTransaction({ to: w.address, value: OPERATOR_STAKE + 10n ** 18n });
      await f.registry.connect(w).applyForMembership("0x" + "03".repeat(32));
      await f.registry.connect(f.auditor).approveGenesis(w.address, "0x" + "ab".repeat(32));
      empties.push(w);
    }
    empties.sort((x, y) => (BigInt(x.address) < BigInt(y.address) ? -1 : 1));
    const multicall = await ethers.deployContract("TestMulticall");
    return { ...f, empties, multicall };
  }

  describe("bonded quorum weight", function () {
    it("refuses a flash-loan quorum: three approved accounts deposit and attest in one transaction, weight 0", async function () {
      const f = await networkHelpers.loadFixture(unbonded);
      const vault = await f.vault.getAddress();
      const ledger = await f.ledger.getAddress();
      const loan = 3n * OPERATOR_STAKE;
      for (const verdict of [Verdict.Solvent, Verdict.Insolvent]) {
        const a = f.attestation(verdict);
        const signatures = await f.sign(a, f.empties);
        const calls = [
          ...f.empties.map((w) => ({
            target: vault,
            value: OPERATOR_STAKE,
            data: f.vault.interface.encodeFunctionData("deposit", [w.address, ethers.ZeroAddress, OPERATOR_STAKE]),
          })),
          {
            target: ledger,
            value: 0n,
            data: f.ledger.interface.encodeFunctionData("attestCommitment", [
              f.member.address,
              f.t,
              verdict,
              a.rootsDigest,
              a.blobDigest,
              signatures,
            ]),
          },
        ];
        // Stake deposited after the set was created counts nothing: the quorum sees 0 of 6 ETH.
        await expect(f.multicall.run(calls, { value: loan }))
          .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerQuorumNotReached")
          .withArgs(0n, 3n * OPERATOR_STAKE, 3n, 3n);
      }
      expect((await f.ledger.setOf(f.member.address, f.t)).status).to.equal(SetStatus.Pending);
    });
    it("counts nothing of a deposit in the subject's own block, and the same stake once bonded for a later subject", async function () {
      const f = await networkHelpers.loadFixture(unbonded);
      for (const w of f.empties) {
        await f.vault.connect(w).deposit(w.address, ethers.ZeroAddress, OPERATOR_STAKE, { value: OPERATOR_STAKE });
      }
      // The old set was created before these deposits: still nothing.
      const old = f.attestation(Verdict.Solvent);
      await expect(
        f.ledger.attestCommitment(
          f.member.address,
          f.t,
          old.verdict,
          old.rootsDigest,
          old.blobDigest,
          await f.sign(old, f.empties),
        ),
      ).to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerQuorumNotReached");
      // A set committed afterwards counts the bonded stake in full.
      await time.increase(10n);
      const t2 = BigInt(await time.latest());
      await time.increase(10n);
      await f.ledger.connect(f.member).commit(t2, f.commitments);
      const a = { ...old, subject: setSubject(f.member.address, t2) };
      await expect(
        f.ledger.attestCommitment(
          f.member.address,
          t2,
          a.verdict,
          a.rootsDigest,
          a.blobDigest,
          await f.sign(a, f.empties),
        ),
      )
        .to.emit(f.ledger, "QuorumAttested")
        .withArgs(a.subject, f.member.address, t2, Verdict.Solvent, 3n * OPERATOR_STAKE, 3n);
    });
    it("keeps an honest operator's weight when anyone deposits 1 wei for it after the subject was created", async function () {
      const f = await networkHelpers.loadFixture(committed);
      const signers = f.operators.slice(0, 3);
      for (const op of signers) {
        await f.vault.connect(f.other).deposit(op.address, ethers.ZeroAddress, 1n, { value: 1n });
        await f.vault.connect(f.other).deposit(op.address, ethers.ZeroAddress, 1n, { value: 1n });
      }
      const a = f.attestation(Verdict.Solvent);
      await expect(
        f.ledger.attestCommitment(
          f.member.address,
          f.t,
          a.verdict,
          a.rootsDigest,
          a.blobDigest,
          await f.sign(a, signers),
        ),
      )
        .to.emit(f.ledger, "QuorumAttested")
        .withArgs(a.subject, f.member.address, f.t, Verdict.Solvent, 3n * OPERATOR_STAKE, 3n);
    });
    it("lowers the weight at once on a withdrawal request after the subject was created", async function () {
      const f = await networkHelpers.loadFixture(committed);
      const signers = f.operators.slice(0, 3);
      await f.vault.connect(signers[0]).requestWithdrawal(ethers.ZeroAddress, OPERATOR_STAKE / 2n);
      const a = f.attestation(Verdict.Solvent);
      await expect(
        f.ledger.attestCommitment(
          f.member.address,
          f.t,
          a.verdict,
          a.rootsDigest,
          a.blobDigest,
          await f.sign(a, signers),
        ),
      )
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerQuorumNotReached")
        .withArgs(3n * OPERATOR_STAKE - OPERATOR_STAKE / 2n, 3n * OPERATOR_STAKE, 3n, 3n);
    });
  });

  describe("requests", function () {
    it("never slashes a member that answers every request in time, whatever the requester does (max 4 open)", async function () {
      const f = await networkHelpers.loadFixture(unbonded);
      const ledger = await f.ledger.getAddress();
      const ts = [1n, 2n, 3n, 4n].map((i) => f.t - 100n * i);
      // One block, one transaction: the maximum number of requests.
      const calls = ts.map((t) => ({
        target: ledger,
        value: FEE,
        data: f.ledger.interface.encodeFunctionData("requestProof", [f.member.address, t]),
      }));
      await f.multicall.run(calls, { value: 4n * FEE });
      expect((await f.ledger.memberRecordOf(f.member.address)).openRequests).to.equal(4n);
      // A fifth in the same window is refused.
      await expect(f.ledger.connect(f.other).requestProof(f.member.address, f.t - 500n, { value: FEE }))
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerTooManyOpenRequests")
        .withArgs(f.member.address, 4n, 4n);
      const stake = await f.vault.stakeOf(f.member.address);
      for (const [i, t] of ts.entries()) {
        const id = await f.ledger.requestIdOf(f.member.address, t);
        await f.ledger.connect(f.member).respondToRequest(id, [commitmentOf(ETH_ASSET, 20n + BigInt(i))]);
      }
      await time.increaseTo((await f.ledger.requestOf(4n)).deadline + 1n);
      for (const id of [1n, 2n, 3n, 4n]) {
        await expect(f.adjudicator.connect(f.other).reportMissedDeadline(id))
          .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerBadRequestStatus")
          .withArgs(id, RequestStatus.Answered);
      }
      expect(await f.vault.stakeOf(f.member.address)).to.equal(stake);
      expect((await f.vault.stakeHistoryOf(f.member.address)).slashCount).to.equal(0n);
      // Answered requests no longer count: new ones may be opened.
      await expect(f.ledger.connect(f.other).requestProof(f.member.address, f.t - 500n, { value: FEE })).to.emit(
        f.ledger,
        "ProofRequested",
      );
    });
    it("keeps the fee of a missed request (insurance) and pays no bounty to a requester reporting its own request", async function () {
      const f = await networkHelpers.loadFixture(requested);
      await time.increaseTo((await f.ledger.requestOf(1n)).deadline + 1n);
      const slashed = (MEMBER_STAKE * BigInt(SLASH.missedDeadlineBps)) / 10_000n;
      const tx = f.adjudicator.connect(f.other).reportMissedDeadline(1n);
      await expect(tx)
        .to.emit(f.vault, "CollateralSlashed")
        .withArgs(f.member.address, ethers.ZeroAddress, slashed, 0n, 0n, slashed, ethers.ZeroAddress);
      // The requester gets nothing back: neither the fee nor a bounty.
      await expect(tx).to.changeEtherBalances(ethers, [f.ledger, f.adjudicator], [-FEE, FEE]);
      expect(await f.ledger.feesOf(f.other.address)).to.equal(0n);
      expect((await f.adjudicator.claimTotalsOf(ethers.ZeroAddress)).insurance).to.equal(FEE);
      expect(await f.vault.restitutionOf(f.member.address, ethers.ZeroAddress)).to.equal(slashed);
      expect((await f.ledger.memberRecordOf(f.member.address)).openRequests).to.equal(0n);
      // The insurance side goes to the insurance fund (anyone may send it there).
      await expect(f.adjudicator.connect(f.other).withdrawInsurance(ethers.ZeroAddress)).to.changeEtherBalances(
        ethers,
        [f.insuranceFund, f.adjudicator],
        [FEE, -FEE],
      );
    });
  });

  describe("commit and key rotation", function () {
    it("refuses t = now, so a key registered in the same block from t never voids the snapshot of t", async function () {
      const f = await networkHelpers.loadFixture(system);
      const now = BigInt(await time.latest()) + 10n;
      await time.setNextBlockTimestamp(now);
      await ethers.provider.send("evm_setAutomine", [false]);
      const set = [commitmentOf(ETH_ASSET, 1n)];
      const commitTx = await f.ledger.connect(f.member).commit(now, set, { gasLimit: 500_000n });
      const keyTx = await f.registry.connect(f.member).registerKey(KEY_HASH + 1n, 3n, 4n, now, { gasLimit: 500_000n });
      await ethers.provider.send("evm_mine", []);
      await ethers.provider.send("evm_setAutomine", [true]);
      const [commitReceipt, keyReceipt] = await Promise.all([
        ethers.provider.getTransactionReceipt(commitTx.hash),
        ethers.provider.getTransactionReceipt(keyTx.hash),
      ]);
      expect(commitReceipt?.blockNumber).to.equal(keyReceipt?.blockNumber);
      expect([commitReceipt?.status, keyReceipt?.status]).to.deep.equal([0, 1]);
      await expect(
        f.ledger.connect(f.member).commit(BigInt(await time.latest()) + 1n, set),
      ).to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerFutureSnapshot");
      // The latest snapshot the member can commit is now - 1, and the old key still covers it.
      const t = now - 1n;
      await f.ledger.connect(f.member).commit(t, set);
      expect(await f.registry.isKeyValidAt(f.member.address, KEY_HASH, t)).to.equal(true);
      expect(await f.registry.keyHashAt(f.member.address, t)).to.equal(KEY_HASH);
      const proof = {
        rootHash: set[0].rootHash,
        keyHash: KEY_HASH,
        member: f.member.address,
        asset: ETH_ASSET,
        t,
        claim: 5n,
        nullifier: 1n,
        payoutHash: 9n,
        a: [0n, 0n] as [bigint, bigint],
        b: [
          [0n, 0n],
          [0n, 0n],
        ] as [[bigint, bigint], [bigint, bigint]],
        c: [0n, 0n] as [bigint, bigint],
      };
      proof.a = [await f.verifier.expectedA0(fraudPublicSignals(proof)), 0n];
      await expect(f.adjudicator.proveFraud(proof, set)).to.emit(f.adjudicator, "FraudProven");
    });
  });
});
