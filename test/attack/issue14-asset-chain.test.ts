// Issue 14 attack on `interim attest` for an asset on another EVM chain (its transaction checked through --rpc-url):
// the option's help says the token defaults to "the registry's", but with --rpc-url and no --token the task checks
// the IA as ether (tasks/interim-attest.ts: `given(args.rpcUrl) ? ZeroAddress`). The asset chain is a real second
// chain (a `hardhat node` child process on its own port, a TestToken deployed on it, real transfers); the consortium
// is the Ignition module in-process (test/contracts/ledger-fixture.ts); the operators run the task bodies as Hardhat
// accounts and their verdict files go through `interim submit`.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { JsonRpcProvider, NonceManager, Wallet, type EventLog } from "ethers";
import { network } from "hardhat";

import type {} from "../../types/ethers-contracts/hardhat.js";
import { interimAttest } from "../../tasks/interim-attest.js";
import { destinationDigestOf, interimRecordFromEvent } from "../../src/attestations/index.js";
import { OPERATOR_STAKE, TOKEN_ASSET, deployLedgerSystem, fixtureAddresses } from "../contracts/ledger-fixture.js";
import { registerReserve } from "../node/fixture.js";
import { deploymentDir, expectTaskError, testClient } from "../helpers/client.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { time } = networkHelpers;
const PORT = 8600 + (process.pid % 300);
const URL = `http://127.0.0.1:${PORT}`;
/** Hardhat node account #0 (the well-known development key): the member's hot wallet on the asset chain. */
const HOT_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const TUSD = 10n ** 6n;

async function deployed() {
  const f = await deployLedgerSystem(connection, { operators: 0 });
  const signers = await ethers.getSigners();
  const operators = [signers[7], signers[8], signers[9]];
  for (const o of operators) await f.onboard(o, OPERATOR_STAKE);
  const addresses = await fixtureAddresses(f);
  // The member's hot wallet on the asset chain is one of its reserve wallets (registered on the consortium chain).
  await registerReserve(connection, addresses, f.member, new Wallet(HOT_KEY));
  const dir = await deploymentDir(addresses);
  return { ...f, operators, dir };
}
type F = Awaited<ReturnType<typeof deployed>>;

describe("issue 14: interim attest for an asset on another chain (--rpc-url)", function () {
  this.timeout(120_000);
  let node: ChildProcess;
  let remote: JsonRpcProvider;
  let work: string;
  /** One nonce manager for the hot wallet across the tests (the node's pending count lags). */
  let hot: NonceManager;
  before(async function () {
    work = await mkdtemp(join(tmpdir(), "por-issue14-chain-"));
    node = spawn(process.execPath, [join("node_modules", ".bin", "hardhat"), "node", "--port", String(PORT)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("hardhat node did not start")), 60_000);
      node.stdout!.on("data", (d: Buffer) => {
        if (d.toString().includes("Started HTTP")) {
          clearTimeout(timer);
          resolve();
        }
      });
      node.on("exit", (code) => reject(new Error(`hardhat node exited ${code}`)));
    });
    remote = new JsonRpcProvider(URL, undefined, { staticNetwork: true });
    hot = new NonceManager(new Wallet(HOT_KEY, remote));
  });
  after(async function () {
    remote?.destroy();
    if (node?.pid !== undefined) process.kill(node.pid);
    await rm(work, { recursive: true, force: true });
  });

  /** A TUSD on the asset chain, the member's hot wallet holding 1,000 of it, and a customer's address. */
  async function assetChain() {
    const factory = (await ethers.getContractFactory("TestToken")).connect(hot);
    const token = await factory.deploy("Test USD", "TUSD", 6);
    await token.waitForDeployment();
    await (await token.mint(await hot.getAddress(), 1_000n * TUSD)).wait();
    return { hot, token: token.connect(hot), customer: Wallet.createRandom().address };
  }

  async function postIa(f: F, amount: bigint, customer: string, txRef: string) {
    const interim = {
      asset: TOKEN_ASSET,
      amount,
      destinationDigest: destinationDigestOf(customer),
      txRef,
      deadline: BigInt(await time.latest()) + 3_600n,
    };
    const receipt = await (await f.attestations.connect(f.member).postInterim(interim)).wait();
    const log = receipt!.logs.find((l) => (l as EventLog).fragment?.name === "InterimPosted") as EventLog;
    return { id: log.args.interimId as string, record: interimRecordFromEvent(log) };
  }

  /** Every operator runs `interim attest <id> --rpc-url <asset chain>` (and `--token` when given); the verdicts. */
  async function attestAll(f: F, id: string, token?: string) {
    const files = [];
    const verdicts = [];
    for (const [i, o] of f.operators.entries()) {
      const c = await testClient(ethers, (o as HardhatEthersSigner).address, f.dir);
      const out = join(work, `${id.slice(2, 10)}-${i}-${token ?? "none"}.json`);
      await interimAttest(c.ctx, { json: false, interim: id, rpcUrl: URL, token, confirmations: 1, out });
      files.push(out);
      verdicts.push(c.lines.join(" "));
    }
    return { files, verdicts };
  }

  // EXPLOIT (an honest member slashed; money the other way too): an operator following the help text ("default: the
  // registry's") passes --rpc-url only. The member's honest 100 TUSD payout on the asset chain is then checked as
  // ether (the transaction's `to` is the token contract, its value 0): judged missed by every operator, submitted,
  // 10% of the member's stake (1 ETH of 10) slashed. Conversely a member pays 100,000,000 wei (1e-10 ETH) of ether to
  // the customer and has an IA of 100 TUSD (100,000,000 base units) settled.
  // Fix: with --rpc-url and no --token, refuse (a token asset's token on another chain cannot be guessed) or default to
  // the registry's token only for the consortium's chain and say so in the help; never default a token asset to ether.
  it("defence (was an EXPLOIT): --rpc-url without --token is refused; with the token the honest payout settles", async function () {
    const f = await networkHelpers.loadFixture(deployed);
    const a = await assetChain();
    // The two chains' clocks agree, as real ones do (the check reads the wallet's owner at the payment's block time;
    // the consortium chain's clock was moved on by the fixture).
    await remote.send("evm_setNextBlockTimestamp", [Number(await time.latest()) + 1]);
    const pay = await (await a.token.transfer(a.customer, 100n * TUSD)).wait();
    const { id } = await postIa(f, 100n * TUSD, a.customer, pay!.hash);
    await time.increase(3_601);
    await expectTaskError(attestAll(f, id), "--rpc-url needs --token");
    const { verdicts } = await attestAll(f, id, await a.token.getAddress());
    expect(verdicts.every((v) => v.includes(": settled"))).to.equal(true);
  });
});
