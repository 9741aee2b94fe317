// Where the node fetches a commitment's blob from, given only the on-chain blobDigest (keccak256).
import { stat } from "node:fs/promises";

import { BlobNotFoundError, type BlobRef, type BlobStore, type LocalBlobStore } from "../blobstore/index.js";

/** Fetches blob bytes by their keccak256; throws BlobNotFoundError when the DA layer does not (yet) hold them. */
export interface BlobSource {
  fetch(blobDigest: string): Promise<Uint8Array>;
}

/** A local content-addressed store: the digest is the ref. */
export function localBlobSource(store: LocalBlobStore): BlobSource {
  return {
    async fetch(digest) {
      const d = digest.toLowerCase();
      let size: number;
      try {
        size = (await stat(store.pathOf(d))).size;
      } catch {
        throw new BlobNotFoundError(`blob ${d} is not in the local store ${store.dir}`);
      }
      const ref: BlobRef = { store: "local", commitment: d, keccak256: d, size, chunks: 0 };
      return store.get(ref);
    },
  };
}

/**
 * Any store, with refs looked up by digest (an EigenDA certificate is not derivable from the digest: the member
 * publishes its refs, e.g. next to its snapshot summary, and `resolve` finds them).
 */
export function resolvingBlobSource(
  store: BlobStore,
  resolve: (digest: string) => Promise<BlobRef | undefined>,
): BlobSource {
  return {
    async fetch(digest) {
      const ref = await resolve(digest.toLowerCase());
      if (ref === undefined) throw new BlobNotFoundError(`no blob ref known for ${digest}`);
      return store.get(ref);
    },
  };
}
