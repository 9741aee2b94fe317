// PrivateReserveRegistry (docs/protocol.md section 17.8): salted reserve-wallet commitments of private members, their
// lifecycle, refusals, the "in force at t" rule of ReserveRegistry.ownerAt, and the TypeScript commitment and consent
// digest agreeing with the contract. A property test drives random register/remove histories and checks every
// answer of memberAt against a model, at every past t, after every step.
import { expect } from "chai";
import fc from "fast-check";
import { Wallet, ZeroAddress, hexlify, randomBytes } from "ethers";
import { network } from "hardhat";

import {
  privateReserveCommitment,
  privateReserveConsentDigest,
  privateReserveRegistryDomain,
  randomSalt,
} from "../../src/private/index.js";
import { deployConsortium, deployWithActiveMember } from "./consortium-fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { time } = networkHelpers;

async function active() {
  const f = await deployWithActiveMember(connection);
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const address = await f.privateReserves.getAddress();
  return { ...f, chainId, address };
}

const randomCommitment = () => hexlify(randomBytes(32));

describe("PrivateReserveRegistry", function () {
  it("reverts with PrivateReserveRegistryZero for a zero registry", async function () {
    const factory = await ethers.getContractFactory("PrivateReserveRegistry");
    await expect(factory.deploy(ZeroAddress)).to.be.revertedWithCustomError(factory, "PrivateReserveRegistryZero");
  });

  it("computes the commitment and the consent digest as the TypeScript side does", async function () {
    const { privateReserves, member, chainId, address } = await networkHelpers.loadFixture(active);
    const wallet = Wallet.createRandom().address;
    const salt = randomSalt();
    const c = privateReserveCommitment(chainId, address, member.address, wallet, salt);
    expect(await privateReserves.commitmentOf(member.address, wallet, salt)).to.equal(c);
    expect(await privateReserves.consentDigest(member.address, c)).to.equal(
      privateReserveConsentDigest(privateReserveRegistryDomain(chainId, address), member.address, c),
    );
    // Another salt, wallet or member is another commitment.
    expect(privateReserveCommitment(chainId, address, member.address, wallet, randomSalt())).to.not.equal(c);
    expect(privateReserveCommitment(chainId, address, wallet, wallet, salt)).to.not.equal(c);
  });

  it("registers a commitment, lists it, and it is in force strictly after registration until removal", async function () {
    const { privateReserves, member } = await networkHelpers.loadFixture(active);
    const c = randomCommitment();
    const tx = privateReserves.connect(member).registerCommitment(c);
    await expect(tx).to.emit(privateReserves, "CommitmentRegistered");
    const at = BigInt(await time.latest());
    const rec = await privateReserves.commitmentRecord(c);
    expect([rec.member, rec.registeredAt, rec.removedAt]).to.deep.equal([member.address, at, 0n]);
    expect(await privateReserves.commitmentsOf(member.address)).to.deep.equal([c]);
    expect(await privateReserves.commitmentCount(member.address)).to.equal(1n);
    expect(await privateReserves.memberAt(c, at)).to.equal(ZeroAddress);
    expect(await privateReserves.memberAt(c, at + 1n)).to.equal(member.address);
    await time.increase(100);
    await expect(privateReserves.connect(member).removeCommitment(c))
      .to.emit(privateReserves, "CommitmentRemoved")
      .withArgs(member.address, c, member.address, BigInt(await time.latest()) + 1n);
    const removedAt = (await privateReserves.commitmentRecord(c)).removedAt;
    expect(await privateReserves.memberAt(c, removedAt - 1n)).to.equal(member.address);
    expect(await privateReserves.memberAt(c, removedAt)).to.equal(ZeroAddress);
    // Removed commitments stay listed (history).
    expect(await privateReserves.commitmentsOf(member.address)).to.deep.equal([c]);
  });

  it("refuses a commitment registered twice (also after removal, and by another member)", async function () {
    const { privateReserves, member, other, registry } = await networkHelpers.loadFixture(active);
    const c = randomCommitment();
    await privateReserves.connect(member).registerCommitment(c);
    await expect(privateReserves.connect(member).registerCommitment(c))
      .to.be.revertedWithCustomError(privateReserves, "PrivateReserveRegistryAlreadyRegistered")
      .withArgs(c, member.address);
    await registry.connect(other).applyForMembership("0x" + "02".repeat(32));
    await expect(privateReserves.connect(other).registerCommitment(c))
      .to.be.revertedWithCustomError(privateReserves, "PrivateReserveRegistryAlreadyRegistered")
      .withArgs(c, member.address);
    await privateReserves.connect(member).removeCommitment(c);
    await expect(privateReserves.connect(member).registerCommitment(c)).to.be.revertedWithCustomError(
      privateReserves,
      "PrivateReserveRegistryAlreadyRegistered",
    );
  });

  it("refuses the zero commitment, a non-member and an ejected member; an applicant may register", async function () {
    const { privateReserves, member, other, registry, adjudicator } = await networkHelpers.loadFixture(active);
    await expect(privateReserves.connect(member).registerCommitment(ethers.ZeroHash)).to.be.revertedWithCustomError(
      privateReserves,
      "PrivateReserveRegistryZero",
    );
    await expect(privateReserves.connect(other).registerCommitment(randomCommitment()))
      .to.be.revertedWithCustomError(privateReserves, "PrivateReserveRegistryNotMember")
      .withArgs(other.address);
    await registry.connect(other).applyForMembership("0x" + "02".repeat(32));
    await expect(privateReserves.connect(other).registerCommitment(randomCommitment())).to.emit(
      privateReserves,
      "CommitmentRegistered",
    );
    await registry.connect(adjudicator).eject(member.address);
    await expect(privateReserves.connect(member).registerCommitment(randomCommitment()))
      .to.be.revertedWithCustomError(privateReserves, "PrivateReserveRegistryNotMember")
      .withArgs(member.address);
  });

  it("removal: the member and governance may; others only once the member is ejected; twice or unknown is refused", async function () {
    const { privateReserves, member, other, governance, registry, adjudicator } =
      await networkHelpers.loadFixture(active);
    const [a, b, c] = [randomCommitment(), randomCommitment(), randomCommitment()];
    for (const x of [a, b, c]) await privateReserves.connect(member).registerCommitment(x);
    await expect(privateReserves.connect(other).removeCommitment(a))
      .to.be.revertedWithCustomError(privateReserves, "PrivateReserveRegistryNotAllowed")
      .withArgs(other.address, a);
    await expect(privateReserves.connect(governance).removeCommitment(a))
      .to.emit(privateReserves, "CommitmentRemoved")
      .withArgs(member.address, a, governance.address, BigInt(await time.latest()) + 1n);
    await expect(privateReserves.connect(member).removeCommitment(a))
      .to.be.revertedWithCustomError(privateReserves, "PrivateReserveRegistryNotRegistered")
      .withArgs(a);
    const unknown = randomCommitment();
    await expect(privateReserves.connect(member).removeCommitment(unknown))
      .to.be.revertedWithCustomError(privateReserves, "PrivateReserveRegistryNotRegistered")
      .withArgs(unknown);
    await registry.connect(adjudicator).eject(member.address);
    await expect(privateReserves.connect(other).removeCommitment(b)).to.emit(privateReserves, "CommitmentRemoved");
    await expect(privateReserves.connect(member).removeCommitment(c)).to.emit(privateReserves, "CommitmentRemoved");
  });

  it("a fresh deployment's registry getter is the consortium registry", async function () {
    const f = await deployConsortium(connection);
    expect(await f.privateReserves.registry()).to.equal(await f.registry.getAddress());
  });

  it("property: memberAt(c, t) follows the in-force rule over random register/remove histories, at every past t", async function () {
    this.timeout(300_000);
    const base = await networkHelpers.loadFixture(active);
    const snapshot = await networkHelpers.takeSnapshot();
    const pool = Array.from({ length: 4 }, () => randomCommitment());
    type Step = { op: "register" | "remove" | "removeByGov"; i: number; gap: number };
    const step = fc.record({
      op: fc.constantFrom<Step["op"]>("register", "remove", "removeByGov"),
      i: fc.integer({ min: 0, max: pool.length - 1 }),
      gap: fc.integer({ min: 1, max: 50 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 10 }), async (steps) => {
        await snapshot.restore();
        const { privateReserves: prr, member, governance } = base;
        const model = new Map<string, { registeredAt: bigint; removedAt: bigint }>();
        const times: bigint[] = [];
        for (const s of steps) {
          await time.increase(s.gap);
          const c = pool[s.i];
          const m = model.get(c);
          if (s.op === "register") {
            if (m !== undefined) {
              await expect(prr.connect(member).registerCommitment(c)).to.be.revertedWithCustomError(
                prr,
                "PrivateReserveRegistryAlreadyRegistered",
              );
            } else {
              await prr.connect(member).registerCommitment(c);
              model.set(c, { registeredAt: BigInt(await time.latest()), removedAt: 0n });
            }
          } else {
            const who = s.op === "remove" ? member : governance;
            if (m === undefined || m.removedAt !== 0n) {
              await expect(prr.connect(who).removeCommitment(c)).to.be.revertedWithCustomError(
                prr,
                "PrivateReserveRegistryNotRegistered",
              );
            } else {
              await prr.connect(who).removeCommitment(c);
              m.removedAt = BigInt(await time.latest());
            }
          }
          times.push(BigInt(await time.latest()));
        }
        const now = BigInt(await time.latest());
        for (const c of pool) {
          const m = model.get(c);
          for (const t of [0n, ...times, ...times.map((x) => x + 1n), now + 1000n]) {
            const expected =
              m !== undefined && m.registeredAt < t && (m.removedAt === 0n || t < m.removedAt)
                ? member.address
                : ZeroAddress;
            expect(await prr.memberAt(c, t)).to.equal(expected, `commitment ${pool.indexOf(c)} at t ${t}`);
          }
        }
        expect(await prr.commitmentsOf(member.address)).to.deep.equal(
          [...model.keys()].sort((a, b) => (model.get(a)!.registeredAt < model.get(b)!.registeredAt ? -1 : 1)),
        );
      }),
      { numRuns: 25 },
    );
  });
});
