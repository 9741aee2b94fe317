// What the transfer tasks and the recipient's node share: the notice payload that goes to the DA layer (its keccak256
// is the notice's `payloadDigest`, as every blob ref carries it), the sender's next nonce, finding a posted notice by
// id, and the credit view in words.
import { getAddress, keccak256, toUtf8Bytes } from "ethers";

import type { Transfers } from "../../types/ethers-contracts/index.js";
import { TaskError, bytes32Input, userInput } from "../client/index.js";
import { postedNotices, type Notice, type NoticeRecord, type NoticeStatusName, type PostedNotice } from "./notices.js";

/** The DA payload of a notice: its fields (the digest aside) and a memo, as canonical JSON. */
export function noticePayload(notice: Omit<Notice, "payloadDigest">, memo: string): Uint8Array {
  return toUtf8Bytes(
    JSON.stringify({
      format: "por.transfer-notice",
      version: 1,
      sender: getAddress(notice.sender),
      recipient: getAddress(notice.recipient),
      asset: notice.asset,
      amount: notice.amount.toString(),
      depositAddress: getAddress(notice.depositAddress),
      settleBy: notice.settleBy.toString(),
      nonce: notice.nonce.toString(),
      memo,
    }),
  );
}

/**
 * Where a DA payload differs from the notice it is the payload of: the first field (of format, version and the
 * notice's fields) that is missing or states another value, in words; undefined when the payload is the notice's.
 * The contract enforces the posted notice, so a payload stating other terms misleads whoever reads it.
 */
export function noticePayloadMismatch(payload: Uint8Array, notice: Omit<Notice, "payloadDigest">): string | undefined {
  let j: unknown;
  try {
    j = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(payload));
  } catch {
    return "payload is not UTF-8 JSON";
  }
  if (typeof j !== "object" || j === null || Array.isArray(j)) return "payload is not a JSON object";
  const got = j as Record<string, unknown>;
  const want = JSON.parse(new TextDecoder().decode(noticePayload(notice, ""))) as Record<string, unknown>;
  for (const [field, value] of Object.entries(want)) {
    if (field === "memo") continue;
    const g = got[field];
    const same =
      typeof value === "string" && /^0x[0-9a-fA-F]{40}$/.test(value)
        ? typeof g === "string" && /^0x[0-9a-fA-F]{40}$/.test(g) && getAddress(g) === value
        : g === value;
    if (!same) return `payload states ${field} ${JSON.stringify(g)}, the notice ${JSON.stringify(value)}`;
  }
  return undefined;
}

/** The notice's `payloadDigest` for a payload (the blob store's keccak256). */
export function payloadDigestOf(payload: Uint8Array): string {
  return keccak256(payload);
}

/** One more than the sender's highest posted nonce (1 for a first notice). */
export async function nextNonce(transfers: Transfers, sender: string, fromBlock: number): Promise<bigint> {
  const posted = await postedNotices(transfers, { sender }, fromBlock);
  return posted.reduce((max, p) => (p.record.notice.nonce > max ? p.record.notice.nonce : max), 0n) + 1n;
}

/** The posted notice `noticeId`, or an error naming it. */
export async function findNotice(transfers: Transfers, noticeId: string, fromBlock: number): Promise<PostedNotice> {
  const all = await postedNotices(transfers, {}, fromBlock);
  const found = all.find((p) => p.noticeId.toLowerCase() === noticeId.toLowerCase());
  if (found === undefined) throw new Error(`notice ${noticeId}: not posted on this deployment`);
  return found;
}

/** A sender's credit towards a recipient in one asset. */
export interface CreditView {
  sender: string;
  recipient: string;
  asset: number;
  /** What the sender may still post to the recipient, base units. */
  available: bigint;
  /** What is open from the sender to the recipient, base units. */
  outstanding: bigint;
  /** The sender's limit and what its open notices owe, stake weight. */
  limitWeight: bigint;
  owedWeight: bigint;
  /** The recipient's own limit, if it set one. */
  ownLimit: bigint | undefined;
}

export async function creditView(
  transfers: Transfers,
  sender: string,
  recipient: string,
  asset: number,
): Promise<CreditView> {
  const [available, outstanding] = await transfers.creditOf(sender, recipient, asset);
  const [limitWeight, owedWeight] = await transfers.creditWeightOf(sender);
  const own = await transfers.ownLimitOf(recipient, sender, asset);
  return {
    sender,
    recipient,
    asset,
    available,
    outstanding,
    limitWeight,
    owedWeight,
    ownLimit: own.set ? own.limit : undefined,
  };
}

/** The open notice a task names by id (`<notice>`): a TaskError naming what is wrong otherwise. */
export async function openNoticeOf(
  transfers: Transfers,
  noticeText: string | undefined,
  fromBlock: number,
  expected: NoticeStatusName = "Open",
): Promise<PostedNotice> {
  if (noticeText === undefined || noticeText === "") throw new TaskError("<notice> (the notice id) is required");
  const id = bytes32Input("<notice>", noticeText);
  const p = await userInput(() => findNotice(transfers, id, fromBlock));
  if (p.status !== expected) throw new TaskError(`notice ${id} is ${p.status}, not ${expected.toLowerCase()}`);
  return p;
}

/** When a defaulted notice's owed weight may be paid to its recipient: the unbonding delay after its posting. */
export function payableAt(record: NoticeRecord, unbondingDelay: bigint): bigint {
  return record.postedAt + unbondingDelay;
}
