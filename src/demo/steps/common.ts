// What several steps share: amounts in words, the gas booking of a step, waiting for the operators with a
// heartbeat, and the chain reads the steps and the report repeat (set status, stake, reputation).
import { sleep } from "../../chain/index.js";
import { TaskOutput } from "../../client/index.js";
import { recordFilePath } from "../../records/index.js";
import type { ChainContext, DemoContext, LiveContext } from "../context.js";
import { ETH_UNIT, USDC_UNIT, type DemoMember } from "../scenario.js";
import type { ReputationView } from "../types.js";

export const fmtUnits = (x: bigint, unit: bigint, digits = 2) => {
  const whole = x / unit;
  const frac = ((x % unit) * 10n ** BigInt(digits)) / unit;
  return `${whole.toLocaleString("en-US")}.${frac.toString().padStart(digits, "0")}`;
};
export const eth = (x: bigint) => `${fmtUnits(x, ETH_UNIT)} ETH`;
export const usdc = (x: bigint) => `${fmtUnits(x, USDC_UNIT)} USDC`;

/** The output of the task bodies the demo runs: quiet (the demo prints its own progress lines). */
export const quietOutput = () => new TaskOutput(false, () => undefined);

/** Books the gas of the blocks mined during step `id` and prints it. */
export async function booked(ctx: ChainContext, id: string) {
  const g = await ctx.gas.book(id);
  ctx.stepGas.set(id, g);
  ctx.p.line(`  ${id}: ${g.txs} transactions, ${(g.gas / 1e6).toFixed(2)}M gas`);
  return g;
}

/** Waits until `done()` holds, mining a block per poll (confirmations), with a heartbeat. */
export async function waitFor(
  ctx: LiveContext,
  what: string,
  done: () => Promise<boolean>,
  status: () => string,
): Promise<void> {
  const end = Date.now() + ctx.waitTimeout;
  const loop = (async () => {
    let polls = 0;
    while (!(await done())) {
      ctx.checkAbort();
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${status()}`);
      await ctx.chain.mine();
      await sleep(300);
      // Every ~30 s, have the aggregator re-examine its open subjects (what it does on a restart), in case a
      // submission failed and no new attestation arrives to trigger another attempt.
      if (++polls % 100 === 0) await ctx.services.aggregator.resume();
    }
  })();
  await ctx.p.heartbeat(loop, () => `waiting for ${what}: ${status()}`);
}

/** The operator nodes' job counts, one short entry per member. */
export function nodeStatus(ctx: LiveContext): string {
  return ctx.services.nodes
    .map((n, i) => {
      const c = n.db.jobCounts();
      return `${ctx.scenario.members[i].name.split(" ")[0]} ${
        Object.entries(c)
          .map(([k, v]) => `${k}:${v}`)
          .join(",") || "idle"
      }`;
    })
    .join("; ");
}

/** The status (SetStatus) of a member's set at t. */
export async function setStatus(ctx: DemoContext, member: string, t: bigint): Promise<number> {
  return Number((await ctx.d.ledger.setOf(member, t)).status);
}

/** Every member's stake weight, by member index. */
export async function stakes(ctx: DemoContext): Promise<bigint[]> {
  return Promise.all(ctx.scenario.members.map((m) => ctx.d.stakeSource.stakeOf(m.address)));
}

/** Every member's reputation views, by member index. */
export async function readReputation(ctx: DemoContext): Promise<ReputationView[]> {
  return Promise.all(
    ctx.scenario.members.map(async (m) => {
      const r = await ctx.d.reputation.reputationOf(m.address);
      return {
        score: (await ctx.d.reputation.scoreOf(m.address)).toString(),
        timeWeightedCollateral: (await ctx.d.reputation.timeWeightedCollateral(m.address)).toString(),
        dutiesMet: Number(r.dutiesMet),
        dutiesTotal: Number(r.dutiesTotal),
        slashCount: Number(r.slashCount),
      };
    }),
  );
}

/** The member's record file of `userId` in `asset`, in its snapshot directory `dir`. */
export function recordPath(m: DemoMember, dir: string, asset: number, userId: string): string {
  return recordFilePath(dir, asset, m.keys.memberSecret, userId);
}

/** The configuration variable holding a member's reserve wallet `j`'s key (its tasks' `--wallet-key-var`). */
export const reserveKeyVariable = (j: number) => `POR_RESERVE_WALLET_${j}_KEY`;
