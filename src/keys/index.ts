// Member record keys: generation and an encrypted, versioned keystore file (scrypt + AES-256-GCM).
// The keystore holds two secrets: the EdDSA record private key and the member secret used for account salts,
// slots and file names. Neither is ever written in plain text.
import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCb, type ScryptOptions } from "node:crypto";
import { readFile } from "node:fs/promises";
import { basename } from "node:path";

import { z } from "zod";

import { isFileExists, writeFileAtomic } from "../files/index.js";
import { WEAK_KEY_REASON, isInPrimeSubgroup, type Crypto, type Point } from "../crypto/index.js";
import { InputError, zodIssue } from "../ledger/index.js";
import { recordKeyHash } from "../records/index.js";

/** The two secrets of a member's snapshot service. */
export interface MemberKeys {
  /** 32-byte EdDSA-Poseidon private key (circomlibjs convention). */
  recordKey: Uint8Array;
  /** 32-byte secret for account salts, slot assignment and record file names. */
  memberSecret: Uint8Array;
}

/** Scrypt cost parameters. */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** Production scrypt parameters (about 128 MiB of memory, well under a second). */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };

const hex = (n: number) => z.string().regex(new RegExp(`^[0-9a-f]{${n * 2}}$`), `must be ${n} bytes of lowercase hex`);
const dec = z.string().regex(/^(0|[1-9][0-9]*)$/, "must be a decimal integer string");

/** Keystore file, version 1. */
export const keystoreSchema = z.strictObject({
  format: z.literal("por.keystore"),
  version: z.literal(1),
  member: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed address"),
  publicKey: z.strictObject({ Ax: dec, Ay: dec, keyHash: dec }),
  kdf: z.strictObject({
    name: z.literal("scrypt"),
    N: z
      .number()
      .int()
      .min(2 ** 10)
      .max(2 ** 22),
    r: z.number().int().min(1).max(32),
    p: z.number().int().min(1).max(16),
    salt: hex(32),
  }),
  cipher: z.strictObject({ name: z.literal("aes-256-gcm"), iv: hex(12), tag: hex(16), ciphertext: hex(64) }),
});

/** The parsed keystore file. */
export type KeystoreFile = z.infer<typeof keystoreSchema>;

/** Generates fresh member keys from the OS CSPRNG. */
export function generateMemberKeys(): MemberKeys {
  return { recordKey: randomBytes(32), memberSecret: randomBytes(32) };
}

function scrypt(password: string, salt: Buffer, p: ScryptParams): Promise<Buffer> {
  const opts: ScryptOptions = { N: p.N, r: p.r, p: p.p, maxmem: 256 * p.N * p.r + 16 * 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize("NFKC"), salt, 32, opts, (e, k) => (e ? reject(e) : resolve(k))),
  );
}

/** The authenticated header: everything except the ciphertext and tag, so no field can be swapped unnoticed. */
function aad(f: Omit<KeystoreFile, "cipher"> & { cipher: { iv: string } }): Buffer {
  return Buffer.from(
    JSON.stringify([f.format, f.version, f.member.toLowerCase(), f.publicKey, f.kdf, f.cipher.iv]),
    "utf8",
  );
}

/** Encrypts member keys under a password into a keystore object. */
export async function encryptKeystore(
  crypto: Crypto,
  keys: MemberKeys,
  member: string,
  password: string,
  params: ScryptParams = DEFAULT_SCRYPT,
): Promise<KeystoreFile> {
  if (password.length < 8) throw new Error("the keystore password must have at least 8 characters");
  if (!/^0x[0-9a-fA-F]{40}$/.test(member)) throw new Error("member must be a 0x-prefixed address");
  const [ax, ay] = crypto.publicKey(keys.recordKey);
  if (!isInPrimeSubgroup([ax, ay])) throw new Error(`the ${WEAK_KEY_REASON}; refusing to store it`);
  const salt = randomBytes(32);
  const iv = randomBytes(12);
  const header = {
    format: "por.keystore" as const,
    version: 1 as const,
    member,
    publicKey: {
      Ax: ax.toString(),
      Ay: ay.toString(),
      keyHash: recordKeyHash((i) => crypto.poseidon(i), ax, ay).toString(),
    },
    kdf: { name: "scrypt" as const, ...params, salt: salt.toString("hex") },
  };
  const key = await scrypt(password, salt, params);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(aad({ ...header, cipher: { iv: iv.toString("hex") } }));
  const ct = Buffer.concat([cipher.update(Buffer.concat([keys.recordKey, keys.memberSecret])), cipher.final()]);
  return {
    ...header,
    cipher: {
      name: "aes-256-gcm",
      iv: iv.toString("hex"),
      tag: cipher.getAuthTag().toString("hex"),
      ciphertext: ct.toString("hex"),
    },
  };
}

/** Validates a keystore object read from `file`; refuses a public key outside the prime-order subgroup. */
export function parseKeystore(json: unknown, file = "keystore.json"): KeystoreFile {
  const r = keystoreSchema.safeParse(json);
  if (!r.success) {
    const { field, reason } = zodIssue(r.error);
    throw new InputError(file, undefined, field, reason);
  }
  const A: Point = [BigInt(r.data.publicKey.Ax), BigInt(r.data.publicKey.Ay)];
  if (!isInPrimeSubgroup(A)) throw new InputError(file, undefined, "publicKey", WEAK_KEY_REASON);
  return r.data;
}

/** Decrypts a keystore; a wrong password or any tampering fails with one clear error. */
export async function decryptKeystore(crypto: Crypto, ks: KeystoreFile, password: string): Promise<MemberKeys> {
  const key = await scrypt(password, Buffer.from(ks.kdf.salt, "hex"), ks.kdf);
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(ks.cipher.iv, "hex"));
  decipher.setAAD(aad(ks));
  decipher.setAuthTag(Buffer.from(ks.cipher.tag, "hex"));
  let plain: Buffer;
  try {
    plain = Buffer.concat([decipher.update(Buffer.from(ks.cipher.ciphertext, "hex")), decipher.final()]);
  } catch {
    throw new Error("cannot decrypt the keystore: wrong password, or the file was modified");
  }
  const keys = { recordKey: plain.subarray(0, 32), memberSecret: plain.subarray(32, 64) };
  const [ax, ay] = crypto.publicKey(keys.recordKey);
  if (ax.toString() !== ks.publicKey.Ax || ay.toString() !== ks.publicKey.Ay) {
    throw new Error("the keystore's public key does not match its private key");
  }
  return keys;
}

/** Writes a keystore file (mode 0600) atomically; refuses to overwrite an existing file. */
export async function writeKeystoreFile(path: string, ks: KeystoreFile): Promise<void> {
  try {
    await writeFileAtomic(path, JSON.stringify(ks, null, 2) + "\n", { mode: 0o600 });
  } catch (e) {
    if (isFileExists(e)) throw new Error(`keystore ${basename(path)} already exists; refusing to overwrite it`);
    throw new Error(`cannot write keystore ${basename(path)}: ${(e as Error).message}`);
  }
}

/** Reads and decrypts a keystore file. */
export async function loadKeystoreFile(
  crypto: Crypto,
  path: string,
  password: string,
): Promise<{ file: KeystoreFile; keys: MemberKeys }> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, "utf8"));
  } catch (e) {
    throw new InputError(path, undefined, undefined, `cannot read keystore JSON (${(e as Error).message})`);
  }
  const file = parseKeystore(json, path);
  return { file, keys: await decryptKeystore(crypto, file, password) };
}
