// Data-availability blob store (A5, docs/protocol.md "Data availability (blob store)"): the local content-addressed
// store is the embedded default; the EigenDA proxy client is for production. What they share is in ./core.ts.
export * from "./core.js";
export { LocalBlobStore } from "./local.js";
export {
  EigenDaProxyClient,
  MANIFEST_FORMAT,
  decodeManifest,
  encodeManifest,
  type EigenDaOptions,
  type Manifest,
} from "./eigenda.js";

import type { BlobStore } from "./core.js";
import { EigenDaProxyClient } from "./eigenda.js";
import { LocalBlobStore } from "./local.js";

/**
 * The blob store a task's `--blob-dir` (local) or `--eigenda-url` (EigenDA proxy) names: exactly one of them, or an
 * error naming what needs it (`neededBy`, e.g. "--leaves").
 */
export function blobStoreOf(options: { blobDir?: string; eigendaUrl?: string }, neededBy: string): BlobStore {
  const local = options.blobDir !== undefined && options.blobDir !== "";
  const eigenda = options.eigendaUrl !== undefined && options.eigendaUrl !== "";
  if (local && eigenda) throw new Error("--blob-dir and --eigenda-url are exclusive: the blobs go to one store");
  if (eigenda) {
    return new EigenDaProxyClient(options.eigendaUrl!, {
      onRetry: (r) => console.error(`EigenDA ${r.op}: ${r.reason}; retry ${r.attempt} in ${r.delayMs} ms`),
    });
  }
  if (!local) throw new Error(`${neededBy} needs --blob-dir (local blob store) or --eigenda-url (EigenDA)`);
  return new LocalBlobStore(options.blobDir!);
}
