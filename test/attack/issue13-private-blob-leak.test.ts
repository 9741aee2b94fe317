// Attack on the private mode (issue 13, review issue 15): what a private asset's DA blob leaks to the public.
// docs/threat-model.md says the public no longer learns "the reserve wallets and the user count (the blob is
// encrypted to the operators)". The blob is public (DA layer, GET /blobs/<keccak256>), and ChaCha20-Poly1305 is a
// stream cipher: the ciphertext is exactly as long as the payload, whose `inner` is the base64 of the public PORB blob
// (PoA and the leaves payload, 48 bytes per populated leaf). Nothing pads it, so the user count is the ciphertext
// length, less the header and the PoA, divided by 64 (48 bytes in base64): anyone who fetches the blob reads it.
// The defence (pad the payload to a bucket, e.g. the next power of two of the leaf count, or a fixed size per depth)
// makes blobs of different user counts the same length; the EXPLOIT test is written to pass then. Defended since:
// PORP version 2 pads the payload to the next power of two, at least 64 KiB (the bucket, docs/threat-model.md).
import { expect } from "chai";
import { getAddress, hexlify } from "ethers";

import { loadCrypto, type Crypto } from "../../src/crypto/index.js";
import { encodeAssetBlob, type PoaDocument } from "../../src/poa/index.js";
import {
  PrivateBlobError,
  generateEncryptionKey,
  openPrivateBlob,
  privateBlobHeaderRecipients,
  privateBlobRecipients,
  sealPrivateBlob,
  type PrivateBlobContext,
} from "../../src/private/index.js";
import { SumTree, leafSetFrom } from "../../src/tree/index.js";
import { encodeLeaves } from "../../src/tree/leaves.js";

const MEMBER = "0x00000000000000000000000000000000000000aa";
const LEDGER = "0x00000000000000000000000000000000000000bb";
const OPERATOR = "0x00000000000000000000000000000000000000cc";
const CTX: PrivateBlobContext = { chainId: 31337n, ledger: LEDGER, member: MEMBER, asset: 1, t: 1_700_000_000n };

describe("attack issue 15: what the private blob gives away, and who can open it", function () {
  this.timeout(120_000);
  let crypto: Crypto;
  const operator = generateEncryptionKey();

  before(async function () {
    crypto = await loadCrypto({ backend: "js", threads: 0 });
  });
  after(async function () {
    await crypto.close();
  });

  /** The sealed private blob of an asset with `users` populated leaves (balances 1..users, one reserve wallet). */
  async function sealedFor(users: number): Promise<Uint8Array> {
    const leaves = Array.from({ length: users }, (_, i) => ({ slot: i, h: 1000n + BigInt(i), s: BigInt(i + 1) }));
    const tree = await SumTree.build(crypto, leafSetFrom(leaves), 10, 12);
    const leavesPayload = encodeLeaves(tree, { member: BigInt(MEMBER), asset: CTX.asset, t: CTX.t });
    const poa = {
      version: 1,
      member: MEMBER,
      chainId: 31337,
      t: 1_700_000_000,
      block: 1,
      assets: [{ asset: 1, wallets: [{ address: OPERATOR, signature: "0x" + "11".repeat(65) }] }],
    } as unknown as PoaDocument;
    // The PORB container of a PoA with one reserve wallet (its JSON is the same size for every user count).
    const inner = encodeAssetBlob(poa, CTX.asset, leavesPayload);
    const liabilities = tree.root.s;
    const openings = { assets: liabilities + 5n, liabilities, surplus: 5n, rA: 1n, rL: 2n, rS: 3n };
    return sealPrivateBlob({ inner, openings }, [{ operator: OPERATOR, publicKey: operator.publicKey }], CTX);
  }

  it("defence: private blobs of 100 and 120 users have the same length (the payload is padded to a bucket)", async function () {
    // Was an EXPLOIT: the lengths differed by 64 bytes per user (base64 of a 48-byte leaf record), 1,280 bytes here,
    // and `100 + (length - length_100) / 64` gave any blob's user count to within one. PORP v2 pads the payload to
    // the next power of two (at least 64 KiB, src/private/blob.ts): the length reveals the bucket only.
    const a = await sealedFor(100);
    const b = await sealedFor(120);
    expect(b.length - a.length).to.equal(0);
    // The recipients stay public (the header is plaintext JSON); the operator still opens it.
    expect(privateBlobRecipients(b)).to.deep.equal([OPERATOR]);
    expect(openPrivateBlob(b, OPERATOR, operator, CTX).openings.surplus).to.equal(5n);
  });

  // documented (a member choosing who can verify): the header lists each recipient's address and its wrapped content
  // key, not the key it was wrapped to. A member lists an honest operator but wraps the content key to a key the
  // operator does not hold: the operator cannot open the blob, the others can, and nothing public shows who is at
  // fault (the operator's "it does not open" is indistinguishable from a lie). With "an operator not listed cannot
  // verify and must not co-sign" (docs/threat-model.md), the member picks its verifiers while appearing to list all.
  // Built since: the header names each recipient's key (anyone compares it with the registry's
  // `encryptionKeyAt(operator, t)`), the blob's recipients are the registry's operators with a key in force at t,
  // and the operator node votes Insolvent (`private-blob`, "the member locked a verifier out") when it is listed
  // with another key or not listed (test/node/private-sets.test.ts).
  it("documented: a listed operator locked out of the blob (content key wrapped to another key); the others open it", async function () {
    const honest = generateEncryptionKey();
    const friend = generateEncryptionKey();
    const decoy = generateEncryptionKey();
    const HONEST = "0x00000000000000000000000000000000000000d1";
    const FRIEND = "0x00000000000000000000000000000000000000d2";
    const leaves = Array.from({ length: 3 }, (_, i) => ({ slot: i, h: 7n + BigInt(i), s: 1n }));
    const tree = await SumTree.build(crypto, leafSetFrom(leaves), 4, 8);
    const inner = encodeLeaves(tree, { member: BigInt(MEMBER), asset: CTX.asset, t: CTX.t });
    const openings = { assets: 3n, liabilities: 3n, surplus: 0n, rA: 1n, rL: 1n, rS: 0n };
    const blob = sealPrivateBlob(
      { inner, openings },
      [
        { operator: HONEST, publicKey: decoy.publicKey },
        { operator: FRIEND, publicKey: friend.publicKey },
      ],
      CTX,
    );
    expect(privateBlobRecipients(blob)).to.deep.equal([HONEST, FRIEND].map(getAddress));
    // The header shows the decoy: HONEST is listed with a key that is not its own (public evidence).
    expect(privateBlobHeaderRecipients(blob)[0].key).to.equal(hexlify(decoy.publicKey));
    expect(() => openPrivateBlob(blob, HONEST, honest, CTX)).to.throw(PrivateBlobError, /does not authenticate/);
    expect(openPrivateBlob(blob, FRIEND, friend, CTX).openings.liabilities).to.equal(3n);
  });
});
