// Input formats of the liabilities engine: the asset list and the ledger (CSV or JSONL), streamed and validated.
// Every error names the file, the line and the field.
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { createInterface } from "node:readline";

import { z } from "zod";

import { MAX_BALANCE } from "../crypto/index.js";

/** An input error that names where it happened. */
export class InputError extends Error {
  override name = "InputError";
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly field: string | undefined,
    readonly reason: string,
  ) {
    super(`${basename(file)}${line !== undefined ? ` line ${line}` : ""}${field ? `, field ${field}` : ""}: ${reason}`);
  }
}

/** Turns a zod error into "field: message" for the first issue. */
export function zodIssue(e: z.ZodError): { field: string | undefined; reason: string } {
  const issue = e.issues[0];
  const field = issue.path.length > 0 ? issue.path.map(String).join(".") : undefined;
  return { field, reason: issue.message };
}

// ---------------------------------------------------------------------------------------------------------------
// Asset list

const assetSchema = z.strictObject({
  id: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1),
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
  line: number;
}

/** CSV header of ledger version 1. */
export const LEDGER_CSV_HEADER = "account_id,asset,balance";
/** JSONL first line of ledger version 1. */
export const ledgerJsonlHeaderSchema = z.strictObject({ format: z.literal("por.ledger"), version: z.literal(1) });

const accountIdSchema = z
  .string()
  .min(1, "account id is empty")
  .max(256, "account id is longer than 256 characters")
  .refine((s) => s.trim() === s, "account id has leading or trailing whitespace")
  .refine(
    (s) => ![...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f),
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

const jsonlEntrySchema = z.strictObject({
  account: accountIdSchema,
  asset: z.string().min(1, "asset is empty"),
  balance: z.union([z.string(), z.number()]),
});

function splitCsv(line: string): string[] {
  // Version 1 allows no quoting: account ids with commas or quotes belong in JSONL.
  return line.split(",");
}

/** The ledger format, from the file name: `.csv` or `.jsonl`. */
export function ledgerFormatOf(path: string): "csv" | "jsonl" {
  if (/\.csv$/i.test(path)) return "csv";
  if (/\.jsonl$/i.test(path)) return "jsonl";
  throw new InputError(path, undefined, undefined, "ledger file name must end in .csv or .jsonl");
}

/**
 * Streams a ledger file (CSV with header `account_id,asset,balance`, or JSONL whose first line is
 * `{"format":"por.ledger","version":1}` and then `{"account":..,"asset":..,"balance":..}` per line).
 * Assets are named by symbol and must be in the asset list. Blank lines are skipped.
 */
export async function* readLedger(path: string, assets: readonly Asset[]): AsyncGenerator<LedgerEntry> {
  const format = ledgerFormatOf(path);
  const bySymbol = new Map(assets.map((a) => [a.symbol, a]));
  const rl = createInterface({ input: createReadStream(path, { encoding: "utf8" }), crlfDelay: Infinity });
  let lineNo = 0;
  let sawHeader = false;
  try {
    for await (const rawLine of rl) {
      lineNo++;
      const line = lineNo === 1 ? rawLine.replace(/^\uFEFF/, "") : rawLine;
      if (line.trim() === "") continue;
      if (!sawHeader) {
        sawHeader = true;
        if (format === "csv") {
          if (line.trim() !== LEDGER_CSV_HEADER) {
            throw new InputError(path, lineNo, undefined, `the first line must be the header "${LEDGER_CSV_HEADER}"`);
          }
        } else {
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
        }
        continue;
      }
      let accountId: string;
      let symbol: string;
      let rawBalance: string;
      if (format === "csv") {
        const cells = splitCsv(line);
        if (cells.length !== 3) {
          throw new InputError(path, lineNo, undefined, `expected 3 comma-separated fields, found ${cells.length}`);
        }
        const id = accountIdSchema.safeParse(cells[0]);
        if (!id.success) throw new InputError(path, lineNo, "account_id", zodIssue(id.error).reason);
        [accountId, symbol, rawBalance] = [id.data, cells[1].trim(), cells[2].trim()];
      } else {
        let json: unknown;
        try {
          json = JSON.parse(line);
        } catch {
          throw new InputError(path, lineNo, undefined, "not valid JSON");
        }
        const e = jsonlEntrySchema.safeParse(json);
        if (!e.success) {
          const { field, reason } = zodIssue(e.error);
          throw new InputError(path, lineNo, field, reason);
        }
        accountId = e.data.account;
        symbol = e.data.asset;
        if (typeof e.data.balance === "number") {
          if (!Number.isInteger(e.data.balance)) {
            throw new InputError(path, lineNo, "balance", "balance is fractional or not a finite number");
          }
          if (!Number.isSafeInteger(e.data.balance)) {
            throw new InputError(path, lineNo, "balance", "numeric balances must be safe integers; use a string");
          }
          rawBalance = String(e.data.balance);
        } else rawBalance = e.data.balance;
      }
      const asset = bySymbol.get(symbol);
      if (asset === undefined) throw new InputError(path, lineNo, "asset", `unknown asset "${symbol.slice(0, 40)}"`);
      let balance: bigint;
      try {
        balance = parseBalance(rawBalance);
      } catch (e) {
        throw new InputError(path, lineNo, "balance", (e as Error).message);
      }
      yield { accountId, asset, balance, line: lineNo };
    }
  } finally {
    rl.close();
  }
  if (!sawHeader) throw new InputError(path, undefined, undefined, "the ledger is empty");
}

/** Ledger entries of one asset, columnar. */
export interface AssetLedger {
  asset: Asset;
  accountIds: string[];
  balances: bigint[];
  total: bigint;
}

/**
 * Reads a whole ledger grouped by asset; rejects a duplicate account within one asset and a ledger without
 * entries. Memory is linear in the number of entries (columnar arrays, no per-entry objects kept).
 */
export async function loadLedger(path: string, assets: readonly Asset[]): Promise<Map<number, AssetLedger>> {
  const out = new Map<number, AssetLedger>();
  const seen = new Map<number, Map<string, number>>();
  let count = 0;
  const idField = ledgerFormatOf(path) === "csv" ? "account_id" : "account";
  for await (const e of readLedger(path, assets)) {
    let l = out.get(e.asset.id);
    let s = seen.get(e.asset.id);
    if (l === undefined || s === undefined) {
      l = { asset: e.asset, accountIds: [], balances: [], total: 0n };
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
    l.total += e.balance;
    count++;
  }
  if (count === 0) throw new InputError(path, undefined, undefined, "the ledger has no entries");
  return out;
}
