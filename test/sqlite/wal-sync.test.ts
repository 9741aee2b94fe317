// Durable commits off the event loop (src/sqlite/wal-sync.ts, issue 18): the verifier's SQLite driver commits with
// `synchronous = NORMAL` and reports a write done only after a sync of the WAL that started after its commit. The file
// sync is replaced here by one the test releases by hand, so the order is observed, not timed: nothing settles before
// its sync, commits during a sync share the next one, a failed sync rejects the write and marks the store faulty, and
// the real sync (fdatasync through node:fs) leaves every acknowledged row readable after reopening.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { WalSync, syncFile, type SyncFile } from "../../src/sqlite/wal-sync.js";
import { SqliteDriver } from "../../src/verifier-service/sql-drivers.js";

/** A file sync that waits for the test: `release(i)` finishes the i-th call, `fail(i, e)` makes it throw. */
function manualSync() {
  const calls: Array<{ path: string; done: (ino: number | undefined) => void; fail: (e: Error) => void }> = [];
  const sync: SyncFile = (path) =>
    new Promise((done, fail) => {
      calls.push({ path, done, fail });
    });
  return { sync, calls };
}

const turn = () => new Promise((r) => setImmediate(r));
async function turns(n: number) {
  for (let i = 0; i < n; i++) await turn();
}

describe("sqlite: WAL synced off the event loop before a write is reported done", function () {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "wal-sync-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const table = (driver: SqliteDriver) => driver.query("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)");

  /** A driver on a manual sync with table `t` created (its WAL sync and the directory's released). */
  async function withTable() {
    const m = manualSync();
    const driver = new SqliteDriver(join(dir, "db.sqlite"), { syncFile: m.sync });
    const created = table(driver);
    await turns(3);
    m.calls[0].done(1);
    await turns(3);
    m.calls[1].done(1);
    await created;
    return { m, driver };
  }

  it("a transaction settles only after the WAL sync that started after its commit; the first sync of a WAL syncs its directory too", async function () {
    const m = manualSync();
    const path = join(dir, "db.sqlite");
    const driver = new SqliteDriver(path, { syncFile: m.sync });
    const created = table(driver);
    await turns(3);
    expect(m.calls.map((c) => c.path)).to.deep.equal([`${path}-wal`]);
    m.calls[0].done(7);
    await turns(3);
    // First sync of inode 7: the directory entry follows.
    expect(m.calls.map((c) => c.path)).to.deep.equal([`${path}-wal`, dir]);
    m.calls[1].done(1);
    await created;

    let settled = false;
    const tx = driver
      .transaction(async (q) => q.query("INSERT INTO t (k, v) VALUES (1, 'a')"))
      .then(() => (settled = true));
    await turns(5);
    // Committed (visible on the connection) but not synced: not reported done.
    expect((await driver.query<{ n: number }>("SELECT COUNT(*) AS n FROM t")).rows[0].n).to.equal(1);
    expect(settled).to.equal(false);
    expect(m.calls).to.have.length(3);
    m.calls[2].done(7); // the same WAL: no directory sync again
    await tx;
    expect(settled).to.equal(true);
    expect(m.calls).to.have.length(3);
    expect(driver.walSyncs).to.equal(2);
    await driver.close();
  });

  it("commits that return while a sync runs wait for the next one, and share it", async function () {
    const { m, driver } = await withTable();

    const order: string[] = [];
    const first = driver.query("INSERT INTO t (k, v) VALUES (1, 'a')").then(() => order.push("first"));
    await turns(3);
    expect(m.calls).to.have.length(3); // the sync for "first" runs
    // Three more writes commit while it runs (one group commit of two transactions and a plain write).
    const later = [
      driver.transaction(async (q) => q.query("INSERT INTO t (k, v) VALUES (2, 'b')")),
      driver.transaction(async (q) => q.query("INSERT INTO t (k, v) VALUES (3, 'c')")),
      driver.query("INSERT INTO t (k, v) VALUES (4, 'd')"),
    ].map((p, i) => p.then(() => order.push(`later ${i}`)));
    await turns(5);
    expect(m.calls).to.have.length(3); // none starts before the running one ends
    m.calls[2].done(1);
    await first;
    await turns(5);
    expect(order).to.deep.equal(["first"]);
    expect(m.calls).to.have.length(4); // one sync for the three
    m.calls[3].done(1);
    await Promise.all(later);
    expect(order.slice(1).sort()).to.deep.equal(["later 0", "later 1", "later 2"]);
    expect(driver.walSyncs).to.equal(3);
    await driver.close();
  });

  it("a failed sync rejects the writes it covered, names the fault, and marks the store's health until a write succeeds", async function () {
    const { m, driver } = await withTable();

    const tx = driver.transaction(async (q) => q.query("INSERT INTO t (k, v) VALUES (1, 'a')"));
    await turns(5);
    m.calls[2].fail(Object.assign(new Error("EIO: i/o error, fsync"), { code: "EIO" }));
    let error: Error | undefined;
    await tx.catch((e: Error) => (error = e));
    expect(error?.message).to.match(/write-ahead log could not be synced to disk: .*EIO.*send it again/);
    expect(driver.problem()).to.match(/write-ahead log could not be synced/);
    // Sent again: the row is there (ON CONFLICT in the store skips it); the next successful write clears the fault.
    const again = driver.query("INSERT OR IGNORE INTO t (k, v) VALUES (1, 'a')");
    await turns(5);
    m.calls[3].done(1);
    await again;
    expect(driver.problem()).to.equal(undefined);
    await driver.close();
  });

  it("the real sync: every acknowledged row of concurrent transactions is there after reopening; :memory: needs no sync", async function () {
    const path = join(dir, "db.sqlite");
    const driver = new SqliteDriver(path);
    await table(driver);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        driver.transaction(async (q) => q.query("INSERT INTO t (k, v) VALUES (?, ?)", [i, `v${i}`])),
      ),
    );
    expect(driver.walSyncs).to.be.greaterThan(0).and.lessThan(20);
    await driver.close();
    const again = new SqliteDriver(path);
    expect((await again.query<{ n: number }>("SELECT COUNT(*) AS n FROM t")).rows[0].n).to.equal(20);
    await again.close();

    const mem = new SqliteDriver(":memory:");
    await table(mem);
    await mem.transaction(async (q) => q.query("INSERT INTO t (k, v) VALUES (1, 'a')"));
    expect(mem.walSyncs).to.equal(0);
    await mem.close();
  });

  it("syncFile: an absent file is no error (a WAL checkpointed and removed), and its inode is returned otherwise", async function () {
    expect(await syncFile(join(dir, "none"))).to.equal(undefined);
    expect(await syncFile(dir)).to.be.a("number");
    const w = new WalSync(join(dir, "db.sqlite"));
    await w.durable(); // no WAL yet: nothing to sync, no directory sync
    expect(w.syncs).to.equal(1);
  });
});
