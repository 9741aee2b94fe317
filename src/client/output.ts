// What a task prints: lines of text by default, or, with `--json`, one JSON object (bigints as decimal strings)
// holding the same data, so scripts read values from files instead of scraping text.

/** JSON.stringify replacer: bigints as decimal strings. */
export function jsonValue(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

/** A value as JSON text (bigints as decimal strings), indented. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, jsonValue, 2);
}

/** A task's output: text lines (not printed with --json) and data fields (printed as one object with --json). */
export class TaskOutput {
  private readonly data: Record<string, unknown> = {};
  /** Set when the task ran but its verdict is negative (exit code 1 after the output). */
  failed = false;

  constructor(
    readonly json: boolean,
    private readonly print: (line: string) => void = (line) => console.log(line),
  ) {}

  /** A line of text (text mode only). */
  line(text: string): void {
    if (!this.json) this.print(text);
  }

  /** A field of the JSON object. */
  set(key: string, value: unknown): void {
    this.data[key] = value;
  }

  /** Every field of an object as a field of the JSON object. */
  setAll(fields: object): void {
    Object.assign(this.data, fields);
  }

  /** Append to a list field of the JSON object (e.g. the transactions a task sent). */
  push(key: string, value: unknown): void {
    const list = (this.data[key] ??= []) as unknown[];
    list.push(value);
  }

  /** With --json: print the object (once, at the end of the task). */
  flush(): void {
    if (this.json) this.print(toJson(this.data));
  }
}
