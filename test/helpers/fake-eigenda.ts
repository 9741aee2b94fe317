// A fake EigenDA proxy for tests: node:http, in memory, speaking the proxy's put/get/health REST API with the real
// proxy's status codes: 418 for a certificate that fails verification (a forged or unknown-version one: any get
// whose certificate does not start with this fake's version byte, and those marked with `rejectCertificate`), 429
// when rate-limited, 503 when the DA network is down, 400 for a malformed request, 404 for an unknown blob, 500
// otherwise. It can also corrupt what it returns or return an empty certificate. Certificates are opaque bytes (a
// version byte, a counter and a hash), like real ones.
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** Controls and counters of a running fake proxy. */
export interface FakeEigenDa {
  /** Base URL, e.g. `http://127.0.0.1:43123`. */
  url: string;
  /** Stored blobs by certificate hex (no 0x). */
  blobs: Map<string, Buffer>;
  /** Requests seen, as `METHOD path`. */
  requests: string[];
  /** Answer the next `n` requests (put or get) with 503. */
  fail503(n: number): void;
  /** Answer the next `n` requests (put or get) with 429 (the disperser rate-limits). */
  fail429(n: number): void;
  /** Answer every get of this certificate (0x hex) with 418, as for a certificate that fails verification. */
  rejectCertificate(commitment: string): void;
  /** Flip one byte of the next `n` get answers. */
  corruptGets(n: number): void;
  /** Answer the next put with 200 and an empty body. */
  emptyNextPut(): void;
  /** Answer the next request with this status (e.g. 500 or 400). */
  failNextWith(status: number): void;
  /** Stop the server. */
  close(): Promise<void>;
}

/** Starts a fake proxy on a free loopback port; `maxBlobBytes` payloads above which put answers 413. */
export async function startFakeEigenDa(options: { maxBlobBytes?: number } = {}): Promise<FakeEigenDa> {
  const max = options.maxBlobBytes ?? 16 * 1024 * 1024;
  const blobs = new Map<string, Buffer>();
  const requests: string[] = [];
  let fail503 = 0;
  let fail429 = 0;
  const rejected = new Set<string>();
  let corrupt = 0;
  let emptyPut = false;
  let failWith: number | undefined;
  let counter = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://fake");
    requests.push(`${req.method} ${url.pathname}`);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const send = (status: number, data: Buffer | string = "") => {
      res.writeHead(status, { "content-type": "application/octet-stream" });
      res.end(data);
    };
    if (url.pathname === "/health" && req.method === "GET") return send(200, "ok");
    if (failWith !== undefined) {
      const s = failWith;
      failWith = undefined;
      return send(s, `injected failure ${s}`);
    }
    if (fail503 > 0) {
      fail503--;
      return send(503, "DA network unavailable (injected)");
    }
    if (fail429 > 0) {
      fail429--;
      return send(429, "rate limited by the disperser (injected)");
    }
    if (url.searchParams.get("commitment_mode") !== "standard") return send(400, "commitment_mode must be standard");
    if (url.pathname === "/put" && req.method === "POST") {
      if (req.headers["content-type"] !== "application/octet-stream") return send(400, "wrong content type");
      if (body.length === 0) return send(400, "empty blob");
      if (body.length > max) return send(413, `blob of ${body.length} bytes exceeds ${max}`);
      if (emptyPut) {
        emptyPut = false;
        return send(200);
      }
      const cert = Buffer.concat([
        Buffer.from([0x01]),
        Buffer.from((counter++).toString(16).padStart(8, "0"), "hex"),
        createHash("sha256").update(body).digest(),
      ]);
      blobs.set(cert.toString("hex"), body);
      return send(200, cert);
    }
    const m = /^\/get\/0x([0-9a-f]+)$/.exec(url.pathname);
    if (m !== null && req.method === "GET") {
      if (rejected.has(m[1]) || !m[1].startsWith("01")) return send(418, "certificate verification failed");
      const blob = blobs.get(m[1]);
      if (blob === undefined) return send(404, "no such certificate");
      if (corrupt > 0) {
        corrupt--;
        const bad = Buffer.from(blob);
        bad[bad.length >> 1] ^= 0x5a;
        return send(200, bad);
      }
      return send(200, blob);
    }
    return send(404, "unknown route");
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: Error) => {
      res.writeHead(500);
      res.end(e.message);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    blobs,
    requests,
    fail503: (n) => {
      fail503 = n;
    },
    fail429: (n) => {
      fail429 = n;
    },
    rejectCertificate: (c) => {
      rejected.add(c.replace(/^0x/, "").toLowerCase());
    },
    corruptGets: (n) => {
      corrupt = n;
    },
    emptyNextPut: () => {
      emptyPut = true;
    },
    failNextWith: (s) => {
      failWith = s;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
