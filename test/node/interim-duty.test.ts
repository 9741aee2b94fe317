// The operator node's IA duty as `operator run` starts it: three nodes from configuration files (readNodeConfig +
// startOperatorNode over JSON-RPC, each running its own loop) and the aggregator settle a real ETH withdrawal's IA
// on-chain without anyone calling the node by hand; each node's health counts its verdict.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { Wallet, type EventLog } from "ethers";
import { network } from "hardhat";

import type {} from "../../types/ethers-contracts/hardhat.js";
import { destinationDigestOf, interimRecordFromEvent } from "../../src/attestations/index.js";
import { readNodeConfig, startOperatorNode, type NodeHealth } from "../../src/node/index.js";
import { ETH_ASSET, deployLedgerSystem, fixtureAddresses } from "../contracts/ledger-fixture.js";
import { registerReserve } from "./fixture.js";
import { startTestAggregator, writeNodeConfig } from "../helpers/node-services.js";
import { startRpcBridge } from "../helpers/rpc-bridge.js";

const conn = await network.create();
const { ethers, networkHelpers } = conn;
const { time } = networkHelpers;
const E18 = 10n ** 18n;
const SETTLED = 2n;

describe("operator node: the IA duty from its configuration", function () {
  this.timeout(180_000);
  let dir: string;
  let bridge: Awaited<ReturnType<typeof startRpcBridge>>;

  before(async function () {
    bridge = await startRpcBridge(conn.provider);
    dir = await mkdtemp(join(tmpdir(), "por-interim-duty-"));
  });
  after(async function () {
    await new Promise((r) => bridge.server.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  it("three configured nodes and the aggregator settle a real ETH withdrawal's IA on-chain", async function () {
    const f = await deployLedgerSystem(conn);
    const addrs = await fixtureAddresses(f);
    // The member pays its withdrawals from its own account, one of its reserve wallets.
    await registerReserve(conn, addrs, f.member, f.member);
    const aggregator = await startTestAggregator(ethers.provider, f.other, addrs, dir);
    const startBlock = await ethers.provider.getBlockNumber();
    const nodes: Array<Awaited<ReturnType<typeof startOperatorNode>>> = [];
    try {
      for (const [i, operator] of f.operators.slice(0, 3).entries()) {
        const file = await writeNodeConfig(dir, `node-${i}`, addrs, {
          rpcUrl: bridge.url,
          aggregatorUrl: aggregator.url,
          startBlock,
          interims: { attestations: addrs.attestations, missedRecheckSeconds: 0 },
        });
        nodes.push(await startOperatorNode(await readNodeConfig(file), operator.privateKey, {}, { create: true }));
      }
      // The member pays a customer 1 ETH and posts the IA naming the transaction.
      const destination = Wallet.createRandom().address;
      const paid = await (await f.member.sendTransaction({ to: destination, value: E18 })).wait();
      const deadline = BigInt(await time.latest()) + 86_400n;
      const interim = {
        asset: ETH_ASSET,
        amount: E18,
        destinationDigest: destinationDigestOf(destination),
        txRef: paid!.hash,
        deadline,
      };
      const receipt = await (await f.attestations.connect(f.member).postInterim(interim)).wait();
      const record = interimRecordFromEvent(
        receipt!.logs.find((l) => (l as EventLog).fragment?.name === "InterimPosted") as EventLog,
      );
      let status = await f.attestations.interimStatusOf(record);
      for (let i = 0; i < 300 && status !== SETTLED; i++) {
        await new Promise((r) => setTimeout(r, 100));
        status = await f.attestations.interimStatusOf(record);
      }
      expect(status).to.equal(SETTLED);
      for (const { node } of nodes) {
        const h = (await (await fetch(`http://127.0.0.1:${node.healthPort}/health`)).json()) as NodeHealth;
        expect(h.interims).to.include({ settled: 1, missed: 0, pending: 0 });
        expect(h.transfers).to.equal(null);
      }
    } finally {
      for (const { close } of nodes) await close();
      await aggregator.stop();
    }
  });
});
