// The private-set world of the path endpoint's tests (test/node/private-path.test.ts, test/attack/issue13-path13-*):
// a member (2 ETH of stake, a reserve wallet of 10) and three operators with registered encryption keys, on a
// deployment with the generated LeafMismatch32 verifier. The member's private set at t covers users of 2, 3 and 4
// units and leaves the third (slot 7) out (liabilities 5, reserves 10: solvent only by the omission); at a later t2 it
// commits a public set (users of 1 and 2 units). Plus the record files the member hands out and a node's deps.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { Signer, Wallet } from "ethers";
import type { network } from "hardhat";

import { LocalBlobStore } from "../../src/blobstore/index.js";
import type { Crypto } from "../../src/crypto/index.js";
import { localBlobSource, silentLogger, type BlobSource, type VerifyDeps } from "../../src/node/index.js";
import { buildPoa, encodeAssetBlob } from "../../src/poa/index.js";
import {
  buildPrivateAsset,
  privateBlobDigest,
  privateCommitmentOf,
  rootChildrenOf,
  type EncryptionKeyPair,
} from "../../src/private/index.js";
import { recordFileOf, type RecordFile } from "../../src/records/record-file.js";
import {
  E18,
  ETH,
  commitSnapshot,
  deploy,
  fundedWallet,
  makeSnapshot,
  onboard,
  operatorsWithKeys,
  registerRecordKey,
  registerReserve,
  type Conn,
  type Deployment,
  type MemberSnapshot,
} from "../node/fixture.js";

export type PathConn = Conn & Awaited<ReturnType<typeof network.create>>;

/** Where a private snapshot is committed from. */
export interface PrivateCommitter {
  d: Deployment;
  member: Signer & { address: string };
  reserve: Wallet;
  chainId: bigint;
  blobs: LocalBlobStore;
}

/** The world described at the top of this file, on a fresh deployment named `name`. */
export async function privatePathWorld(conn: PathConn, crypto: Crypto, name: string) {
  const { ethers, networkHelpers } = conn;
  const d = await deploy(conn, name, "LeafMismatch32Verifier");
  const [, member] = await ethers.getSigners();
  await onboard(conn, d, member, 2n * E18);
  const { operators, keys } = await operatorsWithKeys(conn, d);
  const prv = await registerRecordKey(conn, d, crypto, member);
  const reserve = await fundedWallet(conn, 10n * E18);
  await registerReserve(conn, d, member, reserve);
  await networkHelpers.time.increase(60);
  const t = BigInt(await networkHelpers.time.latest());
  await networkHelpers.time.increase(10);
  await networkHelpers.mine(1);
  const dir = await mkdtemp(join(tmpdir(), "por-private-path-"));
  const blobs = new LocalBlobStore(join(dir, "blobs"));
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const snap = await makeSnapshot(crypto, prv, member.address, t, [2n * E18, 3n * E18, 4n * E18], [2]);
  const w: PrivateCommitter = { d, member, reserve, chainId, blobs };
  await commitPrivateSnapshot(conn, crypto, w, t, snap);
  // A later public snapshot of the same member.
  await networkHelpers.time.increase(60);
  const t2 = BigInt(await networkHelpers.time.latest());
  await networkHelpers.time.increase(10);
  await networkHelpers.mine(1);
  const pub = await makeSnapshot(crypto, prv, member.address, t2, [1n * E18, 2n * E18]);
  await commitSnapshot(conn, d, member, t2, pub, [reserve], blobs);
  await networkHelpers.mine(2);
  return { d, member, operators, keys, prv, reserve, t, t2, chainId, snap, pub, dir, blobs, w };
}
export type PathWorld = Awaited<ReturnType<typeof privatePathWorld>>;

/** Builds the member's PoA at t, proves and seals `snap` as its private asset, stores the blob, commits the set. */
export async function commitPrivateSnapshot(
  conn: PathConn,
  crypto: Crypto,
  w: PrivateCommitter,
  t: bigint,
  snap: Pick<MemberSnapshot, "tree" | "leaves">,
): Promise<void> {
  const { ethers } = conn;
  const poa = await buildPoa({
    provider: ethers.provider,
    ledger: w.d.ledger,
    reserveRegistry: w.d.reserveRegistry,
    registry: w.d.registry,
    member: w.member.address,
    t,
    assets: [ETH],
    signers: [w.reserve],
  });
  const built = await buildPrivateAsset({
    runner: ethers.provider,
    chainId: w.chainId,
    ledger: w.d.ledger,
    registry: w.d.registry,
    member: w.member.address,
    t,
    asset: ETH,
    rootHash: snap.tree.root.h,
    children: rootChildrenOf((xs) => crypto.poseidon(xs), snap.tree),
    inner: encodeAssetBlob(poa, ETH, snap.leaves),
    reserves: BigInt(poa.assets[0].total),
  });
  await w.blobs.put(built.blob);
  const ledger = await ethers.getContractAt("CommitmentLedger", w.d.ledger);
  const c = privateCommitmentOf(ETH, built.commitment.rootHash, privateBlobDigest(built.blob), built.proof);
  await (await ledger.connect(w.member).commitPrivate(t, [c])).wait();
}

/** The user's record file (por.record v2) of record `i` of a snapshot, as the member handed it out. */
export function recordFile(snap: MemberSnapshot, i: number): RecordFile {
  const r = snap.records[i];
  return recordFileOf({
    accountId: `user-${i}`,
    accountSalt: BigInt(i + 1),
    assetSymbol: "ETH",
    record: {
      member: BigInt(r.member),
      asset: r.asset,
      t: BigInt(r.t),
      slot: r.slot,
      accountKey: BigInt(r.accountKey),
      balance: BigInt(r.balance),
      payoutHash: BigInt(r.payoutHash ?? 0),
    },
    payout: snap.payouts[i],
    message: BigInt(r.message),
    nullifier: BigInt(r.nullifier),
    signature: { R8x: BigInt(r.r8x), R8y: BigInt(r.r8y), S: BigInt(r.s) },
    recordKey: { Ax: BigInt(r.ax), Ay: BigInt(r.ay), keyHash: BigInt(r.keyHash) },
    D: snap.tree.depth,
    d: snap.tree.slotBits,
    root: snap.tree.root,
    proof: snap.tree.proof(r.slot),
  });
}

/** Verification deps of a node of `operator` holding `key` (no held records: the user holds its own). */
export function pathDeps(
  conn: PathConn,
  crypto: Crypto,
  s: Pick<PathWorld, "chainId" | "d" | "blobs">,
  operator: string,
  key: EncryptionKeyPair,
  blobs: BlobSource = localBlobSource(s.blobs),
): VerifyDeps {
  return {
    provider: conn.ethers.provider,
    chainId: s.chainId,
    addresses: {
      ledger: s.d.ledger,
      registry: s.d.registry,
      reserveRegistry: s.d.reserveRegistry,
      adjudicator: s.d.adjudicator,
    },
    crypto,
    blobs,
    depth: 32,
    log: silentLogger,
    privateKeys: { operator, encryptionKey: key },
  };
}
