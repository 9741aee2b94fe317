// Issue 14, item 3: operator nodes judge IAs by themselves and the aggregator submits the quorum's verdict, on the
// in-process Hardhat chain with the Ignition deployment (test/contracts/ledger-fixture.ts): a real ETH transfer IA is
// settled and a missed IA is attested missed and slashed without anyone running `interim attest`; a node whose RPC
// fails, or omits the transaction, gives no verdict (never "missed"); one verdict per IA across restarts.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { JsonRpcProvider, Wallet, ZeroAddress, hexlify, randomBytes, type EventLog } from "ethers";
import { network } from "hardhat";

import type {} from "../../types/ethers-contracts/hardhat.js";
import { Aggregator } from "../../src/aggregator/index.js";
import {
  attestationsDomain,
  destinationDigestOf,
  interimRecordFromEvent,
  signInterimVerdict,
  type InterimRecord,
} from "../../src/attestations/index.js";
import { interimVerdictFile } from "../../src/attestations/verdicts.js";
import { LocalBlobStore } from "../../src/blobstore/index.js";
import { loadCrypto, type Crypto } from "../../src/crypto/index.js";
import { OperatorNode, localBlobSource, silentLogger, type OperatorNodeOptions } from "../../src/node/index.js";
import { ETH_ASSET, deployLedgerSystem, fixtureAddresses } from "../contracts/ledger-fixture.js";
import { registerReserve } from "./fixture.js";
import { startTestAggregator } from "../helpers/node-services.js";
import { startRpcBridge } from "../helpers/rpc-bridge.js";
import { startRpcProxy, type RpcProxy } from "../helpers/rpc-proxy.js";

const conn = await network.create();
const { ethers, networkHelpers } = conn;
const { time, mine } = networkHelpers;
const E18 = 10n ** 18n;
const STATUS = { Open: 1n, Settled: 2n, Missed: 3n };

describe("issue 14: operator nodes judge IAs, the aggregator submits the quorum", function () {
  this.timeout(180_000);
  let crypto: Crypto;
  let dir: string;
  let f: Awaited<ReturnType<typeof deployLedgerSystem>>;
  let addrs: Awaited<ReturnType<typeof fixtureAddresses>>;
  let aggregator: Aggregator;
  let n = 0;

  before(async function () {
    crypto = await loadCrypto({ threads: 0 });
  });

  beforeEach(async function () {
    dir = await mkdtemp(join(tmpdir(), "por-interims-"));
    f = await deployLedgerSystem(conn);
    addrs = await fixtureAddresses(f);
    // The member pays its withdrawals from its own account, one of its reserve wallets.
    await registerReserve(conn, addrs, f.member, f.member);
    aggregator = await startTestAggregator(ethers.provider, f.other, addrs, dir);
  });

  afterEach(async function () {
    await aggregator.stop();
    await rm(dir, { recursive: true, force: true });
  });

  function node(wallet: Wallet, over: Partial<OperatorNodeOptions> = {}, db = `node-${++n}.sqlite`): OperatorNode {
    return new OperatorNode({
      provider: ethers.provider,
      wallet,
      addresses: {
        ledger: addrs.ledger,
        registry: addrs.registry,
        reserveRegistry: addrs.reserveRegistry,
        adjudicator: addrs.adjudicator,
      },
      crypto,
      blobs: localBlobSource(new LocalBlobStore(join(dir, "blobs"))),
      dbPath: join(dir, db),
      aggregatorUrl: aggregator.url,
      confirmations: 1,
      checkContracts: false,
      log: silentLogger,
      ...over,
      interims: { attestations: addrs.attestations, missedRecheckSeconds: 0, ...over.interims },
    });
  }

  async function post(txRef: string, destination: string, amount: bigint, deadlineIn: bigint): Promise<InterimRecord> {
    const deadline = BigInt(await time.latest()) + deadlineIn;
    const interim = { asset: ETH_ASSET, amount, destinationDigest: destinationDigestOf(destination), txRef, deadline };
    const receipt = await (await f.attestations.connect(f.member).postInterim(interim)).wait();
    const log = receipt!.logs.find((l) => (l as EventLog).fragment?.name === "InterimPosted") as EventLog;
    return interimRecordFromEvent(log);
  }

  async function round(nodes: OperatorNode[], times = 1): Promise<void> {
    for (let i = 0; i < times; i++) {
      for (const x of nodes) {
        await x.pollOnce();
        await x.processDue();
      }
    }
  }

  /** Waits (at most 20 s) for the aggregator's queued submission of `subject` to finalize. */
  async function settledQueue(subject: string): Promise<void> {
    for (let i = 0; i < 200 && aggregator.db.subject(subject)?.status !== "finalized"; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(aggregator.db.subject(subject)?.status).to.equal("finalized");
  }

  const idOf = async (r: InterimRecord) => (await f.attestations.interimIdOf(r.member, r.asset, r.seq)).toLowerCase();

  it("settles a real ETH transfer IA end to end, once, and a restarted node re-sends, never re-signs", async function () {
    const destination = Wallet.createRandom().address;
    const tx = await f.member.sendTransaction({ to: destination, value: E18 });
    await tx.wait();
    const record = await post(tx.hash, destination, E18, 86_400n);
    await mine(2);
    const nodes = f.operators.slice(0, 3).map((w) => node(w));
    await round(nodes);
    const id = await idOf(record);
    for (const x of nodes) {
      const j = x.db.interimJob(id);
      expect(j?.status, j?.lastError ?? "").to.equal("sent");
      expect(j?.settled).to.equal(true);
      // The health endpoint's IA counts.
      expect(x.health().interims).to.deep.equal({ pending: 0, signed: 0, sent: 1, closed: 0, settled: 1, missed: 0 });
    }
    await settledQueue(id);
    expect(await f.attestations.interimStatusOf(record)).to.equal(STATUS.Settled);
    const s = aggregator.db.subject(id);
    expect(s?.kind).to.equal("interim");
    expect(s?.status).to.equal("finalized");
    // The on-chain verdict is one InterimAttested, settled.
    const attested = await f.attestations.queryFilter(f.attestations.filters.InterimAttested());
    expect(attested.length).to.equal(1);
    // A node restarted on its database neither re-judges nor signs again.
    const file = nodes[0].db.interimJob(id)!.file;
    for (const x of nodes) await x.stop();
    const again = node(f.operators[0], {}, "node-1.sqlite");
    await round([again]);
    expect(again.db.interimJob(id)!.file).to.equal(file);
    await again.stop();
  });

  it("attests a missed IA missed (and slashes) once the deadline passed at a seen block", async function () {
    const destination = Wallet.createRandom().address;
    const record = await post(hexlify(randomBytes(32)), destination, E18, 600n);
    await mine(2);
    const nodes = f.operators.slice(0, 3).map((w) => node(w));
    await round(nodes);
    const id = await idOf(record);
    // Before the deadline: no verdict, the IA waits.
    for (const x of nodes) expect(x.db.interimJob(id)?.status).to.equal("pending");
    expect(nodes[0].health().interims).to.include({ pending: 1, sent: 0, missed: 0 });
    await time.increase(700);
    await mine(1);
    await new Promise((r) => setTimeout(r, 1_100)); // the first wait's postponement (1 s)
    await round(nodes, 2); // the first all-sources "missed" finding, then its second check
    for (const x of nodes) {
      const j = x.db.interimJob(id);
      expect(j?.status, j?.lastError ?? "").to.equal("sent");
      expect(j?.settled).to.equal(false);
      expect(x.health().interims).to.include({ pending: 0, sent: 1, settled: 0, missed: 1 });
    }
    await settledQueue(id);
    expect(await f.attestations.interimStatusOf(record)).to.equal(STATUS.Missed);
    const [ev] = await f.attestations.queryFilter(f.attestations.filters.InterimAttested());
    expect(ev.args.slashed > 0n, "the missed IA slashes the member").to.equal(true);
    for (const x of nodes) await x.stop();
  });

  describe("a node with a faulty RPC for the asset's chain", function () {
    let proxy: RpcProxy;
    let bridge: Awaited<ReturnType<typeof startRpcBridge>>;
    beforeEach(async function () {
      bridge = await startRpcBridge(conn.provider);
      proxy = await startRpcProxy(bridge.url);
    });
    afterEach(async function () {
      await proxy.close();
      bridge.server.close();
    });

    it("gives no verdict while its RPC fails, and never a missed one when it omits the transaction", async function () {
      const destination = Wallet.createRandom().address;
      const tx = await f.member.sendTransaction({ to: destination, value: E18 });
      await tx.wait();
      const record = await post(tx.hash, destination, E18, 600n);
      await mine(2);
      const id = await idOf(record);
      const flakyProvider = new JsonRpcProvider(proxy.url, undefined, { staticNetwork: true, batchMaxCount: 1 });
      const flaky = node(f.operators[3], {
        interims: {
          attestations: addrs.attestations,
          chains: { [ETH_ASSET]: { providers: [flakyProvider], token: ZeroAddress } },
        },
      });
      // The RPC errors: the IA is postponed, no verdict, whatever the time.
      const failing = proxy.inject({ method: "eth_getTransactionReceipt", fault: { kind: "error" } });
      await time.increase(700);
      await mine(1);
      await round([flaky]);
      let j = flaky.db.interimJob(id)!;
      expect(j.status).to.equal("pending");
      expect(j.file).to.equal(null);
      expect(j.lastError).to.be.a("string");
      failing.remove();
      // The RPC omits the receipt (a stale or lying endpoint) past the deadline: the node's own consortium provider
      // shows the payment, so "missed" is never signed.
      proxy.inject({ method: "eth_getTransactionReceipt", fault: { kind: "null" } });
      await new Promise((r) => setTimeout(r, 1_100)); // the backoff of one failure
      await round([flaky], 2);
      j = flaky.db.interimJob(id)!;
      expect(j.settled).to.not.equal(false);
      expect(j.file === null || JSON.parse(j.file).settled === true).to.equal(true);
      await flaky.stop();
      // The honest nodes settle it.
      const nodes = f.operators.slice(0, 3).map((w) => node(w));
      await round(nodes);
      await settledQueue(id);
      expect(await f.attestations.interimStatusOf(record)).to.equal(STATUS.Settled);
      for (const x of nodes) await x.stop();
    });
  });

  it("the aggregator refuses a verdict of a non-co-signer, and submits the side reaching quorum, never both", async function () {
    const destination = Wallet.createRandom().address;
    const tx = await f.member.sendTransaction({ to: destination, value: E18 });
    await tx.wait();
    const record = await post(tx.hash, destination, E18, 86_400n);
    await mine(2);
    const chainId = (await ethers.provider.getNetwork()).chainId;
    const domain = attestationsDomain(chainId, addrs.attestations);
    const postFile = async (signer: Wallet, settled: boolean) => {
      const signed = await signInterimVerdict(signer, domain, record, settled);
      const file = interimVerdictFile(chainId, addrs.attestations, record, settled, "test", signed);
      return fetch(`${aggregator.url}/interims`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(file),
      });
    };
    const stranger = new Wallet(Wallet.createRandom().privateKey, ethers.provider);
    const refused = await postFile(stranger, true);
    expect(refused.status).to.equal(403);
    expect(((await refused.json()) as { error: string }).error).to.match(/may not co-sign/);
    // A conflicting missed verdict of one operator stays below quorum; the three nodes' settled ballot is submitted.
    expect((await postFile(f.operators[3], false)).status).to.equal(201);
    const nodes = f.operators.slice(0, 3).map((w) => node(w));
    await round(nodes);
    const id = await idOf(record);
    await settledQueue(id);
    expect(await f.attestations.interimStatusOf(record)).to.equal(STATUS.Settled);
    const attested = await f.attestations.queryFilter(f.attestations.filters.InterimAttested());
    expect(attested.map((e) => e.args.settled)).to.deep.equal([true]);
    for (const x of nodes) await x.stop();
  });

  it("the aggregator refuses a bad IA verdict with a reason and stores nothing", async function () {
    const post = (body: unknown) =>
      fetch(`${aggregator.url}/interims`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    let res = await post({ format: "por.interim-verdict", version: 2 });
    expect(res.status).to.equal(422);
    expect(((await res.json()) as { error: string }).error).to.match(/field chainId/);
    // Version 1 (records without their slot) is refused by name.
    res = await post({ format: "por.interim-verdict", version: 1 });
    expect(res.status).to.equal(422);
    expect(((await res.json()) as { error: string }).error).to.match(/field version/);
    expect(aggregator.db.countAttestations()).to.equal(0);
  });
});
