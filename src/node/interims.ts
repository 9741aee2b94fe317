// The operator node's IA duty: follows `InterimPosted` on the Attestations contract (its own cursor, surviving
// restarts), checks each IA with `checkInterim` on the asset's chain once it can be judged, signs the EIP-712 IA
// verdict with the operator key and POSTs it (a `por.interim-verdict` file with one signature) to the aggregator's
// `/interims`. One verdict per IA, ever: it is stored before it is sent, and a stored verdict is only re-sent.
//
// On evidence, never on RPC flakiness: an RPC error or a timeout postpones the IA (backoff); "missed" needs the
// deadline passed at a consortium block the node has seen AND every source the node has for the asset's chain
// finding no qualifying payment (the configured RPCs, plus the node's own provider for the consortium chain), on two
// checks at least `missedRecheckSeconds` apart. A source that omits the transaction while another shows it gives no
// verdict, only a retry.
import { Contract, getAddress, type EventLog, type Provider, type Signer } from "ethers";

import {
  checkInterim,
  paymentNotBefore,
  reserveOwnerAt,
  type InterimCheck,
  type ReserveOwnerAt,
} from "../attestations/checker.js";
import {
  attestationsDomain,
  interimRecordFromArgs,
  interimRecordFromEvent,
  signInterimVerdict,
  type InterimRecord,
} from "../attestations/index.js";
import { interimRecordJson, interimVerdictFile } from "../attestations/verdicts.js";
import { withRetry } from "../chain/retry.js";
import { errorMessage } from "../chain/rpc.js";
import { ATTESTATIONS_ABI, CONSORTIUM_REGISTRY_ABI, RESERVE_REGISTRY_ABI } from "../generated/abi.js";
import type { Logger } from "../log/index.js";
import type { InterimJob, NodeDb } from "./db.js";

const ZERO = "0x0000000000000000000000000000000000000000";

/** Where an asset is paid: its chain's RPC providers (all must agree on "missed") and its token there. */
export interface InterimChain {
  providers: Provider[];
  /** The token on that chain (address(0): its native coin). */
  token: string;
}

/** The node's IA settings. */
export interface InterimOptions {
  /** The Attestations contract. */
  attestations: string;
  /** Per asset: the chain that pays it (absent: the consortium chain, the registry's token of the asset). */
  chains?: Record<number, InterimChain>;
  /** Confirmations the payment needs on its chain (default 1). */
  confirmations?: number;
  /** First block to scan when the database has no IA cursor (default: the node's `startBlock`). */
  startBlock?: number;
  /** A "missed" finding is signed only when a second check this long after the first finds it again (default 30). */
  missedRecheckSeconds?: number;
}

/** What the IA watcher needs from its node. */
export interface InterimDeps {
  provider: Provider;
  wallet: Signer;
  registry: string;
  /** The ReserveRegistry: an IA's payment must come from the member's reserve wallets. */
  reserveRegistry: string;
  db: NodeDb;
  chainId: bigint;
  operator: string;
  aggregatorUrl: string;
  confirmations: number;
  maxRange: number;
  startBlock: number;
  log: Logger;
  signal: AbortSignal;
}

/** Follows, judges and delivers IAs for one node. */
export class InterimWatcher {
  private readonly attestations: Contract;
  private readonly registry: Contract;
  private readonly ownerAt: ReserveOwnerAt;

  constructor(
    private readonly o: InterimOptions,
    private readonly d: InterimDeps,
  ) {
    this.attestations = new Contract(o.attestations, ATTESTATIONS_ABI, d.provider);
    this.registry = new Contract(d.registry, CONSORTIUM_REGISTRY_ABI, d.provider);
    const reserves = new Contract(d.reserveRegistry, RESERVE_REGISTRY_ABI, d.provider);
    this.ownerAt = reserveOwnerAt({
      ownerAt: (wallet, t) =>
        withRetry(() => reserves.getFunction("ownerAt")(wallet, t) as Promise<string>, {
          log: d.log,
          what: "reserve wallet owner",
        }),
    });
  }

  /** Scans confirmed blocks after the IA cursor for `InterimPosted`; stores one job per IA (one transaction). */
  async poll(head: number): Promise<number> {
    const { db, log, signal } = this.d;
    const safe = head - this.d.confirmations;
    const cursor = db.interimCursor();
    let from = cursor === undefined ? (this.o.startBlock ?? this.d.startBlock) : cursor + 1;
    let added = 0;
    while (from <= safe && !signal.aborted) {
      const to = Math.min(safe, from + this.d.maxRange - 1);
      const logs = (await withRetry(
        () => this.attestations.queryFilter(this.attestations.filters.InterimPosted(), from, to),
        { log, what: `IA logs ${from}-${to}`, signal },
      )) as EventLog[];
      const jobs = logs
        .filter((l) => "args" in l)
        .map((l) => ({
          interimId: (l.args.interimId as string).toLowerCase(),
          record: interimRecordFromEvent(l),
          block: l.blockNumber,
        }));
      db.tx(() => {
        for (const j of jobs) {
          if (!db.addInterimJob(j.interimId, JSON.stringify(interimRecordJson(j.record)), j.block)) continue;
          // Never judge one's own IAs; they are kept (closed) for the one-payment-one-IA rule of the others.
          if (getAddress(j.record.member) === this.d.operator) db.closeInterim(j.interimId);
          else added++;
        }
        db.setInterimCursor(to);
      });
      for (const j of jobs) log.info("IA seen", { interimId: j.interimId, member: j.record.member });
      from = to + 1;
    }
    return added;
  }

  /** Judges, signs and sends every due IA once; a failure postpones that IA only. */
  async processDue(): Promise<void> {
    const { db, log, signal } = this.d;
    const now = Math.floor(Date.now() / 1000);
    for (const job of db.dueInterimJobs(now)) {
      if (signal.aborted) return;
      try {
        await this.process(job);
      } catch (e) {
        if (signal.aborted) return;
        const delay = Math.min(300, 2 ** Math.min(job.attempts, 8));
        db.postponeInterim(job.interimId, delay, errorMessage(e));
        log.warn("IA postponed", { interimId: job.interimId, delaySeconds: delay, reason: errorMessage(e) });
      }
    }
  }

  private async process(job: InterimJob): Promise<void> {
    const { db, log } = this.d;
    const l = log.child({ interimId: job.interimId });
    if (job.status === "pending") {
      const record = parseRecord(job.record);
      const status = Number(
        (await withRetry(() => this.attestations.getFunction("interimStatusOf")(record), { log })) as bigint,
      );
      if (status !== 1 && status !== 4) {
        l.info("IA already closed on-chain: nothing to sign", { status });
        db.closeInterim(job.interimId);
        return;
      }
      const judged = await this.judge(record, job);
      if (judged === undefined) return;
      const domain = attestationsDomain(this.d.chainId, this.o.attestations);
      const settled = judged.verdict === "settled";
      const signed = await signInterimVerdict(this.d.wallet, domain, record, settled);
      const file = interimVerdictFile(this.d.chainId, this.o.attestations, record, settled, judged.reason, signed);
      // Stored before it is sent: a restart re-sends this verdict and never signs another.
      db.signInterim(job.interimId, settled, judged.reason, JSON.stringify(file));
      l.info("IA verdict signed", { verdict: judged.verdict, reason: judged.reason });
      job = db.interimJob(job.interimId) as InterimJob;
    }
    if (job.status === "signed" && job.file !== null) {
      await this.send(job.file);
      db.markInterimSent(job.interimId);
      l.info("IA verdict sent to the aggregator");
    }
  }

  /** The verdict the evidence supports, or undefined (postponed: not decidable yet). */
  private async judge(record: InterimRecord, job: InterimJob): Promise<InterimCheck | undefined> {
    const { db, log, provider } = this.d;
    const head = await withRetry(() => provider.getBlock("latest"), { log, what: "latest block" });
    if (head === null) throw new Error("the consortium RPC returned no latest block");
    const now = BigInt(head.timestamp); // a consortium block the node has seen
    const chain = await this.chainOf(record.asset);
    // Every IA seen from the IA cursor's start (run the node from the deployment's first block for the whole list).
    const posted = db.interimRecords().map(parseRecord);
    const params = await withRetry(
      () => this.attestations.getFunction("params")() as Promise<{ interimWindow: bigint }>,
      {
        log,
        what: "attestation parameters",
      },
    );
    const notBefore = paymentNotBefore(record, params.interimWindow);
    const checks: InterimCheck[] = [];
    for (const p of chain.providers) {
      checks.push(
        await checkInterim(p, record, {
          token: chain.token,
          confirmations: this.o.confirmations ?? 1,
          now,
          posted,
          ownerAt: this.ownerAt,
          notBefore,
        }),
      );
    }
    const wait = (reason: string) => {
      db.postponeInterim(job.interimId, Math.min(300, 2 ** Math.min(job.attempts, 8)), reason, false);
      log.info("IA not judged yet", { interimId: job.interimId, reason });
      return undefined;
    };
    const settled = checks.find((c) => c.verdict === "settled");
    if (settled !== undefined) return settled; // a confirmed qualifying payment is positive evidence on any source
    if (checks.some((c) => c.verdict === "wait")) return wait(checks.find((c) => c.verdict === "wait")!.reason);
    // Every source finds no qualifying payment past the deadline: confirm on a later check before signing "missed".
    const at = Math.floor(Date.now() / 1000);
    const recheck = this.o.missedRecheckSeconds ?? 30;
    if (job.missedSeenAt === null) {
      db.noteInterimMissed(job.interimId, at, recheck);
      log.info("IA looks missed: checking again before signing", {
        interimId: job.interimId,
        reason: checks[0].reason,
      });
      return undefined;
    }
    if (at - job.missedSeenAt < recheck) {
      db.noteInterimMissed(job.interimId, job.missedSeenAt, recheck);
      return undefined;
    }
    return checks[0];
  }

  private async chainOf(asset: number): Promise<InterimChain> {
    const given = this.o.chains?.[asset];
    if (given !== undefined) {
      // The consortium chain's own provider corroborates a configured RPC of the same chain.
      const same = await Promise.all(
        given.providers.map(async (p) => (await p.getNetwork()).chainId === this.d.chainId),
      );
      const providers = same.some(Boolean) ? [...given.providers, this.d.provider] : given.providers;
      return { providers, token: given.token };
    }
    const token = (await withRetry(() => this.registry.getFunction("assetToken")(asset), {
      log: this.d.log,
    })) as string;
    return { providers: [this.d.provider], token: token ?? ZERO };
  }

  /** POSTs a verdict; accepted and duplicate answers both count as delivered. */
  private async send(file: string): Promise<void> {
    const res = await withRetry(
      async () => {
        const r = await fetch(`${this.d.aggregatorUrl.replace(/\/$/, "")}/interims`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: file,
          signal: AbortSignal.timeout(15_000),
        });
        if (r.status >= 500) throw Object.assign(new Error(`aggregator answered ${r.status}`), { status: r.status });
        return r;
      },
      { log: this.d.log, what: "POST IA verdict", attempts: 4 },
    );
    if (res.status !== 200 && res.status !== 201) {
      throw new Error(`aggregator refused the IA verdict: ${res.status} ${await res.text()}`);
    }
  }
}

function parseRecord(json: string): InterimRecord {
  const r = interimRecordFromArgs({ record: JSON.parse(json) as unknown });
  return { ...r, member: getAddress(r.member) };
}
