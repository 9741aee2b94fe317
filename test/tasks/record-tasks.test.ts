// `record find` and `record show` on a real snapshot: the path of an account's record file (in one asset, or the
// only one), errors naming the directory when none or several match, and what a record file or a forwarded record
// says, as a summary or one bare value (a forwarded record's nullifier computed, equal to the record file's).
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { TaskOutput } from "../../src/client/index.js";
import { loadCrypto } from "../../src/crypto/index.js";
import { generateMemberKeys } from "../../src/keys/index.js";
import { runSnapshot } from "../../src/snapshot/index.js";
import recordFindAction, { recordFind, type Args as FindArgs } from "../../tasks/record-find.js";
import recordForward from "../../tasks/record-forward.js";
import recordShowAction, { recordShow, type Args as ShowArgs } from "../../tasks/record-show.js";
import { captureTask } from "../helpers/capture.js";
import { expectTaskError } from "../helpers/client.js";

const MEMBER = "0x00000000000000000000000000000000000000Aa";
const PAYOUT = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc";
const T = 1_700_000_000n;
const ASSETS = {
  format: "por.assets",
  version: 1,
  assets: [
    { id: 1, symbol: "ETH", chainId: 1, token: "0x0000000000000000000000000000000000000000", decimals: 18 },
    { id: 7, symbol: "USDC", chainId: 1, token: "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48", decimals: 6 },
  ],
};
const LEDGER = [
  "account_id,asset,balance,payout",
  `alice,ETH,2000000000000000000,${PAYOUT}`,
  "bob,ETH,500000000000000000,",
  "alice,USDC,2500000,",
  "carol,USDC,7,",
].join("\n");

/** A body's text lines, or with `json` its one JSON object. */
async function run<A>(body: (out: TaskOutput, args: A) => Promise<void>, args: A, json = false) {
  const lines: string[] = [];
  const out = new TaskOutput(json, (l) => lines.push(l));
  await body(out, args);
  out.flush();
  return { lines, json: json ? (JSON.parse(lines.join("\n")) as Record<string, unknown>) : undefined };
}

describe("record find and record show", function () {
  this.timeout(120_000);
  let dir = "";
  let snap = "";
  let bare = "";
  const find = (over: Partial<FindArgs>): FindArgs => ({ snapshot: snap, account: "alice", json: false, ...over });
  const show = (over: Partial<ShowArgs>): ShowArgs => ({ file: "", field: "", json: false, ...over });

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), "por-record-tasks-"));
    await writeFile(join(dir, "assets.json"), JSON.stringify(ASSETS));
    await writeFile(join(dir, "ledger.csv"), LEDGER + "\n");
    const crypto = await loadCrypto({ backend: "js", threads: 0 });
    try {
      const options = {
        ledgerPath: join(dir, "ledger.csv"),
        assetsPath: join(dir, "assets.json"),
        keys: generateMemberKeys(),
        member: MEMBER,
        t: T,
        depth: 32,
        recordFiles: true,
      };
      snap = (await runSnapshot(crypto, { ...options, outDir: join(dir, "snapshots") })).dir;
      bare = (await runSnapshot(crypto, { ...options, outDir: join(dir, "bare"), writeRecords: false })).dir;
    } finally {
      await crypto.close();
    }
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe("record find", function () {
    it("prints the path of the account's record file in an asset, bare, and its facts with --json", async function () {
      const eth = await run(recordFind, find({ asset: "1" }));
      expect(eth.lines).to.have.length(1);
      expect(eth.lines[0]).to.match(new RegExp(`^${snap}/records/1/[0-9a-f]{32}\\.json$`));
      const { json } = await run(recordFind, find({ asset: "7", json: true }), true);
      expect(json).to.include({ account: "alice", asset: 7, member: MEMBER.toLowerCase(), t: T.toString() });
      expect(json?.file).to.match(/\/records\/7\//);
      expect(json?.file).to.not.equal(eth.lines[0]);
      // The only record of an account needs no --asset; the summary.json names the snapshot as well.
      const bob = await run(recordFind, find({ account: "bob" }));
      expect(bob.lines[0]).to.match(/\/records\/1\//);
      expect(
        (await run(recordFind, find({ snapshot: join(snap, "summary.json"), account: "bob" }))).lines,
      ).to.deep.equal(bob.lines);
    });

    it("fails naming the directory when no record or several match", async function () {
      await expectTaskError(
        recordFind(new TaskOutput(false), find({ account: "mallory" })),
        `no record of account "mallory" in ${snap}/records`,
      );
      await expectTaskError(
        recordFind(new TaskOutput(false), find({ account: "carol", asset: "1" })),
        `no record of asset 1 of account "carol"`,
      );
      await expectTaskError(
        recordFind(new TaskOutput(false), find({})),
        `2 records of account "alice" in ${snap}/records`,
      );
      await expectTaskError(recordFind(new TaskOutput(false), find({})), "(asset 1), ");
      await expectTaskError(recordFind(new TaskOutput(false), find({})), "pass --asset <id>");
    });

    it("fails in words on a missing snapshot, one without records, an unknown asset or a bad file", async function () {
      const out = new TaskOutput(false);
      await expectTaskError(
        recordFind(out, find({ snapshot: join(dir, "none") })),
        `${join(dir, "none")}: no such snapshot directory`,
      );
      await expectTaskError(recordFind(out, find({ snapshot: bare })), `${bare}/records: no records directory`);
      await expectTaskError(recordFind(out, find({ asset: "2" })), "no records of asset 2 (assets here: 1, 7)");
      await expectTaskError(recordFind(out, find({ asset: "x" })), "--asset must be a decimal integer");
      await expectTaskError(recordFind(out, find({ account: "" })), "--account <account id> is required");
      const broken = join(dir, "broken");
      await mkdir(join(broken, "records", "1"), { recursive: true });
      await writeFile(join(broken, "records", "1", "x.json"), "{");
      await expectTaskError(
        recordFind(out, find({ snapshot: broken })),
        `${join(broken, "records", "1", "x.json")}: not valid JSON`,
      );
      await writeFile(
        join(broken, "records", "1", "x.json"),
        JSON.stringify({ accountId: "alice", format: "por.record" }),
      );
      await expectTaskError(recordFind(out, find({ snapshot: broken })), "x.json, field version");
    });

    it("exits 1 with one line as a task", async function () {
      const r = await captureTask(() => recordFindAction(find({ account: "mallory" })));
      expect(r).to.deep.equal({ code: 1, out: `record find: no record of account "mallory" in ${snap}/records` });
    });
  });

  describe("record show", function () {
    let aliceFile = "";
    let forwardedFile = "";
    before(async function () {
      aliceFile = (await run(recordFind, find({ asset: "1" }))).lines[0];
      forwardedFile = join(dir, "forwarded.json");
      await captureTask(() => recordForward({ file: aliceFile, out: forwardedFile, to: "", json: false }));
    });

    it("summarises a record file, and prints one value bare with --field", async function () {
      const { lines } = await run(recordShow, show({ file: aliceFile }));
      expect(lines[0]).to.equal(`record of account "alice": 2000000000000000000 base units of asset 1 (ETH) at t ${T}`);
      expect(lines.join("\n")).to.contain(`restitution paid to: ${PAYOUT}`);
      expect(lines.at(-1)).to.match(/^Not verified here: .*record verify/);
      const field = async (name: string) => (await run(recordShow, show({ file: aliceFile, field: name }))).lines;
      expect(await field("t")).to.deep.equal([T.toString()]);
      expect(await field("balance")).to.deep.equal(["2000000000000000000"]);
      expect(await field("asset")).to.deep.equal(["1"]);
      expect(await field("accountId")).to.deep.equal(["alice"]);
      expect(await field("payout")).to.deep.equal([PAYOUT]);
      expect((await field("nullifier"))[0]).to.match(/^[0-9]+$/);
      const { json } = await run(recordShow, show({ file: aliceFile, field: "t", json: true }), true);
      expect(json).to.deep.equal({ file: aliceFile, field: "t", value: T.toString() });
      const all = (await run(recordShow, show({ file: aliceFile, json: true }), true)).json;
      expect(all).to.include({ format: "por.record", accountId: "alice", assetSymbol: "ETH", payout: PAYOUT });
    });

    it("shows a forwarded record, its nullifier computed as the record file's", async function () {
      const fromRecord = (await run(recordShow, show({ file: aliceFile, field: "nullifier" }))).lines;
      const fromForwarded = (await run(recordShow, show({ file: forwardedFile, field: "nullifier" }))).lines;
      expect(fromForwarded).to.deep.equal(fromRecord);
      const { lines } = await run(recordShow, show({ file: forwardedFile }));
      expect(lines[0]).to.equal(
        `forwarded record: 2000000000000000000 base units of asset 1 at t ${T} (no account id: it is forwarded)`,
      );
      expect(lines).to.include(`  nullifier ${fromRecord[0]}`);
      expect(lines.at(-1)).to.match(/^Not verified here: a verifier service checks/);
      expect((await run(recordShow, show({ file: forwardedFile, field: "t" }))).lines).to.deep.equal([T.toString()]);
    });

    it("fails in words on an unknown or absent value, a missing file, another format or a bad field", async function () {
      const out = new TaskOutput(false);
      await expectTaskError(
        recordShow(out, show({ file: aliceFile, field: "salt" })),
        "--field salt: a por.record has no such value (it has: format, member,",
      );
      await expectTaskError(
        recordShow(out, show({ file: forwardedFile, field: "accountId" })),
        "a por.forwarded-record has no such value",
      );
      const bob = (await run(recordFind, find({ account: "bob" }))).lines[0];
      await expectTaskError(
        recordShow(out, show({ file: bob, field: "payout" })),
        "payout is not set (the record registers no payout)",
      );
      await expectTaskError(recordShow(out, show({ file: join(dir, "none.json") })), "none.json: not readable");
      const other = join(dir, "other.json");
      await writeFile(other, JSON.stringify({ format: "por.snapshot", version: 1 }));
      await expectTaskError(
        recordShow(out, show({ file: other })),
        'field format: must be "por.record" or "por.forwarded-record", got "por.snapshot"',
      );
      await writeFile(other, "[");
      await expectTaskError(recordShow(out, show({ file: other })), "other.json: not valid JSON");
      const forged = join(dir, "forged.json");
      const text = await readFile(forwardedFile, "utf8");
      await writeFile(forged, text.replace(/"balance": "[0-9]+"/, '"balance": "-1"'));
      await expectTaskError(recordShow(out, show({ file: forged })), "forged.json, field record.balance");
      const r = await captureTask(() => recordShowAction(show({ file: join(dir, "none.json") })));
      expect(r.code).to.equal(1);
      expect(r.out).to.match(/^record show: none\.json: not readable/);
    });
  });
});
