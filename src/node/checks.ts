// The operator's verification checks (PROTOCOL.md "Verification and co-signing"; docs/protocol.md "Operator node"),
// one named function each. A check returns a {@link CheckResult}; it never throws for bad member data (only for an
// unreachable RPC endpoint, which the caller retries), so every failure carries a reason an operator can read.
import { Contract, getAddress, type Provider } from "ethers";

import { KEY_DOMAIN, type Crypto } from "../crypto/index.js";
import { checkBlockAtTime } from "../poa/block.js";
import { decodeAssetBlob, type AssetBlob } from "../poa/blob.js";
import type { PoaDocument } from "../poa/document.js";
import { balanceAt } from "../poa/build.js";
import { RESERVE_REGISTRY_ABI } from "../generated/abi.js";
import { poaDomain, verifyReserveProof } from "../poa/ownership.js";
import { emptySubtrees, hashNode, SumTree, TreeError, type TreeNode } from "../tree/index.js";
import { decodeLeaves } from "../tree/leaves.js";
import type { StoredRecord } from "../verifier-service/store.js";

/** The outcome of one check. */
export type CheckResult<T = undefined> =
  { name: string; ok: true; value: T; detail?: string } | { name: string; ok: false; reason: string };

/** What a blob is checked against: the subject and the on-chain commitment of one asset. */
export interface AssetContext {
  chainId: bigint;
  ledger: string;
  reserveRegistry: string;
  member: string;
  t: bigint;
  /** The request being attested (0 for a commitment set). */
  requestId: bigint;
  asset: number;
  rootHash: bigint;
  /** The committed root sum; undefined for a private asset (the sum is committed in C_L, checked on its own). */
  rootSum: bigint | undefined;
  reserves: bigint;
  blobDigest: string;
}

const pass = <T>(name: string, value: T, detail?: string): CheckResult<T> => ({ name, ok: true, value, detail });
const fail = <T>(name: string, reason: string): CheckResult<T> => ({ name, ok: false, reason });
const msg = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The blob hashes to the committed `blobDigest` (keccak256). */
export function checkBlobDigest(bytes: Uint8Array, expected: string, digest: (b: Uint8Array) => string): CheckResult {
  const got = digest(bytes);
  if (got.toLowerCase() !== expected.toLowerCase()) {
    return fail("blob-digest", `blob keccak256 is ${got}, the commitment says ${expected}`);
  }
  return pass("blob-digest", undefined);
}

/** Address equality that never throws (a mixed-case address with a wrong checksum compares, and differs, too). */
function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** The blob is a well-formed PORB container with a valid one-asset PoA. */
export function checkBlobFormat(bytes: Uint8Array): CheckResult<AssetBlob> {
  try {
    return pass("blob-format", decodeAssetBlob(bytes));
  } catch (e) {
    return fail("blob-format", msg(e));
  }
}

/** The PoA is for this chain, ledger, registry, member, snapshot time, request and asset. */
export function checkPoaBinding(poa: PoaDocument, c: AssetContext): CheckResult {
  const name = "poa-binding";
  if (BigInt(poa.chainId) !== c.chainId) return fail(name, `PoA is for chain ${poa.chainId}, not ${c.chainId}`);
  if (!sameAddress(poa.ledger, c.ledger)) return fail(name, `PoA is for ledger ${poa.ledger}`);
  if (!sameAddress(poa.reserveRegistry, c.reserveRegistry)) {
    return fail(name, `PoA names reserve registry ${poa.reserveRegistry}, not ${c.reserveRegistry}`);
  }
  if (!sameAddress(poa.member, c.member)) return fail(name, `PoA is for member ${poa.member}`);
  if (BigInt(poa.t) !== c.t) return fail(name, `PoA is for t = ${poa.t}, not ${c.t}`);
  const rid = BigInt(poa.requestId);
  if (rid !== 0n && rid !== c.requestId) return fail(name, `PoA is for request ${poa.requestId}, not ${c.requestId}`);
  if (poa.assets.length !== 1 || poa.assets[0].asset !== c.asset) {
    return fail(name, `PoA is for asset ${poa.assets.map((a) => a.asset).join(",")}, not ${c.asset}`);
  }
  return pass(name, undefined);
}

/** The PoA's block is the canonical last block at or before t. */
export async function checkSnapshotBlock(provider: Provider, poa: PoaDocument, t: bigint): Promise<CheckResult> {
  const reason = await checkBlockAtTime(provider, poa.block, t);
  return reason === undefined ? pass("snapshot-block", undefined) : fail("snapshot-block", reason);
}

/** Every wallet's EIP-712 ownership signature is valid (ecrecover, or ERC-1271 at the snapshot block). */
export async function checkOwnershipSignatures(provider: Provider, poa: PoaDocument): Promise<CheckResult> {
  const domain = poaDomain(BigInt(poa.chainId), poa.ledger);
  for (const w of poa.wallets) {
    const r = await verifyReserveProof(
      provider,
      domain,
      {
        member: getAddress(poa.member),
        wallet: getAddress(w.wallet),
        t: BigInt(poa.t),
        requestId: BigInt(poa.requestId),
      },
      w.signature,
      poa.block.number,
    );
    if (!r.ok) return fail("ownership-signatures", `wallet ${w.wallet}: ${r.reason}`);
    if (r.kind !== w.kind)
      return fail("ownership-signatures", `wallet ${w.wallet} is ${r.kind}, the PoA says ${w.kind}`);
  }
  return pass("ownership-signatures", undefined);
}

/** Every wallet counted for the member at t in the ReserveRegistry (registered before t, not removed by t). */
export async function checkRegistrations(
  provider: Provider,
  poa: PoaDocument,
  reserveRegistry: string,
): Promise<CheckResult> {
  const rr = new Contract(reserveRegistry, RESERVE_REGISTRY_ABI, provider);
  for (const w of poa.wallets) {
    const owner = getAddress((await rr.getFunction("ownerAt")(w.wallet, BigInt(poa.t))) as string);
    if (owner !== getAddress(poa.member)) {
      return fail(
        "registrations",
        `wallet ${w.wallet} was not registered to ${poa.member} before t (owner at t: ${owner})`,
      );
    }
  }
  return pass("registrations", undefined);
}

/**
 * Every balance equals the chain's balance at the PoA's block (ETH or the asset's ERC-20, read through this node's
 * RPC endpoint). Returns the verified total.
 */
export async function checkBalances(provider: Provider, poa: PoaDocument, token: string): Promise<CheckResult<bigint>> {
  const a = poa.assets[0];
  if (!sameAddress(a.token, token)) {
    return fail("balances", `PoA says token ${a.token}, the registry lists ${token} for asset ${a.asset}`);
  }
  let total = 0n;
  for (const b of a.balances) {
    const actual = await balanceAt(provider, token, b.wallet, poa.block.number);
    if (actual !== BigInt(b.balance)) {
      return fail(
        "balances",
        `wallet ${b.wallet} held ${actual} at block ${poa.block.number}, the PoA says ${b.balance}`,
      );
    }
    total += actual;
  }
  return pass("balances", total, `${total} base units verified`);
}

/** The committed reserves figure is the verified total. */
export function checkCommittedReserves(verified: bigint, committed: bigint): CheckResult {
  if (verified !== committed) {
    return fail("committed-reserves", `the commitment claims reserves ${committed}, the PoA proves ${verified}`);
  }
  return pass("committed-reserves", undefined);
}

/**
 * The leaves payload is for this member, asset and t at depth `depth`, and rebuilds (with every range rule) to the
 * committed `(rootHash, rootSum)` (a private asset: to `rootHash`). Returns the rebuilt tree.
 */
export async function checkLeaves(
  crypto: Crypto,
  leaves: Uint8Array,
  c: AssetContext,
  depth: number,
): Promise<CheckResult<SumTree>> {
  const name = "leaves-rebuild";
  let decoded;
  try {
    decoded = decodeLeaves(leaves);
  } catch (e) {
    return fail(name, `leaves payload: ${msg(e)}`);
  }
  const h = decoded.header;
  if (h.member !== BigInt(c.member)) return fail(name, `leaves are for member 0x${h.member.toString(16)}`);
  if (h.asset !== c.asset) return fail(name, `leaves are for asset ${h.asset}, not ${c.asset}`);
  if (h.t !== c.t) return fail(name, `leaves are for t = ${h.t}, not ${c.t}`);
  if (h.depth !== depth) return fail(name, `leaves are for depth ${h.depth}, the fraud circuit needs ${depth}`);
  let tree: SumTree;
  try {
    tree = await SumTree.build(crypto, decoded.leaves, h.slotBits, h.depth);
  } catch (e) {
    if (e instanceof TreeError) return fail(name, `leaves break a range rule: ${e.message}`);
    throw e;
  }
  if (c.rootSum === undefined) {
    if (tree.root.h !== c.rootHash) {
      return fail(name, `leaves rebuild to root hash ${tree.root.h}, the commitment is ${c.rootHash}`);
    }
  } else if (tree.root.h !== c.rootHash || tree.root.s !== c.rootSum) {
    return fail(
      name,
      `leaves rebuild to (${tree.root.h}, ${tree.root.s}), the commitment is (${c.rootHash}, ${c.rootSum})`,
    );
  }
  return pass(name, tree, `${tree.size} leaves`);
}

/** Verified reserves cover liabilities for the asset. */
export function checkSolvency(reserves: bigint, liabilities: bigint): CheckResult {
  if (reserves < liabilities) {
    return fail("solvency", `reserves ${reserves} are below liabilities ${liabilities}`);
  }
  return pass("solvency", undefined);
}

/**
 * The member's record key valid at t is usable: its registered coordinates hash to the registered key hash
 * (`Poseidon(KEY_DOMAIN, Ax, Ay)`; the registry stores both without checking) and lie in Baby Jubjub's prime-order
 * subgroup. Under a key of small order anyone can sign any record and no fraud proof can exist, so a set under such a
 * key proves nothing to its users: the operator votes Insolvent on that evidence.
 */
export function checkRecordKey(
  poseidon: (xs: readonly bigint[]) => bigint,
  inSubgroup: (x: bigint, y: bigint) => boolean,
  key: { keyHash: bigint; ax: bigint; ay: bigint } | undefined,
): CheckResult {
  if (key === undefined) return fail("record-key", "no record key is registered for t");
  if (poseidon([KEY_DOMAIN, key.ax, key.ay]) !== key.keyHash) {
    return fail("record-key", `the registered key (Ax, Ay) does not hash to the registered key hash ${key.keyHash}`);
  }
  if (!inSubgroup(key.ax, key.ay)) {
    return fail(
      "record-key",
      "the registered record key is not in Baby Jubjub's prime-order subgroup: anyone can sign under it and no fraud " +
        "proof of its records can exist",
    );
  }
  return pass("record-key", undefined);
}

/** True when the node at the record's slot holds the record's account with at least its balance. */
export function recordHonoured(poseidon: (xs: readonly bigint[]) => bigint, leaf: TreeNode, r: StoredRecord): boolean {
  return leaf.h === poseidon([BigInt(r.accountKey), leaf.s]) && leaf.s >= BigInt(r.balance);
}

/** The node at any slot `< 2^D` (empty beyond the tree's 2^d slot space). */
export function leafAt(tree: SumTree, slot: number): TreeNode {
  return slot < 2 ** tree.slotBits ? tree.leaf(slot) : { h: 0n, s: 0n };
}

/**
 * Every held record sits in its slot with at least its balance. Returns the records the tree contradicts (the
 * watchtower proves fraud for each of them). Records signed under another key than the one registered for t are
 * ignored (they could never convict the member) and reported in the detail.
 */
export function checkHeldRecords(
  poseidon: (xs: readonly bigint[]) => bigint,
  tree: SumTree,
  records: readonly StoredRecord[],
  registeredKeyHash: bigint,
): { check: CheckResult; ok: StoredRecord[]; mismatched: StoredRecord[] } {
  const ok: StoredRecord[] = [];
  const mismatched: StoredRecord[] = [];
  let foreign = 0;
  for (const r of records) {
    if (BigInt(r.keyHash) !== registeredKeyHash) {
      foreign++;
      continue;
    }
    if (recordHonoured(poseidon, leafAt(tree, r.slot), r)) ok.push(r);
    else mismatched.push(r);
  }
  const check: CheckResult =
    mismatched.length > 0
      ? fail(
          "held-records",
          `${mismatched.length} held record(s) contradicted by the tree (slots ${mismatched.map((r) => r.slot).join(", ")})`,
        )
      : pass("held-records", undefined, `${ok.length} record(s) in their slots, ${foreign} under another key`);
  return { check, ok, mismatched };
}

/** The path of any slot `< 2^D`: the tree's proof inside its slot space, empty subtrees up to the slot space beyond. */
export function slotPathOf(
  poseidon: (xs: readonly bigint[]) => bigint,
  tree: SumTree,
  slot: number,
): { leaf: TreeNode; siblings: TreeNode[] } {
  if (slot < 2 ** tree.slotBits) {
    const p = tree.proof(slot);
    return { leaf: p.leaf, siblings: p.siblings };
  }
  const empties = emptySubtrees(poseidon, tree.depth);
  const p0 = tree.proof(0);
  const left: TreeNode[] = [p0.leaf];
  p0.siblings.forEach((sib, k) => left.push(hashNode(poseidon, left[k], sib)));
  const s = BigInt(slot);
  const siblings = empties.slice(0, tree.depth).map((e, k) => (s >> BigInt(k) === 1n ? left[k] : e));
  return { leaf: { h: 0n, s: 0n }, siblings };
}
