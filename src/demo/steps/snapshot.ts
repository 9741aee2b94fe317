// Steps 6 and 10, snapshot: each member runs the real liabilities engine over its ledger (every user's record signed,
// the sum trees built), proves its reserves at t with its reserve wallets' signatures (PoA), stores one DA blob per
// asset, and keeps the files `ledger commit` takes (summary, PoA, blob refs). The private member takes a private-mode
// snapshot and keeps its summary and PoA (its blobs are sealed at commit time). In round 2 the cheater doctors two
// leaves of its published trees, which still cover its reserves: only a user's record can show the lie.
import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { Wallet } from "ethers";

import type { BlobRef } from "../../blobstore/index.js";
import { commitOverridesFrom, commitmentsFromSummary, readSnapshotSummary } from "../../consortium/index.js";
import { writeLE32, NODE_BYTES, type Crypto } from "../../crypto/index.js";
import { blobRefsFileOf, blobRefsPathFor, buildPoa, encodeAssetBlob, writeBlobRefsFile } from "../../poa/index.js";
import { readRecordFile } from "../../records/file.js";
import { leafHash } from "../../records/index.js";
import { runSnapshot, type SnapshotSummary } from "../../snapshot/index.js";
import { SumTree, PRODUCTION_DEPTH } from "../../tree/index.js";
import { decodeLeaves, encodeLeaves } from "../../tree/leaves.js";
import type { LiveContext } from "../context.js";
import { ETH_ASSET, USDC_ASSET, ledgerCsv, type DemoMember } from "../scenario.js";
import { eth, recordPath, usdc } from "./common.js";

const TITLES = [
  "round 1: members sign every user's records and build their trees",
  "round 2: members sign records and build trees (one of them cheats)",
];

interface Leaves {
  bytes: Uint8Array;
  rootHash: bigint;
  rootSum: bigint;
  count: number;
}

/** Runs round `round`'s snapshot of every member at the latest block's time; returns that t. */
export async function snapshotRound(ctx: LiveContext, round: 0 | 1): Promise<bigint> {
  const { p, scenario, chain, rounds } = ctx;
  return p.step(`round${round + 1}-snapshot`, TITLES[round], async (note) => {
    const t = await chain.latest();
    rounds.times[round] = t;
    await chain.increaseTime(30); // the block of t is no longer the head; t is in the past
    for (const m of scenario.members) {
      ctx.checkAbort();
      const t0 = performance.now();
      const summary = await snapshotMember(ctx, m, round, t, note);
      note(
        `${m.name}: ${summary.assets.map((a) => `${a.accounts} ${a.symbol}`).join(" + ")} records signed, ` +
          `trees built, PoA and blobs ready (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
      );
    }
    return t;
  });
}

/** One member's snapshot, PoA, blobs and commit files (doctored for the cheater in round 2). */
async function snapshotMember(ctx: LiveContext, m: DemoMember, round: 0 | 1, t: bigint, note: (s: string) => void) {
  const { tmp, engine, scenario, chain, d, services, rounds } = ctx;
  const ledgerPath = join(tmp, `ledger-${m.index}-r${round + 1}.csv`);
  await writeFile(ledgerPath, ledgerCsv(m, round));
  const { dir, summary } = await runSnapshot(engine, {
    ledgerPath,
    assetsPath: ctx.assetsPath,
    keys: m.keys,
    member: m.address,
    t,
    outDir: join(tmp, "snapshots"),
    depth: PRODUCTION_DEPTH,
    recordFiles: true,
    // The private member's summary holds each root's children; `ledger commit` proves and commits it privately.
    private: m.privateMode,
  });
  const trueTotals = new Map(summary.assets.map((a) => [a.id, BigInt(a.total)] as const));
  const leavesOf = new Map<number, Leaves>();
  for (const a of summary.assets) {
    leavesOf.set(a.id, {
      bytes: await readFile(join(dir, a.leavesFile)),
      rootHash: BigInt(a.rootHash),
      rootSum: BigInt(a.rootSum),
      count: a.accounts,
    });
  }
  let summaryFile = join(dir, "summary.json");
  if (m.cheater && round === 1) {
    const c = scenario.cheat;
    const omitted = await readRecordFile(recordPath(m, dir, c.omitted.asset, m.users[c.omitted.user].id));
    const under = await readRecordFile(recordPath(m, dir, c.underReported.asset, m.users[c.underReported.user].id));
    const at = (asset: number) => leavesOf.get(asset)!.bytes;
    leavesOf.set(
      c.omitted.asset,
      await doctor(engine, at(c.omitted.asset), m, t, c.omitted.asset, omitted.record.slot, null),
    );
    leavesOf.set(
      c.underReported.asset,
      await doctor(engine, at(c.underReported.asset), m, t, c.underReported.asset, under.record.slot, {
        accountKey: BigInt(under.record.accountKey),
        balance: c.underReported.reported,
      }),
    );
    summaryFile = await writeDoctoredSummary(dir, summary, leavesOf);
    note(
      `${m.name} CHEATS: its published ETH tree leaves out ${m.users[c.omitted.user].id} ` +
        `(${eth(c.omitted.balance)}) and its USDC tree reports ${m.users[c.underReported.user].id} at ` +
        `${usdc(c.underReported.reported)} instead of the signed ${usdc(c.underReported.balance)}`,
    );
  }
  // Proof of assets at t (ownership signatures by the reserve wallets) and one DA blob per asset, with the files
  // `poa build --out --refs` writes.
  const poa = await buildPoa({
    provider: chain.conn.ethers.provider,
    ledger: d.addresses.ledger,
    reserveRegistry: d.addresses.reserveRegistry,
    registry: d.addresses.registry,
    member: m.address,
    t,
    assets: [ETH_ASSET, USDC_ASSET],
    signers: m.reserveWallets.map((k) => new Wallet(k)),
  });
  const poaFile = join(tmp, `poa-${m.index}-r${round + 1}.json`);
  await writeFile(poaFile, JSON.stringify(poa, null, 2) + "\n", { flag: "wx" });
  const kept = { summary, dir, leaves: new Map([...leavesOf].map(([asset, l]) => [asset, l.count] as const)) };
  if (m.privateMode) {
    // Private mode: no public blob and no committed sums; `ledger commit --poa --blob-dir` proves each asset, seals its
    // blob (PoA, leaves and openings) to the operators' registered encryption keys and stores it.
    rounds.published[round].set(m.index, {
      ...kept,
      files: { summary: summaryFile, poa: poaFile, blobDir: services.blobsDir },
      commitments: [],
      trueTotals,
    });
    return summary;
  }
  const blobs: Array<{ asset: number; ref: BlobRef }> = [];
  for (const a of summary.assets) {
    blobs.push({ asset: a.id, ref: await services.blobs.put(encodeAssetBlob(poa, a.id, leavesOf.get(a.id)!.bytes)) });
  }
  const refsFile = blobRefsPathFor(poaFile);
  await writeBlobRefsFile(refsFile, blobRefsFileOf(poa, blobs));
  // What `ledger commit` will post from these files (the report shows it).
  const published = await readSnapshotSummary(summaryFile);
  const commitments = await commitmentsFromSummary(
    published,
    summaryFile,
    await commitOverridesFrom(published, { poa: poaFile, refs: refsFile }),
  );
  rounds.published[round].set(m.index, {
    ...kept,
    files: { summary: summaryFile, poa: poaFile, refs: refsFile },
    commitments,
    trueTotals,
  });
  return summary;
}

/** The cheater's published summary: the doctored trees' roots and leaves files next to the true ones. */
async function writeDoctoredSummary(dir: string, summary: SnapshotSummary, leavesOf: Map<number, Leaves>) {
  const assets = [];
  for (const a of summary.assets) {
    const l = leavesOf.get(a.id)!;
    if (l.rootHash === BigInt(a.rootHash) && l.rootSum === BigInt(a.rootSum)) {
      assets.push(a);
      continue;
    }
    const leavesFile = `published-leaves-${a.id}.bin`;
    await writeFile(join(dir, leavesFile), l.bytes);
    assets.push({
      ...a,
      rootHash: l.rootHash.toString(),
      rootSum: l.rootSum.toString(),
      leavesFile,
      leavesSha256: createHash("sha256").update(l.bytes).digest("hex"),
    });
  }
  const file = join(dir, "published-summary.json");
  await writeFile(file, JSON.stringify({ ...summary, assets }, null, 2) + "\n");
  return file;
}

/** Rebuilds a tree from leaves bytes with one leaf removed (`replace` null) or replaced by (accountKey, balance). */
async function doctor(
  crypto: Crypto,
  bytes: Uint8Array,
  m: DemoMember,
  t: bigint,
  asset: number,
  slot: number,
  replace: { accountKey: bigint; balance: bigint } | null,
): Promise<Leaves> {
  const { header, leaves } = decodeLeaves(bytes);
  const keep: number[] = [];
  let found = false;
  leaves.slots.forEach((s, i) => {
    if (s === slot) found = true;
    if (s !== slot || replace !== null) keep.push(i);
  });
  if (!found) throw new Error(`internal: slot ${slot} is not in the tree of asset ${asset}`);
  const slots = Uint32Array.from(keep.map((i) => leaves.slots[i]));
  const nodes = new Uint8Array(keep.length * NODE_BYTES);
  keep.forEach((i, j) => {
    if (leaves.slots[i] === slot && replace !== null) {
      writeLE32(
        nodes,
        j * NODE_BYTES,
        leafHash((x) => crypto.poseidon(x), replace.accountKey, replace.balance),
      );
      writeLE32(nodes, j * NODE_BYTES + 32, replace.balance);
    } else {
      nodes.set(leaves.nodes.subarray(i * NODE_BYTES, (i + 1) * NODE_BYTES), j * NODE_BYTES);
    }
  });
  const tree = await SumTree.build(crypto, { slots, nodes }, header.slotBits, header.depth);
  return {
    bytes: encodeLeaves(tree, { member: BigInt(m.address), asset, t }),
    rootHash: tree.root.h,
    rootSum: tree.root.s,
    count: slots.length,
  };
}
