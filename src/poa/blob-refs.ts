// The blob-refs file (`por.blob-refs` version 1): where `poa build` stored each asset's DA blob of one PoA, so the
// member can publish the refs on-chain after committing (`ledger publish-blob-refs`). Written atomically, never over an
// existing file (a lost EigenDA certificate makes its blob unreachable); read with errors naming the file and field.
import { readFile } from "node:fs/promises";
import { basename } from "node:path";

import { getAddress } from "ethers";
import { z } from "zod";

import { blobRefSchema, type BlobRef } from "../blobstore/index.js";
import { isFileExists, writeFileAtomic } from "../files/index.js";
import { address, decimal, u64String } from "../schema/index.js";
import { PoaFormatError, type PoaDocument } from "./document.js";

/** Format tag of a blob-refs file. */
export const BLOB_REFS_FORMAT = "por.blob-refs";

/** Schema of a blob-refs file. */
export const blobRefsFileSchema = z.strictObject({
  format: z.literal(BLOB_REFS_FORMAT),
  version: z.literal(1),
  chainId: decimal,
  ledger: address,
  member: address,
  t: u64String,
  requestId: decimal,
  blobs: z
    .array(z.strictObject({ asset: z.number().int().min(0).max(0xffffffff), ref: blobRefSchema }))
    .min(1)
    .max(10_000),
});

/** A blob-refs file. */
export type BlobRefsFile = z.infer<typeof blobRefsFileSchema>;

/** The blob-refs file of a PoA's blobs; `blobs` in any order (written ascending by asset). */
export function blobRefsFileOf(poa: PoaDocument, blobs: ReadonlyArray<{ asset: number; ref: BlobRef }>): BlobRefsFile {
  return validate({
    format: BLOB_REFS_FORMAT,
    version: 1,
    chainId: poa.chainId,
    ledger: poa.ledger,
    member: poa.member,
    t: poa.t,
    requestId: poa.requestId,
    blobs: [...blobs].sort((a, b) => a.asset - b.asset),
  });
}

function validate(json: unknown, file = "blob-refs.json"): BlobRefsFile {
  const parsed = blobRefsFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PoaFormatError(`${file}: field ${issue.path.map(String).join(".") || "(top level)"}: ${issue.message}`);
  }
  const f = parsed.data;
  for (let i = 1; i < f.blobs.length; i++) {
    if (f.blobs[i].asset <= f.blobs[i - 1].asset) {
      throw new PoaFormatError(`${file}: field blobs.${i}.asset: assets must be strictly ascending (duplicate?)`);
    }
  }
  return { ...f, ledger: getAddress(f.ledger.toLowerCase()), member: getAddress(f.member.toLowerCase()) };
}

/** Parses a blob-refs file's text. */
export function parseBlobRefsFile(text: string, file = "blob-refs.json"): BlobRefsFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new PoaFormatError(`${file}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  return validate(json, file);
}

/** Reads and validates a blob-refs file. */
export async function readBlobRefsFile(file: string): Promise<BlobRefsFile> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new PoaFormatError(`${file}: not readable (${(e as Error).message})`);
  }
  return parseBlobRefsFile(text, file);
}

/** Where `poa build` writes the refs of a PoA written to `out`: `poa-1.json` -> `poa-1.blob-refs.json`. */
export function blobRefsPathFor(out: string): string {
  return `${out.replace(/\.json$/i, "")}.blob-refs.json`;
}

/**
 * Writes a blob-refs file atomically and never over an existing file (src/files: a temporary sibling, fsynced, then
 * hard-linked to `path`, which fails if `path` exists).
 */
export async function writeBlobRefsFile(path: string, f: BlobRefsFile): Promise<void> {
  const text = JSON.stringify(validate(f, path), null, 2) + "\n";
  try {
    await writeFileAtomic(path, text);
  } catch (e) {
    if (isFileExists(e)) {
      throw new PoaFormatError(`blob-refs file ${basename(path)} already exists; refusing to overwrite it`);
    }
    throw new PoaFormatError(`cannot write blob-refs file ${path}: ${(e as Error).message}`);
  }
}
