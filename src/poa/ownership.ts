// Reserve-ownership proofs of a PoA (docs/protocol.md "Proof of assets"): an EIP-712 message each reserve wallet
// signs for one snapshot or request, checked with ecrecover for EOAs and ERC-1271 for contract wallets.
import {
  Contract,
  Signature,
  TypedDataEncoder,
  getAddress,
  isError,
  recoverAddress,
  type Provider,
  type TypedDataDomain,
  type TypedDataField,
} from "ethers";

import { classifyError } from "../chain/rpc.js";
import { IERC1271_ABI } from "../generated/abi.js";

/** The ERC-1271 magic value a contract wallet returns for a valid signature (`isValidSignature.selector`). */
export const ERC1271_MAGIC = "0x1626ba7e";

/** EIP-712 domain name of PoA ownership proofs. */
export const POA_DOMAIN_NAME = "PoR ProofOfAssets";
/** EIP-712 domain version. */
export const POA_DOMAIN_VERSION = "1";

/**
 * EIP-712 types: `ReserveProof(address member,address wallet,uint64 t,uint256 requestId)`. `requestId` is 0 for a
 * member's own snapshot commitment and the ledger's request id when answering a proof request; the domain binds the
 * chain id and the CommitmentLedger's address.
 */
export const RESERVE_PROOF_TYPES: Record<string, TypedDataField[]> = {
  ReserveProof: [
    { name: "member", type: "address" },
    { name: "wallet", type: "address" },
    { name: "t", type: "uint64" },
    { name: "requestId", type: "uint256" },
  ],
};

/** The signed message. */
export interface ReserveProof {
  member: string;
  wallet: string;
  t: bigint;
  requestId: bigint;
}

/** The PoA domain on `chainId` for the ledger at `ledger`. */
export function poaDomain(chainId: bigint, ledger: string): TypedDataDomain {
  return { name: POA_DOMAIN_NAME, version: POA_DOMAIN_VERSION, chainId, verifyingContract: getAddress(ledger) };
}

/** The EIP-712 digest a wallet signs. */
export function reserveProofDigest(domain: TypedDataDomain, m: ReserveProof): string {
  return TypedDataEncoder.hash(domain, RESERVE_PROOF_TYPES, { ...m });
}

/** Anything that signs typed data (an ethers Wallet, a Hardhat signer). */
export interface ProofSigner {
  getAddress(): Promise<string>;
  signTypedData(
    domain: TypedDataDomain,
    types: Record<string, TypedDataField[]>,
    value: Record<string, unknown>,
  ): Promise<string>;
}

/** Signs a reserve proof with the wallet's own key. */
export async function signReserveProof(signer: ProofSigner, domain: TypedDataDomain, m: ReserveProof): Promise<string> {
  const address = getAddress(await signer.getAddress());
  if (address !== getAddress(m.wallet)) throw new Error(`signer ${address} is not the wallet ${m.wallet}`);
  return signer.signTypedData(domain, RESERVE_PROOF_TYPES, { ...m });
}

/** How a wallet's signature was checked. */
export type WalletKind = "eoa" | "erc1271";

/** Result of an ownership check. */
export type OwnershipResult = { ok: true; kind: WalletKind } | { ok: false; kind: WalletKind; reason: string };

/**
 * Checks `signature` of `m` by `m.wallet` at `blockTag`: a wallet with code is asked through ERC-1271
 * (`isValidSignature(digest, signature)` must return 0x1626ba7e); a wallet without code must be the ECDSA signer
 * (65 bytes, low s).
 */
export async function verifyReserveProof(
  provider: Provider,
  domain: TypedDataDomain,
  m: ReserveProof,
  signature: string,
  blockTag: number | "latest" = "latest",
): Promise<OwnershipResult> {
  const digest = reserveProofDigest(domain, m);
  const code = await provider.getCode(m.wallet, blockTag);
  if (code !== "0x") {
    const wallet = new Contract(m.wallet, IERC1271_ABI, provider);
    try {
      const magic = (await wallet
        .getFunction("isValidSignature")
        .staticCall(digest, signature, { blockTag })) as string;
      if (magic.toLowerCase() === ERC1271_MAGIC) return { ok: true, kind: "erc1271" };
      return {
        ok: false,
        kind: "erc1271",
        reason: `contract wallet ${m.wallet} returned ${magic}, not the ERC-1271 magic value`,
      };
    } catch (e) {
      // The wallet's own failure (a revert, running out of gas) or an answer that is not an ERC-1271 one rejects.
      // Anything else (an RPC that could not answer, a fault of ours) must postpone the check, never stand for a
      // rejection.
      if (classifyError(e) !== "revert" && !isError(e, "BAD_DATA")) throw e;
      return {
        ok: false,
        kind: "erc1271",
        reason: `contract wallet ${m.wallet} rejected the signature (${e instanceof Error ? e.message.split("\n")[0] : String(e)})`,
      };
    }
  }
  let recovered: string;
  try {
    if (!/^0x[0-9a-fA-F]{130}$/.test(signature)) throw new Error("not 65 bytes");
    const sig = Signature.from(signature);
    if (BigInt(sig.s) > 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n) throw new Error("high s");
    recovered = recoverAddress(digest, sig);
  } catch (e) {
    return {
      ok: false,
      kind: "eoa",
      reason: `malformed ECDSA signature (${e instanceof Error ? e.message : String(e)})`,
    };
  }
  if (getAddress(recovered) !== getAddress(m.wallet)) {
    return { ok: false, kind: "eoa", reason: `signature recovers to ${recovered}, not the wallet ${m.wallet}` };
  }
  return { ok: true, kind: "eoa" };
}
