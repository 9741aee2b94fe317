// Record files on disk: everything of src/records/record-file.ts (format, parsing, the checks) plus reading a file.
import { readFile } from "node:fs/promises";

import { parseRecordFile, type RecordFile } from "./record-file.js";

export * from "./record-file.js";

/** Reads a record file from disk. */
export async function readRecordFile(path: string): Promise<RecordFile> {
  return parseRecordFile(await readFile(path, "utf8"), path);
}
