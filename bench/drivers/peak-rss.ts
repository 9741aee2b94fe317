// This process's own peak RSS in MiB, for the bench drivers that run in a process of their own. On Linux the
// high-water mark of its address space (VmHWM in /proc/self/status): getrusage's maxrss (process.resourceUsage())
// carries the parent's RSS at fork over exec, so a driver spawned by a bench process holding 1 GB would report at
// least 1 GB whatever it used itself. Elsewhere, maxrss.
import { readFileSync } from "node:fs";

export function ownPeakRssMiB(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"));
    if (m !== null) return Number(m[1]) / 1024;
  } catch {
    // not Linux: fall through
  }
  return process.resourceUsage().maxRSS / 1024;
}
