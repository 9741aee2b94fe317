// The inputs `audit open` and `audit check` share: a sample read from the chain (its seed fixed), and the DA blob of
// the sampled asset (section 9, `PORB`, or the bare leaves payload of section 5.4 for a set committed without a PoA
// part), checked against the digest the member committed for it; its leaves payload gives the populated slots.
import { readFile } from "node:fs/promises";

import { keccak256, type ContractRunner } from "ethers";

import type { Attestations } from "../../types/ethers-contracts/index.js";
import { committedSet, type CommittedSet } from "../consortium/published.js";
import { BLOB_MAGIC, decodeAssetBlob } from "../poa/blob.js";
import { sampledSlots, type SampledSlots } from "./sampling.js";

/** A sample with its slots and the set it samples. */
export interface SampleInput {
  id: bigint;
  auditor: string;
  member: string;
  t: bigint;
  asset: number;
  deadline: bigint;
  reported: boolean;
  slots: SampledSlots;
  set: CommittedSet;
}

/** Reads sample `id` and the DA blob file of its asset; errors in words for anything that does not match. */
export async function readSampleInput(
  attestations: Attestations,
  runner: ContractRunner,
  ledger: string,
  id: bigint,
  blobFile: string,
): Promise<SampleInput> {
  const s = await attestations.sampleOf(id);
  if (s.auditor === "0x0000000000000000000000000000000000000000") throw new Error(`no sample ${id} was requested`);
  if (/^0x0{64}$/.test(s.seed)) throw new Error(`sample ${id}: its seed is not fixed yet (audit seed ${id})`);
  const set = await committedSet(runner, ledger, s.member, s.t);
  const asset = Number(s.asset);
  const commitment = set.commitments.find((c) => c.asset === asset);
  if (commitment === undefined)
    throw new Error(`sample ${id}: the set of ${s.member} at t ${s.t} has no asset ${asset}`);
  const bytes = await readFile(blobFile);
  if (keccak256(bytes) !== commitment.blobDigest.toLowerCase()) {
    throw new Error(
      `${blobFile}: not the DA blob the member committed for asset ${asset} at t ${s.t} (digest differs)`,
    );
  }
  // The committed blob is a DA container (PORB) or, for a set committed without a PoA part, the leaves payload.
  const leaves = bytes.readUInt32BE(0) === BLOB_MAGIC ? decodeAssetBlob(bytes, blobFile).leaves : bytes;
  const slots = sampledSlots(leaves, s.seed, Number(s.size));
  return {
    id,
    auditor: s.auditor,
    member: s.member,
    t: s.t,
    asset,
    deadline: s.deadline,
    reported: s.reported,
    slots,
    set,
  };
}
