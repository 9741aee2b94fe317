// Step 13, fraud: the cheater commits its doctored roots with `ledger commit`; the operators' watchtowers rebuild its
// trees from the DA blobs, find the forwarded records the trees contradict, prove each fraud with a Groth16 proof,
// slash the member and, left below its minimum collateral, eject it. The users' claims are booked to their payouts.
import { memberStatusName, setStatusName } from "../../chain/index.js";
import { readRecordFile } from "../../records/file.js";
import type { LiveContext } from "../context.js";
import type { DemoMember, DemoUser } from "../scenario.js";
import { commitSet } from "./commit.js";
import { booked, eth, nodeStatus, recordPath, setStatus, waitFor } from "./common.js";

/** A user the cheat wronged: its asset, payout and record. */
export interface Victim {
  user: DemoUser;
  asset: number;
  payout: string;
  /** Its round-2 record file (the payout opening, the nullifier). */
  recordFile: string;
  nullifier: bigint;
}

/** The cheat and its victims. */
export interface FraudOutcome {
  cheater: DemoMember;
  victims: Victim[];
}

/** The cheater commits; waits for both fraud proofs and, if the slashes left it below its minimum, the ejection. */
export async function fraud(ctx: LiveContext): Promise<FraudOutcome> {
  const { p, scenario, rounds, d } = ctx;
  const cheater = scenario.members[scenario.cheat.member];
  const dir = rounds.published[1].get(cheater.index)!.dir;
  const victims: Victim[] = [];
  for (const v of [scenario.cheat.omitted, scenario.cheat.underReported]) {
    const user = cheater.users[v.user];
    const recordFile = recordPath(cheater, dir, v.asset, user.id);
    const nullifier = BigInt((await readRecordFile(recordFile)).nullifier);
    victims.push({ user, asset: v.asset, payout: v.payout, recordFile, nullifier });
  }
  const t = rounds.times[1];
  await p.step(
    "fraud",
    `the cheat: ${cheater.name} commits doctored roots; the watchtower proves it (Groth16), the member is slashed ` +
      "and, left below its minimum collateral, ejected",
    async (note) => {
      await commitSet(ctx, cheater, 1);
      note(`${cheater.name} committed at t = ${t}; the operators rebuild its trees from the DA blobs`);
      const fraudStatus = () =>
        ctx.services.nodes.flatMap((n) => n.db.frauds().map((f) => `${f.status}`)).join(",") || "none yet";
      await waitFor(
        ctx,
        "the fraud proofs",
        async () => {
          for (const v of victims) {
            if (!(await d.adjudicator.isNullifierSpent(cheater.address, v.nullifier))) return false;
          }
          return true;
        },
        () => `nodes: ${nodeStatus(ctx)}; fraud proofs: ${fraudStatus()}`,
      );
      // A slash does not eject by itself: the watchtower that proved the fraud asks the Adjudicator to eject a
      // member its proof left below the minimum collateral (ejectUndercollateralized), right after the proof.
      const memberStatus = async () => memberStatusName(await d.registry.statusOf(cheater.address));
      // Read as of the last proof: the watchtower may have ejected the member since (on EigenLayer an ejection also
      // deregisters the member's operator, whose stake then counts for nothing).
      const proofs = await d.adjudicator.queryFilter(d.adjudicator.filters.FraudProven(cheater.address), 0, "latest");
      const blockTag = Math.max(...proofs.map((e) => e.blockNumber));
      const stake = await d.stakeSource.stakeOf(cheater.address, { blockTag });
      const [ejectable, minimum] = await d.registry.ejectionTermsOf(cheater.address, { blockTag });
      note(`${cheater.name}: stake weight ${eth(stake)} after the slashes, minimum ${eth(minimum)}`);
      if (ejectable && stake < minimum) {
        let last = "";
        await waitFor(
          ctx,
          "the watchtower's ejection",
          async () => (last = await memberStatus()) === "Ejected",
          () => `${cheater.name} is ${last || "not yet ejected"}`,
        );
      }
      note(
        `${cheater.name}: set ${setStatusName(await setStatus(ctx, cheater.address, t))}, status ${await memberStatus()}`,
      );
    },
  );
  await booked(ctx, "fraud");
  return { cheater, victims };
}
