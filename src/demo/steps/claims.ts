// Step 14, claims: once the claim window has passed, each booked claim is paid with `claim pay` from the user's
// record file (the opening of the payout the user registered), pro rata from the slashed member's own restitution
// pool; anyone may send the payment (here governance pays the gas), and the money goes only to the payout.
import { ZeroAddress } from "ethers";

import { claimPay } from "../../../tasks/claim-pay.js";
import { bookedClaim } from "../../consortium/index.js";
import { readRecordFile } from "../../records/file.js";
import type { LiveContext } from "../context.js";
import { ETH_ASSET } from "../scenario.js";
import { booked, eth, usdc } from "./common.js";
import type { FraudOutcome } from "./fraud.js";

/** Pays every victim's claim after the window; returns what each payout received, by nullifier. */
export async function claims(ctx: LiveContext, fraud: FraudOutcome): Promise<Map<bigint, bigint>> {
  const { p, chain, d, clients } = ctx;
  const { cheater, victims } = fraud;
  const paid = await p.step(
    "claims",
    "the claim window ends; the booked claims are paid pro rata from the slashed member's own restitution pool, each " +
      "to the payout its user registered (the opening is in the user's record file)",
    async (note) => {
      const out = new Map<bigint, bigint>();
      const claimOf = (nullifier: bigint) =>
        bookedClaim(chain.conn.ethers.provider, d.addresses.adjudicator, cheater.address, nullifier);
      // The claims were booked to the users' payouts whoever proved them; nobody can be paid before the window ends.
      let closesAt = 0n;
      for (const v of victims) {
        const c = await claimOf(v.nullifier);
        if (c === undefined) throw new Error(`no claim is booked under nullifier ${v.nullifier}`);
        if (c.closesAt > closesAt) closesAt = c.closesAt;
        const f = v.asset === ETH_ASSET ? eth : usdc;
        note(
          `claim of ${v.user.id}: booked ${f(c.terms.claim)}, ${c.status} until ${c.closesAt} (round ${c.terms.round})`,
        );
      }
      const now = await chain.latest();
      if (closesAt > now) {
        await chain.increaseTime(Number(closesAt - now) + 1);
        note(`the embedded chain's clock moves past the claim window (${Number(closesAt - now)} s)`);
      }
      for (const v of victims) {
        const c = (await claimOf(v.nullifier))!;
        const f = v.asset === ETH_ASSET ? eth : usdc;
        const file = await readRecordFile(v.recordFile);
        if (file.payout === null) throw new Error(`${v.user.id}'s record has no payout`);
        const payout = file.payout.address;
        const balance = () =>
          c.token === ZeroAddress ? chain.conn.ethers.provider.getBalance(payout) : d.usdc.balanceOf(payout);
        const before = await balance();
        await claimPay(clients.governance, {
          member: cheater.address,
          nullifier: v.nullifier.toString(),
          record: v.recordFile,
        });
        const after = await balance();
        out.set(v.nullifier, after - before);
        note(
          `claim of ${v.user.id}: booked ${f(c.terms.claim)}, paid ${f(after - before)} to its payout ` +
            `${payout} (the round's pro-rata share, after the insurance share)`,
        );
      }
      return out;
    },
  );
  await booked(ctx, "claims");
  return paid;
}
