// Durable commits without an fsync on the event loop. node:sqlite is synchronous: with `synchronous = FULL` every
// COMMIT fsyncs the write-ahead log on the calling thread, and the event loop waits for the disk (about 7 ms a commit
// measured under load, 28% of the verifier service's wall time at 8 clients: issue 18). A connection that uses this
// module sets `synchronous = NORMAL` (a COMMIT appends its frames to the WAL without syncing it) and, before it reports
// any commit as done, awaits `durable()`: an fdatasync of the WAL file on Node's thread pool that started after the
// commit returned. Recovery replays every WAL frame up to the last valid commit frame, so once the WAL is synced the
// commit survives a power loss exactly as with FULL. A checkpoint (run by SQLite inside a COMMIT) syncs the WAL before
// copying it and the main file after, so frames a checkpoint moved are durable too; a WAL that no longer exists was
// checkpointed into the main file and removed on close. The first sync of each WAL file (by inode) also syncs its
// directory, so the file's directory entry survives. Commits that finish while a sync runs share the next one.
import { open } from "node:fs/promises";
import { dirname } from "node:path";

/** fdatasync of one file (by path) on the thread pool; returns its inode, or undefined when the file does not exist. */
export type SyncFile = (path: string) => Promise<number | undefined>;

/** {@link SyncFile} through node:fs/promises. */
export const syncFile: SyncFile = async (path) => {
  let fh;
  try {
    fh = await open(path, "r");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
  try {
    await fh.datasync();
    return Number((await fh.stat()).ino);
  } finally {
    await fh.close();
  }
};

export class WalSync {
  private readonly wal: string;
  /** The sync that has not started yet: every commit done before it starts waits for it. */
  private next: Promise<void> | undefined;
  /** The last sync started (the next one starts after it). */
  private last: Promise<void> = Promise.resolve();
  /** The WAL inodes whose directory entry was synced. */
  private readonly dirSynced = new Set<number>();
  /** Syncs done, for tests and benches. */
  syncs = 0;

  /** For the database file `path` (its WAL is `${path}-wal`); `sync` replaces the file sync (tests). */
  constructor(
    private readonly path: string,
    private readonly sync: SyncFile = syncFile,
  ) {
    this.wal = `${path}-wal`;
  }

  /**
   * Resolves once every commit that returned before this call is on disk: after one WAL sync that starts after this
   * call. Rejects with the file system's error (the commit is visible to readers of this connection but may not
   * survive a power loss: the caller reports a storage fault and the client sends again).
   */
  durable(): Promise<void> {
    if (this.next !== undefined) return this.next;
    const run = this.last.then(
      () => this.syncNow(),
      () => this.syncNow(),
    );
    this.next = run;
    this.last = run.catch(() => undefined);
    return run;
  }

  private async syncNow(): Promise<void> {
    // From here on, a commit that returns is not covered by this sync: it waits for the next one.
    this.next = undefined;
    const ino = await this.sync(this.wal);
    this.syncs++;
    if (ino !== undefined && !this.dirSynced.has(ino)) {
      await this.sync(dirname(this.path));
      this.dirSynced.add(ino);
    }
  }
}
