// Runs a task action in-process with what it prints (console.log / console.error) captured and its exit code
// (process.exitCode) read and restored, so a test can check a task's output and failure exactly as a user sees them.

/** Runs `run`; returns its exit code (0 unless it set process.exitCode) and its output lines joined by newlines. */
export async function captureTask(run: () => Promise<void>): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const [log, error] = [console.log, console.error];
  console.log = (...a: unknown[]) => void lines.push(a.join(" "));
  console.error = (...a: unknown[]) => void lines.push(a.join(" "));
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    await run();
    return { code: Number(process.exitCode ?? 0), out: lines.join("\n") };
  } finally {
    console.log = log;
    console.error = error;
    process.exitCode = before;
  }
}
