// The crypto of the web page (web/): Poseidon from poseidon-lite (pure JavaScript over BigInt, circomlib's constants;
// circomlibjs's WebAssembly Poseidon would bring 1.6 MB of constants for all sixteen widths), and the project's own
// EdDSA-Poseidon verification and tree kernels over it. Only the widths the record checks, the tree and the fraud
// statement hash are bundled; any other width is refused. test/web checks it against src/crypto on every record test
// vector, in Chromium. No Node built-in.
import { poseidon2 } from "poseidon-lite/poseidon2";
import { poseidon3 } from "poseidon-lite/poseidon3";
import { poseidon4 } from "poseidon-lite/poseidon4";
import { poseidon5 } from "poseidon-lite/poseidon5";
import { poseidon8 } from "poseidon-lite/poseidon8";

import type { Point } from "./babyjub.js";
import { verifyJs, type Signature } from "./eddsa-verify.js";
import { FIELD_P, readLE32, writeLE32 } from "./field.js";
import type { BytePoseidon, PoseidonFn } from "./poseidon-js.js";
import { hashLeavesJs, hashLevelJs } from "./tree-kernels.js";

type Lite = (inputs: bigint[]) => bigint;

/** Poseidon widths the page hashes: leaf, nullifier (2), key hash (3), node, account key (4), EdDSA (5), message (8). */
const WIDTHS: ReadonlyMap<number, Lite> = new Map<number, Lite>([
  [2, poseidon2],
  [3, poseidon3],
  [4, poseidon4],
  [5, poseidon5],
  [8, poseidon8],
]);

/** Poseidon over 2, 3, 4, 5 or 8 field elements; throws a RangeError for another width or an input >= p. */
export const browserPoseidon: PoseidonFn = (inputs) => {
  const hash = WIDTHS.get(inputs.length);
  if (hash === undefined) {
    throw new RangeError(`the page's Poseidon hashes 2, 3, 4, 5 or 8 inputs, not ${inputs.length}`);
  }
  inputs.forEach((v, j) => {
    if (v < 0n || v >= FIELD_P) throw new RangeError(`Poseidon input ${j} is not a field element`);
  });
  return hash([...inputs]);
};

const bytePoseidon: BytePoseidon = {
  hashBytes(src, off, n, dst, dstOff) {
    const xs: bigint[] = [];
    for (let j = 0; j < n; j++) xs.push(readLE32(src, off + 32 * j));
    writeLE32(dst, dstOff, browserPoseidon(xs));
  },
};

/** What the page's checks, tree rebuild and prover statement use (a subset of src/crypto's Crypto). */
export interface BrowserCrypto {
  readonly backend: "browser";
  poseidon(inputs: readonly bigint[]): bigint;
  verify(message: bigint, signature: Signature, publicKey: Point): boolean;
  hashLevel(children: Uint8Array): Promise<Uint8Array>;
  hashLeaves(pairs: Uint8Array): Promise<Uint8Array>;
}

/** The page's crypto. */
export const browserCrypto: BrowserCrypto = {
  backend: "browser",
  poseidon: browserPoseidon,
  verify: (message, signature, publicKey) => verifyJs(message, signature, publicKey, browserPoseidon),
  hashLevel: async (children) => hashLevelJs(children, bytePoseidon),
  hashLeaves: async (pairs) => hashLeavesJs(pairs, bytePoseidon),
};
