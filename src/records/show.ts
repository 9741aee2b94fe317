// Reading what a record says: a user's record file (`por.record` v2) or a forwarded record
// (`por.forwarded-record` v2), told apart by their format field, as one flat list of named values (for a summary, or
// one value for a script). Reading checks the format's schema only: `record verify` and the verifier service check
// signatures, keys and trees.
import { readFile } from "node:fs/promises";

import type { PoseidonLike } from "../crypto/index.js";
import { InputError, zodIssue } from "../ledger/index.js";
import {
  FORWARDED_FORMAT,
  forwardedRecordSchema,
  parseForwarded,
  type ForwardedRecord,
} from "../verifier-service/forwarded.js";
import { RECORD_FILE_FORMAT, parseRecordFile, type RecordFile } from "./file.js";
import { recordMessage, recordNullifier } from "./index.js";

/** A record file or a forwarded record. */
export type RecordDocument =
  { format: typeof RECORD_FILE_FORMAT; file: RecordFile } | { format: typeof FORWARDED_FORMAT; file: ForwardedRecord };

/** Reads a record file or a forwarded record; errors name the file (and the field). */
export async function readRecordDocument(path: string): Promise<RecordDocument> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new InputError(path, undefined, undefined, `not readable (${(e as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(path, undefined, undefined, `not valid JSON (${(e as Error).message})`);
  }
  const format = typeof json === "object" && json !== null ? (json as { format?: unknown }).format : undefined;
  if (format === RECORD_FILE_FORMAT) return { format, file: parseRecordFile(text, path) };
  if (format === FORWARDED_FORMAT) {
    const r = forwardedRecordSchema.safeParse(json);
    if (!r.success) {
      const { field, reason } = zodIssue(r.error);
      throw new InputError(path, undefined, field, reason);
    }
    return { format, file: r.data };
  }
  throw new InputError(
    path,
    undefined,
    "format",
    `must be "${RECORD_FILE_FORMAT}" or "${FORWARDED_FORMAT}", got ${JSON.stringify(format ?? null)}`,
  );
}

/** A named value of a record: a decimal string, a number (asset, slot), an address, or null (no payout). */
export type RecordValue = string | number | null;

/** The values a forwarded record carries neither of: computed from the record with Poseidon. */
export const COMPUTED_VALUES = ["message", "nullifier"] as const;

/**
 * The values of a record document, by name: the record's fields (`member`, `asset`, `t`, `slot`, `accountKey`,
 * `balance`, `payoutHash`), its `message` and `nullifier` (a record file's own; for a forwarded record, which carries
 * neither, computed with `poseidon`, and left out without it), and for a record file also `accountId`,
 * `assetSymbol`, `payout` (the address restitution is paid to, null when none is registered), `keyHash`, `rootHash`
 * and `rootSum`.
 */
export function recordValues(doc: RecordDocument, poseidon?: PoseidonLike): Record<string, RecordValue> {
  const { member, asset, t, slot, accountKey, balance, payoutHash } = doc.file.record;
  const common = { format: doc.format, member, asset, t, slot, accountKey, balance, payoutHash };
  if (doc.format === FORWARDED_FORMAT) {
    if (poseidon === undefined) return common;
    const message = recordMessage(poseidon, parseForwarded(doc.file).record);
    return { ...common, message: message.toString(), nullifier: recordNullifier(poseidon, message).toString() };
  }
  const f = doc.file;
  return {
    ...common,
    message: f.message,
    nullifier: f.nullifier,
    accountId: f.accountId,
    assetSymbol: f.assetSymbol,
    payout: f.payout?.address ?? null,
    keyHash: f.recordKey.keyHash,
    rootHash: f.tree.rootHash,
    rootSum: f.tree.rootSum,
  };
}
