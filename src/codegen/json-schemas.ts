// JSON Schemas of every `por.*` format, published from the zod schemas the readers use (zod 4's `z.toJSONSchema`, the
// input side: what a file or body must look like before defaults apply) into docs/schemas/<format>.schema.json.
//
//   npx hardhat schemas          write docs/schemas/
//   npx hardhat schemas --check  fail if a committed schema differs from the zod schemas, or is missing or extra
//                                (part of `npm test`)
//
// A JSON Schema states the shape (fields, types, patterns, bounds); the checks zod runs in code (e.g. a decimal below
// the field modulus, blobDir or eigendaUrl) have no JSON Schema form and stay in the reader, which remains the
// authority: a file the schema accepts can still be refused with a reason.
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";

import * as prettier from "prettier";
import { z } from "zod";

import { submissionSchema } from "../aggregator/server.js";
import { interimVerdictSchema } from "../attestations/verdicts.js";
import { transferSettlementSchema } from "../transfers/settlements.js";
import { manifestSchema } from "../blobstore/eigenda.js";
import { writeFileAtomic } from "../circuits/cache.js";
import { REPO_ROOT } from "../circuits/paths.js";
import { attestationBundleSchema } from "../consortium/bundle.js";
import { keystoreSchema } from "../keys/index.js";
import { assetListSchema, ledgerJsonlEntrySchema, ledgerJsonlHeaderSchema } from "../ledger/index.js";
import { reserveSignatureFileSchema } from "../members/signature-file.js";
import { aggregatorConfigSchema, nodeConfigSchema } from "../node/config.js";
import { blobRefsFileSchema } from "../poa/blob-refs.js";
import { poaDocumentSchema, poaSignatureFileSchema } from "../poa/document.js";
import {
  fraudProofFileSchema,
  privateSlotPathFileSchema,
  rootSumProofFileSchema,
  slotPathFileSchema,
} from "../prover/files.js";
import { recordFileSchema } from "../records/file.js";
import { summarySchema } from "../snapshot/index.js";
import { forwardedRecordSchema } from "../verifier-service/forwarded.js";

/** The committed schemas' folder, relative to the repository root. */
export const SCHEMAS_DIR = "docs/schemas";
/** The command that regenerates them. */
export const SCHEMAS_REGENERATE_COMMAND = "npx hardhat schemas";

/** One published format. */
export interface PublishedFormat {
  /** The file's base name in docs/schemas (`<name>.schema.json`): the `format` value, or a part of it. */
  name: string;
  /** What the document is and who writes and reads it. */
  description: string;
  schema: z.ZodType;
}

/** Every `por.*` format the project reads, with the zod schema that reads it. */
export const PUBLISHED_FORMATS: readonly PublishedFormat[] = [
  { name: "por.assets", description: "A member's asset list (snapshot input).", schema: assetListSchema },
  {
    name: "por.ledger.header",
    description: "The first line of a JSONL ledger (snapshot input); every further line is a por.ledger.entry.",
    schema: ledgerJsonlHeaderSchema,
  },
  {
    name: "por.ledger.entry",
    description: "One line after the header of a JSONL ledger: one account's balance of one asset.",
    schema: ledgerJsonlEntrySchema,
  },
  { name: "por.keystore", description: "A member's encrypted record key and member secret.", schema: keystoreSchema },
  {
    name: "por.snapshot",
    description: "The summary a snapshot writes beside its trees and records.",
    schema: summarySchema,
  },
  {
    name: "por.record",
    description: "A user's signed balance record, with its payout opening (handed to the user).",
    schema: recordFileSchema,
  },
  {
    name: "por.forwarded-record",
    description: "A record as a user forwards it to a verifier service (POST /records).",
    schema: forwardedRecordSchema,
  },
  { name: "por.slot-path", description: "A leaf's Merkle path out of a published tree.", schema: slotPathFileSchema },
  {
    name: "por.private-slot-path",
    description:
      "The committed node and siblings at a record's slot of a private set, served by a recipient operator's node " +
      "(POST /path).",
    schema: privateSlotPathFileSchema,
  },
  {
    name: "por.fraud-proof",
    description: "A LeafMismatch fraud proof, ready to submit to the Adjudicator.",
    schema: fraudProofFileSchema,
  },
  {
    name: "por.root-sum-proof",
    description: "A RootSumMismatch fraud proof, ready to submit to the Adjudicator.",
    schema: rootSumProofFileSchema,
  },
  { name: "por.poa", description: "A member's proof-of-assets document.", schema: poaDocumentSchema },
  {
    name: "por.poa-signatures",
    description: "Reserve-wallet signatures over a proof-of-assets document.",
    schema: poaSignatureFileSchema,
  },
  {
    name: "por.reserve-signature",
    description: "A reserve wallet's registration signature.",
    schema: reserveSignatureFileSchema,
  },
  {
    name: "por.blob-refs",
    description: "The data-availability references of a commitment's blobs.",
    schema: blobRefsFileSchema,
  },
  {
    name: "por.da-manifest",
    description: "The manifest of a blob stored in EigenDA in chunks.",
    schema: manifestSchema,
  },
  {
    name: "por.attestation",
    description: "A quorum attestation bundle (verdict, digests and the operators' signatures).",
    schema: attestationBundleSchema,
  },
  {
    name: "por.interim-verdict",
    description: "An operator's signed verdict on an interim attestation (interim attest; interim submit merges them).",
    schema: interimVerdictSchema,
  },
  {
    name: "por.transfer-settlement",
    description:
      "An operator's signature naming the transaction that settled a transfer notice off-chain (transfer attest; " +
      "transfer submit merges them).",
    schema: transferSettlementSchema,
  },
  {
    name: "por.attestation-submission",
    description: "What an operator node POSTs to the aggregator (/attestations).",
    schema: submissionSchema,
  },
  {
    name: "por.node-config",
    description: "An operator node's configuration (operator run).",
    schema: nodeConfigSchema,
  },
  {
    name: "por.aggregator-config",
    description: "The aggregator's configuration (aggregator serve).",
    schema: aggregatorConfigSchema,
  },
];

/** The JSON Schema of one format (draft 2020-12), with a title naming the format and its version. */
export function jsonSchemaOf(f: PublishedFormat): Record<string, unknown> {
  const { $schema, ...body } = z.toJSONSchema(f.schema, { io: "input", unrepresentable: "throw" }) as Record<
    string,
    unknown
  >;
  const properties = (body.properties ?? {}) as Record<string, { const?: unknown }>;
  const format = properties.format?.const;
  const version = properties.version?.const;
  const title =
    typeof format === "string"
      ? `${format}${version === undefined ? "" : ` version ${String(version)}`}`
      : `${f.name} (JSONL line)`;
  return { $schema, title, description: f.description, ...body };
}

/** The schema files, by file name, formatted as the repository's prettier config formats JSON. */
export async function renderJsonSchemas(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const f of PUBLISHED_FORMATS) {
    const file = `${f.name}.schema.json`;
    if (out.has(file)) throw new Error(`two formats would both be published as ${file}`);
    const path = join(REPO_ROOT, SCHEMAS_DIR, file);
    const config = (await prettier.resolveConfig(path)) ?? {};
    out.set(file, await prettier.format(JSON.stringify(jsonSchemaOf(f)), { ...config, filepath: path }));
  }
  return out;
}

/** A committed schema file that differs from what the zod schemas produce. */
export interface SchemaStaleness {
  file: string;
  reason: "missing" | "differs from the zod schema" | "not produced by any zod schema";
}

/** Words for a failed check: the stale files and the command that regenerates them. */
export function describeStaleSchemas(stale: readonly SchemaStaleness[]): string {
  return [
    `Committed JSON Schemas are stale: ${stale.map((s) => `${s.file} (${s.reason})`).join(", ")}.`,
    `Regenerate them with \`${SCHEMAS_REGENERATE_COMMAND}\` and commit the result.`,
  ].join("\n");
}

/** Write docs/schemas (or, with `check`, compare it); returns the files and the staleness a check found. */
export async function generateJsonSchemas(
  options: { dir?: string; check?: boolean } = {},
): Promise<{ dir: string; files: string[]; stale: SchemaStaleness[] }> {
  const dir = options.dir ?? join(REPO_ROOT, SCHEMAS_DIR);
  const rendered = await renderJsonSchemas();
  const files = [...rendered.keys()].sort();
  const present = existsSync(dir) ? (await readdir(dir)).filter((f) => f.endsWith(".schema.json")) : [];
  const extra = present.filter((f) => !rendered.has(f)).sort();
  if (options.check === true) {
    const stale: SchemaStaleness[] = [];
    for (const file of files) {
      const path = join(dir, file);
      if (!existsSync(path)) stale.push({ file, reason: "missing" });
      else if ((await readFile(path, "utf8")) !== rendered.get(file)) {
        stale.push({ file, reason: "differs from the zod schema" });
      }
    }
    for (const file of extra) stale.push({ file, reason: "not produced by any zod schema" });
    return { dir, files, stale };
  }
  await mkdir(dir, { recursive: true });
  for (const [file, text] of rendered) await writeFileAtomic(join(dir, file), text);
  for (const file of extra) await rm(join(dir, file));
  return { dir, files, stale: [] };
}
