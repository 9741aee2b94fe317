// EIP-712 typed data of the reserve registry (docs/protocol.md, "Contracts: registry, reserves, collateral,
// restitution").
import { TypedDataEncoder, type TypedDataDomain, type TypedDataField } from "ethers";

/** EIP-712 domain name of the ReserveRegistry. */
export const RESERVE_REGISTRY_DOMAIN_NAME = "PoR ReserveRegistry";
/** EIP-712 domain version of the ReserveRegistry. */
export const RESERVE_REGISTRY_DOMAIN_VERSION = "1";

/** EIP-712 types of the reserve-ownership message. */
export const RESERVE_OWNERSHIP_TYPES: Record<string, TypedDataField[]> = {
  ReserveOwnership: [
    { name: "member", type: "address" },
    { name: "wallet", type: "address" },
    { name: "deadline", type: "uint64" },
    { name: "nonce", type: "uint256" },
  ],
};

/** The reserve-ownership message a wallet signs to be registered to a member. */
export interface ReserveOwnership {
  member: string;
  wallet: string;
  deadline: bigint;
  nonce: bigint;
}

/** The ReserveRegistry's EIP-712 domain on `chainId` at `registry`. */
export function reserveRegistryDomain(chainId: bigint, registry: string): TypedDataDomain {
  return {
    name: RESERVE_REGISTRY_DOMAIN_NAME,
    version: RESERVE_REGISTRY_DOMAIN_VERSION,
    chainId,
    verifyingContract: registry,
  };
}

/** The EIP-712 digest of a reserve-ownership message (what the wallet signs; ERC-1271 wallets check this hash). */
export function reserveOwnershipDigest(domain: TypedDataDomain, message: ReserveOwnership): string {
  return TypedDataEncoder.hash(domain, RESERVE_OWNERSHIP_TYPES, message);
}

/** Anything that signs EIP-712 typed data (an ethers Wallet or a Hardhat signer). */
export interface TypedDataSigner {
  signTypedData(
    domain: TypedDataDomain,
    types: Record<string, TypedDataField[]>,
    value: Record<string, unknown>,
  ): Promise<string>;
}

/** Sign a reserve-ownership message with the wallet's key. */
export async function signReserveOwnership(
  signer: TypedDataSigner,
  domain: TypedDataDomain,
  message: ReserveOwnership,
): Promise<string> {
  return signer.signTypedData(domain, RESERVE_OWNERSHIP_TYPES, { ...message });
}
