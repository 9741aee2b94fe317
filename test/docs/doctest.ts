// The doc-test machinery: extracts the shell blocks of a guide, turns them into one bash script with checks, and
// collects every `npx hardhat <task> --option` that any document names, so a test can hold the docs to the code.
//
// Conventions in the guides (docs/guides/*.md):
// - Every fenced block whose info string is exactly `sh` is run, in order, by one bash process per guide (so
//   variables and functions carry from one block to the next, as in the reader's terminal). Other blocks (json,
//   text, ...) are illustrations and never run.
// - A block whose first line is `# doctest: skip (<reason>)` is not run; the reason is mandatory.
// - `# doctest: exit <n>` on the line before a command: the command must exit with code n (a documented failure).
// - `# doctest: expect <regular expression>` on the line before a command: its stdout + stderr must match.
// - Every other command must exit 0; the first failure stops the guide and names the block and the line.
// - A command ending with `&` runs in the background; the harness kills every process of the guide at its end.
import { readFileSync } from "node:fs";

/** One fenced code block of a Markdown document. */
export interface CodeBlock {
  /** The info string after the opening fence (`sh`, `json`, ...). */
  info: string;
  /** The block's lines, without the fences. */
  lines: string[];
  /** 1-based line number of the opening fence in the document. */
  line: number;
}

/** Every fenced code block (``` fences) of a Markdown text, in order. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split("\n");
  let open: CodeBlock | null = null;
  lines.forEach((text, i) => {
    const fence = /^\s*```(.*)$/.exec(text);
    if (open === null) {
      if (fence) open = { info: fence[1].trim(), lines: [], line: i + 1 };
    } else if (fence && fence[1].trim() === "") {
      blocks.push(open);
      open = null;
    } else {
      open.lines.push(text);
    }
  });
  if (open !== null) throw new Error(`unclosed code block opened at line ${(open as CodeBlock).line}`);
  return blocks;
}

/** A shell block that the harness runs (or skips, with its reason). */
export interface ShellBlock extends CodeBlock {
  skip: string | null;
}

/** The `sh` blocks of a guide; throws on a skip without a reason or an unknown directive. */
export function shellBlocks(markdown: string, file: string): ShellBlock[] {
  return codeBlocks(markdown)
    .filter((b) => b.info === "sh")
    .map((b) => {
      for (const [i, l] of b.lines.entries()) {
        const d = /^\s*#\s*doctest:\s*(.*)$/.exec(l);
        if (d && !/^(skip \(.+\)|exit \d+|expect .+)$/.test(d[1].trim())) {
          throw new Error(`${file} line ${b.line + 1 + i}: unknown doctest directive "${d[1]}"`);
        }
        if (d && d[1].startsWith("skip") && i !== 0) {
          throw new Error(`${file} line ${b.line + 1 + i}: "# doctest: skip (...)" must be the block's first line`);
        }
      }
      const first = /^\s*#\s*doctest:\s*skip \((.+)\)\s*$/.exec(b.lines[0] ?? "");
      return { ...b, skip: first ? first[1] : null };
    });
}

/** Whether a shell line leaves a single- or double-quoted string open (starting from the given state). */
function openQuote(line: string, state: "'" | '"' | null): "'" | '"' | null {
  let q = state;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (q === null && c === "#" && (i === 0 || /\s/.test(line[i - 1]))) break;
    if (q !== "'" && c === "\\") i++;
    else if (q === null && (c === "'" || c === '"')) q = c;
    else if (q === c) q = null;
  }
  return q;
}

/**
 * Joins backslash-continued lines and lines inside a quoted string that spans lines (a multi-line `jq` program);
 * returns each logical line with the document line it starts on.
 */
export function logicalLines(lines: string[], firstLine: number): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  let acc: { text: string; line: number } | null = null;
  let quote: "'" | '"' | null = null;
  lines.forEach((l, i) => {
    if (acc === null) acc = { text: "", line: firstLine + i };
    quote = openQuote(l, quote);
    if (quote !== null) {
      acc.text += l + "\n";
    } else if (/\\$/.test(l)) {
      acc.text += l.slice(0, -1) + " ";
    } else {
      acc.text += l;
      out.push(acc);
      acc = null;
    }
  });
  if (acc !== null) out.push(acc);
  return out;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The bash script that runs a guide's shell blocks in order. Failures print a line
 * `::doctest-fail <file>:<line> <reason>` on stderr and stop the script with a non-zero code; success ends with
 * `::doctest-done <n blocks run>`.
 */
export function guideScript(
  markdown: string,
  file: string,
  options: { times?: boolean } = {},
): { script: string; run: number; skipped: string[] } {
  const blocks = shellBlocks(markdown, file);
  const out: string[] = [
    "set -o pipefail",
    "set -E",
    "__DOCTEST_LINE=0",
    `trap 'rc=$?; echo "::doctest-fail ${file}:$__DOCTEST_LINE exit code $rc" >&2; exit 90' ERR`,
  ];
  // With `times`, each command's wall time: `::doctest-time <file>:<line> <ms>` on stderr when the next one starts.
  const mark = (line: number) => {
    if (options.times) {
      out.push(
        `__t=\${EPOCHREALTIME/./}; [ "$__DOCTEST_LINE" = 0 ] || echo "::doctest-time ${file}:$__DOCTEST_LINE $(( (__t - __T) / 1000 ))" >&2; __T=$__t`,
      );
    }
    out.push(`__DOCTEST_LINE=${line}`);
  };
  const skipped: string[] = [];
  let run = 0;
  for (const b of blocks) {
    if (b.skip !== null) {
      skipped.push(`${file}:${b.line} (${b.skip})`);
      continue;
    }
    run++;
    let pending: { exit?: number; expect?: string } = {};
    let heredoc: string | null = null;
    for (const { text, line } of logicalLines(b.lines, b.line + 1)) {
      if (heredoc !== null) {
        out.push(text);
        if (text === heredoc) heredoc = null;
        continue;
      }
      const d = /^\s*#\s*doctest:\s*(exit|expect) (.+)$/.exec(text);
      if (d) {
        if (d[1] === "exit") pending.exit = Number(d[2]);
        else pending.expect = d[2].trim();
        continue;
      }
      if (/^\s*(#.*)?$/.test(text)) {
        out.push(text);
        continue;
      }
      const h = heredocDelimiter(text);
      const where = `${file}:${line}`;
      mark(line);
      if (pending.exit === undefined && pending.expect === undefined) {
        out.push(text);
        if (h !== null) heredoc = h;
        continue;
      }
      if (h !== null) throw new Error(`${where}: a doctest directive cannot apply to a heredoc`);
      const expected = pending.exit ?? 0;
      out.push(
        `__rc=0; { ${text}\n} > "$DOCTEST_TMP/out" 2>&1 || __rc=$?`,
        `cat "$DOCTEST_TMP/out"`,
        `if [ "$__rc" != ${expected} ]; then echo "::doctest-fail ${where} expected exit code ${expected}, got $__rc" >&2; exit 91; fi`,
      );
      if (pending.expect !== undefined) {
        out.push(
          `if ! grep -Eq ${quote(pending.expect)} "$DOCTEST_TMP/out"; then echo ${quote(`::doctest-fail ${where} output does not match /${pending.expect}/`)} >&2; exit 92; fi`,
        );
      }
      pending = {};
    }
    if (heredoc !== null) throw new Error(`${file} line ${b.line}: heredoc ${heredoc} not closed in its block`);
    if (pending.exit !== undefined || pending.expect !== undefined) {
      throw new Error(`${file} line ${b.line}: a doctest directive at the end of a block applies to nothing`);
    }
  }
  if (options.times) mark(0);
  out.push(`echo "::doctest-done ${run}"`);
  return { script: out.join("\n") + "\n", run, skipped };
}

/** The delimiter of a heredoc that `text` opens (`cat > f <<'EOF'`: EOF), or null. */
function heredocDelimiter(text: string): string | null {
  return /<<-?\s*'?"?([A-Za-z_]+)'?"?/.exec(text)?.[1] ?? null;
}

/** Words that may stand before a command without being it (`xargs grep`, `sudo sed`, `then jq`, `! grep`). */
const COMMAND_PREFIXES = new Set([
  "!",
  "command",
  "do",
  "elif",
  "else",
  "env",
  "exec",
  "if",
  "nohup",
  "sudo",
  "then",
  "time",
  "until",
  "while",
  "xargs",
]);

/**
 * The commands a shell line runs: the first word of each pipeline stage, list element, group and `$(...)` /
 * backtick substitution, past variable assignments and prefixes such as `xargs` or `sudo`. Single-quoted text and
 * comments are data; double-quoted text is scanned (it may hold a substitution). Rough on purpose: it may find a
 * command too many (a `;` inside double quotes), never one too few.
 */
export function commandsOf(line: string): string[] {
  let text = "";
  let q: "'" | '"' | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (q === null && c === "#" && (i === 0 || /\s/.test(line[i - 1]))) break;
    if (q !== "'" && c === "\\") {
      i++;
      text += " ";
    } else if (q === null && (c === "'" || c === '"')) {
      q = c;
      text += " ";
    } else if (q === c) {
      q = null;
      text += " ";
    } else if (q !== "'") {
      text += c;
    }
  }
  const commands: string[] = [];
  for (const segment of text.split(/\$\(|[|;&(){}`\n]/)) {
    const words = segment
      .trim()
      .split(/\s+/)
      .filter((w) => w !== "");
    let k = 0;
    while (
      k < words.length &&
      (COMMAND_PREFIXES.has(words[k]) ||
        /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[k]) ||
        (k > 0 && words[k].startsWith("-") && COMMAND_PREFIXES.has(words[k - 1])))
    ) {
      k++;
    }
    if (k < words.length) commands.push(words[k].replace(/^.*\//, ""));
  }
  return commands;
}

/** A command of a document's shell block that a test refuses. */
export interface CommandUse {
  file: string;
  line: number;
  command: string;
}

/** Info strings of the fenced blocks that hold shell commands. */
const SHELL_INFO = new Set(["sh", "bash", "shell", "zsh", "console"]);

/**
 * Every use of one of `commands` as a command in a shell block of a document (skipped blocks included; heredoc
 * bodies are data and not scanned).
 */
export function commandUses(markdown: string, file: string, commands: ReadonlySet<string>): CommandUse[] {
  const found: CommandUse[] = [];
  for (const b of codeBlocks(markdown).filter((x) => SHELL_INFO.has(x.info))) {
    let heredoc: string | null = null;
    for (const { text, line } of logicalLines(b.lines, b.line + 1)) {
      if (heredoc !== null) {
        if (text.trim() === heredoc) heredoc = null;
        continue;
      }
      for (const command of commandsOf(text)) if (commands.has(command)) found.push({ file, line, command });
      heredoc = heredocDelimiter(text);
    }
  }
  return found;
}

/** A `npx hardhat <task> --option ...` that a document names. */
export interface TaskMention {
  file: string;
  line: number;
  task: string;
  /** The word after the task, when there is one (a subtask of a group, or a positional argument). */
  next?: string;
  /** The word after that (a subtask of a nested group: `transfer notice post`). */
  third?: string;
  options: string[];
}

/** Hardhat's own tasks (and subtask groups) that documents may name besides the project's. */
export const BUILTIN_TASKS = new Set(["node", "ignition", "keystore", "build", "test", "run", "clean", "console"]);

/** Every `npx hardhat <task>` in a document (code blocks joined across continuations, and inline code). */
export function taskMentions(markdown: string, file: string): TaskMention[] {
  const found: TaskMention[] = [];
  const scan = (text: string, line: number) => {
    for (const m of text.matchAll(
      /npx hardhat ((?:--?[a-z][a-z-]*(?: [A-Za-z0-9_.-]+)? )*)?([a-z][a-z0-9:-]*)(?: ([a-z][a-z0-9-]*)\b)?(?: ([a-z][a-z0-9-]*)\b)?((?:(?!\$\()[^`|;&\n)])*)/g,
    )) {
      // Global options before the task (e.g. `--network x`) are skipped by the optional group; a task's options end
      // at a pipe, a separator or a nested `$(...)`, whose own `npx hardhat` the next match finds.
      const task = m[2];
      const options = [...(m[5] ?? "").matchAll(/(?:^|\s)--([a-z][a-z0-9-]*)/g)].map((o) => o[1]);
      found.push({
        file,
        line,
        task,
        ...(m[3] === undefined ? {} : { next: m[3] }),
        ...(m[4] === undefined ? {} : { third: m[4] }),
        options,
      });
    }
  };
  const lines = markdown.split("\n");
  let inBlock = false;
  let blockStart = 0;
  let block: string[] = [];
  lines.forEach((l, i) => {
    if (/^\s*```/.test(l)) {
      if (inBlock) {
        for (const { text, line } of logicalLines(block, blockStart)) scan(text, line);
        block = [];
      } else blockStart = i + 2;
      inBlock = !inBlock;
      return;
    }
    if (inBlock) block.push(l);
    else for (const c of l.matchAll(/`([^`]+)`/g)) scan(c[1], i + 1);
  });
  return found;
}

/** Relative links `[text](target)` of a document (no URL scheme, no pure anchors), with their line. */
export function relativeLinks(markdown: string): { target: string; line: number }[] {
  const out: { target: string; line: number }[] = [];
  let inBlock = false;
  markdown.split("\n").forEach((l, i) => {
    if (/^\s*```/.test(l)) inBlock = !inBlock;
    if (inBlock) return;
    for (const m of l.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1];
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("#")) continue;
      out.push({ target: target.split("#")[0], line: i + 1 });
    }
  });
  return out;
}

/** Reads a file as UTF-8 (small helper so tests stay terse). */
export const readText = (path: string): string => readFileSync(path, "utf8");
