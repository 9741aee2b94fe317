// Worker-thread entry of the pure-JS crypto pool: runs batch kernels on the buffers it is sent.
import { createRequire } from "node:module";
import { parentPort } from "node:worker_threads";

import { hashLeavesJs, hashLevelJs, poseidonManyJs, signManyBytesJs, verifyManyBytesJs } from "./kernels.js";
import { loadJsPoseidon } from "./poseidon-js.js";

/** A job sent to a worker. */
export type WorkerJob =
  | { id: number; op: "level"; data: Uint8Array }
  | { id: number; op: "leaves"; data: Uint8Array }
  | { id: number; op: "sign"; data: Uint8Array; key: Uint8Array }
  | { id: number; op: "poseidon"; data: Uint8Array; arity: number }
  | { id: number; op: "verify"; data: Uint8Array };

/** A worker's answer. */
export type WorkerResult = { id: number; ok: true; data: Uint8Array } | { id: number; ok: false; error: string };

/**
 * circomlibjs loads ffjavascript, which loads the `web-worker` package; that package, imported inside any worker
 * thread, assumes it is its own worker bootstrap and crashes. We only use ffjavascript single-threaded, so we let
 * it see a main thread while it loads, then restore the flag.
 */
async function loadPoseidonInWorker(): ReturnType<typeof loadJsPoseidon> {
  const threads = createRequire(import.meta.url)("node:worker_threads") as { isMainThread: boolean };
  const saved = Object.getOwnPropertyDescriptor(threads, "isMainThread");
  Object.defineProperty(threads, "isMainThread", { value: true, configurable: true, writable: true });
  try {
    return await loadJsPoseidon();
  } finally {
    if (saved !== undefined) Object.defineProperty(threads, "isMainThread", saved);
  }
}

const port = parentPort;
if (port !== null) {
  const poseidonReady = loadPoseidonInWorker();
  port.on("message", (job: WorkerJob) => {
    void (async () => {
      try {
        const poseidon = await poseidonReady;
        let data: Uint8Array;
        if (job.op === "level") data = hashLevelJs(job.data, poseidon);
        else if (job.op === "leaves") data = hashLeavesJs(job.data, poseidon);
        else if (job.op === "poseidon") data = poseidonManyJs(job.arity, job.data, poseidon);
        else if (job.op === "verify") data = verifyManyBytesJs(job.data, poseidon);
        else data = signManyBytesJs(job.key, job.data, poseidon);
        const res: WorkerResult = { id: job.id, ok: true, data };
        port.postMessage(res, [data.buffer as ArrayBuffer]);
      } catch (e) {
        const res: WorkerResult = { id: job.id, ok: false, error: e instanceof Error ? e.message : String(e) };
        port.postMessage(res);
      }
    })();
  });
}
