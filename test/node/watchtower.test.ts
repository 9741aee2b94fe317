// The watchtower's ejection on the in-process chain, with the REAL fraud-proof verifier and real LeafMismatch32
// Groth16 proofs: a slash no longer ejects a member it leaves below its minimum collateral, so after its own proof is
// mined the watchtower calls `ejectUndercollateralized(member)` when the registry says the member is ejectable and its
// stake is below the minimum; it leaves a member above its minimum alone, and a failed ejection (unreadable terms, a
// transaction that cannot be sent) is logged while the watchtower carries on. An ejection is attempted once per member
// per batch, its wait is short (one not mined in time never stalls the next proof), a proof transaction not mined in
// time counts as failed instead of hanging, and the proof a previous run sent and saw mined only after a restart
// still leads to the ejection. The claims a proof books go to the payouts the records commit to, after the claim
// window (the watchtower pays nothing). A set that leaves out a listed asset for which the operator holds a signed
// record is voted Insolvent and proven against the empty tree's root; a member whose registered record key is of small
// order is voted Insolvent (record-key), and the proof the watchtower cannot build is recorded as refused (weak-key),
// never retried.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import {
  AbstractSigner,
  Contract,
  Transaction,
  TransactionResponse,
  Wallet,
  type Provider,
  type Signer,
  type TransactionRequest,
  type TransactionResponseParams,
  type TypedDataDomain,
  type TypedDataField,
} from "ethers";
import { network } from "hardhat";

import { LocalBlobStore } from "../../src/blobstore/index.js";
import { circuitArtifacts, releaseCurves } from "../../src/circuits/index.js";
import { Verdict, bookedClaim, setSubject } from "../../src/consortium/index.js";
import { loadCrypto, type Crypto } from "../../src/crypto/index.js";
import {
  NodeDb,
  OperatorNode,
  ejectIfUndercollateralized,
  jsonLogger,
  localBlobSource,
  memoryHeldRecords,
  proveAndSubmitFraud,
  verifySubject,
  type HeldRecords,
  type Logger,
} from "../../src/node/index.js";
import type { StoredRecord } from "../../src/verifier-service/store.js";
import { ORDER8, forgeUnderOrder8 } from "../helpers/weak-keys.js";
import {
  E18,
  commitSnapshot,
  deploy,
  fundedWallet,
  makeSnapshot,
  onboard,
  registerKeyPoint,
  registerRecordKey,
  registerReserve,
  type Conn,
} from "./fixture.js";

const conn = (await network.create()) as unknown as Conn & Awaited<ReturnType<typeof network.create>>;
const { ethers, networkHelpers } = conn;
let crypto: Crypto;
const dirs: string[] = [];

const EJECTED = 6n;
const ACTIVE = 3n;
const PENDING = 1n;
const FRAUDULENT = 3n;
/** A second listed asset (6 decimals), which the missing-asset member's set leaves out. */
const USDC = 2;

/** A logger whose JSON lines are kept. */
function recordingLogger(): { log: Logger; lines: () => Array<Record<string, unknown>> } {
  const out: string[] = [];
  const log = jsonLogger("watchtower-test", { level: "debug", out: { write: (s: string) => out.push(s) } });
  return { log, lines: () => out.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

/**
 * A signer whose ejection transactions are signed but never reach the chain (as if stuck in a mempool): ethers sees a
 * sent transaction that is never mined. Everything else goes through the wrapped wallet.
 */
class EjectionHoldingSigner extends AbstractSigner {
  /** Hashes of the ejection transactions held back. */
  readonly held: string[] = [];
  private readonly selector: string;
  constructor(
    private readonly inner: Wallet,
    adjudicator: Contract,
  ) {
    super(inner.provider);
    this.selector = adjudicator.interface.getFunction("ejectUndercollateralized")?.selector ?? "0x";
  }
  getAddress(): Promise<string> {
    return this.inner.getAddress();
  }
  connect(provider: Provider | null): EjectionHoldingSigner {
    void provider;
    return this;
  }
  signTransaction(tx: TransactionRequest): Promise<string> {
    return this.inner.signTransaction(tx);
  }
  signMessage(message: string | Uint8Array): Promise<string> {
    return this.inner.signMessage(message);
  }
  signTypedData(
    domain: TypedDataDomain,
    types: Record<string, TypedDataField[]>,
    value: Record<string, unknown>,
  ): Promise<string> {
    return this.inner.signTypedData(domain, types, value);
  }
  async sendTransaction(tx: TransactionRequest): Promise<TransactionResponse> {
    if (typeof tx.data !== "string" || !tx.data.startsWith(this.selector)) return this.inner.sendTransaction(tx);
    const populated = await this.inner.populateTransaction(tx);
    delete populated.from;
    const signed = Transaction.from(await this.inner.signTransaction(populated));
    const hash = signed.hash as string;
    this.held.push(hash);
    const params: TransactionResponseParams = {
      blockNumber: null,
      blockHash: null,
      hash,
      index: 0,
      type: signed.type ?? 2,
      to: signed.to,
      from: signed.from as string,
      nonce: signed.nonce,
      gasLimit: signed.gasLimit,
      gasPrice: signed.gasPrice ?? 0n,
      maxPriorityFeePerGas: signed.maxPriorityFeePerGas,
      maxFeePerGas: signed.maxFeePerGas,
      maxFeePerBlobGas: signed.maxFeePerBlobGas,
      data: signed.data,
      value: signed.value,
      chainId: signed.chainId,
      signature: signed.signature as NonNullable<Transaction["signature"]>,
      accessList: signed.accessList,
      blobVersionedHashes: signed.blobVersionedHashes,
      authorizationList: signed.authorizationList,
    };
    return new TransactionResponse(params, this.provider as Provider);
  }
}

/**
 * Two members on a deployment with the generated verifier (minimum collateral 1 ETH): `short` posts 1.5 ETH (one
 * fraud slash of 50% leaves it below the minimum), `ample` posts 10 ETH. Each commits a snapshot at t whose tree
 * omits its third user (`short`'s omits its second user too); the omitted users' records are held by the operator (a
 * funded wallet, not a member).
 */
async function setup() {
  const d = await deploy(conn, "WatchtowerTest", "LeafMismatch32Verifier");
  const [, short, ample] = await ethers.getSigners();
  await onboard(conn, d, short, 15n * 10n ** 17n);
  await onboard(conn, d, ample, 10n * E18);
  const operator = await fundedWallet(conn, 5n * E18);
  const keys = [await registerRecordKey(conn, d, crypto, short), await registerRecordKey(conn, d, crypto, ample)];
  const reserves = [await fundedWallet(conn, 10n * E18), await fundedWallet(conn, 10n * E18)];
  await registerReserve(conn, d, short, reserves[0]);
  await registerReserve(conn, d, ample, reserves[1]);
  await networkHelpers.time.increase(60);
  const t = BigInt(await networkHelpers.time.latest());
  await networkHelpers.time.increase(10);
  await networkHelpers.mine(1);
  const dir = await mkdtemp(join(tmpdir(), "por-watchtower-"));
  dirs.push(dir);
  const blobs = new LocalBlobStore(join(dir, "blobs"));
  const balances = [1n * E18, 2n * E18, 15n * 10n ** 17n];
  const snaps = [
    await makeSnapshot(crypto, keys[0], short.address, t, balances, [1, 2]),
    await makeSnapshot(crypto, keys[1], ample.address, t, balances, [2]),
  ];
  const committed = [
    await commitSnapshot(conn, d, short, t, snaps[0], [reserves[0]], blobs),
    await commitSnapshot(conn, d, ample, t, snaps[1], [reserves[1]], blobs),
  ];
  await networkHelpers.mine(3);
  const registry = await ethers.getContractAt("ConsortiumRegistry", d.registry);
  const vault = await ethers.getContractAt("CollateralVault", d.vault);
  const adjudicator = await ethers.getContractAt("Adjudicator", d.adjudicator);
  return { d, short, ample, operator, t, dir, blobs, snaps, committed, registry, vault, adjudicator };
}

/** The MemberEjectedUndercollateralized events of the adjudicator, as (member, caller). */
async function ejections(adjudicator: Contract): Promise<Array<[string, string]>> {
  const logs = await adjudicator.queryFilter(adjudicator.filters.MemberEjectedUndercollateralized(), 0, "latest");
  return logs.flatMap((l) => ("args" in l ? [[String(l.args[0]), String(l.args[3])] as [string, string]] : []));
}

/**
 * One member (10 ETH of stake, a reserve wallet of 10 ETH) and an operator on a deployment with the generated verifier,
 * `weak` choosing the member's record key:
 * - not weak: an ordinary key; asset 2 (USDC) is listed too; the member commits a complete ETH tree at t (2 + 3 ETH)
 *   and signs USDC records at t (7 and 5 USDC) for a tree it never commits: its set leaves USDC out.
 * - weak: the registered key is {@link ORDER8} (order 8: anyone forges a signature under it); the member commits an
 *   ETH tree at t that omits its second user (1 + 2 ETH signed, 1 ETH in the tree), records "signed" by forgery.
 */
async function edgeSetup(weak: boolean) {
  const d = await deploy(conn, weak ? "WatchtowerWeakKey" : "WatchtowerMissingAsset", "LeafMismatch32Verifier");
  const [governance, , , member] = await ethers.getSigners();
  await onboard(conn, d, member, 10n * E18);
  const operator = await fundedWallet(conn, 5n * E18);
  await onboard(conn, d, operator, 2n * E18);
  const registry = await ethers.getContractAt("ConsortiumRegistry", d.registry);
  let prv: Uint8Array | undefined;
  if (weak) await registerKeyPoint(conn, d, crypto, member, ORDER8);
  else {
    prv = await registerRecordKey(conn, d, crypto, member);
    const token = Wallet.createRandom().address; // never called: no claim of it is paid in these tests
    await (await registry.connect(governance).listAsset(USDC, token, "USDC", 6)).wait();
  }
  const reserve = await fundedWallet(conn, 10n * E18);
  await registerReserve(conn, d, member, reserve);
  await networkHelpers.time.increase(60);
  const t = BigInt(await networkHelpers.time.latest());
  await networkHelpers.time.increase(10);
  await networkHelpers.mine(1);
  const dir = await mkdtemp(join(tmpdir(), "por-watchtower-edge-"));
  dirs.push(dir);
  const blobs = new LocalBlobStore(join(dir, "blobs"));
  const key = prv ?? { publicKey: ORDER8, sign: (m: bigint) => forgeUnderOrder8(m) };
  const eth = weak
    ? await makeSnapshot(crypto, key, member.address, t, [1n * E18, 2n * E18], [1])
    : await makeSnapshot(crypto, key, member.address, t, [2n * E18, 3n * E18]);
  const usdc = weak
    ? undefined
    : await makeSnapshot(crypto, key, member.address, t, [7_000_000n, 5_000_000n], [], 32, {
        asset: USDC,
      });
  await commitSnapshot(conn, d, member, t, eth, [reserve], blobs);
  await networkHelpers.mine(3);
  const ledger = await ethers.getContractAt("CommitmentLedger", d.ledger);
  const adjudicator = await ethers.getContractAt("Adjudicator", d.adjudicator);
  return { d, member, operator, t, dir, blobs, eth, usdc, ledger, adjudicator };
}
const missingAssetSetup = () => edgeSetup(false);
const weakKeySetup = () => edgeSetup(true);

type EdgeSetup = Awaited<ReturnType<typeof edgeSetup>>;

/** The operator node of an edge setup (confirmations 1, an unreachable aggregator). */
function edgeNode(s: EdgeSetup, held: HeldRecords, db: string, log: Logger): OperatorNode {
  return new OperatorNode({
    provider: ethers.provider,
    wallet: s.operator.connect(ethers.provider),
    addresses: {
      ledger: s.d.ledger,
      registry: s.d.registry,
      reserveRegistry: s.d.reserveRegistry,
      adjudicator: s.d.adjudicator,
    },
    crypto,
    blobs: localBlobSource(s.blobs),
    held,
    dbPath: join(s.dir, db),
    aggregatorUrl: "http://127.0.0.1:9",
    confirmations: 1,
    pollMs: 60_000,
    log,
  });
}

/** The verification deps of an edge setup's node. */
async function edgeVerifyDeps(s: EdgeSetup, held: HeldRecords, log: Logger) {
  return {
    provider: ethers.provider,
    chainId: (await ethers.provider.getNetwork()).chainId,
    addresses: {
      ledger: s.d.ledger,
      registry: s.d.registry,
      reserveRegistry: s.d.reserveRegistry,
      adjudicator: s.d.adjudicator,
    },
    crypto,
    blobs: localBlobSource(s.blobs),
    held,
    depth: 32,
    log,
  };
}

/** The FraudProven events of the adjudicator for `member`, as (nullifier, asset, claim, payoutHash, prover). */
async function fraudsProven(
  adjudicator: Contract,
  member: string,
): Promise<Array<[bigint, bigint, bigint, bigint, string]>> {
  const logs = await adjudicator.queryFilter(adjudicator.filters.FraudProven(member), 0, "latest");
  return logs.flatMap((l) =>
    "args" in l
      ? [
          [
            l.args[1] as bigint,
            BigInt(l.args[2] as bigint),
            l.args[4] as bigint,
            l.args[5] as bigint,
            String(l.args[7]),
          ] as [bigint, bigint, bigint, bigint, string],
        ]
      : [],
  );
}

describe("Watchtower ejection after a fraud proof (real Groth16 proofs)", function () {
  this.timeout(600_000);
  before(async function () {
    await circuitArtifacts("LeafMismatch32"); // proving keys (a cold cache runs the development ceremony once)
    crypto = await loadCrypto({ threads: 0 });
  });
  after(async function () {
    await crypto?.close();
    await releaseCurves();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it("ejects the member its proof left below the minimum, and leaves the one above it Active", async function () {
    const s = await networkHelpers.loadFixture(setup);
    const omitted = [s.snaps[0].records[2], s.snaps[1].records[2]];
    const held = memoryHeldRecords(omitted);
    const { log, lines } = recordingLogger();
    const node = new OperatorNode({
      provider: ethers.provider,
      wallet: s.operator.connect(ethers.provider),
      addresses: {
        ledger: s.d.ledger,
        registry: s.d.registry,
        reserveRegistry: s.d.reserveRegistry,
        adjudicator: s.d.adjudicator,
      },
      crypto,
      blobs: localBlobSource(s.blobs),
      held,
      dbPath: join(s.dir, "node-sweep.sqlite"),
      aggregatorUrl: "http://127.0.0.1:9",
      confirmations: 1,
      pollMs: 60_000,
      log,
    });
    try {
      // The sweep checks the held records against the committed trees and proves both omissions.
      expect(await node.sweepHeldRecords()).to.equal(2);
      expect(node.db.frauds().map((f) => f.status)).to.deep.equal(["done", "done"]);
    } finally {
      await node.stop();
    }
    for (const r of omitted) expect(await s.adjudicator.isNullifierSpent(r.member, BigInt(r.nullifier))).to.equal(true);
    expect(held.marks.get(omitted[0].nullifier)).to.equal("mismatch");
    // Each proof booked its claim to the payout its record commits to; the watchtower paid nothing (claims wait for
    // the claim window and are paid only to the payout's opening, which the user holds).
    const claims = [];
    for (const r of omitted) {
      const c = await bookedClaim(ethers.provider, s.d.adjudicator, r.member, BigInt(r.nullifier));
      expect(c?.status, `claim ${r.nullifier}`).to.equal("open");
      expect(c?.terms.payoutHash).to.equal(BigInt(r.payoutHash ?? -1));
      expect(c?.terms.claim).to.equal(BigInt(r.balance));
      expect(c?.prover).to.equal(s.operator.address);
      claims.push(c!);
    }
    expect(await s.adjudicator.queryFilter(s.adjudicator.filters.ClaimPaid(), 0, "latest")).to.deep.equal([]);

    // 1.5 ETH slashed by half: 0.75 < 1 ETH, so the watchtower that proved it ejected the member.
    expect(await s.vault.stakeOf(s.short.address)).to.equal(75n * 10n ** 16n);
    expect(await s.registry.statusOf(s.short.address)).to.equal(EJECTED);
    // 10 ETH slashed by half: 5 >= 1 ETH, no ejection.
    expect(await s.vault.stakeOf(s.ample.address)).to.equal(5n * E18);
    expect(await s.registry.statusOf(s.ample.address)).to.equal(ACTIVE);
    expect(await ejections(s.adjudicator as unknown as Contract)).to.deep.equal([
      [s.short.address, s.operator.address],
    ]);
    const ejected = lines().find((l) => l.msg === "member ejected");
    expect(ejected?.member).to.equal(s.short.address);
    expect(lines().some((l) => l.msg === "member still meets its minimum collateral after the slash")).to.equal(true);
    // The only warnings are the contradictions the sweep found: no failed ejection.
    const warnings = lines().filter((l) => l.level === "warn" || l.level === "error");
    expect(warnings.map((l) => l.msg)).to.deep.equal([
      "held record contradicted by the committed tree",
      "held record contradicted by the committed tree",
    ]);

    // After the claim window, anyone pays a claim, and only to the opening of its payout hash (the user's).
    await networkHelpers.time.increaseTo(Math.max(...claims.map((c) => Number(c.closesAt))) + 1);
    const [anyone] = await ethers.getSigners();
    const adj = s.adjudicator.connect(anyone);
    for (const [i, c] of claims.entries()) {
      const payout = s.snaps[i].payouts[2];
      await expect(
        adj.payClaim(c.member, c.nullifier, c.terms, s.operator.address, payout.salt),
      ).to.be.revertedWithCustomError(s.adjudicator, "RestitutionWrongPayout");
      const before = await ethers.provider.getBalance(payout.address);
      const receipt = await (await adj.payClaim(c.member, c.nullifier, c.terms, payout.address, payout.salt)).wait();
      const paid = (await ethers.provider.getBalance(payout.address)) - before;
      const event = receipt?.logs.map((l) => s.adjudicator.interface.parseLog(l)).find((e) => e?.name === "ClaimPaid");
      expect(event?.args.payoutAddress).to.equal(payout.address);
      expect(event?.args.amount).to.equal(paid);
      expect((await bookedClaim(ethers.provider, s.d.adjudicator, c.member, c.nullifier))?.status).to.equal("paid");
      expect(paid > 0n && paid <= c.terms.claim, `paid ${paid}`).to.equal(true);
    }
  });

  it("carries on when the ejection fails: the proof stands, the failure is logged, a later call ejects", async function () {
    const s = await networkHelpers.loadFixture(setup);
    const { log, lines } = recordingLogger();
    const db = new NodeDb(join(s.dir, "node-direct.sqlite"));
    const record = s.snaps[0].records[2];
    try {
      // The registry given to the watchtower is not one (the ledger's address): the terms cannot be read.
      const outcomes = await proveAndSubmitFraud(
        {
          db,
          provider: ethers.provider,
          signer: s.operator.connect(ethers.provider),
          adjudicator: s.d.adjudicator,
          registry: s.d.ledger,
          poseidon: (xs) => crypto.poseidon(xs),
          log,
        },
        s.snaps[0].tree,
        s.committed[0].commitment.rootHash,
        [record],
        [s.committed[0].commitment],
      );
      expect([...outcomes.values()]).to.deep.equal(["submitted"]);
      expect(db.fraud(record.nullifier)?.status).to.equal("done");
    } finally {
      db.close();
    }
    expect(await s.adjudicator.isNullifierSpent(record.member, BigInt(record.nullifier))).to.equal(true);
    expect(await s.registry.statusOf(s.short.address)).to.equal(ACTIVE);
    const warning = lines().find((l) => l.level === "warn");
    expect(warning?.msg).to.equal("could not read the member's collateral after the slash; not ejecting");
    expect(warning?.member).to.equal(s.short.address);

    // A signer that cannot pay for gas: the transaction is never sent; logged, no throw.
    const deps = { provider: ethers.provider, adjudicator: s.d.adjudicator, registry: s.d.registry, log };
    const broke = new Wallet(Wallet.createRandom().privateKey, ethers.provider) as unknown as Signer & {
      getAddress(): Promise<string>;
    };
    expect(await ejectIfUndercollateralized({ ...deps, signer: broke }, s.short.address)).to.equal("failed");
    expect(lines().at(-1)?.msg).to.equal("ejection failed; carrying on");
    expect(await s.registry.statusOf(s.short.address)).to.equal(ACTIVE);

    // Anyone's later call ejects it; after that the member is no longer ejectable and nothing is sent.
    const signer = s.operator.connect(ethers.provider);
    expect(await ejectIfUndercollateralized({ ...deps, signer }, s.short.address)).to.equal("ejected");
    expect(await s.registry.statusOf(s.short.address)).to.equal(EJECTED);
    expect(await ejectIfUndercollateralized({ ...deps, signer }, s.short.address)).to.equal("not-needed");
    expect(await ejectIfUndercollateralized({ ...deps, signer }, s.ample.address)).to.equal("not-needed");
    expect(await ejections(s.adjudicator as unknown as Contract)).to.deep.equal([
      [s.short.address, s.operator.address],
    ]);
  });

  it("attempts one ejection per member per batch, and one not mined in time does not stall the next proof", async function () {
    const s = await networkHelpers.loadFixture(setup);
    const { log, lines } = recordingLogger();
    const db = new NodeDb(join(s.dir, "node-once.sqlite"));
    // Two omitted users of `short`, one batch (one tree).
    const records = [s.snaps[0].records[1], s.snaps[0].records[2]];
    const operator = s.operator.connect(ethers.provider);
    const signer = new EjectionHoldingSigner(operator, s.adjudicator as unknown as Contract);
    try {
      // The default ejection wait (5 s): the held ejection is never mined, and the watchtower goes on proving.
      const outcomes = await proveAndSubmitFraud(
        {
          db,
          provider: ethers.provider,
          signer,
          adjudicator: s.d.adjudicator,
          registry: s.d.registry,
          poseidon: (xs) => crypto.poseidon(xs),
          log,
        },
        s.snaps[0].tree,
        s.committed[0].commitment.rootHash,
        records,
        [s.committed[0].commitment],
      );
      expect([...outcomes.values()]).to.deep.equal(["submitted", "submitted"]);
      expect(db.frauds().map((f) => f.status)).to.deep.equal(["done", "done"]);
    } finally {
      db.close();
    }
    for (const r of records) expect(await s.adjudicator.isNullifierSpent(r.member, BigInt(r.nullifier))).to.equal(true);
    // Two slashes of half: 1.5 -> 0.75 -> 0.375 ETH. The first left the member short and sent one ejection; the
    // second proof came after that ejection's short wait and sent none.
    expect(await s.vault.stakeOf(s.short.address)).to.equal(375n * 10n ** 15n);
    expect(signer.held).to.have.length(1);
    const msgs = lines().map((l) => l.msg);
    expect(msgs.filter((m) => m === "ejecting the member left below its minimum collateral")).to.have.length(1);
    const submitted = msgs.flatMap((m, i) => (m === "fraud proof submitted" ? [i] : []));
    const notMined = msgs.indexOf("ejection sent, not mined yet; carrying on");
    expect(submitted).to.have.length(2);
    expect(notMined).to.be.greaterThan(submitted[0]).and.lessThan(submitted[1]);
    expect(lines()[notMined].waitedMs).to.equal(5_000);
    expect(lines()[notMined].tx).to.equal(signer.held[0]);
    expect(msgs.indexOf("ejection already attempted for this member in this batch")).to.be.greaterThan(submitted[1]);
    expect(lines().filter((l) => l.level === "warn" || l.level === "error")).to.deep.equal([]);
    // The held transaction never reached the chain: the member is still Active until someone's later call.
    expect(await s.registry.statusOf(s.short.address)).to.equal(ACTIVE);
    expect(await ejections(s.adjudicator as unknown as Contract)).to.deep.equal([]);
    const deps = { provider: ethers.provider, adjudicator: s.d.adjudicator, registry: s.d.registry, log };
    expect(await ejectIfUndercollateralized({ ...deps, signer: operator }, s.short.address)).to.equal("ejected");
    expect(await s.registry.statusOf(s.short.address)).to.equal(EJECTED);
  });

  it("gives up waiting for an unmined proof, and ejects after a restart once that proof is mined", async function () {
    const s = await networkHelpers.loadFixture(setup);
    const { log, lines } = recordingLogger();
    const dbPath = join(s.dir, "node-resume.sqlite");
    const record = s.snaps[0].records[2];
    const nullifier = BigInt(record.nullifier);
    const run = async () => {
      const db = new NodeDb(dbPath);
      try {
        const outcomes = await proveAndSubmitFraud(
          {
            db,
            provider: ethers.provider,
            signer: s.operator.connect(ethers.provider),
            adjudicator: s.d.adjudicator,
            registry: s.d.registry,
            poseidon: (xs) => crypto.poseidon(xs),
            log,
            txWaitMs: 1_000,
          },
          s.snaps[0].tree,
          s.committed[0].commitment.rootHash,
          [record],
          [s.committed[0].commitment],
        );
        return { outcomes: [...outcomes.values()], row: db.fraud(record.nullifier) };
      } finally {
        db.close();
      }
    };
    // No block is mined: the proof waits in the mempool (as behind a stuck transaction) and the watchtower stops
    // waiting after txWaitMs, a failure (the node retries later) that keeps the transaction as sent.
    await conn.provider.request({ method: "evm_setAutomine", params: [false] });
    let first;
    try {
      first = await run();
    } finally {
      await conn.provider.request({ method: "evm_setAutomine", params: [true] });
    }
    expect(first.outcomes).to.deep.equal(["failed"]);
    expect(first.row?.status).to.equal("submitted");
    const txHash = first.row?.txHash;
    expect(txHash).to.match(/^0x[0-9a-f]{64}$/);
    expect(lines().find((l) => l.msg === "fraud submission failed")?.error).to.equal(
      `transaction ${txHash} not mined within 1000 ms`,
    );
    expect(await s.adjudicator.isNullifierSpent(record.member, nullifier)).to.equal(false);

    // The node is down while the proof is mined; the restarted watchtower finds its own proof mined (no second proof)
    // and ejects the member it left below the minimum.
    await networkHelpers.mine(1);
    expect(await s.adjudicator.isNullifierSpent(record.member, nullifier)).to.equal(true);
    const second = await run();
    expect(second.outcomes).to.deep.equal(["submitted"]);
    expect(second.row?.status).to.equal("done");
    expect(second.row?.txHash).to.equal(txHash);
    expect(lines().filter((l) => l.msg === "fraud proof built")).to.have.length(1);
    expect(lines().find((l) => l.msg === "fraud proof sent earlier was mined")?.tx).to.equal(txHash);
    expect(await s.registry.statusOf(s.short.address)).to.equal(EJECTED);
    expect(await ejections(s.adjudicator as unknown as Contract)).to.deep.equal([
      [s.short.address, s.operator.address],
    ]);
  });
});

describe("Watchtower and verdicts on a set that leaves an asset out, and on a weak record key (real Groth16 proofs)", function () {
  this.timeout(600_000);
  before(async function () {
    await circuitArtifacts("LeafMismatch32");
    crypto = await loadCrypto({ threads: 0 });
  });
  after(async function () {
    await crypto?.close();
    await releaseCurves();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it("votes Insolvent on a set that leaves out an asset it holds a signed record of, and proves it against the empty root", async function () {
    const s = await networkHelpers.loadFixture(missingAssetSetup);
    const usdc = s.usdc!;
    // Held: one ETH record (in its slot) and one USDC record; a second USDC record is forwarded later.
    const records: StoredRecord[] = [s.eth.records[0], usdc.records[0]];
    const held = memoryHeldRecords(records);
    const { log, lines } = recordingLogger();

    // The verdict on the evidence: Insolvent, the USDC record contradicted by the empty tree (the root the
    // Adjudicator uses for an asset a set has no entry for); nothing wrong with the ETH side.
    const v = await verifySubject(await edgeVerifyDeps(s, held, log), {
      kind: "set",
      member: s.member.address,
      t: s.t,
      requestId: 0n,
    });
    expect(v.verdict).to.equal(Verdict.Insolvent);
    expect(v.reasons).to.have.length(1);
    expect(v.reasons[0]).to.match(/^asset 2: held-records: 1 held record\(s\) of asset 2, which the set leaves out/);
    expect(v.honoured.map((r) => r.nullifier)).to.deep.equal([s.eth.records[0].nullifier]);
    expect(v.contradictions).to.have.length(1);
    const [c] = v.contradictions;
    expect(c.asset).to.equal(USDC);
    expect(c.rootHash).to.equal(await s.adjudicator.EMPTY_ROOT());
    expect(c.records.map((r) => r.nullifier)).to.deep.equal([usdc.records[0].nullifier]);

    // The node's job: the watchtower proves the record (a real proof against the empty root, accepted by the
    // Adjudicator), then the node records its Insolvent verdict (the set is already Fraudulent: nothing to sign).
    const node = edgeNode(s, held, "node-missing.sqlite", log);
    try {
      expect(await node.pollOnce()).to.equal(1);
      await node.processDue();
      const job = node.db.job(setSubject(s.member.address, s.t));
      expect(job?.verdict).to.equal(Verdict.Insolvent);
      expect(job?.reasons).to.deep.equal(v.reasons);
      expect(node.db.fraud(usdc.records[0].nullifier)?.status).to.equal("done");
      expect(await s.adjudicator.isNullifierSpent(s.member.address, BigInt(usdc.records[0].nullifier))).to.equal(true);
      expect((await s.ledger.setOf(s.member.address, s.t))[0]).to.equal(FRAUDULENT);
      expect(held.marks.get(s.eth.records[0].nullifier)).to.equal("ok");
      expect(held.marks.get(usdc.records[0].nullifier)).to.equal("mismatch");

      // A USDC record forwarded afterwards: the sweep finds the set still leaves USDC out and proves it too.
      records.push(usdc.records[1]);
      expect(await node.sweepHeldRecords()).to.equal(2);
      expect(node.db.fraud(usdc.records[1].nullifier)?.status).to.equal("done");
      expect(held.marks.get(usdc.records[1].nullifier)).to.equal("mismatch");
    } finally {
      await node.stop();
    }
    // Each proof booked the whole signed balance (a missing account) to the record's payout, for asset 2.
    expect(await fraudsProven(s.adjudicator as unknown as Contract, s.member.address)).to.deep.equal(
      [0, 1].map((i) => [
        BigInt(usdc.records[i].nullifier),
        BigInt(USDC),
        BigInt(usdc.records[i].balance),
        BigInt(usdc.records[i].payoutHash ?? -1),
        s.operator.address,
      ]),
    );
    expect(lines().filter((l) => l.msg === "fraud proof built")).to.have.length(2);
  });

  it("votes Insolvent on a member whose record key is of small order, and records the proof it cannot build as weak-key, once", async function () {
    const s = await networkHelpers.loadFixture(weakKeySetup);
    const omitted = s.eth.records[1];
    const held = memoryHeldRecords([s.eth.records[0], omitted]);
    const { log, lines } = recordingLogger();

    const v = await verifySubject(await edgeVerifyDeps(s, held, log), {
      kind: "set",
      member: s.member.address,
      t: s.t,
      requestId: 0n,
    });
    expect(v.verdict).to.equal(Verdict.Insolvent);
    expect(v.reasons.some((r) => /^asset 1: record-key: .*not in Baby Jubjub's prime-order subgroup/.test(r))).to.equal(
      true,
      v.reasons.join("; "),
    );
    expect(v.reasons.some((r) => r.startsWith("asset 1: held-records: 1 held record(s) contradicted"))).to.equal(true);

    const node = edgeNode(s, held, "node-weak.sqlite", log);
    const dbPath = join(s.dir, "node-weak.sqlite");
    try {
      expect(await node.pollOnce()).to.equal(1);
      await node.processDue();
      // The proof cannot exist (the circuit refuses a key of small order): recorded with the prover's reason, and
      // the node still signs Insolvent on the evidence it holds (the aggregator is down: the vote waits to be sent).
      const fraud = node.db.fraud(omitted.nullifier);
      expect(fraud?.status).to.equal("refused");
      expect(fraud?.error).to.match(/^weak-key: /);
      const refused = lines().filter((l) => l.msg === "fraud proof refused");
      expect(refused.map((l) => l.reason)).to.deep.equal(["weak-key"]);
      const job = node.db.job(setSubject(s.member.address, s.t));
      expect(job?.status).to.equal("signed");
      expect(job?.verdict).to.equal(Verdict.Insolvent);
      expect(job?.signature).to.match(/^0x[0-9a-f]{130}$/);
      expect(job?.reasons).to.deep.equal(v.reasons);
      expect(held.marks.get(omitted.nullifier)).to.equal("mismatch");

      // Never retried: the job goes on to sending only, the sweep finds nothing unchecked, and a direct call skips it.
      node.db.postpone(job!.subject, -10, "test: due now");
      await node.processDue();
      expect(await node.sweepHeldRecords()).to.equal(0);
    } finally {
      await node.stop();
    }
    const db = new NodeDb(dbPath);
    try {
      const outcomes = await proveAndSubmitFraud(
        {
          db,
          provider: ethers.provider,
          signer: s.operator.connect(ethers.provider),
          adjudicator: s.d.adjudicator,
          registry: s.d.registry,
          poseidon: (xs) => crypto.poseidon(xs),
          log,
        },
        s.eth.tree,
        s.eth.tree.root.h,
        [omitted],
        [],
      );
      expect([...outcomes.values()]).to.deep.equal(["skipped"]);
      expect(db.fraud(omitted.nullifier)?.status).to.equal("refused");
    } finally {
      db.close();
    }
    expect(lines().filter((l) => l.msg === "fraud proof refused")).to.have.length(1);
    expect(lines().filter((l) => l.msg === "fraud proof built")).to.have.length(0);
    expect(await s.adjudicator.isNullifierSpent(s.member.address, BigInt(omitted.nullifier))).to.equal(false);
    expect((await s.ledger.setOf(s.member.address, s.t))[0]).to.equal(PENDING);
  });
});
