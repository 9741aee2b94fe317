// The DA blob of a private asset (docs/protocol.md section 17.6): the asset's public-format blob (the PORB container:
// PoA and leaves) and the openings of its commitments, readable by the co-signing operators only. Hybrid
// encryption from Node's crypto: a random 32-byte content key encrypts the payload with ChaCha20-Poly1305; for each
// operator, X25519 between a fresh ephemeral key and the operator's encryption key, HKDF-SHA256 (salt = ephemeral
// public key || operator public key, info = "por.private.blob.v1" || context) gives the key that wraps the content
// key (ChaCha20-Poly1305 again). The associated data of both layers binds the context (chain, ledger, member,
// asset, t) and the header, so a blob moved to another set, or a header with a recipient changed, does not open.
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
/** The container's magic: "PORP" (private) then version 1. */
export const PRIVATE_BLOB_MAGIC = "PORP";
export const PRIVATE_BLOB_VERSION = 1;
const INFO = "por.private.blob.v1";
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

function encodePayload(p: PrivateBlobPayload): Uint8Array {
  const o = p.openings;
  const json = JSON.stringify({
    openings: {
      assets: o.assets.toString(),
      liabilities: o.liabilities.toString(),
      surplus: o.surplus.toString(),
      rA: o.rA.toString(),
      rL: o.rL.toString(),
      rS: o.rS.toString(),
    },
    inner: Buffer.from(p.inner).toString("base64"),
  });
  return toUtf8Bytes(json);
}

function decodePayload(bytes: Uint8Array): PrivateBlobPayload {
  const fail = (what: string) => new PrivateBlobError(`private blob payload: ${what}`);
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch {
    throw fail("not JSON");
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw fail("is not a JSON object");
  const obj = v as { openings?: unknown; inner?: unknown };
  if (typeof obj.inner !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(obj.inner) || obj.inner.length % 4 !== 0) {
    throw fail("`inner` is not a base64 string");
  }
  if (typeof obj.openings !== "object" || obj.openings === null || Array.isArray(obj.openings)) {
    throw fail("`openings` is not an object");
  }
  const openings = obj.openings as Record<string, unknown>;
  const num = (k: string): bigint => {
    const s = openings[k];
    if (typeof s !== "string" || !/^[0-9]+$/.test(s)) throw fail(`openings.${k} is not a decimal string`);
    return BigInt(s);
  };
  return {
    inner: new Uint8Array(Buffer.from(obj.inner, "base64")),
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
 * "PORP", version byte, uint32 big-endian header length, the header (JSON: ephemeral key, nonces, wrapped keys),
 * then the payload's ciphertext and tag (associated data: context bytes and header).
 */
export function sealPrivateBlob(
  payload: PrivateBlobPayload,
  recipients: readonly BlobRecipient[],
  context: PrivateBlobContext,
): Uint8Array {
  if (recipients.length === 0) throw new PrivateBlobError("a private blob needs at least one recipient");
  const ctx = blobContextBytes(context);
  const eph = generateKeyPairSync("x25519");
  const ephRaw = rawPublic(eph.publicKey);
  const contentKey = randomBytes(32);
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
    const shared = sharedSecret(eph.privateKey, publicKeyObject(r.publicKey, operator), () => {
      return new PrivateBlobError(
        `operator ${operator}'s encryption key ${hexlify(r.publicKey)} gives an all-zero X25519 shared secret (a ` +
          "low-order point): no blob can be sealed to it; the registry must not list it (operator encryption-key)",
      );
    });
    const kek = wrapKey(shared, ephRaw, r.publicKey, ctx);
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
  const body = seal(contentKey, getBytes(header.nonce), encodePayload(payload), aad);
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
  if (bytes[4] !== PRIVATE_BLOB_VERSION) throw new PrivateBlobError(`private blob version ${bytes[4]} is not 1`);
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
  return decodePayload(plain);
}

/** keccak256 of a blob's bytes (the committed blobDigest of a private asset is over the ciphertext). */
export function privateBlobDigest(bytes: Uint8Array): string {
  return keccak256(bytes);
}
