// Interim attestations (IA), reserve attestations (RA) and auditor sampling, as the Attestations contract takes them:
// the EIP-712 domain and types, the record hash, signing, reading posted IAs back from their events, and the sample's
// ranks from its seed (docs/protocol.md, "Attestations").
import {
  AbiCoder,
  getAddress,
  isAddress,
  keccak256,
  TypedDataEncoder,
  type EventLog,
  type TypedDataDomain,
} from "ethers";

import type { Attestations } from "../../types/ethers-contracts/index.js";
import type { TypedDataSigner } from "../chain/index.js";
import type { SignedAttestation } from "../consortium/attestation.js";

export const ATTESTATIONS_DOMAIN_NAME = "PoR Attestations";
export const ATTESTATIONS_DOMAIN_VERSION = "1";

/** The Attestations contract's EIP-712 domain. */
export function attestationsDomain(chainId: bigint, attestations: string): TypedDataDomain {
  return {
    name: ATTESTATIONS_DOMAIN_NAME,
    version: ATTESTATIONS_DOMAIN_VERSION,
    chainId,
    verifyingContract: attestations,
  };
}

/** Statuses, as `IAttestations.InterimStatus`. */
export const INTERIM_STATUS = ["None", "Open", "Settled", "Missed", "NetSettled"] as const;
export type InterimStatusName = (typeof INTERIM_STATUS)[number];

/** What a member posts for one withdrawal. */
export interface Interim {
  asset: number;
  amount: bigint;
  destinationDigest: string;
  txRef: string;
  deadline: bigint;
}

/** A posted IA, as `InterimPosted` carries it. */
export interface InterimRecord {
  member: string;
  asset: number;
  seq: bigint;
  amount: bigint;
  cumulative: bigint;
  destinationDigest: string;
  txRef: string;
  deadline: bigint;
  postedAt: bigint;
  /** The seq whose storage slot holds it: its own, or that of the final IA whose slot it took (`postInterimInto`). */
  slot: bigint;
}

export interface Findings {
  critical: number;
  high: number;
  medium: number;
  low: number;
  /** Basis points, 10000: no concern. */
  score: number;
  sampleSize: number;
  sampleFailures: number;
}

export interface AssetReserve {
  asset: number;
  reserves: bigint;
  /** The last IA accounted for (0: none). */
  throughSeq: bigint;
}

export interface ReserveAttestation {
  member: string;
  auditor: string;
  periodStart: bigint;
  periodEnd: bigint;
  nonce: bigint;
  findings: Findings;
  reportDigest: string;
  reserves: AssetReserve[];
}

const RECORD_TUPLE =
  "tuple(address member,uint32 asset,uint64 seq,uint128 amount,uint128 cumulative,bytes32 destinationDigest," +
  "bytes32 txRef,uint64 deadline,uint64 postedAt,uint64 slot)";

/** keccak256 of the ABI-encoded record (what the contract stores, less its status bits). */
export function interimRecordHash(record: InterimRecord): string {
  return keccak256(AbiCoder.defaultAbiCoder().encode([RECORD_TUPLE], [record]));
}

/** `interimIdOf(member, asset, seq)`. */
export function interimIdOf(member: string, asset: number, seq: bigint): string {
  return keccak256(AbiCoder.defaultAbiCoder().encode(["address", "uint32", "uint64"], [member, asset, seq]));
}

/**
 * The IA's `destinationDigest`: keccak256 of the destination address as its chain writes it (the UTF-8 text; an EVM
 * address in its EIP-55 checksummed form, whatever its case given).
 */
export function destinationDigestOf(destination: string): string {
  const text = isAddress(destination) ? getAddress(destination) : destination;
  return keccak256(new TextEncoder().encode(text));
}

export const INTERIM_VERDICT_TYPES = {
  InterimVerdict: [
    { name: "interimId", type: "bytes32" },
    { name: "recordHash", type: "bytes32" },
    { name: "settled", type: "bool" },
  ],
};

export const RESERVE_ATTESTATION_TYPES = {
  ReserveAttestation: [
    { name: "member", type: "address" },
    { name: "auditor", type: "address" },
    { name: "periodStart", type: "uint64" },
    { name: "periodEnd", type: "uint64" },
    { name: "nonce", type: "uint64" },
    { name: "findings", type: "Findings" },
    { name: "reportDigest", type: "bytes32" },
    { name: "reserves", type: "AssetReserve[]" },
  ],
  Findings: [
    { name: "critical", type: "uint16" },
    { name: "high", type: "uint16" },
    { name: "medium", type: "uint16" },
    { name: "low", type: "uint16" },
    { name: "score", type: "uint16" },
    { name: "sampleSize", type: "uint32" },
    { name: "sampleFailures", type: "uint32" },
  ],
  AssetReserve: [
    { name: "asset", type: "uint32" },
    { name: "reserves", type: "uint128" },
    { name: "throughSeq", type: "uint64" },
  ],
};

const verdictValue = (record: InterimRecord, settled: boolean) => ({
  interimId: interimIdOf(record.member, record.asset, record.seq),
  recordHash: interimRecordHash(record),
  settled,
});

/** The EIP-712 digest an operator signs for an IA verdict (equals `interimVerdictDigest`). */
export function interimVerdictDigest(domain: TypedDataDomain, record: InterimRecord, settled: boolean): string {
  return TypedDataEncoder.hash(domain, INTERIM_VERDICT_TYPES, verdictValue(record, settled));
}

type Signer = TypedDataSigner & { getAddress(): Promise<string> };

/** An operator's signature on an IA verdict (pack several with `packSignatures`). */
export async function signInterimVerdict(
  signer: Signer,
  domain: TypedDataDomain,
  record: InterimRecord,
  settled: boolean,
): Promise<SignedAttestation> {
  const signature = await signer.signTypedData(domain, INTERIM_VERDICT_TYPES, verdictValue(record, settled));
  return { signer: await signer.getAddress(), signature };
}

/** The EIP-712 digest of an RA (equals `reserveAttestationDigest`). */
export function reserveAttestationDigest(domain: TypedDataDomain, ra: ReserveAttestation): string {
  return TypedDataEncoder.hash(domain, RESERVE_ATTESTATION_TYPES, { ...ra });
}

/** The auditor's signature on an RA. */
export async function signReserveAttestation(
  auditor: Signer,
  domain: TypedDataDomain,
  ra: ReserveAttestation,
): Promise<string> {
  return auditor.signTypedData(domain, RESERVE_ATTESTATION_TYPES, { ...ra });
}

/** The record an `InterimPosted` event carries (from its decoded arguments). */
export function interimRecordFromArgs(args: { record: unknown }): InterimRecord {
  const r = args.record as InterimRecord;
  if (r.slot === undefined || r.slot === null) {
    throw new Error(
      `IA record of seq ${String(r.seq)} has no slot: it is from an Attestations contract before storage slots ` +
        `(2026-12-07); deploy anew and start nodes and aggregators on new databases`,
    );
  }
  return {
    member: r.member,
    asset: Number(r.asset),
    seq: BigInt(r.seq),
    amount: BigInt(r.amount),
    cumulative: BigInt(r.cumulative),
    destinationDigest: r.destinationDigest,
    txRef: r.txRef,
    deadline: BigInt(r.deadline),
    postedAt: BigInt(r.postedAt),
    slot: BigInt(r.slot),
  };
}

/** The record an `InterimPosted` event log carries. */
export function interimRecordFromEvent(event: EventLog): InterimRecord {
  return interimRecordFromArgs(event.args as unknown as { record: unknown });
}

/** A posted IA with its id and status now. */
export interface PostedInterim {
  interimId: string;
  record: InterimRecord;
  status: InterimStatusName;
}

/**
 * The IAs posted on `attestations` (of `member`, or everyone's), oldest first, with their status now. A final IA whose
 * slot a later IA took (`postInterimInto`) no longer matches its slot; its status is then its verdict's, from its
 * `InterimAttested` event.
 */
export async function postedInterims(
  attestations: Attestations,
  member: string | undefined,
  fromBlock: number,
): Promise<PostedInterim[]> {
  const filter = attestations.filters.InterimPosted(undefined, member);
  const logs = (await attestations.queryFilter(filter, fromBlock)) as unknown as EventLog[];
  const out: PostedInterim[] = [];
  let verdicts: Map<string, boolean> | undefined;
  for (const log of logs) {
    const record = interimRecordFromEvent(log);
    const interimId = log.args.interimId as string;
    let status: InterimStatusName = INTERIM_STATUS[Number(await attestations.interimStatusOf(record))];
    if (status === "None") {
      verdicts ??= await verdictsOf(attestations, member, fromBlock);
      const settled = verdicts.get(interimId);
      if (settled !== undefined) status = settled ? "Settled" : "Missed";
    }
    out.push({ interimId, record, status });
  }
  return out;
}

/**
 * The status of the IA `record` describes, as `interimStatusOf` reads it, except for a final IA whose slot a later IA
 * took (`postInterimInto`): its status is then its verdict's (`InterimAttested` under its id), provided `record` is the
 * one posted (`InterimPosted` under its id, the same hash); None otherwise.
 */
export async function interimStatusNow(
  attestations: Attestations,
  record: InterimRecord,
  fromBlock = 0,
): Promise<InterimStatusName> {
  const status = INTERIM_STATUS[Number(await attestations.interimStatusOf(record))];
  if (status !== "None") return status;
  const id = interimIdOf(record.member, record.asset, record.seq);
  const posted = (await attestations.queryFilter(
    attestations.filters.InterimPosted(id),
    fromBlock,
  )) as unknown as EventLog[];
  if (!posted.some((log) => interimRecordHash(interimRecordFromEvent(log)) === interimRecordHash(record)))
    return "None";
  const attested = (await attestations.queryFilter(
    attestations.filters.InterimAttested(id),
    fromBlock,
  )) as unknown as EventLog[];
  const last = attested.at(-1);
  if (last === undefined) return "None";
  return (last.args.settled as boolean) ? "Settled" : "Missed";
}

/** The last verdict of each attested IA (of `member`, or everyone's), by IA id: true for settled. */
async function verdictsOf(
  attestations: Attestations,
  member: string | undefined,
  fromBlock: number,
): Promise<Map<string, boolean>> {
  const logs = (await attestations.queryFilter(
    attestations.filters.InterimAttested(undefined, member),
    fromBlock,
  )) as unknown as EventLog[];
  return new Map(logs.map((log) => [log.args.interimId as string, log.args.settled as boolean]));
}

/**
 * The IAs of `member` in `asset` whose slots a new IA may take (`postInterimInto`), oldest first: each the latest
 * record of its slot, final (Settled or Missed) and below the baseline's last IA (`AssetBook.throughSeq`).
 */
export async function freeInterimSlots(
  attestations: Attestations,
  member: string,
  asset: number,
  fromBlock: number,
): Promise<InterimRecord[]> {
  const throughSeq = (await attestations.assetBookOf(member, asset)).throughSeq;
  if (throughSeq <= 1n) return [];
  const logs = (await attestations.queryFilter(
    attestations.filters.InterimPosted(undefined, member, asset),
    fromBlock,
  )) as unknown as EventLog[];
  const holders = new Map<bigint, InterimRecord>();
  for (const log of logs) {
    const record = interimRecordFromEvent(log);
    holders.set(record.slot, record);
  }
  const free: InterimRecord[] = [];
  for (const record of holders.values()) {
    if (record.seq >= throughSeq) continue;
    const status = INTERIM_STATUS[Number(await attestations.interimStatusOf(record))];
    if (status === "Settled" || status === "Missed") free.push(record);
  }
  return free.sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
}

/**
 * `interims` in the order `postInterims` takes them with `freed`: each IA given a free slot of its asset while any is
 * left (from `free`, per asset, oldest first), those first; within an asset the order (and so the seqs) stays.
 */
export function withFreeSlots(
  interims: Interim[],
  free: Map<number, InterimRecord[]>,
): { interims: Interim[]; freed: InterimRecord[] } {
  const taken = new Map<number, number>();
  const reusing: Interim[] = [];
  const freed: InterimRecord[] = [];
  const fresh: Interim[] = [];
  for (const interim of interims) {
    const index = taken.get(interim.asset) ?? 0;
    const slot = free.get(interim.asset)?.[index];
    if (slot === undefined) {
      fresh.push(interim);
      continue;
    }
    taken.set(interim.asset, index + 1);
    reusing.push(interim);
    freed.push(slot);
  }
  return { interims: [...reusing, ...fresh], freed };
}

/**
 * IAs per `postInterims` transaction: about 38,000 gas each, so 400 stay under the 2^24 gas cap of one transaction
 * (15 million of 16.8).
 */
export const INTERIM_BATCH = 400;
/**
 * Calldata bytes per `postInterims` transaction, at most: an IA is 160 bytes, a freed record another 320, and geth's
 * pool refuses a transaction over 128 KiB (400 IAs with freed records would be 192,132 bytes).
 */
export const INTERIM_BATCH_BYTES = 100_000;

/**
 * `withFreeSlots`' order cut into `postInterims` transactions, in order: each at most {@link INTERIM_BATCH} IAs and
 * {@link INTERIM_BATCH_BYTES} of IAs and freed records (the freed records come first, so each batch's freed records are
 * its first IAs').
 */
export function interimBatches(ordered: {
  interims: Interim[];
  freed: InterimRecord[];
}): { interims: Interim[]; freed: InterimRecord[] }[] {
  const out: { interims: Interim[]; freed: InterimRecord[] }[] = [];
  for (let i = 0; i < ordered.interims.length;) {
    let end = i;
    for (let bytes = 0; end < ordered.interims.length && end - i < INTERIM_BATCH; end++) {
      bytes += 160 + (end < ordered.freed.length ? 320 : 0);
      if (bytes > INTERIM_BATCH_BYTES) break;
    }
    out.push({
      interims: ordered.interims.slice(i, end),
      freed: ordered.freed.slice(i, Math.min(end, ordered.freed.length)),
    });
    i = end;
  }
  return out;
}

/**
 * The ranks, among a snapshot's populated leaves in slot order (0 = the lowest slot), that a sample of `size` with
 * `seed` selects out of `leafCount`: for i = 0, 1, 2, ... the rank `uint256(keccak256(abi.encode(seed, i))) %
 * leafCount`, skipping ranks already drawn, until `min(size, leafCount)` distinct ranks.
 */
export function sampleRanks(seed: string, size: number, leafCount: number): number[] {
  if (!Number.isSafeInteger(leafCount) || leafCount < 0) throw new Error(`leaf count ${leafCount}: not a count`);
  const wanted = Math.min(size, leafCount);
  const drawn = new Set<number>();
  const out: number[] = [];
  const coder = AbiCoder.defaultAbiCoder();
  for (let i = 0n; out.length < wanted; i++) {
    const rank = Number(BigInt(keccak256(coder.encode(["bytes32", "uint256"], [seed, i]))) % BigInt(leafCount));
    if (drawn.has(rank)) continue;
    drawn.add(rank);
    out.push(rank);
  }
  return out;
}
