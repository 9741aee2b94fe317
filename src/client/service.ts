// The one way a long-running task runs (`operator run`, `aggregator serve`, `verifier serve`, and the verifier
// service's own entry point): start the service (a start that waits for its RPC endpoint is aborted by SIGINT or
// SIGTERM), serve until SIGINT or SIGTERM (a second signal exits at once, code 130), close it, and make sure the
// process ends even if a library left a handle open. A failed start is one line naming the task and exit code 1.

/** A started service. */
export interface RunningService {
  /** Finishes the current work, closes what it opened. */
  close(): Promise<void>;
}

/** Where the runner reports (a JSON logger, or {@link stderrLog}). */
export interface ServiceLog {
  info(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** Plain lines on stderr: `<task>: <message>`. */
export function stderrLog(task: string): ServiceLog {
  const line = (msg: string) => console.error(`${task}: ${msg}`);
  return { info: line, error: line };
}

/**
 * Resolves when the process gets SIGINT or SIGTERM; a second signal exits at once (code 130), for an operator who
 * does not want to wait for the graceful shutdown.
 */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (sig: NodeJS.Signals) => () => {
      process.once("SIGINT", () => process.exit(130));
      process.once("SIGTERM", () => process.exit(130));
      resolve(sig);
    };
    process.once("SIGINT", on("SIGINT"));
    process.once("SIGTERM", on("SIGTERM"));
  });
}

/**
 * After a service shut down, makes sure the process exits within `ms` even if a library left a handle open (a worker
 * thread, a keep-alive socket): an unref'd timer, so a process that exits on its own is not held up.
 */
export function exitSoon(ms = 2_000): void {
  setTimeout(() => process.exit(), ms).unref();
}

export interface ServeOptions {
  log: ServiceLog;
  /** The line a failed start prints (default: the error's message). */
  describe?: (e: unknown) => string;
  /** Exit within this many ms after the service stopped (default 2,000; `false`: leave the process alone, for tests). */
  exitAfterMs?: number | false;
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Runs `start(signal)` and serves until SIGINT/SIGTERM, then closes the service. A signal during the start aborts
 * `signal`: a start that honours it (waiting for an RPC endpoint) throws, which is reported as information, exit 0.
 * Any other failure of the start, and a failing shutdown, is an error line and exit code 1.
 */
export async function serveUntilSignal(
  start: (signal: AbortSignal) => Promise<RunningService>,
  options: ServeOptions,
): Promise<void> {
  const { log } = options;
  const describe = options.describe ?? messageOf;
  const stop = new AbortController();
  const signalled = untilSignal().then((sig) => {
    stop.abort();
    return sig;
  });
  try {
    let service: RunningService;
    try {
      service = await start(stop.signal);
    } catch (e) {
      if (stop.signal.aborted) {
        log.info(messageOf(e));
      } else {
        log.error(describe(e));
        process.exitCode = 1;
      }
      return;
    }
    const signal = await signalled;
    log.info(`${signal}, shutting down`, { signal });
    try {
      await service.close();
    } catch (e) {
      log.error(`shutdown failed: ${messageOf(e)}`);
      process.exitCode = 1;
    }
  } finally {
    if (options.exitAfterMs !== false) exitSoon(options.exitAfterMs);
  }
}
