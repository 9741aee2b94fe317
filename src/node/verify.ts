// Verification of one attestation subject (a commitment set, or an answered request): every asset's blob through
// the named checks of checks.ts, the watchtower's held-record check, and the resulting verdict.
import { Contract, ZeroAddress, getAddress, hexlify, type Provider } from "ethers";

import { unlessReverts } from "../chain/rpc.js";

import { BlobNotFoundError, blobDigest } from "../blobstore/index.js";
import { Verdict, type AssetCommitment } from "../consortium/attestation.js";
import { NoCommittedSetError, committedSet, type PrivateAssetRecord } from "../consortium/published.js";
import { isInPrimeSubgroup, type Crypto } from "../crypto/index.js";
import { CONSORTIUM_REGISTRY_ABI } from "../generated/abi.js";
import { SumTree, leafSetFrom } from "../tree/index.js";
import type { StoredRecord } from "../verifier-service/store.js";
import type { BlobSource } from "./blobs.js";
import {
  checkBalances,
  checkBlobDigest,
  checkBlobFormat,
  checkCommittedReserves,
  checkHeldRecords,
  checkLeaves,
  checkOwnershipSignatures,
  checkPoaBinding,
  checkRecordKey,
  checkRegistrations,
  checkSnapshotBlock,
  checkSolvency,
  type AssetContext,
  type CheckResult,
} from "./checks.js";
import type { HeldRecords } from "./records.js";
import { withRetry } from "../chain/retry.js";
import type { Logger } from "../log/index.js";
import {
  checkPrivateBlobOpens,
  checkPrivateBlobRecipients,
  checkPrivateLiabilities,
  checkPrivateOpenings,
  checkPrivateReserves,
} from "../private/check.js";
import type { BlobRecipient, EncryptionKeyPair, PrivateBlobContext } from "../private/blob.js";
import type { PrivateOpenings } from "../private/pedersen.js";
import { blobRecipientsAt, encryptionKeyAt } from "../private/recipients.js";

/** Deployment addresses the node reads. */
export interface NodeAddresses {
  ledger: string;
  registry: string;
  reserveRegistry: string;
  adjudicator: string;
}

/** What verification needs. */
export interface VerifyDeps {
  provider: Provider;
  chainId: bigint;
  addresses: NodeAddresses;
  crypto: Crypto;
  blobs: BlobSource;
  held?: HeldRecords;
  /** Tree depth the fraud circuit proves (32 in production). */
  depth: number;
  log: Logger;
  /**
   * The operator's address and X25519 key pairs (POR_ENCRYPTION_KEY, POR_PREVIOUS_ENCRYPTION_KEYS), which open
   * private blobs; without them the node verifies no private set (PrivateSetNotVerified: postponed, never signed).
   */
  privateKeys?: PrivateKeys;
}

/** The operator's address and its X25519 key pairs: the current one and those it held before (key rotation). */
export interface PrivateKeys {
  operator: string;
  /** The key pair of POR_ENCRYPTION_KEY (the one the operator registered last). */
  encryptionKey: EncryptionKeyPair;
  /**
   * Earlier key pairs (POR_PREVIOUS_ENCRYPTION_KEYS), kept after a rotation: a blob of t is opened with the key the
   * registry held for the operator at t (`encryptionKeyAt(operator, t)`), whichever of these it is.
   */
  previousKeys?: readonly EncryptionKeyPair[];
}

/** The key that opens the blobs of a private set at t, or why nobody can (no operator had a key in force at t). */
export type PrivateKeyAt =
  { operator: string; encryptionKey: EncryptionKeyPair; recipients: BlobRecipient[] } | { noRecipients: string };

/** One subject to verify. */
export interface Subject {
  kind: "set" | "request";
  member: string;
  t: bigint;
  requestId: bigint;
}

/** A tree whose held records it contradicts (the empty tree for an asset the set leaves out). */
export interface Contradiction {
  asset: number;
  /** The committed root hash, or the empty tree's root when the set has no entry for the asset. */
  rootHash: bigint;
  tree: SumTree;
  records: StoredRecord[];
  /** The member's whole commitment set at t, as committed (the Adjudicator takes it with the proof). */
  set: AssetCommitment[];
}

/** The outcome of verifying one subject. */
export interface SubjectVerification {
  verdict: Verdict.Solvent | Verdict.Insolvent;
  rootsDigest: string;
  blobDigest: string;
  commitments: AssetCommitment[];
  checks: Array<CheckResult<unknown> & { asset: number }>;
  /** Failure reasons (empty when solvent). */
  reasons: string[];
  contradictions: Contradiction[];
  /** Held records that sit in their slots, by asset. */
  honoured: StoredRecord[];
}

/** Raised when a blob is not available yet: the caller retries later. */
export class BlobUnavailable extends Error {
  override name = "BlobUnavailable";
}

/**
 * Thrown by {@link verifySubject} for a private set (docs/protocol.md section 17.6) this node cannot judge: it has no
 * encryption key configured, the registry holds none of its keys in force at t while other operators had one (it is
 * no recipient), or none of the configured keys (current and previous) is the registered one. The job is postponed,
 * never signed: none of these is the member's fault. (A t with no recipients at all is voted Insolvent instead.)
 */
export class PrivateSetNotVerified extends Error {
  override name = "PrivateSetNotVerified";
}

/** Verifies a subject: every check on every asset. Throws {@link BlobUnavailable} when a blob cannot be fetched yet. */
export async function verifySubject(
  deps: VerifyDeps,
  s: Subject,
  options: { blobUnavailableIsFailure?: boolean } = {},
): Promise<SubjectVerification> {
  const { provider, addresses } = deps;
  const rpc = <T>(what: string, fn: () => Promise<T>) => withRetry(fn, { log: deps.log, what });
  const registry = new Contract(addresses.registry, CONSORTIUM_REGISTRY_ABI, provider);

  // The RootCommitted events, checked against the digest the ledger stores (throws on a mismatch).
  const {
    commitments,
    rootsDigest: rd,
    blobDigest: bd,
    isPrivate,
    privateAssets,
  } = await rpc("commitment set", () => committedSet(provider, addresses.ledger, s.member, s.t));
  const privateKey = isPrivate ? await privateKeyFor(deps, registry, s.member, s.t) : undefined;
  const keyHash = await keyHashAt(deps, registry, s.member, s.t);

  const checks: SubjectVerification["checks"] = [];
  const contradictions: Contradiction[] = [];
  const honoured: StoredRecord[] = [];
  const record = <T>(asset: number, c: CheckResult<T>): c is CheckResult<T> & { ok: true } => {
    checks.push({ ...(c as CheckResult<unknown>), asset });
    return c.ok;
  };

  // The registered key valid at t must be usable (it hashes to its key hash and is of prime order): a set under a
  // weak key cannot be held to its records.
  if (commitments.length > 0) {
    const key = await registeredKey(deps, registry, s.member, keyHash);
    record(
      commitments[0].asset,
      checkRecordKey(
        (xs) => deps.crypto.poseidon(xs),
        (x, y) => isInPrimeSubgroup([x, y]),
        key,
      ),
    );
  }

  for (const [i, c] of commitments.entries()) {
    // A private asset (committedSet checked its PrivateRootCommitted record against the entry, index by index):
    // its blob is found by the real digest, and its sums are the commitments' openings.
    const priv = isPrivate ? privateAssets[i] : undefined;
    const ctx = assetContext(deps, s, c, priv);
    if (priv !== undefined && privateKey !== undefined && "noRecipients" in privateKey) {
      // Nobody could open the blob at t: the member committed a private set no operator can check.
      record(c.asset, { name: "private-blob", ok: false, reason: privateKey.noRecipients });
      continue;
    }
    let bytes: Uint8Array;
    try {
      bytes = await deps.blobs.fetch(ctx.blobDigest, { member: ctx.member, t: s.t, asset: c.asset });
    } catch (e) {
      if (!(e instanceof BlobNotFoundError)) throw e;
      if (options.blobUnavailableIsFailure !== true) throw new BlobUnavailable(`asset ${c.asset}: ${e.message}`);
      record(c.asset, { name: "blob-available", ok: false, reason: e.message });
      continue;
    }
    if (!record(c.asset, checkBlobDigest(bytes, ctx.blobDigest, blobDigest))) continue;
    let openings: PrivateOpenings | undefined;
    // A private asset's commitments open to the blob's openings (else the sums below mean nothing; the tree and the
    // held records are still checked).
    let opensOk = true;
    if (priv !== undefined && privateKey !== undefined && !("noRecipients" in privateKey)) {
      if (!record(c.asset, checkPrivateBlobRecipients(bytes, privateKey.recipients))) continue;
      const opened = checkPrivateBlobOpens(bytes, privateKey.operator, privateKey.encryptionKey, blobContext(ctx));
      if (!record(c.asset, opened)) continue;
      openings = opened.value.openings;
      bytes = opened.value.inner;
      opensOk = !checkPrivateOpenings(priv.commitments, openings)
        .map((x) => record(c.asset, x))
        .includes(false);
    }
    const format = checkBlobFormat(bytes);
    if (!record(c.asset, format)) continue;
    const { poa, leaves } = format.value;

    // The tree first: held records are checked even when the reserves side fails.
    const tree = await checkLeaves(deps.crypto, leaves, ctx, deps.depth);
    if (record(c.asset, tree)) {
      if (openings !== undefined && opensOk) {
        record(c.asset, checkPrivateLiabilities(tree.value.root.s, openings));
      }
      if (deps.held !== undefined) {
        const held = await deps.held.recordsFor(getAddress(s.member), c.asset, s.t);
        const h = checkHeldRecords((xs) => deps.crypto.poseidon(xs), tree.value, held, keyHash);
        record(c.asset, h.check);
        honoured.push(...h.ok);
        if (h.mismatched.length > 0) {
          contradictions.push({
            asset: c.asset,
            rootHash: c.rootHash,
            tree: tree.value,
            records: h.mismatched,
            set: commitments,
          });
        }
      }
    }

    if (!opensOk) continue;
    if (!record(c.asset, checkPoaBinding(poa, ctx))) continue;
    if (!record(c.asset, await rpc("snapshot block", () => checkSnapshotBlock(provider, poa, s.t)))) continue;
    if (!record(c.asset, await rpc("ownership", () => checkOwnershipSignatures(provider, poa)))) continue;
    if (
      !record(c.asset, await rpc("registrations", () => checkRegistrations(provider, poa, addresses.reserveRegistry)))
    ) {
      continue;
    }
    const info = (await rpc("assetInfo", () => registry.getFunction("assetInfo")(c.asset))) as { token: string };
    const balances = await rpc("balances", () => checkBalances(provider, poa, info.token ?? ZeroAddress));
    if (!record(c.asset, balances)) continue;
    if (openings !== undefined) {
      // A = the verified total; with C_A = C_L + C_S opened above, L + S = A >= L.
      record(c.asset, checkPrivateReserves(balances.value, openings));
    } else {
      record(c.asset, checkCommittedReserves(balances.value, c.reserves));
      record(c.asset, checkSolvency(balances.value, c.rootSum));
    }
  }

  // Held records of listed assets the set leaves out: the set counts as the empty tree there, so each such record
  // convicts the member (the watchtower proves it against the empty root).
  if (deps.held !== undefined) {
    for (const m of await missingAssetRecords(deps, registry, s.member, s.t, commitments, keyHash)) {
      record(m.asset, m.check);
      contradictions.push(m.contradiction);
    }
  }

  const reasons = checks
    .filter((c) => !c.ok)
    .map((c) => `asset ${c.asset}: ${c.name}: ${(c as { reason: string }).reason}`);
  return {
    verdict: reasons.length === 0 ? Verdict.Solvent : Verdict.Insolvent,
    rootsDigest: rd,
    blobDigest: bd,
    commitments,
    checks,
    reasons,
    contradictions,
    honoured,
  };
}

/** What one asset's blob is checked against: the entry, and for a private asset its real digest and no sum. */
export function assetContext(
  deps: VerifyDeps,
  s: Pick<Subject, "member" | "t" | "requestId">,
  c: AssetCommitment,
  priv: PrivateAssetRecord | undefined,
): AssetContext {
  return {
    chainId: deps.chainId,
    ledger: deps.addresses.ledger,
    reserveRegistry: deps.addresses.reserveRegistry,
    member: getAddress(s.member),
    t: s.t,
    requestId: s.requestId,
    asset: c.asset,
    rootHash: c.rootHash,
    rootSum: priv === undefined ? c.rootSum : undefined,
    reserves: c.reserves,
    blobDigest: priv === undefined ? c.blobDigest : priv.blobDigest,
  };
}

/** The context a private blob of the asset is sealed under. */
export function blobContext(ctx: AssetContext): PrivateBlobContext {
  return { chainId: ctx.chainId, ledger: ctx.ledger, member: ctx.member, asset: ctx.asset, t: ctx.t };
}

/**
 * This node's encryption key for a private set of `member` at t: the configured key pair (current or previous) whose
 * public key the registry holds for the operator at t. The registry's recipients at t are a fact of t (each holder's
 * decryption end is recorded; operators leaving later do not change them) and the ledger refuses a private set of a t
 * without recipients (CommitmentLedgerNoRecipients), so a committed set always has some; should the registry still
 * list none (a ledger or registry not enforcing this), the member committed a set nobody can check: returns
 * `noRecipients` (the node votes Insolvent on `private-blob`).
 * Throws {@link PrivateSetNotVerified} when this node alone cannot judge (no key configured, no key of its own in
 * force at t while others had one, the registered key not among the configured ones: none of it the member's fault);
 * an RPC failure is thrown after the retries (postponed).
 */
export async function privateKeyFor(
  deps: VerifyDeps,
  registry: Contract,
  member: string,
  t: bigint,
): Promise<PrivateKeyAt> {
  const keys = deps.privateKeys;
  const recipientsAt = () =>
    withRetry(() => blobRecipientsAt(deps.provider, registry.target as string, t), {
      log: deps.log,
      what: "encryptionRecipientsAt",
    });
  const noRecipients = async (): Promise<PrivateKeyAt | undefined> => {
    if ((await recipientsAt()).length > 0) return undefined;
    return {
      noRecipients:
        `no recipients at t ${t}: no co-signing operator had an encryption key in force at t ` +
        "(encryptionRecipientsAt is empty), so the member committed a private set nobody can check",
    };
  };
  if (keys === undefined) {
    const none = await noRecipients();
    if (none !== undefined) return none;
    throw new PrivateSetNotVerified(
      `the set of ${member} at t ${t} is private and this node has no encryption key (POR_ENCRYPTION_KEY): it ` +
        "signs nothing for it",
    );
  }
  const registered = await withRetry(
    () => encryptionKeyAt(deps.provider, registry.target as string, keys.operator, t),
    { log: deps.log, what: "encryptionKeyAt" },
  );
  if (registered === undefined) {
    const none = await noRecipients();
    if (none !== undefined) return none;
    throw new PrivateSetNotVerified(
      `the set of ${member} at t ${t} is private and no encryption key of ${keys.operator} is in force at t: this ` +
        "operator is no recipient of its blobs and signs nothing for it",
    );
  }
  const configured = [keys.encryptionKey, ...(keys.previousKeys ?? [])];
  const key = configured.find((k) => hexlify(k.publicKey) === hexlify(registered));
  if (key === undefined) {
    throw new PrivateSetNotVerified(
      `the configured encryption key (public ${hexlify(keys.encryptionKey.publicKey)}` +
        (configured.length > 1
          ? `; earlier: ${configured
              .slice(1)
              .map((k) => hexlify(k.publicKey))
              .join(", ")}`
          : "") +
        `) is not the one registered for ${keys.operator} at t ${t} (${hexlify(registered)}): check POR_ENCRYPTION_KEY ` +
        "and POR_PREVIOUS_ENCRYPTION_KEYS (keep an old key until no open set or request needs it)",
    );
  }
  const recipients = await recipientsAt();
  // A key of its own in force at t is not enough: an operator that could not co-sign at t is no recipient of t.
  if (!recipients.some((r) => getAddress(r.operator) === getAddress(keys.operator))) {
    throw new PrivateSetNotVerified(
      `the set of ${member} at t ${t} is private and ${keys.operator} is not among the registry's recipients at t ` +
        "(it could not co-sign then): it signs nothing for it",
    );
  }
  return { operator: keys.operator, encryptionKey: key, recipients };
}

/**
 * The hash of `member`'s record key valid at t; 0 only when the registry itself says there is none
 * (`ConsortiumRegistryNoKeyAt`). Any other failure (an RPC error, a timeout) is thrown after the retries: without the
 * key no held record can be judged, so the subject is postponed.
 */
async function keyHashAt(deps: VerifyDeps, registry: Contract, member: string, t: bigint): Promise<bigint> {
  return withRetry(
    () =>
      unlessReverts(
        () => registry.getFunction("keyHashAt")(member, t) as Promise<bigint>,
        registry.interface,
        "ConsortiumRegistryNoKeyAt",
        0n,
      ),
    { log: deps.log, what: "keyHashAt" },
  );
}

/** The registered record key of `member` whose hash is `keyHash` (undefined when none is). */
async function registeredKey(
  deps: VerifyDeps,
  registry: Contract,
  member: string,
  keyHash: bigint,
): Promise<{ keyHash: bigint; ax: bigint; ay: bigint } | undefined> {
  if (keyHash === 0n) return undefined;
  const rpc = <T>(what: string, fn: () => Promise<T>) => withRetry(fn, { log: deps.log, what });
  const count = (await rpc("keyCount", () => registry.getFunction("keyCount")(member))) as bigint;
  for (let i = count - 1n; i >= 0n; i--) {
    const k = (await rpc("keyAt", () => registry.getFunction("keyAt")(member, i))) as {
      keyHash: bigint;
      ax: bigint;
      ay: bigint;
    };
    if (k.keyHash === keyHash) return { keyHash: k.keyHash, ax: k.ax, ay: k.ay };
  }
  return undefined;
}

/** Empty trees by depth (built once each). */
const emptyTrees = new Map<number, Promise<SumTree>>();

/** The empty tree of depth `depth` (what a set that leaves an asset out commits to for it). */
function emptyTree(crypto: Crypto, depth: number): Promise<SumTree> {
  let tree = emptyTrees.get(depth);
  if (tree === undefined) {
    tree = SumTree.build(crypto, leafSetFrom([]), 0, depth);
    // A failed build is not kept: the next call builds again.
    tree.catch(() => emptyTrees.delete(depth));
    emptyTrees.set(depth, tree);
  }
  return tree;
}

/**
 * The held records, under the member's key valid at t, of listed assets that `commitments` leaves out: each is a
 * contradiction against the empty tree (whose root the Adjudicator uses for a missing asset). With `only`, that asset
 * alone.
 */
async function missingAssetRecords(
  deps: VerifyDeps,
  registry: Contract,
  member: string,
  t: bigint,
  commitments: readonly AssetCommitment[],
  keyHash: bigint,
  only?: number,
): Promise<Array<{ asset: number; check: CheckResult<unknown>; contradiction: Contradiction }>> {
  if (deps.held === undefined) return [];
  const rpc = <T>(what: string, fn: () => Promise<T>) => withRetry(fn, { log: deps.log, what });
  const listed = ((await rpc("assetIds", () => registry.getFunction("assetIds")())) as bigint[]).map(Number);
  const out: Array<{ asset: number; check: CheckResult<unknown>; contradiction: Contradiction }> = [];
  for (const asset of listed) {
    if ((only !== undefined && asset !== only) || commitments.some((c) => c.asset === asset)) continue;
    const held = (await deps.held.recordsFor(getAddress(member), asset, t)).filter(
      (r) => BigInt(r.keyHash) === keyHash,
    );
    if (held.length === 0) continue;
    const tree = await emptyTree(deps.crypto, deps.depth);
    out.push({
      asset,
      check: {
        name: "held-records",
        ok: false,
        reason:
          `${held.length} held record(s) of asset ${asset}, which the set leaves out (the empty tree, slots ` +
          `${held.map((r) => r.slot).join(", ")})`,
      },
      contradiction: { asset, rootHash: tree.root.h, tree, records: held, set: [...commitments] },
    });
  }
  return out;
}

/**
 * The held records of one committed tree `(member, asset, t)` checked on their own (records forwarded after the
 * subject was verified): fetch and check the blob, rebuild the tree, check the records. Returns undefined when the
 * tree cannot be judged yet (no committed set at t, blob unavailable) or is itself invalid (the subject's verdict
 * covers that).
 */
export async function checkHeldTree(
  deps: VerifyDeps,
  member: string,
  asset: number,
  t: bigint,
): Promise<{ honoured: StoredRecord[]; contradiction?: Contradiction } | undefined> {
  if (deps.held === undefined) return undefined;
  const rpc = <T>(what: string, fn: () => Promise<T>) => withRetry(fn, { log: deps.log, what });
  let set: Awaited<ReturnType<typeof committedSet>>;
  try {
    set = await rpc("commitment set", () => committedSet(deps.provider, deps.addresses.ledger, member, t));
  } catch (e) {
    // The member never committed that snapshot: its records are valid and expected, there is nothing to check yet.
    if (e instanceof NoCommittedSetError) return undefined;
    throw e;
  }
  const { commitments } = set;
  const index = commitments.findIndex((x) => x.asset === asset);
  if (index < 0) {
    // The set leaves the asset out: the empty tree stands for it, and every held record of it is contradicted.
    const registry = new Contract(deps.addresses.registry, CONSORTIUM_REGISTRY_ABI, deps.provider);
    const keyHash = await keyHashAt(deps, registry, member, t);
    const [m] = await missingAssetRecords(deps, registry, member, t, commitments, keyHash, asset);
    return { honoured: [], contradiction: m?.contradiction };
  }
  const c = commitments[index];
  const priv = set.isPrivate ? set.privateAssets[index] : undefined;
  const ctx = assetContext(deps, { member, t, requestId: 0n }, c, priv);
  let bytes: Uint8Array;
  try {
    bytes = await deps.blobs.fetch(ctx.blobDigest, { member: ctx.member, t, asset });
  } catch (e) {
    if (e instanceof BlobNotFoundError) return undefined;
    throw e;
  }
  if (!checkBlobDigest(bytes, ctx.blobDigest, blobDigest).ok) return undefined;
  if (priv !== undefined) {
    // A private blob this node cannot open is the subject's verdict's business (or not this node's).
    const registry = new Contract(deps.addresses.registry, CONSORTIUM_REGISTRY_ABI, deps.provider);
    const keys = await privateKeyFor(deps, registry, member, t).catch((e: unknown) => {
      if (e instanceof PrivateSetNotVerified) return undefined;
      throw e;
    });
    if (keys === undefined || "noRecipients" in keys) return undefined;
    const opened = checkPrivateBlobOpens(bytes, keys.operator, keys.encryptionKey, blobContext(ctx));
    if (!opened.ok) return undefined;
    bytes = opened.value.inner;
  }
  const format = checkBlobFormat(bytes);
  if (!format.ok) return undefined;
  const tree = await checkLeaves(deps.crypto, format.value.leaves, ctx, deps.depth);
  if (!tree.ok) return undefined;
  const registry = new Contract(deps.addresses.registry, CONSORTIUM_REGISTRY_ABI, deps.provider);
  const keyHash = await keyHashAt(deps, registry, member, t);
  const held = await deps.held.recordsFor(getAddress(member), asset, t);
  const h = checkHeldRecords((xs) => deps.crypto.poseidon(xs), tree.value, held, keyHash);
  return {
    honoured: h.ok,
    contradiction:
      h.mismatched.length > 0
        ? { asset, rootHash: c.rootHash, tree: tree.value, records: h.mismatched, set: commitments }
        : undefined,
  };
}
