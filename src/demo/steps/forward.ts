// Steps 7 and 11, forward: a share of each member's users forward the record files their member gave them to the
// real verifier service over HTTP (the victims of the cheat among them), and the verifier learns each tree's
// population from the published leaves, so it can say how likely an omission is to be caught (coverage).
import { readRecordFile, type RecordFile } from "../../records/file.js";
import { forwardedFromRecordFile, type ForwardedRecord } from "../../verifier-service/index.js";
import type { LiveContext } from "../context.js";
import { ETH_ASSET, USDC_ASSET } from "../scenario.js";
import { recordPath } from "./common.js";

const TITLES = [
  "round 1: users forward records to the verifier service",
  "round 2: users forward records (the cheated users among them)",
];

/** Forwards round `round`'s records of the users who forward; returns how many. */
export async function forwardRound(ctx: LiveContext, round: 0 | 1): Promise<number> {
  const { p, scenario, services, rounds } = ctx;
  return p.step(
    `round${round + 1}-forward`,
    TITLES[round],
    async (note) => {
      let total = 0;
      for (const m of scenario.members) {
        const pub = rounds.published[round].get(m.index)!;
        const batch: ForwardedRecord[] = [];
        for (const u of m.users) {
          if (!u.forwards[round]) continue;
          for (const [asset, bal] of [
            [ETH_ASSET, u.eth[round]],
            [USDC_ASSET, u.usdc[round]],
          ] as const) {
            if (bal === 0n) continue;
            const file: RecordFile = await readRecordFile(recordPath(m, pub.dir, asset, u.id));
            batch.push(forwardedFromRecordFile(file));
          }
        }
        for (let i = 0; i < batch.length; i += 500) {
          const chunk = batch.slice(i, i + 500);
          const r = await fetch(`${services.service.url}/records`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ records: chunk }),
          });
          const body = (await r.json()) as { accepted?: number; error?: { code: string; message: string } };
          if (r.status !== 200 || body.accepted !== chunk.length) {
            throw new Error(`the verifier service refused forwarded records: ${r.status} ${JSON.stringify(body)}`);
          }
        }
        // The verifier learns each tree's population from the published leaves (coverage, D6); a private set
        // publishes none (its leaves are in the encrypted blob): its coverage has no population.
        for (const [asset, n] of m.privateMode ? [] : pub.leaves) {
          const r = await fetch(`${services.service.url}/populations`, {
            method: "PUT",
            headers: { "content-type": "application/json", authorization: `Bearer ${services.adminToken}` },
            body: JSON.stringify({ member: m.address, asset, t: Number(rounds.times[round]), n, source: "leaves" }),
          });
          if (r.status !== 200) throw new Error(`PUT /populations answered ${r.status}: ${await r.text()}`);
        }
        rounds.forwarded[round].set(m.index, batch.length);
        total += batch.length;
        note(`${m.name}: ${batch.length} records forwarded by its users over HTTP`);
      }
      rounds.recordsForwarded += total;
      return total;
    },
    (n) => `${n} records`,
  );
}
