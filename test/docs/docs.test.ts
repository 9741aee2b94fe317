// Doc tests: every shell command of the guides runs, in order, against a fresh local chain, so the docs cannot rot
// (conventions in test/docs/doctest.ts). Also: every `npx hardhat <task> --option` that any document names exists,
// and every relative link of every document resolves.
//
// The guides run in a temporary workspace that mirrors the checkout (symlinks to contracts/, src/, node_modules/ ...)
// but has its own ignition/deployments/, scratch files and a copy of the checkout's build, against a `hardhat node`
// started on a free port (`--network localhost` reads its URL from POR_LOCALHOST_URL). The cached development ceremony
// is reused.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";

import { expect } from "chai";

import { taskDefinitions } from "../../tasks/index.js";
import {
  BUILTIN_TASKS,
  codeBlocks,
  commandUses,
  commandsOf,
  guideScript,
  logicalLines,
  readText,
  relativeLinks,
  shellBlocks,
  taskMentions,
} from "./doctest.js";

const ROOT = resolve(import.meta.dirname, "..", "..");
const GUIDES_DIR = join(ROOT, "docs", "guides");
/** The order the guides run in: each continues on the chain and in the directory the previous ones left. */
const GUIDE_ORDER = [
  "protocol-developer.md",
  "deploy.md",
  "exchange.md",
  "verifier.md",
  "operator.md",
  "user.md",
  "auditor.md",
];
/** Text tools no document's shell block may run: a value a guide needs comes from a task (`--field`, `--json` files). */
const TEXT_TOOLS = new Set(["sed", "awk", "gawk", "grep", "egrep", "fgrep", "jq"]);
/** POR_DOCTEST_TIMES=1 prints each guide command's wall time (`::doctest-time <file>:<line> <ms>`). */
const TIMES = process.env.POR_DOCTEST_TIMES !== undefined;
/** What a guide prints must be at most this long in a failure message. */
const TAIL = 6_000;

/** Every Markdown document of the project (README and docs/). */
function documents(): string[] {
  const out = [join(ROOT, "README.md")];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir)) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e.endsWith(".md")) out.push(p);
    }
  };
  walk(join(ROOT, "docs"));
  return out;
}

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => (a !== null && typeof a === "object" ? res(a.port) : rej(new Error("no port"))));
    });
  });
}

/** Kills a detached child's whole process group (the guide's background servers included). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function groupAlive(child: ChildProcess): boolean {
  if (child.pid === undefined) return false;
  try {
    process.kill(-child.pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM to the group, up to 3 s for a graceful exit, then SIGKILL. */
async function stopGroup(child: ChildProcess): Promise<void> {
  killGroup(child, "SIGTERM");
  for (let i = 0; i < 30 && groupAlive(child); i++) await new Promise((r) => setTimeout(r, 100));
  killGroup(child, "SIGKILL");
}

async function rpc(url: string, method: string): Promise<unknown> {
  const r = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params: [] }),
  });
  return ((await r.json()) as { result: unknown }).result;
}

/** A temporary workspace mirroring the checkout: shared code, a copy of its build, its own deployments and files. */
async function workspace(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "por-doctest-"));
  const shared = [
    "package.json",
    "hardhat.config.ts",
    "tsconfig.json",
    "node_modules",
    "contracts",
    "circuits",
    "deploy",
    "tasks",
    "src",
    "scripts",
    "types",
    "build",
    "docs",
  ];
  for (const name of shared) if (existsSync(join(ROOT, name))) await symlink(join(ROOT, name), join(dir, name));
  await reuseBuild(dir);
  await mkdir(join(dir, "ignition"));
  await symlink(join(ROOT, "ignition", "modules"), join(dir, "ignition", "modules"));
  await mkdir(join(dir, ".doctest"));
  return dir;
}

/**
 * Gives the workspace the checkout's build as its own: a copy of artifacts/ (tens of MB, well under a second) and the
 * compile cache with the checkout's paths replaced by the workspace's. Hardhat keys its compile cache by absolute path,
 * so without this `hardhat node` and the guide's `npx hardhat build` recompile every contract in the workspace (over a
 * minute of solc on 2 cores), and, through a shared artifacts/, leave the checkout's own cache stale for the next
 * `hardhat` run there (another minute). The guide's `npx hardhat build` still runs: on an unchanged checkout it is the
 * cache hit a developer sees, and any contract that differs from the cached build is compiled as before.
 */
async function reuseBuild(dir: string): Promise<void> {
  if (existsSync(join(ROOT, "artifacts")))
    await cp(join(ROOT, "artifacts"), join(dir, "artifacts"), { recursive: true });
  await mkdir(join(dir, "cache"));
  const compileCache = join(ROOT, "cache", "compile-cache.json");
  if (existsSync(compileCache)) {
    const text = await readFile(compileCache, "utf8");
    await writeFile(join(dir, "cache", "compile-cache.json"), text.split(`${ROOT}/`).join(`${dir}/`));
  }
}

interface Run {
  code: number | null;
  output: string;
}

/** Runs one guide's script with bash in the workspace; kills whatever it left running. */
async function runGuide(script: string, cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Run> {
  const file = join(cwd, ".doctest", "guide.sh");
  await writeFile(file, script);
  const child = spawn("bash", [file], { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const timer = setTimeout(() => {
    output += `\n::doctest-fail timed out after ${timeoutMs} ms\n`;
    killGroup(child, "SIGKILL");
  }, timeoutMs);
  const code = await new Promise<number | null>((res) => child.once("close", (c) => res(c)));
  clearTimeout(timer);
  await stopGroup(child);
  return { code, output };
}

describe("docs", function () {
  describe("every document", function () {
    it("names only Hardhat tasks and options that exist", function () {
      // Task groups (`emptyTask`) have no options: a mention of one must name one of its subtasks.
      const tasks = new Map(
        taskDefinitions.map((t) => [t.id.join(" "), "options" in t ? new Set(Object.keys(t.options)) : undefined]),
      );
      const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
      const global = new Set(["network", "config", "help", "verbosity", "show-stack-traces", "build-profile"]);
      const problems: string[] = [];
      let checked = 0;
      for (const doc of documents()) {
        for (const m of taskMentions(readText(doc), relative(ROOT, doc))) {
          if (BUILTIN_TASKS.has(m.task)) continue;
          checked++;
          const three = `${m.task} ${m.next} ${m.third}`;
          const two = `${m.task} ${m.next}`;
          const name =
            m.third !== undefined && tasks.has(three) ? three : m.next !== undefined && tasks.has(two) ? two : m.task;
          if (!tasks.has(name)) {
            problems.push(`${m.file}:${m.line}: no task "${name}" in tasks/index.ts`);
            continue;
          }
          const options = tasks.get(name);
          if (options === undefined) {
            // A group alone lists its tasks (`npx hardhat member --help`); with a task's options it is a typo.
            if (m.options.some((o) => !global.has(o))) {
              problems.push(`${m.file}:${m.line}: "${name}" is a task group: name one of its tasks`);
            }
            continue;
          }
          const known = new Set([...options].map(kebab));
          for (const o of m.options) {
            if (!known.has(o) && !global.has(o)) problems.push(`${m.file}:${m.line}: task ${name} has no --${o}`);
          }
        }
      }
      expect(problems, problems.join("\n")).to.deep.equal([]);
      expect(checked).to.be.greaterThan(40);
    });

    it("runs no sed, awk, grep or jq in a shell block: values come from tasks and files (issue 19)", function () {
      const uses = documents().flatMap((doc) => commandUses(readText(doc), relative(ROOT, doc), TEXT_TOOLS));
      const found = uses.map((u) => `${u.file}:${u.line}: ${u.command}`);
      expect(found, found.join("\n")).to.deep.equal([]);
    });

    it("links only to files that exist", function () {
      const broken: string[] = [];
      for (const doc of documents()) {
        for (const l of relativeLinks(readText(doc))) {
          if (!existsSync(resolve(dirname(doc), l.target)))
            broken.push(`${relative(ROOT, doc)}:${l.line}: ${l.target}`);
        }
      }
      expect(broken, broken.join("\n")).to.deep.equal([]);
    });
  });

  describe("the harness", function () {
    it("finds the commands a shell line runs, not the words it passes", function () {
      const cases: [string, string[]][] = [
        ["x | grep -q y && jq .a f; sed s/a/b/ g", ["x", "grep", "jq", "sed"]],
        ["T=$(jq -r .t f.json) npx hardhat x", ["jq", "npx"]],
        ['echo "$(awk 1 f)" `grep a b`', ["echo", "awk", "grep"]],
      ];
      for (const [line, want] of cases) expect(commandsOf(line), line).to.deep.equal(want);
      expect(commandsOf("find . | xargs -0 grep a")).to.deep.equal(["find", "grep"]);
      expect(commandsOf("sudo /usr/bin/sed -i x f")).to.deep.equal(["sed"]);
      expect(commandsOf("echo grep jq 'a | sed' # | awk")).to.deep.equal(["echo"]);
      expect(commandsOf("npx hardhat record show f --field t")).to.deep.equal(["npx"]);
      const md = [
        "```sh",
        "cat > x.csv <<'EOF'",
        "grep,jq",
        "EOF",
        "# doctest: expect grep",
        "ls | \\",
        "  grep x",
        "```",
        "```json",
        '{ "sed": 1 }',
        "```",
      ].join("\n");
      expect(commandUses(md, "m.md", TEXT_TOOLS)).to.deep.equal([{ file: "m.md", line: 6, command: "grep" }]);
    });

    it("extracts sh blocks, skips with a reason only, and refuses unknown directives", function () {
      const md = [
        "```sh",
        "echo one \\",
        "  two",
        "```",
        "```json",
        "{}",
        "```",
        "```sh",
        "# doctest: skip (needs a testnet)",
        "npx hardhat ignition deploy x --network sepolia",
        "```",
      ].join("\n");
      expect(codeBlocks(md).map((b) => b.info)).to.deep.equal(["sh", "json", "sh"]);
      const blocks = shellBlocks(md, "x.md");
      expect(blocks.map((b) => b.skip)).to.deep.equal([null, "needs a testnet"]);
      expect(logicalLines(blocks[0].lines, 2)).to.deep.equal([{ text: "echo one    two", line: 2 }]);
      expect(() => shellBlocks("```sh\n# doctest: skip\nls\n```", "y.md")).to.throw(/unknown doctest directive/);
      expect(() => shellBlocks("```sh\nls\n# doctest: skip (late)\n```", "y.md")).to.throw(/first line/);
      expect(() => guideScript("```sh\n# doctest: exit 1\n```", "z.md")).to.throw(/applies to nothing/);
    });

    it("fails a guide whose command fails, exits with another code, or prints something else", async function () {
      this.timeout(20_000);
      const dir = await mkdtemp(join(tmpdir(), "por-doctest-self-"));
      await mkdir(join(dir, ".doctest"));
      const env = { ...process.env, DOCTEST_TMP: join(dir, ".doctest") };
      const cases: [string, RegExp][] = [
        ["```sh\nX=1\ntrue\nfalse\necho never\n```", /::doctest-fail g\.md:4 exit code 1/],
        ["```sh\n# doctest: exit 1\ntrue\n```", /::doctest-fail g\.md:3 expected exit code 1, got 0/],
        ["```sh\n# doctest: expect ^hello$\necho goodbye\n```", /::doctest-fail g\.md:3 output does not match/],
        ["```sh\nsleep 30 &\n# doctest: exit 2\n(exit 2)\n# doctest: expect ^ok\necho ok\n```", /::doctest-done 1/],
      ];
      try {
        for (const [md, want] of cases) {
          const r = await runGuide(guideScript(md, "g.md").script, dir, env, 10_000);
          expect(r.output).to.match(want);
          expect(r.code === 0).to.equal(want.source.includes("done"));
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it("with times, prints each command's wall time when the next one starts, and nothing without", async function () {
      const md = "```sh\nsleep 0.3\ntrue\n```";
      expect(guideScript(md, "t.md").script).to.not.contain("doctest-time");
      const dir = await mkdtemp(join(tmpdir(), "por-doctest-self-"));
      await mkdir(join(dir, ".doctest"));
      try {
        const r = await runGuide(guideScript(md, "t.md", { times: true }).script, dir, process.env, 10_000);
        const times = [...r.output.matchAll(/^::doctest-time t\.md:(\d+) (\d+)$/gm)].map((m) => [m[1], Number(m[2])]);
        expect(times.map((t) => t[0])).to.deep.equal(["2", "3"]);
        expect(times[0][1]).to.be.within(250, 5_000);
        expect(r.output).to.contain("::doctest-done 1");
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });

  describe("the guides, run against a fresh local chain", function () {
    let ws = "";
    let chain: ChildProcess | undefined;
    let env: NodeJS.ProcessEnv = {};

    before(async function () {
      this.timeout(120_000);
      const present = readdirSync(GUIDES_DIR).filter((f) => f.endsWith(".md"));
      if (process.env.POR_DOCTEST_UNTIL === undefined) {
        expect([...present].sort(), "every guide must be in GUIDE_ORDER").to.deep.equal([...GUIDE_ORDER].sort());
      }
      ws = await workspace();
      const port = await freePort();
      // The guides' services listen on ports from these variables (defaults 8787, 8650-8652): free ones here, so
      // two runs (or anything else on the machine) never collide.
      const servicePorts = {
        VERIFIER_PORT: String(await freePort()),
        AGGREGATOR_PORT: String(await freePort()),
        NODE_A_HEALTH_PORT: String(await freePort()),
        NODE_B_HEALTH_PORT: String(await freePort()),
      };
      const url = `http://127.0.0.1:${port}`;
      // The test runner's own HARDHAT_* variables (HARDHAT_CONFIG above all) would point the guides' Hardhat at the
      // checkout instead of the workspace.
      const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("HARDHAT_")));
      env = {
        ...inherited,
        PATH: `${join(ROOT, "node_modules", ".bin")}:${process.env.PATH ?? ""}`,
        POR_LOCALHOST_URL: url,
        ...servicePorts,
        DOCTEST_TMP: join(ws, ".doctest"),
        FORCE_COLOR: "0",
        NO_COLOR: "1",
      };
      chain = spawn("npx", ["hardhat", "node", "--port", String(port)], {
        cwd: ws,
        env,
        detached: true,
        stdio: "ignore",
      });
      const deadline = Date.now() + 90_000;
      for (;;) {
        try {
          if ((await rpc(url, "eth_chainId")) === "0x7a69") break;
        } catch {
          // not up yet
        }
        if (Date.now() > deadline) throw new Error(`hardhat node did not answer on ${url}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    });

    after(async function () {
      this.timeout(10_000);
      if (chain !== undefined) await stopGroup(chain);
      if (ws !== "" && process.env.POR_DOCTEST_KEEP === undefined) await rm(ws, { recursive: true, force: true });
    });

    // POR_DOCTEST_UNTIL=<guide.md> stops after that guide (for a guide's author; the full run is the default).
    const until = GUIDE_ORDER.indexOf(process.env.POR_DOCTEST_UNTIL ?? "");
    for (const guide of until >= 0 ? GUIDE_ORDER.slice(0, until + 1) : GUIDE_ORDER) {
      it(`docs/guides/${guide}: every command succeeds`, async function () {
        // The first guide builds the contracts in the workspace: a cache hit on the checkout's build (reuseBuild), but
        // a full compile when the checkout has none or it differs (Transfers compiles through the IR pipeline), so it
        // keeps the longer budget.
        const budget = guide === GUIDE_ORDER[0] ? 480_000 : 230_000;
        this.timeout(budget + 10_000);
        const { script, run, skipped } = guideScript(readText(join(GUIDES_DIR, guide)), `docs/guides/${guide}`, {
          times: TIMES,
        });
        expect(run, `${guide} has no runnable sh block`).to.be.greaterThan(0);
        const r = await runGuide(script, ws, env, budget);
        if (TIMES) for (const l of r.output.split("\n")) if (l.startsWith("::doctest-time ")) console.log(`      ${l}`);
        const tail = r.output.length > TAIL ? "…" + r.output.slice(-TAIL) : r.output;
        expect(r.output, tail).to.contain(`::doctest-done ${run}`);
        expect(r.code, tail).to.equal(0);
        if (skipped.length > 0) console.log(`      skipped in ${guide}: ${skipped.join("; ")}`);
      });
    }
  });
});
