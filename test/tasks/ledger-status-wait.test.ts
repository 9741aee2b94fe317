// `ledger status --wait <status>`: polls until the member's latest set (the last committed) is in that status, then
// prints the status as usual; fails after --timeout naming what it saw last; refuses a status that does not exist.
import { expect } from "chai";
import { network } from "hardhat";

import { ledgerStatus, type Args } from "../../tasks/ledger-status.js";
import { ETH_ASSET, commitmentOf, deployLedgerSystem } from "../contracts/ledger-fixture.js";
import { deploymentDir, expectTaskError, testClient } from "../helpers/client.js";

const { ethers, networkHelpers, ignition } = await network.create();

async function deployed() {
  const f = await deployLedgerSystem({ ethers, networkHelpers, ignition }, { operators: 0 });
  const dir = await deploymentDir({
    registry: await f.registry.getAddress(),
    vault: await f.vault.getAddress(),
    ledger: await f.ledger.getAddress(),
    adjudicator: await f.adjudicator.getAddress(),
    reputation: await f.reputation.getAddress(),
  });
  return { ...f, dir };
}

describe("ledger status --wait", function () {
  const args = (member: string, over: Partial<Args> = {}): Args => ({
    member,
    limit: 5,
    json: false,
    timeout: 2,
    pollMs: 50,
    ...over,
  });

  it("waits until the latest set is in the status, then prints the status", async function () {
    const f = await networkHelpers.loadFixture(deployed);
    const { ctx, lines } = await testClient(ethers, "", f.dir);
    const t = BigInt(await networkHelpers.time.latest()) - 20n;
    // The set is committed while the task waits for it.
    const waiting = ledgerStatus(ctx, args(f.member.address, { wait: "pending", timeout: 20 }));
    await new Promise((r) => setTimeout(r, 300));
    await f.ledger.connect(f.member).commit(t, [commitmentOf(ETH_ASSET, 1n)]);
    await waiting;
    expect(lines[0]).to.match(new RegExp(`^latest set t ${t} is Pending \\(waited [0-9]+ s\\)$`));
    expect(lines).to.include(`    t ${t}: Pending`);
    // Already there: no wait.
    const j = await testClient(ethers, "", f.dir, { json: true });
    await ledgerStatus(j.ctx, args(f.member.address, { wait: "Pending", json: true }));
    j.ctx.out.flush();
    const json = JSON.parse(j.lines.join("\n")) as { waited: Record<string, unknown>; sets: unknown[] };
    expect(json.waited).to.deep.equal({ t: t.toString(), status: "Pending", seconds: 0 });
    expect(json.sets).to.have.length(1);
  });

  it("fails after --timeout naming what it saw last, and refuses an unknown status", async function () {
    const f = await networkHelpers.loadFixture(deployed);
    const { ctx, lines } = await testClient(ethers, "", f.dir);
    const member = f.member.address;
    await expectTaskError(
      ledgerStatus(ctx, args(member, { wait: "Finalized", timeout: 1 })),
      `member ${member} has committed no set, not Finalized, after 1 s (--timeout)`,
    );
    const t = BigInt(await networkHelpers.time.latest()) - 20n;
    await f.ledger.connect(f.member).commit(t, [commitmentOf(ETH_ASSET, 1n)]);
    const started = Date.now();
    await expectTaskError(
      ledgerStatus(ctx, args(member, { wait: "Finalized", timeout: 1 })),
      `member ${member}'s latest set (t ${t}) is Pending, not Finalized, after 1 s (--timeout)`,
    );
    expect(Date.now() - started).to.be.within(900, 5_000);
    await expectTaskError(
      ledgerStatus(ctx, args(member, { wait: "Done" })),
      "--wait Done: not a set status (Pending, Finalized, Fraudulent, Insolvent)",
    );
    await expectTaskError(ledgerStatus(ctx, args(member, { wait: "None" })), "not a set status");
    await expectTaskError(ledgerStatus(ctx, args(member, { wait: "Pending", timeout: -1 })), "--timeout must be");
    expect(lines).to.deep.equal([]);
  });
});
