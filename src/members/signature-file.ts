// A reserve-ownership signature produced elsewhere (a contract wallet's signers), read from a JSON file.
import { readFile } from "node:fs/promises";

import { getAddress, isAddress } from "ethers";
import { z } from "zod";

const address = z.string().refine((v) => isAddress(v), "must be a 0x-prefixed 20-byte address");
const uint = z
  .union([z.string().regex(/^[0-9]+$/, "must be a decimal integer string"), z.number().int().nonnegative()])
  .transform((v) => BigInt(v));

/** Schema of a signature file (`por.reserve-signature` v1). */
export const reserveSignatureFileSchema = z.strictObject({
  format: z.literal("por.reserve-signature"),
  version: z.literal(1),
  member: address,
  wallet: address,
  deadline: uint.refine((v) => v < 2n ** 64n, "must fit in 64 bits"),
  nonce: uint,
  signature: z.string().regex(/^0x([0-9a-fA-F]{2})*$/, "must be 0x-prefixed hex bytes"),
});

/** A parsed signature file. */
export interface ReserveSignatureFile {
  member: string;
  wallet: string;
  deadline: bigint;
  nonce: bigint;
  signature: string;
}

/** Parse a signature file's text; errors say file and field. */
export function parseReserveSignatureFile(text: string, file: string): ReserveSignatureFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const parsed = reserveSignatureFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: field ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  const d = parsed.data;
  return {
    member: getAddress(d.member),
    wallet: getAddress(d.wallet),
    deadline: d.deadline,
    nonce: d.nonce,
    signature: d.signature,
  };
}

/** Read and parse a signature file. */
export async function readReserveSignatureFile(file: string): Promise<ReserveSignatureFile> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new Error(`${file}: cannot read (${(e as Error).message})`);
  }
  return parseReserveSignatureFile(text, file);
}
