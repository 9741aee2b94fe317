// Validation of forwarded records (docs/protocol.md "Verifier service"): schema and ranges; t strictly in the past
// and the record key in the prime-order subgroup; the EdDSA-Poseidon signature on the record message v2; then against
// the chain (member known, a key registered for the member at t that hashes from the record key, optionally a
// committed set). Nothing is stored unless every check passes. The work per request is bounded: copies are checked
// once, signatures are verified on worker threads before any per-record chain lookup (a forged batch costs no RPC
// call per record), and the chain loop yields to the event loop.
import { setImmediate as yieldToLoop } from "node:timers/promises";

import {
  NULLIFIER_DOMAIN,
  WEAK_KEY_REASON,
  isInPrimeSubgroup,
  readLE32,
  writeLE32,
  type Crypto,
} from "../crypto/index.js";
import { RECORD_MESSAGE_ARITY, recordKeyHash, recordMessageInputs } from "../records/index.js";
import type { ChainView } from "./chain.js";
import {
  forwardedRecordSchema,
  memberAddress,
  parseForwarded,
  quickForwarded,
  rememberMember,
  type ForwardedRecord,
} from "./forwarded.js";
import type { StoredRecord } from "./store.js";

/** A refusal the HTTP API turns into a 4xx (or 503 when the chain is unreachable). */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Where in the request: e.g. `records[3].record.balance`. */
    readonly where?: string,
    /** Extra response headers (e.g. Retry-After). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Records checked against the chain between two yields to the event loop. */
const YIELD_EVERY = 16;

/** A valid request: the rows to store (one per nullifier) and the nullifier of every item, in order. */
export interface ValidatedBatch {
  rows: StoredRecord[];
  nullifiers: string[];
}

/** Options of {@link RecordValidator}. */
export interface ValidatorOptions {
  /** Refuse records whose (member, t) has no committed set on-chain (default false: t in the past suffices). */
  requireCommitted?: boolean;
}

/** Validates forwarded records and turns them into rows to store. */
export class RecordValidator {
  /** Signatures checked so far (copies within a batch are checked once). */
  signaturesChecked = 0;

  constructor(
    private readonly crypto: Crypto,
    private readonly chain: ChainView,
    private readonly options: ValidatorOptions = {},
  ) {}

  /**
   * Validates every item (JSON values); throws the first {@link ApiError} (its `where` names `prefix[i]...`).
   * @param prefix how items are named in errors (`records` for a batch, `` for a single record).
   */
  async validate(items: readonly unknown[], prefix: string, receivedAt: number): Promise<ValidatedBatch> {
    const at = (i: number, field?: string) =>
      [prefix === "" ? "" : `${prefix}[${i}]`, field ?? ""].filter((s) => s !== "").join(".") || "(body)";
    // Cheap work first, on every item: schema, the record message and its nullifier. Copies of one forwarded record
    // (same nullifier, signature and key) are checked once: a batch of 499 copies costs one signature check.
    // The messages and nullifiers of the whole batch are two batch hashes (the addon's kernel, or the JS workers).
    const parsed: ReturnType<typeof parseForwarded>[] = [];
    // The schema-valid JSON of each item: its decimal strings are canonical (no leading zeros), so they are the
    // numbers' own toString() and the rows and cache keys reuse them.
    const raws: ForwardedRecord[] = [];
    for (const [i, item] of items.entries()) {
      // The hand-written check accepts only what the schema accepts; anything else goes to the schema, which names
      // the error exactly as before.
      const quick = quickForwarded(item);
      if (quick !== undefined) {
        parsed.push(parseForwarded(quick));
        raws.push(quick);
        continue;
      }
      const r = forwardedRecordSchema.safeParse(item);
      if (!r.success) {
        const issue = r.error.issues[0];
        throw new ApiError(400, "schema", issue.message, at(i, issue.path.map(String).join(".")));
      }
      rememberMember(r.data.record.member);
      parsed.push(parseForwarded(r.data));
      raws.push(r.data);
    }
    const { messages, nullifiers: nullifierValues } = await this.messagesOf(parsed);
    const seen = new Set<string>();
    const nullifiers: string[] = [];
    const unique: {
      i: number;
      p: ReturnType<typeof parseForwarded>;
      raw: ForwardedRecord;
      message: bigint;
      nullifier: bigint;
      nf: string;
    }[] = [];
    for (const [i, p] of parsed.entries()) {
      const message = messages[i];
      const nullifier = nullifierValues[i];
      const nf = nullifier.toString();
      nullifiers.push(nf);
      const { signature: s, recordKey: k } = raws[i];
      const copy = `${nf}:${s.R8x}:${s.R8y}:${s.S}:${k.Ax}:${k.Ay}`;
      if (seen.has(copy)) continue;
      seen.add(copy);
      unique.push({ i, p, raw: raws[i], message, nullifier, nf });
    }
    // Then the checks that need no chain: t in the past (one cached read of the head), a key of the prime-order
    // subgroup, and the signatures, off the event loop (the crypto backend's worker threads). Only records that a
    // record key really signed reach the chain lookups, so a batch of forged records costs no RPC call per record.
    const now = await this.chainCall(() => this.chain.now());
    for (const { i, p, raw } of unique) {
      if (p.record.t >= BigInt(now)) {
        throw new ApiError(
          422,
          "snapshot_not_past",
          `t = ${p.record.t} is not in the past (chain time ${now})`,
          at(i, "record.t"),
        );
      }
      if (!this.inSubgroup(p.recordKey, raw)) {
        throw new ApiError(
          422,
          "weak_key",
          `the ${WEAK_KEY_REASON}: anyone can sign under it, so its records prove nothing`,
          at(i, "recordKey"),
        );
      }
    }
    const valid = await this.crypto.verifyMany(
      unique.map(({ p, message }) => ({ message, signature: p.signature, publicKey: p.recordKey })),
    );
    this.signaturesChecked += unique.length;
    const bad = valid.indexOf(false);
    if (bad !== -1) {
      throw new ApiError(
        422,
        "bad_signature",
        "the signature does not verify for this record and key",
        at(unique[bad].i, "signature"),
      );
    }
    // Last, the chain: the member, its key registered at t, and (if required) its committed set.
    const rows: StoredRecord[] = [];
    for (const [n, { i, p, raw, message, nf }] of unique.entries()) {
      if (n > 0 && n % YIELD_EVERY === 0) await yieldToLoop(); // cached chain answers resolve without a macrotask
      const { record: rec } = p;
      const member = memberAddress(rec.member);
      const t = Number(rec.t);
      const status = await this.chainCall(() => this.chain.memberStatus(member));
      if (status === 0)
        throw new ApiError(422, "unknown_member", `${member} is not a consortium member`, at(i, "record.member"));
      const registered = await this.chainCall(() => this.chain.keyHashAt(member, t));
      if (registered === null) {
        throw new ApiError(422, "no_key_at_t", `${member} had no record key registered at t = ${t}`, at(i, "record.t"));
      }
      const keyHash = this.keyHashOf(p.recordKey, raw);
      if (keyHash !== registered) {
        throw new ApiError(
          422,
          "wrong_key",
          `the record key is not the key ${member} registered for t = ${t}`,
          at(i, "recordKey"),
        );
      }
      if (this.options.requireCommitted === true && !(await this.chainCall(() => this.chain.setCommitted(member, t)))) {
        throw new ApiError(422, "snapshot_not_committed", `${member} committed no set for t = ${t}`, at(i, "record.t"));
      }
      rows.push({
        nullifier: nf,
        member,
        asset: rec.asset,
        t,
        slot: rec.slot,
        accountKey: raw.record.accountKey,
        balance: raw.record.balance,
        payoutHash: raw.record.payoutHash,
        message: message.toString(),
        r8x: raw.signature.R8x,
        r8y: raw.signature.R8y,
        s: raw.signature.S,
        ax: raw.recordKey.Ax,
        ay: raw.recordKey.Ay,
        keyHash: keyHash.toString(),
        receivedAt,
        checkedAt: null,
        checkResult: null,
      });
    }
    // One row per nullifier: two different valid signatures of one record are the same record.
    const byNullifier = new Map(rows.map((r) => [r.nullifier, r]));
    return { rows: [...byNullifier.values()], nullifiers };
  }

  private readonly keyHashes = new Map<string, bigint>();
  private readonly subgroupChecks = new Map<string, boolean>();

  /** isInPrimeSubgroup of a key, remembered per key (a pure function of it: a weak key stays refused). */
  private inSubgroup(key: readonly [bigint, bigint], raw: ForwardedRecord): boolean {
    const id = `${raw.recordKey.Ax},${raw.recordKey.Ay}`;
    let ok = this.subgroupChecks.get(id);
    if (ok === undefined) {
      ok = isInPrimeSubgroup(key as [bigint, bigint]);
      if (this.subgroupChecks.size >= 1024) this.subgroupChecks.clear();
      this.subgroupChecks.set(id, ok);
    }
    return ok;
  }

  /** recordKeyHash of a key, remembered (a member signs every record of a snapshot with one key). */
  private keyHashOf(key: readonly [bigint, bigint], raw: ForwardedRecord): bigint {
    const id = `${raw.recordKey.Ax},${raw.recordKey.Ay}`;
    let h = this.keyHashes.get(id);
    if (h === undefined) {
      h = recordKeyHash((x) => this.crypto.poseidon(x), key[0], key[1]);
      if (this.keyHashes.size >= 1024) this.keyHashes.clear();
      this.keyHashes.set(id, h);
    }
    return h;
  }

  /** Record messages v2 and their nullifiers, as recordMessage and recordNullifier compute them, in two batches. */
  private async messagesOf(
    parsed: readonly ReturnType<typeof parseForwarded>[],
  ): Promise<{ messages: bigint[]; nullifiers: bigint[] }> {
    const n = parsed.length;
    const unit = RECORD_MESSAGE_ARITY * 32;
    const input = new Uint8Array(n * unit);
    parsed.forEach((p, i) => recordMessageInputs(p.record).forEach((v, j) => writeLE32(input, i * unit + j * 32, v)));
    const m = n === 0 ? new Uint8Array(0) : await this.crypto.poseidonMany(RECORD_MESSAGE_ARITY, input);
    const pairs = new Uint8Array(n * 64);
    for (let i = 0; i < n; i++) {
      writeLE32(pairs, i * 64, NULLIFIER_DOMAIN);
      pairs.set(m.subarray(i * 32, i * 32 + 32), i * 64 + 32);
    }
    const nf = n === 0 ? new Uint8Array(0) : await this.crypto.poseidonMany(2, pairs);
    const messages: bigint[] = [];
    const nullifiers: bigint[] = [];
    for (let i = 0; i < n; i++) {
      messages.push(readLE32(m, i * 32));
      nullifiers.push(readLE32(nf, i * 32));
    }
    return { messages, nullifiers };
  }

  /** A chain call whose failure (after its retries) is the service's fault: 503, never 4xx. */
  private async chainCall<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw new ApiError(
        503,
        "chain_unavailable",
        `the chain could not be read: ${(e as Error).message.slice(0, 200)}`,
      );
    }
  }
}
