// The records bundle (src/records/bundle.ts): every record a snapshot writes as a per-user file is produced from the
// asset's bundle byte for byte (`records export`, the records service over HTTP), damaged bundles are refused in
// words naming the file, and the snapshot writes bundles by default and per-user files only when asked.
import { mkdtemp, readFile, readdir, rm, stat, truncate, writeFile, copyFile, open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { getAddress } from "ethers";

import { TaskOutput } from "../../src/client/index.js";
import { loadCrypto, type Crypto } from "../../src/crypto/index.js";
import { generateMemberKeys, type MemberKeys } from "../../src/keys/index.js";
import { RecordsBundle, bundleFileName } from "../../src/records/bundle.js";
import { parseRecordFile, verifyRecordFile } from "../../src/records/file.js";
import { recordFilePath } from "../../src/records/index.js";
import { SnapshotRecords, startRecordsServer } from "../../src/records/service.js";
import { runSnapshot, type SnapshotOptions } from "../../src/snapshot/index.js";
import { recordsExport, type Args as ExportArgs } from "../../tasks/records-export.js";
import { expectTaskError } from "../helpers/client.js";

const ASSETS = JSON.stringify({
  format: "por.assets",
  version: 1,
  assets: [
    { id: 1, symbol: "BTC", chainId: 1, token: "0x0000000000000000000000000000000000000000", decimals: 8 },
    { id: 7, symbol: "USDC", chainId: 1, token: "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48", decimals: 6 },
  ],
});
const MEMBER = "0x00000000000000000000000000000000000000Aa";
const PAYOUT = getAddress("0x" + "a1".repeat(20));
const T = 1_700_000_000n;
// Ids whose JavaScript order differs from their UTF-8 byte order (an astral character sorts after U+FFFD in UTF-8).
const ODD_IDS = ["\u{1F600}smile", "\uFFFDreplacement", "zoë", "Zed", "a b", "alice"];

describe("records bundle", function () {
  this.timeout(300_000);
  let crypto: Crypto;
  let dir: string;
  let keys: MemberKeys;
  let snap: string;
  const ids: string[] = [];

  const opts = (over: Partial<SnapshotOptions> = {}): SnapshotOptions => ({
    ledgerPath: join(dir, "ledger.csv"),
    assetsPath: join(dir, "assets.json"),
    keys,
    member: MEMBER,
    t: T,
    outDir: join(dir, "out"),
    depth: 32,
    ...over,
  });

  before(async () => {
    crypto = await loadCrypto();
    dir = await mkdtemp(join(tmpdir(), "por-bundle-"));
    keys = generateMemberKeys();
    await writeFile(join(dir, "assets.json"), ASSETS);
    // 1,500 BTC accounts (populated siblings on many levels), a few USDC ones; some with a payout, some without.
    const rows = ["account_id,asset,balance,payout"];
    for (let i = 0; i < 1500; i++) ids.push(`user-${i}`);
    ids.push(...ODD_IDS);
    ids.forEach((id, i) =>
      rows.push(`${id},BTC,${i * 1000 + 1},${i % 3 === 0 ? PAYOUT : i % 3 === 1 ? PAYOUT.toLowerCase() : ""}`),
    );
    rows.push(`alice,USDC,2500000,${PAYOUT}`, "bob,USDC,0,", "\u{1F600}smile,USDC,79228162514264337593543950335,");
    await writeFile(join(dir, "ledger.csv"), rows.join("\n") + "\n");
    snap = (await runSnapshot(crypto, opts({ recordFiles: true }))).dir;
  });
  after(async () => {
    await crypto.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("exports every user's record byte for byte as the snapshot's per-user file", async () => {
    const records = SnapshotRecords.open(snap, (i) => crypto.poseidon(i));
    try {
      expect(records.assets).to.deep.equal([1, 7]);
      let compared = 0;
      for (const [asset, accounts] of [
        [1, ids],
        [7, ["alice", "bob", "\u{1F600}smile"]],
      ] as const) {
        expect(await readdir(join(snap, "records", String(asset)))).to.have.length(accounts.length);
        for (const id of accounts) {
          const want = await readFile(recordFilePath(snap, asset, keys.memberSecret, id), "utf8");
          const got = records.exportOne(id, asset);
          expect(got?.text, `${id} in asset ${asset}`).to.equal(want);
          compared++;
        }
      }
      expect(compared).to.equal(ids.length + 3);
      // A sample verifies as a record file in its own right.
      const f = parseRecordFile(records.exportRecord("\u{1F600}smile", 7).text);
      expect(verifyRecordFile(crypto, f, { accountId: "\u{1F600}smile" }).ok).to.equal(true);
      expect(records.exportOne("nobody", 1)).to.equal(undefined);
      expect(records.exportOne("alice", 2)).to.equal(undefined);
      expect(() => records.exportRecord("alice")).to.throw(/has records in assets 1, 7 .*pass --asset <id>/);
      expect(() => records.exportRecord("nobody")).to.throw(`no record of account "nobody" in ${snap}`);
      expect(() => records.exportRecord("alice", 3)).to.throw("no records bundle of asset 3 (assets here: 1, 7)");
    } finally {
      records.close();
    }
  });

  it("finds records by slot (what audit open hands an auditor), the same records as by account", async () => {
    const records = SnapshotRecords.open(snap, (i) => crypto.poseidon(i));
    try {
      const byAccount = ids.map((id) => parseRecordFile(records.exportRecord(id, 1).text));
      const slots = byAccount.map((f) => f.record.slot);
      const found = records.recordsOfSlots(1, [...slots, 2 ** 20 - 1]);
      expect(found.map((r) => r.slot)).to.deep.equal([...slots].sort((a, b) => a - b));
      for (const f of byAccount) {
        expect(found.find((r) => r.slot === f.record.slot)?.record).to.deep.equal(f);
      }
      expect(records.recordsOfSlots(2, slots)).to.deep.equal([]);
    } finally {
      records.close();
    }
  });

  it("is written by default without per-user files, and not at all with writeRecords false", async () => {
    const plain = await runSnapshot(crypto, opts({ outDir: join(dir, "plain"), t: T + 1n }));
    const names = await readdir(plain.dir);
    expect(names).to.include.members([bundleFileName(1), bundleFileName(7), "summary.json"]);
    expect(names).to.not.include("records");
    const none = await runSnapshot(crypto, opts({ outDir: join(dir, "none"), t: T + 2n, writeRecords: false }));
    expect((await readdir(none.dir)).filter((n) => n.startsWith("records"))).to.deep.equal([]);
    expect(() => SnapshotRecords.open(none.dir, (i) => crypto.poseidon(i))).to.throw(/no records bundles/);
    // Size: far below the per-user files it replaces.
    const bundleBytes = (await stat(join(snap, bundleFileName(1)))).size;
    let fileBytes = 0;
    for (const f of await readdir(join(snap, "records", "1")))
      fileBytes += (await stat(join(snap, "records", "1", f))).size;
    expect(bundleBytes * 5).to.be.below(fileBytes);
  });

  it("records export writes the file atomically, never over another, or prints it", async () => {
    const args = (over: Partial<ExportArgs>): ExportArgs => ({
      snapshot: snap,
      account: "alice",
      json: false,
      ...over,
    });
    const lines: string[] = [];
    const out = new TaskOutput(false, (l) => lines.push(l));
    const target = join(dir, "alice.por.record");
    await recordsExport(out, args({ asset: "7", out: target }));
    out.flush();
    const want = await readFile(recordFilePath(snap, 7, keys.memberSecret, "alice"), "utf8");
    expect(await readFile(target, "utf8")).to.equal(want);
    expect(lines[0]).to.equal(`wrote ${target} (account "alice", asset 7)`);
    await expectTaskError(recordsExport(new TaskOutput(false), args({ asset: "7", out: target })), "already exists");
    expect(await readFile(target, "utf8")).to.equal(want);
    const printed: string[] = [];
    const o2 = new TaskOutput(false, (l) => printed.push(l));
    await recordsExport(o2, args({ account: "bob" }));
    o2.flush();
    expect(printed.join("\n") + "\n").to.equal(
      await readFile(recordFilePath(snap, 7, keys.memberSecret, "bob"), "utf8"),
    );
    await expectTaskError(recordsExport(new TaskOutput(false), args({})), "pass --asset <id>");
    await expectTaskError(
      recordsExport(new TaskOutput(false), args({ account: "" })),
      "--account <account id> is required",
    );
    await expectTaskError(recordsExport(new TaskOutput(false), args({ asset: "x" })), "--asset must be a decimal");
    await expectTaskError(
      recordsExport(new TaskOutput(false), args({ snapshot: join(dir, "nowhere") })),
      "no such snapshot directory",
    );
    await expectTaskError(
      recordsExport(new TaskOutput(false), args({ account: "mallory" })),
      'no record of account "mallory"',
    );
  });

  it("refuses a truncated, foreign or future-version bundle, naming the file", async () => {
    const src = join(snap, bundleFileName(7));
    const file = join(dir, "copy.bundle");
    await copyFile(src, file);
    await truncate(file, (await stat(file)).size - 1);
    expect(() => RecordsBundle.open(file))
      .to.throw(`${file}: `)
      .and.to.match(/truncated or damaged/);
    await copyFile(src, file);
    const fh = await open(file, "r+");
    await fh.write(Buffer.from([2, 0]), 0, 2, 4);
    await fh.close();
    expect(() => RecordsBundle.open(file)).to.throw(`${file}: unsupported records bundle version 2`);
    await writeFile(file, Buffer.alloc(600));
    expect(() => RecordsBundle.open(file)).to.throw(`${file}: not a records bundle (bad magic)`);
    await writeFile(file, "PORU");
    expect(() => RecordsBundle.open(file)).to.throw(`${file}: shorter than a records bundle header`);
    expect(() => RecordsBundle.open(join(dir, "missing.bundle"))).to.throw(/missing\.bundle: cannot open/);
    // A bundle renamed to another asset's name is refused.
    const renamed = join(dir, "renamed");
    await runSnapshot(crypto, opts({ outDir: renamed, t: T + 4n, writeRecords: false }));
    const [sub] = await readdir(renamed);
    await copyFile(src, join(renamed, sub, bundleFileName(9)));
    expect(() => SnapshotRecords.open(join(renamed, sub), (i) => crypto.poseidon(i))).to.throw(
      /holds asset 7, not 9 as its name says/,
    );
  });

  it("the records service serves one user's record, behind a bearer token", async () => {
    const records = SnapshotRecords.open(snap, (i) => crypto.poseidon(i));
    const server = await startRecordsServer({ records, token: "s3cret" });
    try {
      const get = (path: string, token?: string) =>
        fetch(`${server.url}${path}`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
      const id = "\u{1F600}smile";
      const ok = await get(`/records/7/${encodeURIComponent(id)}`, "s3cret");
      expect(ok.status).to.equal(200);
      expect(ok.headers.get("content-type")).to.match(/^application\/json/);
      expect(await ok.text()).to.equal(await readFile(recordFilePath(snap, 7, keys.memberSecret, id), "utf8"));
      expect((await get(`/records/7/alice`)).status).to.equal(401);
      expect((await get(`/records/7/alice`, "wrong")).status).to.equal(401);
      const missing = await get(`/records/7/mallory`, "s3cret");
      expect(missing.status).to.equal(404);
      expect(await missing.json()).to.include({ error: "not_found" });
      expect((await get(`/records/3/alice`, "s3cret")).status).to.equal(404);
      expect((await get(`/records/7/%E0%A4%A`, "s3cret")).status).to.equal(400);
      expect((await get(`/elsewhere`, "s3cret")).status).to.equal(404);
      expect((await fetch(`${server.url}/records/7/alice`, { method: "POST" })).status).to.equal(405);
      expect(await (await get("/health")).json()).to.deep.equal({ ok: true, assets: [1, 7] });
    } finally {
      await server.close();
      records.close();
    }
  });
});
