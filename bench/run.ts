// `npm run bench`: runs every bench/*.bench.ts and records their results, with the machine and the date,
// in bench/RESULTS.md. Each benchmark reports ratios against a baseline measured in the same run, since
// these machines are shared and noisy. BENCH_QUICK=1 runs small sizes (a smoke test, not a record);
// BENCH_ONLY=name1,name2 runs a subset.
import { existsSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { cpus, freemem, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

interface BenchModule {
  default: (opts: { quick: boolean }) => Promise<string>;
}

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.env.BENCH_QUICK === "1";
const only = process.env.BENCH_ONLY?.split(",").map((s) => s.trim());

const files = (await readdir(here)).filter((f) => f.endsWith(".bench.ts")).sort();
const sections = new Map<string, string>();
for (const file of files) {
  const name = file.replace(/\.bench\.ts$/, "");
  if (only && !only.includes(name)) continue;
  process.stderr.write(`[bench] ${name} ...\n`);
  const started = performance.now();
  try {
    const mod = (await import(pathToFileURL(join(here, file)).href)) as BenchModule;
    sections.set(name, (await mod.default({ quick })).trim());
    process.stderr.write(`[bench] ${name}: done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  } catch (err) {
    sections.set(name, `## ${name}\n\nFAILED: ${(err as Error).message}`);
    process.stderr.write(`[bench] ${name}: FAILED: ${(err as Error).stack}\n`);
    process.exitCode = 1;
  }
}

const cpu = cpus();
const header = [
  "# Benchmark results",
  "",
  "Written by `npm run bench` (bench/run.ts); do not edit by hand.",
  "",
  `- date: ${new Date().toISOString()}`,
  `- machine: ${cpu.length} x ${cpu[0]?.model ?? "unknown CPU"}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM (${(freemem() / 2 ** 30).toFixed(1)} GiB free at start)`,
  `- node: ${process.version}, ${process.platform}-${process.arch}`,
  `- mode: ${quick ? "QUICK (small sizes; not a record)" : "full"}${only ? `, only: ${only.join(", ")}` : ""}`,
  "",
].join("\n");
const target = quick ? join(here, "RESULTS.quick.md") : join(here, "RESULTS.md");
// A partial run (BENCH_ONLY) keeps the other benchmarks' last recorded sections, each with its own date line.
const previous = new Map<string, string>();
if (only && existsSync(target)) {
  for (const m of (await readFile(target, "utf8")).matchAll(
    /<!-- bench:([\w-]+) -->\n([\s\S]*?)\n<!-- \/bench:\1 -->/g,
  )) {
    previous.set(m[1], m[2]);
  }
}
const stamp = `_recorded ${new Date().toISOString().slice(0, 10)} on ${cpu.length} x ${cpu[0]?.model ?? "unknown CPU"}_`;
const names = [...new Set([...previous.keys(), ...sections.keys()])].sort();
const body = names
  .map((n) => {
    const text = sections.has(n) ? `${sections.get(n)}\n\n${stamp}` : previous.get(n);
    return `<!-- bench:${n} -->\n${text}\n<!-- /bench:${n} -->`;
  })
  .join("\n\n");
await writeFile(target, `${header}\n${body}\n`);
process.stderr.write(`[bench] results written to ${target}\n`);
