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
import { Wallet, type Provider, type TransactionRequest } from "ethers";
import { network } from "hardhat";

import { LocalBlobStore } from "../../src/blobstore/index.js";
import { releaseCurves } from "../../src/circuits/index.js";
import { Verdict, setSubject } from "../../src/consortium/index.js";
import { loadCrypto, type Crypto } from "../../src/crypto/index.js";
import {
  NodeDb,
  OperatorNode,
  PrivateSetNotVerified,
  localBlobSource,
  silentLogger,
  verifySubject,
  type VerifyDeps,
} from "../../src/node/index.js";
import {
  buildPoa,
  encodeAssetBlob,
  poaDomain,
  signReserveProof,
  validatePoa,
  type PoaDocument,
} from "../../src/poa/index.js";
import {
  buildPrivateAsset,
  generateEncryptionKey,
  newPrivateReserve,
  privateBlobDigest,
  privateCommitmentOf,
  rootChildrenOf,
  sealPrivateBlob,
  type BlobRecipient,
  type EncryptionKeyPair,
  type PrivateAssetBuild,
  type OpenedWallet,
  type PrivateOpenings,
} from "../../src/private/index.js";
import { expectRejectContaining } from "../helpers/expect.js";
import {
  E18,
  ETH,
  deploy,
  fundedWallet,
  makeSnapshot,
  onboard,
  operatorsWithKeys,
  commitPrivateReserve,
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
  // The member's reserve wallet, committed in PrivateReserveRegistry (section 17.8): nothing public names it.
  const reserve = await fundedWallet(conn, 10n * E18);
  const privateReserves = await commitPrivateReserve(conn, d, member, reserve);
  // The unhappy paths' wallets, all funded before t: a rival member; a wallet committed then removed before t
  // (`gone`); one registered publicly to the member (`pub`); one registered publicly to the rival and committed by
  // the member (`contested`); one whose member commitment the rival registered first (`sniped`, a front-run).
  const rival = await fundedWallet(conn, 5n * E18);
  await onboard(conn, d, rival, 2n * E18);
  const [gone, pub, contested, sniped, late] = await Promise.all(
    [1n, 2n, 3n, 4n, 5n].map(async (v) => fundedWallet(conn, v * E18)),
  );
  const goneFile = await commitPrivateReserve(conn, d, member, gone);
  const prr = await ethers.getContractAt("PrivateReserveRegistry", d.privateReserveRegistry);
  await (await prr.connect(member).removeCommitment(goneFile.reserves[0].commitment)).wait();
  await registerReserve(conn, d, member, pub);
  await registerReserve(conn, d, rival, contested);
  const contestedFile = await commitPrivateReserve(conn, d, member, contested);
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const snipedEntry = await newPrivateReserve({
    provider: ethers.provider,
    chainId,
    privateReserveRegistry: d.privateReserveRegistry,
    member: member.address,
    wallet: sniped.address,
    signer: sniped,
  });
  await (await prr.connect(rival).registerCommitment(snipedEntry.commitment)).wait();
  await networkHelpers.time.increase(60);
  const t = BigInt(await networkHelpers.time.latest());
  await networkHelpers.time.increase(10);
  await networkHelpers.mine(1);
  // Committed after t.
  const lateFile = await commitPrivateReserve(conn, d, member, late);
  const poa = await buildPoa({
    provider: ethers.provider,
    ledger: d.ledger,
    reserveRegistry: d.reserveRegistry,
    registry: d.registry,
    member: member.address,
    t,
    assets: [ETH],
    signers: [reserve],
    privateReserves,
  });
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
  const extra = {
    gone: { wallet: gone, entry: goneFile.reserves[0] },
    contested: { wallet: contested, entry: contestedFile.reserves[0] },
    sniped: { wallet: sniped, entry: snipedEntry },
    late: { wallet: late, entry: lateFile.reserves[0] },
  };
  return { d, member, rival, pub, operators, keys, t, chainId, poa, prv, sound, short, dir, blobs, extra };
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
      privateReserveRegistry: s.d.privateReserveRegistry,
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
  o: { openings?: Partial<PrivateOpenings>; recipients?: BlobRecipient[]; poa?: PoaDocument } = {},
): Uint8Array {
  const inner = o.poa === undefined ? build.inner : encodeAssetBlob(o.poa, ETH, build.snap.leaves);
  return sealPrivateBlob(
    { inner, openings: { ...build.proof.openings, ...o.openings } },
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

  describe("private reserve registrations (section 17.8)", function () {
    type Extra = Setup["extra"][keyof Setup["extra"]];

    /** The PoA with `x`'s wallet added (its ReserveProof signature, its balance at t's block, its opening). */
    async function withWallet(s: Setup, poa: PoaDocument, x: Extra, opening?: { salt: string; consent: string }) {
      const member = s.member.address;
      const wallet = x.wallet.address;
      const signature = await signReserveProof(x.wallet, poaDomain(s.chainId, s.d.ledger), {
        member,
        wallet,
        t: s.t,
        requestId: 0n,
      });
      const balance = await ethers.provider.getBalance(wallet, poa.block.number);
      const byWallet = <T extends { wallet: string }>(xs: T[]) =>
        xs.sort((a, b) => (BigInt(a.wallet) < BigInt(b.wallet) ? -1 : 1));
      const a = poa.assets[0];
      return validatePoa({
        ...poa,
        wallets: byWallet([
          ...poa.wallets,
          {
            wallet,
            kind: "eoa" as const,
            signature,
            privateReserve: opening ?? { salt: x.entry.salt, consent: x.entry.consent },
          },
        ]),
        assets: [
          {
            ...a,
            total: (BigInt(a.total) + balance).toString(),
            balances: byWallet([...a.balances, { wallet, balance: balance.toString() }]),
          },
        ],
      });
    }

    /** Commits the sound proofs with the blob carrying `poa`; operator 0's verdict and reasons. */
    async function judge(s: Setup, poa: PoaDocument, d: VerifyDeps = deps(s, 0)) {
      await commit(s, s.sound, resealed(s, s.sound, { poa }));
      return verifySubject(d, subject(s));
    }

    it("a sound private set with committed wallets is Solvent; nothing public names its wallet", async function () {
      const s = await networkHelpers.loadFixture(setup);
      expect(s.poa.privateReserveRegistry).to.equal(s.d.privateReserveRegistry);
      expect(s.poa.wallets).to.have.length(1);
      const v = await judge(s, s.poa);
      expect(v.verdict, v.reasons.join("; ")).to.equal(Verdict.Solvent);
      const names = v.checks.map((c) => c.name);
      for (const n of ["private-registrations", "private-reserve-signature", "private-reserve-conflict"]) {
        expect(names).to.include(n);
      }
      expect(names).to.not.include("registrations");
      const rr = await ethers.getContractAt("ReserveRegistry", s.d.reserveRegistry);
      expect(await rr.reservesOf(s.member.address)).to.deep.equal([s.pub.address]);
    });

    it("a wrong salt: Insolvent on private-registrations (the commitment it opens is not registered)", async function () {
      const s = await networkHelpers.loadFixture(setup);
      const w = s.poa.wallets[0];
      const poa = validatePoa({
        ...s.poa,
        wallets: [{ ...w, privateReserve: { ...w.privateReserve!, salt: "0x" + "11".repeat(32) } }],
      });
      const v = await judge(s, poa);
      expect(v.verdict).to.equal(Verdict.Insolvent);
      expect(v.reasons).to.have.length(1);
      expect(v.reasons[0]).to.match(
        new RegExp(`private-registrations: wallet ${w.wallet}: its commitment 0x[0-9a-f]{64} .* is not registered`),
      );
    });

    it("a commitment registered by another member (front-run): Insolvent on private-registrations", async function () {
      const s = await networkHelpers.loadFixture(setup);
      const v = await judge(s, await withWallet(s, s.poa, s.extra.sniped));
      expect(v.verdict).to.equal(Verdict.Insolvent);
      expect(v.reasons[0]).to.contain(`private-registrations: wallet ${s.extra.sniped.wallet.address}`);
      expect(v.reasons[0]).to.contain(`is registered by ${s.rival.address}, not by ${s.member.address}`);
    });

    it("a commitment registered after t, or removed before t: Insolvent on private-registrations", async function () {
      const s = await networkHelpers.loadFixture(setup);
      const late = await judge(s, await withWallet(s, s.poa, s.extra.late));
      expect(late.verdict).to.equal(Verdict.Insolvent);
      expect(late.reasons[0]).to.match(/private-registrations: .* was registered at \d+, not before t = /);
      const s2 = await networkHelpers.loadFixture(setup);
      const gone = await judge(s2, await withWallet(s2, s2.poa, s2.extra.gone));
      expect(gone.verdict).to.equal(Verdict.Insolvent);
      expect(gone.reasons[0]).to.match(/private-registrations: .* was removed at \d+, at or before t = /);
    });

    it("a consent not signed by the wallet: Insolvent on private-reserve-signature", async function () {
      const s = await networkHelpers.loadFixture(setup);
      const w = s.poa.wallets[0];
      const stranger = Wallet.createRandom();
      const forged = await stranger.signTypedData(
        {
          name: "PoR PrivateReserveRegistry",
          version: "1",
          chainId: s.chainId,
          verifyingContract: s.d.privateReserveRegistry,
        },
        {
          PrivateReserve: [
            { name: "member", type: "address" },
            { name: "commitment", type: "bytes32" },
          ],
        },
        { member: s.member.address, commitment: "0x" + "00".repeat(32) },
      );
      const poa = validatePoa({
        ...s.poa,
        wallets: [{ ...w, privateReserve: { ...w.privateReserve!, consent: forged } }],
      });
      const v = await judge(s, poa);
      expect(v.verdict).to.equal(Verdict.Insolvent);
      expect(v.reasons).to.have.length(1);
      expect(v.reasons[0]).to.contain(`private-reserve-signature: wallet ${w.wallet}'s consent to back`);
      expect(v.reasons[0]).to.contain("not the wallet");
    });

    it("a public registration in a private PoA is refused (it leaks A), and the builder refuses a committed wallet listed publicly", async function () {
      const s = await networkHelpers.loadFixture(setup);
      // The member's public PoA: its ReserveRegistry wallet `pub`.
      const publicPoa = await buildPoa({
        provider: ethers.provider,
        ledger: s.d.ledger,
        reserveRegistry: s.d.reserveRegistry,
        registry: s.d.registry,
        member: s.member.address,
        t: s.t,
        assets: [ETH],
        signers: [s.pub],
      });
      const v = await judge(s, publicPoa);
      expect(v.verdict).to.equal(Verdict.Insolvent);
      expect(v.reasons[0]).to.contain(
        "private-registrations: the PoA of a private set uses ReserveRegistry registrations, which list its wallets in the clear",
      );
      // A committed wallet that ReserveRegistry lists at t (here: to the rival) never makes it into a private PoA.
      const file = {
        format: "por.private-reserves" as const,
        version: 1 as const,
        chainId: s.chainId.toString(),
        privateReserveRegistry: s.d.privateReserveRegistry,
        member: s.member.address,
        reserves: [s.extra.contested.entry],
      };
      await expectRejectContaining(
        buildPoa({
          provider: ethers.provider,
          ledger: s.d.ledger,
          reserveRegistry: s.d.reserveRegistry,
          registry: s.d.registry,
          member: s.member.address,
          t: s.t,
          assets: [ETH],
          signers: [s.extra.contested.wallet],
          privateReserves: file,
        }),
        `committed wallet ${s.extra.contested.wallet.address} is also registered in ReserveRegistry (to ${s.rival.address}) at t`,
      );
    });

    it("a wallet registered publicly to another member, or opened earlier by another member (the node's index): Insolvent on private-reserve-conflict", async function () {
      const s = await networkHelpers.loadFixture(setup);
      const v = await judge(s, await withWallet(s, s.poa, s.extra.contested));
      expect(v.verdict).to.equal(Verdict.Insolvent);
      expect(v.reasons[0]).to.contain(
        `private-reserve-conflict: wallet ${s.extra.contested.wallet.address} (commitment ${s.extra.contested.entry.commitment}) is registered publicly to ${s.rival.address}`,
      );
      // The index: the rival's sound private set opened the member's wallet first (an earlier commitment of it).
      const s2 = await networkHelpers.loadFixture(setup);
      const db = new NodeDb(":memory:");
      const wallet = s2.poa.wallets[0].wallet;
      db.addOpenedWallets(s2.t - 100n, [
        { wallet, member: s2.rival.address, commitment: "0x" + "ab".repeat(32), registeredAt: 1n, removedAt: 0n },
      ]);
      const store = {
        lookup: async (w: string) => db.openedWallet(w),
        record: async (t: bigint, o: readonly OpenedWallet[]) => db.addOpenedWallets(t, o),
      };
      const c = await judge(s2, s2.poa, { ...deps(s2, 0), openedWallets: store });
      expect(c.verdict).to.equal(Verdict.Insolvent);
      expect(c.reasons[0]).to.match(
        new RegExp(
          `private-reserve-conflict: wallet ${wallet} .* was opened by ${s2.rival.address} .* for an overlapping period`,
        ),
      );
      // A sound set joins the index; its own later sets are not in conflict with it.
      const s3 = await networkHelpers.loadFixture(setup);
      const db3 = new NodeDb(":memory:");
      const store3 = {
        lookup: async (w: string) => db3.openedWallet(w),
        record: async (t: bigint, o: readonly OpenedWallet[]) => db3.addOpenedWallets(t, o),
      };
      const ok = await judge(s3, s3.poa, { ...deps(s3, 0), openedWallets: store3 });
      expect(ok.verdict, ok.reasons.join("; ")).to.equal(Verdict.Solvent);
      const indexed = db3.openedWallet(wallet);
      expect(indexed.map((o) => [o.member, o.commitment])).to.deep.equal([
        [s3.member.address, s3.poa.wallets.length === 1 ? indexed[0].commitment : ""],
      ]);
      const again = await verifySubject({ ...deps(s3, 0), openedWallets: store3 }, subject(s3));
      expect(again.verdict, again.reasons.join("; ")).to.equal(Verdict.Solvent);
      db.close();
      db3.close();
    });
  });
});
