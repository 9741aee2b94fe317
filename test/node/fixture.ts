// Shared fixtures of the node, PoA and aggregator tests: a consortium deployed through the Ignition module, members
// and operators onboarded, reserve wallets registered, and member snapshots (signed records, tree, leaves, PoA, blob)
// committed. Works on the in-process chain and on a `hardhat node` child process alike.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { Wallet, getAddress, id, type JsonRpcProvider, type Signer } from "ethers";

import { buildConsortiumModule } from "../../deploy/Consortium.js";
import type { BlobRef, BlobStore } from "../../src/blobstore/index.js";
import { reserveRegistryDomain, signReserveOwnership, type TypedDataSigner } from "../../src/chain/index.js";
import { CONSORTIUM_FUTURES, type ConsortiumAddresses } from "../../src/client/index.js";
import type { AssetCommitment } from "../../src/consortium/index.js";
import type { Crypto, Point, Signature } from "../../src/crypto/index.js";
import { buildPoa, encodeAssetBlob, type PoaDocument } from "../../src/poa/index.js";
import {
  leafHash,
  payoutHashOf,
  recordKeyHash,
  recordMessage,
  recordNullifier,
  type BalanceRecord,
  type PayoutOpening,
} from "../../src/records/index.js";
import { SumTree, leafSetFrom } from "../../src/tree/index.js";
import { encodeLeaves } from "../../src/tree/leaves.js";
import type { StoredRecord } from "../../src/verifier-service/store.js";
import { generateEncryptionKey, type EncryptionKeyPair } from "../../src/private/index.js";

export const E18 = 10n ** 18n;
export const ETH = 1;

/** A free loopback TCP port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      const port = typeof a === "object" && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Starts `hardhat node` as a child process on a free port; resolves once it answers JSON-RPC. */
export async function startHardhatNode(): Promise<{ url: string; child: ChildProcess; stop: () => void }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [join(process.cwd(), "node_modules/hardhat/dist/src/cli.js"), "node", "--port", String(port)],
    {
      cwd: process.cwd(),
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`hardhat node exited (${child.exitCode}): ${stderr}`);
    try {
      const r = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      if (r.ok) return { url, child, stop: () => child.kill("SIGTERM") };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  child.kill("SIGKILL");
  throw new Error(`hardhat node did not start: ${stderr}`);
}

/** The parts of a Hardhat network connection the fixtures use. */
export interface Conn {
  ethers: {
    provider: JsonRpcProvider | import("ethers").Provider;
    getSigners(): Promise<Array<Signer & { address: string }>>;
    getContractAt(name: string, address: string): Promise<import("ethers").Contract>;
  };
  ignition: { deploy(module: unknown, options: unknown): Promise<Record<string, { getAddress(): Promise<string> }>> };
  networkHelpers: {
    time: { latest(): Promise<number>; increase(s: number): Promise<number> };
    mine(n?: number): Promise<void>;
  };
}

/** Deployed contract addresses. */
export type Deployment = ConsortiumAddresses;

/** Deploys the consortium (verifier contract by name) with a quorum of 4 units of stake and 2 signers. */
export async function deploy(
  conn: Conn,
  moduleId: string,
  verifier: string,
  deploymentId?: string,
): Promise<Deployment> {
  const d = await conn.ignition.deploy(buildConsortiumModule(moduleId, verifier), {
    parameters: { [moduleId]: { responseWindow: 3_600n, quorumWeight: 4n * E18, minSigners: 2n, requestFee: 0n } },
    ...(deploymentId === undefined ? {} : { deploymentId }),
  });
  const out = {} as Deployment;
  for (const key of Object.keys(CONSORTIUM_FUTURES) as Array<keyof Deployment>) out[key] = await d[key].getAddress();
  return out;
}

/** Writes `d` as an Ignition deployment directory (`<dir>/deployed_addresses.json`) for the tasks' --deployment. */
export async function writeDeploymentDir(dir: string, d: Deployment): Promise<string> {
  await mkdir(dir, { recursive: true });
  const addresses = Object.fromEntries(
    Object.entries(CONSORTIUM_FUTURES).map(([key, future]) => [`Consortium#${future}`, d[key as keyof Deployment]]),
  );
  await writeFile(join(dir, "deployed_addresses.json"), JSON.stringify(addresses));
  return dir;
}

/** Applies, approves, funds collateral and activates `account`. */
export async function onboard(
  conn: Conn,
  d: Deployment,
  account: Signer & { address: string },
  stake: bigint,
): Promise<void> {
  const [governance] = await conn.ethers.getSigners();
  const registry = await conn.ethers.getContractAt("ConsortiumRegistry", d.registry);
  const vault = await conn.ethers.getContractAt("CollateralVault", d.vault);
  const c = (x: import("ethers").Contract, s: Signer) => x.connect(s) as import("ethers").Contract;
  await (await c(registry, account).getFunction("applyForMembership")("0x" + "11".repeat(32))).wait();
  await (await c(registry, governance).getFunction("approveGenesis")(account.address, "0x" + "22".repeat(32))).wait();
  await (
    await c(vault, account).getFunction("deposit")(account.address, "0x" + "00".repeat(20), stake, { value: stake })
  ).wait();
  await (await c(registry, governance).getFunction("activate")(account.address)).wait();
}

/** A funded random wallet on the connection's provider. */
export async function fundedWallet(conn: Conn, value: bigint): Promise<Wallet> {
  const [governance] = await conn.ethers.getSigners();
  const w = new Wallet(Wallet.createRandom().privateKey, conn.ethers.provider as import("ethers").Provider);
  await (await governance.sendTransaction({ to: w.address, value })).wait();
  return w;
}

/** Registers `wallet` as a reserve of `member` with the wallet's EIP-712 ownership signature. */
export async function registerReserve(
  conn: Conn,
  d: Pick<Deployment, "reserveRegistry">,
  member: Signer,
  wallet: TypedDataSigner & { address: string },
): Promise<void> {
  const rr = await conn.ethers.getContractAt("ReserveRegistry", d.reserveRegistry);
  const chainId = (await conn.ethers.provider.getNetwork()).chainId;
  const memberAddress = await member.getAddress();
  const deadline = BigInt(await conn.networkHelpers.time.latest()) + 3_600n;
  const nonce = (await rr.getFunction("nonceOf")(wallet.address)) as bigint;
  const sig = await signReserveOwnership(wallet, reserveRegistryDomain(chainId, d.reserveRegistry), {
    member: memberAddress,
    wallet: wallet.address,
    deadline,
    nonce,
  });
  await (
    await (rr.connect(member) as import("ethers").Contract).getFunction("registerReserve")(
      wallet.address,
      deadline,
      sig,
    )
  ).wait();
}

/** Registers the record key `(ax, ay)` for `member` from a near-future time (the registry checks no curve property). */
export async function registerKeyPoint(conn: Conn, d: Deployment, crypto: Crypto, member: Signer, key: Point) {
  const [ax, ay] = key;
  const registry = await conn.ethers.getContractAt("ConsortiumRegistry", d.registry);
  const from = BigInt(await conn.networkHelpers.time.latest()) + 5n;
  await (
    await (registry.connect(member) as import("ethers").Contract).getFunction("registerKey")(
      recordKeyHash((x) => crypto.poseidon(x), ax, ay),
      ax,
      ay,
      from,
    )
  ).wait();
}

/** A record key: registered for `member` from a near-future time. */
export async function registerRecordKey(
  conn: Conn,
  d: Deployment,
  crypto: Crypto,
  member: Signer,
): Promise<Uint8Array> {
  const prv = randomBytes(32);
  await registerKeyPoint(conn, d, crypto, member, crypto.publicKey(prv));
  return prv;
}

/** Whoever signs a snapshot's records when it is not an ordinary private key (a weak key's forger, say). */
export interface RecordSigner {
  publicKey: Point;
  sign(message: bigint): Signature;
}

/** The payout a fixture user registers for its record `i` of `(member, asset, t)`: deterministic, per record. */
export function fixturePayout(member: string, asset: number, t: bigint, i: number): PayoutOpening {
  const address = getAddress("0x" + id(`por.test.payout:${member.toLowerCase()}:${i}`).slice(26));
  return { address, salt: BigInt(id(`por.test.salt:${member.toLowerCase()}:${asset}:${t}:${i}`)) };
}

/** A member's snapshot of one asset: signed records, the tree over the included ones, the leaves payload. */
export interface MemberSnapshot {
  records: StoredRecord[];
  /** The payout opening of each record (only the user holds it; it pays the record's claim after the window). */
  payouts: PayoutOpening[];
  tree: SumTree;
  leaves: Buffer;
}

/**
 * Signs one record per balance (slots 1, 4, 7, ... in a 2^4 slot space), each committing to its user's payout
 * ({@link fixturePayout}), and builds the depth-`depth` tree over all but the `omit` indexes (a member hiding those
 * users). `options.asset` is the records' asset (default ETH); `options.signer` signs instead of `prv`.
 */
export async function makeSnapshot(
  crypto: Crypto,
  prv: Uint8Array | RecordSigner,
  member: string,
  t: bigint,
  balances: readonly bigint[],
  omit: readonly number[] = [],
  depth = 32,
  options: { asset?: number } = {},
): Promise<MemberSnapshot> {
  const poseidon = (x: readonly bigint[]) => crypto.poseidon(x);
  const asset = options.asset ?? ETH;
  const signer: RecordSigner =
    prv instanceof Uint8Array ? { publicKey: crypto.publicKey(prv), sign: (m) => crypto.sign(prv, m) } : prv;
  const [ax, ay] = signer.publicKey;
  const keyHash = recordKeyHash(poseidon, ax, ay);
  const records: StoredRecord[] = [];
  const payouts: PayoutOpening[] = [];
  const leaves: Array<{ slot: number; h: bigint; s: bigint }> = [];
  balances.forEach((balance, i) => {
    const payout = fixturePayout(member, asset, t, i);
    const r: BalanceRecord = {
      member: BigInt(member),
      asset,
      t,
      slot: 1 + 3 * i,
      accountKey: poseidon([BigInt(i + 1), BigInt(member) & 0xffffffffn, t]),
      balance,
      payoutHash: payoutHashOf(payout),
    };
    const m = recordMessage(poseidon, r);
    const sig = signer.sign(m);
    payouts.push(payout);
    records.push({
      nullifier: recordNullifier(poseidon, m).toString(),
      member: getAddress(member),
      asset,
      t: Number(t),
      slot: r.slot,
      accountKey: r.accountKey.toString(),
      balance: balance.toString(),
      message: m.toString(),
      r8x: sig.R8x.toString(),
      r8y: sig.R8y.toString(),
      s: sig.S.toString(),
      ax: ax.toString(),
      ay: ay.toString(),
      keyHash: keyHash.toString(),
      payoutHash: r.payoutHash.toString(),
      receivedAt: Math.floor(Date.now() / 3_600_000) * 3_600,
      checkedAt: null,
      checkResult: null,
    });
    if (!omit.includes(i)) leaves.push({ slot: r.slot, h: leafHash(poseidon, r.accountKey, balance), s: balance });
  });
  const tree = await SumTree.build(crypto, leafSetFrom(leaves), 4, depth);
  return { records, payouts, tree, leaves: encodeLeaves(tree, { member: BigInt(member), asset, t }) };
}

/**
 * Builds the member's PoA at t (signing with `reserveWallets`), stores the asset's blob in `blobs` (any store), and
 * commits `(rootHash, rootSum, reserves, blobDigest)`; `reservesOverride` lets a test commit a false reserves figure.
 */
export async function commitSnapshot(
  conn: Conn,
  d: Deployment,
  member: Signer,
  t: bigint,
  snap: MemberSnapshot,
  reserveWallets: Wallet[],
  blobs: BlobStore,
  reservesOverride?: bigint,
): Promise<{ poa: PoaDocument; commitment: AssetCommitment; ref: BlobRef }> {
  const poa = await buildPoa({
    provider: conn.ethers.provider as import("ethers").Provider,
    ledger: d.ledger,
    reserveRegistry: d.reserveRegistry,
    registry: d.registry,
    member: await member.getAddress(),
    t,
    assets: [ETH],
    signers: reserveWallets,
  });
  const ref = await blobs.put(encodeAssetBlob(poa, ETH, snap.leaves));
  const commitment: AssetCommitment = {
    asset: ETH,
    rootHash: snap.tree.root.h,
    rootSum: snap.tree.root.s,
    reserves: reservesOverride ?? BigInt(poa.assets[0].total),
    blobDigest: ref.keccak256,
  };
  const ledger = await conn.ethers.getContractAt("CommitmentLedger", d.ledger);
  await (await (ledger.connect(member) as import("ethers").Contract).getFunction("commit")(t, [commitment])).wait();
  return { poa, commitment, ref };
}

/**
 * One member with a committed snapshot of one asset and one operator, on a fresh deployment (module `moduleId`, mock
 * fraud verifier): member (account 1) and two operators (funded wallets) onboarded with 2 units of stake each, a record
 * key, a reserve wallet holding 10 units, records of 2 + 3 units at `t`, the blob stored in `store(dir)` (`dir` a new
 * temporary directory) and committed. For `networkHelpers.loadFixture`.
 */
export async function committedMember<S extends BlobStore>(
  conn: Conn,
  crypto: Crypto,
  moduleId: string,
  store: (dir: string) => S,
) {
  const d = await deploy(conn, moduleId, "MockLeafMismatchVerifier");
  const [, member] = await conn.ethers.getSigners();
  await onboard(conn, d, member, 2n * E18);
  const operator = await fundedWallet(conn, 5n * E18);
  await onboard(conn, d, operator, 2n * E18);
  // A second operator, bonded before the commit (stake added after a subject was created counts nothing for it).
  const operator2 = await fundedWallet(conn, 5n * E18);
  await onboard(conn, d, operator2, 2n * E18);
  const prv = await registerRecordKey(conn, d, crypto, member);
  const reserve = await fundedWallet(conn, 10n * E18);
  await registerReserve(conn, d, member, reserve);
  await conn.networkHelpers.time.increase(60);
  const t = BigInt(await conn.networkHelpers.time.latest());
  await conn.networkHelpers.time.increase(10);
  await conn.networkHelpers.mine(1);
  const snap = await makeSnapshot(crypto, prv, member.address, t, [2n * E18, 3n * E18]);
  const dir = await mkdtemp(join(tmpdir(), "por-node-"));
  const blobs = store(dir);
  const { poa, commitment, ref } = await commitSnapshot(conn, d, member, t, snap, [reserve], blobs);
  return { d, member, operator, operator2, reserve, t, dir, blobs, poa, commitment, ref };
}

/**
 * `n` operators, each a fresh wallet funded with 5 ETH, onboarded with 2 ETH of stake, with an X25519 encryption key
 * registered to be in force 5 s after the latest block (section 17.6).
 */
export async function operatorsWithKeys(
  conn: Conn,
  d: Deployment,
  n = 3,
): Promise<{ operators: Wallet[]; keys: EncryptionKeyPair[] }> {
  const registry = await conn.ethers.getContractAt("ConsortiumRegistry", d.registry);
  const operators: Wallet[] = [];
  const keys: EncryptionKeyPair[] = [];
  for (let i = 0; i < n; i++) {
    const w = await fundedWallet(conn, 5n * E18);
    await onboard(conn, d, w, 2n * E18);
    const k = generateEncryptionKey();
    const from = BigInt((await conn.ethers.provider.getBlock("latest"))!.timestamp) + 5n;
    await (
      await (registry.connect(w) as import("ethers").Contract).getFunction("registerEncryptionKey")(k.publicKey, from)
    ).wait();
    operators.push(w);
    keys.push(k);
  }
  return { operators, keys };
}
