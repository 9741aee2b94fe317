// Attacks on the private mode's ledger path and on the operators' handling of a private set (issue 13, review
// issue 15), with real proofs (src/private/prove.ts, the generated PrivateAssetVerifier behind PrivateSetVerifier),
// the ledger fixture's deployed contracts and its operators' real EIP-712 signatures, and the operator node's
// verifySubject (src/node/verify.ts) against the Hardhat EDR chain.
//
// EXPLOIT (it.skip, passes once the defence exists): the operator node judges a private set as a public one. It reads
// the entry `(asset, rootHash, 0, 0, entryDigest)` and fetches the blob whose keccak256 is the *entry digest*, which no
// blob has (the real blob's digest is the one inside it, in PrivateRootCommitted). After `blobAttempts` (10) tries
// the node fails `blob-available` and votes Insolvent; every honest node does the same, so a quorum of honest
// operators signs Insolvent on an honest, solvent private set and the member is slashed (insolvencyBps of its
// stake, a bounty to whoever posts the verdict). docs/threat-model.md says a private set "today is attested only
// by operators who run the library checks themselves": the shipped node does attest it, wrongly.
//
// EXPLOIT (it.skip): a private set hides no reserves from the public. A PoA may only use wallets registered to the
// member in ReserveRegistry before t (the node's `registrations` check), and ReserveRegistry lists them publicly
// (`reservesOf`, ReserveRegistered events); their balances at t's block are public chain state. Anyone sums them and
// gets A (exactly, for a member that proves all its registered wallets, as it has every reason to); every user holds
// L (the root's two child sums on its path), so S = A - L too. docs/threat-model.md says the public no longer learns
// "the reserves A and the surplus S ... the reserve wallets": untrue while reserve wallets are registered in the clear.
//
// Was an EXPLOIT (now a defence): a private set could not be sampled. `audit open` / `audit check` (readSampleInput)
// compared the blob's keccak256 with the entry's blobDigest, which for a private asset is the entry digest: the
// member's real blob was refused ("digest differs"), and the auditor was no recipient of it anyway. The auditor could
// not draw the slots, so a private member's liabilities were never sampled. Now auditors register encryption keys,
// members seal to them, and the tool takes the digest in PrivateRootCommitted and opens the blob with the auditor's
// key.
//
// Defences (passing): a proof's scalars out of range (z + l, c + 2^128) and a commitment with a non-canonical
// coordinate (x + p) are refused through the ledger; a set with the private entries committed publicly (the private
// bit cleared, the same digest) is an ordinary public set that RootSumMismatch reaches.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { Wallet } from "ethers";
import { network } from "hardhat";

import { readSampleInput } from "../../src/attestations/sample-input.js";
import { LocalBlobStore } from "../../src/blobstore/index.js";
import { reserveRegistryDomain, signReserveOwnership } from "../../src/chain/index.js";
import { releaseCurves } from "../../src/circuits/index.js";
import { FIELD_P, SUBGROUP_ORDER } from "../../src/crypto/field.js";
import { loadCrypto, type Crypto } from "../../src/crypto/index.js";
import {
  BlobUnavailable,
  PrivateSetNotVerified,
  localBlobSource,
  silentLogger,
  verifySubject,
  type VerifyDeps,
} from "../../src/node/index.js";
import {
  generateEncryptionKey,
  ledgerContext,
  privateBlobDigest,
  privateCommitmentOf,
  privateEntryOf,
  provePrivateAsset,
  sealPrivateBlob,
  type PrivateAssetCommitmentStruct,
  type RootChildren,
} from "../../src/private/index.js";
import { SumTree, leafSetFrom } from "../../src/tree/index.js";
import { encodeLeaves } from "../../src/tree/leaves.js";
import { circomlibOracle } from "../helpers/circomlib-oracle.js";
import { expectRejectContaining } from "../helpers/expect.js";
import { ETH_ASSET, MEMBER_STAKE, deployLedgerSystem } from "../contracts/ledger-fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const SNARK_FAILED = 1;
const ZERO_DIFFERENCE_FAILED = 2;

describe("attack issue 15: private sets on the ledger and at the operator node", function () {
  this.timeout(900_000);
  let f: Awaited<ReturnType<typeof deployLedgerSystem>>;
  let crypto: Crypto;
  let dir: string;
  let store: LocalBlobStore;
  let chainId: bigint;
  let ledgerAddress: string;
  let t: bigint;
  let rootHash: bigint;
  let good: PrivateAssetCommitmentStruct;
  let proof: Awaited<ReturnType<typeof provePrivateAsset>>;
  let blob: Uint8Array;
  let snapshotId: string;

  before(async function () {
    const c = await circomlibOracle();
    crypto = await loadCrypto({ backend: "js", threads: 0 });
    f = await deployLedgerSystem(connection);
    chainId = (await ethers.provider.getNetwork()).chainId;
    ledgerAddress = await f.ledger.getAddress();
    // The operator the honest member seals to has an encryption key in force at t (an honest member seals only to
    // registered keys; the ledger refuses a private set of a t without recipients, CommitmentLedgerNoRecipients, 13h).
    const key = generateEncryptionKey();
    const validFrom = BigInt(await networkHelpers.time.latest()) + 5n;
    await (await f.registry.connect(f.operators[0]).registerEncryptionKey(key.publicKey, validFrom)).wait();
    await networkHelpers.time.increase(60);
    await networkHelpers.mine(1);
    t = BigInt(await networkHelpers.time.latest()) - 20n;
    const children: RootChildren = { hL: 12345n, sL: 600_000n, hR: 67890n, sR: 400_000n };
    rootHash = c.poseidon([children.hL, children.sL, children.hR, children.sR]);
    proof = await provePrivateAsset({
      ctx: ledgerContext(chainId, ledgerAddress, f.member.address, ETH_ASSET, t),
      rootHash,
      children,
      reserves: 1_250_000n,
    });
    // The honest member's real private blob, sealed to that operator and put in the DA store under its keccak256.
    blob = sealPrivateBlob(
      { inner: new Uint8Array([1, 2, 3]), openings: proof.openings },
      [{ operator: f.operators[0].address, publicKey: key.publicKey }],
      { chainId, ledger: ledgerAddress, member: f.member.address, asset: ETH_ASSET, t },
    );
    good = privateCommitmentOf(ETH_ASSET, rootHash, privateBlobDigest(blob), proof);
    dir = await mkdtemp(join(tmpdir(), "issue15-"));
    store = new LocalBlobStore(dir);
    await store.put(blob);
    snapshotId = (await ethers.provider.send("evm_snapshot", [])) as string;
  });
  afterEach(async function () {
    await ethers.provider.send("evm_revert", [snapshotId]);
    snapshotId = (await ethers.provider.send("evm_snapshot", [])) as string;
  });
  after(async function () {
    await releaseCurves();
    await crypto.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function deps(): Promise<VerifyDeps> {
    return {
      provider: ethers.provider,
      chainId,
      addresses: {
        ledger: ledgerAddress,
        registry: await f.registry.getAddress(),
        reserveRegistry: await f.reserveRegistry.getAddress(),
        adjudicator: await f.adjudicator.getAddress(),
      },
      crypto,
      blobs: localBlobSource(store),
      depth: 32,
      log: silentLogger,
    };
  }
  const subject = () => ({ kind: "set" as const, member: f.member.address, t, requestId: 0n });
  const subjectAt = () => ({ member: f.member.address, t, asset: ETH_ASSET });

  it("defence (was an EXPLOIT): honest operator nodes vote an honest private set Insolvent (blob looked up by its entry digest) and slash it", async function () {
    await f.ledger.connect(f.member).commitPrivate(t, [good]);
    // The member's blob is in the store under the digest it committed (PrivateRootCommitted's blobDigest).
    expect((await localBlobSource(store).fetch(privateBlobDigest(blob), subjectAt())).length).to.equal(blob.length);
    // Before the defence: the first 9 attempts threw BlobUnavailable (the node looked for keccak256 == entry digest)
    // and the 10th voted Insolvent on `blob-available` (node.ts: blobUnavailableIsFailure after blobAttempts). Now
    // the node recognizes the set as private; without an encryption key (these deps have none) it abstains
    // (PrivateSetNotVerified: the job is postponed, never signed). With its registered key it fetches the blob by the
    // digest in PrivateRootCommitted and runs src/private/check.ts (test/node/private-sets.test.ts).
    const first = await verifySubject(await deps(), subject()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(first).to.not.be.instanceOf(BlobUnavailable);
    expect(first).to.be.instanceOf(PrivateSetNotVerified);
    const last = await verifySubject(await deps(), subject(), { blobUnavailableIsFailure: true }).then(
      (r) => r,
      (e: unknown) => e,
    );
    expect(last).to.be.instanceOf(PrivateSetNotVerified);
    // Nothing was signed: the solvent member keeps its stake.
    expect(await f.vault.stakeOf(f.member.address)).to.equal(MEMBER_STAKE);
  });

  it("defence: z + l and c + 2^128 (the same R) are refused through the ledger", async function () {
    const commit = (cs: PrivateAssetCommitmentStruct) => f.ledger.connect(f.member).commitPrivate(t, [cs]);
    for (const bad of [
      { ...good, z: good.z + SUBGROUP_ORDER },
      { ...good, c: good.c + (1n << 128n) },
    ]) {
      await expect(commit(bad))
        .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerPrivateProofFailed")
        .withArgs(ETH_ASSET, ZERO_DIFFERENCE_FAILED);
    }
    await expect(commit(good)).to.emit(f.ledger, "PrivateRootCommitted");
  });

  it("defence: a commitment with a non-canonical coordinate (x + p) is refused (SNARK field check, curve check)", async function () {
    const commit = (cs: PrivateAssetCommitmentStruct) => f.ledger.connect(f.member).commitPrivate(t, [cs]);
    const cl = [...good.commitments];
    cl[2] += FIELD_P;
    await expect(commit({ ...good, commitments: cl }))
      .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerPrivateProofFailed")
      .withArgs(ETH_ASSET, SNARK_FAILED);
    const ca = [...good.commitments];
    ca[0] += FIELD_P;
    await expect(commit({ ...good, commitments: ca }))
      .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerPrivateProofFailed")
      .withArgs(ETH_ASSET, ZERO_DIFFERENCE_FAILED);
  });

  it("defence: the private entries committed publicly (private bit cleared, same digest) are a public set RootSumMismatch reaches", async function () {
    const entry = privateEntryOf(good);
    await f.ledger.connect(f.member).commit(t, [entry]);
    const set = await f.ledger.setOf(f.member.address, t);
    expect(set.isPrivate).to.equal(false);
    // Not AdjudicatorPrivateSet: the root-sum verifier is asked (a zero proof fails there, a real one would slash).
    const zero = {
      a: [0n, 0n] as [bigint, bigint],
      b: [
        [0n, 0n],
        [0n, 0n],
      ] as [[bigint, bigint], [bigint, bigint]],
      c: [0n, 0n] as [bigint, bigint],
    };
    await expect(
      f.adjudicator.proveRootSumMismatch(f.member.address, t, ETH_ASSET, [entry], zero),
    ).to.be.revertedWithCustomError(f.adjudicator, "AdjudicatorInvalidProof");
    // And no private set can be stored over it.
    await expect(f.ledger.connect(f.member).commitPrivate(t + 1n, [good])).to.be.revertedWithCustomError(
      f.ledger,
      "CommitmentLedgerPrivateProofFailed",
    );
  });

  // Still open (issue 13 item 5): the fix is designed in docs/protocol.md 17.8 (salted wallet commitments registered
  // before t in a separate registry, the opening and the wallet's ownership signature only in the encrypted blob) and
  // not built; ReserveRegistry is unchanged, so this stays skipped.
  it.skip("EXPLOIT: the public sums a private member's registered reserve wallets at t and reads the committed reserves A", async function () {
    // The member registers two reserve wallets (EIP-712 ownership signatures by the wallets), funds them, then
    // commits a private set at a later t whose C_A opens to their total (what its PoA proves to the operators).
    const rr = f.reserveRegistry;
    const rrAddress = await rr.getAddress();
    const wallets = [Wallet.createRandom(), Wallet.createRandom()];
    const balances = [700_000n, 550_000n];
    for (const [i, w] of wallets.entries()) {
      const deadline = BigInt(await networkHelpers.time.latest()) + 3_600n;
      const nonce = await rr.nonceOf(w.address);
      const sig = await signReserveOwnership(w, reserveRegistryDomain(chainId, rrAddress), {
        member: f.member.address,
        wallet: w.address,
        deadline,
        nonce,
      });
      await rr.connect(f.member).registerReserve(w.address, deadline, sig);
      await networkHelpers.setBalance(w.address, balances[i]);
    }
    await networkHelpers.mine(5);
    const block = await ethers.provider.getBlock("latest");
    const t2 = BigInt(block!.timestamp);
    await networkHelpers.time.increase(30);
    const c = await circomlibOracle();
    const children: RootChildren = { hL: 12345n, sL: 600_000n, hR: 67890n, sR: 400_000n };
    const root = c.poseidon([children.hL, children.sL, children.hR, children.sR]);
    proof = await provePrivateAsset({
      ctx: ledgerContext(chainId, ledgerAddress, f.member.address, ETH_ASSET, t2),
      rootHash: root,
      children,
      reserves: balances[0] + balances[1],
    });
    await f.ledger.connect(f.member).commitPrivate(t2, [privateCommitmentOf(ETH_ASSET, root, good.blobDigest, proof)]);

    // The observer: no key, no blob; the registry's public list and the balances at t's block.
    const listed = await rr.reservesOf(f.member.address);
    let seen = 0n;
    for (const w of listed) seen += await ethers.provider.getBalance(w, block!.number);
    // With the defence (reserve wallets of a private member not listed in the clear, e.g. registered as salted
    // commitments the operators open), the observer's sum is not the committed reserves.
    expect(seen).to.not.equal(proof.openings.assets);
    // The liabilities are every user's (sL + sR on its path): the surplus follows.
    expect(seen - (children.sL + children.sR)).to.not.equal(proof.openings.surplus);
  });

  it("defence: the auditor's sampling tool takes a private set's real blob (the digest in PrivateRootCommitted) and draws slots from its decrypted leaves", async function () {
    // Was an EXPLOIT: readSampleInput compared the blob with the entry digest (no blob has it) and could not open it.
    // Now the registry lets auditors register encryption keys (the member seals to them too) and the tool opens the
    // blob with the auditor's key. Here the member seals a real leaves payload to an operator and the auditor.
    const auditorKey = generateEncryptionKey();
    const leaves = [3, 17, 42, 99].map((slot, i) => ({ slot, h: 1000n + BigInt(i), s: BigInt(i + 1) }));
    const tree = await SumTree.build(crypto, leafSetFrom(leaves), 8, 12);
    const inner = encodeLeaves(tree, { member: BigInt(f.member.address), asset: ETH_ASSET, t });
    const sealed = sealPrivateBlob(
      { inner, openings: proof.openings },
      [
        { operator: f.operators[0].address, publicKey: generateEncryptionKey().publicKey },
        { operator: f.auditor.address, publicKey: auditorKey.publicKey },
      ],
      { chainId, ledger: ledgerAddress, member: f.member.address, asset: ETH_ASSET, t },
    );
    await f.ledger
      .connect(f.member)
      .commitPrivate(t, [privateCommitmentOf(ETH_ASSET, rootHash, privateBlobDigest(sealed), proof)]);
    await f.attestations.connect(f.auditor).requestSample(f.member.address, t, ETH_ASSET, 1);
    const id = await f.attestations.sampleCount();
    await networkHelpers.mine(2);
    await f.attestations.fixSampleSeed(id);
    const file = join(dir, "private-blob.bin");
    await writeFile(file, sealed);
    // With the defence the tool recognizes the private entry (the digest in PrivateRootCommitted) and draws slots.
    const opener = async () => ({ account: f.auditor.address, key: auditorKey });
    const input = await readSampleInput(f.attestations, ethers.provider, ledgerAddress, id, file, opener);
    expect(input.slots).to.not.equal(undefined);
    expect(input.slots.slots).to.have.length(1);
    expect([3, 17, 42, 99]).to.include(input.slots.slots[0]);
    expect(input.set.isPrivate).to.equal(true);
    // Without a key, or with one that is not a recipient's, it says why.
    await expectRejectContaining(
      readSampleInput(f.attestations, ethers.provider, ledgerAddress, id, file),
      "is private: its blob opens only with a recipient's encryption key",
    );
    await expectRejectContaining(
      readSampleInput(f.attestations, ethers.provider, ledgerAddress, id, file, async () => ({
        account: f.auditor.address,
        key: generateEncryptionKey(),
      })),
      "does not open for",
    );
  });
});
