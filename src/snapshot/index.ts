// The snapshot pipeline: ledger + member keys + time -> signed records for every account, one tree per asset,
// the leaves payloads and a summary, written atomically (temporary directory renamed into place at the end).
import { createHash, randomBytes } from "node:crypto";
import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { z } from "zod";

import { ACCOUNT_DOMAIN, NULLIFIER_DOMAIN, readLE32, writeLE32, type Crypto } from "../crypto/index.js";
import { FIELD_P, MAX_BALANCE } from "../crypto/field.js";
import { loadLedger, readAssetList, type AssetLedger } from "../ledger/index.js";
import type { MemberKeys } from "../keys/index.js";
import {
  recordFilePath,
  recordsDirOf,
  assignSlotsOf,
  defaultSlotBits,
  deriveAccountSaltBytes,
  payoutColumns,
  payoutCommitmentAt,
  recordKeyHash,
  recordMessageInputs,
  RECORD_MESSAGE_ARITY,
  type PayoutColumns,
} from "../records/index.js";
import { hashBatch, utf8Segments, type HashBatch } from "../crypto/hash-batch.js";
import { bundleFileName, writeRecordsBundle } from "../records/bundle.js";
import { formatRecordFile, recordFileOf } from "../records/file.js";
import { PRODUCTION_DEPTH, SumTree, accountLeafSet, rootChildren } from "../tree/index.js";
import { encodeLeaves } from "../tree/leaves.js";

/** Progress callback: a phase name, items done and total. */
export type Progress = (phase: string, done: number, total: number) => void;

/** Options of {@link runSnapshot}. */
export interface SnapshotOptions {
  ledgerPath: string;
  assetsPath: string;
  keys: MemberKeys;
  /** Member address (0x...). */
  member: string;
  /** Snapshot time, Unix seconds. */
  t: bigint;
  /** Parent directory; the snapshot goes to `<outDir>/<member>-<t>`. */
  outDir: string;
  /** Tree depth D (default 32). */
  depth?: number;
  /** Slot bits d for every asset (default ceil(log2(n)) + 4 per asset, capped at D). */
  slotBits?: number;
  /** Write the users' records (default true): a records bundle per asset, and per-user files with `recordFiles`. */
  writeRecords?: boolean;
  /**
   * Also write one record file per user, `records/<asset>/<accountFileRef>.json` (default false; the records bundle
   * `records-<asset>.bundle` produces the same files on demand, src/records/bundle.ts).
   */
  recordFiles?: boolean;
  onProgress?: Progress;
  /** A private-mode snapshot: the summary says so and holds each root's two children (default false). */
  private?: boolean;
  /**
   * Stops the run: at its next checkpoint (every progress report, taken when no write is in flight) it removes the
   * temporary directory and throws {@link SnapshotInterrupted}. A stage without checkpoints (a tree build) is cut
   * short 10 s after the abort by removing the temporary directory directly. The final rename never happens either
   * way. `interruptOnSignals()` gives a signal that SIGINT/SIGTERM abort.
   */
  signal?: AbortSignal;
}

/** Thrown by {@link runSnapshot} when its `signal` aborted the run; nothing was written. */
export class SnapshotInterrupted extends Error {
  override name = "SnapshotInterrupted";
}

/**
 * For command-line runs: an AbortSignal that SIGINT or SIGTERM aborts, and a hard stop (exit 130) 11 s later should
 * the run not wind down by itself (runSnapshot has removed its temporary directory by then). `dispose` removes the
 * handlers.
 */
export function interruptOnSignals(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) return;
    controller.abort();
    setTimeout(() => process.exit(130), 11_000).unref();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}

const dec = z.string().regex(/^(0|[1-9][0-9]*)$/);

/** Snapshot summary, version 1. */
export const summarySchema = z.strictObject({
  format: z.literal("por.snapshot"),
  version: z.literal(1),
  member: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  t: dec,
  D: z.number().int().min(1).max(32),
  recordKey: z.strictObject({ Ax: dec, Ay: dec, keyHash: dec }),
  /**
   * A private-mode snapshot (`snapshot --private`, docs/protocol.md section 17): `ledger commit` and `ledger respond`
   * commit it with `commitPrivate` / `respondToRequestPrivate` (totals hidden, blobs encrypted to the operators).
   */
  private: z.literal(true).optional(),
  assets: z.array(
    z.strictObject({
      id: z.number().int(),
      symbol: z.string(),
      decimals: z.number().int(),
      d: z.number().int(),
      accounts: z.number().int(),
      total: dec,
      rootHash: dec,
      rootSum: dec,
      leavesFile: z.string(),
      leavesSha256: z.string(),
      /** Private mode: the root's two children, the witness of the RootCommitment proof (rootHash = their hash). */
      rootChildren: z.strictObject({ hL: dec, sL: dec, hR: dec, sR: dec }).optional(),
    }),
  ),
});

/** A snapshot summary. */
export type SnapshotSummary = z.infer<typeof summarySchema>;

/** Result of a snapshot run. */
export interface SnapshotResult {
  dir: string;
  summary: SnapshotSummary;
}

/** Signed records, tree and leaves of one asset. */
export interface AssetSnapshot {
  tree: SumTree;
  d: number;
  slots: Uint32Array;
  /** The account keys, 32 bytes little-endian each. */
  accountKeyBytes: Uint8Array;
  /** The account salts, 32 bytes little-endian each. */
  saltBytes: Uint8Array;
  /** Per account: the payout address given to the user (or none), its salt and the payout hash signed in the record. */
  payouts: PayoutColumns;
  messages: Uint8Array;
  signatures: Uint8Array;
}

const CHUNK = 16384;

/** Runs `fn` over chunks of items whose input bytes `input(start, end)` builds, so only one chunk of input exists. */
async function inChunks(
  total: number,
  input: (start: number, end: number) => Uint8Array,
  fn: (b: Uint8Array) => Promise<Uint8Array>,
  outUnit: number,
  progress: (done: number) => void,
): Promise<Uint8Array> {
  const out = new Uint8Array(total * outUnit);
  for (let i = 0; i < total; i += CHUNK) {
    const end = Math.min(total, i + CHUNK);
    out.set(await fn(input(i, end)), i * outUnit);
    await new Promise((r) => setImmediate(r)); // let signals and timers in between chunks
    progress(end);
  }
  return out;
}

/**
 * Computes account keys, slots, messages, signatures and the tree for one asset's ledger.
 * Batches go through the crypto backend (native, or worker threads on every core).
 */
export async function snapshotAsset(
  crypto: Crypto,
  keys: MemberKeys,
  member: bigint,
  t: bigint,
  ledger: AssetLedger,
  opts: { depth: number; slotBits?: number; onProgress?: Progress },
): Promise<AssetSnapshot> {
  const n = ledger.accountIds.length;
  const asset = ledger.asset.id;
  const d = opts.slotBits ?? defaultSlotBits(n, opts.depth);
  if (d > opts.depth) throw new RangeError(`slot bits d = ${d} exceed the depth D = ${opts.depth}`);
  const progress = (phase: string) => (done: number) => opts.onProgress?.(`${ledger.asset.symbol}: ${phase}`, done, n);
  // SHA-256, HMAC and keccak256 batches: native with the native backend, node:crypto and js-sha3 with the JS one.
  const hashes = hashBatch(crypto.backend);
  // Account keys: Poseidon(ACCOUNT_DOMAIN, accountIdField, accountSalt, t), batched.
  const salts = deriveAccountSaltBytes(keys.memberSecret, asset, ledger.accountIds, hashes);
  const keyInputs = (start: number, end: number) => accountKeyInputs(ledger.accountIds, salts, t, start, end, hashes);
  const keyBytes = await inChunks(n, keyInputs, (b) => crypto.poseidonMany(4, b), 32, progress("account keys"));

  opts.onProgress?.(`${ledger.asset.symbol}: slots`, 0, n);
  const slots = assignSlotsOf(keys.memberSecret, t, asset, keyBytes, d, hashes);

  // Payout commitments, then messages (v2: the payout hash is the last input).
  // The ledger's payout addresses are checksummed by its parser: no second checksum per account.
  const payouts = payoutColumns(keys.memberSecret, t, asset, ledger.accountIds, ledger.payouts, {
    addressChecked: true,
    hashes,
  });
  const msgInputs = (start: number, end: number) =>
    messageInputs({ member, asset, t }, slots, keyBytes, ledger.balances, payouts, start, end);
  const messages = await inChunks(
    n,
    msgInputs,
    (b) => crypto.poseidonMany(RECORD_MESSAGE_ARITY, b),
    32,
    progress("messages"),
  );

  // Signatures.
  const signatures = await inChunks(
    n,
    (start, end) => messages.subarray(start * 32, end * 32),
    (b) => crypto.signMany(keys.recordKey, b),
    96,
    progress("signatures"),
  );

  // Leaves, sorted by slot.
  const leaves = await accountLeafSet(slots, keyBytes, ledger.balances, (pairs) =>
    inChunks(
      n,
      (start, end) => pairs.subarray(start * 64, end * 64),
      (b) => crypto.hashLeaves(b),
      32,
      progress("leaves"),
    ),
  );
  opts.onProgress?.(`${ledger.asset.symbol}: tree`, 0, n);
  const tree = await SumTree.build(crypto, leaves, d, opts.depth);
  opts.onProgress?.(`${ledger.asset.symbol}: tree`, n, n);
  if (tree.root.s !== ledger.total) throw new Error("internal: root sum differs from the ledger total");
  return { tree, d, slots, accountKeyBytes: keyBytes, saltBytes: salts, payouts, messages, signatures };
}

/**
 * The account-key inputs `(ACCOUNT_DOMAIN, accountIdField(id), salt, t)` of accounts `start..end`, 128 bytes each:
 * the same bytes as `writeLE32` of {@link accountIdField} etc. gives (test/snapshot/inputs.test.ts), with the
 * constant words copied, `accountIdField` (sha256 >> 8) written straight from a batch of digests, and the salts
 * (32 bytes little-endian each, {@link deriveAccountSaltBytes}) copied.
 */
export function accountKeyInputs(
  accountIds: readonly string[],
  saltBytes: Uint8Array,
  t: bigint,
  start: number,
  end: number,
  hashes: HashBatch = hashBatch(),
): Uint8Array {
  const b = new Uint8Array((end - start) * 128);
  const domain = new Uint8Array(32);
  writeLE32(domain, 0, ACCOUNT_DOMAIN);
  const tBytes = new Uint8Array(32);
  writeLE32(tBytes, 0, t);
  const { data, ends } = utf8Segments(accountIds, start, end);
  const digests = hashes.sha256Many(data, ends);
  for (let i = start; i < end; i++) {
    const o = (i - start) * 128;
    const g = (i - start) * 32;
    b.set(domain, o);
    // sha256 as a big-endian integer, shifted right by 8 bits: its first 31 bytes, reversed into little-endian.
    for (let j = 0; j < 31; j++) b[o + 32 + j] = digests[g + 30 - j];
    b.set(saltBytes.subarray(i * 32, i * 32 + 32), o + 64);
    b.set(tBytes, o + 96);
  }
  return b;
}

/**
 * The record-message inputs `[RECORD_DOMAIN, member, asset, t, slot, accountKey, balance, payoutHash]`
 * (recordMessageInputs) of accounts `start..end`, 256 bytes each, with the range checks of `checkRecord`: the
 * constant words are checked and written once, the account key copied from its 32 bytes (the hash's canonical
 * output), only balance and payout hash converted per account.
 */
export function messageInputs(
  c: { member: bigint; asset: number; t: bigint },
  slots: Uint32Array,
  accountKeyBytes: Uint8Array,
  balances: readonly bigint[],
  payouts: PayoutColumns,
  start: number,
  end: number,
): Uint8Array {
  const unit = RECORD_MESSAGE_ARITY * 32;
  const b = new Uint8Array((end - start) * unit);
  if (start >= end) return b;
  // checkRecord's rules on the constant words (and the first account), then the same per account below.
  const first = recordMessageInputs({
    ...c,
    slot: slots[start],
    accountKey: readLE32(accountKeyBytes, start * 32),
    balance: balances[start],
    payoutHash: readLE32(payouts.hashes, start * 32),
  });
  const prefix = new Uint8Array(128);
  for (let j = 0; j < 4; j++) writeLE32(prefix, j * 32, first[j]);
  for (let i = start; i < end; i++) {
    const o = (i - start) * unit;
    b.set(prefix, o);
    const slot = slots[i];
    b[o + 128] = slot & 0xff;
    b[o + 129] = (slot >>> 8) & 0xff;
    b[o + 130] = (slot >>> 16) & 0xff;
    b[o + 131] = slot >>> 24;
    const key = accountKeyBytes.subarray(i * 32, i * 32 + 32);
    if (key[31] >= P_TOP_BYTE && readLE32(key, 0) >= FIELD_P) {
      throw new RangeError("record.accountKey must be a field element");
    }
    b.set(key, o + 160);
    const balance = balances[i];
    if (balance < 0n || balance >= MAX_BALANCE) throw new RangeError("record.balance must be in [0, 2^96)");
    writeLE32(b, o + 192, balance);
    // payoutHash < 2^248: its top byte is zero (a keccak256 output shifted right by 8 bits always is).
    if (payouts.hashes[i * 32 + 31] !== 0) {
      throw new RangeError("record.payoutHash must be in [0, 2^248) (0: no payout registered)");
    }
    b.set(payouts.hashes.subarray(i * 32, i * 32 + 32), o + 224);
  }
  return b;
}

const P_TOP_BYTE = Number(FIELD_P >> 248n);

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

const sha256hex = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** The root's two children of `tree` as the summary writes them (decimal strings). */
function rootChildrenText(poseidon: (i: readonly bigint[]) => bigint, tree: SumTree) {
  const { left, right } = rootChildren(poseidon, tree);
  return { hL: left.h.toString(), sL: left.s.toString(), hR: right.h.toString(), sR: right.s.toString() };
}

/**
 * Runs a snapshot. All validation happens before anything is written; output goes to a temporary directory
 * inside `outDir` that is renamed to `<member>-<t>` only when complete, so an interrupted or failed run leaves
 * no snapshot behind (and never overwrites an existing one).
 */
export async function runSnapshot(crypto: Crypto, o: SnapshotOptions): Promise<SnapshotResult> {
  if (!/^0x[0-9a-fA-F]{40}$/.test(o.member)) throw new Error("member must be a 0x-prefixed 20-byte address");
  if (o.t < 0n || o.t >= 1n << 64n) throw new Error("t must be a Unix time below 2^64");
  const depth = o.depth ?? PRODUCTION_DEPTH;
  const member = BigInt(o.member);
  const memberLc = o.member.toLowerCase();
  const finalDir = join(o.outDir, `${memberLc}-${o.t}`);
  if (await exists(finalDir)) throw new Error(`snapshot ${finalDir} already exists; refusing to overwrite`);

  const assets = await readAssetList(o.assetsPath);
  const ledger = await loadLedger(o.ledgerPath, assets);
  const [ax, ay] = crypto.publicKey(o.keys.recordKey);
  const keyHash = recordKeyHash((i) => crypto.poseidon(i), ax, ay);

  await mkdir(o.outDir, { recursive: true });
  const tmp = join(o.outDir, `.tmp-${memberLc}-${o.t}-${process.pid}-${randomBytes(4).toString("hex")}`);
  await mkdir(tmp);
  const cleanup = () => rm(tmp, { recursive: true, force: true });
  // See SnapshotOptions.signal: stop at the next checkpoint; a stage without checkpoints loses its directory 10 s on.
  const onAbort = () => setTimeout(() => void cleanup(), 10_000).unref();
  o.signal?.addEventListener("abort", onAbort, { once: true });
  const stopIfInterrupted = () => {
    if (o.signal?.aborted === true) throw new SnapshotInterrupted("snapshot interrupted; nothing was written");
  };
  const checkpoint: Progress = (phase, done, total) => {
    stopIfInterrupted();
    o.onProgress?.(phase, done, total);
  };
  try {
    stopIfInterrupted();
    const summary: SnapshotSummary = {
      format: "por.snapshot",
      version: 1,
      member: memberLc,
      t: o.t.toString(),
      D: depth,
      recordKey: { Ax: ax.toString(), Ay: ay.toString(), keyHash: keyHash.toString() },
      ...(o.private === true ? { private: true as const } : {}),
      assets: [],
    };
    for (const l of [...ledger.values()].sort((a, b) => a.asset.id - b.asset.id)) {
      const snap = await snapshotAsset(crypto, o.keys, member, o.t, l, {
        depth,
        slotBits: o.slotBits,
        onProgress: checkpoint,
      });
      const leaves = encodeLeaves(snap.tree, { member, asset: l.asset.id, t: o.t });
      const leavesFile = `leaves-${l.asset.id}.bin`;
      await writeFile(join(tmp, leavesFile), leaves);
      summary.assets.push({
        id: l.asset.id,
        symbol: l.asset.symbol,
        decimals: l.asset.decimals,
        d: snap.d,
        accounts: l.accountIds.length,
        total: l.total.toString(),
        rootHash: snap.tree.root.h.toString(),
        rootSum: snap.tree.root.s.toString(),
        leavesFile,
        leavesSha256: sha256hex(leaves),
        ...(o.private === true ? { rootChildren: rootChildrenText((i) => crypto.poseidon(i), snap.tree) } : {}),
      });
      if (o.writeRecords !== false) {
        const recordKey = { Ax: ax, Ay: ay, keyHash };
        const nullifiers = await nullifiersOf(crypto, snap.messages);
        stopIfInterrupted();
        await writeRecordsBundle(
          join(tmp, bundleFileName(l.asset.id)),
          {
            member: memberLc,
            asset: l.asset.id,
            assetSymbol: l.asset.symbol,
            t: o.t,
            recordKey,
            tree: snap.tree,
            accountIds: l.accountIds,
            salts: snap.saltBytes,
            slots: snap.slots,
            accountKeys: snap.accountKeyBytes,
            balances: l.balances,
            payouts: snap.payouts,
            messages: snap.messages,
            nullifiers,
            signatures: snap.signatures,
          },
          (done) => checkpoint(`${l.asset.symbol}: records bundle`, done, l.accountIds.length),
        );
        if (o.recordFiles === true) {
          const ctx = { memberLc, recordKey, nullifiers };
          await writeRecordFiles(tmp, { ...o, onProgress: checkpoint }, l, snap, ctx);
        }
      }
      stopIfInterrupted();
    }
    await writeFile(join(tmp, "summary.json"), JSON.stringify(summary, null, 2) + "\n");
    stopIfInterrupted();
    await rename(tmp, finalDir);
    return { dir: finalDir, summary };
  } catch (e) {
    await cleanup();
    if (o.signal?.aborted === true && !(e instanceof SnapshotInterrupted)) {
      throw new SnapshotInterrupted(`snapshot interrupted (${(e as Error).message}); nothing was written`);
    }
    throw e;
  } finally {
    o.signal?.removeEventListener("abort", onAbort);
  }
}

/** Nullifiers `Poseidon(NULLIFIER_DOMAIN, m)` of 32-byte messages, batched; 32 bytes little-endian each. */
async function nullifiersOf(crypto: Crypto, messages: Uint8Array): Promise<Uint8Array> {
  const n = messages.length / 32;
  const domain = new Uint8Array(32);
  writeLE32(domain, 0, NULLIFIER_DOMAIN);
  const input = (start: number, end: number) => {
    const b = new Uint8Array((end - start) * 64);
    for (let i = start; i < end; i++) {
      b.set(domain, (i - start) * 64);
      b.set(messages.subarray(i * 32, i * 32 + 32), (i - start) * 64 + 32);
    }
    return b;
  };
  return inChunks(
    n,
    input,
    (b) => crypto.poseidonMany(2, b),
    32,
    () => undefined,
  );
}

async function writeRecordFiles(
  dir: string,
  o: SnapshotOptions,
  l: AssetLedger,
  snap: AssetSnapshot,
  k: { memberLc: string; recordKey: { Ax: bigint; Ay: bigint; keyHash: bigint }; nullifiers: Uint8Array },
): Promise<void> {
  const recDir = recordsDirOf(dir, l.asset.id);
  await mkdir(recDir, { recursive: true });
  const n = l.accountIds.length;
  const root = snap.tree.root;
  const PARALLEL_WRITES = 64;
  let inflight: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const payout = payoutCommitmentAt(snap.payouts, i);
    const file = recordFileOf({
      accountId: l.accountIds[i],
      accountSalt: readLE32(snap.saltBytes, i * 32),
      assetSymbol: l.asset.symbol,
      record: {
        member: BigInt(k.memberLc),
        asset: l.asset.id,
        t: o.t,
        slot: snap.slots[i],
        accountKey: readLE32(snap.accountKeyBytes, i * 32),
        balance: l.balances[i],
        payoutHash: payout.payoutHash,
      },
      payout: payout.payout,
      message: readLE32(snap.messages, i * 32),
      nullifier: readLE32(k.nullifiers, i * 32),
      signature: {
        R8x: readLE32(snap.signatures, i * 96),
        R8y: readLE32(snap.signatures, i * 96 + 32),
        S: readLE32(snap.signatures, i * 96 + 64),
      },
      recordKey: k.recordKey,
      D: snap.tree.depth,
      d: snap.d,
      root,
      proof: snap.tree.proof(snap.slots[i]),
    });
    const path = recordFilePath(dir, l.asset.id, o.keys.memberSecret, l.accountIds[i]);
    inflight.push(writeFile(path, formatRecordFile(file), { flag: "wx" }));
    if (inflight.length >= PARALLEL_WRITES) {
      await Promise.all(inflight);
      inflight = [];
      o.onProgress?.(`${l.asset.symbol}: record files`, i + 1, n);
    }
  }
  await Promise.all(inflight);
  o.onProgress?.(`${l.asset.symbol}: record files`, n, n);
}
