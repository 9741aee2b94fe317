// A fault-injecting JSON-RPC proxy for tests: node:http on loopback in front of a real endpoint (a `hardhat node`),
// forwarding every call (single or batched) unless a rule matches it. Rules delay an answer, drop the connection,
// answer a JSON-RPC error (-32603 by default), answer `null`, answer an HTTP status, or hang until the proxy is
// cleared; each applies a number of times or until removed. `down()` stops listening (connections refused) and `up()`
// listens again on the same port, as an endpoint that restarts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** One JSON-RPC call as the proxy saw it. */
export interface RpcCall {
  id: unknown;
  method: string;
  params: unknown[];
}

/** What a rule does to a matching call. */
export type Fault =
  | { kind: "delay"; ms: number }
  | { kind: "drop" }
  | { kind: "error"; code?: number; message?: string; data?: string }
  | { kind: "null" }
  | { kind: "http"; status: number }
  | { kind: "hang" };

/** A fault for the calls a rule matches. */
export interface FaultRule {
  /** The JSON-RPC method (or a pattern of it); any method when absent. */
  method?: string | RegExp;
  /** A finer match (an eth_call's selector, a block number). */
  match?: (call: RpcCall) => boolean;
  fault: Fault;
  /** How many calls the rule applies to (default: until removed). */
  times?: number;
}

/** An injected rule: how often it applied, and a way to remove it. */
export interface InjectedFault {
  readonly hits: number;
  remove(): void;
}

/** A running proxy. */
export interface RpcProxy {
  url: string;
  /** Every call seen, in order. */
  calls: RpcCall[];
  inject(rule: FaultRule): InjectedFault;
  /** Removes every rule and releases hanging calls (they are then forwarded). */
  clear(): void;
  /** Stops listening and drops every open connection (the endpoint is down). */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

/** Matches an `eth_call` whose calldata starts with `selector` (0x + 8 hex digits), optionally to `to`. */
export function callTo(selector: string, to?: string): (c: RpcCall) => boolean {
  return (c) => {
    if (c.method !== "eth_call") return false;
    const tx = c.params[0] as { data?: string; input?: string; to?: string };
    const data = (tx.data ?? tx.input ?? "").toLowerCase();
    return data.startsWith(selector.toLowerCase()) && (to === undefined || tx.to?.toLowerCase() === to.toLowerCase());
  };
}

/** Matches `eth_getBlockByNumber` for block `n`. */
export function blockNumbered(n: number): (c: RpcCall) => boolean {
  return (c) => c.method === "eth_getBlockByNumber" && c.params[0] === `0x${n.toString(16)}`;
}

interface Rule extends FaultRule {
  left: number;
  hits: number;
}

/** Starts a proxy to `upstream` on a free loopback port (or `port`). */
export async function startRpcProxy(upstream: string, options: { port?: number } = {}): Promise<RpcProxy> {
  const calls: RpcCall[] = [];
  let rules: Rule[] = [];
  let releaseHung: Array<() => void> = [];
  const sockets = new Set<Socket>();

  const ruleFor = (c: RpcCall): Rule | undefined => {
    const r = rules.find(
      (x) =>
        x.left > 0 &&
        (x.method === undefined || (typeof x.method === "string" ? x.method === c.method : x.method.test(c.method))) &&
        (x.match === undefined || x.match(c)),
    );
    if (r !== undefined) {
      r.left--;
      r.hits++;
    }
    return r;
  };

  const forward = async (body: unknown): Promise<unknown> => {
    const res = await fetch(upstream, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return res.json();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const parsed = JSON.parse(Buffer.concat(chunks).toString("utf8")) as RpcCall | RpcCall[];
    const batch = Array.isArray(parsed) ? parsed : [parsed];
    const faults = batch.map((c) => {
      calls.push({ id: c.id, method: c.method, params: c.params ?? [] });
      return ruleFor({ id: c.id, method: c.method, params: c.params ?? [] })?.fault;
    });
    if (faults.some((f) => f?.kind === "drop")) {
      req.socket.destroy();
      return;
    }
    const http = faults.find((f): f is Extract<Fault, { kind: "http" }> => f?.kind === "http");
    if (http !== undefined) {
      res.writeHead(http.status, { "content-type": "text/plain" });
      res.end(`injected HTTP ${http.status}`);
      return;
    }
    if (faults.some((f) => f?.kind === "hang")) {
      await new Promise<void>((resolve) => releaseHung.push(resolve));
    }
    const delay = Math.max(0, ...faults.map((f) => (f?.kind === "delay" ? f.ms : 0)));
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    if (req.socket.destroyed) return;
    const pass = batch.filter((_, i) => faults[i] === undefined || ["delay", "hang"].includes(faults[i]!.kind));
    const answers = new Map<unknown, unknown>();
    if (pass.length > 0) {
      const got = await forward(pass);
      for (const a of got as Array<{ id: unknown }>) answers.set(a.id, a);
    }
    const out = batch.map((c, i) => {
      const f = faults[i];
      if (f?.kind === "error") {
        return {
          jsonrpc: "2.0",
          id: c.id,
          error: {
            code: f.code ?? -32603,
            message: f.message ?? "Internal error (injected)",
            ...(f.data === undefined ? {} : { data: f.data }),
          },
        };
      }
      if (f?.kind === "null") return { jsonrpc: "2.0", id: c.id, result: null };
      return answers.get(c.id);
    });
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(Array.isArray(parsed) ? out : out[0]));
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: Error) => {
      if (res.headersSent || req.socket.destroyed) return;
      res.writeHead(502, { "content-type": "text/plain" });
      res.end(`proxy: ${e.message}`);
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
  await listen(options.port ?? 0);
  const { port } = server.address() as AddressInfo;
  const release = () => {
    const r = releaseHung;
    releaseHung = [];
    for (const f of r) f();
  };
  const down = () =>
    new Promise<void>((resolve) => {
      release();
      for (const s of sockets) s.destroy();
      if (!server.listening) return resolve();
      server.close(() => resolve());
    });
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    inject(rule) {
      const r: Rule = { ...rule, left: rule.times ?? Infinity, hits: 0 };
      rules.push(r);
      return {
        get hits() {
          return r.hits;
        },
        remove: () => {
          rules = rules.filter((x) => x !== r);
        },
      };
    },
    clear() {
      rules = [];
      release();
    },
    down,
    up: () => (server.listening ? Promise.resolve() : listen(port)),
    close: down,
  };
}
