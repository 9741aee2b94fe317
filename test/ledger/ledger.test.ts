// Ledger and asset-list parsing: every bad input is a clear error naming the file, line and field.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { getAddress } from "ethers";
import fc from "fast-check";

import {
  InputError,
  LEDGER_CSV_MAX_ROW_BYTES,
  loadLedger,
  loadLedgerRows,
  parseAssetList,
  parseBalance,
  type Asset,
} from "../../src/ledger/index.js";

const ASSETS_JSON = JSON.stringify({
  format: "por.assets",
  version: 1,
  assets: [
    { id: 1, symbol: "BTC", chainId: 1, token: "0x0000000000000000000000000000000000000000", decimals: 8 },
    { id: 2, symbol: "USDC", chainId: 1, token: "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48", decimals: 6 },
  ],
});

describe("ledger formats", () => {
  let dir: string;
  let assets: Asset[];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "por-ledger-"));
    assets = parseAssetList(ASSETS_JSON);
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  async function load(name: string, text: string | Uint8Array) {
    const p = join(dir, name);
    await writeFile(p, text);
    return loadLedger(p, assets);
  }
  async function fails(
    name: string,
    text: string | Uint8Array,
    line: number | undefined,
    field: string | undefined,
    re: RegExp,
  ) {
    try {
      await load(name, text);
    } catch (e) {
      expect(e).to.be.instanceOf(InputError);
      const err = e as InputError;
      expect(err.line, err.message).to.equal(line);
      expect(err.field, err.message).to.equal(field);
      expect(err.message).to.match(re);
      expect(err.message).to.contain(name);
      return;
    }
    expect.fail("expected an InputError");
  }

  describe("CSV", () => {
    it("reads entries grouped by asset with totals", async () => {
      const l = await load("ok.csv", "account_id,asset,balance\r\na,BTC,1\nb,BTC,2\n\na,USDC,300\n");
      expect(l.get(1)?.accountIds).to.deep.equal(["a", "b"]);
      expect(l.get(1)?.total).to.equal(3n);
      expect(l.get(2)?.balances).to.deep.equal([300n]);
    });
    it("rejects duplicate accounts within one asset (not across assets)", async () => {
      await fails(
        "dup.csv",
        "account_id,asset,balance\na,BTC,1\na,USDC,1\na,BTC,2\n",
        4,
        "account_id",
        /duplicate.*line 2/,
      );
    });
    it("rejects negative, fractional, non-numeric and oversized balances", async () => {
      const h = "account_id,asset,balance\n";
      await fails("neg.csv", h + "a,BTC,-1\n", 2, "balance", /negative/);
      await fails("frac.csv", h + "a,BTC,1.5\n", 2, "balance", /fractional/);
      await fails("exp.csv", h + "a,BTC,1e5\n", 2, "balance", /fractional|exponent/);
      await fails("nan.csv", h + "a,BTC,abc\n", 2, "balance", /not a non-negative integer/);
      await fails("empty-balance.csv", h + "a,BTC,\n", 2, "balance", /not a non-negative integer/);
      await fails("big.csv", h + `a,BTC,${2n ** 96n}\n`, 2, "balance", /2\^96/);
      expect((await load("max.csv", h + `a,BTC,${2n ** 96n - 1n}\n`)).get(1)?.total).to.equal(2n ** 96n - 1n);
    });
    it("rejects unknown assets, malformed lines, a bad header and an empty ledger", async () => {
      const h = "account_id,asset,balance\n";
      await fails("unk.csv", h + "a,DOGE,1\n", 2, "asset", /unknown asset "DOGE"/);
      await fails("cols.csv", h + "a,BTC\n", 2, undefined, /3 comma-separated/);
      await fails("cols4.csv", h + "a,BTC,1,2\n", 2, undefined, /3 comma-separated/);
      await fails("noid.csv", h + ",BTC,1\n", 2, "account_id", /empty/);
      await fails("space.csv", h + "alice ,BTC,1\n", 2, "account_id", /whitespace/);
      await fails("hdr.csv", "id,asset,amount\na,BTC,1\n", 1, undefined, /header/);
      await fails("empty.csv", "", undefined, undefined, /empty/);
      await fails("onlyhdr.csv", h, undefined, undefined, /no entries/);
    });
    it("drops a UTF-8 byte order mark before the header", async () => {
      const l = await load("bom.csv", "\uFEFFaccount_id,asset,balance\na,BTC,1\n");
      expect(l.get(1)?.accountIds).to.deep.equal(["a"]);
    });
    it("reads the optional payout column: an address (checksummed) or empty for none", async () => {
      const alice = "0x" + "ab".repeat(20);
      const l = await load("payout.csv", `account_id,asset,balance,payout\na,BTC,1,${alice}\nb,BTC,2,\nc,USDC,3, \n`);
      expect(l.get(1)?.payouts).to.deep.equal([getAddress(alice), undefined]);
      expect(l.get(2)?.payouts).to.deep.equal([undefined]);
      expect((await load("nopayout.csv", "account_id,asset,balance\na,BTC,1\n")).get(1)?.payouts).to.deep.equal([
        undefined,
      ]);
    });
    it("rejects a payout that is not an address, and rows that do not match the header's columns", async () => {
      const h = "account_id,asset,balance,payout\n";
      await fails(
        "badpay.csv",
        h + "a,BTC,1,0x1234\n",
        2,
        "payout",
        /payout "0x1234" must be a 0x-prefixed 20-byte address/,
      );
      await fails("badpay2.csv", h + `a,BTC,1,${"ab".repeat(20)}\n`, 2, "payout", /20-byte address/);
      await fails("cols3.csv", h + "a,BTC,1\n", 2, undefined, /expected 4 comma-separated fields, found 3/);
      await fails("cols5.csv", h + "a,BTC,1,,x\n", 2, undefined, /expected 4 comma-separated fields, found 5/);
    });
    it("refuses bytes that are not UTF-8, naming line and field, where replacement characters would merge two ids", async () => {
      const h = Buffer.from("account_id,asset,balance\n");
      const id1 = Buffer.from([0x63, 0x61, 0x66, 0xff]); // "caf" + 0xff
      const id2 = Buffer.from([0x63, 0x61, 0x66, 0xfe]); // "caf" + 0xfe
      // A replacing decoder (what the ledger reader used before) turns both into "caf\uFFFD": one account.
      expect(new TextDecoder().decode(id1)).to.equal(new TextDecoder().decode(id2));
      const row = (id: Buffer, n: number) => Buffer.concat([id, Buffer.from(`,BTC,${n}\n`)]);
      const twoIds = Buffer.concat([h, row(Buffer.from("ok"), 1), row(id1, 2), row(id2, 3)]);
      await fails("utf8.csv", twoIds, 3, "account_id", /utf8\.csv line 3, field account_id: not valid UTF-8$/);
      // A truncated multi-byte sequence, an overlong encoding and a UTF-16 surrogate are refused too.
      for (const bad of [[0xc3], [0xc0, 0xaf], [0xed, 0xa0, 0x80]]) {
        await fails(
          "seq.csv",
          Buffer.concat([h, row(Buffer.from([0x61, ...bad]), 1)]),
          2,
          "account_id",
          /not valid UTF-8/,
        );
      }
      const badBalance = Buffer.concat([h, Buffer.from("a,BTC,1"), Buffer.from([0xff]), Buffer.from("\n")]);
      await fails("utf8-balance.csv", badBalance, 2, "balance", /not valid UTF-8/);
      const badHeader = Buffer.concat([Buffer.from("account_id,asset,bal"), Buffer.from([0xff]), Buffer.from("\n")]);
      await fails("utf8-header.csv", badHeader, 1, undefined, /line 1: not valid UTF-8/);
      // Valid multi-byte ids are read as they are.
      const l = await load("utf8-ok.csv", Buffer.concat([h, Buffer.from("café,BTC,1\n日本,BTC,2\n", "utf8")]));
      expect(l.get(1)?.accountIds).to.deep.equal(["café", "日本"]);
    });
  });

  describe("CSV quoting (RFC 4180)", () => {
    const h = "account_id,asset,balance,payout\r\n";
    const alice = "0x" + "ab".repeat(20);
    it("reads quoted ids holding commas and doubled quotes, quoted cells, CRLF rows and a BOM", async () => {
      const l = await load(
        "quoted.csv",
        "\uFEFF" +
          h +
          '"smith, john",BTC,1,\r\n' +
          '"say ""hi""",BTC,2,\r\n' +
          '"""",BTC,3,\r\n' +
          `plain,"BTC","4","${alice}"\r\n` +
          '"日本, 東京",USDC,5,\n' +
          "\r\n" +
          'last,BTC,6,""',
      );
      expect(l.get(1)?.accountIds).to.deep.equal(["smith, john", 'say "hi"', '"', "plain", "last"]);
      expect(l.get(1)?.balances).to.deep.equal([1n, 2n, 3n, 4n, 6n]);
      expect(l.get(1)?.payouts).to.deep.equal([undefined, undefined, undefined, getAddress(alice), undefined]);
      expect(l.get(2)?.accountIds).to.deep.equal(["日本, 東京"]);
    });
    it("a quoted header and an unquoted ledger read as before", async () => {
      const l = await load("qhdr.csv", '"account_id","asset","balance"\na,BTC,1\n');
      expect(l.get(1)?.accountIds).to.deep.equal(["a"]);
    });
    it("names the line a row starts on and the field of a bad row, after quoted line breaks", async () => {
      const text = h + '"a\r\nb",BTC,1,\r\nc,BTC,2,\r\nd,BTC,x,\r\n';
      // A quoted field may hold a line break, but no field of a ledger row may: the id is refused, on its first line.
      await fails("break.csv", text, 2, "account_id", /break\.csv line 2, field account_id: .*control characters/);
      const rows = h + 'ok,BTC,1,\r\n"x, y",BTC,2,\r\n"bad ""id""",BTC,-3,\r\n';
      await fails("badrow.csv", rows, 4, "balance", /badrow\.csv line 4, field balance: balance is negative/);
      await fails("badpay.csv", h + `a,BTC,1,"${alice.slice(0, 10)}"\r\n`, 2, "payout", /20-byte address/);
      await fails("cols.csv", h + '"a,b",BTC\r\n', 2, undefined, /expected 4 comma-separated fields, found 2/);
    });
    it("an unterminated quote names the line it opens on", async () => {
      const rows = Array.from({ length: 50 }, (_, i) => `id${i},BTC,${i},\r\n`).join("");
      await fails(
        "open.csv",
        h + rows + '"never closed,BTC,1,\r\nmore,BTC,2,\r\n',
        52,
        "account_id",
        /open\.csv line 52, field account_id: a quoted field is never closed/,
      );
      // The first bad row of the file is reported, not the broken quote the parser meets later in the same chunk.
      await fails("first.csv", h + "a,BTC,-1,\r\n" + rows + '"never closed,BTC,1,\r\n', 2, "balance", /negative/);
      await fails("open2.csv", h + 'a,"BTC,1,\n', 2, "asset", /line 2, field asset: a quoted field is never closed/);
    });
    it("refuses a stray quote in an unquoted field and text after a closing quote, naming line and field", async () => {
      await fails("stray.csv", h + 'ok,BTC,1,\r\na"b,BTC,1,\r\n', 3, "account_id", /quote inside an unquoted field/);
      await fails("after.csv", h + '"a"b,BTC,1,\r\n', 2, "account_id", /must end at its closing quote/);
      await fails("after2.csv", h + 'a,BTC,"1" ,\r\n', 2, "balance", /must end at its closing quote/);
    });
    it("bounds a row's length (an unclosed quote cannot make the reader hold the file)", async () => {
      await fails(
        "huge.csv",
        h + `"${"x".repeat(LEDGER_CSV_MAX_ROW_BYTES + 10)}`,
        2,
        "account_id",
        new RegExp(`row longer than ${LEDGER_CSV_MAX_ROW_BYTES} bytes`),
      );
    });
    it("refuses invalid UTF-8 inside a quoted field, naming line and field", async () => {
      const bad = Buffer.concat([
        Buffer.from(h + 'ok,BTC,1,\r\n"a,'),
        Buffer.from([0xff]),
        Buffer.from('",BTC,1,\r\n'),
      ]);
      await fails("utf8q.csv", bad, 3, "account_id", /line 3, field account_id: not valid UTF-8/);
    });
  });

  describe("JSONL", () => {
    const h = '{"format":"por.ledger","version":1}\n';
    it("reads string and safe-integer balances", async () => {
      const l = await load(
        "ok.jsonl",
        h + '{"account":"x","asset":"BTC","balance":"5"}\n{"account":"y","asset":"BTC","balance":7}\n',
      );
      expect(l.get(1)?.balances).to.deep.equal([5n, 7n]);
    });
    it("rejects bad JSON, missing or extra fields, unsafe numbers and a missing header", async () => {
      await fails("bad.jsonl", h + "{nope\n", 2, undefined, /not valid JSON/);
      await fails("miss.jsonl", h + '{"account":"x","asset":"BTC"}\n', 2, "balance", /.+/);
      await fails("extra.jsonl", h + '{"account":"x","asset":"BTC","balance":"1","note":1}\n', 2, undefined, /note/);
      await fails(
        "unsafe.jsonl",
        h + '{"account":"x","asset":"BTC","balance":12345678901234567890}\n',
        2,
        "balance",
        /safe/,
      );
      await fails("float.jsonl", h + '{"account":"x","asset":"BTC","balance":1.5}\n', 2, "balance", /fractional/);
      await fails("nohdr.jsonl", '{"account":"x","asset":"BTC","balance":"1"}\n', 1, "format", /header/);
      await fails("ver.jsonl", '{"format":"por.ledger","version":2}\n', 1, "version", /header/);
    });
    it("rejects account ids with control characters or over 256 characters", async () => {
      await fails("ctl.jsonl", h + '{"account":"a\\u0007b","asset":"BTC","balance":"1"}\n', 2, "account", /control/);
      await fails(
        "long.jsonl",
        h + `{"account":"${"x".repeat(257)}","asset":"BTC","balance":"1"}\n`,
        2,
        "account",
        /256/,
      );
    });
    it("rejects a duplicate account, naming the JSONL field", async () => {
      const row = '{"account":"x","asset":"BTC","balance":"1"}\n';
      await fails("dup.jsonl", h + row + row, 3, "account", /duplicate account for asset BTC \(first at line 2\)/);
    });
    it("reads an optional payout; empty means none, anything else must be an address", async () => {
      const bob = "0x" + "cd".repeat(20);
      const l = await load(
        "payout.jsonl",
        h +
          `{"account":"x","asset":"BTC","balance":"5","payout":"${bob}"}\n` +
          '{"account":"y","asset":"BTC","balance":"6","payout":""}\n{"account":"z","asset":"BTC","balance":"7"}\n',
      );
      expect(l.get(1)?.payouts).to.deep.equal([getAddress(bob), undefined, undefined]);
      await fails(
        "badpay.jsonl",
        h + '{"account":"x","asset":"BTC","balance":"5","payout":"bob"}\n',
        2,
        "payout",
        /address/,
      );
      await fails("numpay.jsonl", h + '{"account":"x","asset":"BTC","balance":"5","payout":1}\n', 2, "payout", /.+/);
    });
    it("refuses bytes that are not UTF-8, naming the field whose value holds them", async () => {
      const line = (field: string) => {
        const parts = { account: "x", asset: "BTC", balance: "1" } as Record<string, string>;
        const pre = Buffer.from(`{"account":"${field === "account" ? "ca" : parts.account}`);
        if (field === "account") {
          return Buffer.concat([pre, Buffer.from([0xff]), Buffer.from('","asset":"BTC","balance":"1"}\n')]);
        }
        return Buffer.concat([
          Buffer.from('{"account":"x","asset":"BT'),
          Buffer.from([0xc3]),
          Buffer.from('","balance":"1"}\n'),
        ]);
      };
      await fails("utf8.jsonl", Buffer.concat([Buffer.from(h), line("account")]), 2, "account", /not valid UTF-8/);
      await fails("utf8-asset.jsonl", Buffer.concat([Buffer.from(h), line("asset")]), 2, "asset", /not valid UTF-8/);
    });
    it("rejects a file name that is neither .csv nor .jsonl", async () => {
      await fails("ledger.txt", "x", undefined, undefined, /\.csv or \.jsonl/);
    });
  });

  describe("asset list", () => {
    it("rejects duplicates, bad addresses, wrong versions and bad JSON", () => {
      const base = JSON.parse(ASSETS_JSON) as { assets: Record<string, unknown>[] };
      const dupe = { ...base, assets: [base.assets[0], { ...base.assets[1], id: 1 }] };
      expect(() => parseAssetList(JSON.stringify(dupe), "a.json")).to.throw(InputError, /duplicate asset id/);
      const badTok = { ...base, assets: [{ ...base.assets[0], token: "0x12" }] };
      expect(() => parseAssetList(JSON.stringify(badTok), "a.json")).to.throw(InputError, /assets\.0\.token/);
      expect(() => parseAssetList(JSON.stringify({ ...base, version: 2 }), "a.json")).to.throw(InputError, /version/);
      expect(() => parseAssetList("{", "a.json")).to.throw(InputError, /a\.json: not valid JSON/);
    });
    it("parseBalance accepts only canonical non-negative integers", () => {
      expect(parseBalance("0")).to.equal(0n);
      expect(parseBalance("007")).to.equal(7n);
      for (const bad of ["", " 1", "+1", "0x10", "1_000", "١"]) expect(() => parseBalance(bad), bad).to.throw();
    });
  });

  describe("the byte-level CSV reader gives what the csv-parse row reader gives", function () {
    this.timeout(120_000);

    /** Both paths on the same file: the same ledger, or the same error. */
    async function same(text: string | Uint8Array, i: number): Promise<"ok" | "error"> {
      const p = join(dir, `l${i}.csv`);
      await writeFile(p, text);
      const run = async (f: typeof loadLedger) => {
        try {
          const m = await f(p, assets);
          return { ok: [...m.entries()].map(([k, l]) => [k, l.accountIds, l.balances, l.payouts, l.total]) };
        } catch (e) {
          return { error: e instanceof InputError ? `InputError ${(e as Error).message}` : String(e) };
        }
      };
      const fast = await run(loadLedger);
      const rows = await run(loadLedgerRows);
      expect(fast).to.deep.equal(rows, `file:\n${typeof text === "string" ? text : Buffer.from(text).toString("hex")}`);
      return "ok" in rows ? "ok" : "error";
    }

    it("on valid ledgers and on every kind of bad row (property)", async () => {
      const addr = "0x" + "ab12".repeat(10);
      // Good cells (most rows, so that many ledgers are valid) and bad ones (any row, sometimes).
      const goodCells = {
        id: ["alice", "a b", "é", "用户", "user-"],
        asset: ["BTC", "USDC", " BTC "],
        balance: ["0", "1", "007", " 5 ", "79228162514264337593543950335", "0000000000000000000000000000000001"],
        payout: ["", addr, addr.toUpperCase().replace("0X", "0x"), getAddress(addr), " " + addr + " "],
      };
      const badCells = {
        id: ["bob", " lead", "trail ", "x".repeat(257), "", "a\tb", 'q"x', "a\u0001"],
        asset: ["ETH", "", "BTC\r"],
        balance: ["79228162514264337593543950336", "-1", "1.5", "1e3", "", "12a"],
        payout: [
          "0x" + getAddress(addr).slice(2, 41) + (getAddress(addr)[41] === "a" ? "A" : "a"),
          "0x12",
          "0X" + addr.slice(2),
        ],
      };
      type Cell = keyof typeof goodCells;
      const pickCell = (k: Cell) =>
        fc.oneof(
          { arbitrary: fc.constantFrom(...goodCells[k]), weight: 30 },
          { arbitrary: fc.constantFrom(...goodCells[k], ...badCells[k]), weight: 1 },
        );
      const row = fc.tuple(pickCell("id"), pickCell("asset"), pickCell("balance"), pickCell("payout"), fc.boolean());
      const header = fc.oneof(
        { arbitrary: fc.constantFrom("account_id,asset,balance,payout", "account_id,asset,balance"), weight: 10 },
        { arbitrary: fc.constantFrom(" account_id,asset,balance,payout", "bad"), weight: 1 },
      );
      const eol = fc.constantFrom("\n", "\r\n");
      let i = 0;
      const kinds = { ok: 0, error: 0 };
      await fc.assert(
        fc.asyncProperty(
          header,
          fc.array(row, { maxLength: 8 }),
          eol,
          fc.boolean(),
          fc.boolean(),
          async (h, rs, nl, bom, blank) => {
            const four = h.includes("payout");
            // Ids made unique by their row number unless the row says otherwise (a duplicate, sometimes).
            const lines = rs.map(([id, a, b, p, unique], k) =>
              (four ? [unique || k === 0 ? `${id}${k}` : id, a, b, p] : [unique ? `${id}${k}` : id, a, b]).join(","),
            );
            if (blank && lines.length > 1) lines.splice(1, 0, "");
            const text = (bom ? "\uFEFF" : "") + [h, ...lines].join(nl) + nl;
            kinds[await same(text, i++)]++;
          },
        ),
        { numRuns: 400 },
      );
      expect(kinds.ok).to.be.greaterThan(10);
      expect(kinds.error).to.be.greaterThan(10);
    });

    it("on duplicates, quotes, long rows, invalid UTF-8 and files without a final newline", async () => {
      const h = "account_id,asset,balance,payout\n";
      const cases: (string | Uint8Array)[] = [
        h + "a,BTC,1,\nb,BTC,2,\na,BTC,3,\n",
        h + "a,BTC,1,\na,USDC,2,\n",
        h + '"a,b",BTC,1,\n',
        h + "a,BTC,1,",
        h + "a,BTC,1,\n\n\nb,BTC,2,\n",
        h + "x".repeat(LEDGER_CSV_MAX_ROW_BYTES + 1) + ",BTC,1,\n",
        Buffer.concat([Buffer.from(h + "a"), Buffer.from([0xc3, 0x28]), Buffer.from(",BTC,1,\n")]),
        Buffer.concat([Buffer.from(h + "a,BTC"), Buffer.from([0xa0]), Buffer.from(",1,\n")]),
        h,
        "",
        h + "a,BTC,1,,\n",
        h + "a,BTC\n",
        h + "a,BTC,1,0x" + "11".repeat(20) + "\r\r\n",
      ];
      for (const [k, c] of cases.entries()) await same(c, 10_000 + k);
    });
  });
});
