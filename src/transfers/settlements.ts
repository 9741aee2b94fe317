// Off-chain settlement verdict files: what `transfer attest` writes (one operator's signature naming the transaction
// that paid a notice) and `transfer submit` reads and merges (`por.transfer-settlement` version 1).
import { readFile } from "node:fs/promises";

import { getAddress, verifyTypedData } from "ethers";
import { z } from "zod";

import { packSignatures, type SignedAttestation } from "../consortium/attestation.js";
import { noticeIdOf, noticeRecordHash, SETTLEMENT_TYPES, transfersDomain, type NoticeRecord } from "./notices.js";

const dec = z.string().regex(/^(0|[1-9][0-9]*)$/, "must be a decimal integer");
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x address");
const bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be 32 bytes of 0x hex");

export const transferSettlementSchema = z.strictObject({
  format: z.literal("por.transfer-settlement"),
  version: z.literal(1),
  chainId: dec,
  transfers: address,
  record: z.strictObject({
    notice: z.strictObject({
      sender: address,
      recipient: address,
      asset: z.number().int().min(0).max(0xffffffff),
      amount: dec,
      depositAddress: address,
      settleBy: dec,
      nonce: dec,
      payloadDigest: bytes32,
    }),
    postedAt: dec,
    owedWeight: dec,
  }),
  /** The transaction on the asset's chain that paid the notice. */
  txRef: bytes32,
  signatures: z
    .array(z.strictObject({ signer: address, signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, "must be 65 bytes") }))
    .min(1),
});
export type TransferSettlementFile = z.infer<typeof transferSettlementSchema>;

/** The record of a settlement file, typed. */
export function settlementRecordOf(file: TransferSettlementFile): NoticeRecord {
  const n = file.record.notice;
  return {
    notice: {
      sender: getAddress(n.sender),
      recipient: getAddress(n.recipient),
      asset: n.asset,
      amount: BigInt(n.amount),
      depositAddress: getAddress(n.depositAddress),
      settleBy: BigInt(n.settleBy),
      nonce: BigInt(n.nonce),
      payloadDigest: n.payloadDigest,
    },
    postedAt: BigInt(file.record.postedAt),
    owedWeight: BigInt(file.record.owedWeight),
  };
}

/** A settlement file's JSON for one signature. */
export function transferSettlementFile(
  chainId: bigint,
  transfers: string,
  record: NoticeRecord,
  txRef: string,
  signed: SignedAttestation,
): TransferSettlementFile {
  const n = record.notice;
  return {
    format: "por.transfer-settlement",
    version: 1,
    chainId: chainId.toString(),
    transfers,
    record: {
      notice: {
        sender: n.sender,
        recipient: n.recipient,
        asset: n.asset,
        amount: n.amount.toString(),
        depositAddress: n.depositAddress,
        settleBy: n.settleBy.toString(),
        nonce: n.nonce.toString(),
        payloadDigest: n.payloadDigest,
      },
      postedAt: record.postedAt.toString(),
      owedWeight: record.owedWeight.toString(),
    },
    txRef,
    signatures: [signed],
  };
}

/** Parse one file; every signature must recover to its stated signer. */
export function parseTransferSettlement(text: string, file: string): TransferSettlementFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const parsed = transferSettlementSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: field ${issue.path.map(String).join(".") || "(top level)"}: ${issue.message}`);
  }
  const v = parsed.data;
  const record = settlementRecordOf(v);
  const message = {
    noticeId: noticeIdOf(record.notice.sender, record.notice.nonce),
    recordHash: noticeRecordHash(record),
    txRef: v.txRef,
  };
  const domain = transfersDomain(BigInt(v.chainId), v.transfers);
  v.signatures.forEach((s, i) => {
    const recovered = verifyTypedData(domain, SETTLEMENT_TYPES, message, s.signature);
    if (getAddress(recovered) !== getAddress(s.signer)) {
      throw new Error(`${file}: field signatures.${i}: signed by ${recovered}, not ${s.signer}`);
    }
  });
  return v;
}

/** Reads and merges settlement files: all must name the same notice, transaction and contract. */
export async function mergeTransferSettlements(
  files: readonly string[],
): Promise<{ settlement: TransferSettlementFile; packed: string }> {
  if (files.length === 0) throw new Error("no settlement files given");
  const all = await Promise.all(files.map(async (f) => parseTransferSettlement(await readFile(f, "utf8"), f)));
  const key = (v: TransferSettlementFile) =>
    JSON.stringify([v.chainId, v.transfers.toLowerCase(), noticeRecordHash(settlementRecordOf(v)), v.txRef]);
  const signatures: SignedAttestation[] = [];
  const seen = new Set<string>();
  all.forEach((v, i) => {
    if (key(v) !== key(all[0]))
      throw new Error(`${files[i]}: names another notice, transaction or contract than ${files[0]}`);
    for (const s of v.signatures) {
      const signer = getAddress(s.signer);
      if (seen.has(signer)) continue;
      seen.add(signer);
      signatures.push({ signer, signature: s.signature });
    }
  });
  return { settlement: { ...all[0], signatures }, packed: packSignatures(signatures) };
}
