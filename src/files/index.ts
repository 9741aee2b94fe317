// Writing a file so that no reader ever sees half of it: a temporary sibling is written and fsynced, then moved into
// place in one step, over an existing file only when asked (a rename), else with a hard link that fails if the file
// exists, so two writers never both "create" it.
import { randomBytes } from "node:crypto";
import { link, open, rename, rm } from "node:fs/promises";

/** Options of {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** Replace an existing file (default: refuse, with an EEXIST error). */
  overwrite?: boolean;
  /** The file's mode (default 0o644). */
  mode?: number;
}

/**
 * Writes `text` to `path` atomically. Without `overwrite`, an existing `path` is left alone and the error thrown has
 * code `EEXIST` (callers word it); any other failure is the file system's error. The temporary file never remains.
 */
export async function writeFileAtomic(path: string, text: string, o: AtomicWriteOptions = {}): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    const fh = await open(tmp, "wx", o.mode ?? 0o644);
    try {
      await fh.writeFile(text);
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (o.overwrite === true) await rename(tmp, path);
    else await link(tmp, path);
  } finally {
    await rm(tmp, { force: true });
  }
}

/** Whether an error is the file system's "already exists". */
export function isFileExists(e: unknown): boolean {
  return (e as NodeJS.ErrnoException | undefined)?.code === "EEXIST";
}
