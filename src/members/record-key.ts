// A member's record key for registration: from a por.keystore file (public part only) or raw coordinates.
import { readFile } from "node:fs/promises";

import { FIELD_P, KEY_DOMAIN, inCurve } from "../crypto/index.js";
import { parseKeystore } from "../keys/index.js";

/** The public record key with its hash `Poseidon(KEY_DOMAIN, Ax, Ay)`. */
export interface RecordKeyPublic {
  ax: bigint;
  ay: bigint;
  keyHash: bigint;
}

/** Poseidon over field elements (the crypto backend's, or any circomlib-compatible one). */
export type Poseidon = (inputs: readonly bigint[]) => bigint;

/** Check a Baby Jubjub public key and compute its key hash. */
export function recordKeyFromCoordinates(poseidon: Poseidon, ax: bigint, ay: bigint): RecordKeyPublic {
  if (ax < 0n || ax >= FIELD_P || ay < 0n || ay >= FIELD_P) throw new Error("Ax and Ay must be field elements");
  if (!inCurve([ax, ay])) throw new Error("(Ax, Ay) is not a point on Baby Jubjub");
  return { ax, ay, keyHash: poseidon([KEY_DOMAIN, ax, ay]) };
}

/**
 * Read the public key of a por.keystore file (no password needed) and recompute its key hash; refuses a file whose
 * stored keyHash disagrees.
 */
export async function recordKeyFromKeystore(poseidon: Poseidon, file: string): Promise<RecordKeyPublic> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, "utf8"));
  } catch (e) {
    throw new Error(`${file}: cannot read keystore JSON (${(e as Error).message})`);
  }
  const ks = parseKeystore(json, file);
  const key = recordKeyFromCoordinates(poseidon, BigInt(ks.publicKey.Ax), BigInt(ks.publicKey.Ay));
  if (key.keyHash !== BigInt(ks.publicKey.keyHash)) {
    throw new Error(`${file}: field publicKey.keyHash does not equal Poseidon(KEY_DOMAIN, Ax, Ay)`);
  }
  return key;
}
