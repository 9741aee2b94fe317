// IA verdict files: what `interim attest` writes (one operator's signature on one IA's verdict) and `interim submit`
// reads and merges (`por.interim-verdict` version 2: version 1 records had no `slot`).
import { readFile } from "node:fs/promises";

import { getAddress, verifyTypedData } from "ethers";
import { z } from "zod";

import { packSignatures, type SignedAttestation } from "../consortium/attestation.js";
import {
  attestationsDomain,
  INTERIM_VERDICT_TYPES,
  interimIdOf,
  interimRecordFromArgs,
  interimRecordHash,
  type InterimRecord,
} from "./index.js";

const dec = z.string().regex(/^(0|[1-9][0-9]*)$/, "must be a decimal integer");
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x address");
const bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be 32 bytes of 0x hex");

export const interimVerdictSchema = z.strictObject({
  format: z.literal("por.interim-verdict"),
  version: z.literal(2),
  chainId: dec,
  attestations: address,
  record: z.strictObject({
    member: address,
    asset: z.number().int().min(0).max(0xffffffff),
    seq: dec,
    amount: dec,
    cumulative: dec,
    destinationDigest: bytes32,
    txRef: bytes32,
    deadline: dec,
    postedAt: dec,
    slot: dec,
  }),
  settled: z.boolean(),
  /** Why the operator decided so (its check's words). */
  reason: z.string(),
  signatures: z
    .array(z.strictObject({ signer: address, signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, "must be 65 bytes") }))
    .min(1),
});
export type InterimVerdictFile = z.infer<typeof interimVerdictSchema>;

/** The record of a verdict file, typed. */
export function recordOf(file: InterimVerdictFile): InterimRecord {
  const record = interimRecordFromArgs(file);
  return { ...record, member: getAddress(record.member) };
}

/** A record as a verdict file (and the node's database) holds it: decimal strings for the integers. */
export function interimRecordJson(r: InterimRecord): InterimVerdictFile["record"] {
  return {
    member: r.member,
    asset: r.asset,
    seq: r.seq.toString(),
    amount: r.amount.toString(),
    cumulative: r.cumulative.toString(),
    destinationDigest: r.destinationDigest,
    txRef: r.txRef,
    deadline: r.deadline.toString(),
    postedAt: r.postedAt.toString(),
    slot: r.slot.toString(),
  };
}

/** A verdict file's JSON for one signature. */
export function interimVerdictFile(
  chainId: bigint,
  attestations: string,
  record: InterimRecord,
  settled: boolean,
  reason: string,
  signed: SignedAttestation,
): InterimVerdictFile {
  return {
    format: "por.interim-verdict",
    version: 2,
    chainId: chainId.toString(),
    attestations,
    record: interimRecordJson(record),
    settled,
    reason,
    signatures: [signed],
  };
}

/** Parse one file; every signature must recover to its stated signer. */
export function parseInterimVerdict(text: string, file: string): InterimVerdictFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const parsed = interimVerdictSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: field ${issue.path.map(String).join(".") || "(top level)"}: ${issue.message}`);
  }
  const v = parsed.data;
  const record = recordOf(v);
  const message = {
    interimId: interimIdOf(record.member, record.asset, record.seq),
    recordHash: interimRecordHash(record),
    settled: v.settled,
  };
  const domain = attestationsDomain(BigInt(v.chainId), v.attestations);
  v.signatures.forEach((s, i) => {
    const recovered = verifyTypedData(domain, INTERIM_VERDICT_TYPES, message, s.signature);
    if (getAddress(recovered) !== getAddress(s.signer)) {
      throw new Error(`${file}: field signatures.${i}: signed by ${recovered}, not ${s.signer}`);
    }
  });
  return v;
}

/** Reads and merges verdict files: all must judge the same IA the same way, on the same contract. */
export async function mergeInterimVerdicts(
  files: readonly string[],
): Promise<{ verdict: InterimVerdictFile; packed: string }> {
  if (files.length === 0) throw new Error("no verdict files given");
  const verdicts = await Promise.all(files.map(async (f) => parseInterimVerdict(await readFile(f, "utf8"), f)));
  const first = verdicts[0];
  const key = (v: InterimVerdictFile) =>
    JSON.stringify([v.chainId, v.attestations.toLowerCase(), interimRecordHash(recordOf(v)), v.settled]);
  const signatures: SignedAttestation[] = [];
  const seen = new Set<string>();
  verdicts.forEach((v, i) => {
    if (key(v) !== key(first)) {
      throw new Error(`${files[i]}: judges another IA, verdict or contract than ${files[0]}`);
    }
    for (const s of v.signatures) {
      const signer = getAddress(s.signer);
      if (seen.has(signer)) continue;
      seen.add(signer);
      signatures.push({ signer, signature: s.signature });
    }
  });
  return { verdict: { ...first, signatures }, packed: packSignatures(signatures) };
}
