// Input formats of the liabilities engine: the asset list and the ledger (RFC 4180 CSV, parsed by csv-parse, or
// JSONL), streamed and validated. Every error names the file, the line and the field.
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { Readable } from "node:stream";

import { parse as csvParser, type CsvError } from "csv-parse";
import { getAddress } from "ethers";
import { z } from "zod";

import { MAX_BALANCE } from "../crypto/index.js";
import { hashBatch } from "../crypto/hash-batch.js";
import { address, checksummedAddress, uint32 } from "../schema/index.js";
import { InputError, zodIssue } from "./input-error.js";

export { InputError, zodIssue };

// ---------------------------------------------------------------------------------------------------------------
// Asset list

const assetSchema = z.strictObject({
  id: uint32,
  symbol: z.string().regex(/^[A-Za-z0-9._-]{1,32}$/, "symbol must be 1-32 letters, digits, '.', '_' or '-'"),
  chainId: z.number().int().min(1),
  token: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "token must be a 0x-prefixed 20-byte address (0x0...0 for native)"),
  decimals: z.number().int().min(0).max(36),
});

/** Asset list file, version 1. */
export const assetListSchema = z.strictObject({
  format: z.literal("por.assets"),
  version: z.literal(1),
  assets: z.array(assetSchema).min(1, "the asset list is empty"),
});

/** One asset of the asset list. */
export type Asset = z.infer<typeof assetSchema>;

/** Parses and validates an asset list (ids and symbols unique). */
export function parseAssetList(text: string, file = "assets.json"): Asset[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(file, undefined, undefined, `not valid JSON (${(e as Error).message})`);
  }
  const r = assetListSchema.safeParse(json);
  if (!r.success) {
    const { field, reason } = zodIssue(r.error);
    throw new InputError(file, undefined, field, reason);
  }
  const ids = new Set<number>();
  const symbols = new Set<string>();
  r.data.assets.forEach((a, i) => {
    if (ids.has(a.id)) throw new InputError(file, undefined, `assets.${i}.id`, `duplicate asset id ${a.id}`);
    if (symbols.has(a.symbol)) throw new InputError(file, undefined, `assets.${i}.symbol`, `duplicate ${a.symbol}`);
    ids.add(a.id);
    symbols.add(a.symbol);
  });
  return r.data.assets;
}

/** Reads an asset list file. */
export async function readAssetList(path: string): Promise<Asset[]> {
  return parseAssetList(await readFile(path, "utf8"), path);
}

// ---------------------------------------------------------------------------------------------------------------
// Ledger

/** One ledger entry. */
export interface LedgerEntry {
  accountId: string;
  asset: Asset;
  balance: bigint;
  /** The user's registered payout address (checksummed), or undefined when none is registered. */
  payout: string | undefined;
  line: number;
}

/** CSV header of ledger version 1 (no payout column). */
export const LEDGER_CSV_HEADER = "account_id,asset,balance";
/** CSV header of ledger version 1 with the optional payout column. */
export const LEDGER_CSV_HEADER_PAYOUT = "account_id,asset,balance,payout";
/** JSONL first line of ledger version 1. */
export const ledgerJsonlHeaderSchema = z.strictObject({ format: z.literal("por.ledger"), version: z.literal(1) });

const accountIdSchema = z
  .string()
  .min(1, "account id is empty")
  .max(256, "account id is longer than 256 characters")
  .refine((s) => s.trim() === s, "account id has leading or trailing whitespace")
  .refine(
    // eslint-disable-next-line no-control-regex
    (s) => !/[\u0000-\u001f\u007f]/.test(s),
    "account id contains control characters",
  );

/** Parses a balance string: a non-negative integer in base units below 2^96, decimal digits only. */
export function parseBalance(raw: string): bigint {
  if (raw.startsWith("-")) throw new Error("balance is negative");
  if (/^[0-9]+[.,][0-9]*$/.test(raw) || /e/i.test(raw)) throw new Error("balance is fractional or in exponent form");
  if (!/^[0-9]+$/.test(raw)) throw new Error(`balance "${raw.slice(0, 40)}" is not a non-negative integer`);
  if (raw.length > 40) throw new Error("balance must be below 2^96");
  const v = BigInt(raw);
  if (v >= MAX_BALANCE) throw new Error("balance must be below 2^96");
  return v;
}

/** Parses a payout cell: empty means none registered, else a 0x-prefixed 20-byte address (returned checksummed). */
export function parsePayout(raw: string): string | undefined {
  if (raw === "") return undefined;
  // The fast path (one keccak256) gives what the schema and getAddress(raw.toLowerCase()) give; on a refusal the
  // schema words the reason.
  const fast = checksummedAddress(raw);
  if (fast !== undefined) return fast;
  const r = address.safeParse(raw);
  if (!r.success) throw new Error(`payout "${raw.slice(0, 44)}" ${r.error.issues[0].message}`);
  return getAddress(raw.toLowerCase());
}

/** One JSONL line after the header of ledger version 1. */
export const ledgerJsonlEntrySchema = z.strictObject({
  account: accountIdSchema,
  asset: z.string().min(1, "asset is empty"),
  balance: z.union([z.string(), z.number()]),
  payout: z.string().optional(),
});

/** The ledger format, from the file name: `.csv` or `.jsonl`. */
export function ledgerFormatOf(path: string): "csv" | "jsonl" {
  if (/\.csv$/i.test(path)) return "csv";
  if (/\.jsonl$/i.test(path)) return "jsonl";
  throw new InputError(path, undefined, undefined, "ledger file name must end in .csv or .jsonl");
}

const NOT_UTF8 = "not valid UTF-8";
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The text before the first invalid UTF-8 sequence of `bytes` (a partial character at its end left out). */
function validUtf8Prefix(bytes: Uint8Array): string {
  const d = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  let text = "";
  for (let i = 0; i < bytes.length; i++) {
    try {
      text += d.decode(bytes.subarray(i, i + 1), { stream: true });
    } catch {
      break;
    }
  }
  return text;
}

/**
 * The lines of a file as raw bytes (without the `\n` and a trailing `\r`), streamed; a leading UTF-8 BOM is dropped
 * (JSONL).
 */
async function* byteLines(path: string): AsyncGenerator<Uint8Array> {
  let carry: Buffer = Buffer.alloc(0);
  let first = true;
  const strip = (line: Buffer): Buffer => {
    let l = line;
    if (first) {
      first = false;
      if (l.length >= 3 && l[0] === 0xef && l[1] === 0xbb && l[2] === 0xbf) l = l.subarray(3);
    }
    return l.length > 0 && l[l.length - 1] === 0x0d ? l.subarray(0, l.length - 1) : l;
  };
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    let buf = carry.length === 0 ? chunk : Buffer.concat([carry, chunk]);
    let nl: number;
    while ((nl = buf.indexOf(0x0a)) !== -1) {
      yield strip(buf.subarray(0, nl));
      buf = buf.subarray(nl + 1);
    }
    carry = Buffer.from(buf);
  }
  if (carry.length > 0) yield strip(carry);
}

/**
 * Decodes one line as UTF-8 (fatal: an invalid sequence is an error, never a replacement character, so two ids that
 * differ only in invalid bytes cannot collapse into one). The error names the field holding the invalid bytes:
 * `fieldAt(prefix)` gets the valid text before them.
 */
function decodeLine(
  path: string,
  lineNo: number,
  bytes: Uint8Array,
  fieldAt: (prefix: string) => string | undefined,
): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new InputError(path, lineNo, fieldAt(validUtf8Prefix(bytes)), NOT_UTF8);
  }
}

/** The JSONL field whose string value is open at the end of `prefix` (the key before an unterminated string). */
function jsonFieldAt(prefix: string): string | undefined {
  return /"((?:[^"\\]|\\.)*)"\s*:\s*"(?:[^"\\]|\\.)*$/.exec(prefix)?.[1];
}

/** One data row of a ledger, before validation. */
interface RawRow {
  line: number;
  accountId: string;
  symbol: string;
  rawBalance: string;
  rawPayout: string;
}

/** Longest CSV row accepted, in bytes: far above any valid row, it bounds what an unclosed quote makes us hold. */
export const LEDGER_CSV_MAX_ROW_BYTES = 65_536;

/** The file's bytes, streamed, without a leading UTF-8 byte order mark. */
async function* withoutBom(path: string): AsyncGenerator<Buffer> {
  let head: Buffer | undefined = Buffer.alloc(0);
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    if (head === undefined) {
      yield chunk;
      continue;
    }
    head = Buffer.concat([head, chunk]);
    if (head.length < 3) continue;
    yield head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? head.subarray(3) : head;
    head = undefined;
  }
  if (head !== undefined && head.length > 0) yield head;
}

/** What a csv-parse error means for a ledger row (the parser's own message as the fallback). */
function csvReason(e: CsvError): string {
  switch (e.code) {
    case "CSV_QUOTE_NOT_CLOSED":
      return "a quoted field is never closed (the file ends inside it)";
    case "INVALID_OPENING_QUOTE":
      return 'a quote inside an unquoted field (quote the whole field and double the quote: "a""b")';
    case "CSV_INVALID_CLOSING_QUOTE":
      return "a quoted field must end at its closing quote (double a quote inside a quoted field)";
    case "CSV_MAX_RECORD_SIZE":
      return `row longer than ${LEDGER_CSV_MAX_ROW_BYTES} bytes (an unclosed quote?)`;
    default:
      return e.message;
  }
}

/**
 * The rows of an RFC 4180 CSV ledger (csv-parse), each passed through `check`: fields separated by commas, rows by LF
 * or CRLF; a field holding a comma, a quote or a line break is quoted, a quote inside it doubled. The parser reads the
 * bytes as latin1 (one character per byte: the delimiters are ASCII, never part of a UTF-8 sequence) and each field is
 * then decoded as strict UTF-8, so invalid bytes are named by line and field. A row's `line` is the line it starts
 * on. Rows are checked as the parser reads them, in file order, so the first bad row of the file is the one reported
 * even when the parser meets a broken quote further on in the same chunk.
 */
async function* csvRows<T>(path: string, check: (row: RawRow) => T): AsyncGenerator<T> {
  let columns: string[] | undefined;
  let next = 1; // the line the next row starts on
  const checked: T[] = []; // rows checked and not yet consumed, in order (one per record the parser emits)
  const decode = (line: number, raw: string, field: string | undefined): string => {
    try {
      return utf8.decode(Buffer.from(raw, "latin1"));
    } catch {
      throw new InputError(path, line, field, NOT_UTF8);
    }
  };
  /** One parsed record: null for a blank line and the header (nothing to emit); throws an InputError on a bad row. */
  const onRecord = (raw: string[]): string[] | null => {
    const line = next;
    next += 1 + raw.reduce((n, c) => n + c.split("\n").length - 1, 0);
    const cells = raw.map((c, i) => decode(line, c, columns?.[i]));
    if (cells.length === 1 && cells[0].trim() === "") return null; // a blank line
    if (columns === undefined) {
      const header = cells.map((c) => c.trim()).join(",");
      if (header !== LEDGER_CSV_HEADER && header !== LEDGER_CSV_HEADER_PAYOUT) {
        throw new InputError(
          path,
          line,
          undefined,
          `the first line must be the header "${LEDGER_CSV_HEADER}" or "${LEDGER_CSV_HEADER_PAYOUT}"`,
        );
      }
      columns = header.split(",");
      return null;
    }
    if (cells.length !== columns.length) {
      throw new InputError(
        path,
        line,
        undefined,
        `expected ${columns.length} comma-separated fields, found ${cells.length}`,
      );
    }
    const id = accountIdSchema.safeParse(cells[0]);
    if (!id.success) throw new InputError(path, line, "account_id", zodIssue(id.error).reason);
    checked.push(
      check({
        line,
        accountId: id.data,
        symbol: cells[1].trim(),
        rawBalance: cells[2].trim(),
        rawPayout: (cells[3] ?? "").trim(),
      }),
    );
    return raw;
  };
  const parser = csvParser({
    encoding: "latin1",
    record_delimiter: ["\r\n", "\n"],
    relax_column_count: true,
    max_record_size: LEDGER_CSV_MAX_ROW_BYTES,
    on_record: onRecord, // its errors end the parse and reach the loop below as they are
  });
  const source = Readable.from(withoutBom(path));
  source.on("error", (e) => parser.destroy(e));
  source.pipe(parser);
  try {
    for await (const _ of parser as AsyncIterable<string[]>) yield checked.shift() as T;
  } catch (e) {
    if (e instanceof InputError) throw e;
    const x = e as CsvError;
    if (typeof x.code !== "string" || (!x.code.startsWith("CSV_") && x.code !== "INVALID_OPENING_QUOTE")) throw e;
    const field = columns !== undefined && typeof x.column === "number" ? columns[x.column] : undefined;
    throw new InputError(path, next, field, csvReason(x));
  } finally {
    source.destroy();
    parser.destroy();
  }
  if (columns === undefined) throw new InputError(path, undefined, undefined, "the ledger is empty");
}

/** The rows of a JSONL ledger: a header line, then one JSON object per line. */
async function* jsonlRows<T>(path: string, check: (row: RawRow) => T): AsyncGenerator<T> {
  let lineNo = 0;
  let header = false;
  for await (const bytes of byteLines(path)) {
    lineNo++;
    const line = decodeLine(path, lineNo, bytes, jsonFieldAt);
    if (line.trim() === "") continue;
    if (!header) {
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        throw new InputError(path, lineNo, undefined, "the first line must be the JSON header");
      }
      const h = ledgerJsonlHeaderSchema.safeParse(json);
      if (!h.success) {
        throw new InputError(
          path,
          lineNo,
          zodIssue(h.error).field,
          'header must be {"format":"por.ledger","version":1}',
        );
      }
      header = true;
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new InputError(path, lineNo, undefined, "not valid JSON");
    }
    const e = ledgerJsonlEntrySchema.safeParse(json);
    if (!e.success) {
      const { field, reason } = zodIssue(e.error);
      throw new InputError(path, lineNo, field, reason);
    }
    let rawBalance: string;
    if (typeof e.data.balance === "number") {
      if (!Number.isInteger(e.data.balance)) {
        throw new InputError(path, lineNo, "balance", "balance is fractional or not a finite number");
      }
      if (!Number.isSafeInteger(e.data.balance)) {
        throw new InputError(path, lineNo, "balance", "numeric balances must be safe integers; use a string");
      }
      rawBalance = String(e.data.balance);
    } else rawBalance = e.data.balance;
    yield check({
      line: lineNo,
      accountId: e.data.account,
      symbol: e.data.asset,
      rawBalance,
      rawPayout: e.data.payout ?? "",
    });
  }
  if (!header) throw new InputError(path, undefined, undefined, "the ledger is empty");
}

/**
 * Streams a ledger file: RFC 4180 CSV with header `account_id,asset,balance` or `account_id,asset,balance,payout`
 * (quoted fields for ids holding commas, quotes or line breaks; LF or CRLF), or JSONL whose first line is
 * `{"format":"por.ledger","version":1}` and then `{"account":..,"asset":..,"balance":..}` per line, with an optional
 * `"payout"`. The bytes must be valid UTF-8 (a leading byte order mark is dropped). Assets are named by symbol and
 * must be in the asset list; a payout is empty (none registered) or an address. Blank lines are skipped.
 */
export async function* readLedger(path: string, assets: readonly Asset[]): AsyncGenerator<LedgerEntry> {
  const format = ledgerFormatOf(path);
  const bySymbol = new Map(assets.map((a) => [a.symbol, a]));
  const check = (row: RawRow): LedgerEntry => {
    const { line, accountId, symbol } = row;
    const asset = bySymbol.get(symbol);
    if (asset === undefined) throw new InputError(path, line, "asset", `unknown asset "${symbol.slice(0, 40)}"`);
    let balance: bigint;
    try {
      balance = parseBalance(row.rawBalance);
    } catch (e) {
      throw new InputError(path, line, "balance", (e as Error).message);
    }
    let payout: string | undefined;
    try {
      payout = parsePayout(row.rawPayout);
    } catch (e) {
      throw new InputError(path, line, "payout", (e as Error).message);
    }
    return { accountId, asset, balance, payout, line };
  };
  yield* format === "csv" ? csvRows(path, check) : jsonlRows(path, check);
}

/** Ledger entries of one asset, columnar. */
export interface AssetLedger {
  asset: Asset;
  accountIds: string[];
  balances: bigint[];
  /** Per account: its payout address (checksummed), or undefined when none is registered. */
  payouts: (string | undefined)[];
  total: bigint;
}

/**
 * Reads a whole ledger grouped by asset; rejects a duplicate account within one asset and a ledger without
 * entries. Memory is linear in the number of entries (columnar arrays, no per-entry objects kept). A CSV ledger is
 * read by {@link fastCsvLedger} first; whatever that path does not take (quotes, non-ASCII cells it cannot settle,
 * any error at all) is read again by the csv-parse path below, whose result and errors stand.
 */
export async function loadLedger(path: string, assets: readonly Asset[]): Promise<Map<number, AssetLedger>> {
  if (ledgerFormatOf(path) === "csv") {
    const fast = await fastCsvLedger(path, assets);
    if (fast !== undefined) return fast;
  }
  return loadLedgerRows(path, assets);
}

/**
 * The ledger through {@link readLedger}, row by row: the reference path, and the one that words every error
 * (exported for the tests that hold the fast path to it).
 */
export async function loadLedgerRows(path: string, assets: readonly Asset[]): Promise<Map<number, AssetLedger>> {
  const out = new Map<number, AssetLedger>();
  const seen = new Map<number, Map<string, number>>();
  let count = 0;
  const idField = ledgerFormatOf(path) === "csv" ? "account_id" : "account";
  for await (const e of readLedger(path, assets)) {
    let l = out.get(e.asset.id);
    let s = seen.get(e.asset.id);
    if (l === undefined || s === undefined) {
      l = { asset: e.asset, accountIds: [], balances: [], payouts: [], total: 0n };
      s = new Map();
      out.set(e.asset.id, l);
      seen.set(e.asset.id, s);
    }
    const prev = s.get(e.accountId);
    if (prev !== undefined) {
      throw new InputError(
        path,
        e.line,
        idField,
        `duplicate account for asset ${e.asset.symbol} (first at line ${prev})`,
      );
    }
    s.set(e.accountId, e.line);
    l.accountIds.push(e.accountId);
    l.balances.push(e.balance);
    l.payouts.push(e.payout);
    l.total += e.balance;
    count++;
  }
  if (count === 0) throw new InputError(path, undefined, undefined, "the ledger has no entries");
  return out;
}

/** ASCII whitespace as String.prototype.trim removes it (space, \t, \n, \v, \f, \r). */
const isSpace = (b: number) => b === 0x20 || (b >= 0x09 && b <= 0x0d);

/** The ledger of a CSV file in the plain shape, or undefined for {@link loadLedgerRows} to read it (see below). */
async function fastCsvLedger(path: string, assets: readonly Asset[]): Promise<Map<number, AssetLedger> | undefined> {
  const r = new FastCsv(assets);
  let carry: Buffer = Buffer.alloc(0);
  let first = true;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let buf = carry.length === 0 ? chunk : Buffer.concat([carry, chunk]);
    if (first && buf.length >= 3) {
      first = false;
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
    }
    if (buf.indexOf(0x22) !== -1) return undefined; // a quote: RFC 4180 quoting is csv-parse's
    let at = 0;
    let nl: number;
    while ((nl = buf.indexOf(0x0a, at)) !== -1) {
      if (!r.line(buf, at, nl)) return undefined;
      at = nl + 1;
    }
    if (buf.length - at > LEDGER_CSV_MAX_ROW_BYTES) return undefined;
    carry = Buffer.from(buf.subarray(at));
  }
  if (carry.length > 0 && !r.line(carry, 0, carry.length)) return undefined;
  return r.finish();
}

/**
 * The plain shape of a CSV ledger, read over bytes (no csv-parse, no per-cell strings but the id): no quote anywhere,
 * the header exactly as written, every row with the header's number of cells, ids of printable ASCII without
 * surrounding spaces (other ids through the id schema), known symbols, decimal balances below 2^96, payouts empty or
 * 0x + 40 hex (their EIP-55 checksums computed, and checked for mixed case, as one keccak256 batch at the end), no
 * duplicate id in an asset. Anything else, or anything wrong, returns false / undefined: the row path then reads the
 * file and says what is wrong, so this path never words an error and accepts nothing the row path refuses.
 */
class FastCsv {
  private readonly bySymbol: Map<string, Asset>;
  private readonly out = new Map<number, AssetLedger>();
  private columns = 0;
  private count = 0;
  /** Payout addresses: 40 lowercase hex digits each, the given text, and where they go. */
  private hex = Buffer.alloc(40 * 1024);
  private readonly given: string[] = [];
  private readonly target: { l: AssetLedger; i: number }[] = [];

  constructor(assets: readonly Asset[]) {
    this.bySymbol = new Map(assets.map((a) => [a.symbol, a]));
  }

  /** One line, bytes [start, end) of buf without the newline; false to hand the file to the row path. */
  line(buf: Buffer, start: number, end: number): boolean {
    let e = end;
    if (e > start && buf[e - 1] === 0x0d) e--;
    if (e - start > LEDGER_CSV_MAX_ROW_BYTES) return false;
    if (this.columns === 0) {
      const header = buf.toString("latin1", start, e);
      if (header === LEDGER_CSV_HEADER) this.columns = 3;
      else if (header === LEDGER_CSV_HEADER_PAYOUT) this.columns = 4;
      else return false;
      return true;
    }
    if (e === start) return true; // a blank line
    const c1 = buf.indexOf(0x2c, start);
    if (c1 === -1 || c1 >= e) return false;
    const c2 = buf.indexOf(0x2c, c1 + 1);
    if (c2 === -1 || c2 >= e) return false;
    let c3 = buf.indexOf(0x2c, c2 + 1);
    if (c3 >= e) c3 = -1;
    if (
      this.columns === 3 ? c3 !== -1 : c3 === -1 || (buf.indexOf(0x2c, c3 + 1) !== -1 && buf.indexOf(0x2c, c3 + 1) < e)
    ) {
      return false;
    }
    // Account id: printable ASCII, no space at either end, 1..256 bytes; other bytes through the schema.
    if (c1 === start || c1 - start > 256 * 3) return false;
    let ascii = true;
    for (let k = start; k < c1; k++) {
      const b = buf[k];
      if (b >= 0x80) ascii = false;
      else if (b < 0x20 || b === 0x7f) return false;
    }
    let id: string;
    if (ascii) {
      if (c1 - start > 256 || buf[start] === 0x20 || buf[c1 - 1] === 0x20) return false;
      id = buf.toString("latin1", start, c1);
    } else {
      try {
        id = utf8.decode(buf.subarray(start, c1));
      } catch {
        return false;
      }
      if (!accountIdSchema.safeParse(id).success) return false;
    }
    // Symbol, balance and payout, trimmed as the row path trims them (ASCII only here).
    const sym = this.trim(buf, c1 + 1, c2);
    if (sym === undefined) return false;
    const [s0, s1] = sym;
    const asset = this.bySymbol.get(buf.toString("latin1", s0, s1));
    if (asset === undefined) return false;
    const bEnd = this.columns === 3 ? e : c3;
    const bal = this.trim(buf, c2 + 1, bEnd);
    if (bal === undefined) return false;
    const [b0, b1] = bal;
    if (b1 === b0 || b1 - b0 > 29) return false; // 2^96 has 29 digits
    for (let k = b0; k < b1; k++) if (buf[k] < 0x30 || buf[k] > 0x39) return false;
    const balance = BigInt(buf.toString("latin1", b0, b1));
    if (balance >= MAX_BALANCE) return false;
    let l = this.out.get(asset.id);
    if (l === undefined) {
      l = { asset, accountIds: [], balances: [], payouts: [], total: 0n };
      this.out.set(asset.id, l);
    }
    let payout = false;
    if (this.columns === 4) {
      const pay = this.trim(buf, c3 + 1, e);
      if (pay === undefined) return false;
      const [p0, p1] = pay;
      if (p1 > p0) {
        if (p1 - p0 !== 42 || buf[p0] !== 0x30 || buf[p0 + 1] !== 0x78) return false;
        const k = this.given.length;
        if (this.hex.length < (k + 1) * 40) {
          const grown = Buffer.alloc(this.hex.length * 2);
          this.hex.copy(grown);
          this.hex = grown;
        }
        for (let j = 0; j < 40; j++) {
          const b = buf[p0 + 2 + j];
          if (b >= 0x30 && b <= 0x39) this.hex[k * 40 + j] = b;
          else if ((b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46)) this.hex[k * 40 + j] = b | 0x20;
          else return false;
        }
        this.given.push(buf.toString("latin1", p0, p1));
        this.target.push({ l, i: l.accountIds.length });
        payout = true;
      }
    }
    l.accountIds.push(id);
    l.balances.push(balance);
    l.payouts.push(payout ? "" : undefined); // the checksummed address is filled in by finish()
    l.total += balance;
    this.count++;
    return true;
  }

  /** The cell [start, end) without surrounding ASCII whitespace; undefined if it holds a non-ASCII byte. */
  private trim(buf: Buffer, start: number, end: number): [number, number] | undefined {
    let a = start;
    let b = end;
    while (a < b && isSpace(buf[a])) a++;
    while (b > a && isSpace(buf[b - 1])) b--;
    for (let k = a; k < b; k++) if (buf[k] >= 0x80) return undefined;
    return [a, b];
  }

  /** EIP-55 for every payout in one batch (mixed-case input must match it), then the duplicate check. */
  finish(): Map<number, AssetLedger> | undefined {
    if (this.columns === 0 || this.count === 0) return undefined;
    const k = this.given.length;
    const digests = hashBatch().keccak256Many(this.hex.subarray(0, k * 40), 40);
    const text = Buffer.alloc(42);
    text[0] = 0x30;
    text[1] = 0x78;
    for (let a = 0; a < k; a++) {
      for (let j = 0; j < 40; j++) {
        const c = this.hex[a * 40 + j];
        const nibble = (j & 1) === 0 ? digests[a * 32 + (j >> 1)] >> 4 : digests[a * 32 + (j >> 1)] & 0xf;
        text[2 + j] = c >= 0x61 && nibble >= 8 ? c - 0x20 : c;
      }
      const sum = text.toString("latin1", 0, 42);
      const g = this.given[a];
      if (g !== sum && !LOWER_OR_UPPER_HEX.test(g)) return undefined; // a wrong checksum: the row path says so
      const { l, i } = this.target[a];
      l.payouts[i] = sum;
    }
    for (const l of this.out.values()) if (new Set(l.accountIds).size !== l.accountIds.length) return undefined;
    return this.out;
  }
}

const LOWER_OR_UPPER_HEX = /^0x([0-9a-f]{40}|[0-9A-F]{40})$/;
