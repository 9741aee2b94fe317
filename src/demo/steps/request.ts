// Step 9, request: the verifier service's scheduler picks a past snapshot at random and requests a proof for it on
// chain; the member answers with `ledger respond` (its set for t is committed, so the answer is empty), and the
// operators co-sign the answer until the quorum finalizes it: members can be asked about any past moment.
import { getAddress } from "ethers";

import { ledgerRespond } from "../../../tasks/respond-request.js";
import { requestStatusName } from "../../chain/index.js";
import { RequestStatus } from "../../generated/abi.js";
import { DEMO_PARAMS, type LiveContext } from "../context.js";
import type { DemoMember } from "../scenario.js";
import { booked, nodeStatus, waitFor } from "./common.js";

/** The request and what became of it. */
export interface RequestOutcome {
  requestId: bigint;
  member: DemoMember;
  t: bigint;
  status: string;
}

/** Runs the scheduler once, answers its request, waits for the quorum. */
export async function proofRequest(ctx: LiveContext): Promise<RequestOutcome> {
  const { p, scenario, services, chain, clients, d } = ctx;
  const request = await p.step(
    "request",
    "the verifier requests a proof for a past snapshot; the member answers; operators co-sign",
    async (note) => {
      await chain.increaseTime(Number(DEMO_PARAMS.responseWindow));
      const rows = await services.scheduler.runOnce();
      const row = rows.find((r) => r.status === "sent");
      if (row === undefined || row.requestId === null) {
        throw new Error(`the verifier's scheduler made no request: ${JSON.stringify(rows)}`);
      }
      const m = scenario.members.find((x) => x.address === getAddress(row.member))!;
      const requestId = BigInt(row.requestId);
      note(`request ${requestId}: ${m.name} at t = ${row.t} (picked at random among past snapshots)`);
      await ledgerRespond(clients.members[m.index], { request: requestId });
      note(`${m.name} answered (its set for t exists, so the answer is empty); waiting for the operators`);
      const status = async () => Number((await d.ledger.requestOf(requestId)).status);
      await waitFor(
        ctx,
        "the quorum on the request",
        async () => (await status()) !== RequestStatus.Answered,
        () => nodeStatus(ctx),
      );
      const s = requestStatusName(await status());
      note(`request ${requestId}: ${s}`);
      return { requestId, member: m, t: BigInt(row.t), status: s };
    },
  );
  await booked(ctx, "request");
  return request;
}
