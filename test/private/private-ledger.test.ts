// The on-chain private commit (docs/protocol.md section 17.6) with real proofs: src/private/prove.ts proves one
// private asset against the context the ledger computes (member, asset, t, set id, chain, ledger), the deployed
// PrivateSetVerifier checks the generated PrivateAssetVerifier's SNARK and the zero-difference proof, and the ledger
// stores the entry `(asset, rootHash, 0, 0, entry digest)`. A proof made for another member, asset, t, set, chain
// or ledger, or with a changed root or commitment, reverts naming the asset and the proof that failed. The quorum
// attests a private set Solvent or Insolvent (slashed) as a public one; a fraud proof (LeafMismatch, stand-in
// verifier checking its public inputs) convicts a private set through its entry; RootSumMismatch does not apply.
import { expect } from "chai";
import { network } from "hardhat";
import { keccak256, toUtf8Bytes } from "ethers";

import { releaseCurves } from "../../src/circuits/index.js";
import { Verdict, rootsDigest, setBlobDigest, setDigest, setSubject } from "../../src/consortium/index.js";
import {
  ledgerContext,
  privateCommitmentOf,
  privateEntryOf,
  provePrivateAsset,
  type PrivateAssetCommitmentStruct,
  type PrivateContext,
  type RootChildren,
} from "../../src/private/index.js";
import { circomlibOracle } from "../helpers/circomlib-oracle.js";
import { SetStatus } from "../helpers/enums.js";
import { ETH_ASSET, MEMBER_STAKE, SLASH, TOKEN_ASSET, deployLedgerSystem } from "../contracts/ledger-fixture.js";
import { fraudPublicSignals, type FraudProofStruct } from "../../src/consortium/index.js";
import { payoutHashOf } from "../../src/records/payout.js";
import { committedSet } from "../../src/consortium/published.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const SNARK_FAILED = 1;
const ZERO_DIFFERENCE_FAILED = 2;

describe("CommitmentLedger private sets (real proofs through PrivateSetVerifier)", function () {
  this.timeout(900_000);
  let f: Awaited<ReturnType<typeof deployLedgerSystem>>;
  let children: RootChildren;
  let rootHash: bigint;
  let chainId: bigint;
  let ledgerAddress: string;
  let t: bigint;
  /** A valid commitment of ETH at t for the member, proven once. */
  let good: PrivateAssetCommitmentStruct;
  let snapshotId: string;
  const blob = keccak256(toUtf8Bytes("encrypted blob of ETH"));

  async function proveFor(
    ctx: Partial<PrivateContext> = {},
    asset = ETH_ASSET,
    reserves = 1_250_000n,
  ): Promise<PrivateAssetCommitmentStruct> {
    const base = ledgerContext(chainId, ledgerAddress, f.member.address, asset, t);
    const proof = await provePrivateAsset({ ctx: { ...base, ...ctx }, rootHash, children, reserves });
    return privateCommitmentOf(asset, rootHash, blob, proof);
  }
  const commitPrivate = (cs: PrivateAssetCommitmentStruct[], at = t) =>
    f.ledger.connect(f.member).commitPrivate(at, cs);
  const expectFailure = async (p: Promise<unknown>, asset: number, failure: number) =>
    expect(p).to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerPrivateProofFailed").withArgs(asset, failure);

  before(async function () {
    const c = await circomlibOracle();
    f = await deployLedgerSystem(connection, { encryptionKeys: 1 });
    chainId = (await ethers.provider.getNetwork()).chainId;
    ledgerAddress = await f.ledger.getAddress();
    t = BigInt(await networkHelpers.time.latest()) - 20n;
    children = { hL: 12345n, sL: 600_000n, hR: 67890n, sR: 400_000n };
    rootHash = c.poseidon([children.hL, children.sL, children.hR, children.sR]);
    good = await proveFor();
    snapshotId = (await ethers.provider.send("evm_snapshot", [])) as string;
  });
  afterEach(async function () {
    await ethers.provider.send("evm_revert", [snapshotId]);
    snapshotId = (await ethers.provider.send("evm_snapshot", [])) as string;
  });
  after(async function () {
    await releaseCurves();
  });

  it("commits a private set: every proof verified, the entry in the digest, the set private and never declared insolvent", async function () {
    const entry = privateEntryOf(good);
    const tx = commitPrivate([good]);
    await expect(tx)
      .to.emit(f.ledger, "PrivateRootCommitted")
      .withArgs(f.member.address, ETH_ASSET, t, good.commitments, blob);
    await expect(tx)
      .to.emit(f.ledger, "RootCommitted")
      .withArgs(f.member.address, ETH_ASSET, t, rootHash, 0n, 0n, entry.blobDigest);
    await expect(tx)
      .to.emit(f.ledger, "SetCommitted")
      .withArgs(f.member.address, t, rootsDigest([entry]), setBlobDigest([entry]), 1);
    await expect(tx).not.to.emit(f.ledger, "InsolvencyDeclared");
    const receipt = await (await tx).wait();
    console.log(`      commitPrivate of one asset: ${receipt!.gasUsed} gas`);
    const set = await f.ledger.setOf(f.member.address, t);
    expect(set.isPrivate).to.equal(true);
    expect(set.declaredInsolvent).to.equal(false);
    expect(set.status).to.equal(SetStatus.Pending);
    expect(set.digest).to.equal(setDigest(rootsDigest([entry]), setBlobDigest([entry])));
    expect((await f.ledger.memberRecordOf(f.member.address)).lastSnapshot).to.equal(t);
    // Readers rebuild the set from the events and check the private side against each entry.
    const read = await committedSet(ethers.provider, ledgerAddress, f.member.address, t);
    expect(read.isPrivate).to.equal(true);
    expect(read.commitments).to.deep.equal([entry]);
    expect(read.privateAssets).to.deep.equal([{ asset: ETH_ASSET, commitments: good.commitments, blobDigest: blob }]);
  });

  it("commits two private assets in one set (ascending ids), each under its own context", async function () {
    const token = await proveFor({}, TOKEN_ASSET);
    await commitPrivate([good, token]);
    const entries = [privateEntryOf(good), privateEntryOf(token)];
    expect((await f.ledger.setOf(f.member.address, t)).digest).to.equal(
      setDigest(rootsDigest(entries), setBlobDigest(entries)),
    );
  });

  describe("public inputs bound: a proof for anything else reverts", function () {
    it("another member", async function () {
      await expectFailure(commitPrivate([await proveFor({ member: f.other.address })]), ETH_ASSET, SNARK_FAILED);
    });
    it("another asset (a proof of TOKEN committed as ETH)", async function () {
      const token = await proveFor({}, TOKEN_ASSET);
      await expectFailure(commitPrivate([{ ...token, asset: ETH_ASSET }]), ETH_ASSET, SNARK_FAILED);
    });
    it("another t", async function () {
      await expectFailure(commitPrivate([await proveFor({ t: t - 1n })]), ETH_ASSET, SNARK_FAILED);
    });
    it("another set (a request's subject instead of the set id)", async function () {
      await expectFailure(commitPrivate([await proveFor({ subject: ethers.id("request") })]), ETH_ASSET, SNARK_FAILED);
    });
    it("another chain", async function () {
      await expectFailure(commitPrivate([await proveFor({ chainId: chainId + 1n })]), ETH_ASSET, SNARK_FAILED);
    });
    it("another ledger", async function () {
      await expectFailure(commitPrivate([await proveFor({ verifier: f.other.address })]), ETH_ASSET, SNARK_FAILED);
    });
    it("the same proof replayed at a later t", async function () {
      await commitPrivate([good]);
      await expectFailure(commitPrivate([good], t + 5n), ETH_ASSET, SNARK_FAILED);
      await expect(commitPrivate([good])).to.be.revertedWithCustomError(
        f.ledger,
        "CommitmentLedgerSnapshotNotIncreasing",
      );
    });
    it("another root hash", async function () {
      await expectFailure(commitPrivate([{ ...good, rootHash: good.rootHash + 1n }]), ETH_ASSET, SNARK_FAILED);
    });
    it("a changed C_L or C_S (the SNARK's inputs)", async function () {
      const cl = [...good.commitments];
      [cl[2], cl[3]] = [good.commitments[4], good.commitments[5]];
      await expectFailure(commitPrivate([{ ...good, commitments: cl }]), ETH_ASSET, SNARK_FAILED);
    });
    it("a changed C_A, a wrong response, a reused challenge (the zero-difference proof)", async function () {
      const other = await proveFor({}, ETH_ASSET, 2_000_000n);
      const ca = [other.commitments[0], other.commitments[1], ...good.commitments.slice(2)];
      const ea = [other.eighths[0], other.eighths[1], ...good.eighths.slice(2)];
      await expectFailure(
        commitPrivate([{ ...good, commitments: ca, eighths: ea }]),
        ETH_ASSET,
        ZERO_DIFFERENCE_FAILED,
      );
      await expectFailure(commitPrivate([{ ...good, z: good.z + 1n }]), ETH_ASSET, ZERO_DIFFERENCE_FAILED);
      await expectFailure(commitPrivate([{ ...good, c: other.c, z: other.z }]), ETH_ASSET, ZERO_DIFFERENCE_FAILED);
    });
    it("a tampered SNARK", async function () {
      const snark = [...good.snark];
      snark[7] = snark[7] ^ 1n;
      await expectFailure(commitPrivate([{ ...good, snark }]), ETH_ASSET, SNARK_FAILED);
    });
  });

  it("checks the set as commit does (ascending assets, listed asset, root in the field)", async function () {
    const token = await proveFor({}, TOKEN_ASSET);
    await expect(commitPrivate([token, good])).to.be.revertedWithCustomError(
      f.ledger,
      "CommitmentLedgerAssetsNotAscending",
    );
    await expect(commitPrivate([{ ...good, rootHash: 0n }])).to.be.revertedWithCustomError(
      f.ledger,
      "CommitmentLedgerBadRootHash",
    );
    await expect(commitPrivate([])).to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerBadAssetCount");
    await expect(commitPrivate([{ ...good, asset: 99 }])).to.be.revertedWithCustomError(
      f.registry,
      "ConsortiumRegistryUnknownAsset",
    );
    await expect(f.ledger.connect(f.other).commitPrivate(t, [good])).to.be.revertedWithCustomError(
      f.ledger,
      "CommitmentLedgerNotCommitter",
    );
  });

  it("sets the private verifier once, by governance only", async function () {
    await expect(f.ledger.connect(f.governance).setPrivateVerifier(f.other.address))
      .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerPrivateVerifierAlreadySet")
      .withArgs(await f.ledger.privateVerifier());
    await expect(f.ledger.connect(f.other).setPrivateVerifier(f.other.address)).to.be.revertedWithCustomError(
      f.ledger,
      "AccessControlUnauthorizedAccount",
    );
    const bare = await ethers.deployContract("CommitmentLedger", [
      f.governance.address,
      await f.registry.getAddress(),
      await f.vault.getAddress(),
      { quorumWeight: 1n, minSigners: 1, requestFee: 0n, maxOpenRequests: 1 },
    ]);
    await expect(bare.connect(f.member).commitPrivate(t, [good])).to.be.revertedWithCustomError(
      bare,
      "CommitmentLedgerNoPrivateVerifier",
    );
    await expect(bare.setPrivateVerifier(ethers.ZeroAddress)).to.be.revertedWithCustomError(
      bare,
      "CommitmentLedgerZeroAddress",
    );
  });

  function attestationOf(verdict: Verdict) {
    const entry = privateEntryOf(good);
    return {
      subject: setSubject(f.member.address, t),
      verdict,
      rootsDigest: rootsDigest([entry]),
      blobDigest: setBlobDigest([entry]),
    };
  }

  it("a quorum finalizes a private set Solvent over its entries", async function () {
    await commitPrivate([good]);
    const a = attestationOf(Verdict.Solvent);
    await f.ledger.attestCommitment(f.member.address, t, a.verdict, a.rootsDigest, a.blobDigest, await f.sign(a));
    expect((await f.ledger.setOf(f.member.address, t)).status).to.equal(SetStatus.Finalized);
  });

  it("a quorum attests a private set Insolvent (C_A opens to more than the reserves found): slashed", async function () {
    await commitPrivate([good]);
    const a = attestationOf(Verdict.Insolvent);
    const slashed = (MEMBER_STAKE * BigInt(SLASH.insolvencyBps)) / 10_000n;
    await expect(
      f.ledger
        .connect(f.prover)
        .attestCommitment(f.member.address, t, a.verdict, a.rootsDigest, a.blobDigest, await f.sign(a)),
    )
      .to.emit(f.adjudicator, "InsolvencySlashed")
      .withArgs(f.member.address, t, a.subject, f.prover.address, slashed);
    expect((await f.ledger.setOf(f.member.address, t)).status).to.equal(SetStatus.Insolvent);
    expect(await f.vault.stakeOf(f.member.address)).to.equal(MEMBER_STAKE - slashed);
  });

  it("a fraud proof convicts a private set through its entry; RootSumMismatch does not apply", async function () {
    await commitPrivate([good]);
    const entry = privateEntryOf(good);
    const p: FraudProofStruct = {
      rootHash,
      keyHash: 1234567890123456789n,
      member: f.member.address,
      asset: BigInt(ETH_ASSET),
      t,
      claim: 777n,
      nullifier: 4242n,
      payoutHash: payoutHashOf({ address: f.user.address, salt: 77n }),
      a: [0n, 0n],
      b: [
        [0n, 0n],
        [0n, 0n],
      ],
      c: [0n, 0n],
    };
    p.a = [await f.verifier.getFunction("expectedA0")(fraudPublicSignals(p)), 0n];
    const slashed = (MEMBER_STAKE * BigInt(SLASH.fraudBps)) / 10_000n;
    await expect(f.adjudicator.connect(f.prover).proveFraud(p, [entry])).to.emit(f.adjudicator, "FraudProven");
    expect((await f.ledger.setOf(f.member.address, t)).status).to.equal(SetStatus.Fraudulent);
    expect(await f.vault.stakeOf(f.member.address)).to.equal(MEMBER_STAKE - slashed);
    const zero = {
      a: [0n, 0n] as [bigint, bigint],
      b: [
        [0n, 0n],
        [0n, 0n],
      ] as [[bigint, bigint], [bigint, bigint]],
      c: [0n, 0n] as [bigint, bigint],
    };
    await expect(f.adjudicator.proveRootSumMismatch(f.member.address, t, ETH_ASSET, [entry], zero))
      .to.be.revertedWithCustomError(f.adjudicator, "AdjudicatorPrivateSet")
      .withArgs(f.member.address, t);
  });

  it("answers a request with a private set", async function () {
    const fee = (await f.ledger.quorumParams()).requestFee;
    await f.ledger.connect(f.other).requestProof(f.member.address, t, { value: fee });
    const id = await f.ledger.requestCount();
    await expect(f.ledger.connect(f.member).respondToRequestPrivate(id, [good]))
      .to.emit(f.ledger, "RequestAnswered")
      .withArgs(id, f.member.address, t);
    expect((await f.ledger.setOf(f.member.address, t)).isPrivate).to.equal(true);
    await expect(f.ledger.connect(f.member).respondToRequestPrivate(id, [good])).to.be.revertedWithCustomError(
      f.ledger,
      "CommitmentLedgerBadRequestStatus",
    );
  });
});
