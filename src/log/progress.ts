// Progress lines of a long command (e.g. `hardhat snapshot`): in a terminal one line that overwrites itself (`\r`),
// elsewhere (a log file, a pipe, CI) plain lines, fewer of them, so a log never fills with carriage returns.

/** Where progress goes: a stream, and whether it is a terminal (`process.stderr` has both). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Reports `phase done/total`; `finish` ends a line still open in a terminal (before an error message, say). */
export interface ProgressReporter {
  report(phase: string, done: number, total: number): void;
  finish(): void;
}

/**
 * A progress reporter printing `[label] phase done/total`. In a terminal the line is rewritten at most every
 * `terminalEveryMs` (default 500 ms); otherwise a plain line at most every `plainEveryMs` (default 5 s). A new
 * phase and a phase's last step (`done === total`) are always printed.
 */
export function progressReporter(
  out: ProgressStream,
  label: string,
  options: { terminalEveryMs?: number; plainEveryMs?: number; now?: () => number } = {},
): ProgressReporter {
  const tty = out.isTTY === true;
  const every = tty ? (options.terminalEveryMs ?? 500) : (options.plainEveryMs ?? 5_000);
  const now = options.now ?? Date.now;
  let last = -Infinity;
  let lastPhase: string | undefined;
  let open = false;
  return {
    report(phase, done, total) {
      const t = now();
      const final = done === total;
      if (!final && phase === lastPhase && t - last < every) return;
      last = t;
      lastPhase = phase;
      const text = `[${label}] ${phase} ${done}/${total}`;
      if (tty) {
        out.write(`\r${text}    ${final ? "\n" : ""}`);
        open = !final;
      } else {
        out.write(`${text}\n`);
      }
    },
    finish() {
      if (open) out.write("\n");
      open = false;
    },
  };
}
