// The published JSON Schemas (docs/schemas, `hardhat schemas`): the committed files equal what the zod schemas
// produce, the check names a missing, changed or extra file, every `por.*` format a reader parses is published, and a
// schema states the reader's shape (required fields, no unknown fields, the format and version constants).
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

import { expect } from "chai";

import { REPO_ROOT } from "../../src/circuits/paths.js";
import {
  PUBLISHED_FORMATS,
  SCHEMAS_DIR,
  SCHEMAS_REGENERATE_COMMAND,
  describeStaleSchemas,
  generateJsonSchemas,
  jsonSchemaOf,
} from "../../src/codegen/json-schemas.js";

/** Every `.ts` file under `dir`. */
async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await sources(p)));
    else if (e.name.endsWith(".ts")) out.push(p);
  }
  return out;
}

describe("published JSON Schemas (hardhat schemas)", function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "por-schemas-"));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it(`the committed ${SCHEMAS_DIR} is current`, async () => {
    const r = await generateJsonSchemas({ check: true });
    expect(r.stale, r.stale.length > 0 ? describeStaleSchemas(r.stale) : "").to.deep.equal([]);
    expect(r.files).to.have.length(PUBLISHED_FORMATS.length);
  });

  it("the check names a missing, a changed and an extra file, and writing makes the folder current", async () => {
    await generateJsonSchemas({ dir });
    await rm(join(dir, "por.record.schema.json"));
    await writeFile(join(dir, "por.assets.schema.json"), "{}\n");
    await writeFile(join(dir, "por.gone.schema.json"), "{}\n");
    const { stale } = await generateJsonSchemas({ dir, check: true });
    expect(stale).to.deep.equal([
      { file: "por.assets.schema.json", reason: "differs from the zod schema" },
      { file: "por.record.schema.json", reason: "missing" },
      { file: "por.gone.schema.json", reason: "not produced by any zod schema" },
    ]);
    expect(describeStaleSchemas(stale)).to.contain(`\`${SCHEMAS_REGENERATE_COMMAND}\``);
    await generateJsonSchemas({ dir });
    expect((await generateJsonSchemas({ dir, check: true })).stale).to.deep.equal([]);
    expect(await readdir(dir)).to.not.include("por.gone.schema.json");
  });

  it("every por.* format a reader parses (a `format: z.literal(...)`) is published", async () => {
    const titles = new Set(PUBLISHED_FORMATS.map((f) => String(jsonSchemaOf(f).title).split(" ")[0]));
    const constants = new Map<string, string>();
    const literals: Array<{ format: string; file: string }> = [];
    for (const file of await sources(join(REPO_ROOT, "src"))) {
      if (file.includes(`${join("src", "generated")}`)) continue;
      const text = await readFile(file, "utf8");
      for (const m of text.matchAll(/export const ([A-Z_]+_FORMAT) = "(por\.[a-z-]+)"/g)) constants.set(m[1], m[2]);
      for (const m of text.matchAll(/format: z\.literal\(("(por\.[a-z-]+)"|[A-Z_]+_FORMAT)\)/g)) {
        literals.push({ format: m[2] ?? m[1], file: relative(REPO_ROOT, file) });
      }
    }
    const unpublished = literals
      .map((l) => ({ ...l, format: constants.get(l.format) ?? l.format }))
      .filter((l) => !titles.has(l.format));
    // The JSONL ledger's header is published as por.ledger.header (with por.ledger.entry for the lines after it).
    expect(unpublished.filter((l) => l.format !== "por.ledger")).to.deep.equal([]);
    expect(literals.length).to.be.greaterThan(15);
  });

  it("a schema states the reader's shape: required fields, no unknown fields, format and version constants", () => {
    const assets = jsonSchemaOf(PUBLISHED_FORMATS.find((f) => f.name === "por.assets")!) as {
      title: string;
      $schema: string;
      required: string[];
      additionalProperties: boolean;
      properties: Record<string, { const?: unknown }>;
    };
    expect(assets.$schema).to.equal("https://json-schema.org/draft/2020-12/schema");
    expect(assets.title).to.equal("por.assets version 1");
    expect(assets.required).to.have.members(["format", "version", "assets"]);
    expect(assets.additionalProperties).to.equal(false);
    expect(assets.properties.format.const).to.equal("por.assets");
    // The input side: a field with a default is optional in the file.
    const node = jsonSchemaOf(PUBLISHED_FORMATS.find((f) => f.name === "por.node-config")!) as { required: string[] };
    expect(node.required).to.include("rpcUrl");
    expect(node.required).to.not.include("confirmations");
  });
});
