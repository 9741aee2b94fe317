// The DA blob of a private asset (docs/protocol.md section 17.6): the asset's public-format blob (the PORB container:
// PoA and leaves) and the openings of its commitments, readable by the co-signing operators only. Hybrid
// encryption from Node's crypto: a random 32-byte content key encrypts the payload with ChaCha20-Poly1305; for each
// operator, X25519 between a fresh ephemeral key and the operator's encryption key, HKDF-SHA256 (salt = ephemeral
// public key || operator public key, info = "por.private.blob.v1" || context) gives the key that wraps the content
// key (ChaCha20-Poly1305 again). The associated data of both layers binds the context (chain, ledger, member,
// asset, t) and the header, so a blob moved to another set, or a header with a recipient changed, does not open.
// The ephemeral key is derived from the content key (HKDF-SHA256, info = "por.private.blob.eph" || context), so every
// recipient that opens the blob re-derives it and checks every other recipient's wrapped key too: a member cannot lock
// one listed recipient out (a wrap that opens to another key) without every recipient that can read the blob seeing
// it (`openPrivateBlob` refuses such a blob).
// Version 2 pads the payload to a size bucket (a power of two, at least 64 KiB): the ciphertext's length tells the
// public the payload's size only to within a factor of 2 (docs/threat-model.md), not the user count.
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from "node:crypto";

import { AbiCoder, getAddress, getBytes, hexlify, keccak256, toUtf8Bytes } from "ethers";

import type { PrivateOpenings } from "./pedersen.js";

const coder = AbiCoder.defaultAbiCoder();
/** The container's magic: "PORP" (private) then version 2 (the padded payload). */
export const PRIVATE_BLOB_MAGIC = "PORP";
export const PRIVATE_BLOB_VERSION = 2;
/** The smallest padded payload (bytes): every blob of a payload up to it has the same length. */
export const PRIVATE_BLOB_MIN_BUCKET = 1 << 16;
/** The largest padded payload (bytes; the PORB container's own limit is below it). */
export const PRIVATE_BLOB_MAX_BUCKET = 2 ** 31;
// The key-derivation and context labels keep their v1 names (the layout changed, not the key schedule).
const INFO = "por.private.blob.v1";
/** The HKDF info label of the ephemeral key derived from the content key (before the context bytes). */
const EPH_INFO = "por.private.blob.eph";
const TAG = 16;
const NONCE = 12;

/** A private blob could not be built or opened; names what. */
export class PrivateBlobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PrivateBlobError";
  }
}

/** What a private blob is bound to (the same fields as the proofs' context, less the subject). */
export interface PrivateBlobContext {
  chainId: bigint;
  ledger: string;
  member: string;
  asset: number;
  t: bigint;
}

/** An operator's X25519 encryption key pair, raw 32-byte keys. */
export interface EncryptionKeyPair {
  publicKey: Uint8Array;
  privateKey: Uint8Array;
}

/** A recipient: the operator's address and its registered X25519 public key. */
export interface BlobRecipient {
  operator: string;
  publicKey: Uint8Array;
}

/** What a private blob carries. */
export interface PrivateBlobPayload {
  /** The asset's blob in the public format (PORB container: PoA and leaves). */
  inner: Uint8Array;
  openings: PrivateOpenings;
}

interface Header {
  v: number;
  eph: string;
  nonce: string;
  /** Per recipient: its address, the X25519 key the content key was wrapped to (public: anyone compares it with the
   * key the registry holds for the operator at t), the nonce and the wrapped key. */
  recipients: { operator: string; key: string; nonce: string; wrapped: string }[];
}

/** A recipient as the header lists it. */
export interface HeaderRecipient {
  operator: string;
  /** The X25519 public key, 0x hex, the content key was wrapped to. */
  key: string;
}

/**
 * Checks that `pair` is an X25519 key pair (its public key is its private key's): the node's own key, checked before
 * a blob is opened so that a broken configuration is never taken for a member's fault.
 */
export function checkEncryptionKeyPair(pair: EncryptionKeyPair): void {
  const derived = encryptionKeyFromPrivate(pair.privateKey).publicKey;
  if (hexlify(derived) !== hexlify(pair.publicKey)) {
    throw new PrivateBlobError(`the key pair's public key ${hexlify(pair.publicKey)} is not its private key's`);
  }
}

/** A fresh X25519 key pair. */
export function generateEncryptionKey(): EncryptionKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync("x25519");
  return { publicKey: rawPublic(publicKey), privateKey: rawPrivate(privateKey) };
}

/**
 * The key pair of a raw 32-byte X25519 private key (any 32 bytes are one: X25519 clamps them), e.g. the operator's
 * configuration variable POR_ENCRYPTION_KEY.
 */
export function encryptionKeyFromPrivate(privateKey: Uint8Array): EncryptionKeyPair {
  if (privateKey.length !== 32) {
    throw new PrivateBlobError(`an X25519 private key has 32 bytes, not ${privateKey.length}`);
  }
  // PKCS#8 DER of an X25519 private key: the fixed 16-byte prefix (RFC 8410) and the raw key.
  const der = Buffer.concat([Buffer.from("302e020100300506032b656e04220420", "hex"), privateKey]);
  const key = createPrivateKey({ key: der, format: "der", type: "pkcs8" });
  return { publicKey: rawPublic(createPublicKey(key)), privateKey: new Uint8Array(privateKey) };
}

function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64url");
}
function rawPublic(k: KeyObject): Uint8Array {
  return new Uint8Array(Buffer.from(k.export({ format: "jwk" }).x!, "base64url"));
}
function rawPrivate(k: KeyObject): Uint8Array {
  return new Uint8Array(Buffer.from(k.export({ format: "jwk" }).d!, "base64url"));
}
function publicKeyObject(raw: Uint8Array, what: string): KeyObject {
  if (raw.length !== 32) throw new PrivateBlobError(`${what}: an X25519 public key has 32 bytes, not ${raw.length}`);
  try {
    return createPublicKey({ key: { kty: "OKP", crv: "X25519", x: b64url(raw) }, format: "jwk" });
  } catch (e) {
    throw new PrivateBlobError(`${what}: ${hexlify(raw)} is not an X25519 public key (${(e as Error).message})`);
  }
}
function privateKeyObject(pair: EncryptionKeyPair): KeyObject {
  if (pair.privateKey.length !== 32) throw new PrivateBlobError("an X25519 private key has 32 bytes");
  return createPrivateKey({
    key: { kty: "OKP", crv: "X25519", x: b64url(pair.publicKey), d: b64url(pair.privateKey) },
    format: "jwk",
  });
}

/** The context's bytes: `abi.encode("por.private.blob.v1", chainId, ledger, member, uint32 asset, uint64 t)`. */
export function blobContextBytes(c: PrivateBlobContext): Uint8Array {
  return getBytes(
    coder.encode(
      ["string", "uint256", "address", "address", "uint32", "uint64"],
      [INFO, c.chainId, getAddress(c.ledger), getAddress(c.member), c.asset, c.t],
    ),
  );
}

function seal(key: Uint8Array, nonce: Uint8Array, plain: Uint8Array, aad: Uint8Array): Uint8Array {
  const cipher = createCipheriv("chacha20-poly1305", key, nonce, { authTagLength: TAG });
  cipher.setAAD(aad, { plaintextLength: plain.length });
  return new Uint8Array(Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]));
}
function unseal(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array | undefined {
  if (sealed.length < TAG) return undefined;
  const body = sealed.subarray(0, sealed.length - TAG);
  const decipher = createDecipheriv("chacha20-poly1305", key, nonce, { authTagLength: TAG });
  decipher.setAAD(aad, { plaintextLength: body.length });
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG));
  try {
    return new Uint8Array(Buffer.concat([decipher.update(body), decipher.final()]));
  } catch {
    return undefined;
  }
}
/** X25519 of `privateKey` and `publicKey`; `onFail()` is thrown when it fails (a low-order key: all-zero secret). */
function sharedSecret(privateKey: KeyObject, publicKey: KeyObject, onFail: () => Error): Uint8Array {
  let shared: Buffer;
  try {
    shared = diffieHellman({ privateKey, publicKey });
  } catch {
    throw onFail();
  }
  if (shared.every((b) => b === 0)) throw onFail();
  return new Uint8Array(shared);
}
function wrapKey(shared: Uint8Array, eph: Uint8Array, recipient: Uint8Array, context: Uint8Array): Uint8Array {
  const salt = Buffer.concat([eph, recipient]);
  const info = Buffer.concat([Buffer.from(INFO), context]);
  return new Uint8Array(hkdfSync("sha256", shared, salt, info, 32));
}
function wrapAad(context: Uint8Array, operator: string): Uint8Array {
  return new Uint8Array(Buffer.concat([context, getBytes(getAddress(operator))]));
}

/**
 * The padded payload's size for `n` bytes of content: the next power of two, at least {@link PRIVATE_BLOB_MIN_BUCKET}.
 * The blob's length reveals only this bucket.
 */
export function privateBlobBucket(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new PrivateBlobError(`a payload of ${n} bytes has no bucket`);
  let b = PRIVATE_BLOB_MIN_BUCKET;
  while (b < n) b *= 2;
  if (b > PRIVATE_BLOB_MAX_BUCKET) {
    throw new PrivateBlobError(`a payload of ${n} bytes exceeds the largest bucket (${PRIVATE_BLOB_MAX_BUCKET} bytes)`);
  }
  return b;
}

/**
 * The plaintext (version 2): uint32 big-endian length of the openings' JSON, uint32 big-endian length of the inner
 * blob, the JSON, the inner blob's bytes, then zeros up to {@link privateBlobBucket} of the whole.
 */
export function encodePrivateBlobPayload(p: PrivateBlobPayload): Uint8Array {
  const o = p.openings;
  const json = toUtf8Bytes(
    JSON.stringify({
      assets: o.assets.toString(),
      liabilities: o.liabilities.toString(),
      surplus: o.surplus.toString(),
      rA: o.rA.toString(),
      rL: o.rL.toString(),
      rS: o.rS.toString(),
    }),
  );
  const n = 8 + json.length + p.inner.length;
  const out = Buffer.alloc(privateBlobBucket(n));
  out.writeUInt32BE(json.length, 0);
  out.writeUInt32BE(p.inner.length, 4);
  out.set(json, 8);
  out.set(p.inner, 8 + json.length);
  return new Uint8Array(out);
}

/** The payload of a decrypted plaintext; refuses a length past the end, another bucket, non-zero padding. */
export function decodePrivateBlobPayload(bytes: Uint8Array): PrivateBlobPayload {
  const fail = (what: string) => new PrivateBlobError(`private blob payload: ${what}`);
  if (bytes.length < 8) throw fail(`${bytes.length} bytes, shorter than its two lengths`);
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const jsonLength = buf.readUInt32BE(0);
  const innerLength = buf.readUInt32BE(4);
  const n = 8 + jsonLength + innerLength;
  if (n > bytes.length) throw fail(`lengths ${jsonLength} + ${innerLength} run past its ${bytes.length} bytes`);
  if (bytes.length !== privateBlobBucket(n)) {
    throw fail(`padded to ${bytes.length} bytes, not to the bucket of its ${n} bytes (${privateBlobBucket(n)})`);
  }
  if (bytes.subarray(n).some((b) => b !== 0)) throw fail("padding is not zeros");
  let v: unknown;
  try {
    v = JSON.parse(buf.subarray(8, 8 + jsonLength).toString("utf8"));
  } catch {
    throw fail("openings are not JSON");
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw fail("openings are not a JSON object");
  const openings = v as Record<string, unknown>;
  const num = (k: string): bigint => {
    const s = openings[k];
    if (typeof s !== "string" || !/^[0-9]+$/.test(s)) throw fail(`openings.${k} is not a decimal string`);
    return BigInt(s);
  };
  return {
    inner: new Uint8Array(bytes.subarray(8 + jsonLength, n)),
    openings: {
      assets: num("assets"),
      liabilities: num("liabilities"),
      surplus: num("surplus"),
      rA: num("rA"),
      rL: num("rL"),
      rS: num("rS"),
    },
  };
}

/**
 * Encrypts a private asset's payload to `recipients` (each operator's X25519 key) under `context`. Layout:
 * "PORP", version byte (2), uint32 big-endian header length, the header (JSON: ephemeral key, nonces, wrapped keys),
 * then the padded payload's ciphertext and tag (associated data: context bytes and header).
 */
export function sealPrivateBlob(
  payload: PrivateBlobPayload,
  recipients: readonly BlobRecipient[],
  context: PrivateBlobContext,
): Uint8Array {
  if (recipients.length === 0) throw new PrivateBlobError("a private blob needs at least one recipient");
  const ctx = blobContextBytes(context);
  const contentKey = randomBytes(32);
  const eph = ephemeralOf(contentKey, ctx);
  const ephRaw = eph.publicKey;
  const seen = new Set<string>();
  const header: Header = {
    v: PRIVATE_BLOB_VERSION,
    eph: hexlify(ephRaw),
    nonce: hexlify(randomBytes(NONCE)),
    recipients: [],
  };
  for (const r of recipients) {
    const operator = getAddress(r.operator);
    if (seen.has(operator)) throw new PrivateBlobError(`recipient ${operator} is listed twice`);
    seen.add(operator);
    const kek = wrapKeyFor(eph, r.publicKey, operator, ctx);
    const nonce = randomBytes(NONCE);
    header.recipients.push({
      operator,
      key: hexlify(r.publicKey),
      nonce: hexlify(nonce),
      wrapped: hexlify(seal(kek, nonce, contentKey, wrapAad(ctx, operator))),
    });
  }
  const headerBytes = toUtf8Bytes(JSON.stringify(header));
  const aad = Buffer.concat([ctx, headerBytes]);
  const body = seal(contentKey, getBytes(header.nonce), encodePrivateBlobPayload(payload), aad);
  const prefix = Buffer.alloc(9);
  prefix.write(PRIVATE_BLOB_MAGIC, 0, "ascii");
  prefix.writeUInt8(PRIVATE_BLOB_VERSION, 4);
  prefix.writeUInt32BE(headerBytes.length, 5);
  return new Uint8Array(Buffer.concat([prefix, headerBytes, body]));
}

/** Whether `bytes` start as a private blob (the "PORP" magic). */
export function isPrivateBlob(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && Buffer.from(bytes.subarray(0, 4)).toString("ascii") === PRIVATE_BLOB_MAGIC;
}

/** The operators a private blob is encrypted to (readable without a key). */
export function privateBlobRecipients(bytes: Uint8Array): string[] {
  return parse(bytes).header.recipients.map((r) => r.operator);
}

/** The recipients a private blob's header lists, each with the key it names (readable without a key). */
export function privateBlobHeaderRecipients(bytes: Uint8Array): HeaderRecipient[] {
  return parse(bytes).header.recipients.map((r) => ({ operator: r.operator, key: r.key }));
}

function parse(bytes: Uint8Array): { header: Header; headerBytes: Uint8Array; body: Uint8Array } {
  if (!isPrivateBlob(bytes)) throw new PrivateBlobError("not a private blob (no PORP magic)");
  if (bytes.length < 9) throw new PrivateBlobError("private blob truncated in its prefix");
  if (bytes[4] !== PRIVATE_BLOB_VERSION) {
    throw new PrivateBlobError(
      `private blob version ${bytes[4]} is not ${PRIVATE_BLOB_VERSION} (the one this build reads)`,
    );
  }
  const len = Buffer.from(bytes).readUInt32BE(5);
  if (9 + len > bytes.length) throw new PrivateBlobError(`private blob header of ${len} bytes runs past the end`);
  const headerBytes = bytes.subarray(9, 9 + len);
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(headerBytes).toString("utf8"));
  } catch {
    throw new PrivateBlobError("private blob header is not JSON");
  }
  return { header: validHeader(raw), headerBytes, body: bytes.subarray(9 + len) };
}

/** `0x` and exactly `bytes` bytes of lowercase or uppercase hex. */
function isHex(v: unknown, bytes: number): v is string {
  return typeof v === "string" && v.length === 2 + 2 * bytes && /^0x[0-9a-fA-F]*$/.test(v);
}

/**
 * The header's shape, every field's type and length checked (a member may write any bytes): version 1, a 32-byte
 * ephemeral key, a 12-byte nonce, and per recipient a checksummed address (each once), a 32-byte key, a
 * 12-byte nonce and a 48-byte wrapped key (32-byte content key and tag). Throws {@link PrivateBlobError} naming the
 * field.
 */
function validHeader(raw: unknown): Header {
  const bad = (what: string) => new PrivateBlobError(`private blob header: ${what}`);
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw bad("is not a JSON object");
  const h = raw as Record<string, unknown>;
  if (h.v !== PRIVATE_BLOB_VERSION) throw bad(`version ${String(h.v)} is not ${PRIVATE_BLOB_VERSION}`);
  if (!isHex(h.eph, 32)) throw bad("eph is not a 32-byte hex key");
  if (!isHex(h.nonce, NONCE)) throw bad(`nonce is not ${NONCE} bytes of hex`);
  if (!Array.isArray(h.recipients)) throw bad("recipients is not an array");
  const seen = new Set<string>();
  const recipients = (h.recipients as unknown[]).map((e, i) => {
    const at = `recipient ${i}`;
    if (typeof e !== "object" || e === null || Array.isArray(e)) throw bad(`${at} is not an object`);
    const r = e as Record<string, unknown>;
    let operator: string;
    try {
      operator = getAddress(r.operator as string);
    } catch {
      throw bad(`${at}: operator is not an address`);
    }
    if (operator !== r.operator) throw bad(`${at}: operator ${String(r.operator)} is not checksummed`);
    if (seen.has(operator)) throw bad(`${at}: operator ${operator} is listed twice`);
    seen.add(operator);
    if (!isHex(r.key, 32)) throw bad(`${at} (${operator}): key is not a 32-byte hex key`);
    if (!isHex(r.nonce, NONCE)) throw bad(`${at} (${operator}): nonce is not ${NONCE} bytes of hex`);
    if (!isHex(r.wrapped, 32 + TAG)) throw bad(`${at} (${operator}): wrapped is not ${32 + TAG} bytes of hex`);
    return { operator, key: r.key, nonce: r.nonce, wrapped: r.wrapped };
  });
  return { v: PRIVATE_BLOB_VERSION, eph: h.eph, nonce: h.nonce, recipients };
}

/**
 * Decrypts a private blob as `operator` with its key pair under `context`. Throws {@link PrivateBlobError} naming
 * what failed: not a recipient, the wrapped key or the payload does not authenticate (another context, a changed
 * header or ciphertext, another key), a malformed payload.
 */
export function openPrivateBlob(
  bytes: Uint8Array,
  operator: string,
  key: EncryptionKeyPair,
  context: PrivateBlobContext,
): PrivateBlobPayload {
  const { header, headerBytes, body } = parse(bytes);
  const me = getAddress(operator);
  const entry = header.recipients.find((r) => r.operator === me);
  if (entry === undefined) throw new PrivateBlobError(`operator ${me} is not a recipient of this private blob`);
  const ctx = blobContextBytes(context);
  const ephRaw = getBytes(header.eph);
  const mine = privateKeyObject(key);
  const shared = sharedSecret(mine, publicKeyObject(ephRaw, "ephemeral key"), () => {
    return new PrivateBlobError(
      `the blob's ephemeral key ${header.eph} gives an all-zero X25519 shared secret (a low-order point)`,
    );
  });
  const kek = wrapKey(shared, ephRaw, key.publicKey, ctx);
  const contentKey = unseal(kek, getBytes(entry.nonce), getBytes(entry.wrapped), wrapAad(ctx, me));
  if (contentKey === undefined) {
    throw new PrivateBlobError(`the content key for ${me} does not authenticate (another key or another set)`);
  }
  const plain = unseal(contentKey, getBytes(header.nonce), body, new Uint8Array(Buffer.concat([ctx, headerBytes])));
  if (plain === undefined) throw new PrivateBlobError("the private blob's payload does not authenticate");
  checkEveryWrap(header, contentKey, ctx);
  return decodePrivateBlobPayload(plain);
}

/** The blob's ephemeral X25519 key pair, derived from its content key and context. */
function ephemeralOf(contentKey: Uint8Array, ctx: Uint8Array): EncryptionKeyPair {
  const info = Buffer.concat([Buffer.from(EPH_INFO), ctx]);
  return encryptionKeyFromPrivate(new Uint8Array(hkdfSync("sha256", contentKey, new Uint8Array(0), info, 32)));
}

/** The key that wraps the content key for `recipient` (its public key), from the ephemeral side. */
function wrapKeyFor(eph: EncryptionKeyPair, recipient: Uint8Array, operator: string, ctx: Uint8Array): Uint8Array {
  const shared = sharedSecret(privateKeyObject(eph), publicKeyObject(recipient, operator), () => {
    return new PrivateBlobError(
      `operator ${operator}'s encryption key ${hexlify(recipient)} gives an all-zero X25519 shared secret (a ` +
        "low-order point): no blob can be sealed to it; the registry must not list it (operator encryption-key)",
    );
  });
  return wrapKey(shared, eph.publicKey, recipient, ctx);
}

/**
 * Checks, with the content key, that the header's ephemeral key is the one the content key derives and that every
 * recipient's wrapped key opens to the content key: a blob that locks any listed recipient out is refused.
 */
function checkEveryWrap(header: Header, contentKey: Uint8Array, ctx: Uint8Array): void {
  const eph = ephemeralOf(contentKey, ctx);
  if (hexlify(eph.publicKey) !== header.eph.toLowerCase()) {
    throw new PrivateBlobError("the blob's ephemeral key is not the one its content key derives");
  }
  for (const r of header.recipients) {
    const operator = getAddress(r.operator);
    const kek = wrapKeyFor(eph, getBytes(r.key), operator, ctx);
    const wrapped = unseal(kek, getBytes(r.nonce), getBytes(r.wrapped), wrapAad(ctx, operator));
    if (wrapped === undefined || Buffer.compare(Buffer.from(wrapped), Buffer.from(contentKey)) !== 0) {
      throw new PrivateBlobError(
        `the content key wrapped for ${operator} is not the blob's: the member locked that recipient out`,
      );
    }
  }
}

/** keccak256 of a blob's bytes (the committed blobDigest of a private asset is over the ciphertext). */
export function privateBlobDigest(bytes: Uint8Array): string {
  return keccak256(bytes);
}
