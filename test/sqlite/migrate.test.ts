// The shared schema migrations (src/sqlite/migrate.ts) and the node's and aggregator's databases: a database made
// before versioning (today's tables, no `schema_migrations`) adopts version 1 with its rows intact; pending migrations
// apply in order, once; a failing migration changes nothing; a database from a newer release is refused, naming the
// file and both versions.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";

import { expect } from "chai";

import { AGGREGATOR_MIGRATIONS, AggregatorDb } from "../../src/aggregator/index.js";
import { NODE_MIGRATIONS, NodeDb } from "../../src/node/index.js";
import { SchemaTooNewError, migrateSqlite, openSqlite, schemaVersion, type Migration } from "../../src/sqlite/index.js";

/** The schema the node created before its database was versioned (src/node/db.ts before migrations). */
const NODE_SCHEMA_UNVERSIONED = [
  "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
  `CREATE TABLE IF NOT EXISTS jobs (
    subject TEXT PRIMARY KEY, kind TEXT NOT NULL, member TEXT NOT NULL, t TEXT NOT NULL, request_id TEXT NOT NULL,
    block INTEGER NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL DEFAULT 0,
    verdict INTEGER, roots_digest TEXT, blob_digest TEXT, signature TEXT, reasons TEXT NOT NULL DEFAULT '[]',
    updated_at INTEGER NOT NULL)`,
  "CREATE INDEX IF NOT EXISTS jobs_by_status ON jobs (status, next_at)",
  `CREATE TABLE IF NOT EXISTS fraud (
    nullifier TEXT PRIMARY KEY, member TEXT NOT NULL, asset INTEGER NOT NULL, t TEXT NOT NULL, status TEXT NOT NULL,
    tx_hash TEXT, error TEXT, updated_at INTEGER NOT NULL)`,
];

/** The schema the aggregator created before its database was versioned. */
const AGGREGATOR_SCHEMA_UNVERSIONED = [
  `CREATE TABLE IF NOT EXISTS attestations (
    subject TEXT NOT NULL, kind TEXT NOT NULL, member TEXT NOT NULL, t TEXT NOT NULL, request_id TEXT NOT NULL,
    verdict INTEGER NOT NULL, roots_digest TEXT NOT NULL, blob_digest TEXT NOT NULL, signer TEXT NOT NULL,
    signature TEXT NOT NULL, received_at INTEGER NOT NULL,
    PRIMARY KEY (subject, verdict, roots_digest, blob_digest, signer))`,
  `CREATE TABLE IF NOT EXISTS subjects (
    subject TEXT PRIMARY KEY, kind TEXT NOT NULL, member TEXT NOT NULL, t TEXT NOT NULL, request_id TEXT NOT NULL,
    status TEXT NOT NULL, tx_hash TEXT, verdict INTEGER, updated_at INTEGER NOT NULL)`,
];

function versions(path: string): number[] {
  const db = new DatabaseSync(path);
  try {
    return (
      db.prepare("SELECT version FROM schema_migrations ORDER BY version").all() as Array<{ version: number }>
    ).map((r) => Number(r.version));
  } finally {
    db.close();
  }
}

/** Writes `version` into a database as if a newer release had migrated it. */
function stampNewer(path: string, version: number): void {
  const db = new DatabaseSync(path);
  db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'from the future', 0)").run(version);
  db.close();
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected an error");
}

describe("sqlite: versioned schema migrations", () => {
  let dir: string;
  let n = 0;
  const file = (name: string) => join(dir, `${++n}-${name}`);
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "por-migrate-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const TWO: Migration[] = [
    { version: 1, name: "a", statements: ["CREATE TABLE a (x TEXT)"] },
    { version: 2, name: "b", statements: ["ALTER TABLE a ADD COLUMN y TEXT", "CREATE TABLE b (z TEXT)"] },
  ];

  it("applies pending migrations in order, once, and records them", () => {
    const path = file("two.sqlite");
    const db = openSqlite(path, TWO.slice(0, 1));
    db.prepare("INSERT INTO a (x) VALUES ('kept')").run();
    db.close();
    const again = openSqlite(path);
    expect(migrateSqlite(again, TWO, path)).to.deep.equal([2]);
    expect(migrateSqlite(again, TWO, path)).to.deep.equal([]);
    expect(again.prepare("SELECT x, y FROM a").all()).to.deep.equal([{ x: "kept", y: null }]);
    again.close();
    expect(versions(path)).to.deep.equal([1, 2]);
  });

  it("a failing migration leaves the database as it was", () => {
    const path = file("fail.sqlite");
    openSqlite(path, TWO.slice(0, 1)).close();
    const broken: Migration[] = [
      ...TWO.slice(0, 1),
      { version: 2, name: "broken", statements: ["CREATE TABLE c (x TEXT)", "ALTER TABLE nowhere ADD COLUMN y"] },
    ];
    expect(() => openSqlite(path, broken)).to.throw(/no such table: nowhere/);
    const db = new DatabaseSync(path);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'c'").all()).to.deep.equal([]);
    db.close();
    expect(versions(path)).to.deep.equal([1]);
  });

  it("refuses a database from a newer release, naming the file and both versions", () => {
    const path = file("newer.sqlite");
    openSqlite(path, TWO).close();
    stampNewer(path, 7);
    const e = thrown(() => openSqlite(path, TWO));
    expect(e).to.be.instanceOf(SchemaTooNewError);
    expect(e.message).to.equal(
      `the database ${path} has schema version 7, newer than this software knows (2): ` +
        "run the release that wrote it, or restore a backup made by this one",
    );
    expect(versions(path)).to.deep.equal([1, 2, 7]);
  });

  it("refuses a migration list whose versions do not increase", () => {
    expect(() => schemaVersion([TWO[1], TWO[0]])).to.throw(/must increase: 1 \("a"\) follows 2/);
    expect(schemaVersion(NODE_MIGRATIONS)).to.be.greaterThan(0);
    expect(schemaVersion(AGGREGATOR_MIGRATIONS)).to.be.greaterThan(0);
  });

  describe("the operator node's database", () => {
    it("opens a database made before versioning, with its rows intact", () => {
      const path = file("node-old.sqlite");
      const old = new DatabaseSync(path);
      for (const s of NODE_SCHEMA_UNVERSIONED) old.exec(s);
      old.exec(`INSERT INTO meta (key, value) VALUES ('cursor', '{"block":41,"hash":"0xabc"}')`);
      old.exec(
        "INSERT INTO jobs (subject, kind, member, t, request_id, block, status, attempts, next_at, verdict, " +
          "roots_digest, blob_digest, signature, reasons, updated_at) VALUES ('0x01', 'set', '0xM', '100', '0', 40, " +
          `'signed', 2, 0, 1, '0xr', '0xb', '0xs', '["ok"]', 0)`,
      );
      old.exec("INSERT INTO fraud VALUES ('77', '0xM', 1, '100', 'submitted', '0xtx', NULL, 0)");
      old.close();

      const db = new NodeDb(path);
      try {
        expect(db.cursor()).to.deep.equal({ block: 41, hash: "0xabc" });
        const job = db.job("0x01");
        expect(job?.status).to.equal("signed");
        expect(job?.signature).to.equal("0xs");
        expect(job?.reasons).to.deep.equal(["ok"]);
        expect(db.fraud("77")?.txHash).to.equal("0xtx");
        expect(
          db.addJob({ subject: "0x02", kind: "request", member: "0xM", t: 5n, requestId: 3n, block: 42 }),
        ).to.equal(true);
      } finally {
        db.close();
      }
      expect(versions(path)).to.deep.equal(NODE_MIGRATIONS.map((m) => m.version));
      new NodeDb(path).close(); // reopening applies nothing and keeps working
      expect(versions(path)).to.deep.equal(NODE_MIGRATIONS.map((m) => m.version));
    });

    it("refuses a database from a newer release", () => {
      const path = file("node-newer.sqlite");
      new NodeDb(path).close();
      stampNewer(path, 1000);
      const e = thrown(() => new NodeDb(path));
      expect(e).to.be.instanceOf(SchemaTooNewError);
      expect(e.message).to.contain(`the database ${path} has schema version 1000, newer than this software knows`);
    });
  });

  describe("the aggregator's database", () => {
    it("opens a database made before versioning, with its rows intact", () => {
      const path = file("agg-old.sqlite");
      const old = new DatabaseSync(path);
      for (const s of AGGREGATOR_SCHEMA_UNVERSIONED) old.exec(s);
      old.exec(
        "INSERT INTO attestations VALUES ('0x01', 'set', '0xM', '100', '0', 1, '0xr', '0xb', '0xS', '0xsig', 0)",
      );
      old.exec("INSERT INTO subjects VALUES ('0x01', 'set', '0xM', '100', '0', 'submitting', NULL, NULL, 0)");
      old.close();

      const db = new AggregatorDb(path);
      try {
        expect(db.countAttestations()).to.equal(1);
        expect(db.attestations("0x01")[0]?.signature).to.equal("0xsig");
        expect(db.subject("0x01")?.status).to.equal("submitting");
        expect(db.openSubjects().map((s) => s.subject)).to.deep.equal(["0x01"]);
      } finally {
        db.close();
      }
      expect(versions(path)).to.deep.equal(AGGREGATOR_MIGRATIONS.map((m) => m.version));
    });

    it("refuses a database from a newer release", () => {
      const path = file("agg-newer.sqlite");
      new AggregatorDb(path).close();
      stampNewer(path, 1000);
      const e = thrown(() => new AggregatorDb(path));
      expect(e).to.be.instanceOf(SchemaTooNewError);
      expect(e.message).to.contain(`the database ${path} has schema version 1000, newer than this software knows`);
    });
  });
});
