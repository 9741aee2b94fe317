// Builds the user's web page (web/: index.html and the TypeScript entry web/main.ts) with esbuild into a static
// folder (default build/web/, generated and never committed): index.html and one ES module, app.js, that bundles the
// project's own record checks, chain readers and fraud prover for the browser. The build is for the browser platform,
// so a Node built-in reaching the page's imports fails it, naming the import. The verifier service serves the folder
// at `/` (src/verifier-service/http.ts); the page also works opened from disk.
import { copyFile, mkdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { build } from "esbuild";

/** The repository root. */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** The page's sources. */
export const WEB_SOURCE_DIR = join(ROOT, "web");
/** Where the page is built by default. */
export const WEB_BUILD_DIR = join(ROOT, "build", "web");
/** The files of a built page. */
export const WEB_FILES = ["index.html", "app.js"] as const;
/** Size budget of the built page (all its files; the circuit's zkey and wasm are fetched separately). */
export const WEB_BUDGET_BYTES = 2 * 1024 * 1024;

/** A built page. */
export interface BuiltPage {
  dir: string;
  files: { name: string; bytes: number }[];
  totalBytes: number;
  /** The largest inputs of app.js (package or source file, bytes in the output), for the bench. */
  largestInputs: { input: string; bytes: number }[];
}

/** Builds the page into `outDir` (replaced whole: built in a sibling folder, then renamed into place). */
export async function buildWebPage(o: { outDir?: string; minify?: boolean } = {}): Promise<BuiltPage> {
  const dir = o.outDir ?? WEB_BUILD_DIR;
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  try {
    const result = await build({
      absWorkingDir: ROOT,
      entryPoints: [join(WEB_SOURCE_DIR, "main.ts")],
      outfile: join(tmp, "app.js"),
      bundle: true,
      platform: "browser",
      format: "esm",
      target: "es2022",
      minify: o.minify ?? true,
      legalComments: "none",
      metafile: true,
      logLevel: "silent",
      // snarkjs's browser build reads process.env in one place; the page has no such thing.
      define: { "process.env.NODE_DEBUG": "undefined", global: "globalThis" },
    });
    await copyFile(join(WEB_SOURCE_DIR, "index.html"), join(tmp, "index.html"));
    const out = Object.values(result.metafile.outputs)[0];
    const byInput = new Map<string, number>();
    for (const [input, v] of Object.entries(out.inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const key = m === null ? input : m[1];
      byInput.set(key, (byInput.get(key) ?? 0) + v.bytesInOutput);
    }
    await rm(dir, { recursive: true, force: true });
    await mkdir(dirname(dir), { recursive: true });
    await rename(tmp, dir);
    const files = await Promise.all(
      WEB_FILES.map(async (name) => ({ name, bytes: (await stat(join(dir, name))).size })),
    );
    return {
      dir,
      files,
      totalBytes: files.reduce((a, f) => a + f.bytes, 0),
      largestInputs: [...byInput]
        .map(([input, bytes]) => ({ input, bytes }))
        .sort((a, b) => b.bytes - a.bytes)
        .slice(0, 10),
    };
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    const errors = (e as { errors?: { text: string; location?: { file: string; line: number } | null }[] }).errors;
    if (errors !== undefined && errors.length > 0) {
      const where = (x: (typeof errors)[0]) => (x.location ? `${x.location.file}:${x.location.line}: ` : "");
      throw new Error(`the web page does not build: ${errors.map((x) => `${where(x)}${x.text}`).join("; ")}`, {
        cause: e,
      });
    }
    throw e;
  }
}
