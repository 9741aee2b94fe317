// Progress lines of the demo: one line when a step starts, notes while it works, a heartbeat while it waits (so a
// long wait, such as a cold ceremony cache, never looks hung), and one line with the step's time when it ends.

/** Where progress lines go (stdout by default; tests capture them). */
export type LineSink = (line: string) => void;

/** Timing of a finished step. */
export interface StepTiming {
  id: string;
  title: string;
  seconds: number;
}

const fmt = (ms: number) => {
  const s = Math.floor(ms / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
};

/** Prints the demo's progress with elapsed times. */
export class ProgressPrinter {
  private readonly started = performance.now();
  readonly timings: StepTiming[] = [];
  private index = 0;

  constructor(
    private readonly sink: LineSink,
    private readonly totalSteps: number,
  ) {}

  /** Prints a line prefixed with the elapsed wall time. */
  line(text: string): void {
    this.sink(`[${fmt(performance.now() - this.started)}] ${text}`);
  }

  /** Seconds since the demo started. */
  elapsedSeconds(): number {
    return (performance.now() - this.started) / 1000;
  }

  /**
   * Runs one step: prints its start, runs `fn` (which may call `note`), prints its end with the time taken (and
   * `summary`'s result, if given). A failing step prints which step failed and rethrows.
   */
  async step<T>(
    id: string,
    title: string,
    fn: (note: (text: string) => void) => Promise<T>,
    summary?: (result: T) => string,
  ): Promise<T> {
    this.index++;
    const n = `${this.index}/${this.totalSteps}`;
    this.line(`step ${n} ${title} ...`);
    const t0 = performance.now();
    try {
      const out = await fn((text) => this.line(`  ${text}`));
      const seconds = (performance.now() - t0) / 1000;
      this.timings.push({ id, title, seconds });
      const extra = summary === undefined ? "" : `: ${summary(out)}`;
      this.line(`step ${n} ${title} done in ${seconds.toFixed(1)} s${extra}`);
      return out;
    } catch (e) {
      this.line(`step ${n} ${title} FAILED after ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      throw e;
    }
  }

  /** Prints `what` every `everyMs` while `p` runs (a wait that must not look hung). */
  async heartbeat<T>(p: Promise<T>, what: () => string, everyMs = 15_000): Promise<T> {
    const t0 = performance.now();
    const timer = setInterval(
      () => this.line(`  ... ${what()} (${((performance.now() - t0) / 1000).toFixed(0)} s)`),
      everyMs,
    );
    try {
      return await p;
    } finally {
      clearInterval(timer);
    }
  }
}
