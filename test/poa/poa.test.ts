// Proof of assets: the block of a time, reserve wallets at t, ownership signatures (local keys, signature files,
// ERC-1271), ETH and ERC-20 balances at the block, the PoA document's validation and the per-asset blob container.
import { expect } from "chai";
import { Wallet } from "ethers";
import { network } from "hardhat";

import {
  BlockSearchError,
  PoaBuildError,
  PoaFormatError,
  buildPoa,
  checkBlockAtTime,
  decodeAssetBlob,
  encodeAssetBlob,
  findBlockAtTime,
  parsePoa,
  parsePoaSignatureFile,
  poaDomain,
  reserveProofDigest,
  signReserveProof,
  validatePoa,
  verifyReserveProof,
  type PoaDocument,
} from "../../src/poa/index.js";
import { classifyError, rpcProvider } from "../../src/chain/rpc.js";
import { leavesOfBlob } from "../../src/poa/blob-container.js";
import { startRpcBridge } from "../helpers/rpc-bridge.js";
import { callTo, startRpcProxy } from "../helpers/rpc-proxy.js";
import { E18, ETH, deploy, fundedWallet, onboard, registerReserve, type Conn } from "../node/fixture.js";
import { expectReject } from "../helpers/expect.js";

const conn = (await network.create()) as unknown as Conn & Awaited<ReturnType<typeof network.create>>;
const { ethers, networkHelpers } = conn;

async function setup() {
  const d = await deploy(conn, "PoaTest", "MockLeafMismatchVerifier");
  const [governance, member, other] = await ethers.getSigners();
  await onboard(conn, d, member, 2n * E18);
  await onboard(conn, d, other, 2n * E18);
  const token = await ethers.deployContract("TestToken", ["Test USD", "TUSD", 6]);
  const registry = await ethers.getContractAt("ConsortiumRegistry", d.registry);
  await registry.connect(governance).listAsset(2, await token.getAddress(), "TUSD", 6);
  const eoa = await fundedWallet(conn, 3n * E18);
  const cold = await fundedWallet(conn, 4n * E18); // signs through a signature file
  const owner = Wallet.createRandom();
  const multisig = await ethers.deployContract("TestERC1271Wallet", [owner.address]);
  await networkHelpers.setBalance(await multisig.getAddress(), 5n * E18);
  await token.mint(eoa.address, 1_000_000n);
  await token.mint(await multisig.getAddress(), 2_000_000n);
  await registerReserve(conn, d, member, eoa);
  await registerReserve(conn, d, member, cold);
  // The contract wallet registers through ERC-1271: its owner signs the registry's digest.
  const rr = await ethers.getContractAt("ReserveRegistry", d.reserveRegistry);
  const deadline = BigInt(await networkHelpers.time.latest()) + 3600n;
  const digest = await rr.ownershipDigest(member.address, await multisig.getAddress(), deadline, 0n);
  await rr
    .connect(member)
    .registerReserve(await multisig.getAddress(), deadline, owner.signingKey.sign(digest).serialized);
  await networkHelpers.time.increase(60);
  const t = BigInt(await networkHelpers.time.latest());
  // After t: a late wallet (must not count) and more tokens (balances must be those of t's block).
  const late = await fundedWallet(conn, 7n * E18);
  await registerReserve(conn, d, member, late);
  await token.mint(eoa.address, 999n);
  await networkHelpers.mine(2);
  return { d, member, other, token, eoa, cold, owner, multisig, late, t };
}

describe("poa", function () {
  describe("findBlockAtTime", function () {
    it("returns the last block at or before t (checked against every block)", async function () {
      for (const gap of [1, 5, 13, 2, 40, 1, 7]) {
        await networkHelpers.time.increase(gap);
      }
      const head = await ethers.provider.getBlockNumber();
      const blocks = [];
      for (let n = 0; n <= head; n++) blocks.push((await ethers.provider.getBlock(n))!);
      const t0 = blocks[1].timestamp;
      for (let t = t0; t < blocks[head].timestamp; t += 3) {
        const expected = blocks.filter((b) => b.timestamp <= t).at(-1)!;
        const got = await findBlockAtTime(ethers.provider, BigInt(t));
        expect(got.number, `t = ${t}`).to.equal(expected.number);
        expect(await checkBlockAtTime(ethers.provider, got, BigInt(t))).to.equal(undefined);
      }
    });

    it("refuses a t before the first block and a t at or after the head", async function () {
      const genesis = (await ethers.provider.getBlock(0))!;
      await expectReject(findBlockAtTime(ethers.provider, BigInt(genesis.timestamp - 1)), /./, BlockSearchError);
      const head = (await ethers.provider.getBlock("latest"))!;
      await expectReject(findBlockAtTime(ethers.provider, BigInt(head.timestamp)), /not final/);
    });

    it("checkBlockAtTime names a block that is not the last one of t", async function () {
      await networkHelpers.mine(3);
      const head = await ethers.provider.getBlockNumber();
      const b = (await ethers.provider.getBlock(head - 2))!;
      const ref = { number: b.number, hash: b.hash!, timestamp: b.timestamp };
      const later = BigInt((await ethers.provider.getBlock(head - 1))!.timestamp);
      expect(await checkBlockAtTime(ethers.provider, ref, later)).to.match(/not the last block/);
      expect(
        await checkBlockAtTime(ethers.provider, { ...ref, hash: "0x" + "00".repeat(32) }, BigInt(b.timestamp)),
      ).to.match(/not canonical/);
      expect(await checkBlockAtTime(ethers.provider, ref, BigInt(b.timestamp - 1))).to.match(/after t/);
    });
  });

  describe("ownership proofs", function () {
    it("accepts the wallet's own signature and refuses another key, another t and a high-s signature", async function () {
      const w = Wallet.createRandom();
      const domain = poaDomain(31337n, "0x" + "12".repeat(20));
      const m = { member: "0x" + "34".repeat(20), wallet: w.address, t: 100n, requestId: 0n };
      const sig = await signReserveProof(w, domain, m);
      expect(await verifyReserveProof(ethers.provider, domain, m, sig)).to.deep.equal({ ok: true, kind: "eoa" });
      const other = await Wallet.createRandom()
        .signTypedData(domain, { ReserveProof: [] }, {})
        .catch(() => "0x");
      expect((await verifyReserveProof(ethers.provider, domain, m, other)).ok).to.equal(false);
      const wrongT = await verifyReserveProof(ethers.provider, domain, { ...m, t: 101n }, sig);
      expect(wrongT).to.include({ ok: false });
      const s = BigInt("0x" + sig.slice(66, 130));
      const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
      const v = parseInt(sig.slice(130), 16) === 27 ? "1c" : "1b";
      const highS = sig.slice(0, 66) + (n - s).toString(16).padStart(64, "0") + v;
      expect(await verifyReserveProof(ethers.provider, domain, m, highS)).to.deep.include({ ok: false });
      expect(reserveProofDigest(domain, m)).to.match(/^0x[0-9a-f]{64}$/);
      await expectReject(signReserveProof(Wallet.createRandom(), domain, m), /is not the wallet/);
    });
    it("an ERC-1271 wallet's rejection is a verdict; an RPC that cannot answer isValidSignature is not", async function () {
      const owner = Wallet.createRandom();
      const wallet = await ethers.deployContract("TestERC1271Wallet", [owner.address]);
      const domain = poaDomain(31337n, "0x" + "12".repeat(20));
      const m = { member: "0x" + "34".repeat(20), wallet: await wallet.getAddress(), t: 100n, requestId: 0n };
      const sig = owner.signingKey.sign(reserveProofDigest(domain, m)).serialized;
      const bridge = await startRpcBridge(conn.provider);
      const proxy = await startRpcProxy(bridge.url);
      const provider = rpcProvider(proxy.url, { timeoutMs: 1_000, chainId: 31337n });
      try {
        expect(await verifyReserveProof(provider, domain, m, sig)).to.deep.equal({ ok: true, kind: "erc1271" });
        const bySomeoneElse = Wallet.createRandom().signingKey.sign(reserveProofDigest(domain, m)).serialized;
        expect(await verifyReserveProof(provider, domain, m, bySomeoneElse)).to.deep.include({ ok: false });
        proxy.inject({
          match: callTo("0x1626ba7e"),
          fault: { kind: "error", code: -32603, message: "internal error" },
        });
        let thrown: unknown;
        await verifyReserveProof(provider, domain, m, sig).catch((e: unknown) => (thrown = e));
        expect(thrown, "an RPC failure must throw (postpone), not reject the wallet").to.not.equal(undefined);
        expect(classifyError(thrown)).to.equal("unavailable");
      } finally {
        provider.destroy();
        await proxy.close();
        bridge.server.closeAllConnections();
        bridge.server.close();
      }
    });
  });

  describe("buildPoa", function () {
    it("collects wallets registered before t, signs (keys, signature file, ERC-1271) and reads balances at t", async function () {
      const s = await networkHelpers.loadFixture(setup);
      const chainId = (await ethers.provider.getNetwork()).chainId;
      const domain = poaDomain(chainId, s.d.ledger);
      const multisig = await s.multisig.getAddress();
      const m = (wallet: string) => ({ member: s.member.address, wallet, t: s.t, requestId: 0n });
      const file = parsePoaSignatureFile(
        JSON.stringify({
          format: "por.poa-signatures",
          version: 1,
          chainId: chainId.toString(),
          ledger: s.d.ledger,
          member: s.member.address,
          t: s.t.toString(),
          requestId: "0",
          signatures: [
            { wallet: s.cold.address, signature: await signReserveProof(s.cold, domain, m(s.cold.address)) },
            {
              wallet: multisig,
              signature: s.owner.signingKey.sign(reserveProofDigest(domain, m(multisig))).serialized,
            },
          ],
        }),
      );
      const poa = await buildPoa({
        provider: ethers.provider,
        ledger: s.d.ledger,
        reserveRegistry: s.d.reserveRegistry,
        registry: s.d.registry,
        member: s.member.address,
        t: s.t,
        assets: [2, ETH],
        signers: [s.eoa],
        signatureFiles: [file],
      });
      const wallets = [s.eoa.address, s.cold.address, multisig].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
      expect(poa.wallets.map((w) => w.wallet)).to.deep.equal(wallets);
      expect(poa.wallets.find((w) => w.wallet === multisig)?.kind).to.equal("erc1271");
      expect(poa.wallets.map((w) => w.wallet)).to.not.include(s.late.address);
      expect(poa.assets.map((a) => a.asset)).to.deep.equal([ETH, 2]);
      expect(BigInt(poa.assets[0].total)).to.equal(12n * E18); // 3 + 4 + 5 ETH
      expect(BigInt(poa.assets[1].total)).to.equal(3_000_000n); // the 999 minted after t do not count
      const block = await findBlockAtTime(ethers.provider, s.t);
      expect(poa.block).to.deep.equal(block);
      expect(validatePoa(JSON.parse(JSON.stringify(poa)))).to.deep.equal(poa);
    });

    it("refuses a wallet without a signature unless told to skip it, and a bad signature", async function () {
      const s = await networkHelpers.loadFixture(setup);
      const base = {
        provider: ethers.provider,
        ledger: s.d.ledger,
        reserveRegistry: s.d.reserveRegistry,
        registry: s.d.registry,
        member: s.member.address,
        t: s.t,
        assets: [ETH],
      };
      await expectReject(buildPoa({ ...base, signers: [s.eoa] }), /no ownership signature/, PoaBuildError);
      const skipped = await buildPoa({ ...base, signers: [s.eoa], skipUnsigned: true });
      expect(skipped.wallets.map((w) => w.wallet)).to.deep.equal([s.eoa.address]);
      expect(BigInt(skipped.assets[0].total)).to.equal(3n * E18);
      const chainId = (await ethers.provider.getNetwork()).chainId;
      const forged = {
        format: "por.poa-signatures" as const,
        version: 1 as const,
        chainId: chainId.toString(),
        ledger: s.d.ledger,
        member: s.member.address,
        t: s.t.toString(),
        requestId: "0",
        signatures: [{ wallet: s.cold.address, signature: await s.eoa.signMessage("not it") }],
      };
      await expectReject(
        buildPoa({ ...base, signers: [s.eoa], signatureFiles: [forged], skipUnsigned: true }),
        /recovers to/,
        PoaBuildError,
      );
      await expectReject(
        buildPoa({ ...base, signatureFiles: [{ ...forged, t: (s.t + 1n).toString() }], skipUnsigned: true }),
        /signature file is for member/,
        PoaBuildError,
      );
      await expectReject(
        buildPoa({ ...base, assets: [77], signers: [s.eoa], skipUnsigned: true }),
        /not listed/,
        PoaBuildError,
      );
    });
  });

  describe("document and blob", function () {
    const doc = (): PoaDocument => ({
      format: "por.poa",
      version: 1,
      chainId: "31337",
      ledger: "0x" + "11".repeat(20),
      reserveRegistry: "0x" + "22".repeat(20),
      member: "0x" + "33".repeat(20),
      t: "1000",
      requestId: "0",
      block: { number: 5, hash: "0x" + "ab".repeat(32), timestamp: 999 },
      wallets: [
        { wallet: "0x" + "01".repeat(20), kind: "eoa", signature: "0x" + "aa".repeat(65) },
        { wallet: "0x" + "02".repeat(20), kind: "erc1271", signature: "0x" + "bb".repeat(70) },
      ],
      assets: [
        {
          asset: 1,
          token: "0x" + "00".repeat(20),
          total: "30",
          balances: [
            { wallet: "0x" + "01".repeat(20), balance: "10" },
            { wallet: "0x" + "02".repeat(20), balance: "20" },
          ],
        },
      ],
    });

    it("validates the structural rules with the file and field in the error", function () {
      expect(validatePoa(doc())).to.deep.equal(doc());
      const unsorted = doc();
      unsorted.wallets.reverse();
      expect(() => validatePoa(unsorted, "p.json")).to.throw(PoaFormatError, /p\.json: field wallets\.1: .*ascending/);
      const badTotal = doc();
      badTotal.assets[0].total = "31";
      expect(() => validatePoa(badTotal, "p.json")).to.throw(/field assets\.0\.total/);
      const missing = doc();
      missing.assets[0].balances.pop();
      expect(() => validatePoa(missing)).to.throw(/assets\.0\.balances: 1 entries for 2 wallets/);
      const other = doc();
      other.assets[0].balances[1].wallet = "0x" + "03".repeat(20);
      expect(() => validatePoa(other)).to.throw(/balances\.1\.wallet/);
      expect(() => parsePoa('{"format":"por.poa","version":2}', "x.json")).to.throw(/x\.json: field version/);
      expect(() => parsePoa("{", "x.json")).to.throw(/x\.json: not valid JSON/);
      expect(() => validatePoa({ ...doc(), extra: 1 })).to.throw(PoaFormatError);
      expect(() => validatePoa({ ...doc(), t: (1n << 64n).toString() })).to.throw(/field t/);
    });

    it("round-trips a blob and refuses a damaged one", function () {
      const leaves = Buffer.from("PORL-leaves-bytes");
      const blob = encodeAssetBlob(doc(), 1, leaves);
      const back = decodeAssetBlob(blob);
      expect(back.poa).to.deep.equal(doc());
      expect(Buffer.from(back.leaves)).to.deep.equal(leaves);
      // What the web page and `fraud prove --blob-dir` take out of a blob: its leaves, or a bare payload as it is.
      expect(Buffer.from(leavesOfBlob(blob))).to.deep.equal(leaves);
      expect(leavesOfBlob(leaves)).to.equal(leaves);
      expect(() => leavesOfBlob(Buffer.from("nope"), "x.bin")).to.throw(/^x\.bin is neither a DA blob/);
      expect(() => encodeAssetBlob(doc(), 2, leaves)).to.throw(/no asset 2/);
      const bad = (f: (b: Buffer) => void) => {
        const b = Buffer.from(blob);
        f(b);
        return b;
      };
      expect(() => decodeAssetBlob(bad((b) => b.writeUInt32BE(0, 0)))).to.throw(/bad magic/);
      expect(() => decodeAssetBlob(bad((b) => (b[4] = 2)))).to.throw(/unsupported version/);
      expect(() => decodeAssetBlob(bad((b) => (b[6] = 1)))).to.throw(/reserved/);
      expect(() => decodeAssetBlob(bad((b) => b.writeUInt32BE(blob.length, 8)))).to.throw(/does not fit/);
      expect(() => decodeAssetBlob(bad((b) => (b[20] = 0x7b)))).to.throw(PoaFormatError);
      expect(() => decodeAssetBlob(blob.subarray(0, 5))).to.throw(/shorter than its header/);
    });
  });
});
