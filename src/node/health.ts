// The health endpoint every long-running service serves (`GET /health`): a JSON snapshot of the service's own view of
// its liveness, 200 when `status` is "ok", 503 otherwise. Binding failures (a port in use) are configuration errors in
// words; a client that disconnects is logged at debug level only.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import type { Logger } from "../log/index.js";
import { ConfigError } from "./config.js";

/** What a health snapshot has at least. */
export interface HealthSnapshot {
  status: string;
}

/** Options of {@link serveHealth}. */
export interface HealthServerOptions {
  port: number;
  host?: string;
  /** The configuration setting that chose the port (named in a binding error). */
  setting: string;
  /** The current snapshot. */
  read: () => HealthSnapshot;
  log: Logger;
}

/** True for the errors of a client that went away mid-request (not the service's problem). */
export function isClientDisconnect(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  // HPE_INVALID_EOF_STATE: the client closed the connection in the middle of a request.
  return (
    code === "ECONNRESET" ||
    code === "EPIPE" ||
    code === "ECONNABORTED" ||
    code === "ERR_STREAM_PREMATURE_CLOSE" ||
    code === "HPE_INVALID_EOF_STATE"
  );
}

/**
 * Listens on `host:port` (`port` 0: any free port) and resolves once bound, with the server. A port in use, or an
 * address that cannot be bound, rejects with a {@link ConfigError} naming `setting`.
 */
export function listen(server: Server, port: number, host: string, setting: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      server.off("listening", onListening);
      const why = e.code === "EADDRINUSE" ? "is already in use" : `cannot be bound (${e.code ?? e.message})`;
      reject(new ConfigError(setting, `${host}:${port} ${why}`));
    };
    const onListening = () => {
      server.off("error", onError);
      resolve();
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });
}

/** Logs a server's client errors (a disconnect at debug level) instead of letting them surface as exceptions. */
export function quietClientErrors(server: Server, log: Logger): void {
  server.on("clientError", (e: NodeJS.ErrnoException, socket) => {
    const timedOut = e.code === "ERR_HTTP_REQUEST_TIMEOUT";
    if (isClientDisconnect(e)) log.debug("client disconnected", { error: e.message });
    else if (timedOut) log.debug("slow client cut off: request not received in time", { error: e.message });
    else log.warn("malformed HTTP request", { error: e.message, code: e.code });
    if (!isClientDisconnect(e) && socket.writable) {
      const status = timedOut ? "408 Request Timeout" : "400 Bad Request";
      socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      setTimeout(() => socket.destroy(), 1_000).unref();
    } else socket.destroy();
  });
}

/** Starts the health endpoint. */
export async function serveHealth(o: HealthServerOptions): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method === "GET" && (req.url === "/health" || req.url === "/healthz")) {
      const h = o.read();
      res.writeHead(h.status === "ok" ? 200 : 503, { "content-type": "application/json" });
      res.end(JSON.stringify(h, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)));
    } else {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "not found" }));
    }
  });
  quietClientErrors(server, o.log);
  await listen(server, o.port, o.host ?? "127.0.0.1", o.setting);
  return server;
}

/** The port a server is bound to. */
export function boundPort(server: Server | undefined): number | undefined {
  const a = server?.address();
  return a !== null && typeof a === "object" ? (a as AddressInfo).port : undefined;
}

/** Closes a server and every connection it holds. */
export function closeServer(server: Server | undefined): Promise<void> {
  if (server === undefined || !server.listening) return Promise.resolve();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  return closed;
}
