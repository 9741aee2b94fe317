// The end-to-end demo (src/demo, scripts/demo.ts): the scenario builder's guarantees, the report and summary
// writers, the JSON-RPC bridge, and the whole demo at a tiny size on the real components (embedded chain, Ignition
// deployment, liabilities engine, verifier service, operator nodes, aggregator, Groth16 fraud proofs).
import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import fc from "fast-check";
import hre from "hardhat";

import {
  DemoAborted,
  ETH_ASSET,
  USDC_ASSET,
  barChart,
  buildScenario,
  esc,
  formatSummary,
  formatUnits,
  ledgerCsv,
  liabilities,
  renderReport,
  runDemo,
  startRpcBridge,
  writeReport,
  type DemoResult,
} from "../../src/demo/index.js";

const E18 = 10n ** 18n;

async function demoTmpDirs(dir = tmpdir()): Promise<string[]> {
  return (await readdir(dir)).filter((n) => n.startsWith("por-demo-"));
}

/** A member slashed once for a missed interim attestation (missedInterimBps, 10% by default): about 90% left. */
function expectMissedIaSlash(m: { stakeBefore: string; stakeAfter: string; reputationAfter: { slashCount: number } }) {
  const before = BigInt(m.stakeBefore);
  const after = BigInt(m.stakeAfter);
  const left = (before * 9n) / 10n;
  expect(after <= left + 1n && after >= left - before / 1000n, `${after} of ${before}`).to.equal(true);
  expect(m.reputationAfter.slashCount).to.equal(1);
}

describe("demo: scenario", function () {
  it("is a pure function of its options (same seed, same scenario; another seed, another one)", function () {
    const a = buildScenario({ users: 30, members: 3, seed: "alpha" });
    const b = buildScenario({ users: 30, members: 3, seed: "alpha" });
    const c = buildScenario({ users: 30, members: 3, seed: "beta" });
    const key = (s: typeof a) =>
      JSON.stringify(s, (_k, v: unknown) =>
        typeof v === "bigint" ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString("hex") : v,
      );
    expect(key(a)).to.equal(key(b));
    expect(key(a)).to.not.equal(key(c));
    expect(a.members.map((m) => m.address)).to.not.deep.equal(c.members.map((m) => m.address));
  });

  it("refuses out-of-range options, naming the option", function () {
    expect(() => buildScenario({ users: 3, members: 3, seed: "x" })).to.throw(RangeError, /--users must be at least 4/);
    expect(() => buildScenario({ users: 50_001, members: 3, seed: "x" })).to.throw(RangeError, /--users/);
    expect(() => buildScenario({ users: 10.5, members: 3, seed: "x" })).to.throw(RangeError, /--users must be a whole/);
    expect(() => buildScenario({ users: 10, members: 1, seed: "x" })).to.throw(
      RangeError,
      /--members must be at least 2/,
    );
    expect(() => buildScenario({ users: 10, members: 9, seed: "x" })).to.throw(
      RangeError,
      /--members must be at most 8/,
    );
    expect(() => buildScenario({ users: 10, members: 2, seed: "" })).to.throw(RangeError, /--seed must not be empty/);
  });

  it("makes exactly one cheater whose cheat passes the solvency check but is payable from the slashes", function () {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 60 }),
        fc.integer({ min: 2, max: 8 }),
        fc.string({ minLength: 1, maxLength: 12 }),
        (users, members, seed) => {
          const s = buildScenario({ users, members, seed });
          expect(s.members.filter((m) => m.cheater)).to.have.length(1);
          const cheater = s.members[s.cheat.member];
          expect(cheater.cheater).to.equal(true);
          expect(s.cheat.omitted.user).to.not.equal(s.cheat.underReported.user);
          const w = cheater.users[s.cheat.omitted.user];
          const u = cheater.users[s.cheat.underReported.user];
          // Both victims forward their round-2 records, with the balances the cheat is about.
          expect(w.forwards[1] && u.forwards[1]).to.equal(true);
          expect(w.eth[1]).to.equal(s.cheat.omitted.balance);
          expect(u.usdc[1]).to.equal(s.cheat.underReported.balance);
          expect(s.cheat.underReported.reported).to.equal(u.usdc[0]);
          expect(s.cheat.underReported.reported < s.cheat.underReported.balance).to.equal(true);
          // The doctored trees are covered by the reserves (the quorum's solvency check alone would not catch it)...
          const true2 = liabilities(cheater, 1);
          expect(cheater.reserves.eth >= true2.eth - s.cheat.omitted.balance).to.equal(true);
          expect(
            cheater.reserves.usdc >= true2.usdc - s.cheat.underReported.balance + s.cheat.underReported.reported,
          ).to.equal(true);
          // ... and each claim fits what two 50% slashes leave payable in the cheater's own restitution pool (80% after
          // the insurance share, of 90% after the bounties, of 75% of the collateral).
          expect(s.cheat.omitted.balance * 100n <= (cheater.collateral.eth * 540n) / 10n).to.equal(true);
          const shortfall = s.cheat.underReported.balance - s.cheat.underReported.reported;
          expect(shortfall * 100n <= (cheater.collateral.usdc * 540n) / 10n).to.equal(true);
          // Honest members hold at least their liabilities in both rounds.
          for (const m of s.members.filter((x) => !x.cheater)) {
            for (const r of [0, 1] as const) {
              const l = liabilities(m, r);
              expect(m.reserves.eth >= l.eth && m.reserves.usdc >= l.usdc).to.equal(true);
            }
          }
          // Every ledger lists both assets, no account twice per asset.
          for (const m of s.members) {
            for (const r of [0, 1] as const) {
              const lines = ledgerCsv(m, r).trim().split("\n");
              expect(lines[0]).to.equal("account_id,asset,balance,payout");
              // Every line names its user's payout address; the victims' are their payout wallets.
              expect(lines.slice(1).every((l) => /,0x[0-9a-fA-F]{40}$/.test(l))).to.equal(true);
              expect(lines.some((l) => l.includes(",ETH,"))).to.equal(true);
              expect(lines.some((l) => l.includes(",USDC,"))).to.equal(true);
              expect(new Set(lines).size).to.equal(lines.length);
            }
          }
          expect(new Set(s.members.flatMap((m) => m.users.map((x) => x.id))).size).to.equal(users * members);
          expect(cheater.users[s.cheat.omitted.user].payout).to.equal(s.cheat.omitted.payout);
          expect(cheater.users[s.cheat.underReported.user].payout).to.equal(s.cheat.underReported.payout);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe("demo: summary and report", function () {
  it("formats base units with rounding and separators", function () {
    expect(formatUnits(1_234_567n * 10n ** 16n, E18)).to.equal("12,345.67");
    expect(formatUnits(5n * 10n ** 15n, E18)).to.equal("0.01");
    expect(formatUnits(0n, E18)).to.equal("0.00");
    expect(formatUnits(-15n * 10n ** 17n, E18, 1)).to.equal("-1.5");
    expect(formatUnits("2500000", 10n ** 6n, 0)).to.equal("3");
  });

  it("escapes everything it puts into HTML, and draws one bar per value", function () {
    expect(esc(`<script>"x" & 'y'</script>`)).to.equal("&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;");
    const svg = barChart(
      "T <1>",
      ["a", "b"],
      [
        { label: "<m>", values: [2, 0] },
        { label: "n", values: [1, 4] },
      ],
      String,
    );
    expect(svg).to.match(/^<svg /);
    expect(svg).to.contain("T &lt;1&gt;").and.to.contain("&lt;m&gt;").and.not.contain("<m>");
    // 2 legend swatches + 4 bars.
    expect(svg.match(/<rect /g)).to.have.length(6);
    // The largest value fills the bar width; a zero value draws an empty bar.
    expect(svg).to.contain('width="420"').and.to.contain('width="0"');
  });
});

describe("demo: JSON-RPC bridge", function () {
  it("forwards single and batched calls, and answers errors as JSON-RPC errors", async function () {
    const calls: string[] = [];
    const bridge = await startRpcBridge({
      request: async ({ method }) => {
        calls.push(method);
        if (method === "boom") throw Object.assign(new Error("reverted"), { code: 3, data: "0x1234" });
        return method === "eth_chainId" ? "0x7a69" : 42n;
      },
    });
    try {
      const post = async (body: string) =>
        (await fetch(bridge.url, { method: "POST", headers: { "content-type": "application/json" }, body })).json();
      expect(await post('{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}')).to.deep.equal({
        jsonrpc: "2.0",
        id: 1,
        result: "0x7a69",
      });
      const batch = (await post(
        '[{"jsonrpc":"2.0","id":2,"method":"x"},{"jsonrpc":"2.0","id":3,"method":"boom","params":[]}]',
      )) as Array<{ id: number; result?: unknown; error?: { code: number; message: string; data: string } }>;
      expect(batch[0]).to.deep.include({ id: 2, result: "0x2a" });
      expect(batch[1].error).to.deep.equal({ code: 3, message: "reverted", data: "0x1234" });
      expect(await post("{not json")).to.deep.include({ error: { code: -32700, message: "parse error" } });
      expect(await post('{"id":4}')).to.deep.include({ id: 4, error: { code: -32600, message: "invalid request" } });
      expect((await fetch(bridge.url)).status).to.equal(405);
      expect(calls).to.deep.equal(["eth_chainId", "x", "boom"]);
      expect(bridge.calls()).to.equal(4);
    } finally {
      await bridge.close();
    }
  });
});

describe("demo: npm run demo passes its options to the task", function () {
  it("refuses --users 3 with the option's rule (exit 1) before starting anything", function () {
    this.timeout(120_000);
    // --ignore-scripts skips `predemo` (the install bootstrap); the command line is the documented one.
    const r = spawnSync("npm", ["run", "--ignore-scripts", "demo", "--", "--users", "3", "--members", "2"], {
      cwd: process.cwd(),
      encoding: "utf8",
    });
    expect(r.status, r.stdout + r.stderr).to.equal(1);
    expect(r.stderr).to.contain("demo: --users must be at least 4");
  });
});

describe("demo: end to end at a tiny size (--users 20 --members 3)", function () {
  this.timeout(900_000);
  let reportsDir: string;
  let result: DemoResult;
  const lines: string[] = [];
  let tmpBefore: string[];

  before(async function () {
    reportsDir = await mkdtemp(join(tmpdir(), "por-demotest-reports-"));
    tmpBefore = await demoTmpDirs();
    result = await runDemo(hre, { users: 20, members: 3, seed: "demo-test", out: (l) => lines.push(l), reportsDir });
    await writeReport(result);
  });
  after(async function () {
    if (reportsDir) await rm(reportsDir, { recursive: true, force: true });
  });

  it("shows progress for every step", function () {
    for (let i = 1; i <= 16; i++)
      expect(lines.some((l) => l.includes(`step ${i}/16`) && l.includes(" done in "))).to.equal(true);
  });

  it("attests every honest set solvent and finalizes it by quorum, in both rounds", function () {
    for (const round of result.rounds) {
      for (const set of round.sets) {
        const cheater = result.members.find((m) => m.address === set.member)!.cheater;
        if (cheater && round.round === 2) continue;
        expect(set.status, `${set.name} round ${round.round}`).to.equal("Finalized");
        expect(set.verdict).to.equal("Solvent");
        expect(set.signers.length).to.be.at.least(result.params.minSigners);
        expect(set.signers).to.not.include(set.name);
        for (const a of set.assets) {
          expect(a.leaves).to.equal(a.accounts);
          if (set.private) continue; // no totals on-chain (the next test)
          expect(a.rootSum).to.equal(a.trueTotal);
          expect(BigInt(a.reserves!) >= BigInt(a.rootSum!)).to.equal(true);
        }
      }
    }
    expect(result.request?.status).to.equal("Finalized");
    expect(result.request?.verdict).to.equal("Solvent");
  });

  it("runs one member in private mode: every proof verified on-chain, the blob sealed to the operators, co-signed, finalized Solvent, no totals", async function () {
    const privateMembers = result.members.filter((m) => m.privateMode);
    expect(privateMembers).to.have.length(1);
    const pm = privateMembers[0];
    expect(pm.cheater).to.equal(false);
    const operators = result.members.map((m) => m.name);
    for (const round of result.rounds) {
      for (const set of round.sets) {
        expect(set.private, `${set.name} round ${round.round}`).to.equal(set.member === pm.address);
        if (!set.private) {
          for (const a of set.assets) expect(a.private).to.equal(undefined);
          continue;
        }
        // Stored by the ledger only after its PrivateAsset SNARK and zero-difference proof verified (commitPrivate),
        // then attested by the other members' operator nodes, which opened the encrypted blob.
        expect(set.status).to.equal("Finalized");
        expect(set.verdict).to.equal("Solvent");
        expect(set.signers.length).to.be.at.least(result.params.minSigners);
        expect(set.signers).to.not.include(pm.name);
        expect(set.assets.map((a) => a.asset)).to.deep.equal([ETH_ASSET, USDC_ASSET]);
        for (const a of set.assets) {
          expect(a.rootSum).to.equal(null);
          expect(a.reserves).to.equal(null);
          expect(a.private!.proofs).to.equal("verified on-chain");
          const { reserves, liabilities, surplus } = a.private!.commitments;
          for (const c of [reserves, liabilities, surplus]) expect(c.every((x) => BigInt(x) > 0n)).to.equal(true);
          expect(new Set([reserves[0], liabilities[0], surplus[0]]).size).to.equal(3);
          // Sealed to every operator with an encryption key in force at t (every member registered one at onboarding).
          expect([...a.private!.recipients].sort()).to.deep.equal([...operators].sort());
          expect(a.blobDigest).to.match(/^0x[0-9a-f]{64}$/);
        }
      }
    }
    expect(
      step("round1-commit").gas.byAction.find((a) => a.action === "CommitmentLedger.commitPrivate")?.count,
    ).to.equal(1);
    expect(step("round1-commit").gas.byAction.find((a) => a.action === "CommitmentLedger.commit")?.count).to.equal(
      result.members.length - 1,
    );
    // The report shows the set solvent with its proofs verified and no totals (hidden), in HTML and in the summary.
    const html = await readFile(join(result.reportDir!, "report.html"), "utf8");
    expect(html).to.contain("<h3>Private mode</h3>").and.to.contain("hidden (C_L)").and.to.contain("hidden (C_A)");
    expect(html).to.contain("private: proofs verified on-chain");
    const summary = formatSummary(result).join("\n");
    expect(summary).to.contain("private: proofs verified on-chain");
    expect(lines.some((l) => l.includes(`${pm.name}: set Finalized (private mode`))).to.equal(true);
  });

  const step = (id: string) => result.steps.find((s) => s.id === id)!;

  it("catches the cheater with two Groth16 fraud proofs: slashed, ejected, claims booked and paid", function () {
    const cheater = result.members.find((m) => m.cheater)!;
    const set = result.rounds[1].sets.find((s) => s.member === cheater.address)!;
    expect(set.status).to.equal("Fraudulent");
    const eth = set.assets.find((a) => a.asset === ETH_ASSET)!;
    const usdc = set.assets.find((a) => a.asset === USDC_ASSET)!;
    expect(eth.leaves).to.equal(eth.accounts - 1); // the omitted user
    expect(BigInt(eth.rootSum!)).to.equal(BigInt(eth.trueTotal) - BigInt(result.cheat.omitted.balance));
    expect(BigInt(usdc.rootSum!)).to.equal(
      BigInt(usdc.trueTotal) - BigInt(result.cheat.underReported.balance) + BigInt(result.cheat.underReported.reported),
    );
    expect(result.frauds.map((f) => f.kind).sort()).to.deep.equal(["missing user (omitted)", "under-reported balance"]);
    for (const f of result.frauds) {
      expect(f.member).to.equal(cheater.address);
      expect(f.paid).to.equal(f.claim);
      expect(BigInt(f.weightSlashed) > 0n).to.equal(true);
      expect(f.proverName).to.not.equal(cheater.name);
      expect(f.gasUsed).to.be.greaterThan(200_000);
    }
    expect(result.frauds.find((f) => f.asset === ETH_ASSET)?.claim).to.equal(result.cheat.omitted.balance);
    // The under-reported user is owed the shortfall (signed balance minus the leaf's sum), the omitted one everything.
    expect(result.frauds.find((f) => f.asset === USDC_ASSET)?.claim).to.equal(
      (BigInt(result.cheat.underReported.balance) - BigInt(result.cheat.underReported.reported)).toString(),
    );
    // Each claim was paid to the payout its user registered with the member, after the claim window.
    expect(result.frauds.find((f) => f.asset === ETH_ASSET)?.recipient).to.equal(result.cheat.omitted.payout);
    expect(result.frauds.find((f) => f.asset === USDC_ASSET)?.recipient).to.equal(result.cheat.underReported.payout);
    expect(BigInt(result.cheat.hiddenShortfall.eth) > 0n && BigInt(result.cheat.hiddenShortfall.usdc) > 0n).to.equal(
      true,
    );
    // Two 50% slashes leave a quarter of the stake; below the minimum collateral, so the watchtower ejected the member.
    expect(BigInt(cheater.stakeAfter)).to.equal(BigInt(cheater.stakeBefore) / 4n);
    expect(cheater.statusAfter).to.equal("Ejected");
    expect(cheater.reputationAfter.slashCount).to.equal(2);
    expect(BigInt(cheater.reputationAfter.score) < BigInt(cheater.reputationBefore.score)).to.equal(true);
    // The provers earned the bounties; honest members kept their stake and status (but the one whose IA was missed:
    // 10% of its stake, one slash; and the transfers step's defaulting sender: one slash).
    const bounties = result.members.reduce((a, m) => a + BigInt(m.bounties.eth), 0n);
    expect(bounties > 0n).to.equal(true);
    const misser = result.attestations.interims.find((ia) => !ia.sent)!.member;
    const defaulter = result.members.find((m) => m.name === result.transfers!.sender)!.address;
    for (const m of result.members.filter((x) => !x.cheater)) {
      if (m.address === misser) expectMissedIaSlash(m);
      else if (m.address === defaulter) {
        expect(BigInt(m.stakeBefore) - BigInt(m.stakeAfter)).to.equal(BigInt(result.transfers!.slashed));
        expect(m.reputationAfter.slashCount).to.equal(1);
      } else {
        expect(m.stakeAfter).to.equal(m.stakeBefore);
        expect(m.reputationAfter.slashCount).to.equal(0);
      }
      expect(m.statusAfter).to.equal("Active");
      expect(m.reputationAfter.dutiesMet).to.equal(m.reputationAfter.dutiesTotal);
    }
  });

  it("settles one interim attestation, misses the other (never sent), and posts a reserve attestation", function () {
    const [settled, missed] = result.attestations.interims;
    expect([settled.sent, settled.status, missed.sent, missed.status]).to.deep.equal([
      true,
      "Settled",
      false,
      "Missed",
    ]);
    expect(settled.member).to.not.equal(missed.member);
    const ra = result.attestations.reserveAttestation!;
    expect(ra.member).to.equal(settled.member);
    expect(ra.reportDigest).to.match(/^0x[0-9a-f]{64}$/);
    expect(formatSummary(result).join("\n")).to.contain("Interim and reserve attestations");
    expect(lines.some((l) => l.includes(`${missed.name}'s IA`) && l.includes("Missed"))).to.equal(true);
  });

  it("credits a 0-conf transfer at once and settles it, and slashes the sender of one defaulted, paid to the recipient after the unbonding delay", function () {
    const t = result.transfers!;
    expect(t.notices.map((n) => [n.amount, n.decision, n.status])).to.deep.equal([
      [(E18 / 2n).toString(), "credited", "Settled"],
      [(E18 / 4n).toString(), "credited", "Paid"],
    ]);
    // Value plus the 10% penalty, at least (one basis point of the stake more, rounding up); the recipient member is
    // paid the owed weight, in both collateral tokens (each token's amount rounds down: a few wei of weight).
    const owed = ((E18 / 4n) * 11n) / 10n;
    expect(BigInt(t.slashed) >= owed).to.equal(true);
    expect(BigInt(t.paidEth) > 0n && BigInt(t.paidUsdc) > 0n).to.equal(true);
    const gap = owed - BigInt(t.paidToRecipient);
    expect(gap >= 0n && gap < 10n ** 13n, `${t.paidToRecipient} of ${owed}`).to.equal(true);
    expect(BigInt(t.creditAfter) < BigInt(t.creditBefore)).to.equal(true);
    expect(formatSummary(result).join("\n")).to.contain("0-confirmation transfers");
    expect(lines.some((l) => l.includes("the watcher reported it"))).to.equal(true);
  });

  it("books gas per step from receipts", function () {
    expect(step("deploy").gas.gas).to.be.greaterThan(1_000_000);
    expect(step("fraud").gas.byAction.some((a) => a.action === "Adjudicator.proveFraud")).to.equal(true);
    expect(step("fraud").gas.byAction.some((a) => a.action === "Adjudicator.ejectUndercollateralized")).to.equal(true);
    // Claims are paid only after the claim window, in the claims step, to the users' payouts.
    expect(step("fraud").gas.byAction.some((a) => a.action === "Adjudicator.payClaim")).to.equal(false);
    expect(step("claims").gas.byAction.map((a) => a.action)).to.deep.equal(["Adjudicator.payClaim"]);
    expect(step("round1-snapshot").gas.txs).to.equal(0);
    // Onboarding is what the member, auditor and governance tasks send (member apply, approve-genesis, collateral
    // deposit with its approve, activate, register-key, encryption-key register, reserve register), and governance's
    // minting and quorum.
    expect(step("onboard").gas.byAction.map((a) => a.action)).to.have.members([
      "ConsortiumRegistry.applyForMembership",
      "ConsortiumRegistry.approveGenesis",
      "CollateralVault.deposit",
      "USDC.approve",
      "USDC.mint",
      "ConsortiumRegistry.activate",
      "ConsortiumRegistry.registerKey",
      "ConsortiumRegistry.registerEncryptionKey",
      "ReserveRegistry.registerReserve",
      "CommitmentLedger.setQuorumParams",
    ]);
    expect(step("onboard").gas.txs).to.equal(result.members.length * 13 + 1);
    expect(result.totals.gas).to.equal(result.steps.reduce((a, s) => a + s.gas.gas, 0));
  });

  it("writes the report and its data, mentioning each member, and prints the summary", async function () {
    const dir = result.reportDir!;
    const html = await readFile(join(dir, "report.html"), "utf8");
    for (const m of result.members) {
      expect(html).to.contain(m.name);
      expect(html).to.contain(m.address);
    }
    expect(html).to.contain("<svg").and.to.contain("Fraudulent");
    expect(html).to.not.match(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    const data = JSON.parse(await readFile(join(dir, "data.json"), "utf8")) as DemoResult;
    expect(data.format).to.equal("por.demo-report");
    expect(data.frauds).to.have.length(2);
    expect((await stat(join(dir, "logs", "nodes.jsonl"))).size).to.be.greaterThan(0);
    const summary = formatSummary(result).join("\n");
    for (const m of result.members) expect(summary).to.contain(m.name);
    expect(summary).to.contain("Ejected");
    expect(result.stake).to.deep.equal({ kind: "native", label: "native vault", slashes: [] });
    expect(summary).to.contain("stake: native vault").and.not.contain("EigenLayer");
    expect(renderReport(result)).to.equal(html);
  });

  it("leaves no temporary directory behind", async function () {
    expect(await demoTmpDirs()).to.deep.equal(tmpBefore);
  });
});

describe("demo: on EigenLayer at a tiny size (--stake eigenlayer --users 20 --members 3)", function () {
  this.timeout(900_000);
  let reportsDir: string;
  let result: DemoResult;
  const lines: string[] = [];

  before(async function () {
    reportsDir = await mkdtemp(join(tmpdir(), "por-demotest-reports-"));
    result = await runDemo(hre, {
      users: 20,
      members: 3,
      seed: "demo-test",
      stake: "eigenlayer",
      out: (l) => lines.push(l),
      reportsDir,
    });
    await writeReport(result);
  });
  after(async function () {
    if (reportsDir) await rm(reportsDir, { recursive: true, force: true });
  });

  it("stakes through EigenLayer's flow: operator approved and registered, WETH and USDC deposited and allocated", function () {
    expect(result.stake.kind).to.equal("eigenlayer");
    expect(result.contracts).to.include.keys("eigenLayer", "allocationManager", "wethStrategy", "usdcStrategy", "weth");
    expect(result.contracts).to.not.have.property("vault");
    const onboard = result.steps.find((s) => s.id === "onboard")!.gas.byAction;
    const count = (action: string) => onboard.find((a) => a.action === action)?.count ?? 0;
    const n = result.members.length;
    expect(count("EigenLayerStakeSource.approveOperator")).to.equal(n);
    expect(count("DelegationManager.registerAsOperator")).to.equal(n);
    expect(count("AllocationManager.registerForOperatorSets")).to.equal(n);
    expect(count("WETH.deposit")).to.equal(n);
    expect(count("StrategyManager.depositIntoStrategy")).to.equal(2 * n);
    expect(count("AllocationManager.modifyAllocations")).to.equal(n);
    expect(count("EigenLayerStakeSource.refreshStake")).to.equal(n);
    expect(count("CollateralVault.deposit")).to.equal(0);
    // The strategies weigh WETH and USDC as the vault weighs ETH and USDC: 1 ETH = 2,000 USDC of stake.
    for (const m of result.members) {
      expect(BigInt(m.stakeBefore)).to.equal(
        BigInt(m.collateral.eth) + (BigInt(m.collateral.usdc) * 10n ** 12n) / 2_000n,
      );
    }
  });

  it("slashes the cheater through EigenLayer and pays the claims from its pool, ETH in ether", function () {
    const cheater = result.members.find((m) => m.cheater)!;
    expect(result.rounds[1].sets.find((s) => s.member === cheater.address)!.status).to.equal("Fraudulent");
    expect(result.frauds).to.have.length(2);
    for (const f of result.frauds) {
      expect(f.member).to.equal(cheater.address);
      // What the payout received (its ether balance for ETH, its USDC balance for USDC) is the whole claim.
      expect(f.paid).to.equal(f.claim);
      expect(BigInt(f.paid) > 0n).to.equal(true);
    }
    expect(result.frauds.find((f) => f.asset === ETH_ASSET)?.recipient).to.equal(result.cheat.omitted.payout);
    // Each proof: EigenLayer's AllocationManager slashed half of both allocations (OperatorSlashed), and the tokens
    // cleared to the adapter (SlashCleared): the WETH strategy's as ETH, the USDC one's as USDC.
    // The third slash is the attestations step's missed IA (10% of the honest misser's allocations), the fourth the
    // transfers step's default (its slashed shares cleared into the sender's pool, paid to the recipient after the
    // unbonding delay as on the native vault).
    const cheaterSlashes = result.stake.slashes.filter((s) => s.member === cheater.address);
    expect(result.stake.slashes).to.have.length(4);
    expect(BigInt(result.transfers!.paidEth) > 0n && BigInt(result.transfers!.paidUsdc) > 0n).to.equal(true);
    expect(cheaterSlashes).to.have.length(2);
    let clearedEth = 0n;
    for (const s of cheaterSlashes) {
      expect(s.member).to.equal(cheater.address);
      expect(s.operator).to.equal(cheater.address);
      expect(s.bps).to.equal(result.params.fraudBps);
      expect(s.strategies.map((x) => x.symbol).sort()).to.deep.equal(["USDC", "WETH"]);
      for (const st of s.strategies) {
        expect(st.wadSlashed).to.equal((E18 / 2n).toString());
        expect(st.cleared?.symbol).to.equal(st.symbol === "WETH" ? "ETH" : "USDC");
        expect(BigInt(st.cleared!.amount) > 0n).to.equal(true);
        if (st.symbol === "WETH") clearedEth += BigInt(st.cleared!.amount);
      }
    }
    // Two 50% slashes take three quarters of the WETH restaked.
    expect(clearedEth).to.equal((BigInt(cheater.collateral.eth) * 3n) / 4n);
    const slashedWeight = result.frauds.reduce((a, f) => a + BigInt(f.weightSlashed), 0n);
    expect(slashedWeight).to.equal((BigInt(cheater.stakeBefore) * 3n) / 4n);
    // The watchtower ejected the member, which deregistered its operator: its stake counts for nothing.
    expect(cheater.statusAfter).to.equal("Ejected");
    expect(cheater.stakeAfter).to.equal("0");
    expect(result.members.reduce((a, m) => a + BigInt(m.bounties.eth), 0n) > 0n).to.equal(true);
    const misser = result.attestations.interims.find((ia) => !ia.sent)!.member;
    const defaulter = result.members.find((m) => m.name === result.transfers!.sender)!.address;
    for (const m of result.members.filter((x) => !x.cheater)) {
      if (m.address === misser) expectMissedIaSlash(m);
      else if (m.address === defaulter) expect(BigInt(m.stakeAfter) < BigInt(m.stakeBefore)).to.equal(true);
      else expect(m.stakeAfter).to.equal(m.stakeBefore);
      expect(m.statusAfter).to.equal("Active");
    }
    const fraud = result.steps.find((s) => s.id === "fraud")!.gas.byAction.map((a) => a.action);
    expect(fraud).to.include.members(["Adjudicator.proveFraud", "Adjudicator.ejectUndercollateralized"]);
    expect(result.steps.find((s) => s.id === "claims")!.gas.byAction.map((a) => a.action)).to.deep.equal([
      "Adjudicator.payClaim",
    ]);
  });

  it("says which stake source ran and shows the EigenLayer slashes in the summary and the report", async function () {
    expect(lines[0]).to.contain("stake: EigenLayer (stand-ins)");
    const summary = formatSummary(result).join("\n");
    expect(summary).to.contain("stake: EigenLayer (stand-ins)").and.to.contain("OperatorSlashed");
    const html = await readFile(join(result.reportDir!, "report.html"), "utf8");
    expect(html)
      .to.contain("stake: EigenLayer (stand-ins)")
      .and.to.contain("OperatorSlashed")
      .and.to.contain("SlashCleared");
  });
});

describe("demo: interrupted", function () {
  this.timeout(300_000);
  it("stops and cleans up when aborted, rejecting with DemoAborted", async function () {
    const before = await demoTmpDirs();
    const reportsDir = await mkdtemp(join(tmpdir(), "por-demotest-reports-"));
    const abort = new AbortController();
    abort.abort();
    try {
      let error: unknown;
      try {
        await runDemo(hre, {
          users: 4,
          members: 2,
          seed: "abort",
          out: () => undefined,
          reportsDir,
          signal: abort.signal,
        });
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(DemoAborted);
      expect(await demoTmpDirs()).to.deep.equal(before);
    } finally {
      await rm(reportsDir, { recursive: true, force: true });
    }
  });
});

describe("demo: Ctrl-C on the command line", function () {
  this.timeout(300_000);
  it("stops every component on SIGINT while operators work, removes its files and exits with 130", async function () {
    // The child's own temporary directory: a demo run elsewhere on the machine (another checkout's tests) creates and
    // removes por-demo-* directories in the shared one at any moment.
    const childTmp = await mkdtemp(join(tmpdir(), "sigint-tmp-"));
    const reportsBefore = new Set(await readdir(join(process.cwd(), "reports")).catch(() => [] as string[]));
    const child = spawn(
      process.execPath,
      [
        join(process.cwd(), "node_modules/hardhat/dist/src/cli.js"),
        "demo",
        "--users",
        "6",
        "--members",
        "2",
        "--seed",
        "sigint",
      ],
      { cwd: process.cwd(), env: { ...process.env, TMPDIR: childTmp }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    let sent = false;
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const onData = (d: Buffer) => {
      out += d.toString();
      // Interrupt in the middle: the operators are verifying round 1.
      if (!sent && out.includes("step 8/16")) {
        sent = true;
        child.kill("SIGINT");
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    const timer = setTimeout(() => child.kill("SIGKILL"), 240_000);
    const code = await exited;
    clearTimeout(timer);
    expect(sent, out).to.equal(true);
    expect(code, out).to.equal(130);
    expect(out).to.contain("demo: interrupted; cleaned up");
    expect(out).to.not.contain("warning: cleanup");
    expect(await demoTmpDirs(childTmp)).to.deep.equal([]);
    await rm(childTmp, { recursive: true, force: true });
    // The interrupted run's report directory holds only its logs (no report).
    const fresh = (await readdir(join(process.cwd(), "reports"))).filter((n) => !reportsBefore.has(n));
    for (const name of fresh) {
      const entries = await readdir(join(process.cwd(), "reports", name));
      expect(entries).to.not.include("report.html");
      await rm(join(process.cwd(), "reports", name), { recursive: true, force: true });
    }
  });
});
