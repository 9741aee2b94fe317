// A member's records service: one user's record file (`por.record` v2), produced on demand from a snapshot's records
// bundles (src/records/bundle.ts), for `records export` and over HTTP: `GET /records/<asset>/<account id>`.
// Who may fetch which account's record is the member's business (its login, its web backend): the service is meant to
// sit behind it, on a private interface, and can require a bearer token from that backend (`token`); it never
// decides on its own that a caller is the account's owner.
import { timingSafeEqual } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";

import type { PoseidonLike } from "../crypto/index.js";
import { BundleError, RecordsBundle, isBundleFileName } from "./bundle.js";
import type { RecordFile } from "./record-file.js";

/** One record produced from a bundle. */
export interface ExportedRecord {
  asset: number;
  /** The record file's text, as a snapshot writes it. */
  text: string;
  /** The bundle it came from. */
  bundle: string;
}

/** The records bundles of one snapshot directory, open for lookups. */
export class SnapshotRecords {
  private constructor(
    /** The snapshot directory. */
    readonly dir: string,
    private readonly bundles: Map<number, RecordsBundle>,
    private readonly poseidon: PoseidonLike,
  ) {}

  /**
   * Opens every `records-<asset>.bundle` of a snapshot (its directory or its summary.json). Errors name the
   * directory (none there: a snapshot taken with --no-records, or before bundles) or the damaged bundle.
   */
  static open(snapshot: string, poseidon: PoseidonLike): SnapshotRecords {
    let dir = snapshot;
    try {
      if (!statSync(snapshot).isDirectory()) dir = dirname(snapshot);
    } catch {
      throw new BundleError(`${snapshot}: no such snapshot directory`);
    }
    const names = readdirSync(dir).filter(isBundleFileName);
    if (names.length === 0) {
      throw new BundleError(
        `${dir}: no records bundles (records-<asset>.bundle): not a snapshot directory, or taken with --no-records`,
      );
    }
    const bundles = new Map<number, RecordsBundle>();
    try {
      for (const name of names) {
        const b = RecordsBundle.open(join(dir, name));
        const asset = Number(name.slice("records-".length, -".bundle".length));
        if (b.header.asset !== asset) {
          b.close();
          throw new BundleError(`${b.path}: holds asset ${b.header.asset}, not ${asset} as its name says`);
        }
        bundles.set(asset, b);
      }
    } catch (e) {
      for (const b of bundles.values()) b.close();
      throw e;
    }
    return new SnapshotRecords(dir, bundles, poseidon);
  }

  /** The asset ids with a bundle, ascending. */
  get assets(): number[] {
    return [...this.bundles.keys()].sort((a, b) => a - b);
  }

  /** The record of `accountId` in `asset`, or undefined when the asset has no bundle or the account no record. */
  exportOne(accountId: string, asset: number): ExportedRecord | undefined {
    const b = this.bundles.get(asset);
    const text = b?.exportRecord(this.poseidon, accountId);
    return b === undefined || text === undefined ? undefined : { asset, text, bundle: b.path };
  }

  /** The records of `accountId` in every asset (or only `asset`), ascending by asset. */
  exportAll(accountId: string, asset?: number): ExportedRecord[] {
    const ids = asset === undefined ? this.assets : [asset];
    return ids.flatMap((a) => this.exportOne(accountId, a) ?? []);
  }

  /**
   * The one record of an account (in `asset`, or the only asset it has a record in): an error naming the snapshot
   * when there is none or several.
   */
  exportRecord(accountId: string, asset?: number): ExportedRecord {
    if (asset !== undefined && !this.bundles.has(asset)) {
      throw new BundleError(
        `${this.dir}: no records bundle of asset ${asset} (assets here: ${this.assets.join(", ")})`,
      );
    }
    const found = this.exportAll(accountId, asset);
    const scope = asset === undefined ? "" : ` of asset ${asset}`;
    if (found.length === 0) throw new BundleError(`no record${scope} of account "${accountId}" in ${this.dir}`);
    if (found.length > 1) {
      throw new BundleError(
        `account "${accountId}" has records in assets ${found.map((f) => f.asset).join(", ")} of ${this.dir}; ` +
          "pass --asset <id>",
      );
    }
    return found[0];
  }

  /** The records of the given slots of `asset` (ascending by slot; a slot without a record is left out). */
  recordsOfSlots(asset: number, slots: Iterable<number>): Array<{ slot: number; record: RecordFile }> {
    const b = this.bundles.get(asset);
    if (b === undefined) return [];
    return [...b.rowsOfSlots(slots)]
      .sort(([x], [y]) => x - y)
      .map(([slot, row]) => ({ slot, record: b.recordFile(this.poseidon, row) }));
  }

  close(): void {
    for (const b of this.bundles.values()) b.close();
    this.bundles.clear();
  }
}

/** Options of {@link startRecordsServer}. */
export interface RecordsServerOptions {
  records: SnapshotRecords;
  /** Bearer token every request must carry (the member's backend holds it); undefined or "": none required. */
  token?: string;
  host?: string;
  /** 0: any free port. */
  port?: number;
}

/** A running records service. */
export interface RecordsServer {
  url: string;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: string, type = "application/json"): void {
  res.writeHead(status, {
    "content-type": `${type}; charset=utf-8`,
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
  });
  res.end(body);
}

const errorBody = (error: string, message: string) => JSON.stringify({ error, message }) + "\n";

function authorized(req: IncomingMessage, token: string | undefined): boolean {
  if (token === undefined || token === "") return true;
  const given = Buffer.from((req.headers.authorization ?? "").replace(/^Bearer\s+/i, ""));
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

/** The request handler: `GET /health`, `GET /records/<asset>/<account id (URL-encoded)>`. */
export function recordsHandler(o: RecordsServerOptions) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    try {
      const path = (req.url ?? "/").split("?")[0];
      if (req.method !== "GET" && req.method !== "HEAD") {
        send(res, 405, errorBody("method_not_allowed", "only GET"));
        return;
      }
      if (path === "/health") {
        send(res, 200, JSON.stringify({ ok: true, assets: o.records.assets }) + "\n");
        return;
      }
      const m = /^\/records\/(0|[1-9][0-9]{0,9})\/([^/]+)$/.exec(path);
      if (m === null) {
        send(res, 404, errorBody("not_found", "GET /records/<asset>/<account id> or /health"));
        return;
      }
      if (!authorized(req, o.token)) {
        send(res, 401, errorBody("unauthorized", "a valid bearer token is required"));
        return;
      }
      let account: string;
      try {
        account = decodeURIComponent(m[2]);
      } catch {
        send(res, 400, errorBody("bad_request", "the account id is not valid URL encoding"));
        return;
      }
      const found = o.records.exportOne(account, Number(m[1]));
      if (found === undefined) {
        send(res, 404, errorBody("not_found", `no record of that account in asset ${m[1]}`));
        return;
      }
      send(res, 200, found.text);
    } catch (e) {
      send(res, 500, errorBody("internal", e instanceof BundleError ? e.message : "internal error"));
    }
  };
}

/** Starts the records service; `close` stops it (the bundles stay open: the caller closes `records`). */
export async function startRecordsServer(o: RecordsServerOptions): Promise<RecordsServer> {
  const server = createServer(recordsHandler(o));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port ?? 0, o.host ?? "127.0.0.1", () => resolve());
  });
  const a = server.address() as AddressInfo;
  const host = a.family === "IPv6" ? `[${a.address}]` : a.address;
  return {
    url: `http://${host}:${a.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
