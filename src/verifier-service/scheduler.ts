// The proof-request scheduler: each round it reads record counts from the store, asks the policy which past
// snapshots to request, persists each choice BEFORE sending CommitmentLedger.requestProof, and records the outcome.
// On start (and every round) it settles rows left `pending` by a crash: if the chain already has a request for that
// (member, t) the row becomes `sent`, otherwise the request is sent again. So a restart neither loses nor repeats one.
import { isRevert, type ChainView } from "./chain.js";
import type { Logger } from "../log/index.js";
import { pickRequests, type Candidate, type RandomInt, type RequestPolicy } from "./policy.js";
import type { ProofRequestRow, RecordStore } from "./store.js";

/** Options of {@link RequestScheduler}. */
export interface SchedulerOptions {
  store: RecordStore;
  chain: ChainView;
  logger: Logger;
  policy?: Partial<RequestPolicy>;
  /** Time between rounds, ms (default one hour). */
  intervalMs?: number;
  /** Random source of the policy (default node:crypto). */
  random?: RandomInt;
  /** Recognises a revert meaning "a request for (member, t) already exists". */
  isRequestExists?: (e: unknown) => boolean;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Schedules back-in-time proof requests. */
export class RequestScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(private readonly o: SchedulerOptions) {}

  /** Settles `pending` rows (a crash between persisting a choice and recording its outcome). */
  async recover(): Promise<void> {
    for (const row of await this.o.store.requests("pending")) await this.send(row.member, row.t);
  }

  /** Sends (or settles) the request for (member, t), whose row exists and is pending. */
  private async send(member: string, t: number): Promise<void> {
    const log = this.o.logger.child({ member, t });
    try {
      const existing = await this.o.chain.requestIdOf(member, t);
      if (existing !== 0n) {
        await this.o.store.updateRequest(member, t, { status: "sent", requestId: existing.toString() }, nowSeconds());
        log.info("proof request already on-chain", { requestId: existing });
        return;
      }
      const { requestId, txHash } = await this.o.chain.requestProof(member, t);
      await this.o.store.updateRequest(
        member,
        t,
        { status: "sent", requestId: requestId.toString(), txHash },
        nowSeconds(),
      );
      log.info("proof requested", { requestId, txHash });
    } catch (e) {
      if (this.o.isRequestExists?.(e) === true) {
        const requestId = await this.o.chain.requestIdOf(member, t).catch(() => 0n);
        await this.o.store.updateRequest(
          member,
          t,
          requestId === 0n ? { status: "exists" } : { status: "exists", requestId: requestId.toString() },
          nowSeconds(),
        );
        log.info("someone else requested this snapshot first", { requestId });
        return;
      }
      const message = (e as Error).message.slice(0, 300);
      if (isRevert(e)) {
        await this.o.store.updateRequest(member, t, { status: "failed", error: message }, nowSeconds());
        log.warn("proof request reverted; not retried", { error: message });
      } else {
        // Left pending: the next round (or restart) settles it.
        log.warn("proof request failed; will retry next round", { error: message });
      }
    }
  }

  /** One round: settle pending rows, pick snapshots, request them. Returns the rows touched this round. */
  async runOnce(): Promise<ProofRequestRow[]> {
    await this.recover();
    const stats = await this.o.store.snapshotStats();
    const perSnapshot = new Map<string, { member: string; t: number; records: number }>();
    for (const s of stats) {
      const key = `${s.member}:${s.t}`;
      const c = perSnapshot.get(key) ?? { member: s.member, t: s.t, records: 0 };
      c.records += s.records;
      perSnapshot.set(key, c);
    }
    const known = new Set((await this.o.store.requests()).map((r) => `${r.member}:${r.t}`));
    const now = await this.o.chain.now();
    const minRecords = this.o.policy?.minRecords ?? 10;
    const minAge = this.o.policy?.minAgeSeconds ?? 86_400;
    const candidates: Candidate[] = [];
    for (const [key, c] of perSnapshot) {
      if (known.has(key) || c.records < minRecords || c.t > now - minAge) continue;
      candidates.push({ ...c, committed: await this.o.chain.setCommitted(c.member, c.t) });
    }
    const picks = pickRequests(candidates, {
      now,
      policy: this.o.policy,
      alreadyRequested: known,
      random: this.o.random,
    });
    for (const p of picks) {
      if (!(await this.o.store.addRequestIntent(p.member, p.t, nowSeconds()))) continue;
      this.o.logger.info("requesting a past snapshot", { member: p.member, t: p.t, records: p.records });
      await this.send(p.member, p.t);
    }
    const touched = new Set(picks.map((p) => `${p.member}:${p.t}`));
    return (await this.o.store.requests()).filter((r) => touched.has(`${r.member}:${r.t}`));
  }

  /** Runs a round now and then every `intervalMs`; errors are logged, never thrown. */
  start(): void {
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      this.running = this.runOnce()
        .catch((e: Error) => this.o.logger.error("request round failed", { error: e.message }))
        .finally(() => {
          this.running = undefined;
          if (!this.stopped) this.timer = setTimeout(tick, this.o.intervalMs ?? 3_600_000);
        });
    };
    tick();
  }

  /** Stops scheduling and waits for a round in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.running;
  }
}
