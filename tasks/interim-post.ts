import { readFile } from "node:fs/promises";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import {
  destinationDigestOf,
  freeInterimSlots,
  interimBatches,
  interimRecordFromArgs,
  withFreeSlots,
  type Interim,
  type InterimRecord,
} from "../src/attestations/index.js";
import {
  TaskError,
  bytes32Input,
  clientTask,
  given,
  sendAndDescribe,
  userInput,
  type Client,
  type ClientArgs,
} from "../src/client/index.js";
import { parseAmount } from "../src/members/format.js";

export interface Args extends ClientArgs {
  /** Asset id (0: from --file). */
  asset: number;
  amount?: string;
  destination?: string;
  /** The transaction hash on the asset's chain. */
  tx?: string;
  /** Deadline as unix seconds (0: now + --within). */
  deadline: bigint;
  /** Seconds from now (default one day). */
  within: bigint;
  /** Or: a JSON array of withdrawals ({asset, amount, destination, tx, deadline | within}). */
  file?: string;
}

interface Withdrawal {
  asset: number;
  amount: string;
  destination: string;
  tx?: string;
  deadline?: string | number;
  within?: string | number;
}

/** A deadline must be at least this far ahead when checked (the batches take blocks to land). */
const DEADLINE_MARGIN = 60n;

/** `hardhat interim post`: the member posts an interim attestation per outbound withdrawal (one, or each of a file). */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("interim post", hre, args, (ctx) => interimPost(ctx, args));
}

/** The body of `interim post` on a client. */
export async function interimPost(ctx: Client, args: Args): Promise<void> {
  const withdrawals: Withdrawal[] = given(args.file)
    ? await userInput(() => readWithdrawals(args.file!))
    : [
        {
          asset: args.asset,
          amount: args.amount ?? "",
          destination: args.destination ?? "",
          tx: args.tx,
          deadline: args.deadline === 0n ? undefined : args.deadline.toString(),
          within: args.within.toString(),
        },
      ];
  if (withdrawals.length === 0) throw new TaskError(`${args.file}: no withdrawals`);
  const registry = await ctx.contract("registry");
  const attestations = await ctx.contract("attestations", await ctx.signer());
  const now = BigInt((await ctx.provider.getBlock("latest"))!.timestamp);
  const window = (await attestations.params()).interimWindow;
  // Every entry is checked before the first is sent, its deadline too (the contract's rule): a bad line loses nothing.
  const interims: Interim[] = [];
  for (const [i, w] of withdrawals.entries()) {
    const where = given(args.file) ? `${args.file}: entry ${i}: ` : "";
    const interim = await interimOf(w, now, where, (asset) => registry.assetInfo(asset));
    if (interim.deadline < now + DEADLINE_MARGIN || interim.deadline > now + window) {
      throw new TaskError(
        `${where}deadline ${interim.deadline} is outside ${now + DEADLINE_MARGIN}..${now + window} (now plus a ` +
          `minute, up to the interim window of ${window} s)`,
      );
    }
    interims.push(interim);
  }
  // Each IA takes the slot of a final IA below the baseline while any is free (about 11,000 gas less than a new one).
  const member = (await ctx.signer()).address;
  const free = new Map<number, InterimRecord[]>();
  for (const asset of new Set(interims.map((x) => x.asset))) {
    free.set(asset, await freeInterimSlots(attestations, member, asset, ctx.deployment.firstBlock));
  }
  // A file's withdrawals go in batches (one transaction each: the base cost and the member's checks shared).
  for (const { interims: batch, freed } of interimBatches(withFreeSlots(interims, free))) {
    const receipt =
      batch.length > 1
        ? await sendAndDescribe(ctx, "postInterims", () => attestations.postInterims(batch, freed))
        : freed.length === 1
          ? await sendAndDescribe(ctx, "postInterimInto", () => attestations.postInterimInto(batch[0], freed[0]))
          : await sendAndDescribe(ctx, "postInterim", () => attestations.postInterim(batch[0]));
    for (const log of receipt.logs) {
      const parsed = attestations.interface.parseLog(log);
      if (parsed?.name !== "InterimPosted") continue;
      const record = interimRecordFromArgs(parsed.args as unknown as { record: unknown });
      const into = record.slot === record.seq ? "" : ` (into the slot of seq ${record.slot})`;
      ctx.out.line(
        `IA ${parsed.args.interimId}: seq ${record.seq} of asset ${record.asset}, due ${record.deadline}${into}`,
      );
      ctx.out.push("interims", { interimId: parsed.args.interimId, ...record });
    }
  }
}

async function interimOf(
  w: Withdrawal,
  now: bigint,
  where: string,
  assetInfo: (asset: number) => Promise<{ decimals: bigint; listed: boolean }>,
): Promise<Interim> {
  if (!Number.isInteger(w.asset) || w.asset <= 0) throw new TaskError(`${where}--asset <id> is required`);
  if (!given(w.amount)) throw new TaskError(`${where}--amount is required`);
  if (!given(w.destination)) throw new TaskError(`${where}--destination <address> is required`);
  let decimals: number;
  try {
    decimals = Number((await assetInfo(w.asset)).decimals);
  } catch {
    throw new TaskError(`${where}asset ${w.asset} is not listed in the registry`);
  }
  let amount: bigint;
  try {
    amount = parseAmount(w.amount, decimals);
  } catch (e) {
    throw new TaskError(`${where}${(e as Error).message}`);
  }
  // Post the IA once the withdrawal is sent: it names the transaction that pays it (a replaced transaction's new
  // hash needs a new IA).
  if (!given(w.tx)) throw new TaskError(`${where}--tx <the withdrawal's transaction hash> is required`);
  const txRef = bytes32Input("--tx", w.tx);
  const deadline = w.deadline !== undefined ? BigInt(w.deadline) : now + BigInt(w.within ?? 86_400);
  return { asset: w.asset, amount, destinationDigest: destinationDigestOf(w.destination), txRef, deadline };
}

async function readWithdrawals(file: string): Promise<Withdrawal[]> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, "utf8"));
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(json)) throw new Error(`${file}: not a JSON array of withdrawals`);
  return json as Withdrawal[];
}
