// A loopback JSON-RPC endpoint in front of the demo's embedded chain (Hardhat's in-process EDR network), so the
// operator nodes, the aggregator and the verifier service talk JSON-RPC over HTTP exactly as they would to a real
// node, while the chain lives and dies with the demo's process (nothing to leave behind).
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** The EIP-1193 surface the bridge needs. */
export interface Eip1193 {
  request(args: { method: string; params?: unknown[] | object }): Promise<unknown>;
}

interface RpcCall {
  jsonrpc?: string;
  id?: unknown;
  method?: unknown;
  params?: unknown;
}

/** A running bridge. */
export interface RpcBridge {
  url: string;
  /** JSON-RPC calls served so far. */
  calls(): number;
  close(): Promise<void>;
}

const MAX_BODY = 8 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error("request body too large"));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

const toJson = (v: unknown) =>
  JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? `0x${x.toString(16)}` : x));

/** Starts the bridge on 127.0.0.1 (a free port). */
export async function startRpcBridge(provider: Eip1193): Promise<RpcBridge> {
  let served = 0;
  const one = async (call: RpcCall) => {
    served++;
    if (typeof call !== "object" || call === null || typeof call.method !== "string") {
      return { jsonrpc: "2.0", id: call?.id ?? null, error: { code: -32600, message: "invalid request" } };
    }
    try {
      const params = Array.isArray(call.params) ? call.params : [];
      const result = await provider.request({ method: call.method, params });
      return { jsonrpc: "2.0", id: call.id ?? null, result: result ?? null };
    } catch (e) {
      const err = e as { code?: unknown; message?: unknown; data?: unknown };
      return {
        jsonrpc: "2.0",
        id: call.id ?? null,
        error: {
          code: typeof err.code === "number" ? err.code : -32000,
          message: typeof err.message === "string" ? err.message : String(e),
          ...(err.data !== undefined ? { data: err.data } : {}),
        },
      };
    }
  };
  const server: Server = createServer((req, res) => {
    if (req.method !== "POST") {
      res.writeHead(405, { "content-type": "application/json" });
      res.end('{"error":"use POST"}');
      return;
    }
    readBody(req)
      .then(async (text) => {
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(toJson({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "parse error" } }));
          return;
        }
        const answer = Array.isArray(body)
          ? await Promise.all(body.map((c) => one(c as RpcCall)))
          : await one(body as RpcCall);
        res.writeHead(200, { "content-type": "application/json" });
        res.end(toJson(answer));
      })
      .catch((e: unknown) => {
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
        res.end(e instanceof Error ? e.message : String(e));
      });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls: () => served,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
