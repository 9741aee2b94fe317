// Finding a user's record file in a snapshot directory: `records/<asset>/<keyed hash>.json` names no account (the
// file names are keyed hashes), so the record of an account is the one whose `accountId` field says so.
import { readFile, readdir, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

import { parseRecordFile, type RecordFile } from "./file.js";
import { recordsDirOf } from "./index.js";

/** A record file found for an account. */
export interface FoundRecord {
  /** Its path (under the snapshot directory as given). */
  file: string;
  record: RecordFile;
}

/** The snapshot directory of `path`: the path itself, or the directory of a snapshot's summary.json. */
async function snapshotDirOf(path: string): Promise<string> {
  const s = await stat(path).catch(() => undefined);
  if (s === undefined) throw new Error(`${path}: no such snapshot directory`);
  return s.isDirectory() ? path : dirname(path);
}

/** The asset directories under `<snapshot>/records`, by asset id. */
async function assetDirs(recordsDir: string): Promise<number[]> {
  let names: string[];
  try {
    names = await readdir(recordsDir);
  } catch {
    throw new Error(
      `${recordsDir}: no records directory (not a snapshot directory, or taken without --record-files: ` +
        "`records export` produces a record file from the snapshot's records bundles)",
    );
  }
  return names
    .filter((n) => /^(0|[1-9][0-9]*)$/.test(n))
    .map(Number)
    .sort((a, b) => a - b);
}

/**
 * Every record file of account `accountId` in a snapshot (its directory or its summary.json), in every asset or only
 * in `asset`; matches are checked as record files (errors name the file and the field). Errors name the directory.
 */
export async function findRecordFiles(
  snapshot: string,
  accountId: string,
  asset?: number,
): Promise<{ recordsDir: string; found: FoundRecord[] }> {
  const recordsDir = recordsDirOf(await snapshotDirOf(snapshot));
  const assets = await assetDirs(recordsDir);
  if (asset !== undefined && !assets.includes(asset)) {
    throw new Error(`${recordsDir}: no records of asset ${asset} (assets here: ${assets.join(", ") || "none"})`);
  }
  const found: FoundRecord[] = [];
  for (const id of asset === undefined ? assets : [asset]) {
    const dir = join(recordsDir, String(id));
    for (const name of (await readdir(dir)).filter((n) => n.endsWith(".json")).sort()) {
      const file = join(dir, name);
      const text = await readFile(file, "utf8");
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
      }
      if ((json as { accountId?: unknown } | null)?.accountId !== accountId) continue;
      found.push({ file, record: parseRecordFile(text, file) });
    }
  }
  return { recordsDir, found };
}

/** The one record file of an account: an error naming the directory when there is none, or several. */
export async function findRecordFile(snapshot: string, accountId: string, asset?: number): Promise<FoundRecord> {
  const { recordsDir: where, found } = await findRecordFiles(snapshot, accountId, asset);
  const scope = asset === undefined ? "" : ` of asset ${asset}`;
  if (found.length === 0) throw new Error(`no record${scope} of account "${accountId}" in ${where}`);
  if (found.length > 1) {
    const list = found.map((f) => `${basename(f.file)} (asset ${f.record.record.asset})`).join(", ");
    throw new Error(
      `${found.length} records${scope} of account "${accountId}" in ${where}: ${list}` +
        (asset === undefined ? "; pass --asset <id>" : ""),
    );
  }
  return found[0];
}
