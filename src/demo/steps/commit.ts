// Steps 8 and 12, commit: members post their roots with `ledger commit` from their snapshot's files (summary, PoA,
// blob refs), as a member does; the operators rebuild each tree from the DA blobs, check it and co-sign, and the
// aggregator finalizes each set by quorum. The private member's `ledger commit --poa --blob-dir` proves each asset,
// seals its blob to the operators' encryption keys and calls commitPrivate; the operators open the blob, check the
// openings and the reserves, and co-sign it as any set. In round 2 only the honest members commit here.
import { ledgerCommit } from "../../../tasks/commit-roots.js";
import { setStatusName } from "../../chain/index.js";
import { SetStatus } from "../../generated/abi.js";
import type { LiveContext } from "../context.js";
import type { DemoMember } from "../scenario.js";
import { booked, nodeStatus, setStatus, waitFor } from "./common.js";

/** `ledger commit` of member `m`'s round-`round` snapshot, from its files. */
export async function commitSet(ctx: LiveContext, m: DemoMember, round: 0 | 1): Promise<void> {
  // A public set: its blob refs; the private member's: the store its encrypted blobs go to (commitPrivate).
  await ledgerCommit(ctx.clients.members[m.index], ctx.rounds.published[round].get(m.index)!.files);
}

/** Waits until no set of `members` at t is Pending. */
async function waitSets(ctx: LiveContext, members: DemoMember[], t: bigint): Promise<void> {
  await waitFor(
    ctx,
    `the quorum on ${members.length} set(s)`,
    async () => {
      for (const m of members) if ((await setStatus(ctx, m.address, t)) === SetStatus.Pending) return false;
      return true;
    },
    () => nodeStatus(ctx),
  );
}

const TITLES = [
  "round 1: members commit roots; operators verify and co-sign; the quorum finalizes",
  "round 2: honest members commit; operators verify and co-sign",
];

/** Round 1: every member commits; round 2: the honest ones (the cheater commits in the fraud step). */
export async function commitRound(ctx: LiveContext, round: 0 | 1): Promise<void> {
  const { p, scenario, rounds } = ctx;
  const t = rounds.times[round];
  const id = `round${round + 1}-commit`;
  const members = round === 0 ? scenario.members : scenario.members.filter((m) => !m.cheater);
  await p.step(id, TITLES[round], async (note) => {
    for (const m of members) await commitSet(ctx, m, round);
    if (round === 0) note(`${members.length} sets committed at t = ${t}; waiting for the operators`);
    await waitSets(ctx, members, t);
    for (const m of members) {
      const mode = m.privateMode ? " (private mode: totals hidden, every proof verified on-chain at commit)" : "";
      note(`${m.name}: set ${setStatusName(await setStatus(ctx, m.address, t))}${mode}`);
    }
  });
  await booked(ctx, id);
}
