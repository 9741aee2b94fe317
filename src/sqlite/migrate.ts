// Versioned schema migrations, one implementation for every database of the project (the operator node's and the
// aggregator's SQLite files, the verifier service's SQLite or PostgreSQL store). Each database keeps the versions it
// has applied in `schema_migrations (version, name, applied_at)`; opening it applies the pending migrations in order,
// in one transaction, and refuses a database whose newest version is unknown to this software (it was written by a
// newer release, which may have changed what rows mean).
//
// The steps are written once, as a generator of SQL statements (`migrationSteps`); `migrate` runs them through an
// async driver (the verifier's SQLite and PostgreSQL drivers), `migrateSqlite` on a synchronous `node:sqlite`
// connection (the node and the aggregator open their databases in constructors).
import type { DatabaseSync, SQLInputValue } from "node:sqlite";

import { inTransaction } from "./transaction.js";

/** One schema migration. Never edit a released one: append. */
export interface Migration {
  version: number;
  name: string;
  statements: readonly string[];
}

/** The database was written by a newer release of this software: it is refused (nothing is changed in it). */
export class SchemaTooNewError extends Error {
  override name = "SchemaTooNewError";
  constructor(
    /** The file (or redacted URL) of the database. */
    readonly location: string,
    /** The newest schema version recorded in the database. */
    readonly found: number,
    /** The newest schema version this software knows. */
    readonly known: number,
  ) {
    super(
      `the database ${location} has schema version ${found}, newer than this software knows (${known}): ` +
        `run the release that wrote it, or restore a backup made by this one`,
    );
  }
}

/** One statement for the driver to run (`?` placeholders). */
export interface MigrationStep {
  sql: string;
  params: ReadonlyArray<string | number>;
}

type Rows = ReadonlyArray<Record<string, unknown>>;

/** The newest version in a migration list (0 when empty); throws unless versions strictly increase from 1. */
export function schemaVersion(migrations: readonly Migration[]): number {
  let last = 0;
  for (const m of migrations) {
    if (!Number.isInteger(m.version) || m.version <= last) {
      throw new Error(`migration versions must increase: ${m.version} ("${m.name}") follows ${last}`);
    }
    last = m.version;
  }
  return last;
}

/**
 * The steps of a migration run: each yielded statement is run by the driver, which passes back the rows it read.
 * Returns the versions applied. Throws {@link SchemaTooNewError} before changing anything.
 */
export function* migrationSteps(
  migrations: readonly Migration[],
  location: string,
  now: number = Math.floor(Date.now() / 1000),
): Generator<MigrationStep, number[], Rows> {
  const known = schemaVersion(migrations);
  yield {
    sql: "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
    params: [],
  };
  const rows = yield { sql: "SELECT version FROM schema_migrations", params: [] };
  const done = new Set(rows.map((r) => Number(r.version)));
  const newest = Math.max(0, ...done);
  if (newest > known) throw new SchemaTooNewError(location, newest, known);
  const applied: number[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    for (const sql of m.statements) yield { sql, params: [] };
    yield {
      sql: "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
      params: [m.version, m.name, now],
    };
    applied.push(m.version);
  }
  return applied;
}

/** A query runner inside a migration transaction. */
export interface MigrationQuerier {
  query(sql: string, params?: ReadonlyArray<string | number>): Promise<{ rows: Rows }>;
}

/** What {@link migrate} needs from an async driver. */
export interface MigrationDriver {
  /** Runs `fn` in one transaction; rolls back if it throws. */
  transaction<T>(fn: (q: MigrationQuerier) => Promise<T>): Promise<T>;
  /** Takes the migration lock inside the transaction (PostgreSQL: an advisory lock; SQLite: BEGIN IMMEDIATE has it). */
  lockForMigration(q: MigrationQuerier): Promise<void>;
}

/**
 * Applies pending migrations in one transaction under the migration lock; returns the versions applied. `location`
 * names the database in errors (a file path, or a URL without its password).
 */
export async function migrate(
  driver: MigrationDriver,
  migrations: readonly Migration[],
  location: string,
): Promise<number[]> {
  return driver.transaction(async (q) => {
    await driver.lockForMigration(q);
    const steps = migrationSteps(migrations, location);
    let step = steps.next([]);
    while (step.done !== true) {
      const { rows } = await q.query(step.value.sql, step.value.params);
      step = steps.next(rows);
    }
    return step.value;
  });
}

/** {@link migrate} on a synchronous `node:sqlite` connection (one BEGIN IMMEDIATE transaction). */
export function migrateSqlite(db: DatabaseSync, migrations: readonly Migration[], location: string): number[] {
  return inTransaction(db, () => {
    const steps = migrationSteps(migrations, location);
    let step = steps.next([]);
    while (step.done !== true) {
      const { sql, params } = step.value;
      const st = db.prepare(sql);
      const rows: Rows = /^\s*SELECT\b/i.test(sql)
        ? st.all(...(params as SQLInputValue[]))
        : (st.run(...(params as SQLInputValue[])), []);
      step = steps.next(rows);
    }
    return step.value;
  });
}
