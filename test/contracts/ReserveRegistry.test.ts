import { expect } from "chai";
import { network } from "hardhat";

import { reserveOwnershipDigest, reserveRegistryDomain, signReserveOwnership } from "../../src/chain/index.js";
import { deployConsortium, deployWithActiveMember } from "./consortium-fixture.js";

const { ethers, networkHelpers, ignition } = await network.create();

async function active() {
  const f = await deployWithActiveMember({ ethers, networkHelpers, ignition });
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const domain = reserveRegistryDomain(chainId, await f.reserves.getAddress());
  const walletKey = ethers.Wallet.createRandom();
  const deadline = BigInt(await networkHelpers.time.latest()) + 3600n;
  return { ...f, domain, walletKey, deadline };
}

describe("ReserveRegistry", function () {
  describe("constructor", function () {
    it("reverts with ReserveRegistryZeroAddress for a zero registry", async function () {
      const factory = await ethers.getContractFactory("ReserveRegistry");
      await expect(factory.deploy(ethers.ZeroAddress)).to.be.revertedWithCustomError(
        factory,
        "ReserveRegistryZeroAddress",
      );
    });
  });

  describe("registerReserve", function () {
    it("registers an EOA wallet with its EIP-712 signature", async function () {
      const { reserves, member, domain, walletKey, deadline } = await networkHelpers.loadFixture(active);
      const message = { member: member.address, wallet: walletKey.address, deadline, nonce: 0n };
      expect(await reserves.ownershipDigest(member.address, walletKey.address, deadline, 0n)).to.equal(
        reserveOwnershipDigest(domain, message),
      );
      const signature = await signReserveOwnership(walletKey, domain, message);
      const tx = reserves.connect(member).registerReserve(walletKey.address, deadline, signature);
      await expect(tx).to.emit(reserves, "ReserveRegistered");
      const [owner, registeredAt] = await reserves.ownerOf(walletKey.address);
      expect(owner).to.equal(member.address);
      expect(registeredAt).to.equal(BigInt(await networkHelpers.time.latest()));
      expect(await reserves.reservesOf(member.address)).to.deep.equal([walletKey.address]);
      expect(await reserves.nonceOf(walletKey.address)).to.equal(1n);
      expect(await reserves.ownerAt(walletKey.address, registeredAt)).to.equal(ethers.ZeroAddress);
      expect(await reserves.ownerAt(walletKey.address, registeredAt + 1n)).to.equal(member.address);
    });
    it("registers an ERC-1271 contract wallet", async function () {
      const { reserves, member, domain, walletKey, deadline } = await networkHelpers.loadFixture(active);
      const wallet = await ethers.deployContract("TestERC1271Wallet", [walletKey.address]);
      const walletAddress = await wallet.getAddress();
      const message = { member: member.address, wallet: walletAddress, deadline, nonce: 0n };
      const signature = await signReserveOwnership(walletKey, domain, message);
      await expect(reserves.connect(member).registerReserve(walletAddress, deadline, signature)).to.emit(
        reserves,
        "ReserveRegistered",
      );
      expect((await reserves.ownerOf(walletAddress))[0]).to.equal(member.address);
    });
    it("reverts with ReserveRegistryInvalidSignature for an ERC-1271 wallet that refuses", async function () {
      const { reserves, member, other, domain, deadline } = await networkHelpers.loadFixture(active);
      const wallet = await ethers.deployContract("TestERC1271Wallet", [other.address]);
      const walletAddress = await wallet.getAddress();
      const stranger = ethers.Wallet.createRandom();
      const signature = await signReserveOwnership(stranger, domain, {
        member: member.address,
        wallet: walletAddress,
        deadline,
        nonce: 0n,
      });
      await expect(reserves.connect(member).registerReserve(walletAddress, deadline, signature))
        .to.be.revertedWithCustomError(reserves, "ReserveRegistryInvalidSignature")
        .withArgs(walletAddress);
    });
    it("reverts with ReserveRegistryInvalidSignature for a signature by another key", async function () {
      const { reserves, member, domain, walletKey, deadline } = await networkHelpers.loadFixture(active);
      const signature = await signReserveOwnership(ethers.Wallet.createRandom(), domain, {
        member: member.address,
        wallet: walletKey.address,
        deadline,
        nonce: 0n,
      });
      await expect(reserves.connect(member).registerReserve(walletKey.address, deadline, signature))
        .to.be.revertedWithCustomError(reserves, "ReserveRegistryInvalidSignature")
        .withArgs(walletKey.address);
    });
    it("reverts with ReserveRegistryInvalidSignature when another member replays the signature", async function () {
      const { reserves, registry, auditor, other, member, domain, walletKey, deadline } =
        await networkHelpers.loadFixture(active);
      await registry.connect(other).applyForMembership(ethers.ZeroHash);
      await registry.connect(auditor).approveGenesis(other.address, "0x" + "cd".repeat(32));
      const signature = await signReserveOwnership(walletKey, domain, {
        member: member.address,
        wallet: walletKey.address,
        deadline,
        nonce: 0n,
      });
      await expect(
        reserves.connect(other).registerReserve(walletKey.address, deadline, signature),
      ).to.be.revertedWithCustomError(reserves, "ReserveRegistryInvalidSignature");
    });
    it("reverts with ReserveRegistryInvalidSignature for a signature on another chain id", async function () {
      const { reserves, member, domain, walletKey, deadline } = await networkHelpers.loadFixture(active);
      const signature = await signReserveOwnership(
        walletKey,
        { ...domain, chainId: 1n },
        { member: member.address, wallet: walletKey.address, deadline, nonce: 0n },
      );
      await expect(
        reserves.connect(member).registerReserve(walletKey.address, deadline, signature),
      ).to.be.revertedWithCustomError(reserves, "ReserveRegistryInvalidSignature");
    });
    it("reverts with ReserveRegistrySignatureExpired after the deadline", async function () {
      const { reserves, member, domain, walletKey, deadline } = await networkHelpers.loadFixture(active);
      const signature = await signReserveOwnership(walletKey, domain, {
        member: member.address,
        wallet: walletKey.address,
        deadline,
        nonce: 0n,
      });
      await networkHelpers.time.increaseTo(deadline + 1n);
      await expect(
        reserves.connect(member).registerReserve(walletKey.address, deadline, signature),
      ).to.be.revertedWithCustomError(reserves, "ReserveRegistrySignatureExpired");
    });
    it("reverts with ReserveRegistryAlreadyRegistered when a second member claims the wallet (D3)", async function () {
      const { reserves, registry, auditor, other, member, domain, walletKey, deadline } =
        await networkHelpers.loadFixture(active);
      const first = await signReserveOwnership(walletKey, domain, {
        member: member.address,
        wallet: walletKey.address,
        deadline,
        nonce: 0n,
      });
      await reserves.connect(member).registerReserve(walletKey.address, deadline, first);
      await registry.connect(other).applyForMembership(ethers.ZeroHash);
      await registry.connect(auditor).approveGenesis(other.address, "0x" + "cd".repeat(32));
      const second = await signReserveOwnership(walletKey, domain, {
        member: other.address,
        wallet: walletKey.address,
        deadline,
        nonce: 1n,
      });
      await expect(reserves.connect(other).registerReserve(walletKey.address, deadline, second))
        .to.be.revertedWithCustomError(reserves, "ReserveRegistryAlreadyRegistered")
        .withArgs(walletKey.address, member.address);
    });
    it("reverts with ReserveRegistryNotMember for a non-member or an ejected member", async function () {
      const { reserves, member, other, adjudicator, registry, domain, walletKey, deadline } =
        await networkHelpers.loadFixture(active);
      const signature = await signReserveOwnership(walletKey, domain, {
        member: other.address,
        wallet: walletKey.address,
        deadline,
        nonce: 0n,
      });
      await expect(reserves.connect(other).registerReserve(walletKey.address, deadline, signature))
        .to.be.revertedWithCustomError(reserves, "ReserveRegistryNotMember")
        .withArgs(other.address);
      await registry.connect(adjudicator).eject(member.address);
      await expect(reserves.connect(member).registerReserve(walletKey.address, deadline, signature))
        .to.be.revertedWithCustomError(reserves, "ReserveRegistryNotMember")
        .withArgs(member.address);
    });
    it("reverts with ReserveRegistryZeroAddress for the zero wallet", async function () {
      const { reserves, member, deadline } = await networkHelpers.loadFixture(active);
      await expect(
        reserves.connect(member).registerReserve(ethers.ZeroAddress, deadline, "0x"),
      ).to.be.revertedWithCustomError(reserves, "ReserveRegistryZeroAddress");
    });
  });

  describe("removeReserve and history", function () {
    async function registered() {
      const f = await active();
      const signature = await signReserveOwnership(f.walletKey, f.domain, {
        member: f.member.address,
        wallet: f.walletKey.address,
        deadline: f.deadline,
        nonce: 0n,
      });
      await f.reserves.connect(f.member).registerReserve(f.walletKey.address, f.deadline, signature);
      return f;
    }

    it("lets the member remove, keeps the interval, and lets another member register afterwards", async function () {
      const { reserves, registry, auditor, member, other, domain, walletKey } =
        await networkHelpers.loadFixture(registered);
      const registeredAt = (await reserves.ownerOf(walletKey.address))[1];
      await networkHelpers.time.increase(100);
      await expect(reserves.connect(member).removeReserve(walletKey.address)).to.emit(reserves, "ReserveRemoved");
      const removedAt = BigInt(await networkHelpers.time.latest());
      expect(await reserves.reservesOf(member.address)).to.deep.equal([]);
      expect((await reserves.ownerOf(walletKey.address))[0]).to.equal(ethers.ZeroAddress);
      expect(await reserves.ownerAt(walletKey.address, registeredAt + 1n)).to.equal(member.address);
      expect(await reserves.ownerAt(walletKey.address, removedAt)).to.equal(ethers.ZeroAddress);
      // The old signature (nonce 0) cannot be replayed; a new one with nonce 1 registers the wallet to another.
      await registry.connect(other).applyForMembership(ethers.ZeroHash);
      await registry.connect(auditor).approveGenesis(other.address, "0x" + "cd".repeat(32));
      const deadline = BigInt(await networkHelpers.time.latest()) + 3600n;
      const signature = await signReserveOwnership(walletKey, domain, {
        member: other.address,
        wallet: walletKey.address,
        deadline,
        nonce: 1n,
      });
      await networkHelpers.time.increase(50);
      await reserves.connect(other).registerReserve(walletKey.address, deadline, signature);
      const reRegisteredAt = BigInt(await networkHelpers.time.latest());
      expect(await reserves.ownerAt(walletKey.address, reRegisteredAt + 1n)).to.equal(other.address);
      expect(await reserves.ownerAt(walletKey.address, registeredAt + 1n)).to.equal(member.address);
      expect(await reserves.ownerAt(walletKey.address, removedAt + 1n)).to.equal(ethers.ZeroAddress);
      const history = await reserves.registrationsOf(walletKey.address);
      expect(history.length).to.equal(2);
      expect(history[0].removedAt).to.equal(removedAt);
    });
    it("reverts with ReserveRegistryInvalidSignature when the old signature is replayed after removal", async function () {
      const { reserves, member, domain, walletKey, deadline } = await networkHelpers.loadFixture(registered);
      await reserves.connect(member).removeReserve(walletKey.address);
      const old = await signReserveOwnership(walletKey, domain, {
        member: member.address,
        wallet: walletKey.address,
        deadline,
        nonce: 0n,
      });
      await expect(
        reserves.connect(member).registerReserve(walletKey.address, deadline, old),
      ).to.be.revertedWithCustomError(reserves, "ReserveRegistryInvalidSignature");
    });
    it("keeps the other wallets listed when one in the middle is removed", async function () {
      const { reserves, member, domain, walletKey, deadline } = await networkHelpers.loadFixture(registered);
      const more = [ethers.Wallet.createRandom(), ethers.Wallet.createRandom()];
      for (const w of more) {
        const sig = await signReserveOwnership(w, domain, {
          member: member.address,
          wallet: w.address,
          deadline,
          nonce: 0n,
        });
        await reserves.connect(member).registerReserve(w.address, deadline, sig);
      }
      await reserves.connect(member).removeReserve(walletKey.address);
      expect([...(await reserves.reservesOf(member.address))].sort()).to.deep.equal(more.map((w) => w.address).sort());
      await reserves.connect(member).removeReserve(more[1].address);
      expect(await reserves.reservesOf(member.address)).to.deep.equal([more[0].address]);
    });
    it("reverts with ReserveRegistryNotAllowed for a stranger while the member is active", async function () {
      const { reserves, other, walletKey } = await networkHelpers.loadFixture(registered);
      await expect(reserves.connect(other).removeReserve(walletKey.address))
        .to.be.revertedWithCustomError(reserves, "ReserveRegistryNotAllowed")
        .withArgs(other.address, walletKey.address);
    });
    it("lets governance remove, and anyone once the member is ejected", async function () {
      const { reserves, registry, governance, other, adjudicator, member, walletKey, domain, deadline } =
        await networkHelpers.loadFixture(registered);
      await expect(reserves.connect(governance).removeReserve(walletKey.address))
        .to.emit(reserves, "ReserveRemoved")
        .withArgs(
          member.address,
          walletKey.address,
          governance.address,
          BigInt(await networkHelpers.time.latest()) + 1n,
        );
      const sig = await signReserveOwnership(walletKey, domain, {
        member: member.address,
        wallet: walletKey.address,
        deadline,
        nonce: 1n,
      });
      await reserves.connect(member).registerReserve(walletKey.address, deadline, sig);
      await registry.connect(adjudicator).eject(member.address);
      await expect(reserves.connect(other).removeReserve(walletKey.address)).to.emit(reserves, "ReserveRemoved");
    });
    it("reverts with ReserveRegistryNotRegistered for an unknown wallet", async function () {
      const { reserves, member, other } = await networkHelpers.loadFixture(registered);
      await expect(reserves.connect(member).removeReserve(other.address))
        .to.be.revertedWithCustomError(reserves, "ReserveRegistryNotRegistered")
        .withArgs(other.address);
    });
  });

  it("exposes the registry it consults", async function () {
    const { reserves, registry } = await networkHelpers.loadFixture(async function base() {
      return deployConsortium({ ethers, networkHelpers, ignition });
    });
    expect(await reserves.registry()).to.equal(await registry.getAddress());
  });
});
