// Where the node fetches a commitment's blob from, given the on-chain blobDigest (keccak256) and the commitment it
// belongs to: the local content-addressed store (the digest is the ref), or any store through the refs the member
// published on-chain (`BlobRefPublished`; an EigenDA certificate is not derivable from the digest).
import { stat } from "node:fs/promises";

import { Contract, type EventLog, type Provider } from "ethers";

import {
  LocalBlobStore,
  blobStoreOf,
  BlobIntegrityError,
  BlobNotFoundError,
  BlobRefRejectedError,
  BlobStoreError,
  type BlobRef,
  type BlobStore,
} from "../blobstore/index.js";
import { decodeBlobRef } from "../blobstore/ref-encoding.js";
import { EvidenceUnavailableError } from "../chain/rpc.js";
import { COMMITMENT_LEDGER_ABI as LEDGER_ABI } from "../generated/abi.js";
import type { Logger } from "../log/index.js";
import { withRetry } from "../chain/retry.js";

/** The commitment a blob is fetched for: member, snapshot time, asset. */
export interface BlobLocation {
  member: string;
  t: bigint;
  asset: number;
}

/** Fetches blob bytes by their keccak256; throws BlobNotFoundError when the DA layer does not (yet) hold them. */
export interface BlobSource {
  fetch(blobDigest: string, at: BlobLocation): Promise<Uint8Array>;
}

/**
 * A local content-addressed store: the digest is the ref. A missing or corrupt file is a {@link BlobNotFoundError}
 * (it counts toward the node's `blobAttempts`, then fails `blob-available`); a file that cannot be read for another
 * reason (permissions, I/O) is {@link EvidenceUnavailableError}: retried, never judged.
 */
export function localBlobSource(store: LocalBlobStore): BlobSource {
  return {
    async fetch(digest) {
      const d = digest.toLowerCase();
      let size: number;
      try {
        size = (await stat(store.pathOf(d))).size;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") {
          throw new EvidenceUnavailableError("da", `blob ${d}: the local store ${store.dir} is unreadable`, {
            cause: e,
          });
        }
        throw new BlobNotFoundError(`blob ${d} is not in the local store ${store.dir}`);
      }
      const ref: BlobRef = { store: "local", commitment: d, keccak256: d, size, chunks: 0 };
      try {
        return await store.get(ref);
      } catch (e) {
        if (e instanceof BlobIntegrityError) throw new BlobNotFoundError(`no intact copy of blob ${d}: ${e.message}`);
        throw e;
      }
    },
  };
}

/** One `BlobRefPublished` event: the encoded ref and where it was logged. */
export interface PublishedBlobRef {
  /** The encoded ref (src/blobstore/ref-encoding.ts), 0x hex. */
  ref: string;
  blockNumber: number;
  logIndex: number;
  transactionHash: string;
}

/** The refs `at.member` published for `(at.t, at.asset)` on the ledger, newest first. */
export async function publishedBlobRefs(
  provider: Provider,
  ledger: string,
  at: BlobLocation,
): Promise<PublishedBlobRef[]> {
  const l = new Contract(ledger, LEDGER_ABI, provider);
  const logs = await l.queryFilter(l.filters.BlobRefPublished(at.member, at.t, at.asset), 0, "latest");
  return logs
    .filter((log): log is EventLog => "args" in log)
    .map((log) => ({
      ref: (log.args[3] as string).toLowerCase(),
      blockNumber: log.blockNumber,
      logIndex: log.index,
      transactionHash: log.transactionHash,
    }))
    .sort((a, b) => b.blockNumber - a.blockNumber || b.logIndex - a.logIndex);
}

/**
 * Any store (the EigenDA proxy client in production), with the refs the member published on-chain: for the
 * commitment being verified, every `BlobRefPublished` ref is decoded, those whose keccak256 is not the committed
 * digest (or of another store kind) are passed over, and the rest are fetched newest first; the store re-hashes
 * what it returns. A ref that is malformed, whose blob the store does not hold, whose certificate the store rejects
 * (EigenDA 418) or whose bytes hash to something else only sends the node to the next older one; when none yields the blob, a {@link BlobNotFoundError} says why for
 * each (the node retries, then judges the blob unavailable). Other store errors (the DA network down or rate-limiting,
 * an unexpected HTTP status) propagate: they are not the member's fault, so the node retries without judging.
 */
export function publishedRefBlobSource(
  store: BlobStore,
  provider: Provider,
  ledger: string,
  options: { log?: Logger } = {},
): BlobSource {
  return {
    async fetch(digest, at) {
      const d = digest.toLowerCase();
      const what = `asset ${at.asset} of ${at.member} at t ${at.t}`;
      const published = await withRetry(() => publishedBlobRefs(provider, ledger, at), {
        log: options.log,
        what: "BlobRefPublished logs",
      });
      if (published.length === 0) throw new BlobNotFoundError(`no blob ref published for ${what}`);
      const passed: string[] = [];
      for (const p of published) {
        const where = `ref of tx ${p.transactionHash} (block ${p.blockNumber})`;
        let ref: BlobRef;
        try {
          ref = decodeBlobRef(p.ref);
        } catch (e) {
          if (!(e instanceof BlobStoreError)) throw e;
          passed.push(`${where}: ${e.message}`);
          continue;
        }
        if (ref.keccak256 !== d) {
          passed.push(`${where}: is for keccak256 ${ref.keccak256}, not the committed ${d}`);
          continue;
        }
        if (ref.store !== store.kind) {
          passed.push(`${where}: a ${ref.store} ref; this node reads ${store.kind}`);
          continue;
        }
        try {
          return await store.get(ref);
        } catch (e) {
          if (!(
            e instanceof BlobNotFoundError ||
            e instanceof BlobIntegrityError ||
            e instanceof BlobRefRejectedError
          )) {
            throw e;
          }
          passed.push(`${where}: ${e.message}`);
          options.log?.warn("published blob ref does not yield the committed blob", {
            member: at.member,
            t: at.t,
            asset: at.asset,
            tx: p.transactionHash,
            error: e.message,
          });
        }
      }
      throw new BlobNotFoundError(
        `none of the ${published.length} blob ref(s) published for ${what} yields blob ${d}: ${passed.join("; ")}`,
      );
    },
  };
}

/**
 * The blob source of a client's `--blob-dir <local store>` (by the digest) or `--eigenda-url <proxy>` (through the
 * refs published on `ledger`); undefined when neither is given. Both at once is an error.
 */
export function blobSourceOf(
  options: { blobDir?: string; eigendaUrl?: string },
  provider: Provider,
  ledger: string,
): BlobSource | undefined {
  if ((options.blobDir ?? "") === "" && (options.eigendaUrl ?? "") === "") return undefined;
  const store = blobStoreOf(options, "reading DA blobs");
  return store instanceof LocalBlobStore ? localBlobSource(store) : publishedRefBlobSource(store, provider, ledger);
}
