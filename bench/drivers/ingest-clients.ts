// HTTP clients of the verifier service in their own process, for bench/verifier-service.bench.ts (so the service's
// event loop is not shared with the clients' fetch work, as with real, remote clients):
// `node --import tsx bench/drivers/ingest-clients.ts <bodies file> <records URL> <clients>`. The bodies file holds one
// request body (JSON) per line. Prints "ready" once loaded, starts on the first line read from stdin, then prints one
// JSON line: wall and CPU seconds of the run and each request's latency (ms), in completion order.
import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline";

const [file, url, clients] = process.argv.slice(2);
const bodies = (await readFile(file, "utf8")).split("\n").filter((l) => l.length > 0);
const lines = createInterface({ input: process.stdin });
const go = new Promise<void>((resolve) => lines.once("line", () => resolve()));
process.stdout.write("ready\n");
await go;
lines.close();

const latencies: number[] = [];
let next = 0;
const client = async () => {
  for (let b = next++; b < bodies.length; b = next++) {
    const started = performance.now();
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: bodies[b] });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${text}`);
    latencies.push(performance.now() - started);
  }
};
const t0 = performance.now();
const cpu0 = process.cpuUsage();
await Promise.all(Array.from({ length: Number(clients) }, client));
const cpu = process.cpuUsage(cpu0);
process.stdout.write(
  JSON.stringify({ wallS: (performance.now() - t0) / 1000, cpuS: (cpu.user + cpu.system) / 1e6, latencies }) + "\n",
);
