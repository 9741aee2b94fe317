import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { blobStoreOf } from "../src/blobstore/index.js";
import {
  TaskError,
  addressInput,
  bytes32Input,
  clientTask,
  given,
  sendAndDescribe,
  userInput,
  type Client,
  type ClientArgs,
} from "../src/client/index.js";
import { parseAmount } from "../src/members/format.js";
import {
  findNotice,
  nextNonce,
  noticePayload,
  noticeRecordFromArgs,
  payloadDigestOf,
  postedNotices,
  signNotice,
  transfersDomain,
  type Notice,
  type PostedNotice,
} from "../src/transfers/index.js";

export interface Args extends ClientArgs {
  /** "post", "list" or "show". */
  action: string;
  /** show: the notice id. */
  notice?: string;
  /** post: the recipient member. */
  to?: string;
  asset: number;
  amount?: string;
  depositAddress?: string;
  /** post: settle-by this many seconds from now. */
  within: bigint;
  /** post: the nonce (0: the next unused). */
  nonce: bigint;
  memo: string;
  blobDir?: string;
  eigendaUrl?: string;
  /** list: filters. */
  sender?: string;
  recipient?: string;
  open: boolean;
}

/** What the subtasks leave out. */
export const DEFAULTS = { action: "", asset: 0, within: 3_600n, nonce: 0n, memo: "", open: false };

/** `hardhat transfer notice post|list|show`. */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask(`transfer notice ${args.action}`, hre, args, (ctx) => notice(ctx, args));
}

export async function notice(ctx: Client, args: Args): Promise<void> {
  if (args.action === "post") return post(ctx, args);
  if (args.action === "list") return list(ctx, args);
  if (args.action === "show") return show(ctx, args);
  throw new TaskError(`transfer notice ${args.action}: the action is post, list or show`);
}

async function post(ctx: Client, args: Args): Promise<void> {
  if (!given(args.to)) throw new TaskError("--to <the recipient member> is required");
  const recipient = addressInput("--to", args.to);
  if (!Number.isInteger(args.asset) || args.asset <= 0) throw new TaskError("--asset <id> is required");
  if (!given(args.amount)) throw new TaskError("--amount is required");
  if (!given(args.depositAddress)) throw new TaskError("--deposit-address <the recipient's address> is required");
  const depositAddress = addressInput("--deposit-address", args.depositAddress);
  const registry = await ctx.contract("registry");
  let decimals: number;
  try {
    decimals = Number((await registry.assetInfo(args.asset)).decimals);
  } catch {
    throw new TaskError(`--asset ${args.asset}: not listed in the registry`);
  }
  const amount = await userInput(() => parseAmount(args.amount!, decimals));
  const store = await userInput(() => blobStoreOf(args, "transfer notice post"));
  const sender = await ctx.signer();
  const transfers = await ctx.contract("transfers", sender);
  const now = BigInt((await ctx.provider.getBlock("latest"))!.timestamp);
  const nonce = args.nonce !== 0n ? args.nonce : await nextNonce(transfers, sender.address, ctx.deployment.firstBlock);
  const fields = {
    sender: sender.address,
    recipient,
    asset: args.asset,
    amount,
    depositAddress,
    settleBy: now + args.within,
    nonce,
  };
  // The payload goes to the DA layer first: the notice carries its digest.
  const payload = noticePayload(fields, args.memo);
  const ref = await store.put(payload);
  const n: Notice = { ...fields, payloadDigest: payloadDigestOf(payload) };
  const signature = await signNotice(sender, transfersDomain(ctx.chainId, await transfers.getAddress()), n);
  const receipt = await sendAndDescribe(ctx, "postNotice", () => transfers.postNotice(n, signature));
  for (const log of receipt.logs) {
    const parsed = transfers.interface.parseLog(log);
    if (parsed?.name !== "NoticePosted") continue;
    const record = noticeRecordFromArgs(parsed.args as unknown as { record: unknown });
    ctx.out.line(
      `notice ${parsed.args.noticeId}: ${amount} base units of asset ${n.asset} to ${recipient}, settle by ${n.settleBy}`,
    );
    ctx.out.setAll({ noticeId: parsed.args.noticeId, record, signature, payloadRef: ref });
  }
}

function describe(ctx: Client, p: PostedNotice, now: bigint): void {
  const n = p.record.notice;
  const late = p.status === "Open" && now > n.settleBy ? ", past settle-by (report-default)" : "";
  ctx.out.line(
    `${p.noticeId}: ${n.sender} -> ${n.recipient} asset ${n.asset}: ${n.amount} base units to ${n.depositAddress}, ` +
      `settle by ${n.settleBy}, nonce ${n.nonce}: ${p.status}${late}`,
  );
}

async function list(ctx: Client, args: Args): Promise<void> {
  const sender = given(args.sender) ? addressInput("--sender", args.sender) : undefined;
  const recipient = given(args.recipient) ? addressInput("--recipient", args.recipient) : undefined;
  const transfers = await ctx.contract("transfers");
  const now = BigInt((await ctx.provider.getBlock("latest"))!.timestamp);
  const all = await postedNotices(transfers, { sender, recipient }, ctx.deployment.firstBlock);
  const shown = args.open ? all.filter((p) => p.status === "Open") : all;
  for (const p of shown) {
    describe(ctx, p, now);
    ctx.out.push("notices", { noticeId: p.noticeId, status: p.status, ...p.record });
  }
  if (shown.length === 0) ctx.out.line(args.open ? "no open notice" : "no notice posted");
}

async function show(ctx: Client, args: Args): Promise<void> {
  if (!given(args.notice)) throw new TaskError("<notice> (the notice id) is required");
  const id = bytes32Input("<notice>", args.notice);
  const transfers = await ctx.contract("transfers");
  const p = await userInput(() => findNotice(transfers, id, ctx.deployment.firstBlock));
  const now = BigInt((await ctx.provider.getBlock("latest"))!.timestamp);
  describe(ctx, p, now);
  ctx.out.line(`payload digest ${p.record.notice.payloadDigest}, posted at ${p.record.postedAt}`);
  ctx.out.setAll({ noticeId: p.noticeId, status: p.status, ...p.record });
}
