// Issue 14h attack review of the gas claim of slot reuse (ccf4548): a lone IA under 60,000 gas with postInterimInto,
// in the bench's terms (receipt gasUsed of one transaction, the member's second IA in the asset, as
// bench/gas.bench.ts "postInterim, steady state"), and the size of the transactions `interim post --file` sends once
// every IA of a full batch (400, tasks/interim-post.ts BATCH) carries its freed record. Real contracts from the
// Ignition module (test/contracts/ledger-fixture.ts), verdicts signed by the operators, RAs by the auditor.
import { expect } from "chai";
import { type EventLog } from "ethers";
import { network } from "hardhat";

import type {} from "../../types/ethers-contracts/hardhat.js";
import {
  interimBatches,
  attestationsDomain,
  destinationDigestOf,
  interimRecordFromEvent,
  signInterimVerdict,
  signReserveAttestation,
  type Interim,
  type InterimRecord,
} from "../../src/attestations/index.js";
import { packSignatures } from "../../src/consortium/index.js";
import { ETH_ASSET, deployLedgerSystem } from "../contracts/ledger-fixture.js";

const { ethers, networkHelpers, ignition } = await network.create();
const { time } = networkHelpers;
/** go-ethereum's txpool refuses a transaction larger than this (core/txpool/legacypool: txMaxSize, 4 x 32 KiB). */
const GETH_TX_MAX_SIZE = 4 * 32 * 1024;
const BATCH = 400;

describe("issue 14h: gas and size of slot reuse", function () {
  this.timeout(300_000);

  it("defence: postInterimInto brings a lone steady-state IA under 60,000 gas (receipt gasUsed)", async function () {
    const f = await deployLedgerSystem({ ethers, networkHelpers, ignition });
    const domain = attestationsDomain((await ethers.provider.getNetwork()).chainId, await f.attestations.getAddress());
    let i = 0;
    const interim = async (): Promise<Interim> => ({
      asset: ETH_ASSET,
      amount: BigInt(++i),
      destinationDigest: destinationDigestOf(f.user.address),
      txRef: ethers.id(`tx-${i}`),
      deadline: BigInt(await time.latest()) + 3_600n,
    });
    const post = async (freed?: InterimRecord) => {
      const tx =
        freed === undefined
          ? await f.attestations.connect(f.member).postInterim(await interim())
          : await f.attestations.connect(f.member).postInterimInto(await interim(), freed);
      const receipt = (await tx.wait())!;
      const log = receipt.logs.find((l) => (l as EventLog).fragment?.name === "InterimPosted") as EventLog;
      return { gas: receipt.gasUsed, record: interimRecordFromEvent(log) };
    };
    const first = await post();
    const steady = await post();
    const sigs = packSignatures(
      await Promise.all(f.operators.slice(0, 3).map((o) => signInterimVerdict(o, domain, first.record, true))),
    );
    await f.attestations.attestInterim(first.record, true, sigs);
    const ra = {
      member: f.member.address,
      auditor: f.auditor.address,
      periodStart: 0n,
      periodEnd: BigInt(await time.latest()),
      nonce: 0n,
      findings: { critical: 0, high: 0, medium: 0, low: 0, score: 10_000, sampleSize: 0, sampleFailures: 0 },
      reportDigest: ethers.id("report"),
      reserves: [{ asset: ETH_ASSET, reserves: 100n, throughSeq: steady.record.seq }],
    };
    await time.increase(1);
    await f.attestations.postReserveAttestation(
      ra,
      [steady.record],
      await signReserveAttestation(f.auditor, domain, ra),
    );
    const fresh = await post();
    const into = await post(first.record);
    console.log(`      steady postInterim ${steady.gas}, fresh after RA ${fresh.gas}, postInterimInto ${into.gas}`);
    expect(into.gas < 60_000n, `postInterimInto ${into.gas}`).to.equal(true);
    expect(fresh.gas > 60_000n, `postInterim ${fresh.gas}`).to.equal(true);
  });

  it("defence (was an EXPLOIT): a full `interim post --file` batch of 400 IAs with freed slots was 192,132 bytes of calldata, over geth's 131,072-byte txpool limit", async function () {
    // Fixed: interimBatches (what `interim post` sends) cuts batches by encoded size as well as count.
    const f = await deployLedgerSystem({ ethers, networkHelpers, ignition });
    const interim: Interim = {
      asset: ETH_ASSET,
      amount: 10n ** 18n,
      destinationDigest: ethers.id("d"),
      txRef: ethers.id("t"),
      deadline: 1n << 40n,
    };
    const freed: InterimRecord = {
      member: f.member.address,
      asset: ETH_ASSET,
      seq: 1n,
      amount: 10n ** 18n,
      cumulative: 10n ** 18n,
      destinationDigest: ethers.id("d"),
      txRef: ethers.id("t"),
      deadline: 1n << 40n,
      postedAt: 1n << 40n,
      slot: 1n,
    };
    // Measured at ccf4548: 400 x (160 + 320) + 132 = 192,132 bytes in one transaction; without freed records 64,132.
    const batches = interimBatches({ interims: Array(2 * BATCH).fill(interim), freed: Array(500).fill(freed) });
    expect(batches.reduce((n, b) => n + b.interims.length, 0)).to.equal(2 * BATCH);
    expect(batches.reduce((n, b) => n + b.freed.length, 0)).to.equal(500);
    for (const b of batches) {
      const data = f.attestations.interface.encodeFunctionData("postInterims", [b.interims, b.freed]);
      const bytes = (data.length - 2) / 2;
      expect(bytes, `${bytes} bytes`).to.be.at.most(GETH_TX_MAX_SIZE);
      expect(b.interims.length).to.be.at.most(BATCH);
    }
  });
});
