// The house has no import cycle (issue 19): the value imports between the project's own modules (src/, tasks/) form
// a DAG. Type-only imports are left out (they vanish at run time); dynamic `import()` too (tasks load lazily).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

import { expect } from "chai";

const ROOT = process.cwd();

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith(".ts") && !p.endsWith(".d.ts") ? [p] : [];
  });
}

/** The project files `file` imports for their values (static `import`/`export ... from`, relative paths). */
export function valueImports(file: string, text: string): string[] {
  const out: string[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?([^;]*?)\s+from\s+"(\.{1,2}\/[^"]+)"/gms;
  for (const m of text.matchAll(re)) {
    if (m[2] !== undefined) continue; // import type / export type
    const names = m[3].trim();
    // `import { type A, type B } from` imports no value either.
    const braces = /^\{([^}]*)\}$/.exec(names);
    if (braces !== null && braces[1].split(",").every((n) => n.trim() === "" || n.trim().startsWith("type "))) continue;
    out.push(resolve(dirname(file), m[4].replace(/\.js$/, ".ts")));
  }
  return out;
}

/** Every cycle's files (strongly connected components of more than one file, or a file importing itself). */
export function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return found;
}

describe("import cycles", function () {
  it("finds a cycle it is shown, and none in a chain", function () {
    expect(
      cycles(
        new Map([
          ["a", ["b"]],
          ["b", ["c"]],
          ["c", ["a"]],
          ["d", ["a"]],
        ]),
      ),
    ).to.deep.equal([["a", "b", "c"]]);
    expect(
      cycles(
        new Map([
          ["a", ["b"]],
          ["b", ["c"]],
          ["c", []],
        ]),
      ),
    ).to.deep.equal([]);
    const text = 'import type { A } from "./a.js";\nimport { type B } from "./b.js";\nimport { c } from "./c.js";\n';
    expect(valueImports("/x/m.ts", text)).to.deep.equal(["/x/c.ts"]);
  });

  it("src/ and tasks/ have none", function () {
    const files = [...sources(join(ROOT, "src")), ...sources(join(ROOT, "tasks"))];
    const graph = new Map(files.map((f) => [f, valueImports(f, readFileSync(f, "utf8"))]));
    const found = cycles(graph).map((c) => c.map((f) => relative(ROOT, f)).join(" -> "));
    expect(found, found.join("\n")).to.deep.equal([]);
  });
});
