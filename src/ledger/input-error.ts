// The error of a bad input file (what file, line and field, and why), and zod issues in those words. No Node
// built-in: the web page reports a dropped record file's errors with it.
import type { z } from "zod";

/** The last component of a path (either separator). */
function baseName(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}

/** An input error that names where it happened. */
export class InputError extends Error {
  override name = "InputError";
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly field: string | undefined,
    readonly reason: string,
  ) {
    super(`${baseName(file)}${line !== undefined ? ` line ${line}` : ""}${field ? `, field ${field}` : ""}: ${reason}`);
  }
}

/** Turns a zod error into "field: message" for the first issue. */
export function zodIssue(e: z.ZodError): { field: string | undefined; reason: string } {
  const issue = e.issues[0];
  const field = issue.path.length > 0 ? issue.path.map(String).join(".") : undefined;
  return { field, reason: issue.message };
}
