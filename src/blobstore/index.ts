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
