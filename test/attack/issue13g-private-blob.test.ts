// Attack review 13g: what the length of a private blob (src/private/blob.ts, "PORP") tells the public about the
// totals. docs/threat-model.md says the public does not learn A, S or L ("the commitments are hiding"). The payload is
// JSON with the openings as decimal strings (`"assets":"10000000000000000000"`) and the inner PORB blob, whose PoA
// states every wallet's balance and the total in decimal too; ChaCha20-Poly1305 keeps the length. Two blobs of the
// same inner blob and blindings whose totals differ by a factor of 10^6 differ by 6 bytes per decimal field: 18 bytes
// from the openings (A, L, S); the PoA's balances and total add theirs (not measured here). The user-count leak
// of review 15 (test/attack/issue13-private-blob-leak.test.ts) is the same missing padding; this one survives a
// padding by leaf count alone (the other helper's branch private5 pads the blob: this test checks what is on main).
//
// EXPLOIT (it.skip, passes once the whole payload is padded to a bucket that does not depend on the totals, or the
// openings and balances are fixed-width): the lengths are equal.
import { expect } from "chai";

import { generateEncryptionKey, sealPrivateBlob, type PrivateBlobContext } from "../../src/private/index.js";

const MEMBER = "0x00000000000000000000000000000000000000aa";
const LEDGER = "0x00000000000000000000000000000000000000bb";
const OPERATOR = "0x00000000000000000000000000000000000000cc";
const CTX: PrivateBlobContext = { chainId: 31337n, ledger: LEDGER, member: MEMBER, asset: 1, t: 1_700_000_000n };
const E18 = 10n ** 18n;

describe("attack 13g: the private blob's length and the hidden totals", function () {
  const operator = generateEncryptionKey();
  /** The same inner blob and blindings; the openings of a member with liabilities L and surplus S. */
  const sealed = (liabilities: bigint, surplus: bigint) =>
    sealPrivateBlob(
      {
        inner: new Uint8Array(1_000).fill(7),
        openings: { assets: liabilities + surplus, liabilities, surplus, rA: 11n, rL: 22n, rS: 33n },
      },
      [{ operator: OPERATOR, publicKey: operator.publicKey }],
      CTX,
    );

  it("defence (was an EXPLOIT): a member's private blobs with totals 10^6 times apart have one length (they differed by 18 bytes: the openings' decimal digits)", function () {
    const small = sealed(5n * E18, 2n * E18); // L = 5, S = 2 units: 19 digits each
    const large = sealed(5_000_000n * E18, 2_000_000n * E18); // 10^6 times more: 25 digits each
    // Today: 18 bytes longer (3 fields x 6 digits); anyone who fetches both blobs reads the growth of A, L and S.
    expect(large.length - small.length).to.equal(0);
  });
});
