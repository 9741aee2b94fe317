// 0-confirmation transfers between members (issue 15), as the Transfers contract takes them: the EIP-712 domain and
// types (notices, off-chain settlement verdicts, deposit-address ownership), ids and record hashes, signing, and
// reading posted notices back from their events (docs/protocol.md, "Transfers").
import {
  AbiCoder,
  getAddress,
  keccak256,
  TypedDataEncoder,
  verifyTypedData,
  type EventLog,
  type TypedDataDomain,
} from "ethers";

import type { Transfers } from "../../types/ethers-contracts/index.js";
import type { TypedDataSigner } from "../chain/index.js";
import type { SignedAttestation } from "../consortium/attestation.js";

export const TRANSFERS_DOMAIN_NAME = "PoR Transfers";
export const TRANSFERS_DOMAIN_VERSION = "1";

/** The Transfers contract's EIP-712 domain. */
export function transfersDomain(chainId: bigint, transfers: string): TypedDataDomain {
  return { name: TRANSFERS_DOMAIN_NAME, version: TRANSFERS_DOMAIN_VERSION, chainId, verifyingContract: transfers };
}

/** Statuses, as `ITransfers.NoticeStatus`. */
/** `Paid`: a defaulted notice whose owed weight went to the recipient (`payDefault`). */
export const NOTICE_STATUS = ["None", "Open", "Settled", "Defaulted", "Paid"] as const;
export type NoticeStatusName = (typeof NOTICE_STATUS)[number];

/** Asset kinds, as `ITransfers.AssetKind`. */
export const ASSET_KIND = ["None", "Native", "Erc20", "OffChain"] as const;
export type AssetKindName = (typeof ASSET_KIND)[number];

/** What the sender signs. */
export interface Notice {
  sender: string;
  recipient: string;
  asset: number;
  amount: bigint;
  depositAddress: string;
  settleBy: bigint;
  nonce: bigint;
  /** sha256 of the notice payload on the DA layer. */
  payloadDigest: string;
}

/** A posted notice, as `NoticePosted` carries it. */
export interface NoticeRecord {
  notice: Notice;
  postedAt: bigint;
  /** What the notice added to the sender's owed total at posting; closing it subtracts exactly this. */
  owedWeight: bigint;
}

export const NOTICE_TYPES = {
  Notice: [
    { name: "sender", type: "address" },
    { name: "recipient", type: "address" },
    { name: "asset", type: "uint32" },
    { name: "amount", type: "uint128" },
    { name: "depositAddress", type: "address" },
    { name: "settleBy", type: "uint64" },
    { name: "nonce", type: "uint64" },
    { name: "payloadDigest", type: "bytes32" },
  ],
};

export const SETTLEMENT_TYPES = {
  TransferSettlement: [
    { name: "noticeId", type: "bytes32" },
    { name: "recordHash", type: "bytes32" },
    { name: "txRef", type: "bytes32" },
  ],
};

export const DEPOSIT_ADDRESS_TYPES = {
  DepositAddress: [
    { name: "member", type: "address" },
    { name: "asset", type: "uint32" },
    { name: "depositAddress", type: "address" },
    { name: "deadline", type: "uint64" },
  ],
};

const NOTICE_TUPLE =
  "tuple(address sender,address recipient,uint32 asset,uint128 amount,address depositAddress,uint64 settleBy," +
  "uint64 nonce,bytes32 payloadDigest)";
const RECORD_TUPLE = `tuple(${NOTICE_TUPLE} notice,uint64 postedAt,uint256 owedWeight)`;

/** `noticeIdOf(sender, nonce)`. */
export function noticeIdOf(sender: string, nonce: bigint): string {
  return keccak256(AbiCoder.defaultAbiCoder().encode(["address", "uint64"], [sender, nonce]));
}

/** keccak256 of the ABI-encoded record (what the contract stores, less its status bits). */
export function noticeRecordHash(record: NoticeRecord): string {
  return keccak256(AbiCoder.defaultAbiCoder().encode([RECORD_TUPLE], [record]));
}

/** The EIP-712 digest the sender signs (equals `noticeDigest`). */
export function noticeDigest(domain: TypedDataDomain, notice: Notice): string {
  return TypedDataEncoder.hash(domain, NOTICE_TYPES, { ...notice });
}

/** Whether `signature` is `notice.sender`'s signature on `notice` (the recipient's check before it credits). */
export function verifyNoticeSignature(domain: TypedDataDomain, notice: Notice, signature: string): boolean {
  try {
    return getAddress(verifyTypedData(domain, NOTICE_TYPES, { ...notice }, signature)) === getAddress(notice.sender);
  } catch {
    return false;
  }
}

type Signer = TypedDataSigner & { getAddress(): Promise<string> };

/** The sender's signature on a notice. */
export async function signNotice(sender: Signer, domain: TypedDataDomain, notice: Notice): Promise<string> {
  return sender.signTypedData(domain, NOTICE_TYPES, { ...notice });
}

/** A deposit address's ownership signature for `member` (valid until `deadline`). */
export async function signDepositAddress(
  wallet: Signer,
  domain: TypedDataDomain,
  member: string,
  asset: number,
  deadline: bigint,
): Promise<string> {
  const depositAddress = await wallet.getAddress();
  return wallet.signTypedData(domain, DEPOSIT_ADDRESS_TYPES, { member, asset, depositAddress, deadline });
}

const settlementValue = (record: NoticeRecord, txRef: string) => ({
  noticeId: noticeIdOf(record.notice.sender, record.notice.nonce),
  recordHash: noticeRecordHash(record),
  txRef,
});

/** The EIP-712 digest an operator signs for an off-chain settlement (equals `settlementDigest`). */
export function settlementDigest(domain: TypedDataDomain, record: NoticeRecord, txRef: string): string {
  return TypedDataEncoder.hash(domain, SETTLEMENT_TYPES, settlementValue(record, txRef));
}

/** An operator's signature on an off-chain settlement (pack several with `packSignatures`). */
export async function signSettlement(
  signer: Signer,
  domain: TypedDataDomain,
  record: NoticeRecord,
  txRef: string,
): Promise<SignedAttestation> {
  const signature = await signer.signTypedData(domain, SETTLEMENT_TYPES, settlementValue(record, txRef));
  return { signer: await signer.getAddress(), signature };
}

/** The record a `NoticePosted` event carries (from its decoded arguments). */
export function noticeRecordFromArgs(args: { record: unknown }): NoticeRecord {
  const r = args.record as { notice: Notice; postedAt: bigint; owedWeight: bigint };
  const n = r.notice;
  return {
    notice: {
      sender: n.sender,
      recipient: n.recipient,
      asset: Number(n.asset),
      amount: BigInt(n.amount),
      depositAddress: n.depositAddress,
      settleBy: BigInt(n.settleBy),
      nonce: BigInt(n.nonce),
      payloadDigest: n.payloadDigest,
    },
    postedAt: BigInt(r.postedAt),
    owedWeight: BigInt(r.owedWeight),
  };
}

/** A posted notice with its id and status now. */
export interface PostedNotice {
  noticeId: string;
  record: NoticeRecord;
  status: NoticeStatusName;
  blockNumber: number;
}

/** The notices posted on `transfers` (filtered by sender and/or recipient), oldest first, with their status now. */
export async function postedNotices(
  transfers: Transfers,
  filter: { sender?: string; recipient?: string },
  fromBlock: number,
): Promise<PostedNotice[]> {
  const logs = (await transfers.queryFilter(
    transfers.filters.NoticePosted(undefined, filter.sender, filter.recipient),
    fromBlock,
  )) as unknown as EventLog[];
  const out: PostedNotice[] = [];
  for (const log of logs) {
    const record = noticeRecordFromArgs(log.args as unknown as { record: unknown });
    const status = NOTICE_STATUS[Number(await transfers.noticeStatusOf(record))];
    out.push({ noticeId: log.args.noticeId as string, record, status, blockNumber: log.blockNumber });
  }
  return out;
}
