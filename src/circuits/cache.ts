// Content-addressed cache for circuit artifacts (r1cs, wasm, ptau, zkeys), kept outside git.
//
// Every artifact lives under a directory named by the hash of everything it was made from, so a second
// run with the same inputs finds it and does nothing, and a changed input can never be served a stale
// artifact. Writes go to a temporary directory that is renamed into place, so an interrupted run leaves
// no half-written entry. A directory lock keeps two processes from building the same entry at once.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";

/** Root of the artifact cache: `$POR_CACHE_DIR`, else `$XDG_CACHE_HOME/por-consortium`, else `~/.cache/por-consortium`. */
export function cacheRoot(): string {
  if (process.env.POR_CACHE_DIR) return process.env.POR_CACHE_DIR;
  const base = process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache");
  return join(base, "por-consortium");
}

/** sha256 over a list of parts, each length-prefixed so that no two lists collide. */
export function hashParts(parts: Array<string | Uint8Array>): string {
  const h = createHash("sha256");
  for (const part of parts) {
    const bytes = typeof part === "string" ? Buffer.from(part, "utf8") : part;
    h.update(`${bytes.length}:`);
    h.update(bytes);
  }
  return h.digest("hex");
}

export async function sha256File(path: string): Promise<string> {
  return createHash("sha256")
    .update(await readFile(path))
    .digest("hex");
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Runs `fn` holding an exclusive lock on `dir` (a sibling `<dir>.lock` directory); clears locks of dead processes. */
async function withLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${dir}.lock`;
  for (;;) {
    try {
      await mkdir(lock);
      await writeFile(join(lock, "pid"), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const pid = Number(await readFile(join(lock, "pid"), "utf8").catch(() => "0"));
      if (pid > 0 && !pidAlive(pid)) {
        await rm(lock, { recursive: true, force: true });
        continue;
      }
      await sleep(500);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/**
 * Returns the cache entry `<root>/<kind>/<key>`, building it with `build(tmpDir)` if it is missing.
 * `build` writes its files into `tmpDir`; the directory is renamed into place only when `build` succeeds.
 * Returns the entry's path and whether it was a cache hit.
 */
export async function cached(
  kind: string,
  key: string,
  build: (tmpDir: string) => Promise<void>,
): Promise<{ dir: string; hit: boolean }> {
  const dir = join(cacheRoot(), kind, key);
  if (existsSync(join(dir, ".complete"))) return { dir, hit: true };
  await mkdir(join(cacheRoot(), kind), { recursive: true });
  return withLock(dir, async () => {
    if (existsSync(join(dir, ".complete"))) return { dir, hit: true };
    const tmp = `${dir}.tmp-${process.pid}`;
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp, { recursive: true });
    try {
      await build(tmp);
      await writeFile(join(tmp, ".complete"), new Date().toISOString());
      await rm(dir, { recursive: true, force: true });
      await rename(tmp, dir);
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      throw err;
    }
    return { dir, hit: false };
  });
}

/** Writes a file atomically: a temporary sibling renamed over the target. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}
