// The operator node verifies private sets (docs/protocol.md section 17.6) on the in-process Hardhat EDR chain with
// real proofs (the generated PrivateAssetVerifier behind PrivateSetVerifier) and real X25519 keys registered in the
// ConsortiumRegistry: three nodes and the aggregator finalize a sound private set; a private set whose reserves are
// short is attested Insolvent with its reason and slashed; a blob whose commitments do not open, or that locks a
// listed operator out, is voted Insolvent by that operator with the named reason; a node that cannot judge (no key,
// another key, no key in force at t) signs nothing.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { type Provider, type TransactionRequest } from "ethers";
import { network } from "hardhat";

import { LocalBlobStore } from "../../src/blobstore/index.js";
import { releaseCurves } from "../../src/circuits/index.js";
import { Verdict, setSubject } from "../../src/consortium/index.js";
import { loadCrypto, type Crypto } from "../../src/crypto/index.js";
import {
  OperatorNode,
  PrivateSetNotVerified,
  localBlobSource,
  silentLogger,
  verifySubject,
  type VerifyDeps,
} from "../../src/node/index.js";
import { buildPoa, encodeAssetBlob } from "../../src/poa/index.js";
import {
  buildPrivateAsset,
  generateEncryptionKey,
  privateBlobDigest,
  privateCommitmentOf,
  rootChildrenOf,
  sealPrivateBlob,
  type BlobRecipient,
  type EncryptionKeyPair,
  type PrivateAssetBuild,
  type PrivateOpenings,
} from "../../src/private/index.js";
import {
  E18,
  ETH,
  deploy,
  fundedWallet,
  makeSnapshot,
  onboard,
  operatorsWithKeys,
  registerRecordKey,
  registerReserve,
  type Conn,
} from "./fixture.js";
import { startTestAggregator } from "../helpers/node-services.js";

const conn = (await network.create()) as unknown as Conn & Awaited<ReturnType<typeof network.create>>;
const { ethers, networkHelpers } = conn;
let crypto: Crypto;
let dbCounter = 0;

/**
 * A member (account 1) with a reserve wallet holding 10 units and three operators with registered encryption keys,
 * on a fresh deployment; two private assets proven and sealed for t (not committed): `sound` (users hold 2 + 3
 * units, reserves 10) and `short` (users hold 5 + 7 units, the member claims reserves of 12 it does not hold).
 */
async function setup() {
  const d = await deploy(conn, "PrivateNodeTest", "MockLeafMismatchVerifier");
  const [, member] = await ethers.getSigners();
  await onboard(conn, d, member, 2n * E18);
  const { operators, keys } = await operatorsWithKeys(conn, d);
  const prv = await registerRecordKey(conn, d, crypto, member);
  const reserve = await fundedWallet(conn, 10n * E18);
  await registerReserve(conn, d, member, reserve);
  await networkHelpers.time.increase(60);
  const t = BigInt(await networkHelpers.time.latest());
  await networkHelpers.time.increase(10);
  await networkHelpers.mine(1);
  const poa = await buildPoa({
    provider: ethers.provider,
    ledger: d.ledger,
    reserveRegistry: d.reserveRegistry,
    registry: d.registry,
    member: member.address,
    t,
    assets: [ETH],
    signers: [reserve],
  });
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const build = async (balances: bigint[], reserves: bigint) => {
    const snap = await makeSnapshot(crypto, prv, member.address, t, balances);
    const inner = encodeAssetBlob(poa, ETH, snap.leaves);
    const b = await buildPrivateAsset({
      runner: ethers.provider,
      chainId,
      ledger: d.ledger,
      registry: d.registry,
      member: member.address,
      t,
      asset: ETH,
      rootHash: snap.tree.root.h,
      children: rootChildrenOf((xs) => crypto.poseidon(xs), snap.tree),
      inner,
      reserves,
    });
    return { ...b, inner, snap };
  };
  const sound = await build([2n * E18, 3n * E18], BigInt(poa.assets[0].total));
  const short = await build([5n * E18, 7n * E18], 12n * E18);
  const dir = await mkdtemp(join(tmpdir(), "por-private-node-"));
  const blobs = new LocalBlobStore(join(dir, "blobs"));
  return { d, member, operators, keys, t, chainId, poa, sound, short, dir, blobs };
}

type Setup = Awaited<ReturnType<typeof setup>>;

/** Stores `blob` and commits `build`'s proof with it as the member's private set at t. */
async function commit(s: Setup, build: PrivateAssetBuild, blob: Uint8Array = build.blob): Promise<void> {
  await s.blobs.put(blob);
  const ledger = await ethers.getContractAt("CommitmentLedger", s.d.ledger);
  const c = privateCommitmentOf(ETH, build.commitment.rootHash, privateBlobDigest(blob), build.proof);
  await (await ledger.connect(s.member).commitPrivate(s.t, [c])).wait();
}

/** Verification deps of operator `i` (its registered key unless `key` says otherwise; null: none). */
function deps(s: Setup, i: number, key?: EncryptionKeyPair | null): VerifyDeps {
  const encryptionKey = key === undefined ? s.keys[i] : key;
  return {
    provider: ethers.provider,
    chainId: s.chainId,
    addresses: {
      ledger: s.d.ledger,
      registry: s.d.registry,
      reserveRegistry: s.d.reserveRegistry,
      adjudicator: s.d.adjudicator,
    },
    crypto,
    blobs: localBlobSource(s.blobs),
    depth: 32,
    log: silentLogger,
    privateKeys: encryptionKey === null ? undefined : { operator: s.operators[i].address, encryptionKey },
  };
}

const subject = (s: Setup) => ({ kind: "set" as const, member: s.member.address, t: s.t, requestId: 0n });

/** The blob of `build` sealed again: its payload's openings replaced, or to other recipients. */
function resealed(
  s: Setup,
  build: Setup["sound"],
  o: { openings?: Partial<PrivateOpenings>; recipients?: BlobRecipient[] } = {},
): Uint8Array {
  return sealPrivateBlob(
    { inner: build.inner, openings: { ...build.proof.openings, ...o.openings } },
    o.recipients ?? s.operators.map((w, i) => ({ operator: w.address, publicKey: s.keys[i].publicKey })),
    { chainId: s.chainId, ledger: s.d.ledger, member: s.member.address, asset: ETH, t: s.t },
  );
}

describe("operator node: private sets", function () {
  this.timeout(600_000);
  before(async function () {
    crypto = await loadCrypto({ threads: 0 });
  });
  after(async function () {
    await releaseCurves();
    await crypto.close();
    const s = await networkHelpers.loadFixture(setup);
    await rm(s.dir, { recursive: true, force: true });
  });

  /** Three nodes (operators' keys) and the aggregator judge the committed set; returns the nodes' jobs. */
  async function attest(s: Setup) {
    const [, , submitter] = await ethers.getSigners();
    const aggregator = await startTestAggregator(
      ethers.provider,
      submitter,
      s.d,
      await mkdtemp(join(s.dir, `agg-${++dbCounter}-`)),
    );
    const nodes = s.operators.map(
      (w, i) =>
        new OperatorNode({
          provider: ethers.provider,
          wallet: w.connect(ethers.provider),
          addresses: deps(s, i).addresses,
          crypto,
          blobs: localBlobSource(s.blobs),
          dbPath: join(s.dir, `node-${++dbCounter}.sqlite`),
          aggregatorUrl: aggregator.url,
          confirmations: 0,
          pollMs: 60_000,
          encryptionKey: s.keys[i],
          log: silentLogger,
        }),
    );
    const jobs = [];
    for (const n of nodes) {
      await n.pollOnce();
      await n.processDue();
      jobs.push(n.db.jobs()[0]);
      await n.stop();
    }
    await aggregator.trySubmit(setSubject(s.member.address, s.t));
    await aggregator.stop();
    return jobs;
  }

  it("three nodes and the aggregator: a sound private set is co-signed Solvent and finalized", async function () {
    const s = await networkHelpers.loadFixture(setup);
    // The blob is sealed to the three operators the registry lists at t (and to nobody else).
    expect(s.sound.recipients.map((r) => r.operator)).to.deep.equal(s.operators.map((w) => w.address));
    await commit(s, s.sound);
    const jobs = await attest(s);
    for (const j of jobs) {
      expect(j.status, j.reasons.join("; ")).to.equal("sent");
      expect(j.verdict).to.equal(Verdict.Solvent);
    }
    const ledger = await ethers.getContractAt("CommitmentLedger", s.d.ledger);
    const set = await ledger.setOf(s.member.address, s.t);
    expect(set.status).to.equal(2n); // Finalized
    expect(set.isPrivate).to.equal(true);
  });

  it("three nodes and the aggregator: a private set short of reserves is attested Insolvent with its reason and slashed", async function () {
    const s = await networkHelpers.loadFixture(setup);
    const vault = await ethers.getContractAt("CollateralVault", s.d.vault);
    const before = await vault.stakeOf(s.member.address);
    await commit(s, s.short);
    const jobs = await attest(s);
    for (const j of jobs) {
      expect(j.verdict).to.equal(Verdict.Insolvent);
      expect(j.reasons.join("; ")).to.contain(
        `asset ${ETH}: private-reserves: C_A opens to reserves ${12n * E18}, the PoA proves ${10n * E18}`,
      );
    }
    const ledger = await ethers.getContractAt("CommitmentLedger", s.d.ledger);
    expect((await ledger.setOf(s.member.address, s.t)).status).to.equal(4n); // Insolvent
    expect(await vault.stakeOf(s.member.address)).to.be.below(before);
  });

  it("votes Insolvent, naming the commitment, on a blob whose openings do not open the committed C_A, C_L or C_S", async function () {
    const s = await networkHelpers.loadFixture(setup);
    const o = s.sound.proof.openings;
    await commit(s, s.sound, resealed(s, s.sound, { openings: { rL: o.rL + 1n, rA: o.rA + 1n } }));
    const v = await verifySubject(deps(s, 0), subject(s));
    expect(v.verdict).to.equal(Verdict.Insolvent);
    expect(v.reasons).to.deep.equal([
      `asset ${ETH}: private-opening-C_A: C_A does not open to the value and blinding in the blob`,
      `asset ${ETH}: private-opening-C_L: C_L does not open to the value and blinding in the blob`,
    ]);
  });

  it("a blob that wraps a registered recipient's key to a decoy, or leaves one out, is voted Insolvent by every node, naming it", async function () {
    const s = await networkHelpers.loadFixture(setup);
    const decoy = generateEncryptionKey();
    const decoyed = [
      { operator: s.operators[0].address, publicKey: s.keys[0].publicKey },
      { operator: s.operators[1].address, publicKey: decoy.publicKey },
      { operator: s.operators[2].address, publicKey: s.keys[2].publicKey },
    ];
    await commit(s, s.sound, resealed(s, s.sound, { recipients: decoyed }));
    for (const i of [0, 1, 2]) {
      const v = await verifySubject(deps(s, i), subject(s));
      expect(v.verdict).to.equal(Verdict.Insolvent);
      expect(v.reasons[0]).to.match(
        new RegExp(
          `private-blob: the blob wraps ${s.operators[1].address}'s content key to 0x[0-9a-fA-F]{64}, not its ` +
            "registered key",
        ),
      );
    }
    // Operator 2 left out (0 and 1 listed with their keys): every node names it.
    const s2 = await networkHelpers.loadFixture(setup);
    await commit(
      s2,
      s2.sound,
      resealed(s2, s2.sound, {
        recipients: decoyed.slice(0, 2).map((r, i) => ({ ...r, publicKey: s2.keys[i].publicKey })),
      }),
    );
    for (const i of [0, 1, 2]) {
      const v = await verifySubject(deps(s2, i), subject(s2));
      expect(v.verdict).to.equal(Verdict.Insolvent);
      expect(v.reasons[0]).to.contain(
        `private-blob: the blob leaves out ${s2.operators[2].address}, a recipient the registry lists at t`,
      );
    }
  });

  it("signs nothing for a private set it cannot judge: no key configured, a key other than the registered one, no key in force at t", async function () {
    const s = await networkHelpers.loadFixture(setup);
    await commit(s, s.sound);
    const refusal = (d: VerifyDeps) =>
      verifySubject(d, subject(s)).then(
        () => undefined,
        (e: unknown) => e,
      );
    const none = await refusal(deps(s, 0, null));
    expect(none).to.be.instanceOf(PrivateSetNotVerified);
    expect((none as Error).message).to.match(/no encryption key \(POR_ENCRYPTION_KEY\)/);
    const other = await refusal(deps(s, 0, generateEncryptionKey()));
    expect(other).to.be.instanceOf(PrivateSetNotVerified);
    expect((other as Error).message).to.match(/is not the one registered .* check POR_ENCRYPTION_KEY/);
    // An operator whose key comes into force after t is no recipient of the blob (and not locked out).
    const late = await fundedWallet(conn, 5n * E18);
    await onboard(conn, s.d, late, 2n * E18);
    const lateKey = generateEncryptionKey();
    const registry = await ethers.getContractAt("ConsortiumRegistry", s.d.registry);
    const from = BigInt(await networkHelpers.time.latest()) + 5n;
    await (await registry.connect(late).registerEncryptionKey(lateKey.publicKey, from)).wait();
    const d = { ...deps(s, 0), privateKeys: { operator: late.address, encryptionKey: lateKey } };
    const notRecipient = await refusal(d);
    expect(notRecipient).to.be.instanceOf(PrivateSetNotVerified);
    expect((notRecipient as Error).message).to.match(
      /no encryption key of .* is in force at t: this operator is no recipient/,
    );
  });

  it("every recipient at t has left by judging time: still judged Valid (Solvent), and a later operator signs nothing rather than Insolvent", async function () {
    const s = await networkHelpers.loadFixture(setup);
    await commit(s, s.sound);
    const registry = await ethers.getContractAt("ConsortiumRegistry", s.d.registry);
    const [atT] = await registry.encryptionRecipientsAt(s.t);
    // All three leave after t: two exit, one is ejected by governance.
    await (await registry.connect(s.operators[0]).requestExit()).wait();
    await (await registry.connect(s.operators[1]).requestExit()).wait();
    const [governance] = await ethers.getSigners();
    await (await registry.connect(governance).eject(s.operators[2].address)).wait();
    // The recipients at t are a fact of t: the same three.
    const [later] = await registry.encryptionRecipientsAt(s.t);
    expect(later).to.deep.equal(atT);
    expect(later).to.deep.equal(s.operators.map((w) => w.address));
    for (const i of [0, 1, 2]) {
      const v = await verifySubject(deps(s, i), subject(s));
      expect(v.verdict, v.reasons.join("; ")).to.equal(Verdict.Solvent);
    }
    // An operator that joined after t (no key in force at t) cannot judge: it signs nothing. Before, it read "no
    // recipients at t" (the three had left) and voted the honest member's solvent set Insolvent.
    const late = await fundedWallet(conn, 5n * E18);
    await onboard(conn, s.d, late, 2n * E18);
    const lateKey = generateEncryptionKey();
    const from = BigInt(await networkHelpers.time.latest()) + 5n;
    await (await registry.connect(late).registerEncryptionKey(lateKey.publicKey, from)).wait();
    await networkHelpers.time.increase(10);
    await networkHelpers.mine(1);
    const d = { ...deps(s, 0), privateKeys: { operator: late.address, encryptionKey: lateKey } };
    const refusal = await verifySubject(d, subject(s)).then(
      (v) => v,
      (e: unknown) => e,
    );
    expect(refusal).to.be.instanceOf(PrivateSetNotVerified);
    expect((refusal as Error).message).to.match(/no encryption key of .* is in force at t/);
  });

  it("an RPC failure while reading the registered key postpones the job (judged on evidence, never signed)", async function () {
    const s = await networkHelpers.loadFixture(setup);
    await commit(s, s.sound);
    const registry = await ethers.getContractAt("ConsortiumRegistry", s.d.registry);
    const selector = registry.interface.getFunction("encryptionKeyAt").selector;
    // The provider fails every eth_call of encryptionKeyAt (a flaky endpoint), and only those.
    const flaky = new Proxy(ethers.provider, {
      get(target, prop) {
        if (prop === "call") {
          return async (tx: TransactionRequest) => {
            if (typeof tx.data === "string" && tx.data.startsWith(selector)) {
              throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
            }
            return target.call(tx);
          };
        }
        const v: unknown = Reflect.get(target, prop, target);
        return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    }) as unknown as Provider;
    const node = new OperatorNode({
      provider: flaky,
      wallet: s.operators[0].connect(ethers.provider),
      addresses: deps(s, 0).addresses,
      crypto,
      blobs: localBlobSource(s.blobs),
      dbPath: join(s.dir, `node-${++dbCounter}.sqlite`),
      aggregatorUrl: "http://127.0.0.1:9",
      confirmations: 0,
      pollMs: 60_000,
      encryptionKey: s.keys[0],
      log: silentLogger,
    });
    await node.pollOnce();
    await node.processDue();
    const job = node.db.jobs()[0];
    expect([job.status, job.attempts, job.signature ?? null]).to.deep.equal(["pending", 1, null]);
    expect(job.reasons.join(" ")).to.match(/socket hang up/);
    await node.stop();
  });
});
