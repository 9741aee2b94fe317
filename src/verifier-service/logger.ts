// Structured logs: one JSON object per line, `{"ts", "level", "msg", ...fields}`.

/** Log levels, in increasing severity. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A structured logger. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger that adds `fields` to every line. */
  child(fields: Record<string, unknown>): Logger;
}

const replacer = (_k: string, v: unknown) => (typeof v === "bigint" ? v.toString() : v);

/** A JSON-lines logger writing to `out` (default stderr), dropping lines below `level`. */
export function jsonLogger(
  options: { level?: LogLevel; out?: { write(s: string): unknown }; base?: Record<string, unknown> } = {},
): Logger {
  const min = RANK[options.level ?? "info"];
  const out = options.out ?? process.stderr;
  const base = options.base ?? {};
  const line = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (RANK[level] < min) return;
    out.write(JSON.stringify({ ts: new Date().toISOString(), level, msg, ...base, ...fields }, replacer) + "\n");
  };
  return {
    debug: (m, f) => line("debug", m, f),
    info: (m, f) => line("info", m, f),
    warn: (m, f) => line("warn", m, f),
    error: (m, f) => line("error", m, f),
    child: (fields) => jsonLogger({ ...options, base: { ...base, ...fields } }),
  };
}

/** A logger that drops everything (tests). */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
