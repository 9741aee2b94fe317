// The leaves a fraud proof needs, fetched from the DA layer instead of handed over as a file: the member's committed
// set at the record's t (read from the ledger and checked against its stored digest, src/consortium/published.ts)
// gives the asset's blobDigest; a blob source (src/node/blobs.ts: a local store by the digest, or any store through
// the refs the member published on-chain) returns the bytes whose keccak256 is that digest; the asset's DA blob
// (src/poa/blob.ts: PoA + leaves) yields the leaves payload.
import type { Provider } from "ethers";

import { committedSet } from "../consortium/published.js";
import type { BlobLocation, BlobSource } from "../node/blobs.js";
import { decodeAssetBlob } from "../poa/blob.js";
import { leavesOfBlob } from "../poa/blob-container.js";

/**
 * The set is private (docs/protocol.md section 17): its DA blob is ciphertext for the co-signing operators, so nobody
 * else reads its leaves. Names what the user can do instead.
 */
export class PrivateSetLeavesError extends Error {
  override name = "PrivateSetLeavesError";
  constructor(at: BlobLocation) {
    super(
      `the set of ${at.member} at t ${at.t} is private: the DA blob of asset ${at.asset} is ciphertext for the ` +
        "operators (encrypted to their registered keys), so its leaves cannot be read here. Ask a recipient " +
        "operator's node for the committed path at your record's slot and prove with it: `fraud prove <record> " +
        "--path-url <operator node>` (the path is checked against the on-chain root hash); or forward the record " +
        "to the operators' verifier services (`record forward --verifier-url`) and let their nodes prove it",
    );
  }
}

/** The committed leaves payload of `(member, asset, t)`, with the digest and root it was committed under. */
export async function committedLeaves(
  provider: Provider,
  ledger: string,
  at: BlobLocation,
  source: BlobSource,
): Promise<{ leaves: Uint8Array; blobDigest: string; rootHash: bigint }> {
  const set = await committedSet(provider, ledger, at.member, at.t);
  const c = set.commitments.find((x) => x.asset === at.asset);
  if (c === undefined) throw new Error(`member ${at.member} committed no root for asset ${at.asset} at t ${at.t}`);
  if (set.isPrivate) throw new PrivateSetLeavesError(at);
  const bytes = await source.fetch(c.blobDigest, at);
  const what = `the DA blob ${c.blobDigest} of asset ${at.asset} of ${at.member} at t ${at.t}`;
  // The DA blob is the asset's PoA and its leaves (PORB; its PoA part validated here too); a bare leaves payload (PORL)
  // is taken as it is.
  const leaves = leavesOfBlob(bytes, what);
  if (leaves !== bytes) decodeAssetBlob(bytes, what);
  return { leaves, blobDigest: c.blobDigest, rootHash: c.rootHash };
}
