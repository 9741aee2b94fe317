// The watchtower's ejection on the in-process chain, with the REAL fraud-proof verifier and real LeafMismatch32
// Groth16 proofs: a slash no longer ejects a member it leaves below its minimum collateral, so after its own proof is
// mined the watchtower calls `ejectUndercollateralized(member)` when the registry says the member is ejectable and its
// stake is below the minimum; it leaves a member above its minimum alone, and a failed ejection (unreadable terms, a
// transaction that cannot be sent) is logged while the watchtower carries on. An ejection is attempted once per member
// per batch, its wait is short (one not mined in time never stalls the next proof), a proof transaction not mined in
// time counts as failed instead of hanging, and the proof a previous run sent and saw mined only after a restart
// still leads to the ejection.
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
import { loadCrypto, type Crypto } from "../../src/crypto/index.js";
import {
  NodeDb,
  OperatorNode,
  ejectIfUndercollateralized,
  jsonLogger,
  localBlobSource,
  memoryHeldRecords,
  proveAndSubmitFraud,
  type Logger,
} from "../../src/node/index.js";
import {
  E18,
  commitSnapshot,
  deploy,
  fundedWallet,
  makeSnapshot,
  onboard,
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
    for (const r of omitted) expect(await s.adjudicator.isNullifierSpent(BigInt(r.nullifier))).to.equal(true);
    expect(held.marks.get(omitted[0].nullifier)).to.equal("mismatch");
    // Each proof's claim was paid at once from the member's own pool (in full, or all the pool held).
    for (const r of omitted) {
      const claim = await s.adjudicator.claimOf(BigInt(r.nullifier));
      const pool = await s.vault.restitutionOf(r.member, ethers.ZeroAddress);
      expect(claim.remaining === 0n || pool === 0n, `claim ${r.nullifier} paid`).to.equal(true);
    }
    expect(lines().filter((l) => l.msg === "claim paid")).to.have.length(2);

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
    expect(await s.adjudicator.isNullifierSpent(BigInt(record.nullifier))).to.equal(true);
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
    for (const r of records) expect(await s.adjudicator.isNullifierSpent(BigInt(r.nullifier))).to.equal(true);
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
    expect(await s.adjudicator.isNullifierSpent(nullifier)).to.equal(false);

    // The node is down while the proof is mined; the restarted watchtower finds its own proof mined (no second proof)
    // and ejects the member it left below the minimum.
    await networkHelpers.mine(1);
    expect(await s.adjudicator.isNullifierSpent(nullifier)).to.equal(true);
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
