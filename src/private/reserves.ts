// Private reserve registrations (docs/protocol.md section 17.8): a private member's reserve wallet is registered in
// PrivateReserveRegistry as a salted commitment `c = keccak256(abi.encode(keccak256("por.private.reserve.v1"),
// chainId, registry, member, wallet, salt))`, and the wallet consents off-chain with an EIP-712 signature of
// `PrivateReserve(address member,bytes32 commitment)`. The member keeps wallet, salt, commitment and consent in its
// private-reserves file (`por.private-reserves` version 1); its private PoA carries them to the operators only.
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";

import {
  AbiCoder,
  Contract,
  TypedDataEncoder,
  getAddress,
  hexlify,
  keccak256,
  toUtf8Bytes,
  type Provider,
  type TypedDataDomain,
  type TypedDataField,
} from "ethers";
import { z } from "zod";

import type { TypedDataSigner } from "../chain/eip712.js";
import { PRIVATE_RESERVE_REGISTRY_ABI } from "../generated/abi.js";
import { verifyWalletSignature } from "../poa/ownership.js";
import { address, decimal, hex32 } from "../schema/index.js";

/** Domain separator of the commitments (`PrivateReserveRegistry.COMMITMENT_DOMAIN`). */
export const PRIVATE_RESERVE_DOMAIN = keccak256(toUtf8Bytes("por.private.reserve.v1"));
/** EIP-712 domain name of the PrivateReserveRegistry. */
export const PRIVATE_RESERVE_REGISTRY_DOMAIN_NAME = "PoR PrivateReserveRegistry";
/** EIP-712 domain version. */
export const PRIVATE_RESERVE_REGISTRY_DOMAIN_VERSION = "1";

/** EIP-712 types of a wallet's consent to back a member through a commitment. */
export const PRIVATE_RESERVE_TYPES: Record<string, TypedDataField[]> = {
  PrivateReserve: [
    { name: "member", type: "address" },
    { name: "commitment", type: "bytes32" },
  ],
};

/** The commitment of `wallet` with `salt` for `member` at the registry `registry` on `chainId`. */
export function privateReserveCommitment(
  chainId: bigint,
  registry: string,
  member: string,
  wallet: string,
  salt: string,
): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["bytes32", "uint256", "address", "address", "address", "bytes32"],
      [PRIVATE_RESERVE_DOMAIN, chainId, getAddress(registry), getAddress(member), getAddress(wallet), salt],
    ),
  );
}

/** 32 random bytes (a commitment's salt; without it `keccak256(wallet)` would be searchable). */
export function randomSalt(): string {
  return hexlify(randomBytes(32));
}

/** The PrivateReserveRegistry's EIP-712 domain on `chainId` at `registry`. */
export function privateReserveRegistryDomain(chainId: bigint, registry: string): TypedDataDomain {
  return {
    name: PRIVATE_RESERVE_REGISTRY_DOMAIN_NAME,
    version: PRIVATE_RESERVE_REGISTRY_DOMAIN_VERSION,
    chainId,
    verifyingContract: getAddress(registry),
  };
}

/** The digest a wallet signs to consent (`PrivateReserveRegistry.consentDigest`; ERC-1271 wallets check it). */
export function privateReserveConsentDigest(domain: TypedDataDomain, member: string, commitment: string): string {
  return TypedDataEncoder.hash(domain, PRIVATE_RESERVE_TYPES, { member: getAddress(member), commitment });
}

/** The wallet's consent signature. */
export async function signPrivateReserveConsent(
  wallet: TypedDataSigner,
  domain: TypedDataDomain,
  member: string,
  commitment: string,
): Promise<string> {
  return wallet.signTypedData(domain, PRIVATE_RESERVE_TYPES, { member: getAddress(member), commitment });
}

const signature = z
  .string()
  .regex(/^0x([0-9a-fA-F]{2})+$/, "must be 0x-prefixed hex bytes")
  .max(2 + 2 * 4096, "is longer than 4096 bytes");

/** One committed wallet of the member's file. */
export const privateReserveEntrySchema = z.strictObject({
  wallet: address,
  salt: hex32,
  commitment: hex32,
  consent: signature,
});

/** Schema of the member's private-reserves file: its committed wallets with their openings (kept secret). */
export const privateReservesFileSchema = z.strictObject({
  format: z.literal("por.private-reserves"),
  version: z.literal(1),
  chainId: decimal,
  privateReserveRegistry: address,
  member: address,
  reserves: z.array(privateReserveEntrySchema).max(10_000),
});

/** The member's private-reserves file. */
export type PrivateReservesFile = z.infer<typeof privateReservesFileSchema>;
/** One committed wallet. */
export type PrivateReserveEntry = z.infer<typeof privateReserveEntrySchema>;

/** Raised for a private-reserves file that is malformed or does not open; the message names the file and field. */
export class PrivateReservesError extends Error {
  override name = "PrivateReservesError";
}

/**
 * Parses a private-reserves file: the schema, then every entry's commitment is recomputed from (member, wallet, salt)
 * (a file that does not open its own commitments would make the member's PoA fail at every operator).
 */
export function parsePrivateReserves(text: string, file = "private-reserves.json"): PrivateReservesFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new PrivateReservesError(`${file}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const parsed = privateReservesFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PrivateReservesError(
      `${file}: field ${issue.path.map(String).join(".") || "(top level)"}: ${issue.message}`,
    );
  }
  const d = parsed.data;
  d.reserves.forEach((r, i) => {
    const c = privateReserveCommitment(BigInt(d.chainId), d.privateReserveRegistry, d.member, r.wallet, r.salt);
    if (c !== r.commitment.toLowerCase()) {
      throw new PrivateReservesError(
        `${file}: field reserves.${i}.commitment: ${r.commitment} is not the commitment of wallet ${r.wallet} with ` +
          `its salt (${c})`,
      );
    }
  });
  return d;
}

/** Reads a private-reserves file; a missing file is an empty one for `empty` (when given). */
export async function readPrivateReserves(
  file: string,
  empty?: { chainId: bigint; privateReserveRegistry: string; member: string },
): Promise<PrivateReservesFile> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    if (empty !== undefined && (e as NodeJS.ErrnoException).code === "ENOENT") {
      return {
        format: "por.private-reserves",
        version: 1,
        chainId: empty.chainId.toString(),
        privateReserveRegistry: getAddress(empty.privateReserveRegistry),
        member: getAddress(empty.member),
        reserves: [],
      };
    }
    throw e;
  }
  return parsePrivateReserves(text, file);
}

/** Writes a private-reserves file (mode 0600: the salts are what keeps the wallets private). */
export async function writePrivateReserves(file: string, d: PrivateReservesFile): Promise<void> {
  await writeFile(file, JSON.stringify(d, null, 2) + "\n", { mode: 0o600 });
}

/** The record of a commitment in PrivateReserveRegistry. */
export interface CommitmentRecord {
  member: string;
  registeredAt: bigint;
  removedAt: bigint;
}

/** Reads a commitment's record (member ZeroAddress: never registered). */
export async function commitmentRecord(
  provider: Provider,
  registry: string,
  commitment: string,
  blockTag: number | "latest" = "latest",
): Promise<CommitmentRecord> {
  const prr = new Contract(registry, PRIVATE_RESERVE_REGISTRY_ABI, provider);
  const r = (await prr.getFunction("commitmentRecord")(commitment, { blockTag })) as {
    member: string;
    registeredAt: bigint;
    removedAt: bigint;
  };
  return { member: getAddress(r.member), registeredAt: r.registeredAt, removedAt: r.removedAt };
}

/** Whether a record is in force for `member` at t (registered before t, not removed at or before t). */
export function inForceAt(r: CommitmentRecord, member: string, t: bigint): boolean {
  return (
    r.member === getAddress(member) &&
    r.registeredAt !== 0n &&
    r.registeredAt < t &&
    (r.removedAt === 0n || t < r.removedAt)
  );
}

/** Why a record is not in force for `member` at t, or undefined when it is. */
export function notInForceReason(r: CommitmentRecord, member: string, t: bigint): string | undefined {
  if (r.registeredAt === 0n) return "is not registered in PrivateReserveRegistry";
  if (r.member !== getAddress(member)) return `is registered by ${r.member}, not by ${getAddress(member)}`;
  if (r.registeredAt >= t) return `was registered at ${r.registeredAt}, not before t = ${t}`;
  if (r.removedAt !== 0n && r.removedAt <= t) return `was removed at ${r.removedAt}, at or before t = ${t}`;
  return undefined;
}

/** The file's entries whose commitments are in force for the member at t, sorted by wallet. */
export async function privateReservesAt(
  provider: Provider,
  d: PrivateReservesFile,
  t: bigint,
): Promise<PrivateReserveEntry[]> {
  const out: PrivateReserveEntry[] = [];
  for (const r of d.reserves) {
    const rec = await commitmentRecord(provider, d.privateReserveRegistry, r.commitment);
    if (inForceAt(rec, d.member, t)) out.push({ ...r, wallet: getAddress(r.wallet) });
  }
  return out.sort((a, b) => (BigInt(a.wallet) < BigInt(b.wallet) ? -1 : 1));
}

/** A wallet that signs its own consent (an ethers Wallet, a Hardhat signer). */
export type ConsentSigner = TypedDataSigner & { getAddress(): Promise<string> };

/**
 * A new committed wallet of `member`: a fresh salt, the commitment, and the wallet's consent (signed by `wallet`, or
 * `consent` made elsewhere, e.g. by a contract wallet's signers), checked against the chain before anything is sent
 * (ECDSA, or ERC-1271 at the latest block). The caller registers `commitment` from the member's account and keeps
 * the entry in the member's private-reserves file.
 */
export async function newPrivateReserve(o: {
  provider: Provider;
  chainId: bigint;
  privateReserveRegistry: string;
  member: string;
  wallet: string;
  signer?: ConsentSigner;
  consent?: string;
  salt?: string;
}): Promise<PrivateReserveEntry> {
  const wallet = getAddress(o.wallet);
  const salt = o.salt ?? randomSalt();
  const commitment = privateReserveCommitment(o.chainId, o.privateReserveRegistry, o.member, wallet, salt);
  const domain = privateReserveRegistryDomain(o.chainId, o.privateReserveRegistry);
  let consent = o.consent;
  if (consent === undefined) {
    if (o.signer === undefined) throw new PrivateReservesError(`no key or consent signature for wallet ${wallet}`);
    const signerAddress = getAddress(await o.signer.getAddress());
    if (signerAddress !== wallet) throw new PrivateReservesError(`signer ${signerAddress} is not the wallet ${wallet}`);
    consent = await signPrivateReserveConsent(o.signer, domain, o.member, commitment);
  }
  const check = await verifyWalletSignature(
    o.provider,
    wallet,
    privateReserveConsentDigest(domain, o.member, commitment),
    consent,
  );
  if (!check.ok) throw new PrivateReservesError(`wallet ${wallet}'s consent: ${check.reason}`);
  return { wallet, salt, commitment, consent };
}
