// Who a private blob is encrypted to (docs/protocol.md section 17.6): the operators' X25519 keys registered in the
// ConsortiumRegistry. The recipients of a blob of snapshot time t are every operator that may co-sign and has an
// encryption key in force at t (`encryptionRecipientsAt(t)`), with that key: a member does not choose them, and an
// operator listed there that cannot open the blob knows the member locked it out (the operator node votes so).
import { Contract, getAddress, getBytes, hexlify, type ContractRunner } from "ethers";

import { CONSORTIUM_REGISTRY_ABI } from "../generated/abi.js";
import {
  PrivateBlobError,
  sealPrivateBlob,
  type BlobRecipient,
  type PrivateBlobContext,
  type PrivateBlobPayload,
} from "./blob.js";

const ZERO_KEY = "0x" + "00".repeat(32);

/** The registry's recipients of a private blob of snapshot time `t`, in registration order. */
export async function blobRecipientsAt(runner: ContractRunner, registry: string, t: bigint): Promise<BlobRecipient[]> {
  const r = new Contract(registry, CONSORTIUM_REGISTRY_ABI, runner);
  const [operators, keys] = (await r.getFunction("encryptionRecipientsAt")(t)) as [string[], string[]];
  return operators.map((operator, i) => ({ operator: getAddress(operator), publicKey: getBytes(keys[i]) }));
}

/** The X25519 key in force for `operator` at `t` in the registry (undefined when it has none). */
export async function encryptionKeyAt(
  runner: ContractRunner,
  registry: string,
  operator: string,
  t: bigint,
): Promise<Uint8Array | undefined> {
  const r = new Contract(registry, CONSORTIUM_REGISTRY_ABI, runner);
  const key = hexlify((await r.getFunction("encryptionKeyAt")(operator, t)) as string);
  return key === ZERO_KEY ? undefined : getBytes(key);
}

/**
 * Seals a private asset's payload to the registry's recipients at the context's t (never to a list the caller picks).
 * Throws {@link PrivateBlobError} when no operator has an encryption key in force at t (nobody could verify the set).
 */
export async function sealPrivateBlobForOperators(
  runner: ContractRunner,
  registry: string,
  payload: PrivateBlobPayload,
  context: PrivateBlobContext,
): Promise<{ blob: Uint8Array; recipients: BlobRecipient[] }> {
  const recipients = await blobRecipientsAt(runner, registry, context.t);
  if (recipients.length === 0) {
    throw new PrivateBlobError(
      `no co-signing operator has an encryption key in force at t ${context.t} (operator encryption-key register)`,
    );
  }
  return { blob: sealPrivateBlob(payload, recipients, context), recipients };
}
