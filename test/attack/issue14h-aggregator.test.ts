// Issue 14h attack review, client side of slot reuse (ccf4548): an operator's verdict on an IA reaches the aggregator
// (`POST /interims`, src/aggregator/server.ts) after the IA was judged by the quorum and its slot taken by a later IA
// (`postInterimInto`). Before ccf4548 the aggregator read the IA as Settled and took the late verdict (closed); now
// the record reads None and the aggregator answers 404 "no IA with this record was posted", which the operator node
// (src/node/interims.ts `send`) treats as a refusal and retries forever (its job stays "signed"). Real contracts from
// the Ignition module, a real aggregator over HTTP, verdicts signed by the operators.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { type EventLog } from "ethers";
import { network } from "hardhat";

import type {} from "../../types/ethers-contracts/hardhat.js";
import {
  attestationsDomain,
  interimRecordFromEvent,
  signInterimVerdict,
  signReserveAttestation,
  type Interim,
} from "../../src/attestations/index.js";
import { interimVerdictFile } from "../../src/attestations/verdicts.js";
import { packSignatures } from "../../src/consortium/index.js";
import { ETH_ASSET, deployLedgerSystem, fixtureAddresses } from "../contracts/ledger-fixture.js";
import { startTestAggregator } from "../helpers/node-services.js";

const conn = await network.create();
const { ethers, networkHelpers } = conn;
const { time } = networkHelpers;

describe("issue 14h: the aggregator and a late verdict on an IA whose slot was taken", function () {
  this.timeout(180_000);

  it("defence (was an EXPLOIT): a late operator verdict on a settled IA whose slot was reused got 404 (was taken as closed); the node retried it forever", async function () {
    // Once fixed (the aggregator reads a freed IA's verdict from its InterimAttested event, as postedInterims does),
    // the late verdict is answered 200/201 and its subject is finalized.
    const dir = await mkdtemp(join(tmpdir(), "por-attack14h-"));
    const f = await deployLedgerSystem(conn);
    const addrs = await fixtureAddresses(f);
    const aggregator = await startTestAggregator(ethers.provider, f.other, addrs, dir);
    try {
      const chainId = (await ethers.provider.getNetwork()).chainId;
      const address = await f.attestations.getAddress();
      const domain = attestationsDomain(chainId, address);
      let i = 0;
      const interim = async (): Promise<Interim> => ({
        asset: ETH_ASSET,
        amount: BigInt(++i),
        destinationDigest: ethers.id("d"),
        txRef: ethers.id(`tx-${i}`),
        deadline: BigInt(await time.latest()) + 3_600n,
      });
      const post = async () => {
        const r = await (await f.attestations.connect(f.member).postInterim(await interim())).wait();
        return interimRecordFromEvent(
          r!.logs.find((l) => (l as EventLog).fragment?.name === "InterimPosted") as EventLog,
        );
      };
      const first = await post();
      const second = await post();
      const signed = await Promise.all(f.operators.map((o) => signInterimVerdict(o, domain, first, true)));
      await f.attestations.attestInterim(first, true, packSignatures(signed.slice(0, 3)));
      const ra = {
        member: f.member.address,
        auditor: f.auditor.address,
        periodStart: 0n,
        periodEnd: BigInt(await time.latest()),
        nonce: 0n,
        findings: { critical: 0, high: 0, medium: 0, low: 0, score: 10_000, sampleSize: 0, sampleFailures: 0 },
        reportDigest: ethers.id("report"),
        reserves: [{ asset: ETH_ASSET, reserves: 100n, throughSeq: 2n }],
      };
      await time.increase(1);
      await f.attestations.postReserveAttestation(ra, [second], await signReserveAttestation(f.auditor, domain, ra));
      await f.attestations.connect(f.member).postInterimInto(await interim(), first);
      // The fourth operator's verdict arrives late (its node was behind).
      const file = interimVerdictFile(chainId, address, first, true, "confirmed", signed[3]);
      const res = await fetch(`${aggregator.url}/interims`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(file),
      });
      const body = await res.text();
      // Measured at ccf4548: 404 {"error":"no IA with this record was posted (unknown id, or another record)"}.
      expect([200, 201], `${res.status} ${body}`).to.include(res.status);
    } finally {
      await aggregator.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
