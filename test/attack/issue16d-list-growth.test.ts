// Issue 16d attack on the gas bound of the per-member list of holding deferred slashes (`_holding`): every round
// settlement and payment of the member (`clearRestitution`, through `settleRound`/`payClaim`, and `proveFraud` when
// its round is closed) walks the whole list. docs/threat-model.md states 4,658 gas per holding deferred slash (about
// 6,400 of them fill a 30M-gas block) and that each needs "its own accepted fraud proof (about 600,000 gas each)".
// But a missed deadline orders a slash too: while EigenLayer pauses slashing (since the fix the only refusal that
// holds rounds), anyone may request proofs of the member (fee 0 by default; any past `t`, no committed set needed),
// let them lapse and report them, and every report pushes one more holding deferred slash.
// Measured here: the marginal gas per holding deferred slash in clearRestitution, the gas that adds one through a
// lapse, and the rate limit (maxOpenRequests per response window).
// Also: releaseDeferredSlash and retrySlash look an id up linearly (`_removeId`), so releasing the list from its end
// costs more than releasing it from its front.
// Real contracts (Ignition module) over the TEST-ONLY EigenLayer stand-ins; no proof is needed for any of it.
import { expect } from "chai";
import { network } from "hardhat";

import type {} from "../../types/ethers-contracts/hardhat.js";
import { elConsortium } from "./issue16-fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { time } = networkHelpers;

/** The fixture's response window (seconds) and the module's maxOpenRequests default. */
const RESPONSE_WINDOW = 3_600n;
const MAX_OPEN = 4;

describe("issue 16d: growing a member's list of holding deferred slashes", function () {
  this.timeout(600_000);

  it("measured: a lapse (anyone's request, anyone's report) adds a holding deferred slash for ~334k gas, 4 per response window; each costs clearRestitution ~4.7k gas; ejection ends it", async function () {
    const f = await elConsortium(connection, { moduleId: "Issue16dGrowth" });
    const member = f.member.address;
    // Since the fix, only a slash refused while the operator is slashable holds rounds: EigenLayer pauses slashing.
    // (A member whose operator left holds nothing: test/attack/issue16d-free-hold.test.ts.)
    await f.el.allocationManager.setPaused(true);

    /** Anyone (here `f.attacker`, not the member) makes MAX_OPEN requests, waits them out and reports them. */
    let t = BigInt((await ethers.provider.getBlock("latest"))!.timestamp) - 10_000n;
    const requestGas: bigint[] = [];
    const lapses = async (): Promise<bigint[]> => {
      const gas: bigint[] = [];
      const ids: bigint[] = [];
      for (let i = 0; i < MAX_OPEN; i++) {
        const r = await (await f.ledger.connect(f.attacker).requestProof(member, t--)).wait();
        requestGas.push(r!.gasUsed);
        gas.push(r!.gasUsed);
        ids.push(await f.ledger.requestCount());
      }
      // A fifth open request is refused: the rate is MAX_OPEN per response window.
      await expect(f.ledger.connect(f.attacker).requestProof(member, t--)).to.be.revertedWithCustomError(
        f.ledger,
        "CommitmentLedgerTooManyOpenRequests",
      );
      await time.increase(RESPONSE_WINDOW + 1n);
      for (let i = 0; i < MAX_OPEN; i++) {
        const r = await (await f.adjudicator.connect(f.attacker).reportMissedDeadline(ids[i])).wait();
        gas[i] += r!.gasUsed;
      }
      return gas;
    };

    /** clearRestitution's gas with the current list (orderedBy far ahead: every deferred slash counts). */
    const orderedBy = 2n ** 40n;
    const clearGas = async (): Promise<bigint> => {
      const r = await (await f.source.clearRestitution(member, orderedBy)).wait();
      return r!.gasUsed;
    };
    const base = await clearGas();
    const perLapse: bigint[] = [];
    const rounds = 5;
    for (let i = 0; i < rounds; i++) perLapse.push(...(await lapses()));
    const n = rounds * MAX_OPEN;
    expect(await f.source.deferredSlashesOf(member)).to.have.length(n);
    expect(await f.source.clearRestitution.staticCall(member, orderedBy)).to.equal(BigInt(n));
    const full = await clearGas();
    const marginal = (full - base) / BigInt(n);
    const lapseGas = perLapse.reduce((a, b) => a + b, 0n) / BigInt(perLapse.length);
    const reqGas = requestGas.reduce((a, b) => a + b, 0n) / BigInt(requestGas.length);
    console.log(
      `      clearRestitution: ${base} gas with 0, ${full} with ${n} holding deferred slashes: ${marginal} per slash;` +
        ` a lapse that adds one: ${lapseGas} gas on average (requestProof ${reqGas}, reportMissedDeadline` +
        ` ${lapseGas - reqGas})`,
    );
    // The stated 4,658 per holding deferred slash is right to within a few percent.
    expect(marginal).to.be.within(4_400n, 4_900n);
    // A lapse adds one for about half the 600,000 gas the threat model counts per added slash (a fraud proof).
    expect(lapseGas).to.be.below(400_000n);
    // At 30M gas: ~6,400 holding deferred slashes stop every settlement; through lapses that is ~6,400 * lapseGas.
    const limit = 30_000_000n / marginal;
    console.log(
      `      ${limit} holding deferred slashes fill a 30M-gas block: ${(limit * lapseGas) / 1_000_000n}M gas of lapses` +
        ` (vs ${(limit * 600_000n) / 1_000_000n}M as fraud proofs), at ${MAX_OPEN} per response window:` +
        ` ${limit / BigInt(MAX_OPEN)} windows (${limit / BigInt(MAX_OPEN) / 24n} days at 1 h,` +
        ` ${limit / BigInt(MAX_OPEN)} days at the default 24 h)`,
    );

    // releaseDeferredSlash looks the id up from the list's front: the last id costs more than the first.
    const ids = await f.source.deferredSlashesOf(member);
    const first = await (await f.source.connect(f.governance).releaseDeferredSlash(ids[0])).wait();
    const idsAfter = await f.source.deferredSlashesOf(member);
    const last = await (
      await f.source.connect(f.governance).releaseDeferredSlash(idsAfter[idsAfter.length - 1])
    ).wait();
    console.log(
      `      releaseDeferredSlash with ${n} listed: the front id ${first!.gasUsed} gas, the last id ${last!.gasUsed} gas`,
    );
    expect(last!.gasUsed - first!.gasUsed).to.be.above(BigInt(n - 3) * 2_000n);

    expect(await f.source.deferredSlashesOf(member)).to.have.length(n - 2);
  });
});
