// A member's omission fraud, built with the real engine and proven with the real prover: the member snapshots its
// ledger (src/snapshot: every record signed, one tree per asset, the leaves payloads), then publishes and commits a
// tree without one user's leaf. That user's record file and the published leaves go through the fraud prover
// (src/prover, the cached development ceremony of LeafMismatch32) to a Groth16 proof for the Adjudicator. Users may
// register a payout address with the member (the ledger's `payout` column): the member signs its commitment into
// the record (record message v2) and hands the opening to the user in the record file, who is paid there.
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { keccak256 } from "ethers";

import { loadCrypto } from "../../src/crypto/index.js";
import { generateMemberKeys, type MemberKeys } from "../../src/keys/index.js";
import {
  proveFraud,
  readSignedRecord,
  slotPathFromLeaves,
  toFraudProofStruct,
  type FraudProofFile,
} from "../../src/prover/index.js";
import { readRecordFile } from "../../src/records/file.js";
import type { PayoutOpening } from "../../src/records/payout.js";
import { runSnapshot } from "../../src/snapshot/index.js";
import { PRODUCTION_DEPTH, SumTree, type LeafSet } from "../../src/tree/index.js";
import { decodeLeaves, encodeLeaves } from "../../src/tree/leaves.js";
import type { AssetCommitment, FraudProofStruct } from "../../src/consortium/index.js";

/** The ETH asset id the fraud is about (listed by the Ignition module). */
export const FRAUD_ASSET = 1;

/** The asset a snapshot's ledger holds, as the asset list names it. */
export interface SnapshotAsset {
  id: number;
  symbol: string;
  token: string;
  decimals: number;
}

/** Ether as asset FRAUD_ASSET. */
export const ETH_FRAUD_ASSET: SnapshotAsset = {
  id: FRAUD_ASSET,
  symbol: "ETH",
  token: "0x0000000000000000000000000000000000000000",
  decimals: 18,
};

/** The member's record key as the registry stores it. */
export interface RecordKeyInfo {
  keyHash: bigint;
  ax: bigint;
  ay: bigint;
}

/** What the member computed at snapshot time `t`. */
export interface OmissionSnapshot {
  /** The member's engine keys (record key and member secret). */
  keys: MemberKeys;
  key: RecordKeyInfo;
  /** The commitment of the tree WITHOUT the victim's leaf (what the member commits on-chain). */
  commitment: AssetCommitment;
  /** The honest root (with every leaf), for comparison. */
  honestRootHash: bigint;
  /** The victim's record file and the published (doctored) leaves payload. */
  victimRecordFile: string;
  publishedLeavesFile: string;
  /** The victim's signed balance. */
  victimBalance: bigint;
  /** The victim's payout commitment (0: none registered) and its opening from the record file (null: none). */
  victimPayoutHash: bigint;
  victimPayout: PayoutOpening | null;
  /** Snapshot directory. */
  dir: string;
}

/**
 * Runs the liabilities engine for `member` at `t` on a small ETH ledger (`balances`, base units), then drops the
 * leaf of the account `victim` and re-encodes the leaves: the member's "published" tree.
 */
export async function omissionSnapshot(o: {
  workDir: string;
  member: string;
  t: bigint;
  balances: Record<string, bigint>;
  victim: string;
  /** The member's engine keys (default: fresh ones). */
  keys?: MemberKeys;
  /** Payout addresses the users registered (the ledger's `payout` column; absent: none registered). */
  payouts?: Record<string, string>;
  /** The asset of the ledger (default: ETH, asset FRAUD_ASSET). */
  asset?: SnapshotAsset;
}): Promise<OmissionSnapshot> {
  const asset = o.asset ?? ETH_FRAUD_ASSET;
  const assetsPath = join(o.workDir, "assets.json");
  const ledgerPath = join(o.workDir, "ledger.csv");
  await writeFile(
    assetsPath,
    JSON.stringify({
      format: "por.assets",
      version: 1,
      assets: [{ id: asset.id, symbol: asset.symbol, chainId: 31337, token: asset.token, decimals: asset.decimals }],
    }),
  );
  const rows = Object.entries(o.balances).map(([id, b]) => `${id},${asset.symbol},${b},${o.payouts?.[id] ?? ""}`);
  await writeFile(ledgerPath, ["account_id,asset,balance,payout", ...rows].join("\n") + "\n");

  const crypto = await loadCrypto({ threads: 0 });
  try {
    const keys = o.keys ?? generateMemberKeys();
    const { dir, summary } = await runSnapshot(crypto, {
      ledgerPath,
      assetsPath,
      keys,
      member: o.member,
      t: o.t,
      outDir: join(o.workDir, "snapshots"),
      depth: PRODUCTION_DEPTH,
      recordFiles: true,
    });
    const written = summary.assets[0];
    const key = {
      keyHash: BigInt(summary.recordKey.keyHash),
      ax: BigInt(summary.recordKey.Ax),
      ay: BigInt(summary.recordKey.Ay),
    };

    // The victim's record file: the one whose signed balance is the victim's (balances are distinct in tests).
    const recDir = join(dir, "records", String(asset.id));
    let victimRecordFile: string | undefined;
    let victimSlot = -1;
    for (const name of await readdir(recDir)) {
      const r = await readSignedRecord(join(recDir, name));
      if (r.balance === o.balances[o.victim]) {
        victimRecordFile = join(recDir, name);
        victimSlot = Number(r.slot);
      }
    }
    if (victimRecordFile === undefined) throw new Error(`no record file for ${o.victim}`);
    const victimFile = await readRecordFile(victimRecordFile);
    const victimPayout =
      victimFile.payout === null ? null : { address: victimFile.payout.address, salt: BigInt(victimFile.payout.salt) };

    // The member's doctored tree: the same leaves without the victim's.
    const { header, leaves } = decodeLeaves(await readFile(join(dir, written.leavesFile)));
    const keep: number[] = [];
    leaves.slots.forEach((slot, i) => {
      if (slot !== victimSlot) keep.push(i);
    });
    if (keep.length !== leaves.slots.length - 1) throw new Error("the victim's leaf is not in the honest tree");
    const doctored: LeafSet = {
      slots: Uint32Array.from(keep.map((i) => leaves.slots[i])),
      nodes: new Uint8Array(keep.length * 64),
    };
    keep.forEach((i, j) => doctored.nodes.set(leaves.nodes.subarray(i * 64, i * 64 + 64), j * 64));
    const tree = await SumTree.build(crypto, doctored, header.slotBits, header.depth);
    const publishedLeavesFile = join(o.workDir, `published-leaves-${asset.id}.bin`);
    await writeFile(publishedLeavesFile, encodeLeaves(tree, { member: BigInt(o.member), asset: asset.id, t: o.t }));

    return {
      keys,
      key,
      commitment: {
        asset: asset.id,
        rootHash: tree.root.h,
        rootSum: tree.root.s,
        // The member claims reserves covering what it committed (its quorum sees a solvent set).
        reserves: tree.root.s + 1n,
        blobDigest: keccak256(await readFile(publishedLeavesFile)),
      },
      honestRootHash: BigInt(written.rootHash),
      victimRecordFile,
      publishedLeavesFile,
      victimBalance: o.balances[o.victim],
      victimPayoutHash: BigInt(victimFile.record.payoutHash),
      victimPayout,
      dir,
    };
  } finally {
    await crypto.close();
  }
}

/**
 * The victim's side (or anyone's holding the victim's record): its record file and the published leaves through the
 * fraud prover. The claim goes to the record's signed payout commitment, whoever proves. Returns the
 * `por.fraud-proof` document and the Adjudicator's struct.
 */
export async function proveOmission(s: OmissionSnapshot): Promise<{ file: FraudProofFile; proof: FraudProofStruct }> {
  const record = await readSignedRecord(s.victimRecordFile);
  const { path, rootHash } = await slotPathFromLeaves(s.publishedLeavesFile, record.slot);
  const { file } = await proveFraud({ record, path, expectedRoot: rootHash });
  return { file, proof: toFraudProofStruct(file) };
}
