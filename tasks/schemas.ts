import { SCHEMAS_DIR, describeStaleSchemas, generateJsonSchemas } from "../src/codegen/json-schemas.js";

interface SchemasArgs {
  check: boolean;
}

/** `hardhat schemas`: write (or, with --check, compare) docs/schemas/*.schema.json from the zod schemas. */
export default async function schemas(args: SchemasArgs): Promise<void> {
  const result = await generateJsonSchemas({ check: args.check });
  if (result.stale.length > 0) {
    process.stderr.write(`${describeStaleSchemas(result.stale)}\n`);
    process.exitCode = 1;
    return;
  }
  const what = `${result.files.length} JSON Schemas`;
  process.stderr.write(
    args.check ? `[schemas] ${SCHEMAS_DIR} is current (${what})\n` : `[schemas] wrote ${SCHEMAS_DIR} (${what})\n`,
  );
}
