// The consortium tasks run in-process against a deployment made with the Ignition module: commit-roots from an
// engine summary, attest by three operators, submit-quorum, request-proof, report-missed-deadline (too early: a
// decoded custom error and a non-zero exit code), submit-fraud from a por.fraud-proof file, consortium:status.
import { mkdtemp, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { keccak256 } from "ethers";
import { network } from "hardhat";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import type {} from "../../types/ethers-contracts/hardhat.js";
import { buildConsortiumModule } from "../../deploy/Consortium.js";
import { CONSORTIUM_FUTURES, fraudPublicSignals, setSubject } from "../../src/consortium/index.js";
import attest from "../../tasks/attest.js";
import commitRoots from "../../tasks/commit-roots.js";
import consortiumStatus from "../../tasks/consortium-status.js";
import reportMissedDeadline from "../../tasks/report-missed-deadline.js";
import requestProof from "../../tasks/request-proof.js";
import submitFraud from "../../tasks/submit-fraud.js";
import submitQuorum from "../../tasks/submit-quorum.js";

const connection = await network.create();
const { ethers, ignition, networkHelpers } = connection;
const E18 = 10n ** 18n;

/** Run a task body, capturing what it prints and its exit code (restored afterwards). */
async function capture(run: () => Promise<void>): Promise<{ out: string; code: number }> {
  const lines: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...a: unknown[]) => void lines.push(a.join(" "));
  console.error = (...a: unknown[]) => void lines.push(a.join(" "));
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    await run();
  } finally {
    console.log = log;
    console.error = error;
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = before;
  return { out: lines.join("\n"), code };
}

async function setup() {
  const d = await ignition.deploy(buildConsortiumModule("ConsortiumTasks", "MockLeafMismatchVerifier"), {
    parameters: { ConsortiumTasks: { responseWindow: 3_600n, quorumWeight: 6n * E18, minSigners: 3n } },
  });
  const dir = await mkdtemp(join(tmpdir(), "por-tasks-"));
  const deployment = join(dir, "deployment");
  await mkdir(deployment);
  const addresses: Record<string, string> = {};
  for (const [key, future] of Object.entries(CONSORTIUM_FUTURES)) {
    addresses[`Consortium#${future}`] = await (d as Record<string, { getAddress(): Promise<string> }>)[
      key
    ].getAddress();
  }
  await writeFile(join(deployment, "deployed_addresses.json"), JSON.stringify(addresses));
  const hre = {
    network: { connect: async () => connection },
    config: { paths: { root: dir, artifacts: join(process.cwd(), "artifacts") } },
  } as unknown as HardhatRuntimeEnvironment;

  const signers = await ethers.getSigners();
  const [governance, member, user] = signers;
  const operators = signers.slice(3, 6);
  const registry = await ethers.getContractAt("ConsortiumRegistry", addresses["Consortium#ConsortiumRegistry"]);
  const vault = await ethers.getContractAt("CollateralVault", addresses["Consortium#CollateralVault"]);
  for (const [account, stake] of [[member, 10n * E18], ...operators.map((o) => [o, 2n * E18] as const)] as const) {
    await registry.connect(account).applyForMembership(ethers.id("profile"));
    await registry.connect(governance).approveGenesis(account.address, ethers.id("genesis"));
    await vault.connect(account).deposit(account.address, ethers.ZeroAddress, stake, { value: stake });
    await registry.connect(governance).activate(account.address);
  }
  const keyFrom = BigInt(await networkHelpers.time.latest()) + 5n;
  await registry.connect(member).registerKey(777n, 1n, 2n, keyFrom);
  await networkHelpers.time.increaseTo(keyFrom + 100n);

  // An engine summary (por.snapshot v1) with one ETH tree and its leaves file.
  const t = BigInt(await networkHelpers.time.latest()) - 10n;
  const leaves = Buffer.from("populated leaves of the ETH tree");
  await writeFile(join(dir, "leaves-1.bin"), leaves);
  const summaryFile = join(dir, "summary.json");
  await writeFile(
    summaryFile,
    JSON.stringify({
      format: "por.snapshot",
      version: 1,
      member: member.address,
      t: t.toString(),
      D: 32,
      recordKey: { Ax: "1", Ay: "2", keyHash: "777" },
      assets: [
        {
          id: 1,
          symbol: "ETH",
          decimals: 18,
          d: 8,
          accounts: 3,
          total: "5000",
          rootHash: "123456789",
          rootSum: "5000",
          leavesFile: "leaves-1.bin",
          leavesSha256: "00",
        },
      ],
    }),
  );
  const ledger = await ethers.getContractAt("CommitmentLedger", addresses["Consortium#CommitmentLedger"]);
  const adjudicator = await ethers.getContractAt("Adjudicator", addresses["Consortium#Adjudicator"]);
  const verifier = await ethers.getContractAt("MockLeafMismatchVerifier", addresses["Consortium#FraudVerifier"]);
  return { hre, dir, deployment, member, user, operators, t, summaryFile, leaves, ledger, adjudicator, verifier };
}

describe("consortium tasks", function () {
  it("commit, attest, submit a quorum, request, report too early, submit a fraud proof, show status", async function () {
    const s = await networkHelpers.loadFixture(setup);
    const common = { deployment: s.deployment };

    const committed = await capture(() =>
      commitRoots({ ...common, from: "1", summary: s.summaryFile, reserves: "1=6000", blobDigests: "" }, s.hre),
    );
    expect(committed.code, committed.out).to.equal(0);
    expect(committed.out).to.match(/^tx 0x[0-9a-f]{64}/m);
    expect(committed.out).to.contain("event SetCommitted(");
    expect(await s.ledger.rootOf(s.member.address, 1, s.t)).to.equal(123456789n);
    const logs = await s.ledger.queryFilter(s.ledger.filters.RootCommitted(s.member.address));
    expect(logs[0].args.blobDigest).to.equal(keccak256(s.leaves));
    expect(logs[0].args.reserves).to.equal(6000n);

    const wrongMember = await capture(() =>
      commitRoots({ ...common, from: "2", summary: s.summaryFile, reserves: "1=6000", blobDigests: "" }, s.hre),
    );
    expect(wrongMember.code).to.equal(1);
    expect(wrongMember.out).to.contain("snapshot; the account is");

    const files: string[] = [];
    for (const [i, op] of s.operators.entries()) {
      const out = join(s.dir, `att-${i}.json`);
      const r = await capture(() =>
        attest(
          {
            ...common,
            from: op.address,
            member: s.member.address,
            t: s.t.toString(),
            request: "",
            verdict: "solvent",
            out,
          },
          s.hre,
        ),
      );
      expect(r.code, r.out).to.equal(0);
      expect(r.out).to.contain(setSubject(s.member.address, s.t));
      files.push(out);
    }
    const short = await capture(() => submitQuorum({ ...common, from: "", files: files.slice(0, 2).join(",") }, s.hre));
    expect(short.code).to.equal(1);
    expect(short.out).to.contain("CommitmentLedger: quorum not reached");
    const quorum = await capture(() => submitQuorum({ ...common, from: "", files: files.join(",") }, s.hre));
    expect(quorum.code, quorum.out).to.equal(0);
    expect(quorum.out).to.contain("event QuorumAttested(");
    expect((await s.ledger.setOf(s.member.address, s.t)).status).to.equal(2n);

    const requested = await capture(() =>
      requestProof({ ...common, from: "2", member: s.member.address, t: (s.t - 500n).toString() }, s.hre),
    );
    expect(requested.code, requested.out).to.equal(0);
    expect(requested.out).to.contain("event ProofRequested(");
    const early = await capture(() => reportMissedDeadline({ ...common, from: "2", request: "1" }, s.hre));
    expect(early.code).to.equal(1);
    expect(early.out).to.contain("CommitmentLedger: deadline not passed (requestId 1");

    const proof = {
      rootHash: 123456789n,
      keyHash: 777n,
      member: s.member.address,
      asset: 1,
      t: s.t,
      claim: 42n,
      nullifier: 99n,
      recipient: s.user.address,
      a: [0n, 0n] as [bigint, bigint],
      b: [
        [0n, 0n],
        [0n, 0n],
      ] as [[bigint, bigint], [bigint, bigint]],
      c: [0n, 0n] as [bigint, bigint],
    };
    const signals = fraudPublicSignals(proof);
    proof.a = [await s.verifier.expectedA0(signals), 0n];
    const proofFile = join(s.dir, "fraud-proof.json");
    await writeFile(
      proofFile,
      JSON.stringify({
        format: "por.fraud-proof",
        version: 1,
        circuit: "LeafMismatch32",
        kind: "missing-user-empty-slot",
        proof: {
          a: proof.a.map(String),
          b: proof.b.map((r) => r.map(String)),
          c: proof.c.map(String),
        },
        publicSignals: {
          rootHash: "123456789",
          keyHash: "777",
          member: s.member.address,
          asset: 1,
          t: s.t.toString(),
          claim: "42",
          context: signals[3].toString(),
          nullifier: "99",
          recipient: s.user.address,
        },
        pubSignals: signals.map(String),
      }),
    );
    const fraud = await capture(() => submitFraud({ ...common, from: "2", proof: proofFile }, s.hre));
    expect(fraud.code, fraud.out).to.equal(0);
    expect(fraud.out).to.contain("event FraudProven(");
    expect(fraud.out).to.contain("event ClaimBooked(");
    const again = await capture(() => submitFraud({ ...common, from: "2", proof: proofFile }, s.hre));
    expect(again.code).to.equal(1);
    expect(again.out).to.contain("Adjudicator: nullifier spent (nullifier 99)");

    const status = await capture(() =>
      consortiumStatus({ ...common, from: "", member: s.member.address, limit: 5 }, s.hre),
    );
    expect(status.code, status.out).to.equal(0);
    expect(status.out).to.contain("Fraudulent");
    expect(status.out).to.contain("FRAUD PROVEN");
    expect(status.out).to.contain("#1 t");
    expect(status.out).to.contain("slashes 1");
  });
});
