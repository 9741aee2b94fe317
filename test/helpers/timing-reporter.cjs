// A mocha reporter: the spec reporter's output, plus each test file's wall time and CPU time (this process and the
// children it waited for, from /proc/self/stat), written as JSON to the path in POR_TEST_TIMES and summarised on
// stderr (the slowest 25 files). Enabled by hardhat.config.ts when POR_TEST_TIMES is set (issue 18: where the time
// of `npm test` goes). CommonJS because mocha loads reporters with require().
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const Mocha = require("mocha");

const { EVENT_SUITE_BEGIN, EVENT_SUITE_END, EVENT_RUN_END, EVENT_TEST_FAIL } = Mocha.Runner.constants;

/** CPU seconds of this process and its reaped children (user + system), or undefined off Linux. */
function cpuSeconds() {
  try {
    const stat = fs.readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // fields[11..14] are utime, stime, cutime, cstime (man 5 proc, counted from field 3), in clock ticks (100 Hz).
    return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return undefined;
  }
}

class TimingReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const out = process.env.POR_TEST_TIMES;
    const files = new Map();
    const open = new Map();
    const key = (suite) => path.relative(process.cwd(), suite.file ?? "(no file)");
    runner.on(EVENT_SUITE_BEGIN, (suite) => {
      if (!suite.parent || !suite.parent.root) return;
      open.set(suite, { t: performance.now(), cpu: cpuSeconds() });
    });
    runner.on(EVENT_SUITE_END, (suite) => {
      const start = open.get(suite);
      if (start === undefined) return;
      open.delete(suite);
      const entry = files.get(key(suite)) ?? { file: key(suite), wallS: 0, cpuS: 0, failures: 0 };
      entry.wallS += (performance.now() - start.t) / 1000;
      const cpu = cpuSeconds();
      if (cpu !== undefined && start.cpu !== undefined) entry.cpuS += cpu - start.cpu;
      files.set(entry.file, entry);
    });
    runner.on(EVENT_TEST_FAIL, (test) => {
      let s = test.parent;
      while (s && s.parent && !s.parent.root) s = s.parent;
      if (!s || !s.file) return;
      const entry = files.get(key(s)) ?? { file: key(s), wallS: 0, cpuS: 0, failures: 0 };
      entry.failures++;
      files.set(entry.file, entry);
    });
    runner.once(EVENT_RUN_END, () => {
      const rows = [...files.values()]
        .map((e) => ({ ...e, wallS: Math.round(e.wallS * 10) / 10, cpuS: Math.round(e.cpuS * 10) / 10 }))
        .sort((a, b) => b.wallS - a.wallS);
      const total = rows.reduce((s, e) => s + e.wallS, 0);
      if (out) fs.writeFileSync(out, JSON.stringify({ totalWallS: Math.round(total), files: rows }, null, 2) + "\n");
      process.stderr.write(`\nslowest test files (wall s, cpu s), of ${rows.length} files, ${Math.round(total)} s:\n`);
      for (const e of rows.slice(0, 25))
        process.stderr.write(`  ${e.wallS.toFixed(1).padStart(7)} ${e.cpuS.toFixed(1).padStart(7)}  ${e.file}\n`);
    });
  }
}

module.exports = TimingReporter;
