// Schema migration 2 (record message v2): a database written by the v1 service opens, its old rows read back with
// `payoutHash: null` (a v1 message, which no fraud proof accepts any more), and new rows keep their payout hash.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { SchemaTooNewError, migrate } from "../../src/sqlite/index.js";
import { MIGRATIONS, SqliteDriver, openRecordStore, type StoredRecord } from "../../src/verifier-service/index.js";

describe("verifier store: migration to the payout hash (schema version 2)", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "por-store-mig-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps v1 rows (payoutHash null) and stores v2 rows with their payout hash", async () => {
    const path = join(dir, "v1.sqlite");
    const v1 = new SqliteDriver(path);
    expect(await migrate(v1, MIGRATIONS.slice(0, 1), path)).to.deep.equal([1]);
    await v1.query(
      "INSERT INTO records (nullifier, member, asset, t, slot, account_key, balance, message, r8x, r8y, s, ax, ay, " +
        "key_hash, payout, received_at) VALUES ('1', '0xM', 1, 100, 2, '3', '4', '5', '6', '7', '8', '9', '10', '11', " +
        "'0xP', 3600)",
    );
    await v1.close();

    const store = await openRecordStore(path);
    try {
      const old = await store.getRecord("1");
      expect(old?.payoutHash).to.equal(null);
      expect(old).to.not.have.property("payout");
      const row: StoredRecord = { ...(old as StoredRecord), nullifier: "2", payoutHash: "4242" };
      expect(await store.insertRecords([row])).to.equal(1);
      expect((await store.getRecord("2"))?.payoutHash).to.equal("4242");
    } finally {
      await store.close();
    }
    // Reopening applies nothing new.
    const again = new SqliteDriver(path);
    try {
      expect(await migrate(again, MIGRATIONS, path)).to.deep.equal([]);
    } finally {
      await again.close();
    }
  });

  it("refuses a store written by a newer release, naming the file and both versions", async () => {
    const path = join(dir, "newer.sqlite");
    const newer = new SqliteDriver(path);
    const future = [
      ...MIGRATIONS,
      { version: 99, name: "from the future", statements: ["CREATE TABLE later (x TEXT)"] },
    ];
    expect(await migrate(newer, future, path)).to.have.length(MIGRATIONS.length + 1);
    await newer.close();
    let error: unknown;
    try {
      await openRecordStore(path);
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(SchemaTooNewError);
    expect((error as Error).message).to.equal(
      `the database ${path} has schema version 99, newer than this software knows (${MIGRATIONS.length}): ` +
        "run the release that wrote it, or restore a backup made by this one",
    );
  });
});
