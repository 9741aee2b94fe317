// Issue 16b attack on the commit-minimum fix: `commit` now asks the registry's `commitTermsOf`, which refuses a member
// whose stake is below its SLA minimum (the fix for issue16-unbacked-commit). But a set also enters the ledger through
// `respondToRequest`: a member answering a proof request for a t it never committed stores a NEW set there, and that
// path checks only that the caller is the requested member before the deadline. Anyone (the member itself) may
// request a proof of any past t, so a member whose operator left still publishes an unbacked set, the quorum attests
// it, and the fraud proof against it only defers a slash of nothing: the victim is paid 0.
// Real contracts (Ignition module), real quorum attestation, real Groth16 proof.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { network } from "hardhat";
import { Wallet } from "ethers";

import type {} from "../../types/ethers-contracts/hardhat.js";
import { releaseCurves } from "../../src/circuits/index.js";
import type { AssetCommitment } from "../../src/consortium/index.js";
import { elConsortium } from "./issue16-fixture.js";

const connection = await network.create();

describe("issue 16b: a member below its minimum stake publishes a set by answering its own proof request", function () {
  this.timeout(300_000);
  let workDir: string;
  before(async function () {
    workDir = await mkdtemp(join(tmpdir(), "por-issue16b-respond-"));
  });
  after(async function () {
    await rm(workDir, { recursive: true, force: true });
    await releaseCurves();
  });

  // Was an EXPLOIT (fixed): the member's operator deregisters and waits DEALLOCATION_DELAY (stake 0 < minimum 1 TETH). `commit` is
  // refused, but the member requests a proof of its own t (fee 0 here; the fee comes back to the answering member as
  // `_fees`), answers it with the set omitting bob's 1.5 TETH, the co-signers attest it Solvent, bob's real fraud proof
  // books his claim and the slash is only deferred (nothing slashable): bob is paid nothing, the bounty is nothing.
  it("refuses a new set from a member below its minimum stake on every path into the ledger", async function () {
    const f = await elConsortium(connection, { moduleId: "Issue16bRespond" });
    const { member, source, registry, ledger, el, set } = f;
    await el.allocationManager
      .connect(member)
      .deregisterFromOperatorSets({ operator: member.address, avs: set.avs, operatorSetIds: [set.id] });
    await el.mine((await el.allocationManager.DEALLOCATION_DELAY()) + 1n);
    expect(await source.stakeOf(member.address)).to.equal(0n);
    expect(await registry.canCommit(member.address)).to.equal(false);

    const victimPayout = Wallet.createRandom().address;
    const { snap, t } = await f.snapshot(join(workDir, "snap"), victimPayout);
    const commitments: AssetCommitment[] = [snap.commitment];
    // The fixed path refuses it.
    await expect(ledger.connect(member).commit(t, commitments)).to.be.revertedWithCustomError(
      registry,
      "ConsortiumRegistryInsufficientCollateral",
    );
    // The member asks itself for t and answers with the doctored set.
    await ledger.connect(member).requestProof(member.address, t);
    const requestId = await ledger.requestCount();
    const answer = ledger.connect(member).respondToRequest(requestId, commitments);
    // Fixed: refused like `commit`.
    await expect(answer)
      .to.be.revertedWithCustomError(ledger, "CommitmentLedgerUnbackedAnswer")
      .withArgs(requestId, member.address);
  });
});
