// The fast address and payout-hash paths of issue 18 (one js-sha3 keccak256 instead of ethers' getAddress and
// keccak256) give exactly what the ethers paths give, on random addresses in every case form, and refuse the same.
import { randomBytes } from "node:crypto";

import { expect } from "chai";
import { AbiCoder, getAddress, keccak256 } from "ethers";
import fc from "fast-check";

import { parsePayout } from "../../src/ledger/index.js";
import { PAYOUT_DOMAIN, payoutHashOf } from "../../src/records/payout.js";
import { checksummedAddress } from "../../src/schema/index.js";

const forms = (lower: string): string[] => {
  const cs = getAddress(lower);
  const flipped =
    cs.slice(0, 2) + [...cs.slice(2)].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join("");
  return [lower, "0x" + lower.slice(2).toUpperCase(), cs, flipped];
};

/** What getAddress says of `a`, or undefined when it throws. */
function viaEthers(a: string): string | undefined {
  try {
    return getAddress(a);
  } catch {
    return undefined;
  }
}

describe("fast address paths", function () {
  it("checksummedAddress equals getAddress on every case form, and refuses what it refuses", function () {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), (b) => {
        const lower = "0x" + Buffer.from(b).toString("hex");
        for (const a of forms(lower)) {
          const want =
            /[a-f]/.test(a.slice(2)) && /[A-F]/.test(a.slice(2)) ? viaEthers(a) : getAddress(a.toLowerCase());
          expect(checksummedAddress(a), a).to.equal(want);
        }
      }),
      { numRuns: 500 },
    );
    expect(checksummedAddress("0x12")).to.equal(undefined);
    expect(checksummedAddress("ab".repeat(20))).to.equal(undefined); // no 0x: getAddress takes it, the schema does not
    expect(checksummedAddress("0X" + "ab".repeat(20))).to.equal(undefined);
  });

  it("parsePayout gives the checksummed address as before and words a refusal the same", function () {
    for (let i = 0; i < 200; i++) {
      for (const a of forms("0x" + randomBytes(20).toString("hex"))) {
        const mixed = /[a-f]/.test(a.slice(2)) && /[A-F]/.test(a.slice(2));
        if (mixed && viaEthers(a) === undefined) {
          expect(() => parsePayout(a)).to.throw(/has mixed case with a wrong EIP-55 checksum/);
        } else {
          expect(parsePayout(a)).to.equal(getAddress(a.toLowerCase()));
        }
      }
    }
    expect(() => parsePayout("0x12")).to.throw(/must be a 0x-prefixed 20-byte address/);
    expect(parsePayout("")).to.equal(undefined);
  });

  it("payoutHashOf equals keccak256(abi.encode(domain, address, salt)) >> 8", function () {
    const coder = AbiCoder.defaultAbiCoder();
    for (let i = 0; i < 300; i++) {
      const lower = "0x" + randomBytes(20).toString("hex");
      const salt = BigInt("0x" + randomBytes(32).toString("hex")) >> BigInt(i % 256);
      const want =
        BigInt(keccak256(coder.encode(["bytes32", "address", "uint256"], [PAYOUT_DOMAIN, lower, salt]))) >> 8n;
      for (const a of forms(lower).slice(0, 3)) expect(payoutHashOf({ address: a, salt })).to.equal(want);
    }
    expect(() => payoutHashOf({ address: "0x12", salt: 1n })).to.throw();
  });
});
