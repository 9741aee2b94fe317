// A small pool of worker threads running the pure-JS kernels, one worker per core.
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

import type { WorkerJob, WorkerResult } from "./worker.js";

type JobSpec =
  | { op: "level" | "leaves" | "verify"; data: Uint8Array }
  | { op: "sign"; data: Uint8Array; key: Uint8Array }
  | { op: "poseidon"; data: Uint8Array; arity: number };

interface Slot {
  worker: Worker;
  busy: number;
}

/** Spreads batch jobs over worker threads; workers are unreferenced while idle so they never hold the process. */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, { resolve: (d: Uint8Array) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private rr = 0;
  /** Set once a worker failed: the pool refuses further jobs instead of waiting forever. */
  private broken: Error | undefined;

  /** Starts `size` workers (default: the number of cores). */
  constructor(size: number = availableParallelism()) {
    const self = import.meta.url;
    const isTs = self.endsWith(".ts");
    const url = new URL(isTs ? "./worker.ts" : "./worker.js", self);
    // Under TypeScript sources (tests, tsx), the worker needs the same loader as the main thread.
    const execArgv = isTs ? ["--import", pathToFileURL(createRequire(self).resolve("tsx")).href] : [];
    for (let i = 0; i < Math.max(1, size); i++) {
      const worker = new Worker(url, { execArgv });
      worker.unref();
      worker.on("message", (res: WorkerResult) => this.onResult(slot, res));
      worker.on("error", (e: Error) => this.failAll(e));
      worker.on("exit", (code) => {
        this.failAll(new Error(`a crypto worker thread exited (code ${code})`));
      });
      const slot: Slot = { worker, busy: 0 };
      this.slots.push(slot);
    }
  }

  /** Whether the pool takes jobs (no worker failed). */
  get usable(): boolean {
    return this.broken === undefined;
  }

  /** Number of workers. */
  get size(): number {
    return this.slots.length;
  }

  private onResult(slot: Slot, res: WorkerResult): void {
    slot.busy--;
    if (slot.busy === 0) slot.worker.unref();
    const p = this.pending.get(res.id);
    if (p === undefined) return;
    this.pending.delete(res.id);
    if (res.ok) p.resolve(res.data);
    else p.reject(new Error(res.error));
  }

  private failAll(e: Error): void {
    this.broken ??= e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  /** Runs one job on the next worker. */
  run(spec: JobSpec): Promise<Uint8Array> {
    if (this.broken !== undefined) return Promise.reject(this.broken);
    const slot = this.slots[this.rr++ % this.slots.length];
    const id = this.nextId++;
    const job = { id, ...spec } as WorkerJob;
    return new Promise<Uint8Array>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (slot.busy === 0) slot.worker.ref();
      slot.busy++;
      slot.worker.postMessage(job);
    });
  }
}
