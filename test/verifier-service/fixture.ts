// Shared fixture of the verifier-service tests: the real contracts (deployLedgerSystem), a second member `other`
// onboarded with a real EdDSA record key, signed forwarded records, and fresh stores on SQLite or PostgreSQL.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import pg from "pg";

import type { Crypto } from "../../src/crypto/index.js";
import { recordKeyHash, recordMessage, type BalanceRecord } from "../../src/records/index.js";
import {
  EthersChainView,
  FORWARDED_FORMAT,
  FORWARDED_VERSION,
  openRecordStore,
  type ForwardedRecord,
  type SqlRecordStore,
} from "../../src/verifier-service/index.js";
import {
  commitmentOf,
  deployLedgerSystem,
  ETH_ASSET,
  MEMBER_STAKE,
  type FixtureConnection,
} from "../contracts/ledger-fixture.js";
import { rpcProvider } from "../../src/chain/rpc.js";
import { startPostgres, type TestPostgres } from "../helpers/postgres.js";
import { startRpcBridge, type Eip1193 } from "../helpers/rpc-bridge.js";
import { startRpcProxy, type RpcProxy } from "../helpers/rpc-proxy.js";

export const RECORD_KEY = new Uint8Array(32).fill(0x42);
export const OTHER_KEY = new Uint8Array(32).fill(0x43);

/** Deploys everything; `other` becomes a member with RECORD_KEY valid from `keyFrom`; a set is committed at `tCommitted`. */
export async function deployVerifierFixture(connection: FixtureConnection, crypto: Crypto) {
  const helpers = connection.networkHelpers;
  const sys = await deployLedgerSystem(connection, { operators: 0, minSigners: 1, quorumWeight: 1n });
  const member = sys.other;
  await sys.onboard(member, MEMBER_STAKE);
  const [ax, ay] = crypto.publicKey(RECORD_KEY);
  const keyHash = recordKeyHash((i) => crypto.poseidon(i), ax, ay);
  const keyFrom = BigInt(await helpers.time.latest()) + 10n;
  await sys.registry.connect(member).registerKey(keyHash, ax, ay, keyFrom);
  await helpers.time.increaseTo(keyFrom + 1000n);
  const tCommitted = Number(keyFrom) + 100;
  await sys.ledger.connect(member).commit(tCommitted, [commitmentOf(ETH_ASSET, 1n)]);
  await helpers.time.increase(10);
  const chain = new EthersChainView(await sys.registry.getAddress(), await sys.ledger.getAddress(), sys.user, {
    nowCacheMs: 0,
    statusCacheMs: 0,
    attempts: 2,
  });
  return { ...sys, memberSigner: member, memberAddress: member.address, keyFrom: Number(keyFrom), tCommitted, chain };
}

/** A signed forwarded record (signed by `key`, default RECORD_KEY). */
export function signedRecord(
  crypto: Crypto,
  r: {
    member: string;
    asset?: number;
    t: number;
    slot: number;
    accountKey?: bigint;
    balance?: bigint;
    payoutHash?: bigint;
  },
  options: { key?: Uint8Array } = {},
): ForwardedRecord {
  const rec: BalanceRecord = {
    member: BigInt(r.member),
    asset: r.asset ?? ETH_ASSET,
    t: BigInt(r.t),
    slot: r.slot,
    accountKey: r.accountKey ?? 1000n + BigInt(r.slot),
    balance: r.balance ?? 5000n + BigInt(r.slot),
    payoutHash: r.payoutHash ?? 0n,
  };
  const key = options.key ?? RECORD_KEY;
  const sig = crypto.sign(
    key,
    recordMessage((i) => crypto.poseidon(i), rec),
  );
  const [ax, ay] = crypto.publicKey(key);
  return {
    format: FORWARDED_FORMAT,
    version: FORWARDED_VERSION,
    record: {
      member: r.member,
      asset: rec.asset,
      t: rec.t.toString(),
      slot: rec.slot,
      accountKey: rec.accountKey.toString(),
      balance: rec.balance.toString(),
      payoutHash: rec.payoutHash.toString(),
    },
    signature: { R8x: sig.R8x.toString(), R8y: sig.R8y.toString(), S: sig.S.toString() },
    recordKey: { Ax: ax.toString(), Ay: ay.toString() },
  };
}

/** Makes fresh, migrated stores of one backend. */
export interface StoreFactory {
  kind: "sqlite" | "postgres";
  /** A new empty store, and its location (file path or URL) to reopen it. */
  fresh(): Promise<{ store: SqlRecordStore; location: string }>;
  /** Frees everything. */
  dispose(): Promise<void>;
}

/** SQLite stores in a temp dir. */
export function sqliteFactory(): StoreFactory {
  const dir = mkdtempSync(join(tmpdir(), "por-verifier-"));
  let n = 0;
  return {
    kind: "sqlite",
    fresh: async () => {
      const location = join(dir, `db-${n++}.sqlite`);
      return { store: await openRecordStore(location), location };
    },
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** PostgreSQL stores: one throwaway cluster, one database per store. */
export async function postgresFactory(): Promise<StoreFactory> {
  const server: TestPostgres = await startPostgres();
  let n = 0;
  return {
    kind: "postgres",
    fresh: async () => {
      const name = `verifier_${n++}`;
      const admin = new pg.Client({ connectionString: server.url });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const location = server.url.replace(/\/postgres$/, `/${name}`);
      return { store: await openRecordStore(location), location };
    },
    dispose: async () => server.stop(),
  };
}

/** POST helper: returns status and parsed JSON. */
export async function post(
  url: string,
  body: unknown,
  options: { raw?: string | Uint8Array; contentType?: string; token?: string; method?: string } = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: options.method ?? "POST",
    headers: {
      "content-type": options.contentType ?? "application/json",
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    body: options.raw ?? JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** GET helper. */
export async function get(url: string, token?: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The verifier service as a child process (src/verifier-service/main.ts). */
export interface ServiceProcess {
  proc: ChildProcess;
  url: string;
  /** stdout and stderr so far. */
  output: () => string;
  exited: Promise<number | null>;
}

/** Spawns main.ts with `args` and `env`; resolves once it started or exited, with whatever it printed. */
export function spawnServiceProcess(
  args: string[],
  env: Record<string, string> = {},
): { proc: ChildProcess; output: () => string; exited: Promise<number | null>; stdout: () => string } {
  const proc = spawn(process.execPath, ["--import", "tsx", "src/verifier-service/main.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let stdout = "";
  proc.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  proc.stdout!.on("data", (d: Buffer) => {
    out += d.toString();
    stdout += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
  return { proc, output: () => out, exited, stdout: () => stdout };
}

/** Spawns main.ts and waits until it listens (rejects with its output if it exits first or takes over 60 s). */
export async function startServiceProcess(args: string[], env: Record<string, string> = {}): Promise<ServiceProcess> {
  const p = spawnServiceProcess(args, env);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the service did not start:\n${p.output()}`)), 60_000);
    const look = () => {
      const m = /"msg":"verifier service listening","url":"([^"]+)"/.exec(p.output());
      if (m !== null) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    p.proc.stdout!.on("data", look);
    void p.exited.then((code) => reject(new Error(`the service exited with ${code}:\n${p.output()}`)));
  });
  return { proc: p.proc, url, output: p.output, exited: p.exited };
}

/**
 * The in-process chain behind the JSON-RPC bridge and a fault-injecting proxy, with a provider on the proxy whose
 * calls time out after `timeoutMs`. `close` releases all three.
 */
export async function faultyEndpoint(chain: Eip1193, chainId: bigint, timeoutMs: number) {
  const bridge = await startRpcBridge(chain);
  const proxy: RpcProxy = await startRpcProxy(bridge.url);
  const provider = rpcProvider(proxy.url, { timeoutMs, chainId });
  return {
    bridge,
    proxy,
    provider,
    async close(): Promise<void> {
      provider.destroy();
      await proxy.close();
      bridge.server.closeAllConnections();
      bridge.server.close();
    },
  };
}

/** The verifier process's command line for the fixture's contracts on `rpcUrl`, with the database `db`. */
export async function serviceArgs(
  fx: Awaited<ReturnType<typeof deployVerifierFixture>>,
  rpcUrl: string,
  db: string,
): Promise<string[]> {
  return [
    "--rpc",
    rpcUrl,
    "--registry",
    await fx.registry.getAddress(),
    "--ledger",
    await fx.ledger.getAddress(),
    "--db",
    db,
    "--port",
    "0",
  ];
}
