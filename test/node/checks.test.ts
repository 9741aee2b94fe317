// Unit tests of every verification check of the operator node (src/node/checks.ts) with a passing and a failing case
// each, and of verifySubject's verdict: on the in-process chain with a deployed consortium, a member's committed
// snapshot (signed records, a depth-8 tree, PoA and blob) and held records.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { Wallet, keccak256 } from "ethers";
import { network } from "hardhat";

import { LocalBlobStore, blobDigest } from "../../src/blobstore/index.js";
import { Verdict } from "../../src/consortium/index.js";
import { loadCrypto, type Crypto } from "../../src/crypto/index.js";
import {
  checkBalances,
  checkBlobDigest,
  checkBlobFormat,
  checkCommittedReserves,
  checkHeldRecords,
  checkLeaves,
  checkOwnershipSignatures,
  checkPoaBinding,
  checkRegistrations,
  checkSnapshotBlock,
  checkSolvency,
  localBlobSource,
  memoryHeldRecords,
  silentLogger,
  slotPathOf,
  verifySubject,
  type AssetContext,
  type CheckResult,
} from "../../src/node/index.js";
import { encodeAssetBlob, type PoaDocument } from "../../src/poa/index.js";
import { recordKeyHash } from "../../src/records/index.js";
import { verifyProof } from "../../src/tree/index.js";
import { encodeLeaves } from "../../src/tree/leaves.js";
import {
  E18,
  ETH,
  commitSnapshot,
  deploy,
  fundedWallet,
  makeSnapshot,
  onboard,
  registerRecordKey,
  registerReserve,
  type Conn,
} from "./fixture.js";

const conn = (await network.create()) as unknown as Conn & Awaited<ReturnType<typeof network.create>>;
const { ethers, networkHelpers } = conn;
const DEPTH = 8;
let crypto: Crypto;
const emptyDirs: string[] = [];

const failed = (c: CheckResult<unknown>, re: RegExp) => {
  expect(c.ok, JSON.stringify(c)).to.equal(false);
  if (!c.ok) expect(c.reason).to.match(re);
};

async function setup() {
  const d = await deploy(conn, "ChecksTest", "MockLeafMismatchVerifier");
  const [, member, stranger] = await ethers.getSigners();
  await onboard(conn, d, member, 2n * E18);
  const prv = await registerRecordKey(conn, d, crypto, member);
  const reserve = await fundedWallet(conn, 10n * E18);
  await registerReserve(conn, d, member, reserve);
  await networkHelpers.time.increase(60);
  const t = BigInt(await networkHelpers.time.latest());
  await networkHelpers.time.increase(10);
  await networkHelpers.mine(1);
  const snap = await makeSnapshot(crypto, prv, member.address, t, [2n * E18, 3n * E18, 1n * E18], [], DEPTH);
  const blobs = new LocalBlobStore(await mkdtemp(join(tmpdir(), "por-checks-")));
  const { poa, commitment } = await commitSnapshot(conn, d, member, t, snap, [reserve], blobs);
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const ctx: AssetContext = {
    chainId,
    ledger: d.ledger,
    reserveRegistry: d.reserveRegistry,
    member: member.address,
    t,
    requestId: 0n,
    asset: ETH,
    rootHash: commitment.rootHash,
    rootSum: commitment.rootSum,
    reserves: commitment.reserves,
    blobDigest: commitment.blobDigest,
  };
  const blob = encodeAssetBlob(poa, ETH, snap.leaves);
  return { d, member, stranger, prv, reserve, t, snap, blobs, poa, commitment, ctx, blob };
}

describe("operator node checks", function () {
  before(async function () {
    crypto = await loadCrypto({ threads: 0 });
  });
  after(async function () {
    await crypto.close();
    const s = await networkHelpers.loadFixture(setup);
    await rm(s.blobs.dir, { recursive: true, force: true });
    for (const d of emptyDirs) await rm(d, { recursive: true, force: true });
  });

  it("checkBlobDigest: passes for the committed digest, fails for one changed byte", async function () {
    const s = await networkHelpers.loadFixture(setup);
    expect(checkBlobDigest(s.blob, s.commitment.blobDigest, blobDigest).ok).to.equal(true);
    const changed = Buffer.from(s.blob);
    changed[changed.length - 1] ^= 1;
    failed(checkBlobDigest(changed, s.commitment.blobDigest, blobDigest), /blob keccak256 is 0x/);
  });

  it("checkBlobFormat: decodes the container, fails on a truncated one", async function () {
    const s = await networkHelpers.loadFixture(setup);
    const ok = checkBlobFormat(s.blob);
    expect(ok.ok && ok.value.poa).to.deep.equal({ ...s.poa, assets: [s.poa.assets[0]] });
    failed(checkBlobFormat(s.blob.subarray(0, 40)), /does not fit|shorter/);
  });

  it("checkPoaBinding: fails for another chain, member, t, request, asset, ledger and registry", async function () {
    const s = await networkHelpers.loadFixture(setup);
    expect(checkPoaBinding(s.poa, s.ctx).ok).to.equal(true);
    failed(checkPoaBinding(s.poa, { ...s.ctx, chainId: 1n }), /chain/);
    failed(checkPoaBinding(s.poa, { ...s.ctx, member: s.stranger.address }), /member/);
    failed(checkPoaBinding(s.poa, { ...s.ctx, t: s.t + 1n }), /t = /);
    failed(checkPoaBinding({ ...s.poa, requestId: "7" }, { ...s.ctx, requestId: 8n }), /request 7/);
    expect(checkPoaBinding({ ...s.poa, requestId: "7" }, { ...s.ctx, requestId: 7n }).ok).to.equal(true);
    failed(checkPoaBinding(s.poa, { ...s.ctx, asset: 2 }), /asset/);
    failed(checkPoaBinding(s.poa, { ...s.ctx, ledger: s.d.vault }), /ledger/);
    failed(checkPoaBinding(s.poa, { ...s.ctx, reserveRegistry: s.d.vault }), /reserve registry/);
  });

  it("checkSnapshotBlock: passes for the block of t, fails for an earlier block", async function () {
    const s = await networkHelpers.loadFixture(setup);
    expect((await checkSnapshotBlock(ethers.provider, s.poa, s.t)).ok).to.equal(true);
    const earlier = (await ethers.provider.getBlock(s.poa.block.number - 1))!;
    const moved: PoaDocument = {
      ...s.poa,
      block: { number: earlier.number, hash: earlier.hash!, timestamp: earlier.timestamp },
    };
    failed(await checkSnapshotBlock(ethers.provider, moved, s.t), /not the last block/);
  });

  it("checkOwnershipSignatures: fails for a signature over another t and for a wrong wallet kind", async function () {
    const s = await networkHelpers.loadFixture(setup);
    expect((await checkOwnershipSignatures(ethers.provider, s.poa)).ok).to.equal(true);
    failed(await checkOwnershipSignatures(ethers.provider, { ...s.poa, t: (s.t - 1n).toString() }), /recovers to/);
    const other = Wallet.createRandom();
    const forged = { ...s.poa, wallets: [{ ...s.poa.wallets[0], signature: await other.signMessage("x") }] };
    failed(await checkOwnershipSignatures(ethers.provider, forged), /recovers to/);
    const kind = { ...s.poa, wallets: [{ ...s.poa.wallets[0], kind: "erc1271" as const }] };
    failed(await checkOwnershipSignatures(ethers.provider, kind), /is eoa, the PoA says erc1271/);
  });

  it("checkRegistrations: fails for a wallet not registered to the member before t", async function () {
    const s = await networkHelpers.loadFixture(setup);
    expect((await checkRegistrations(ethers.provider, s.poa, s.d.reserveRegistry)).ok).to.equal(true);
    const stranger = { ...s.poa, wallets: [{ ...s.poa.wallets[0], wallet: s.stranger.address }] };
    failed(await checkRegistrations(ethers.provider, stranger, s.d.reserveRegistry), /was not registered/);
    const before = { ...s.poa, t: "1" };
    failed(await checkRegistrations(ethers.provider, before, s.d.reserveRegistry), /was not registered/);
  });

  it("checkBalances: returns the verified total, fails for an inflated balance or another token", async function () {
    const s = await networkHelpers.loadFixture(setup);
    const ok = await checkBalances(ethers.provider, s.poa, ethers.ZeroAddress);
    expect(ok.ok && ok.value).to.equal(10n * E18);
    const inflated = structuredClone(s.poa);
    inflated.assets[0].balances[0].balance = (11n * E18).toString();
    failed(await checkBalances(ethers.provider, inflated, ethers.ZeroAddress), /held 10000000000000000000 at block/);
    failed(await checkBalances(ethers.provider, s.poa, s.d.vault), /token/);
  });

  it("checkCommittedReserves and checkSolvency: fail when the figures disagree or fall short", function () {
    expect(checkCommittedReserves(5n, 5n).ok).to.equal(true);
    failed(checkCommittedReserves(5n, 6n), /claims reserves 6, the PoA proves 5/);
    expect(checkSolvency(5n, 5n).ok).to.equal(true);
    failed(checkSolvency(4n, 5n), /below liabilities/);
  });

  it("checkLeaves: rebuilds the committed root, fails for another root, member, depth or a damaged payload", async function () {
    const s = await networkHelpers.loadFixture(setup);
    const ok = await checkLeaves(crypto, s.snap.leaves, s.ctx, DEPTH);
    expect(ok.ok && ok.value.root.h).to.equal(s.commitment.rootHash);
    failed(await checkLeaves(crypto, s.snap.leaves, { ...s.ctx, rootHash: 5n }, DEPTH), /leaves rebuild to/);
    failed(await checkLeaves(crypto, s.snap.leaves, { ...s.ctx, rootSum: 1n }, DEPTH), /leaves rebuild to/);
    failed(await checkLeaves(crypto, s.snap.leaves, { ...s.ctx, member: s.stranger.address }, DEPTH), /for member/);
    failed(await checkLeaves(crypto, s.snap.leaves, s.ctx, 32), /depth 8, the fraud circuit needs 32/);
    failed(await checkLeaves(crypto, s.snap.leaves.subarray(0, 50), s.ctx, DEPTH), /leaves payload/);
  });

  it("checkHeldRecords: finds the omitted and the under-reported record, ignores a foreign key", async function () {
    const s = await networkHelpers.loadFixture(setup);
    const poseidon = (x: readonly bigint[]) => crypto.poseidon(x);
    const [ax, ay] = crypto.publicKey(s.prv);
    const keyHash = recordKeyHash(poseidon, ax, ay);
    const full = await makeSnapshot(crypto, s.prv, s.member.address, s.t, [2n * E18, 3n * E18, 1n * E18], [], DEPTH);
    const omitting = await makeSnapshot(
      crypto,
      s.prv,
      s.member.address,
      s.t,
      [2n * E18, 3n * E18, 1n * E18],
      [1],
      DEPTH,
    );
    const ok = checkHeldRecords(poseidon, full.tree, full.records, keyHash);
    expect(ok.check.ok).to.equal(true);
    expect(ok.ok).to.have.length(3);
    const missing = checkHeldRecords(poseidon, omitting.tree, full.records, keyHash);
    failed(missing.check, /1 held record\(s\) contradicted by the tree \(slots 4\)/);
    expect(missing.mismatched.map((r) => r.nullifier)).to.deep.equal([full.records[1].nullifier]);
    const under = { ...full.records[0], balance: (2n * E18 + 1n).toString() };
    expect(checkHeldRecords(poseidon, full.tree, [under], keyHash).mismatched).to.have.length(1);
    const foreign = checkHeldRecords(poseidon, omitting.tree, full.records, keyHash + 1n);
    expect(foreign.check.ok).to.equal(true);
    expect(foreign.mismatched).to.have.length(0);
    const beyond = { ...full.records[0], slot: 200 }; // outside the 2^4 slot space: an empty slot
    expect(checkHeldRecords(poseidon, full.tree, [beyond], keyHash).mismatched).to.have.length(1);
    // The paths the watchtower proves with reach the root, inside and beyond the slot space.
    for (const slot of [4, 200]) {
      const p = slotPathOf(poseidon, full.tree, slot);
      expect(verifyProof(poseidon, { slot, ...p }, full.tree.root), `slot ${slot}`).to.equal(true);
    }
  });

  it("verifySubject: attests the committed set solvent and marks held records in their slots", async function () {
    const s = await networkHelpers.loadFixture(setup);
    const held = memoryHeldRecords([s.snap.records[0]]);
    const v = await verifySubject(
      {
        provider: ethers.provider,
        chainId: s.ctx.chainId,
        addresses: {
          ledger: s.d.ledger,
          registry: s.d.registry,
          reserveRegistry: s.d.reserveRegistry,
          adjudicator: s.d.adjudicator,
        },
        crypto,
        blobs: localBlobSource(s.blobs),
        held,
        depth: DEPTH,
        log: silentLogger,
      },
      { kind: "set", member: s.member.address, t: s.t, requestId: 0n },
    );
    expect(v.reasons).to.deep.equal([]);
    expect(v.verdict).to.equal(Verdict.Solvent);
    expect(v.checks.map((c) => c.name)).to.deep.equal([
      "record-key",
      "blob-digest",
      "blob-format",
      "leaves-rebuild",
      "held-records",
      "poa-binding",
      "snapshot-block",
      "ownership-signatures",
      "registrations",
      "balances",
      "committed-reserves",
      "solvency",
    ]);
    expect(v.honoured.map((r) => r.nullifier)).to.deep.equal([s.snap.records[0].nullifier]);
    expect(v.blobDigest).to.equal(keccak256(s.commitment.blobDigest));
  });

  it("verifySubject: votes insolvent with reasons when the tree omits a held record or the blob is missing", async function () {
    const s = await networkHelpers.loadFixture(setup);
    const [, , , liar] = await ethers.getSigners();
    await onboard(conn, s.d, liar, 2n * E18);
    const prv = await registerRecordKey(conn, s.d, crypto, liar);
    const reserve = await fundedWallet(conn, 10n * E18);
    await registerReserve(conn, s.d, liar, reserve);
    await networkHelpers.time.increase(60);
    const t = BigInt(await networkHelpers.time.latest());
    await networkHelpers.time.increase(10);
    await networkHelpers.mine(1);
    const full = await makeSnapshot(crypto, prv, liar.address, t, [2n * E18, 3n * E18], [], DEPTH);
    const omitting = await makeSnapshot(crypto, prv, liar.address, t, [2n * E18, 3n * E18], [0], DEPTH);
    await commitSnapshot(conn, s.d, liar, t, omitting, [reserve], s.blobs);
    const deps = {
      provider: ethers.provider,
      chainId: s.ctx.chainId,
      addresses: {
        ledger: s.d.ledger,
        registry: s.d.registry,
        reserveRegistry: s.d.reserveRegistry,
        adjudicator: s.d.adjudicator,
      },
      crypto,
      blobs: localBlobSource(s.blobs),
      held: memoryHeldRecords(full.records),
      depth: DEPTH,
      log: silentLogger,
    };
    const v = await verifySubject(deps, { kind: "set", member: liar.address, t, requestId: 0n });
    expect(v.verdict).to.equal(Verdict.Insolvent);
    expect(v.reasons).to.have.length(1);
    expect(v.reasons[0]).to.match(/held-records/);
    expect(v.contradictions[0].records.map((r) => r.nullifier)).to.deep.equal([full.records[0].nullifier]);
    expect(encodeLeaves(v.contradictions[0].tree, { member: BigInt(liar.address), asset: ETH, t })).to.deep.equal(
      omitting.leaves,
    );

    const emptyDir = await mkdtemp(join(tmpdir(), "por-empty-"));
    emptyDirs.push(emptyDir);
    const empty = localBlobSource(new LocalBlobStore(emptyDir));
    let unavailable: unknown;
    await verifySubject({ ...deps, blobs: empty }, { kind: "set", member: liar.address, t, requestId: 0n }).catch(
      (e: unknown) => (unavailable = e),
    );
    expect((unavailable as Error).name).to.equal("BlobUnavailable");
    const given = await verifySubject(
      { ...deps, blobs: empty },
      { kind: "set", member: liar.address, t, requestId: 0n },
      { blobUnavailableIsFailure: true },
    );
    expect(given.verdict).to.equal(Verdict.Insolvent);
    expect(given.reasons[0]).to.match(/blob-available/);
  });
});
