// Payout commitments (docs/protocol.md section 3): where a record's restitution goes, chosen by the user, signed by
// the member inside the record message, opened only when the claim is paid.
import { getAddress, getBytes, id } from "ethers";
import sha3 from "js-sha3";

import { checksummedAddress } from "../schema/index.js";

/** `PAYOUT_DOMAIN = keccak256("por.payout.v1")`, the first word of the payout commitment's preimage. */
export const PAYOUT_DOMAIN = id("por.payout.v1");

const DOMAIN_BYTES = getBytes(PAYOUT_DOMAIN);

/** A payout commitment's opening: the address paid and the per-record salt that hides it. */
export interface PayoutOpening {
  /** The address the claim is paid to (checksummed or lowercase 0x-hex). */
  address: string;
  /** The salt, `0 <= salt < 2^256`. */
  salt: bigint;
}

/**
 * `payoutHash = uint256(keccak256(abi.encode(PAYOUT_DOMAIN, payoutAddress, payoutSalt))) >> 8`: 248 bits, so a
 * field element of the record message. The Adjudicator computes the same when a claim is paid. `0` means "no payout
 * registered" and is never the hash of an opening (a keccak256 output with 248 zero top bits is not findable).
 */
export function payoutHashOf(opening: PayoutOpening): bigint {
  // getAddress validates (and throws on) anything the fast check does not take, as before.
  const addr = checksummedAddress(opening.address) ?? getAddress(opening.address);
  return payoutHashOfChecked({ address: addr, salt: opening.salt });
}

/**
 * {@link payoutHashOf} for an address already validated (the ledger's `parsePayout` returns it checksummed): the same
 * hash without a second EIP-55 checksum (one keccak256 less per account in a snapshot). The address must still be
 * 0x and 40 hex digits (RangeError otherwise); its case is not checked.
 */
export function payoutHashOfChecked(opening: PayoutOpening): bigint {
  if (opening.salt < 0n || opening.salt >= 1n << 256n) throw new RangeError("payout salt must be in [0, 2^256)");
  const addr = opening.address;
  if (!/^0x[0-9a-fA-F]{40}$/.test(addr))
    throw new RangeError(`payout address "${addr.slice(0, 44)}" is not 0x + 40 hex`);
  // abi.encode of (bytes32, address, uint256): three 32-byte words, the address right-aligned. Built by hand: the
  // snapshot computes one per account, and AbiCoder costs more than the hash.
  // A Uint8Array, not a Buffer: the web page checks payout hashes in the browser.
  const encoded = new Uint8Array(96);
  encoded.set(DOMAIN_BYTES, 0);
  hexInto(encoded, 44, addr.slice(2));
  hexInto(encoded, 64, opening.salt.toString(16).padStart(64, "0"));
  return BigInt("0x" + sha3.keccak256(encoded)) >> 8n;
}

/** Writes the bytes of the even-length hex string `hex` into `dst` from `off`. */
function hexInto(dst: Uint8Array, off: number, hex: string): void {
  for (let i = 0; i < hex.length; i += 2) dst[off + i / 2] = parseInt(hex.slice(i, i + 2), 16);
}
