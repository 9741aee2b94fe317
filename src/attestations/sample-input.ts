// The inputs `audit open` and `audit check` share: a sample read from the chain (its seed fixed), and the DA blob of
// the sampled asset (section 9, `PORB`, or the bare leaves payload of section 5.4 for a set committed without a PoA
// part), checked against the digest the member committed for it; its leaves payload gives the populated slots. A
// private set's blob (docs/protocol.md 17.6, "PORP") is checked against the digest in its PrivateRootCommitted record
// and opened with a recipient's encryption key (an auditor's or the member's operator's): its inner PORB blob holds
// the leaves.
import { readFile } from "node:fs/promises";

import { keccak256, type ContractRunner } from "ethers";

import type { Attestations } from "../../types/ethers-contracts/index.js";
import { committedSet, type CommittedSet } from "../consortium/published.js";
import { BLOB_MAGIC, decodeAssetBlob } from "../poa/blob.js";
import { PrivateBlobError, openPrivateBlob, type EncryptionKeyPair } from "../private/blob.js";
import { sampledSlots, type SampledSlots } from "./sampling.js";

/** A recipient of private blobs: its address and X25519 key pair (POR_ENCRYPTION_KEY). */
export interface BlobOpener {
  account: string;
  key: EncryptionKeyPair;
}

/** A sample with its slots and the set it samples. */
export interface SampleInput {
  id: bigint;
  auditor: string;
  member: string;
  t: bigint;
  asset: number;
  /** The size the auditor requested (more than `slots` when the tree has fewer populated leaves). */
  size: number;
  deadline: bigint;
  reported: boolean;
  slots: SampledSlots;
  set: CommittedSet;
}

/**
 * Reads sample `id` and the DA blob file of its asset; errors in words for anything that does not match. A private
 * set's blob is opened with `opener` (called only for a private set: a recipient's address and encryption key).
 */
export async function readSampleInput(
  attestations: Attestations,
  runner: ContractRunner,
  ledger: string,
  id: bigint,
  blobFile: string,
  opener?: () => Promise<BlobOpener>,
): Promise<SampleInput> {
  const s = await attestations.sampleOf(id);
  if (s.auditor === "0x0000000000000000000000000000000000000000") throw new Error(`no sample ${id} was requested`);
  if (/^0x0{64}$/.test(s.seed)) throw new Error(`sample ${id}: its seed is not fixed yet (audit seed ${id})`);
  const set = await committedSet(runner, ledger, s.member, s.t);
  const asset = Number(s.asset);
  const commitment = set.commitments.find((c) => c.asset === asset);
  if (commitment === undefined)
    throw new Error(`sample ${id}: the set of ${s.member} at t ${s.t} has no asset ${asset}`);
  // A private entry's digest is over its commitments and the blob's: the blob's own is in PrivateRootCommitted.
  const priv = set.isPrivate ? set.privateAssets.find((p) => p.asset === asset) : undefined;
  const digest = priv?.blobDigest ?? commitment.blobDigest;
  const bytes = await readFile(blobFile);
  if (keccak256(bytes) !== digest.toLowerCase()) {
    throw new Error(
      `${blobFile}: not the DA blob the member committed for asset ${asset} at t ${s.t} (digest differs)`,
    );
  }
  let container: Uint8Array = bytes;
  if (priv !== undefined) {
    if (opener === undefined) {
      throw new Error(
        `sample ${id}: the set of ${s.member} at t ${s.t} is private: its blob opens only with a recipient's ` +
          `encryption key (POR_ENCRYPTION_KEY)`,
      );
    }
    const { account, key } = await opener();
    const network = await runner.provider?.getNetwork();
    if (network === undefined) throw new Error("the runner has no provider to read the chain id from");
    try {
      container = openPrivateBlob(bytes, account, key, {
        chainId: network.chainId,
        ledger,
        member: s.member,
        asset,
        t: s.t,
      }).inner;
    } catch (e) {
      if (!(e instanceof PrivateBlobError)) throw e;
      throw new Error(`${blobFile}: the private blob does not open for ${account}: ${e.message}`);
    }
  }
  // The committed blob is a DA container (PORB) or, for a set committed without a PoA part, the leaves payload.
  const buf = Buffer.from(container.buffer, container.byteOffset, container.length);
  const leaves = buf.length >= 4 && buf.readUInt32BE(0) === BLOB_MAGIC ? decodeAssetBlob(buf, blobFile).leaves : buf;
  const slots = sampledSlots(leaves, s.seed, Number(s.size));
  return {
    id,
    auditor: s.auditor,
    member: s.member,
    t: s.t,
    asset,
    size: Number(s.size),
    deadline: s.deadline,
    reported: s.reported,
    slots,
    set,
  };
}
