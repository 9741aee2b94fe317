// The PoA document (`por.poa` version 1) and the ownership-signature file (`por.poa-signatures` version 1):
// zod schemas for everything read from outside, with errors that name the file and the field.
import { readFile } from "node:fs/promises";

import { getAddress } from "ethers";
import { z } from "zod";

import { address, decimal, hex32, u128String, u64String, uint32 } from "../schema/index.js";

const dec = decimal;
const u64 = u64String;
const u128 = u128String;
const signature = z
  .string()
  .regex(/^0x([0-9a-fA-F]{2})+$/, "must be 0x-prefixed hex bytes")
  .max(2 + 2 * 4096, "is longer than 4096 bytes");

/** Schema of a PoA document. */
export const poaDocumentSchema = z.strictObject({
  format: z.literal("por.poa"),
  version: z.literal(1),
  chainId: dec,
  ledger: address,
  reserveRegistry: address,
  member: address,
  t: u64,
  requestId: dec,
  block: z.strictObject({
    number: z.number().int().min(0),
    hash: hex32,
    timestamp: z.number().int().min(0),
  }),
  wallets: z
    .array(
      z.strictObject({
        wallet: address,
        kind: z.enum(["eoa", "erc1271"]),
        signature,
      }),
    )
    .max(10_000),
  assets: z
    .array(
      z.strictObject({
        asset: uint32,
        token: address,
        total: u128,
        balances: z.array(z.strictObject({ wallet: address, balance: dec })).max(10_000),
      }),
    )
    .min(1)
    .max(256),
});

/** A PoA document. */
export type PoaDocument = z.infer<typeof poaDocumentSchema>;

/** Raised for a document that breaks the schema or a structural rule; the message names the file and field. */
export class PoaFormatError extends Error {
  override name = "PoaFormatError";
}

function firstIssue(e: z.ZodError): string {
  const issue = e.issues[0];
  return `field ${issue.path.map(String).join(".") || "(top level)"}: ${issue.message}`;
}

/**
 * Validates a parsed PoA document: the schema, then the structural rules: wallets strictly ascending (no duplicate),
 * assets strictly ascending, each asset's balances listing exactly the document's wallets in the same order, and
 * each total equal to the sum of its balances.
 */
export function validatePoa(json: unknown, file = "poa.json"): PoaDocument {
  const parsed = poaDocumentSchema.safeParse(json);
  if (!parsed.success) throw new PoaFormatError(`${file}: ${firstIssue(parsed.error)}`);
  const d = parsed.data;
  const wallets = d.wallets.map((w) => BigInt(w.wallet));
  for (let i = 1; i < wallets.length; i++) {
    if (wallets[i] <= wallets[i - 1]) {
      throw new PoaFormatError(
        `${file}: field wallets.${i}: wallets must be strictly ascending (duplicate or unsorted)`,
      );
    }
  }
  d.assets.forEach((a, i) => {
    if (i > 0 && a.asset <= d.assets[i - 1].asset) {
      throw new PoaFormatError(`${file}: field assets.${i}.asset: assets must be strictly ascending`);
    }
    if (a.balances.length !== d.wallets.length) {
      throw new PoaFormatError(
        `${file}: field assets.${i}.balances: ${a.balances.length} entries for ${d.wallets.length} wallets`,
      );
    }
    let sum = 0n;
    a.balances.forEach((b, j) => {
      if (BigInt(b.wallet) !== wallets[j]) {
        throw new PoaFormatError(`${file}: field assets.${i}.balances.${j}.wallet: must be ${d.wallets[j].wallet}`);
      }
      sum += BigInt(b.balance);
    });
    if (sum !== BigInt(a.total)) {
      throw new PoaFormatError(`${file}: field assets.${i}.total: ${a.total} is not the sum of the balances (${sum})`);
    }
  });
  return d;
}

/** Parses PoA JSON text. */
export function parsePoa(text: string, file = "poa.json"): PoaDocument {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new PoaFormatError(`${file}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  return validatePoa(json, file);
}

/** Reads and validates a PoA file. */
export async function readPoa(file: string): Promise<PoaDocument> {
  return parsePoa(await readFile(file, "utf8"), file);
}

/** The same document restricted to one asset (what goes into that asset's DA blob). */
export function poaForAsset(d: PoaDocument, asset: number): PoaDocument {
  const a = d.assets.find((x) => x.asset === asset);
  if (a === undefined) throw new PoaFormatError(`the PoA has no asset ${asset}`);
  return { ...d, assets: [a] };
}

/** Schema of a signature file: ownership signatures made elsewhere (hardware wallets, multisig signers). */
export const poaSignatureFileSchema = z.strictObject({
  format: z.literal("por.poa-signatures"),
  version: z.literal(1),
  chainId: dec,
  ledger: address,
  member: address,
  t: u64,
  requestId: dec,
  signatures: z
    .array(z.strictObject({ wallet: address, signature }))
    .min(1)
    .max(10_000),
});

/** A signature file. */
export type PoaSignatureFile = z.infer<typeof poaSignatureFileSchema>;

/** Parses a signature file; every address is returned checksummed. */
export function parsePoaSignatureFile(text: string, file = "signatures.json"): PoaSignatureFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new PoaFormatError(`${file}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const parsed = poaSignatureFileSchema.safeParse(json);
  if (!parsed.success) throw new PoaFormatError(`${file}: ${firstIssue(parsed.error)}`);
  const f = parsed.data;
  return {
    ...f,
    ledger: getAddress(f.ledger.toLowerCase()),
    member: getAddress(f.member.toLowerCase()),
    signatures: f.signatures.map((s) => ({ wallet: getAddress(s.wallet.toLowerCase()), signature: s.signature })),
  };
}

/** Reads a signature file. */
export async function readPoaSignatureFile(file: string): Promise<PoaSignatureFile> {
  return parsePoaSignatureFile(await readFile(file, "utf8"), file);
}
