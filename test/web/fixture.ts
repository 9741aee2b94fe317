// The web page's test world: the consortium deployed with its Ignition module on Hardhat's in-process chain behind a
// loopback JSON-RPC endpoint (with CORS, as a node answers), a member that committed an honest tree at t1 and a tree
// omitting one user ("bob") at t2, both from real snapshots signed by the liabilities engine; the verifier service
// serving the built page, the LeafMismatch32 circuit files and its deployment; and Debian's Chromium driven by
// playwright-core (headless, TOOLCHAIN.md flags). Screenshots go to reports/web-page/.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { Wallet } from "ethers";
import { network } from "hardhat";
import { chromium, type Browser, type Page } from "playwright-core";

import { buildConsortiumModule, FRAUD_VERIFIER } from "../../deploy/Consortium.js";
import { LocalBlobStore } from "../../src/blobstore/index.js";
import { circuitArtifacts } from "../../src/circuits/index.js";
import { loadCrypto, type Crypto } from "../../src/crypto/index.js";
import { generateMemberKeys } from "../../src/keys/index.js";
import { silentLogger } from "../../src/log/index.js";
import { localBlobSource } from "../../src/node/blobs.js";
import { readRecordFile, type RecordFile } from "../../src/records/file.js";
import { FRAUD_CIRCUIT } from "../../src/prover/index.js";
import { buildWebPage, type BuiltPage } from "../../src/web/build.js";
import { EthersChainView, openRecordStore, startVerifierService } from "../../src/verifier-service/index.js";
import type { RecordStore } from "../../src/verifier-service/store.js";
import type { VerifierService } from "../../src/verifier-service/service.js";
import { omissionSnapshot, type OmissionSnapshot } from "../e2e/omission-fraud.js";
import { startRpcBridge } from "../helpers/rpc-bridge.js";

const E18 = 10n ** 18n;
/** Where the screenshots go. */
export const SCREENSHOT_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "reports", "web-page");
/** Chromium from Debian (apt-get install chromium; .ci/run installs it). */
export const CHROMIUM = process.env.POR_CHROMIUM ?? "/usr/bin/chromium";
/** TOOLCHAIN.md's flags for headless Chromium here. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** The balances of both snapshots (distinct, so a record file is found by its balance). */
export const BALANCES_T1 = { alice: 2n * E18, bob: 15n * 10n ** 17n, carol: 7n * 10n ** 17n, dave: 123_456_789n };
export const BALANCES_T2 = { alice: 3n * E18, bob: 25n * 10n ** 17n, carol: 8n * 10n ** 17n, dave: 987_654_321n };

/** A running test world. */
export interface WebWorld {
  crypto: Crypto;
  page: BuiltPage;
  rpcUrl: string;
  service: VerifierService;
  store: RecordStore;
  browser: Browser;
  member: string;
  ledger: string;
  registry: string;
  adjudicator: string;
  /** The account the injected wallet sends from (the prover: it earns the bounty). */
  prover: string;
  payout: string;
  t1: bigint;
  t2: bigint;
  honest: OmissionSnapshot;
  fraud: OmissionSnapshot;
  /** Every record file of both snapshots, by account and snapshot (`alice@t1`). */
  records: Map<string, { path: string; file: RecordFile }>;
  /** A new page at the service's `/` with `?rpc=`; the wallet is injected when asked. */
  open(o?: { wallet?: boolean }): Promise<Page>;
  close(): Promise<void>;
}

async function recordsOf(snap: OmissionSnapshot, label: string, into: WebWorld["records"], balances: object) {
  const dir = join(snap.dir, "records", "1");
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    const file = await readRecordFile(path);
    const account = Object.entries(balances).find(([, b]) => String(b) === file.record.balance)?.[0];
    into.set(`${account ?? name}@${label}`, { path, file });
  }
}

/** Builds the page, deploys and commits, and starts the RPC endpoint, the verifier service and Chromium. */
export async function startWebWorld(): Promise<WebWorld> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (.ci/run does), or set POR_CHROMIUM`);
  }
  const workDir = await mkdtemp(join(tmpdir(), "por-web-"));
  const page = await buildWebPage({ outDir: join(workDir, "page") });
  const connection = await network.create();
  const { ethers, ignition, networkHelpers } = connection;
  const { time } = networkHelpers;
  const d = await ignition.deploy(buildConsortiumModule("WebPage", FRAUD_VERIFIER), {
    parameters: { WebPage: { responseWindow: 3_600n, quorumWeight: 4n * E18, minSigners: 2n, requestFee: 0n } },
  });
  const registry = await ethers.getContractAt("ConsortiumRegistry", await d.registry.getAddress());
  const vault = await ethers.getContractAt("CollateralVault", await d.vault.getAddress());
  const ledger = await ethers.getContractAt("CommitmentLedger", await d.ledger.getAddress());
  const [governance, member, , prover] = await ethers.getSigners();
  await registry.connect(member).applyForMembership(ethers.id("profile"));
  await registry.connect(governance).approveGenesis(member.address, ethers.id("genesis"));
  await vault.connect(member).deposit(member.address, ethers.ZeroAddress, 10n * E18, { value: 10n * E18 });
  await registry.connect(governance).activate(member.address);

  // Two snapshots under one record key: t1 committed honestly, t2 committed without bob's leaf.
  const keys = generateMemberKeys();
  const keyFrom = BigInt(await time.latest()) + 5n;
  const t1 = keyFrom + 30n;
  const t2 = t1 + 100n;
  const payout = Wallet.createRandom().address;
  const snap = async (t: bigint, balances: Record<string, bigint>, sub: string) => {
    const dir = join(workDir, sub);
    await mkdir(dir);
    return omissionSnapshot({
      workDir: dir,
      member: member.address,
      t,
      balances,
      victim: "bob",
      keys,
      payouts: { bob: payout },
    });
  };
  const honest = await snap(t1, BALANCES_T1, "t1");
  const fraud = await snap(t2, BALANCES_T2, "t2");
  await registry.connect(member).registerKey(honest.key.keyHash, honest.key.ax, honest.key.ay, keyFrom);
  await time.increaseTo(t2 + 40n);
  const total = Object.values(BALANCES_T1).reduce((a, b) => a + b, 0n);
  await ledger
    .connect(member)
    .commit(t1, [{ ...honest.commitment, rootHash: honest.honestRootHash, rootSum: total, reserves: total + 1n }]);
  await ledger.connect(member).commit(t2, [fraud.commitment]);

  const records: WebWorld["records"] = new Map();
  await recordsOf(honest, "t1", records, BALANCES_T1);
  await recordsOf(fraud, "t2", records, BALANCES_T2);

  const bridge = await startRpcBridge(connection.provider);
  const crypto = await loadCrypto({ threads: 0 });
  const store = await openRecordStore(join(workDir, "verifier.db"));
  const addresses = { ledger: await ledger.getAddress(), registry: await registry.getAddress() };
  const chain = new EthersChainView(addresses.registry, addresses.ledger, ethers.provider, {
    nowCacheMs: 0,
    statusCacheMs: 0,
    attempts: 2,
  });
  // The DA layer the service reads: a local blob store holding the committed leaves of t2 (their keccak256 is the
  // committed blobDigest), so the page fetches them instead of asking the user for a file.
  const blobStore = new LocalBlobStore(join(workDir, "blobs"));
  await blobStore.put(await readFile(fraud.publishedLeavesFile));
  const artifacts = await circuitArtifacts(FRAUD_CIRCUIT);
  const service = await startVerifierService({
    store,
    chain,
    crypto,
    logger: silentLogger,
    web: {
      pageDir: page.dir,
      circuits: { [FRAUD_CIRCUIT]: { wasm: artifacts.wasm, zkey: artifacts.zkey, vkey: artifacts.vkey } },
      deployment: addresses,
      blobs: localBlobSource(blobStore),
    },
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const rpcUrl = bridge.url;
  const proverAddress = prover.address;

  const open = async (o: { wallet?: boolean } = {}): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 412, height: 915 }, acceptDownloads: true });
    const p = await context.newPage();
    if (o.wallet === true) {
      // An injected EIP-1193 wallet (what a browser extension provides): the chain's unlocked prover account.
      // A string, not a function: the test's compiled functions carry helpers the page does not have.
      await p.addInitScript(`(() => {
        const rpc = ${JSON.stringify(rpcUrl)};
        const account = ${JSON.stringify(proverAddress)};
        let id = 0;
        window.ethereum = {
          async request({ method, params }) {
            if (method === "eth_requestAccounts" || method === "eth_accounts") return [account];
            const res = await fetch(rpc, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params: params ?? [] }),
            });
            const body = await res.json();
            if (body.error !== undefined) throw Object.assign(new Error(body.error.message), body.error);
            return body.result;
          },
        };
      })();`);
    }
    await p.goto(`${service.url}/?rpc=${encodeURIComponent(rpcUrl)}`);
    return p;
  };

  return {
    crypto,
    page,
    rpcUrl,
    service,
    store,
    browser,
    member: member.address,
    ledger: addresses.ledger,
    registry: addresses.registry,
    adjudicator: await d.adjudicator.getAddress(),
    prover: proverAddress,
    payout,
    t1,
    t2,
    honest,
    fraud,
    records,
    open,
    close: async () => {
      await browser.close();
      await service.close();
      await crypto.close();
      await new Promise<void>((resolve) => bridge.server.close(() => resolve()));
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

/** A record file's text with one change applied (for tampered vectors). */
export async function tamperedText(path: string, change: (json: Record<string, unknown>) => void): Promise<string> {
  const json = JSON.parse(await readFile(path, "utf8")) as Record<string, unknown>;
  change(json);
  return JSON.stringify(json, null, 2);
}
