// A private blob ("PORP" v2) written outside the library, as a member that does not use src/private/blob.ts can
// write one: the same layout, key schedule and associated data (docs/protocol.md 17.6), with the parts an attacker
// chooses exposed: a per-recipient content key (a wrap that locks that recipient out), a random ephemeral key (not
// derived from the content key), any plaintext bytes. The attack tests build their malformed blobs with it.
import {
  createCipheriv,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from "node:crypto";

import { getAddress, getBytes, hexlify, toUtf8Bytes } from "ethers";

import {
  PRIVATE_BLOB_VERSION,
  blobContextBytes,
  type BlobRecipient,
  type PrivateBlobContext,
} from "../../src/private/index.js";

export interface RawSealOptions {
  /** Per recipient index: the content key wrapped to it instead of the payload's. */
  contentKeys?: Record<number, Uint8Array>;
  /** A fresh random ephemeral key instead of the one the content key derives. */
  randomEphemeral?: boolean;
  /** Per recipient index: the entry's `key` named as given, no exchange with it, a random `wrapped` (a key no sealer
   * can exchange with, e.g. a low-order point). */
  forgedKeys?: Record<number, Uint8Array>;
}

function aead(key: Uint8Array, nonce: Uint8Array, plain: Uint8Array, aad: Uint8Array): Uint8Array {
  const c = createCipheriv("chacha20-poly1305", key, nonce, { authTagLength: 16 });
  c.setAAD(aad, { plaintextLength: plain.length });
  return new Uint8Array(Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]));
}

function x25519Private(raw: Uint8Array): KeyObject {
  const der = Buffer.concat([Buffer.from("302e020100300506032b656e04220420", "hex"), raw]);
  return createPrivateKey({ key: der, format: "der", type: "pkcs8" });
}

function rawPublicOf(key: KeyObject): Uint8Array {
  return new Uint8Array(Buffer.from(createPublicKey(key).export({ format: "jwk" }).x!, "base64url"));
}

/** The blob's header, parsed, and its body (the payload's ciphertext). */
export function headerOf(blob: Uint8Array): { header: Record<string, unknown>; body: Uint8Array } {
  const len = Buffer.from(blob).readUInt32BE(5);
  return {
    header: JSON.parse(Buffer.from(blob.subarray(9, 9 + len)).toString("utf8")) as Record<string, unknown>,
    body: blob.subarray(9 + len),
  };
}

/** A blob of the current version with `headerJson` as its header and `body` after it. */
export function withHeader(headerJson: string, body: Uint8Array): Uint8Array {
  const h = Buffer.from(headerJson, "utf8");
  const prefix = Buffer.alloc(9);
  prefix.write("PORP", 0, "ascii");
  prefix.writeUInt8(PRIVATE_BLOB_VERSION, 4);
  prefix.writeUInt32BE(h.length, 5);
  return new Uint8Array(Buffer.concat([prefix, h, body]));
}

/**
 * `plain` (an encoded payload: `encodePrivateBlobPayload`, or any bytes) sealed to `recipients` under `context` as
 * sealPrivateBlob does, with the attacker's choices of `options`.
 */
export function sealRaw(
  plain: Uint8Array,
  recipients: readonly BlobRecipient[],
  context: PrivateBlobContext,
  options: RawSealOptions = {},
): Uint8Array {
  const ctx = blobContextBytes(context);
  const contentKey = randomBytes(32);
  const ephPrivate = options.randomEphemeral
    ? generateKeyPairSync("x25519").privateKey
    : x25519Private(
        new Uint8Array(
          hkdfSync(
            "sha256",
            contentKey,
            new Uint8Array(0),
            Buffer.concat([Buffer.from("por.private.blob.eph"), ctx]),
            32,
          ),
        ),
      );
  const ephRaw = rawPublicOf(ephPrivate);
  const header = {
    v: PRIVATE_BLOB_VERSION,
    eph: hexlify(ephRaw),
    nonce: hexlify(randomBytes(12)),
    recipients: recipients.map((r, i) => {
      const operator = getAddress(r.operator);
      const forged = options.forgedKeys?.[i];
      if (forged !== undefined) {
        return { operator, key: hexlify(forged), nonce: hexlify(randomBytes(12)), wrapped: hexlify(randomBytes(48)) };
      }
      const publicKey = createPublicKey({
        key: { kty: "OKP", crv: "X25519", x: Buffer.from(r.publicKey).toString("base64url") },
        format: "jwk",
      });
      const shared = diffieHellman({ privateKey: ephPrivate, publicKey });
      const kek = new Uint8Array(
        hkdfSync(
          "sha256",
          shared,
          Buffer.concat([ephRaw, r.publicKey]),
          Buffer.concat([Buffer.from("por.private.blob.v1"), ctx]),
          32,
        ),
      );
      const nonce = randomBytes(12);
      const wrapped = aead(
        kek,
        nonce,
        options.contentKeys?.[i] ?? contentKey,
        new Uint8Array(Buffer.concat([ctx, getBytes(operator)])),
      );
      return { operator, key: hexlify(r.publicKey), nonce: hexlify(nonce), wrapped: hexlify(wrapped) };
    }),
  };
  const headerBytes = toUtf8Bytes(JSON.stringify(header));
  const body = aead(contentKey, getBytes(header.nonce), plain, new Uint8Array(Buffer.concat([ctx, headerBytes])));
  return withHeader(JSON.stringify(header), body);
}
