import { expect } from "chai";
import { network } from "hardhat";

import {
  Verdict,
  committedSet,
  rootSumPublicSignals,
  rootsDigest,
  setBlobDigest,
  setSubject,
  type AssetCommitment,
  type FraudProofStruct,
} from "../../src/consortium/index.js";
import { loadCrypto } from "../../src/crypto/index.js";
import { payoutHashOf } from "../../src/records/payout.js";
import { emptySubtrees } from "../../src/tree/index.js";
import {
  CLAIM,
  ETH_ASSET,
  GENESIS_DIGEST,
  KEY_HASH,
  MEMBER_STAKE,
  NULLIFIER,
  OPERATOR_STAKE,
  REQUEST_FEE as FEE,
  SALT,
  SLA,
  SLASH,
  TOKEN_ASSET,
  UNBONDING_DELAY,
  commitmentOf,
  deployWithCommittedSets,
} from "./ledger-fixture.js";
import { MemberStatus as Status, SetStatus } from "../helpers/enums.js";

const { ethers, networkHelpers, ignition } = await network.create();
const { time } = networkHelpers;

/** A record key hash other than the fixture member's. */
const OTHER_KEY_HASH = KEY_HASH + 1000n;

/** Member commits ETH and TOKEN at t1 and the same ETH root again at t2 (to test replay across t). */
async function committed() {
  return deployWithCommittedSets({ ethers, networkHelpers, ignition });
}

describe("Adjudicator", function () {
  describe("proveFraud", function () {
    it("lists, per set, only the assets proven at its own t (committedSet reads FraudProven by member, then t)", async function () {
      const f = await networkHelpers.loadFixture(committed);
      const ledger = await f.ledger.getAddress();
      // The token at t1 and ETH at t2: the member's FraudProven events name both assets, each at its own t.
      await f.adjudicator.proveFraud(
        ...f.args(await f.proofFor({ asset: BigInt(TOKEN_ASSET), rootHash: f.tok.rootHash, nullifier: 101n })),
      );
      await f.adjudicator.proveFraud(...f.args(await f.proofFor({ t: f.t2, nullifier: 102n })));
      expect((await committedSet(ethers.provider, ledger, f.member.address, f.t1)).fraudulentAssets).to.deep.equal([
        TOKEN_ASSET,
      ]);
      expect((await committedSet(ethers.provider, ledger, f.member.address, f.t2)).fraudulentAssets).to.deep.equal([
        ETH_ASSET,
      ]);
    });
    it("marks the set fraudulent, books the claim, slashes with the fraud share and pays only the bounty out", async function () {
      const f = await networkHelpers.loadFixture(committed);
      const proof = await f.proofFor();
      const slashed = (MEMBER_STAKE * BigInt(SLASH.fraudBps)) / 10_000n;
      const bounty = slashed / 10n;
      const tx = f.adjudicator.connect(f.prover).proveFraud(...f.args(proof));
      await expect(tx)
        .to.emit(f.adjudicator, "FraudProven")
        .withArgs(f.member.address, NULLIFIER, ETH_ASSET, f.t1, CLAIM, f.payout, 1n, f.prover.address, slashed);
      // The restitution share stays in the vault's pool: only the bounty leaves it.
      await expect(tx).to.changeEtherBalances(ethers, [f.prover, f.vault, f.adjudicator], [bounty, -bounty, 0n]);
      await expect(tx)
        .to.emit(f.vault, "CollateralSlashed")
        .withArgs(f.member.address, ethers.ZeroAddress, slashed, 0n, bounty, slashed - bounty, f.prover.address);
      await expect(tx).not.to.emit(f.ledger, "SetStatusChanged");
      // A slash no longer ejects (this one leaves 5 ETH, above the minimum anyway).
      await expect(tx).not.to.emit(f.registry, "MemberEjected");
      // In the member's own pool, nobody else's.
      expect(await f.vault.restitutionOf(f.member.address, ethers.ZeroAddress)).to.equal(slashed - bounty);
      expect(await f.vault.restitutionOf(f.user.address, ethers.ZeroAddress)).to.equal(0n);
      expect(await f.vault.restitutionOf(f.operators[0].address, ethers.ZeroAddress)).to.equal(0n);
      expect(await f.adjudicator.isNullifierSpent(f.member.address, NULLIFIER)).to.equal(true);
      // The claim's slot holds the digest of its terms (asset, claim, round 1, the record's payout hash), booked.
      expect(await f.adjudicator.claimWordOf(f.member.address, NULLIFIER)).to.equal(await f.wordOf(proof));
      const round = await f.adjudicator.roundOf(f.member.address, ethers.ZeroAddress, 0);
      expect([round.round, round.booked, round.settled]).to.deep.equal([1n, CLAIM, false]);
      expect((await f.ledger.setOf(f.member.address, f.t1)).status).to.equal(SetStatus.Fraudulent);
      // The set stays bound to its digest: a second record against the same root still proves.
      await expect(f.adjudicator.proveFraud(...f.args(await f.proofFor({ nullifier: NULLIFIER + 5n })))).to.emit(
        f.adjudicator,
        "FraudProven",
      );
      expect((await f.ledger.setOf(f.member.address, f.t1)).status).to.equal(SetStatus.Fraudulent);
      // Two accepted proofs (two records) above: two slashes.
      expect((await f.reputation.reputationOf(f.member.address)).slashCount).to.equal(2n);
    });
    it("books a token record's claim in the token", async function () {
      const f = await networkHelpers.loadFixture(committed);
      const proof = await f.proofFor({ asset: BigInt(TOKEN_ASSET), rootHash: f.tok.rootHash, claim: 2n ** 96n - 1n });
      await expect(f.adjudicator.proveFraud(...f.args(proof)))
        .to.emit(f.adjudicator, "FraudProven")
        .withArgs(
          f.member.address,
          NULLIFIER,
          TOKEN_ASSET,
          f.t1,
          2n ** 96n - 1n,
          f.payout,
          1n,
          f.owner.address,
          (MEMBER_STAKE * BigInt(SLASH.fraudBps)) / 10_000n,
        );
      expect(await f.adjudicator.claimWordOf(f.member.address, NULLIFIER)).to.equal(await f.wordOf(proof));
      // The token's round, not ETH's.
      expect((await f.adjudicator.roundOf(f.member.address, await f.token.getAddress(), 0)).booked).to.equal(
        2n ** 96n - 1n,
      );
      expect((await f.adjudicator.roundOf(f.member.address, ethers.ZeroAddress, 0)).round).to.equal(0n);
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
    it("reverts with AdjudicatorNullifierSpent for a second proof with a spent nullifier, and changes nothing", async function () {
      const f = await networkHelpers.loadFixture(committed);
      const proof = await f.proofFor();
      await f.adjudicator.proveFraud(...f.args(proof));
      const state = async () => ({
        stake: await f.vault.stakeOf(f.member.address),
        pool: await f.vault.restitutionOf(f.member.address, ethers.ZeroAddress),
        balance: await f.vault.balanceOf(f.member.address, ethers.ZeroAddress),
        totals: [...(await f.vault.totals(ethers.ZeroAddress))],
        vaultEth: await ethers.provider.getBalance(await f.vault.getAddress()),
        claim: await f.adjudicator.claimWordOf(f.member.address, NULLIFIER),
        slashCount: (await f.reputation.reputationOf(f.member.address)).slashCount,
        status: (await f.ledger.setOf(f.member.address, f.t2)).status,
      });
      const before = await state();
      // The same proof; the same nullifier with another payout and claim; moved to another committed set (t2).
      const replays = [
        proof,
        await f.proofFor({ payoutHash: payoutHashOf({ address: f.other.address, salt: 1n }), claim: CLAIM * 2n }),
        await f.proofFor({ t: f.t2 }),
      ];
      for (const replay of replays) {
        const tx = f.adjudicator.connect(f.prover).proveFraud(...f.args(replay));
        await expect(tx)
          .to.be.revertedWithCustomError(f.adjudicator, "AdjudicatorNullifierSpent")
          .withArgs(f.member.address, NULLIFIER);
      }
      expect(await state()).to.deep.equal(before);
      // Still the first booking.
      expect(before.claim).to.equal(await f.wordOf(proof));
      expect(before.status).to.equal(SetStatus.Pending);
    });
    it("leaves the nullifier unspent when the proof does not verify (the booking is undone)", async function () {
      const f = await networkHelpers.loadFixture(committed);
      const proof = await f.proofFor();
      await expect(
        f.adjudicator.proveFraud(...f.args({ ...proof, a: [proof.a[0] + 1n, 0n] })),
      ).to.be.revertedWithCustomError(f.adjudicator, "AdjudicatorInvalidProof");
      expect(await f.adjudicator.isNullifierSpent(f.member.address, NULLIFIER)).to.equal(false);
      expect(await f.adjudicator.claimWordOf(f.member.address, NULLIFIER)).to.equal(0n);
      await expect(f.adjudicator.proveFraud(...f.args(proof))).to.emit(f.adjudicator, "FraudProven");
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
      expect(await f.adjudicator.isNullifierSpent(f.member.address, NULLIFIER)).to.equal(false);
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
    it("counts an asset the set leaves out as the empty tree: a record of it convicts against EMPTY_ROOT", async function () {
      const f = await networkHelpers.loadFixture(committed);
      const empty = await f.adjudicator.EMPTY_ROOT();
      // At t2 only ETH was committed: a signed TOKEN record proves against the empty root, not the ETH root.
      await expect(f.adjudicator.proveFraud(...f.args(await f.proofFor({ asset: BigInt(TOKEN_ASSET), t: f.t2 }))))
        .to.be.revertedWithCustomError(f.adjudicator, "AdjudicatorRootMismatch")
        .withArgs(empty, f.eth.rootHash);
      const proof = await f.proofFor({ asset: BigInt(TOKEN_ASSET), t: f.t2, rootHash: empty });
      await expect(f.adjudicator.connect(f.prover).proveFraud(...f.args(proof)))
        .to.emit(f.adjudicator, "FraudProven")
        .withArgs(
          f.member.address,
          NULLIFIER,
          TOKEN_ASSET,
          f.t2,
          CLAIM,
          f.payout,
          1n,
          f.prover.address,
          (MEMBER_STAKE * BigInt(SLASH.fraudBps)) / 10_000n,
        );
      expect((await f.ledger.setOf(f.member.address, f.t2)).status).to.equal(SetStatus.Fraudulent);
      // The asset must be listed: an unlisted one reverts in the registry.
      await expect(
        f.adjudicator.proveFraud(...f.args(await f.proofFor({ asset: 77n, t: f.t2, rootHash: empty, nullifier: 5n }))),
      )
        .to.be.revertedWithCustomError(f.registry, "ConsortiumRegistryUnknownAsset")
        .withArgs(77);
      // A time without a set: the ledger knows no set there.
      await expect(
        f.adjudicator.proveFraud(...f.args(await f.proofFor({ t: f.t1 + 1n, rootHash: empty, nullifier: 6n }))),
      )
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerUnknownSet")
        .withArgs(f.member.address, f.t1 + 1n);
    });
    it("keeps EMPTY_ROOT equal to the depth-32 empty tree root of src/tree (emptySubtrees)", async function () {
      const f = await networkHelpers.loadFixture(committed);
      const crypto = await loadCrypto({ backend: "js", threads: 0 });
      const empties = emptySubtrees((x) => crypto.poseidon(x), 32);
      expect(await f.adjudicator.EMPTY_ROOT()).to.equal(empties[32].h);
    });
    it("reverts with AdjudicatorKeyNotValid when the proof is replayed against another member (the key is not its)", async function () {
      const f = await networkHelpers.loadFixture(committed);
      const op = f.operators[0].address;
      await expect(f.adjudicator.proveFraud(...f.args(await f.proofFor({ member: op }))))
        .to.be.revertedWithCustomError(f.adjudicator, "AdjudicatorKeyNotValid")
        .withArgs(op, KEY_HASH, f.t1);
    });
    it("reverts with AdjudicatorKeyNotValid for a key hash nobody registered", async function () {
      const f = await networkHelpers.loadFixture(committed);
      await expect(f.adjudicator.proveFraud(...f.args(await f.proofFor({ keyHash: KEY_HASH + 1n }))))
        .to.be.revertedWithCustomError(f.adjudicator, "AdjudicatorKeyNotValid")
        .withArgs(f.member.address, KEY_HASH + 1n, f.t1);
    });
    it("reverts with AdjudicatorKeyNotValid for a key registered to another member, valid at t", async function () {
      const f = await networkHelpers.loadFixture(committed);
      const op = f.operators[0];
      const from = BigInt(await time.latest()) + 10n;
      await f.registry.connect(op).registerKey(OTHER_KEY_HASH, 3n, 4n, from);
      await time.increaseTo(from + 10n);
      const t3 = from + 5n;
      await f.ledger.connect(f.member).commit(t3, [f.eth]);
      expect(await f.registry.isKeyValidAt(op.address, OTHER_KEY_HASH, t3)).to.equal(true);
      await expect(f.adjudicator.proveFraud(await f.proofFor({ keyHash: OTHER_KEY_HASH, t: t3 }), [f.eth]))
        .to.be.revertedWithCustomError(f.adjudicator, "AdjudicatorKeyNotValid")
        .withArgs(f.member.address, OTHER_KEY_HASH, t3);
      // The member's own key at t3 proves.
      await expect(f.adjudicator.proveFraud(await f.proofFor({ t: t3 }), [f.eth])).to.emit(
        f.adjudicator,
        "FraudProven",
      );
    });
    it("reverts with AdjudicatorKeyNotValid for the member's own key outside its validity interval", async function () {
      const f = await networkHelpers.loadFixture(committed);
      // The member rotates: KEY_HASH closes at `from - 1`.
      const from = BigInt(await time.latest()) + 10n;
      await f.registry.connect(f.member).registerKey(OTHER_KEY_HASH, 3n, 4n, from);
      await time.increaseTo(from + 10n);
      await f.ledger.connect(f.member).commit(from - 1n, [f.eth]);
      await f.ledger.connect(f.member).commit(from, [f.eth]);
      // Last second of the old key: valid; first second of the new one: the old key is refused, the new one proves.
      await expect(f.adjudicator.proveFraud(await f.proofFor({ t: from - 1n }), [f.eth])).to.emit(
        f.adjudicator,
        "FraudProven",
      );
      await expect(f.adjudicator.proveFraud(await f.proofFor({ t: from, nullifier: NULLIFIER + 1n }), [f.eth]))
        .to.be.revertedWithCustomError(f.adjudicator, "AdjudicatorKeyNotValid")
        .withArgs(f.member.address, KEY_HASH, from);
      await expect(
        f.adjudicator.proveFraud(await f.proofFor({ t: from, keyHash: OTHER_KEY_HASH, nullifier: NULLIFIER + 1n }), [
          f.eth,
        ]),
      ).to.emit(f.adjudicator, "FraudProven");
      // Before its validFrom, the new key is refused at an older snapshot.
      await expect(f.adjudicator.proveFraud(...f.args(await f.proofFor({ keyHash: OTHER_KEY_HASH, nullifier: 9n }))))
        .to.be.revertedWithCustomError(f.adjudicator, "AdjudicatorKeyNotValid")
        .withArgs(f.member.address, OTHER_KEY_HASH, f.t1);
    });
    it("reverts with AdjudicatorKeyNotValid for a snapshot before the member's first key is valid", async function () {
      const f = await networkHelpers.loadFixture(committed);
      // A fresh member commits before its first key becomes valid.
      const late = f.operators[0];
      const t = BigInt(await time.latest()) - 1n;
      await f.registry.connect(late).registerKey(OTHER_KEY_HASH, 1n, 2n, t + 100n);
      await f.ledger.connect(late).commit(t, [f.eth]);
      await expect(
        f.adjudicator.proveFraud(...f.args(await f.proofFor({ member: late.address, keyHash: OTHER_KEY_HASH, t }))),
      )
        .to.be.revertedWithCustomError(f.adjudicator, "AdjudicatorKeyNotValid")
        .withArgs(late.address, OTHER_KEY_HASH, t);
    });
    it("books a record without a payout (payoutHash 0) for governance to assign", async function () {
      const f = await networkHelpers.loadFixture(committed);
      const proof = await f.proofFor({ payoutHash: 0n });
      await expect(f.adjudicator.proveFraud(...f.args(proof)))
        .to.emit(f.adjudicator, "FraudProven")
        .withArgs(
          f.member.address,
          NULLIFIER,
          ETH_ASSET,
          f.t1,
          CLAIM,
          0n,
          1n,
          f.owner.address,
          (MEMBER_STAKE * 5n) / 10n,
        );
      expect(await f.adjudicator.claimWordOf(f.member.address, NULLIFIER)).to.equal(await f.wordOf(proof));
    });
    it("reverts with AdjudicatorInvalidProof when a public input was changed (claim, payoutHash, nullifier)", async function () {
      const f = await networkHelpers.loadFixture(committed);
      const proof = await f.proofFor();
      for (const changed of [
        { ...proof, claim: CLAIM + 1n },
        { ...proof, payoutHash: payoutHashOf({ address: f.prover.address, salt: SALT }) },
        { ...proof, nullifier: NULLIFIER + 1n },
        { ...proof, a: [proof.a[0] + 1n, 0n] as [bigint, bigint] },
      ]) {
        await expect(f.adjudicator.proveFraud(...f.args(changed))).to.be.revertedWithCustomError(
          f.adjudicator,
          "AdjudicatorInvalidProof",
        );
      }
    });
    it("does not eject on a slash that leaves the member below its minimum (ejection is a separate call)", async function () {
      const f = await networkHelpers.loadFixture(committed);
      await f.adjudicator
        .connect(f.governance)
        .setSlashParams({ fraudBps: 9_500, missedDeadlineBps: 0, insolvencyBps: 0 });
      const tx = f.adjudicator.proveFraud(...f.args(await f.proofFor()));
      await expect(tx).to.emit(f.adjudicator, "FraudProven");
      await expect(tx).not.to.emit(f.registry, "MemberEjected");
      await expect(tx).not.to.emit(f.adjudicator, "MemberEjectedUndercollateralized");
      expect(await f.registry.statusOf(f.member.address)).to.equal(Status.Active);
      expect(await f.vault.stakeOf(f.member.address)).to.be.lessThan(SLA.minCollateral);
    });
  });

  describe("proveRootSumMismatch", function () {
    async function rootSumProof(f: Awaited<ReturnType<typeof committed>>, c: AssetCommitment) {
      const a0 = await f.rootSumVerifier.expectedA0(rootSumPublicSignals(c.rootHash, c.rootSum));
      return {
        a: [a0, 0n] as [bigint, bigint],
        b: [
          [0n, 0n],
          [0n, 0n],
        ] as [[bigint, bigint], [bigint, bigint]],
        c: [0n, 0n] as [bigint, bigint],
      };
    }
    it("convicts a root sum that is not the sum inside the root hash: slash, bounty to the caller, no claim, once", async function () {
      const f = await networkHelpers.loadFixture(committed);
      const proof = await rootSumProof(f, f.tok);
      const slashed = (MEMBER_STAKE * BigInt(SLASH.fraudBps)) / 10_000n;
      const tx = f.adjudicator
        .connect(f.prover)
        .proveRootSumMismatch(f.member.address, f.t1, TOKEN_ASSET, [f.eth, f.tok], proof);
      await expect(tx)
        .to.emit(f.adjudicator, "RootSumMismatchProven")
        .withArgs(f.member.address, TOKEN_ASSET, f.t1, f.tok.rootHash, f.tok.rootSum, f.prover.address, slashed);
      await expect(tx).to.changeEtherBalance(ethers, f.prover, slashed / 10n);
      expect((await f.ledger.setOf(f.member.address, f.t1)).status).to.equal(SetStatus.Fraudulent);
      expect((await f.adjudicator.roundOf(f.member.address, ethers.ZeroAddress, 0)).round).to.equal(0n);
      await expect(f.adjudicator.proveRootSumMismatch(f.member.address, f.t1, TOKEN_ASSET, [f.eth, f.tok], proof))
        .to.be.revertedWithCustomError(f.adjudicator, "AdjudicatorRootSumAlreadyProven")
        .withArgs(f.member.address, TOKEN_ASSET, f.t1);
    });
    it("refuses a proof of other signals, a set other than committed, and an asset the set does not hold", async function () {
      const f = await networkHelpers.loadFixture(committed);
      const proof = await rootSumProof(f, f.tok);
      await expect(
        f.adjudicator.proveRootSumMismatch(f.member.address, f.t1, ETH_ASSET, [f.eth, f.tok], proof),
      ).to.be.revertedWithCustomError(f.adjudicator, "AdjudicatorInvalidProof");
      await expect(
        f.adjudicator.proveRootSumMismatch(
          f.member.address,
          f.t1,
          TOKEN_ASSET,
          [f.eth, { ...f.tok, reserves: 1n }],
          proof,
        ),
      ).to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerSetMismatch");
      const forged = { ...f.tok, rootSum: f.tok.rootSum + 1n };
      await expect(
        f.adjudicator.proveRootSumMismatch(
          f.member.address,
          f.t1,
          TOKEN_ASSET,
          [f.eth, forged],
          await rootSumProof(f, forged),
        ),
      )
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerSetMismatch")
        .withArgs(f.member.address, f.t1);
      await expect(f.adjudicator.proveRootSumMismatch(f.member.address, f.t2, TOKEN_ASSET, [f.eth], proof))
        .to.be.revertedWithCustomError(f.adjudicator, "AdjudicatorUnknownCommitment")
        .withArgs(f.member.address, TOKEN_ASSET, f.t2);
      // Nothing stayed marked: the honest proof still works.
      await expect(
        f.adjudicator.proveRootSumMismatch(f.member.address, f.t1, TOKEN_ASSET, [f.eth, f.tok], proof),
      ).to.emit(f.adjudicator, "RootSumMismatchProven");
    });
  });

  describe("ejectUndercollateralized", function () {
    /** The committed fixture after a 95% fraud slash: 0.5 ETH left of a 1 ETH minimum, still Active. */
    async function slashedBelowMinimum() {
      const f = await committed();
      await f.adjudicator
        .connect(f.governance)
        .setSlashParams({ fraudBps: 9_500, missedDeadlineBps: 0, insolvencyBps: 0 });
      await f.adjudicator.proveFraud(...f.args(await f.proofFor()));
      return { ...f, left: MEMBER_STAKE - (MEMBER_STAKE * 9_500n) / 10_000n };
    }
    it("lets anyone eject an Active member below its minimum", async function () {
      const f = await networkHelpers.loadFixture(slashedBelowMinimum);
      const tx = f.adjudicator.connect(f.other).ejectUndercollateralized(f.member.address);
      await expect(tx)
        .to.emit(f.adjudicator, "MemberEjectedUndercollateralized")
        .withArgs(f.member.address, f.left, SLA.minCollateral, f.other.address);
      await expect(tx)
        .to.emit(f.registry, "MemberEjected")
        .withArgs(f.member.address, await f.adjudicator.getAddress(), Status.Active);
      expect(await f.registry.statusOf(f.member.address)).to.equal(Status.Ejected);
      expect(await f.vault.isCoSigner(f.member.address)).to.equal(false);
      // Its collateral stays in the vault, slashable: a later proof still books its claim and slashes.
      await expect(f.adjudicator.proveFraud(...f.args(await f.proofFor({ nullifier: NULLIFIER + 1n }))))
        .to.emit(f.adjudicator, "FraudProven")
        .and.to.emit(f.vault, "CollateralSlashed");
      expect(await f.adjudicator.isNullifierSpent(f.member.address, NULLIFIER + 1n)).to.equal(true);
      // Once ejected, not again.
      await expect(f.adjudicator.ejectUndercollateralized(f.member.address))
        .to.be.revertedWithCustomError(f.adjudicator, "AdjudicatorNotEjectable")
        .withArgs(f.member.address);
    });
    it("refuses a member never slashed, even below a raised minimum (a governance change ejects nobody)", async function () {
      const f = await networkHelpers.loadFixture(committed);
      await f.registry.connect(f.governance).setSla(f.member.address, { ...SLA, minCollateral: MEMBER_STAKE + 1n });
      expect(await f.registry.meetsMinCollateral(f.member.address)).to.equal(false);
      await expect(f.adjudicator.ejectUndercollateralized(f.member.address))
        .to.be.revertedWithCustomError(f.adjudicator, "AdjudicatorNotEjectable")
        .withArgs(f.member.address);
      expect(await f.registry.statusOf(f.member.address)).to.equal(Status.Active);
    });
    it("reverts with AdjudicatorCollateralSufficient at or above the minimum (the edge included)", async function () {
      const f = await networkHelpers.loadFixture(committed);
      await f.adjudicator
        .connect(f.governance)
        .setSlashParams({ fraudBps: 1_000, missedDeadlineBps: 0, insolvencyBps: 0 });
      await f.adjudicator.proveFraud(...f.args(await f.proofFor()));
      const left = MEMBER_STAKE - (MEMBER_STAKE * 1_000n) / 10_000n;
      await f.registry.connect(f.governance).setSla(f.member.address, { ...SLA, minCollateral: left });
      await expect(f.adjudicator.ejectUndercollateralized(f.member.address))
        .to.be.revertedWithCustomError(f.adjudicator, "AdjudicatorCollateralSufficient")
        .withArgs(f.member.address, left, left);
      expect(await f.registry.statusOf(f.member.address)).to.equal(Status.Active);
      // One wei of weight more and it is short.
      await f.registry.connect(f.governance).setSla(f.member.address, { ...SLA, minCollateral: left + 1n });
      await expect(f.adjudicator.ejectUndercollateralized(f.member.address))
        .to.emit(f.adjudicator, "MemberEjectedUndercollateralized")
        .withArgs(f.member.address, left, left + 1n, f.owner.address);
    });
    it("reverts with AdjudicatorNotEjectable for a non-member, an applicant and an exited member", async function () {
      const f = await networkHelpers.loadFixture(committed);
      await expect(f.adjudicator.ejectUndercollateralized(f.other.address))
        .to.be.revertedWithCustomError(f.adjudicator, "AdjudicatorNotEjectable")
        .withArgs(f.other.address);
      await f.registry.connect(f.other).applyForMembership(ethers.ZeroHash);
      await expect(f.adjudicator.ejectUndercollateralized(f.other.address))
        .to.be.revertedWithCustomError(f.adjudicator, "AdjudicatorNotEjectable")
        .withArgs(f.other.address);
      const op = f.operators[0];
      await f.registry.connect(op).requestExit();
      await time.increase(UNBONDING_DELAY);
      await f.registry.completeExit(op.address);
      await expect(f.adjudicator.ejectUndercollateralized(op.address))
        .to.be.revertedWithCustomError(f.adjudicator, "AdjudicatorNotEjectable")
        .withArgs(op.address);
      expect(await f.registry.statusOf(op.address)).to.equal(Status.Exited);
    });
    it("ejects a slashed Probation member below its minimum", async function () {
      const f = await networkHelpers.loadFixture(committed);
      await f.registry.connect(f.user).applyForMembership(ethers.ZeroHash);
      await f.registry.connect(f.auditor).approveGenesis(f.user.address, GENESIS_DIGEST);
      const stake = SLA.minCollateral / 2n;
      await f.vault.connect(f.user).deposit(f.user.address, ethers.ZeroAddress, stake, { value: stake });
      // Never slashed: not ejectable although short.
      await expect(f.adjudicator.ejectUndercollateralized(f.user.address))
        .to.be.revertedWithCustomError(f.adjudicator, "AdjudicatorNotEjectable")
        .withArgs(f.user.address);
      const t = BigInt(await time.latest()) - 10n;
      await f.ledger.connect(f.other).requestProof(f.user.address, t, { value: FEE });
      const id = await f.ledger.requestCount();
      await time.increaseTo((await f.ledger.requestOf(id)).deadline + 1n);
      await f.adjudicator.reportMissedDeadline(id);
      const left = stake - (stake * BigInt(SLASH.missedDeadlineBps)) / 10_000n;
      await expect(f.adjudicator.connect(f.other).ejectUndercollateralized(f.user.address))
        .to.emit(f.adjudicator, "MemberEjectedUndercollateralized")
        .withArgs(f.user.address, left, SLA.minCollateral, f.other.address);
      expect(await f.registry.statusOf(f.user.address)).to.equal(Status.Ejected);
    });
    it("refuses a Probation member without collateral and an Exiting member that withdrew (not held to the minimum)", async function () {
      const f = await networkHelpers.loadFixture(committed);
      await f.registry.connect(f.other).applyForMembership(ethers.ZeroHash);
      await f.registry.connect(f.auditor).approveGenesis(f.other.address, GENESIS_DIGEST);
      expect(await f.vault.stakeOf(f.other.address)).to.equal(0n);
      await expect(f.adjudicator.ejectUndercollateralized(f.other.address))
        .to.be.revertedWithCustomError(f.adjudicator, "AdjudicatorNotEjectable")
        .withArgs(f.other.address);
      expect(await f.registry.statusOf(f.other.address)).to.equal(Status.Probation);
      const op = f.operators[0];
      await f.registry.connect(op).requestExit();
      await f.vault.connect(op).requestWithdrawal(ethers.ZeroAddress, OPERATOR_STAKE);
      expect(await f.vault.stakeOf(op.address)).to.equal(0n);
      await expect(f.adjudicator.ejectUndercollateralized(op.address))
        .to.be.revertedWithCustomError(f.adjudicator, "AdjudicatorNotEjectable")
        .withArgs(op.address);
      await time.increase(UNBONDING_DELAY);
      await f.registry.completeExit(op.address);
      expect(await f.registry.statusOf(op.address)).to.equal(Status.Exited);
    });
    it("reverts with ConsortiumRegistryNotEjector when the adjudicator lost its registry role", async function () {
      const f = await networkHelpers.loadFixture(slashedBelowMinimum);
      const adjudicator = await f.adjudicator.getAddress();
      await f.registry.connect(f.governance).revokeRole(await f.registry.ADJUDICATOR_ROLE(), adjudicator);
      await expect(f.adjudicator.ejectUndercollateralized(f.member.address))
        .to.be.revertedWithCustomError(f.registry, "ConsortiumRegistryNotEjector")
        .withArgs(adjudicator);
      expect(await f.registry.statusOf(f.member.address)).to.equal(Status.Active);
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
    it("slashes with the missed-deadline share after the deadline, keeps the fee (insurance) and records a missed duty", async function () {
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
      // The fee is not returned: it went to the adjudicator's insurance side.
      expect(await f.ledger.feesOf(f.other.address)).to.equal(0n);
      expect((await f.adjudicator.claimTotalsOf(ethers.ZeroAddress)).insurance).to.equal(FEE);
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
      expect(await f.vault.restitutionOf(f.member.address, ethers.ZeroAddress)).to.equal(0n);
      // The claim is booked all the same (its round pays what the pool holds when it settles).
      expect((await f.adjudicator.roundOf(f.member.address, ethers.ZeroAddress, 1)).booked).to.equal(CLAIM);
      expect((await f.reputation.reputationOf(f.member.address)).slashCount).to.equal(1n);
    });
  });
});
