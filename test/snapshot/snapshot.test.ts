// The snapshot pipeline end to end: signed record files that verify, leaves that rebuild the roots, tampering
// detected, bad input refused with nothing written, and the Hardhat task actions' exit codes.
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { getAddress } from "ethers";
import fc from "fast-check";

import { loadCrypto, type Crypto } from "../../src/crypto/index.js";
import {
  encryptKeystore,
  generateMemberKeys,
  parseKeystore,
  writeKeystoreFile,
  type MemberKeys,
} from "../../src/keys/index.js";
import { parseRecordFile, verifyRecordFile, type RecordFile } from "../../src/records/file.js";
import { payoutHashOf, recordKeyHash, recordMessage, recordNullifier } from "../../src/records/index.js";
import { runSnapshot, summarySchema, type SnapshotOptions } from "../../src/snapshot/index.js";
import { rebuildFromLeaves } from "../../src/tree/leaves.js";
import keygenTask from "../../tasks/keygen.js";
import snapshotTask from "../../tasks/snapshot.js";
import recordForwardTask from "../../tasks/record-forward.js";
import verifyRecordTask from "../../tasks/verify-record.js";
import { ORDER8, forgeUnderOrder8 } from "../helpers/weak-keys.js";
import { expectReject } from "../helpers/expect.js";

const ASSETS = JSON.stringify({
  format: "por.assets",
  version: 1,
  assets: [
    { id: 1, symbol: "BTC", chainId: 1, token: "0x0000000000000000000000000000000000000000", decimals: 8 },
    { id: 7, symbol: "USDC", chainId: 1, token: "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48", decimals: 6 },
  ],
});
const MEMBER = "0x00000000000000000000000000000000000000Aa";
const ALICE = getAddress("0x" + "a1".repeat(20));
const ERIN = getAddress("0x" + "e1".repeat(20));
// account_id, asset, balance, payout ("" = none registered)
const LEDGER_ROWS = [
  ["alice", "BTC", "150000000", ALICE.toLowerCase()],
  ["bob", "BTC", "1", ""],
  ["carol", "BTC", "0", ""],
  ["dave", "BTC", "79228162514264337593543950335", ALICE], // 2^96 - 1
  ["alice", "USDC", "2500000", ALICE],
  ["erin", "USDC", "7", ERIN],
];

describe("snapshot", function () {
  this.timeout(300_000);
  let crypto: Crypto;
  let dir: string;
  let keys: MemberKeys;
  let assetsPath: string;
  let ledgerPath: string;
  const T = 1_700_000_000n;

  const csv = (rows: string[][]) =>
    "account_id,asset,balance,payout\n" + rows.map((r) => [...r, ""].slice(0, 4).join(",")).join("\n") + "\n";
  const opts = (over: Partial<SnapshotOptions> = {}): SnapshotOptions => ({
    ledgerPath,
    assetsPath,
    keys,
    member: MEMBER,
    t: T,
    outDir: join(dir, "out"),
    depth: 32,
    recordFiles: true,
    ...over,
  });

  before(async () => {
    crypto = await loadCrypto({ backend: "js", threads: 2 });
    dir = await mkdtemp(join(tmpdir(), "por-snap-"));
    keys = generateMemberKeys();
    assetsPath = join(dir, "assets.json");
    ledgerPath = join(dir, "ledger.csv");
    await writeFile(assetsPath, ASSETS);
    await writeFile(ledgerPath, csv(LEDGER_ROWS));
  });
  after(async () => {
    await crypto.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("writes verifiable records, rebuildable leaves and a valid summary", async () => {
    const r = await runSnapshot(crypto, opts());
    const summary = summarySchema.parse(JSON.parse(await readFile(join(r.dir, "summary.json"), "utf8")));
    expect(summary.assets.map((a) => [a.id, a.accounts, a.total])).to.deep.equal([
      [1, 4, (150000000n + 1n + 2n ** 96n - 1n).toString()],
      [7, 2, "2500007"],
    ]);
    for (const a of summary.assets) {
      expect(a.rootSum).to.equal(a.total);
      const { header, tree } = await rebuildFromLeaves(crypto, await readFile(join(r.dir, a.leavesFile)));
      expect(header.count).to.equal(a.accounts);
      expect(tree.root.h.toString()).to.equal(a.rootHash);
      const root = { h: BigInt(a.rootHash), s: BigInt(a.rootSum) };
      const files = await readdir(join(r.dir, "records", String(a.id)));
      expect(files).to.have.length(a.accounts);
      const slots = new Set<number>();
      const payoutHashes = new Set<string>();
      for (const f of files) {
        const rec = parseRecordFile(await readFile(join(r.dir, "records", String(a.id), f), "utf8"));
        const v = verifyRecordFile(crypto, rec, {
          root,
          keyHash: BigInt(summary.recordKey.keyHash),
          accountId: rec.accountId,
        });
        expect(v.ok, v.summary).to.equal(true);
        expect(rec.version).to.equal(2);
        // The payout: the ledger's address, opened in the file and signed (as its hash) in the message.
        const want = LEDGER_ROWS.find(([id, sym]) => id === rec.accountId && sym === a.symbol)?.[3] ?? "";
        const payoutCheck = v.checks.find((c) => c.name === "payout");
        if (want === "") {
          expect(rec.payout).to.equal(null);
          expect(rec.record.payoutHash).to.equal("0");
          expect(payoutCheck).to.include({ ok: true, warning: true });
          expect(payoutCheck?.detail).to.match(/^none registered.*governance assigns a payout/);
          expect(v.summary).to.match(/No payout is registered/);
        } else {
          expect(rec.payout?.address).to.equal(getAddress(want.toLowerCase()));
          const opening = { address: rec.payout?.address ?? "", salt: BigInt(rec.payout?.salt ?? "0") };
          expect(rec.record.payoutHash).to.equal(payoutHashOf(opening).toString());
          expect(payoutCheck).to.deep.equal({
            name: "payout",
            ok: true,
            detail: `restitution for this record is paid to ${opening.address}`,
          });
          expect(verifyRecordFile(crypto, rec, { payout: want }).ok).to.equal(true);
          const other = verifyRecordFile(crypto, rec, { payout: ERIN === opening.address ? ALICE : ERIN });
          expect(other.ok).to.equal(false);
          expect(other.summary).to.match(/^INVALID: payout: restitution goes to 0x.*, NOT to your address/);
          payoutHashes.add(rec.record.payoutHash);
        }
        const m = recordMessage((i) => crypto.poseidon(i), {
          member: BigInt(MEMBER),
          asset: a.id,
          t: T,
          slot: rec.record.slot,
          accountKey: BigInt(rec.record.accountKey),
          balance: BigInt(rec.record.balance),
          payoutHash: BigInt(rec.record.payoutHash),
        });
        expect(rec.message).to.equal(m.toString());
        expect(rec.nullifier).to.equal(recordNullifier((i) => crypto.poseidon(i), m).toString());
        expect(rec.tree.siblings).to.have.length(32);
        slots.add(rec.record.slot);
        expect(rec.record.slot).to.be.below(2 ** a.d);
      }
      expect(slots.size).to.equal(a.accounts);
      // alice and dave share one payout address in BTC, yet their commitments differ (per-record salts).
      if (a.id === 1) expect(payoutHashes.size).to.equal(2);
    }
    // No temporary directory is left behind.
    expect((await readdir(join(dir, "out"))).filter((n) => n.startsWith("."))).to.deep.equal([]);
  });

  it("produces the same roots whatever the ledger order", async () => {
    const shuffled = join(dir, "shuffled.csv");
    await writeFile(shuffled, csv([...LEDGER_ROWS].reverse()));
    const a = await runSnapshot(crypto, opts({ outDir: join(dir, "order-a"), writeRecords: false }));
    const b = await runSnapshot(
      crypto,
      opts({ outDir: join(dir, "order-b"), ledgerPath: shuffled, writeRecords: false }),
    );
    expect(b.summary.assets.map((x) => x.rootHash)).to.deep.equal(a.summary.assets.map((x) => x.rootHash));
  });

  it("detects any change to a record file's record, signature or proof", async () => {
    const r = await runSnapshot(crypto, opts({ outDir: join(dir, "tamper"), t: T + 1n }));
    const recDir = join(r.dir, "records", "1");
    const text = await readFile(join(recDir, (await readdir(recDir))[0]), "utf8");
    const file = parseRecordFile(text);
    const root = { h: BigInt(file.tree.rootHash), s: BigInt(file.tree.rootSum) };
    // Every decimal field of the file, as a path, so the property can pick one and change a digit.
    const paths: string[][] = [];
    const walk = (o: unknown, p: string[]) => {
      if (typeof o === "string" && /^[0-9]+$/.test(o)) paths.push(p);
      else if (typeof o === "number") paths.push(p);
      else if (o !== null && typeof o === "object") for (const [k, v] of Object.entries(o)) walk(v, [...p, k]);
    };
    walk(file, []);
    // `tree.d` is the member's declared slot space, not part of the record, signature or proof: raising it keeps the
    // file valid (lowering it is caught, below). Every other number is bound by the signature or the root.
    const dIndex = paths.findIndex((p) => p.join(".") === "tree.d");
    expect(dIndex).to.be.greaterThan(-1);
    paths.splice(dIndex, 1);
    const lowered = parseRecordFile(text);
    lowered.tree.d = 1;
    expect(verifyRecordFile(crypto, lowered, { root }).checks.find((c) => c.name === "tree shape")?.ok).to.equal(false);
    expect(paths.length).to.be.greaterThan(70);
    fc.assert(
      fc.property(fc.nat(paths.length - 1), fc.integer({ min: 1, max: 9 }), fc.nat(), (pi, add, pos) => {
        const copy = JSON.parse(text) as Record<string, unknown>;
        const path = paths[pi];
        let o = copy as Record<string, unknown>;
        for (const k of path.slice(0, -1)) o = o[k] as Record<string, unknown>;
        const last = path[path.length - 1];
        const v = o[last];
        if (typeof v === "number") o[last] = v + add;
        else {
          const s = v as string;
          const i = pos % s.length;
          const digit = (Number(s[i]) + add) % 10;
          o[last] = s.slice(0, i) + String(digit) + s.slice(i + 1);
        }
        let parsed: RecordFile;
        try {
          parsed = parseRecordFile(JSON.stringify(copy));
        } catch {
          return true; // the schema refused it
        }
        return !verifyRecordFile(crypto, parsed, { root }).ok;
      }),
      { numRuns: 200 },
    );
  });

  it("refuses bad input with a clear error and writes nothing", async () => {
    const cases: [string, string, RegExp][] = [
      ["dup", csv([...LEDGER_ROWS, ["bob", "BTC", "5"]]), /line 8, field account_id: duplicate/],
      ["neg", csv([["x", "BTC", "-5"]]), /line 2, field balance: balance is negative/],
      ["frac", csv([["x", "BTC", "0.5"]]), /fractional/],
      ["nan", csv([["x", "BTC", "lots"]]), /not a non-negative integer/],
      ["big", csv([["x", "BTC", (2n ** 96n).toString()]]), /below 2\^96/],
      ["unknown", csv([["x", "ETH", "1"]]), /unknown asset "ETH"/],
      ["empty", "account_id,asset,balance\n", /no entries/],
      ["malformed", "account_id,asset,balance\nx,BTC\n", /line 2: expected 3/],
      ["payout", csv([["x", "BTC", "1", "0xnope"]]), /line 2, field payout: payout "0xnope" must be a 0x-prefixed/],
    ];
    for (const [name, text, re] of cases) {
      const p = join(dir, `${name}.csv`);
      await writeFile(p, text);
      const out = join(dir, `bad-${name}`);
      await expectReject(runSnapshot(crypto, opts({ ledgerPath: p, outDir: out })), re);
      expect(await readdir(out).catch(() => [])).to.deep.equal([]);
    }
    // Two ids that differ only in bytes that are not UTF-8: replacement characters would have merged them into one
    // account; the snapshot refuses the file and creates no output directory at all.
    const bad = join(dir, "not-utf8.csv");
    await writeFile(
      bad,
      Buffer.concat([
        Buffer.from("account_id,asset,balance\ncaf"),
        Buffer.from([0xff]),
        Buffer.from(",BTC,1\ncaf"),
        Buffer.from([0xfe]),
        Buffer.from(",BTC,2\n"),
      ]),
    );
    const badOut = join(dir, "bad-utf8");
    await expectReject(
      runSnapshot(crypto, opts({ ledgerPath: bad, outDir: badOut })),
      /^not-utf8\.csv line 2, field account_id: not valid UTF-8$/,
    );
    await expectReject(stat(badOut), /ENOENT/);
    await expectReject(runSnapshot(crypto, opts({ outDir: join(dir, "bad-d"), slotBits: 2 })), /larger d/);
    expect(await readdir(join(dir, "bad-d"))).to.deep.equal([]);
    await expectReject(runSnapshot(crypto, opts({ member: "0x12" })), /member/);
  });

  it("refuses a version 1 record file with a clear message, and a v2 file without its payout fields", async () => {
    const r = await runSnapshot(crypto, opts({ outDir: join(dir, "v1"), t: T + 2n }));
    const recDir = join(r.dir, "records", "1");
    const v2 = JSON.parse(await readFile(join(recDir, (await readdir(recDir))[0]), "utf8")) as Record<string, unknown>;
    const { payout: _payout, ...withoutPayout } = v2;
    const record = v2.record as Record<string, unknown>;
    const { payoutHash: _hash, ...recordV1 } = record;
    const v1 = { ...withoutPayout, version: 1, record: recordV1 };
    expect(() => parseRecordFile(JSON.stringify(v1), "old.json")).to.throw(
      "old.json, field version: record file version 1 predates payout commitments; ask the member for a version 2 record",
    );
    expect(() => parseRecordFile(JSON.stringify(withoutPayout), "a.json")).to.throw(/a\.json, field payout/);
    expect(() => parseRecordFile(JSON.stringify({ ...v2, record: recordV1 }), "b.json")).to.throw(
      /b\.json, field record\.payoutHash/,
    );
    const big = { ...v2, record: { ...record, payoutHash: (1n << 248n).toString() } };
    expect(() => parseRecordFile(JSON.stringify(big), "c.json")).to.throw(/record\.payoutHash: must be below 2\^248/);
  });

  it("flags a payout opening that does not match, or is missing, as a failed payout check", async () => {
    const r = await runSnapshot(crypto, opts({ outDir: join(dir, "payout-bad"), t: T + 3n }));
    const recDir = join(r.dir, "records", "7");
    const files = await Promise.all(
      (await readdir(recDir)).map(async (f) => parseRecordFile(await readFile(join(recDir, f), "utf8"))),
    );
    const withPayout = files.find((f) => f.payout !== null) as RecordFile;
    const check = (f: RecordFile) => verifyRecordFile(crypto, f).checks.find((c) => c.name === "payout");
    const salt = (BigInt(withPayout.payout?.salt ?? "0") + 1n).toString();
    expect(check({ ...withPayout, payout: { address: ERIN, salt } })?.ok).to.equal(false);
    expect(check({ ...withPayout, payout: { address: ERIN, salt } })?.detail).to.match(/does NOT match/);
    expect(check({ ...withPayout, payout: null })?.detail).to.match(/does not open it/);
    const v = verifyRecordFile(crypto, { ...withPayout, payout: null });
    expect(v.summary).to.match(/^INVALID: payout: .*keep the file/);
  });

  it("refuses a record signed under a small-order key, which circomlib's verifier accepts", async () => {
    const r = await runSnapshot(crypto, opts({ outDir: join(dir, "weak"), t: T + 4n }));
    const recDir = join(r.dir, "records", "1");
    const honest = parseRecordFile(await readFile(join(recDir, (await readdir(recDir))[0]), "utf8"));
    // The member registers the torsion point ORDER8 as its record key: anyone can sign any record under it.
    const H = (i: readonly bigint[]) => crypto.poseidon(i);
    const keyHash = recordKeyHash(H, ORDER8[0], ORDER8[1]);
    const sig = forgeUnderOrder8(BigInt(honest.message));
    const forged: RecordFile = {
      ...honest,
      signature: { R8x: sig.R8x.toString(), R8y: sig.R8y.toString(), S: sig.S.toString() },
      recordKey: { Ax: ORDER8[0].toString(), Ay: ORDER8[1].toString(), keyHash: keyHash.toString() },
    };
    const v = verifyRecordFile(crypto, forged, { keyHash });
    expect(v.ok).to.equal(false);
    expect(v.checks.find((c) => c.name === "record key")).to.deep.include({ ok: false });
    expect(v.checks.find((c) => c.name === "record key")?.detail).to.match(/NOT in the prime-order subgroup/);
    expect(v.checks.find((c) => c.name === "registered key")?.ok).to.equal(true);
    expect(v.summary).to.match(/^INVALID: .*record key.*not in the prime-order subgroup.*report the member's key/);
  });

  it("never overwrites an existing snapshot", async () => {
    const o = opts({ outDir: join(dir, "twice"), writeRecords: false });
    await runSnapshot(crypto, o);
    await expectReject(runSnapshot(crypto, o), /already exists/);
  });

  describe("tasks", () => {
    let ksPath: string;
    const saved = process.env.POR_KEYSTORE_PASSWORD;
    before(async () => {
      ksPath = join(dir, "ks.json");
      await writeKeystoreFile(
        ksPath,
        await encryptKeystore(crypto, keys, MEMBER, "password-123", { N: 1024, r: 8, p: 1 }),
      );
    });
    afterEach(() => {
      process.exitCode = undefined;
      if (saved === undefined) delete process.env.POR_KEYSTORE_PASSWORD;
      else process.env.POR_KEYSTORE_PASSWORD = saved;
    });
    const args = (over: Record<string, unknown> = {}) => ({
      ledger: ledgerPath,
      assets: assetsPath,
      keystore: ksPath,
      time: 1700000100n,
      out: join(dir, "task-out"),
      depth: 32,
      slotBits: 0,
      noRecords: false,
      recordFiles: true,
      passwordVar: "",
      json: false,
      ...over,
    });

    it("keygen writes an encrypted keystore, refuses to overwrite it and refuses a bad member", async () => {
      process.env.POR_KEYSTORE_PASSWORD = "password-123";
      process.exitCode = undefined;
      const path = join(dir, "keygen.json");
      await keygenTask({ keystore: path, member: MEMBER, passwordVar: "", json: false });
      expect(process.exitCode).to.equal(undefined);
      const file = parseKeystore(JSON.parse(await readFile(path, "utf8")), path);
      expect(file.member).to.equal(MEMBER);
      const before = await readFile(path, "utf8");
      await keygenTask({ keystore: path, member: MEMBER, passwordVar: "", json: false });
      expect(process.exitCode).to.equal(1);
      expect(await readFile(path, "utf8")).to.equal(before);
      process.exitCode = undefined;
      await keygenTask({ keystore: join(dir, "keygen2.json"), member: "0x1234", passwordVar: "", json: false });
      expect(process.exitCode).to.equal(1);
    });

    it("snapshot with the wrong keystore password exits non-zero and writes nothing", async () => {
      process.env.POR_KEYSTORE_PASSWORD = "wrong-password";
      await snapshotTask(args({ out: join(dir, "task-wrong") }));
      expect(process.exitCode).to.equal(1);
      expect(await readdir(join(dir, "task-wrong")).catch(() => [])).to.deep.equal([]);
    });

    it("snapshot then record verify succeed; a wrong root makes record verify exit non-zero", async () => {
      process.env.POR_KEYSTORE_PASSWORD = "password-123";
      await snapshotTask(args());
      expect(process.exitCode).to.equal(undefined);
      const snapDir = join(dir, "task-out", `${MEMBER.toLowerCase()}-1700000100`);
      const summary = summarySchema.parse(JSON.parse(await readFile(join(snapDir, "summary.json"), "utf8")));
      const recDir = join(snapDir, "records", "7");
      const file = join(recDir, (await readdir(recDir))[0]);
      const a = summary.assets[1];
      const base = {
        file,
        rootHash: a.rootHash,
        rootSum: a.rootSum,
        keyHash: summary.recordKey.keyHash,
        account: "",
        chain: false,
        deployment: "",
        json: false,
      };
      const out = await captureStdout(() => verifyRecordTask(base));
      expect(process.exitCode).to.equal(undefined);
      // record forward: the same record without the account id and salt.
      const forwardedFile = join(dir, "forwarded.json");
      await recordForwardTask({ file, out: forwardedFile, to: "", json: false });
      expect(process.exitCode).to.equal(undefined);
      const forwarded = JSON.parse(await readFile(forwardedFile, "utf8")) as Record<string, unknown>;
      expect(forwarded.format).to.equal("por.forwarded-record");
      expect(Object.keys(forwarded).sort()).to.deep.equal(["format", "record", "recordKey", "signature", "version"]);
      expect(JSON.stringify(forwarded)).to.not.contain("accountSalt");
      expect(out).to.match(/\[ok\] payout: restitution for this record is paid to 0x/);
      const record = parseRecordFile(await readFile(file, "utf8"));
      const payout = record.payout?.address ?? "";
      await verifyRecordTask({ ...base, payout: payout.toLowerCase() });
      expect(process.exitCode).to.equal(undefined);
      const json = await captureStdout(() => verifyRecordTask({ ...base, payout: "0x" + "00".repeat(20), json: true }));
      expect(process.exitCode).to.equal(1);
      const verdict = JSON.parse(json) as { ok: boolean; checks: { name: string; ok: boolean }[] };
      expect(verdict.ok).to.equal(false);
      expect(verdict.checks.filter((c) => !c.ok).map((c) => c.name)).to.deep.equal(["payout"]);
      process.exitCode = undefined;
      await verifyRecordTask({ ...base, payout: "0x12" });
      expect(process.exitCode).to.equal(1);
      process.exitCode = undefined;
      // A record without a payout: valid, with a warning line that explains what restitution would wait for.
      const btcDir = join(snapDir, "records", "1");
      let nonePath = "";
      for (const f of await readdir(btcDir)) {
        const rec = parseRecordFile(await readFile(join(btcDir, f), "utf8"));
        if (rec.payout === null) nonePath = join(btcDir, f);
      }
      const b = summary.assets[0];
      const noneOut = await captureStdout(() =>
        verifyRecordTask({ ...base, file: nonePath, rootHash: b.rootHash, rootSum: b.rootSum }),
      );
      expect(process.exitCode).to.equal(undefined);
      expect(noneOut).to.match(
        /\[warn\] payout: none registered\. The record is still valid, but a claim on it would be held until governance assigns a payout/,
      );
      expect(noneOut).to.match(
        /^VALID: .*No payout is registered: restitution for this record would wait for governance/m,
      );
      await verifyRecordTask({ ...base, rootSum: (BigInt(a.rootSum) + 1n).toString() });
      expect(process.exitCode).to.equal(1);
      process.exitCode = undefined;
      await verifyRecordTask({ ...base, keyHash: "1" });
      expect(process.exitCode).to.equal(1);
      // A malformed file: the error names the file and the field, and the exit code is non-zero.
      const broken = JSON.parse(await readFile(file, "utf8")) as { record: { balance: string } };
      broken.record.balance = "-5";
      const brokenPath = join(dir, "broken-record.json");
      await writeFile(brokenPath, JSON.stringify(broken));
      expect(() => parseRecordFile(JSON.stringify(broken), brokenPath)).to.throw(
        /broken-record\.json, field record\.balance/,
      );
      process.exitCode = undefined;
      await verifyRecordTask({ ...base, file: brokenPath });
      expect(process.exitCode).to.equal(1);
    });
  });
});

async function captureStdout(fn: () => Promise<void>): Promise<string> {
  const write = process.stdout.write.bind(process.stdout);
  let out = "";
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    return true;
  }) as typeof process.stdout.write;
  try {
    await fn();
  } finally {
    process.stdout.write = write;
  }
  return out;
}
