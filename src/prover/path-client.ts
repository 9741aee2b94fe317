// The user's side of the private-set path endpoint (src/node/path-server.ts, docs/protocol.md section 17.6): sends the
// record as forwarded (`por.forwarded-record` v2: no account id, salt or payout opening) to a recipient operator's
// node (`POST <url>/path`), parses the answer (`por.private-slot-path` v1) and checks it before anything is proven:
// it is about the record's member, asset, t and slot, and it hashes up to the root hash the ledger holds for that
// commitment. An operator that answers a forged path is refused by name; the user needs the operator's liveness only.
import type { Provider } from "ethers";

import { committedSet } from "../consortium/published.js";
import type { RecordFile } from "../records/record-file.js";
import { forwardedFromRecordFile } from "../verifier-service/forwarded.js";
import { loadProverCrypto } from "./crypto.js";
import { parsePrivateSlotPathFile, type PrivateSlotPathFile } from "./files.js";
import { pathNodes, type SlotPath } from "./statement.js";

/** The path endpoint refused the request (its HTTP status and error code, as the server named them). */
export class PathRefusedError extends Error {
  override name = "PathRefusedError";
  constructor(
    readonly url: string,
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${url} refused the path request (${status} ${code}): ${message}`);
  }
}

/** The operator's answer does not hold up against the record or the chain: never proven with. */
export class ForgedPathError extends Error {
  override name = "ForgedPathError";
}

/** Options of {@link fetchPrivateSlotPath}. */
export interface FetchPathOptions {
  /** Deadline of the request, ms (default 30 s). */
  timeoutMs?: number;
}

/**
 * Asks the operator node at `url` (its path endpoint's base URL) for the committed path at the slot of `record`.
 * Throws {@link PathRefusedError} for a refusal, a plain Error naming the URL when it does not answer or answers
 * something that is not a `por.private-slot-path` v1 document.
 */
export async function fetchPrivateSlotPath(
  url: string,
  record: RecordFile,
  options: FetchPathOptions = {},
): Promise<{ file: PrivateSlotPathFile; path: SlotPath; rootHash: bigint }> {
  const endpoint = `${url.replace(/\/+$/, "")}/path`;
  let res: Response;
  try {
    res = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(forwardedFromRecordFile(record)),
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
  } catch (e) {
    throw new Error(`${endpoint} did not answer: ${(e as Error).message}`, { cause: e });
  }
  const text = await res.text();
  if (res.status !== 200) {
    let error: { code?: unknown; message?: unknown } = {};
    try {
      error = (JSON.parse(text) as { error?: typeof error }).error ?? {};
    } catch {
      // not JSON: the status alone
    }
    throw new PathRefusedError(
      endpoint,
      res.status,
      typeof error.code === "string" ? error.code : "error",
      typeof error.message === "string" ? error.message : text.slice(0, 200),
    );
  }
  return parsePrivateSlotPathFile(text, `the answer of ${endpoint}`);
}

/**
 * Checks an operator's path against the record and the chain: the same member, asset, t and slot as the record; the
 * root hash it states is the one committed for (member, asset, t); its leaf and siblings hash up to that root.
 * Returns the committed root hash. Throws {@link ForgedPathError} naming the operator and `source` otherwise.
 */
export async function checkPrivateSlotPath(
  provider: Provider,
  ledger: string,
  record: RecordFile,
  answer: { file: PrivateSlotPathFile; path: SlotPath; rootHash: bigint },
  source: string,
): Promise<bigint> {
  const f = answer.file;
  const who = `the path from operator ${f.operator} (${source})`;
  const r = record.record;
  if (f.member.toLowerCase() !== r.member.toLowerCase() || f.asset !== r.asset || f.t !== r.t || f.slot !== r.slot) {
    throw new ForgedPathError(
      `${who} is for member ${f.member}, asset ${f.asset}, t ${f.t}, slot ${f.slot}; the record is for member ` +
        `${r.member}, asset ${r.asset}, t ${r.t}, slot ${r.slot}: refused`,
    );
  }
  const set = await committedSet(provider, ledger, r.member, BigInt(r.t));
  const c = set.commitments.find((x) => x.asset === r.asset);
  if (c === undefined) throw new Error(`member ${r.member} committed no root for asset ${r.asset} at t ${r.t}`);
  if (answer.rootHash !== c.rootHash) {
    throw new ForgedPathError(
      `${who} states root hash ${answer.rootHash}, but the ledger holds ${c.rootHash} for this commitment: refused`,
    );
  }
  const crypto = await loadProverCrypto();
  const nodes = pathNodes(crypto, BigInt(r.slot), answer.path);
  const top = nodes[nodes.length - 1];
  if (top.h !== c.rootHash) {
    throw new ForgedPathError(
      `${who} hashes up to ${top.h}, not the committed root hash ${c.rootHash}: the operator answered a forged ` +
        "path: refused (ask another recipient operator)",
    );
  }
  return c.rootHash;
}
