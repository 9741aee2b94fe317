// Structured logs for every long-running service (operator node, aggregator, verifier service): one JSON object
// per line ({ts, level, component, msg, ...fields}) on a writable stream.

/** Log levels, lowest first. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** The log levels, lowest first. */
export const LOG_LEVELS = Object.keys(ORDER) as LogLevel[];

/** `value` as a log level, or an error naming `setting` and the levels. */
export function parseLogLevel(value: string, setting = "--log-level"): LogLevel {
  if ((LOG_LEVELS as string[]).includes(value)) return value as LogLevel;
  throw new Error(`${setting} must be one of ${LOG_LEVELS.join(", ")}, got "${value}"`);
}

/** A structured logger. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger that adds `fields` to every line. */
  child(fields: Record<string, unknown>): Logger;
}

function jsonSafe(_key: string, v: unknown): unknown {
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Error) return { name: v.name, message: v.message };
  return v;
}

/** A JSON-lines logger writing to `out` (default stdout), dropping lines below `level`. */
export function jsonLogger(
  component: string,
  options: { level?: LogLevel; out?: { write(s: string): unknown }; fields?: Record<string, unknown> } = {},
): Logger {
  const min = ORDER[options.level ?? "info"];
  const out = options.out ?? process.stdout;
  const base = { component, ...options.fields };
  const emit = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < min) return;
    out.write(JSON.stringify({ ts: new Date().toISOString(), level, ...base, msg, ...fields }, jsonSafe) + "\n");
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (f) => jsonLogger(component, { ...options, fields: { ...options.fields, ...f } }),
  };
}

/** A logger that drops everything. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
