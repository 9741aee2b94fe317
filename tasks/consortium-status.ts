import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { memberStatusName, requestStatusName, setStatusName } from "../src/chain/index.js";
import { addressOption, consortiumContext, runTask, type CommonArgs } from "./consortium-context.js";

interface Args extends CommonArgs {
  member: string;
  limit: number;
}

/** `hardhat consortium:status`: a member's lifecycle, collateral, commitments, requests and reputation. */
export default async function consortiumStatus(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runTask(async () => {
    const ctx = await consortiumContext(args, hre);
    const member = args.member === "" ? ctx.signer.address : addressOption("member", args.member);
    const status = await ctx.registry.statusOf(member);
    const sla = await ctx.registry.slaOf(member);
    const stake = await ctx.vault.stakeOf(member);
    console.log(`member ${member}: ${memberStatusName(status)}`);
    console.log(
      `  SLA: snapshot every ${sla.snapshotInterval} s, respond within ${sla.responseWindow} s, ` +
        `min collateral ${sla.minCollateral}; stake ${stake}`,
    );
    const [ejectable, minimum] = await ctx.registry.ejectionTermsOf(member);
    if (ejectable && stake < minimum) {
      console.log("  stake below the SLA minimum: anyone may eject it (member:eject-undercollateralized)");
    }
    console.log(`  last snapshot t ${await ctx.ledger.lastSnapshotOf(member)}`);

    const sets = await ctx.ledger.queryFilter(ctx.ledger.filters.SetCommitted(member));
    const roots = await ctx.ledger.queryFilter(ctx.ledger.filters.RootCommitted(member));
    // Which assets of a set were proven fraudulent: the adjudicator's FraudProven events (t is in their data).
    const frauds = await ctx.adjudicator.queryFilter(ctx.adjudicator.filters.FraudProven(member));
    console.log(`  commitment sets: ${sets.length} (showing the last ${Math.min(args.limit, sets.length)})`);
    for (const log of sets.slice(-args.limit)) {
      const t = log.args.t;
      const set = await ctx.ledger.setOf(member, t);
      console.log(`    t ${t}: ${setStatusName(set.status)}${set.declaredInsolvent ? " (declared insolvent)" : ""}`);
      for (const r of roots.filter((x) => x.args.t === t)) {
        const fraud = frauds.some((f) => f.args.t === t && f.args.asset === r.args.asset);
        const solvency = r.args.reserves >= r.args.rootSum ? "reserves >= liabilities" : "RESERVES BELOW LIABILITIES";
        console.log(
          `      asset ${r.args.asset}: rootHash ${r.args.rootHash} rootSum ${r.args.rootSum} ` +
            `reserves ${r.args.reserves} (${solvency})${fraud ? " FRAUD PROVEN" : ""}`,
        );
      }
    }
    const requests = await ctx.ledger.queryFilter(ctx.ledger.filters.ProofRequested(undefined, member));
    console.log(`  proof requests: ${requests.length}`);
    for (const log of requests.slice(-args.limit)) {
      const request = await ctx.ledger.requestOf(log.args.requestId);
      console.log(
        `    #${log.args.requestId} t ${request.t}: ${requestStatusName(request.status)}, deadline ${request.deadline}`,
      );
    }
    const rep = await ctx.reputation.reputationOf(member);
    console.log(
      `  reputation: duties met ${rep.dutiesMet}/${rep.dutiesTotal}, slashes ${rep.slashCount}, ` +
        `time-weighted collateral ${await ctx.reputation.timeWeightedCollateral(member)}, ` +
        `score ${await ctx.reputation.scoreOf(member)}`,
    );
  });
}
