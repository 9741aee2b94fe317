// The back-in-time request policy (B2, B10): pick random past snapshots, among those the verifier holds enough
// records for, and ask the member to prove them. A pure function of its inputs and a random source, so it is testable
// and the scheduler persists its choices (a restart never requests twice).
import { randomInt } from "node:crypto";

/** One snapshot `(member, t)` the verifier could request. */
export interface Candidate {
  member: string;
  t: number;
  /** Valid records held for this (member, t), all assets. */
  records: number;
  /** Whether the member committed a set for t on-chain. */
  committed: boolean;
}

/** Policy parameters. */
export interface RequestPolicy {
  /** Only snapshots with at least this many records (default 10). */
  minRecords: number;
  /** Only snapshots at least this old, seconds (default one day): the member must not guess which t comes next. */
  minAgeSeconds: number;
  /** At most this many requests per member per round (default 1). */
  maxPerMember: number;
  /** At most this many requests per round in total (default 5). */
  maxPerRound: number;
  /** Also request snapshots the member never committed (it must then answer with a new set). Default false. */
  includeUncommitted: boolean;
}

/** The default policy. */
export const DEFAULT_POLICY: RequestPolicy = {
  minRecords: 10,
  minAgeSeconds: 86_400,
  maxPerMember: 1,
  maxPerRound: 5,
  includeUncommitted: false,
};

/** A random integer in [0, n): unpredictable by default (node:crypto), injectable for tests. */
export type RandomInt = (n: number) => number;

/** Picks which snapshots to request this round. `alreadyRequested` holds `member:t` keys never to pick again. */
export function pickRequests(
  candidates: readonly Candidate[],
  options: { now: number; policy?: Partial<RequestPolicy>; alreadyRequested?: ReadonlySet<string>; random?: RandomInt },
): Candidate[] {
  const policy = { ...DEFAULT_POLICY, ...options.policy };
  const random = options.random ?? ((n: number) => randomInt(n));
  const done = options.alreadyRequested ?? new Set<string>();
  const eligible = candidates.filter(
    (c) =>
      c.records >= policy.minRecords &&
      c.t <= options.now - policy.minAgeSeconds &&
      (c.committed || policy.includeUncommitted) &&
      !done.has(`${c.member}:${c.t}`),
  );
  // Fisher-Yates shuffle with the random source, then take greedily under the per-member and per-round caps.
  const pool = [...eligible];
  for (let i = pool.length - 1; i > 0; i--) {
    const j = random(i + 1);
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  const perMember = new Map<string, number>();
  const out: Candidate[] = [];
  for (const c of pool) {
    if (out.length >= policy.maxPerRound) break;
    const used = perMember.get(c.member) ?? 0;
    if (used >= policy.maxPerMember) continue;
    perMember.set(c.member, used + 1);
    out.push(c);
  }
  return out;
}
