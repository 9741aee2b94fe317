// Step 15, attestations: after the claims two honest members post interim attestations (IA) of withdrawals; one
// sends the ether it names, the other names a transaction that never happens. At the deadline every other member,
// as an operator, checks the transaction on the chain (`interim attest`) and their verdict files are submitted
// (`interim submit`): one IA settles, the other is missed (a missed duty, slashed). The auditor then posts a reserve
// attestation with findings for the first member (`audit attest`, the report in the local blob store). All through the
// task bodies users run.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";

import { Wallet, parseEther } from "ethers";

import { auditAttest } from "../../../tasks/audit-attest.js";
import { interimAttest } from "../../../tasks/interim-attest.js";
import { interimPost } from "../../../tasks/interim-post.js";
import { interimSubmit } from "../../../tasks/interim-submit.js";
import { INTERIM_STATUS, postedInterims } from "../../attestations/index.js";
import { sendAndDescribe } from "../../client/index.js";
import type { LiveContext } from "../context.js";
import { ETH_ASSET, type DemoMember } from "../scenario.js";

/** What the step did, for the summary and the report. */
export interface AttestationsOutcome {
  interims: Array<{ member: string; name: string; interimId: string; amount: string; sent: boolean; status: string }>;
  /** Null when the step was skipped (fewer than two honest members). */
  reserveAttestation: { member: string; name: string; findings: string; score: number; reportDigest: string } | null;
}

const FINDINGS = "0,0,1,2";
const SCORE = 9_500;

/** Posts, judges and submits two IAs, then an RA. */
export async function attestationsStep(ctx: LiveContext): Promise<AttestationsOutcome> {
  const { p, scenario, clients, chain, tmp, d } = ctx;
  return p.step(
    "attestations",
    "interim attestations settled and missed; an auditor's reserve attestation",
    async (note) => {
      const honest = scenario.members.filter((m) => !m.cheater);
      if (honest.length < 2) {
        note("skipped: it needs two honest members (run with --members 3 or more)");
        return { interims: [], reserveAttestation: null };
      }
      const [payer, misser] = honest;
      // The cheater was ejected: governance sets the quorum for the members left (any one other member's stake), as
      // the onboarding step set it for three.
      const left = await Promise.all(honest.map((m) => d.stakeSource.stakeOf(m.address)));
      const smallest = left.reduce((a, b) => (a < b ? a : b));
      await sendAndDescribe(clients.governance, "setQuorumParams", () =>
        d.ledger
          .connect(chain.gov)
          .setQuorumParams({ quorumWeight: smallest, minSigners: 1, requestFee: 0n, maxOpenRequests: 4 }),
      );
      note(`the cheater is gone: quorum 1 co-signer and ${smallest} units of stake`);
      // The verdicts weigh the operators' stake as cached before the IAs: let the claims step's last changes settle.
      await chain.increaseTime(60);
      await chain.mine();
      const destination = await (await clients.auditor.signer()).getAddress();
      const amount = parseEther("0.5");
      // The withdrawal leaves from the member's hot reserve wallet: the operators' check takes a payment only from the
      // member's registered reserve wallets.
      const hot = new Wallet(payer.reserveWallets[1], chain.rpc);
      const sent = await (await hot.sendTransaction({ to: destination, value: amount })).wait();
      const post = async (m: DemoMember, tx: string) => {
        await interimPost(clients.members[m.index], {
          asset: ETH_ASSET,
          amount: "0.5",
          destination,
          tx,
          deadline: 0n,
          within: 3_600n,
        });
      };
      await post(payer, sent!.hash);
      // The second member names a withdrawal it never sends.
      await post(misser, `0x${"5e".repeat(32)}`);
      note(`${payer.name} and ${misser.name} posted an IA of 0.5 ETH each; only ${payer.name} sent it`);
      await chain.increaseTime(3_601);
      await chain.mine();

      const posted = await postedInterims(d.attestations, undefined, 0);
      const interims: AttestationsOutcome["interims"] = [];
      for (const [m, wasSent] of [
        [payer, true],
        [misser, false],
      ] as const) {
        const ia = posted.filter((x) => x.record.member === m.address).at(-1)!;
        const files: string[] = [];
        for (const op of scenario.members) {
          // Every other member still operating co-signs (the cheater was ejected by now).
          if (op.index === m.index || op.cheater) continue;
          const out = join(tmp, `interim-${ia.interimId.slice(2, 10)}-${op.index}.json`);
          await interimAttest(clients.members[op.index], { interim: ia.interimId, confirmations: 1, out });
          files.push(out);
        }
        await interimSubmit(clients.governance, { files });
        const status = INTERIM_STATUS[Number(await d.attestations.interimStatusOf(ia.record))];
        note(`${m.name}'s IA ${ia.interimId.slice(0, 10)}: ${status} (${files.length} operators' verdicts)`);
        interims.push({
          member: m.address,
          name: m.name,
          interimId: ia.interimId,
          amount: amount.toString(),
          sent: wasSent,
          status,
        });
      }

      const report = join(tmp, "audit-report.txt");
      await writeFile(
        report,
        `Reserve audit of ${payer.name}: funds accounted for; one medium and two low findings.\n`,
      );
      const reserves = `${ETH_ASSET}=${payer.reserves.eth - amount}units`;
      await auditAttest(clients.auditor, {
        member: payer.address,
        reserves,
        findings: FINDINGS,
        score: SCORE,
        sampleSize: 0,
        sampleFailures: 0,
        periodEnd: 0n,
        report,
        blobDir: join(tmp, "audit-blobs"),
      });
      const state = await d.attestations.auditStateOf(payer.address);
      note(
        `the auditor attested ${payer.name}'s reserves (findings ${FINDINGS}, score ${SCORE} bps); next due ${state.dueAt}`,
      );
      const logs = await d.attestations.queryFilter(d.attestations.filters.ReserveAttested(payer.address), 0);
      return {
        interims,
        reserveAttestation: {
          member: payer.address,
          name: payer.name,
          findings: FINDINGS,
          score: SCORE,
          reportDigest: logs.at(-1)!.args.reportDigest,
        },
      };
    },
  );
}
