import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { postedInterims } from "../src/attestations/index.js";
import { addressInput, clientTask, given, type Client, type ClientArgs } from "../src/client/index.js";

export interface Args extends ClientArgs {
  /** The member (absent: every member). */
  member?: string;
  /** Only the IAs still waiting for a verdict. */
  open: boolean;
}

/** `hardhat interim list [--member <address>] [--open]`: posted IAs with their status, and each member's backlog. */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("interim list", hre, args, (ctx) => interimList(ctx, args));
}

/** The body of `interim list` on a client. */
export async function interimList(ctx: Client, args: Args): Promise<void> {
  const member = given(args.member) ? addressInput("--member", args.member) : undefined;
  const attestations = await ctx.contract("attestations");
  const now = BigInt((await ctx.provider.getBlock("latest"))!.timestamp);
  const all = await postedInterims(attestations, member, ctx.deployment.firstBlock);
  const shown = args.open ? all.filter((p) => p.status === "Open") : all;
  for (const p of shown) {
    const r = p.record;
    const late = p.status === "Open" && now >= r.deadline ? ", past its deadline" : "";
    ctx.out.line(
      `${p.interimId}: ${r.member} asset ${r.asset} #${r.seq}: ${r.amount} base units, due ${r.deadline}, ` +
        `tx ${r.txRef}: ${p.status}${late}`,
    );
    ctx.out.push("interims", { interimId: p.interimId, status: p.status, ...r });
  }
  if (shown.length === 0) ctx.out.line(args.open ? "no IA waits for a verdict" : "no IA posted");
  // The backlog and expected reserves per (member, asset) that has IAs.
  const keys = [...new Set(all.map((p) => `${p.record.member}:${p.record.asset}`))];
  for (const key of keys) {
    const [who, assetText] = key.split(":");
    const asset = Number(assetText);
    const open = all.filter((p) => p.record.member === who && p.record.asset === asset && p.status === "Open");
    const openAmount = open.reduce((sum, p) => sum + p.record.amount, 0n);
    const [expected, outflowSince] = await attestations.expectedReserves(who, asset);
    ctx.out.line(
      `${who} asset ${asset}: ${open.length} IA(s) open (${openAmount} base units); expected reserves ${expected} ` +
        `(the last RA's less ${outflowSince} sent since)`,
    );
    ctx.out.push("backlog", { member: who, asset, open: open.length, openAmount, expected, outflowSince });
  }
}
