// Step 5, services: the real verifier service (HTTP, SQLite store) with its back-in-time request scheduler, the real
// aggregator, and one real operator node per member (each co-signs the others' commitments and watches for fraud),
// all on the chain's JSON-RPC as they would run against a public chain.
import { join } from "node:path";

import { Wallet, getBytes, keccak256, toUtf8Bytes } from "ethers";

import { Aggregator } from "../../aggregator/index.js";
import { LocalBlobStore } from "../../blobstore/index.js";
import { encryptionKeyFromPrivate } from "../../private/index.js";
import { OperatorNode, jsonLogger, localBlobSource, openHeldRecords, type HeldRecords } from "../../node/index.js";
import {
  DEFAULT_LIMITS,
  EthersChainView,
  RequestScheduler,
  jsonLogger as verifierLogger,
  openRecordStore,
  startVerifierService,
  type VerifierService,
} from "../../verifier-service/index.js";
import type { DemoContext, DemoServices } from "../context.js";
import { SeededRandom } from "../scenario.js";

/** Starts the verifier service, the aggregator and the operator nodes (stopped at the end by `ctx.res`). */
export async function services(ctx: DemoContext): Promise<DemoServices> {
  const { p, res, scenario, tmp, d, crypto, chain, logFile } = ctx;
  const { rpc } = chain;
  const blobsDir = join(tmp, "blobs");
  const blobs = new LocalBlobStore(blobsDir);
  const verifierDb = join(tmp, "verifier.sqlite");
  const adminToken = keccak256(toUtf8Bytes(`${scenario.options.seed}:admin:${Date.now()}`)).slice(2);
  return p.step("services", "start the verifier service, the aggregator and the operator nodes", async (note) => {
    const store = await openRecordStore(verifierDb);
    const vlog = verifierLogger("verifier-service", { level: "info", out: logFile("verifier") });
    const verifierWallet = new Wallet(scenario.verifierKey, rpc);
    // No block-time cache: the demo moves the chain's clock forward between steps.
    const chainView = new EthersChainView(d.addresses.registry, d.addresses.ledger, verifierWallet, {
      nowCacheMs: 0,
    });
    let service: VerifierService;
    try {
      // Every user of the demo forwards from the same address (localhost), so the per-client rate limit (50 records/s,
      // burst 1,000 by default) would throttle the whole scenario as one client: size the burst to every record the
      // scenario can forward (both rounds, both assets).
      const records = scenario.options.members * scenario.options.users * 2 * 2;
      const limits = {
        rate: { perSecond: DEFAULT_LIMITS.rate.perSecond, burst: Math.max(DEFAULT_LIMITS.rate.burst, records) },
      };
      service = await startVerifierService({ store, chain: chainView, crypto, logger: vlog, adminToken, limits });
    } catch (e) {
      await store.close();
      throw e;
    }
    res.add("verifier service", () => service.close());
    const rng = new SeededRandom(scenario.pickSeed);
    const scheduler = new RequestScheduler({
      store,
      chain: chainView,
      logger: vlog.child({ component: "scheduler" }),
      policy: { minRecords: 1, minAgeSeconds: 1_800, maxPerMember: 1, maxPerRound: 1, includeUncommitted: false },
      random: (n) => rng.int(n),
      isRequestExists: (e) => chainView.ledgerRevertName(e) === "CommitmentLedgerRequestExists",
    });
    note(`verifier service ${service.url} (SQLite store)`);

    const aggregator = new Aggregator({
      provider: rpc,
      wallet: new Wallet(scenario.aggregatorKey, rpc),
      ledger: d.addresses.ledger,
      registry: d.addresses.registry,
      // The stake source the ledger counts (the vault, or the EigenLayer adapter).
      vault: await d.stakeSource.getAddress(),
      dbPath: join(tmp, "aggregator.sqlite"),
      log: jsonLogger("aggregator", { out: logFile("aggregator") }),
    });
    await aggregator.start(0);
    res.add("aggregator", () => aggregator.stop());
    note(`aggregator ${aggregator.url}`);

    const held: HeldRecords = await openHeldRecords(verifierDb);
    res.add("held records", () => held.close());
    const nodes: OperatorNode[] = [];
    const nodeLog = logFile("nodes");
    for (const m of scenario.members) {
      const node = new OperatorNode({
        provider: rpc,
        wallet: new Wallet(m.privateKey, rpc),
        addresses: {
          ledger: d.addresses.ledger,
          registry: d.addresses.registry,
          reserveRegistry: d.addresses.reserveRegistry,
          adjudicator: d.addresses.adjudicator,
        },
        crypto,
        blobs: localBlobSource(blobs),
        held,
        dbPath: join(tmp, `node-${m.index}.sqlite`),
        aggregatorUrl: aggregator.url,
        confirmations: 1,
        pollMs: 400,
        healthPort: 0,
        log: jsonLogger("node", { out: nodeLog, fields: { operator: m.name } }),
        // Its encryption key (registered at onboarding) opens the private member's blobs.
        encryptionKey: encryptionKeyFromPrivate(getBytes(m.encryptionKey)),
      });
      await node.start();
      res.add(`operator node of ${m.name}`, () => node.stop());
      nodes.push(node);
    }
    note(`${nodes.length} operator nodes (one per member; each co-signs the others' commitments)`);
    return { service, scheduler, aggregator, nodes, blobs, blobsDir, adminToken };
  });
}
