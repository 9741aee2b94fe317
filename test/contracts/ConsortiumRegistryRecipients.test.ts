// The recipients of a private blob at t are a fact of t (issue 13h, docs/protocol.md section 17.6): the registry
// records when each encryption-key holder stopped being allowed to decrypt, so `encryptionRecipientsAt(t)` answers
// the same at any later time whoever joins, rotates, registers, exits, is ejected or loses the auditor role after t;
// and the ledger refuses a private set of a t without recipients (`CommitmentLedgerNoRecipients(t)`), decoded into
// words. A property test drives random status histories and checks that no past answer ever changes.
import { expect } from "chai";
import fc from "fast-check";
import { hexlify, type Wallet } from "ethers";
import { network } from "hardhat";

import { combinedInterface, decodeRevertData } from "../../src/chain/errors.js";
import { generateEncryptionKey, type PrivateAssetCommitmentStruct } from "../../src/private/index.js";
import { ETH_ASSET, commitmentOf, deployLedgerSystem } from "./ledger-fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { time } = networkHelpers;

/** A private commitment whose proofs do not verify: enough to reach (or not) the ledger's recipient check. */
function unprovenCommitment(): PrivateAssetCommitmentStruct {
  return {
    asset: ETH_ASSET,
    rootHash: 12345n,
    blobDigest: "0x" + "ab".repeat(32),
    snark: Array<bigint>(8).fill(0n),
    commitments: Array<bigint>(6).fill(0n),
    eighths: Array<bigint>(6).fill(0n),
    c: 0n,
    z: 0n,
  };
}

async function fixture() {
  return deployLedgerSystem(connection, { operators: 4 });
}

type F = Awaited<ReturnType<typeof fixture>>;

/** The registry's recipients at t as [operator, key] pairs. */
async function recipientsAt(f: F, t: bigint): Promise<string[][]> {
  const [operators, keys] = await f.registry.encryptionRecipientsAt(t);
  return operators.map((o, i) => [o, keys[i]]);
}

/** `who` registers a fresh key in force from a few seconds on; returns the key and its validFrom. */
async function register(f: F, who: Wallet | F["auditor"], delay = 5n): Promise<{ key: string; from: bigint }> {
  const key = hexlify(generateEncryptionKey().publicKey);
  const from = BigInt(await time.latest()) + delay;
  await (await f.registry.connect(who).registerEncryptionKey(key, from)).wait();
  return { key, from };
}

/** Mines past `from` and returns a t after it that is in the past. */
async function pastT(from: bigint): Promise<bigint> {
  await time.increaseTo(from + 20n);
  await networkHelpers.mine(1);
  return from + 10n;
}

describe("ConsortiumRegistry: the recipients of a private blob at t are a fact of t", function () {
  this.timeout(300_000);

  it("an operator with a key in force at t stays a recipient at t after it exits (requested and completed)", async function () {
    const f = await networkHelpers.loadFixture(fixture);
    const [a, b] = f.operators;
    const ka = await register(f, a);
    const kb = await register(f, b);
    const t = await pastT(kb.from);
    const before = await recipientsAt(f, t);
    expect(before).to.deep.equal([
      [a.address, ka.key],
      [b.address, kb.key],
    ]);
    expect(await f.registry.decryptionEndOf(a.address)).to.equal(2n ** 64n - 1n);
    const tx = f.registry.connect(a).requestExit();
    await expect(tx).to.emit(f.registry, "DecryptionEnded");
    const endedAt = BigInt((await ethers.provider.getBlock((await (await tx).wait())!.blockNumber))!.timestamp);
    expect(await f.registry.decryptionEndOf(a.address)).to.equal(endedAt);
    await time.increase(8n * 86_400n);
    await f.registry.completeExit(a.address);
    // At t: unchanged. From the exit on: a is no recipient.
    expect(await recipientsAt(f, t)).to.deep.equal(before);
    expect(await recipientsAt(f, endedAt - 1n)).to.deep.equal(before);
    expect(await recipientsAt(f, endedAt)).to.deep.equal([[b.address, kb.key]]);
    // Every recipient at t gone: still the same answer, and still a recipient for the ledger.
    await f.registry.connect(b).requestExit();
    expect(await recipientsAt(f, t)).to.deep.equal(before);
    expect(await f.registry.hasEncryptionRecipientAt(t)).to.equal(true);
    expect(await f.registry.hasEncryptionRecipientAt(BigInt(await time.latest()))).to.equal(false);
  });

  it("an operator ejected (suspended for good) after t stays a recipient at t, not after", async function () {
    const f = await networkHelpers.loadFixture(fixture);
    const [a] = f.operators;
    const ka = await register(f, a);
    const t = await pastT(ka.from);
    await expect(f.registry.connect(f.governance).eject(a.address)).to.emit(f.registry, "DecryptionEnded");
    expect(await recipientsAt(f, t)).to.deep.equal([[a.address, ka.key]]);
    expect(await recipientsAt(f, BigInt(await time.latest()))).to.deep.equal([]);
    // Ejecting an Exiting holder records nothing again (its decryption ended at the exit request).
    const [, b] = f.operators;
    const kb = await register(f, b);
    await pastT(kb.from);
    await f.registry.connect(b).requestExit();
    const ended = await f.registry.decryptionEndOf(b.address);
    await time.increase(10);
    await expect(f.registry.connect(f.governance).eject(b.address)).not.to.emit(f.registry, "DecryptionEnded");
    expect(await f.registry.decryptionEndOf(b.address)).to.equal(ended);
  });

  it("an operator that joins after t, or registers its first key after t, is no recipient at t", async function () {
    const f = await networkHelpers.loadFixture(fixture);
    const [a, b] = f.operators;
    const ka = await register(f, a);
    const t = await pastT(ka.from);
    // b operated at t but had no key: registering one now does not make it a recipient at t.
    const kb = await register(f, b);
    // A member that joins after t, with a key.
    await f.onboard(f.other, 2n * 10n ** 18n);
    const ko = await register(f, f.other);
    expect(await recipientsAt(f, t)).to.deep.equal([[a.address, ka.key]]);
    const later = await pastT(ko.from > kb.from ? ko.from : kb.from);
    expect(await recipientsAt(f, later)).to.deep.equal([
      [a.address, ka.key],
      [b.address, kb.key],
      [f.other.address, ko.key],
    ]);
  });

  it("a key rotated after t: the key at t stays the one listed at t", async function () {
    const f = await networkHelpers.loadFixture(fixture);
    const [a] = f.operators;
    const k1 = await register(f, a);
    const t = await pastT(k1.from);
    const k2 = await register(f, a);
    const later = await pastT(k2.from);
    expect(await recipientsAt(f, t)).to.deep.equal([[a.address, k1.key]]);
    expect(await recipientsAt(f, later)).to.deep.equal([[a.address, k2.key]]);
    // A rotation pending at the exit never comes into force.
    const k3 = await register(f, a, 1000n);
    await f.registry.connect(a).requestExit();
    expect(await recipientsAt(f, k3.from)).to.deep.equal([]);
    expect(await recipientsAt(f, t)).to.deep.equal([[a.address, k1.key]]);
  });

  it("an auditor that loses the role after t stays a recipient at t; its history is closed for good", async function () {
    const f = await networkHelpers.loadFixture(fixture);
    const role = await f.registry.AUDITOR_ROLE();
    const k = await register(f, f.auditor);
    const t = await pastT(k.from);
    await expect(f.registry.connect(f.governance).revokeRole(role, f.auditor.address)).to.emit(
      f.registry,
      "DecryptionEnded",
    );
    expect(await recipientsAt(f, t)).to.deep.equal([[f.auditor.address, k.key]]);
    // Granted again: it may not reopen its closed history (a new address may register).
    await f.registry.connect(f.governance).grantRole(role, f.auditor.address);
    const ended = await f.registry.decryptionEndOf(f.auditor.address);
    await expect(f.registry.connect(f.auditor).registerEncryptionKey(k.key, BigInt(await time.latest()) + 50n))
      .to.be.revertedWithCustomError(f.registry, "ConsortiumRegistryDecryptionEnded")
      .withArgs(f.auditor.address, ended);
    // Renouncing ends it as revoking does.
    await f.registry.connect(f.governance).grantRole(role, f.user.address);
    const ku = await register(f, f.user);
    const tu = await pastT(ku.from);
    await expect(f.registry.connect(f.user).renounceRole(role, f.user.address)).to.emit(f.registry, "DecryptionEnded");
    expect(await recipientsAt(f, tu)).to.deep.equal([[f.user.address, ku.key]]);
    expect(await recipientsAt(f, t)).to.deep.equal([[f.auditor.address, k.key]]);
    // The role granted and revoked to an account without a key records nothing.
    await f.registry.connect(f.governance).grantRole(role, f.prover.address);
    await expect(f.registry.connect(f.governance).revokeRole(role, f.prover.address)).not.to.emit(
      f.registry,
      "DecryptionEnded",
    );
    expect(await f.registry.decryptionEndOf(f.prover.address)).to.equal(0n);
  });

  it("an operator that is also an auditor stays allowed while either holds; the end is the later one", async function () {
    const f = await networkHelpers.loadFixture(fixture);
    const role = await f.registry.AUDITOR_ROLE();
    const [a] = f.operators;
    await f.registry.connect(f.governance).grantRole(role, a.address);
    const k = await register(f, a);
    await pastT(k.from);
    await expect(f.registry.connect(a).requestExit()).not.to.emit(f.registry, "DecryptionEnded");
    const stillT = await pastT(BigInt(await time.latest()));
    expect(await recipientsAt(f, stillT)).to.deep.equal([[a.address, k.key]]);
    await expect(f.registry.connect(f.governance).revokeRole(role, a.address)).to.emit(f.registry, "DecryptionEnded");
    expect(await recipientsAt(f, stillT)).to.deep.equal([[a.address, k.key]]);
    expect(await recipientsAt(f, BigInt(await time.latest()))).to.deep.equal([]);
  });

  it("property: under random histories no past answer changes, and hasEncryptionRecipientAt agrees with the list", async function () {
    const f = await networkHelpers.loadFixture(fixture);
    const role = await f.registry.AUDITOR_ROLE();
    const base = (await ethers.provider.send("evm_snapshot", [])) as string;
    let snapshot = base;
    type Step =
      | { kind: "register"; who: number; delay: number }
      | { kind: "exit"; who: number }
      | { kind: "eject"; who: number }
      | { kind: "grantAuditor"; who: number }
      | { kind: "revokeAuditor"; who: number }
      | { kind: "wait"; seconds: number };
    const who = fc.integer({ min: 0, max: 3 });
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ kind: fc.constant("register" as const), who, delay: fc.integer({ min: 1, max: 40 }) }),
      fc.record({ kind: fc.constant("exit" as const), who }),
      fc.record({ kind: fc.constant("eject" as const), who }),
      fc.record({ kind: fc.constant("grantAuditor" as const), who }),
      fc.record({ kind: fc.constant("revokeAuditor" as const), who }),
      fc.record({ kind: fc.constant("wait" as const), seconds: fc.integer({ min: 1, max: 60 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
        await ethers.provider.send("evm_revert", [snapshot]);
        snapshot = (await ethers.provider.send("evm_snapshot", [])) as string;
        /** The answers recorded for past times: t -> recipients at t as first seen once t was past. */
        const seen = new Map<bigint, string>();
        /** Times worth probing: around each step's block and each key's validFrom. */
        const candidates = new Set<bigint>();
        const record = async () => {
          const now = BigInt(await time.latest());
          candidates.add(now - 1n);
          candidates.add(now);
          for (const t of candidates) {
            if (t >= now) continue;
            const list = await recipientsAt(f, t);
            const text = JSON.stringify(list);
            const earlier = seen.get(t);
            if (earlier !== undefined) expect(text, `recipients at ${t}`).to.equal(earlier);
            else seen.set(t, text);
            expect(await f.registry.hasEncryptionRecipientAt(t)).to.equal(list.length > 0);
          }
        };
        for (const s of steps) {
          const op = f.operators[s.kind === "wait" ? 0 : s.who];
          // A step the registry refuses (wrong status, a closed history) changes nothing; the check still runs.
          try {
            if (s.kind === "register") {
              const from = BigInt(await time.latest()) + BigInt(s.delay);
              const count = await f.registry.encryptionKeyCount(op.address);
              const last = count > 0n ? (await f.registry.encryptionKeyByIndex(op.address, count - 1n)).validFrom : 0n;
              const validFrom = from > last ? from : last + 1n;
              candidates.add(validFrom - 1n);
              candidates.add(validFrom);
              await f.registry.connect(op).registerEncryptionKey(generateEncryptionKey().publicKey, validFrom);
            } else if (s.kind === "exit") await f.registry.connect(op).requestExit();
            else if (s.kind === "eject") await f.registry.connect(f.governance).eject(op.address);
            else if (s.kind === "grantAuditor") await f.registry.connect(f.governance).grantRole(role, op.address);
            else if (s.kind === "revokeAuditor") await f.registry.connect(f.governance).revokeRole(role, op.address);
            else await time.increase(s.seconds);
          } catch (e) {
            if (!/reverted with custom error 'ConsortiumRegistry(WrongStatus|DecryptionEnded)/.test(String(e))) throw e;
          }
          await networkHelpers.mine(1);
          await record();
        }
      }),
      { numRuns: 20 },
    );
    await ethers.provider.send("evm_revert", [base]);
  });
});

describe("CommitmentLedger: no private set without recipients at t", function () {
  this.timeout(300_000);

  it("commitPrivate refuses a t without recipients (none registered, or before the first key), naming t", async function () {
    const f = await networkHelpers.loadFixture(fixture);
    const t0 = BigInt(await time.latest()) - 20n;
    await expect(f.ledger.connect(f.member).commitPrivate(t0, [unprovenCommitment()]))
      .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerNoRecipients")
      .withArgs(t0);
    const k = await register(f, f.operators[0]);
    const t = await pastT(k.from);
    // Before the key's validFrom: still none.
    await expect(f.ledger.connect(f.member).commitPrivate(k.from - 1n, [unprovenCommitment()]))
      .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerNoRecipients")
      .withArgs(k.from - 1n);
    // From it on the recipient check passes (the unproven commitment then fails its SNARK).
    await expect(f.ledger.connect(f.member).commitPrivate(t, [unprovenCommitment()]))
      .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerPrivateProofFailed")
      .withArgs(ETH_ASSET, 1);
  });

  it("the recipients at commit are the recipients at judging time: every recipient gone after t, the check still passes", async function () {
    const f = await networkHelpers.loadFixture(fixture);
    const k = await register(f, f.operators[0]);
    const t = await pastT(k.from);
    await f.registry.connect(f.operators[0]).requestExit();
    await expect(f.ledger.connect(f.member).commitPrivate(t, [unprovenCommitment()]))
      .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerPrivateProofFailed")
      .withArgs(ETH_ASSET, 1);
    // After the exit: no recipient, refused.
    const after = BigInt(await time.latest());
    await networkHelpers.mine(1);
    await expect(f.ledger.connect(f.member).commitPrivate(after, [unprovenCommitment()]))
      .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerNoRecipients")
      .withArgs(after);
  });

  it("respondToRequestPrivate refuses to store a set of a t without recipients; the public answer stays open", async function () {
    const f = await networkHelpers.loadFixture(fixture);
    const t = BigInt(await time.latest()) - 20n;
    const fee = (await f.ledger.quorumParams()).requestFee;
    await f.ledger.connect(f.other).requestProof(f.member.address, t, { value: fee });
    const id = await f.ledger.requestCount();
    await expect(f.ledger.connect(f.member).respondToRequestPrivate(id, [unprovenCommitment()]))
      .to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerNoRecipients")
      .withArgs(t);
    // Nobody can change the recipients of that past t: a key registered now does not help, and nothing anyone does
    // later makes a stored answer's check differ.
    const k = await register(f, f.operators[0]);
    await pastT(k.from);
    await expect(
      f.ledger.connect(f.member).respondToRequestPrivate(id, [unprovenCommitment()]),
    ).to.be.revertedWithCustomError(f.ledger, "CommitmentLedgerNoRecipients");
    await expect(f.ledger.connect(f.member).respondToRequest(id, [commitmentOf(ETH_ASSET, 5n)])).to.emit(
      f.ledger,
      "RequestAnswered",
    );
  });

  it("the revert is decoded into words naming t", async function () {
    const f = await networkHelpers.loadFixture(fixture);
    const t = BigInt(await time.latest()) - 20n;
    const data = f.ledger.interface.encodeErrorResult("CommitmentLedgerNoRecipients", [t]);
    const decoded = decodeRevertData(data, combinedInterface([f.ledger.interface.formatJson()]));
    expect(decoded?.message).to.equal(`CommitmentLedger: no recipients (t ${t})`);
    // The chain's own revert data is that error.
    const reverted = await f.ledger
      .connect(f.member)
      .commitPrivate.staticCall(t, [unprovenCommitment()])
      .then(
        () => undefined,
        (e: { data?: string }) => e.data,
      );
    expect(reverted).to.equal(data);
  });
});
