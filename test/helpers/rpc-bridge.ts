// A JSON-RPC HTTP endpoint on loopback in front of an in-process Hardhat network (EIP-1193 provider), so that a child
// process, or a fault-injecting proxy (rpc-proxy.ts), can reach the test chain.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** What the bridge forwards to. */
export interface Eip1193 {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}

/** Starts the bridge on a free loopback port. */
export async function startRpcBridge(provider: Eip1193): Promise<{ url: string; server: Server }> {
  const one = async (req: { id?: unknown; method: string; params?: unknown[] }) => {
    try {
      const result = await provider.request({ method: req.method, params: req.params ?? [] });
      return { jsonrpc: "2.0", id: req.id, result };
    } catch (e) {
      const err = e as { code?: number; message: string; data?: unknown };
      return { jsonrpc: "2.0", id: req.id, error: { code: err.code ?? -32000, message: err.message, data: err.data } };
    }
  };
  const server = createServer((req, res) => {
    // CORS, as a node's JSON-RPC endpoint answers it (hardhat node does): the web page's tests call it from Chromium.
    res.setHeader("access-control-allow-origin", "*");
    res.setHeader("access-control-allow-headers", "content-type");
    if (req.method === "OPTIONS") {
      res.writeHead(204);
      res.end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as
        Parameters<typeof one>[0] | Parameters<typeof one>[0][];
      const answer = Array.isArray(body) ? Promise.all(body.map(one)) : one(body);
      answer
        .then((a) => {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify(a, (_k, v: unknown) => (typeof v === "bigint" ? `0x${v.toString(16)}` : v)));
        })
        .catch((e: Error) => {
          res.writeHead(500);
          res.end(e.message);
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}
