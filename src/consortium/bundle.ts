// Attestation bundles: what `quorum attest` writes (one operator's signature on one verdict) and `quorum submit` reads
// and merges (`por.attestation` version 1).
import { readFile } from "node:fs/promises";

import { getAddress, verifyTypedData } from "ethers";
import { z } from "zod";

import { ATTESTATION_TYPES, Verdict, ledgerDomain, packSignatures, type SignedAttestation } from "./attestation.js";

const dec = z.string().regex(/^(0|[1-9][0-9]*)$/, "must be a decimal integer");
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x address");
const bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be 32 bytes of 0x hex");

/** Schema of an attestation bundle file. */
export const attestationBundleSchema = z.strictObject({
  format: z.literal("por.attestation"),
  version: z.literal(1),
  chainId: dec,
  ledger: address,
  kind: z.enum(["set", "request"]),
  member: address,
  t: dec,
  requestId: dec.optional(),
  verdict: z.enum(["solvent", "insolvent"]),
  subject: bytes32,
  rootsDigest: bytes32,
  blobDigest: bytes32,
  signatures: z
    .array(z.strictObject({ signer: address, signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, "must be 65 bytes") }))
    .min(1),
});

/** An attestation bundle. */
export type AttestationBundle = z.infer<typeof attestationBundleSchema>;

/** The contract verdict of a bundle's verdict word. */
export function verdictOf(word: "solvent" | "insolvent"): Verdict {
  return word === "solvent" ? Verdict.Solvent : Verdict.Insolvent;
}

/** Parse and validate one bundle; every signature must recover to its stated signer. */
export function parseAttestationBundle(text: string, file = "attestation.json"): AttestationBundle {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const parsed = attestationBundleSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: field ${issue.path.map(String).join(".") || "(top level)"}: ${issue.message}`);
  }
  const b = parsed.data;
  if ((b.kind === "request") !== (b.requestId !== undefined)) {
    throw new Error(`${file}: field requestId: required exactly when kind is "request"`);
  }
  const domain = ledgerDomain(BigInt(b.chainId), b.ledger);
  const message = {
    subject: b.subject,
    verdict: verdictOf(b.verdict),
    rootsDigest: b.rootsDigest,
    blobDigest: b.blobDigest,
  };
  b.signatures.forEach((s, i) => {
    const recovered = verifyTypedData(domain, ATTESTATION_TYPES, message, s.signature);
    if (getAddress(recovered) !== getAddress(s.signer)) {
      throw new Error(`${file}: field signatures.${i}: signed by ${recovered}, not ${s.signer}`);
    }
  });
  return b;
}

/** Read bundles from files and merge them: all must attest the same subject, verdict and digests. */
export async function mergeAttestationBundles(
  files: readonly string[],
): Promise<{ bundle: AttestationBundle; packed: string }> {
  if (files.length === 0) throw new Error("no attestation files given");
  const bundles = await Promise.all(files.map(async (f) => parseAttestationBundle(await readFile(f, "utf8"), f)));
  const first = bundles[0];
  const signatures: SignedAttestation[] = [];
  const seen = new Set<string>();
  bundles.forEach((b, i) => {
    for (const key of [
      "chainId",
      "ledger",
      "kind",
      "member",
      "t",
      "requestId",
      "verdict",
      "subject",
      "rootsDigest",
      "blobDigest",
    ] as const) {
      if (String(b[key]).toLowerCase() !== String(first[key]).toLowerCase()) {
        throw new Error(
          `${files[i]}: field ${key}: ${String(b[key])} differs from ${files[0]} (${String(first[key])})`,
        );
      }
    }
    for (const s of b.signatures) {
      const signer = getAddress(s.signer);
      if (seen.has(signer)) continue;
      seen.add(signer);
      signatures.push({ signer, signature: s.signature });
    }
  });
  return { bundle: { ...first, signatures }, packed: packSignatures(signatures) };
}
