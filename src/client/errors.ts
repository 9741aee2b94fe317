// The one error class of the tasks and the one way a task body runs: a user mistake (bad input, a missing file, a
// revert explained in words) is a TaskError and prints as one line without a stack; anything else is a bug or an
// outage and prints its message, with the stack under `--show-stack-traces`.
import { TaskOutput } from "./output.js";

/** An error whose message is already meant for the user (what is wrong and where); printed without a stack. */
export class TaskError extends Error {
  override name = "TaskError";
  /** The process exit code (1 unless the task says otherwise, e.g. 130 for an interrupted snapshot). */
  readonly exitCode: number;

  constructor(message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = options.exitCode ?? 1;
  }
}

/** Turn a library error (which names its file and field) into a TaskError with the same words. */
export function asTaskError(e: unknown): TaskError {
  if (e instanceof TaskError) return e;
  return new TaskError(e instanceof Error ? e.message : String(e), { cause: e });
}

/** Run `fn`; any error it throws becomes a TaskError with its message (for library calls that validate input). */
export async function userInput<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw asTaskError(e);
  }
}

/** The line a failure prints: the task's name and the message; the stack only for unexpected errors, on request. */
export function failureText(task: string, error: unknown, showStack: boolean): string {
  if (error instanceof TaskError) return `${task}: ${error.message}`;
  const message = error instanceof Error ? error.message : String(error);
  const stack = showStack && error instanceof Error && error.stack !== undefined ? `\n${error.stack}` : "";
  return `${task} failed: ${message}${stack}`;
}

/**
 * Run a task body with its output (text, or one JSON object with `json`): on success the output is flushed; on
 * failure the message goes to stderr (see {@link failureText}) and the exit code is set. `finally` runs either way
 * (curve workers, crypto pools).
 */
export async function runTask(
  task: string,
  body: (out: TaskOutput) => Promise<void>,
  options: { json?: boolean; print?: (line: string) => void; finally?: () => Promise<void> } = {},
): Promise<void> {
  const out = new TaskOutput(options.json === true, options.print);
  try {
    await body(out);
    out.flush();
    if (out.failed) process.exitCode = 1;
  } catch (e) {
    console.error(failureText(task, e, process.argv.includes("--show-stack-traces")));
    process.exitCode = e instanceof TaskError ? e.exitCode : 1;
  } finally {
    await options.finally?.();
  }
}
