// Issue 14f attack on batched IAs (Attestations.postInterims, `interim post --file`): can a batch book what single
// posts could not (seq gaps or reuse, a wrong cumulative, a deadline or listing check skipped, a non-operating poster),
// can a batch of the member's own IAs (across assets, duplicate txRefs) get one payment settled twice by the operators'
// check (src/attestations/checker.ts), can the task leave a file half posted, and how large may a batch be. Every IA is
// posted to the real Attestations contract of the Ignition module (test/contracts/ledger-fixture.ts), every payment is
// a real transaction on the Hardhat chain checked with `checkInterim`, verdicts are signed and submitted.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { ZeroAddress, ZeroHash, getAddress, type EventLog } from "ethers";
import { network } from "hardhat";

import {
  attestationsDomain,
  destinationDigestOf,
  interimRecordFromEvent,
  type Interim,
  type InterimRecord,
} from "../../src/attestations/index.js";
import { interimPost } from "../../tasks/interim-post.js";
import { ETH_ASSET, TOKEN_ASSET, deployLedgerSystem, fixtureAddresses } from "../contracts/ledger-fixture.js";
import { deploymentDir, expectTaskError, testClient } from "../helpers/client.js";
import { batchPayerCode, deployRaw, interimSteps } from "../helpers/interims.js";
import { registerReserve } from "../node/fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { time } = networkHelpers;
const E18 = 10n ** 18n;
const USD = 10n ** 6n;
/** EIP-7825 (Osaka): the most gas one transaction may use on Ethereum mainnet. */
const TX_GAS_CAP = 1n << 24n;

async function system() {
  const f = await deployLedgerSystem(connection);
  const domain = attestationsDomain((await ethers.provider.getNetwork()).chainId, await f.attestations.getAddress());
  const addresses = await fixtureAddresses(f);
  // The member pays its withdrawals from its own account, registered as one of its reserve wallets.
  await registerReserve(connection, addresses, f.member, f.member);
  const dir = await deploymentDir(addresses);
  return { ...f, attestationsDomain: domain, dir };
}
type F = Awaited<ReturnType<typeof system>>;
let fixture: F;
const steps = interimSteps(connection);
const check = (record: InterimRecord, token = ZeroAddress) => steps.check(fixture, record, token);
const { judge } = steps;

/** A 1 ETH IA due in a day (fields overridable). */
async function ia(over: Partial<Interim> = {}): Promise<Interim> {
  return {
    asset: ETH_ASSET,
    amount: E18,
    destinationDigest: ZeroHash,
    txRef: ethers.id(`tx-${Math.random()}`),
    deadline: BigInt(await time.latest()) + 86_400n,
    ...over,
  };
}

/** The member posts `batch` in one `postInterims` transaction; returns the records in log order. */
async function postBatch(f: F, batch: Interim[]): Promise<InterimRecord[]> {
  const receipt = await (await f.attestations.connect(f.member).postInterims(batch, [])).wait();
  return receipt!.logs
    .filter((l) => (l as EventLog).fragment?.name === "InterimPosted")
    .map((l) => interimRecordFromEvent(l as EventLog));
}

describe("issue 14f: batched IAs (postInterims, interim post --file)", function () {
  this.timeout(300_000);
  let f: F;
  let destination: string;
  let digest: string;
  let work: string;
  before(async function () {
    work = await mkdtemp(join(tmpdir(), "por-attack14f-"));
  });
  after(async function () {
    await rm(work, { recursive: true, force: true });
  });
  beforeEach(async function () {
    f = await networkHelpers.loadFixture(system);
    fixture = f;
    destination = getAddress(ethers.Wallet.createRandom().address);
    digest = destinationDigestOf(destination);
  });

  it("defence: a batch interleaving assets books each asset's seq and cumulative as single posts would, no gap or reuse", async function () {
    await f.attestations.connect(f.member).postInterim(await ia({ amount: 5n }));
    const records = await postBatch(f, [
      await ia({ amount: 1n }),
      await ia({ asset: TOKEN_ASSET, amount: 7n }),
      await ia({ amount: 2n }),
      await ia({ asset: TOKEN_ASSET, amount: 9n }),
    ]);
    expect(records.map((r) => [r.asset, r.seq, r.amount, r.cumulative])).to.deep.equal([
      [ETH_ASSET, 2n, 1n, 6n],
      [TOKEN_ASSET, 1n, 7n, 7n],
      [ETH_ASSET, 3n, 2n, 8n],
      [TOKEN_ASSET, 2n, 9n, 16n],
    ]);
    for (const r of records) {
      expect(r.member).to.equal(f.member.address);
      expect(await f.attestations.interimStatusOf(r)).to.equal(1n); // Open
    }
    await f.attestations.connect(f.member).postInterim(await ia({ amount: 4n }));
    const book = await f.attestations.assetBookOf(f.member.address, ETH_ASSET);
    expect([book.seq, book.cumulative]).to.deep.equal([4n, 12n]);
  });

  it("defence: every IA of a batch is checked (deadline, listing, amount, txRef) wherever it stands; the batch reverts whole", async function () {
    const now = BigInt(await time.latest());
    const window = (await f.attestations.params()).interimWindow;
    const bad: [Partial<Interim>, string][] = [
      [{ deadline: now }, "AttestationsBadDeadline"],
      [{ deadline: now + window + 10n }, "AttestationsBadDeadline"],
      [{ asset: 99 }, "AttestationsUnlistedAsset"],
      [{ amount: 0n }, "AttestationsZeroAmount"],
      [{ txRef: ZeroHash }, "AttestationsNoTransaction"],
    ];
    for (const [over, error] of bad) {
      const batch = [await ia(), await ia({ asset: TOKEN_ASSET }), await ia(), await ia(over)];
      await expect(f.attestations.connect(f.member).postInterims(batch, [])).to.be.revertedWithCustomError(
        f.attestations,
        error,
      );
    }
    expect((await f.attestations.assetBookOf(f.member.address, ETH_ASSET)).seq).to.equal(0n);
    expect((await f.attestations.assetBookOf(f.member.address, TOKEN_ASSET)).seq).to.equal(0n);
    // Not a member; and an operating member cannot post in another's name (the records are msg.sender's).
    await expect(f.attestations.connect(f.other).postInterims([await ia()], []))
      .to.be.revertedWithCustomError(f.attestations, "AttestationsNotOperating")
      .withArgs(f.other.address);
    const [op] = await postBatch(f, [await ia()]);
    expect(op.member).to.equal(f.member.address);
  });

  it("defence: one ether payment named by two IAs of one batch (same block, same postedAt) settles only the first", async function () {
    const tx = await f.member.sendTransaction({ to: destination, value: E18 });
    const [first, second] = await postBatch(f, [
      await ia({ destinationDigest: digest, txRef: tx.hash }),
      await ia({ destinationDigest: digest, txRef: tx.hash }),
    ]);
    expect(first.postedAt).to.equal(second.postedAt);
    expect((await check(first)).verdict).to.equal("settled");
    const before = await check(second);
    expect(before.verdict).to.equal("wait");
    expect(before.reason).to.contain("one payment settles one IA");
    await judge(f, first, true);
    await time.increaseTo(second.deadline);
    expect((await check(second)).verdict).to.equal("missed");
  });

  it("defence: one ether payment named by IAs of two assets in one batch settles only the ether IA", async function () {
    const token = await f.token.getAddress();
    const tx = await f.member.sendTransaction({ to: destination, value: E18 });
    const [eth, tok] = await postBatch(f, [
      await ia({ destinationDigest: digest, txRef: tx.hash }),
      await ia({ asset: TOKEN_ASSET, amount: E18, destinationDigest: digest, txRef: tx.hash }),
    ]);
    expect((await check(eth)).verdict).to.equal("settled");
    await time.increaseTo(tok.deadline);
    const verdict = await check(tok, token);
    expect(verdict.verdict).to.equal("missed");
    expect(verdict.reason).to.match(/transfers no token/);
  });

  it("defence: a token payout of two equal transfers, named by three IAs of one batch, settles two; the third is missed", async function () {
    const token = await f.token.getAddress();
    const amount = 50n * USD;
    const payer = await deployRaw(f.member, batchPayerCode(token, f.member.address, destination, [amount, amount]));
    await f.token.mint(f.member.address, 2n * amount);
    await f.token.connect(f.member).approve(payer, 2n * amount);
    const tx = await f.member.sendTransaction({ to: payer });
    const one = await ia({ asset: TOKEN_ASSET, amount, destinationDigest: digest, txRef: tx.hash });
    const records = await postBatch(f, [one, one, one]);
    await time.increaseTo(records[2].deadline);
    const verdicts = await Promise.all(records.map(async (r) => (await check(r, token)).verdict));
    expect(verdicts).to.deep.equal(["settled", "settled", "missed"]);
  });

  // EXPLOIT (a file half posted; an honest member slashed on retry): `interim post --file` checks every entry before
  // sending, but not the deadline (`within` beyond the interim window, or a `deadline` already past), which only the
  // contract refuses. A file of 51 withdrawals whose last says `within: 259200` (3 days; the window is 2) sends
  // entries 0-49 in one postInterims (posted, seq 1-50) and then fails on the second transaction: 50 of 51 posted,
  // the error naming no entry ("postInterim failed: attestations bad deadline (deadline ..., latest ...)"). The
  // natural recovery, correcting the entry and running the file again, posts entries 0-49 a second time (seq 51-100)
  // naming the same transactions: one payment settles one IA, so those 50 are missed at their deadline, 10% of the
  // stake slashed for each (measured: one verdict slashed 1 ETH of 10). Fixed: the task checks each entry's deadline
  // against now (plus a minute) and `params().interimWindow` before the first is sent, naming the entry, and sends up
  // to 400 per transaction (a file that size is posted whole or not at all).
  it("defence (was an EXPLOIT): a 51-entry file whose last entry's deadline is beyond the window posts nothing (the task refuses entry 50)", async function () {
    const file = await fileOf(51, { 50: { within: 3 * 86_400 } });
    const c = await testClient(ethers, f.member.address, f.dir);
    await expectTaskError(
      interimPost(c.ctx, { json: false, asset: 0, deadline: 0n, within: 3_600n, file }),
      "entry 50",
    );
    expect((await f.attestations.assetBookOf(f.member.address, ETH_ASSET)).seq).to.equal(0n);
  });

  it("measured: gas per postInterims batch; the largest batch under the block gas limit and under EIP-7825's 16,777,216", async function () {
    const deadline = BigInt(await time.latest()) + 86_400n;
    const batchOf = (n: number): Interim[] =>
      Array.from({ length: n }, (_, i) => ({
        asset: ETH_ASSET,
        amount: E18,
        destinationDigest: ethers.id(`to-${i}`),
        txRef: ethers.id(`tx-${i}`),
        deadline,
      }));
    const gas = async (n: number) => f.attestations.connect(f.member).postInterims.estimateGas(batchOf(n), []);
    const g1 = await gas(1);
    const g50 = await gas(50);
    const g100 = await gas(100);
    const perIa = (g100 - g50) / 50n;
    const base = g50 - 50n * perIa;
    const blockLimit = (await ethers.provider.getBlock("latest"))!.gasLimit;
    // The largest n whose estimate is within `limit` (binary search below the linear fit: memory grows with the
    // batch, each IA's record is a new allocation, so the cost per IA rises with n).
    const under = async (limit: bigint) => {
      let [lo, hi] = [100, Number((limit - base) / perIa) + 1];
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if ((await gas(mid).catch(() => limit + 1n)) <= limit) lo = mid;
        else hi = mid;
      }
      return lo;
    };
    const underCap = await under(TX_GAS_CAP < blockLimit ? TX_GAS_CAP : blockLimit);
    // The chain (EDR, Osaka rules) caps one transaction at 2^24 gas whatever the block gas limit: a batch above
    // ~476 IAs cannot be sent at all. The block gas limit alone would allow about (limit - base) / perIa.
    const fitBlock = (blockLimit - base) / perIa;
    const gCap = await gas(underCap);
    const over = await gas(underCap + 200).catch((e: Error) => e.message);
    console.log(
      `      postInterims gas: 1 IA ${g1}, 50 IAs ${g50} (${g50 / 50n}/IA), 100 IAs ${g100}; marginal ${perIa}/IA ` +
        `at 50-100; ${underCap} IAs ${gCap} (${gCap / BigInt(underCap)}/IA); block gas limit ${blockLimit}: ` +
        `~${fitBlock} IAs by the fit; EIP-7825 cap ${TX_GAS_CAP}: ${underCap} IAs; ${underCap + 200} IAs: "${over}"`,
    );
    expect(over).to.be.a("string"); // refused: above the per-transaction cap
    // The task's batch of 50 is well within both.
    expect(g50 < TX_GAS_CAP).to.equal(true);
    expect(underCap).to.be.greaterThan(50);
    // The whole largest batch goes through in one transaction.
    const largest = await batchOf(underCap);
    const receipt = await (await f.attestations.connect(f.member).postInterims(largest, [])).wait();
    expect(receipt!.gasUsed <= TX_GAS_CAP).to.equal(true);
    expect((await f.attestations.assetBookOf(f.member.address, ETH_ASSET)).seq).to.equal(BigInt(underCap));
  });

  /** A withdrawals file of `n` real 1 ETH payments (made now, from the member) to fresh addresses; `over` by index. */
  async function fileOf(n: number, over: Record<number, object>, reuse?: string): Promise<string> {
    let entries: Record<string, unknown>[];
    if (reuse !== undefined) {
      entries = JSON.parse(await readFile(reuse, "utf8"));
    } else {
      entries = [];
      for (let i = 0; i < n; i++) {
        const to = getAddress(ethers.Wallet.createRandom().address);
        const tx = await f.member.sendTransaction({ to, value: E18 });
        entries.push({ asset: ETH_ASSET, amount: "1", destination: to, tx: tx.hash, within: 3_600 });
      }
    }
    for (const [i, o] of Object.entries(over)) entries[Number(i)] = { ...entries[Number(i)], ...o };
    const file = join(work, `withdrawals-${Math.random().toString(36).slice(2)}.json`);
    await writeFile(file, JSON.stringify(entries));
    return file;
  }
});
