// The watchtower (D9): for every held record the committed tree contradicts, build the LeafMismatch32 Groth16 proof
// (src/prover) and submit it to the Adjudicator, once per nullifier, surviving restarts (src/node/db.ts). A slash no
// longer ejects a member it leaves below its minimum collateral: after its own proof is mined, the watchtower asks the
// Adjudicator to eject such a member (best effort: a failure is logged and never stops the watchtower). Every wait
// for a transaction is bounded, so neither a slow ejection nor a transaction stuck behind it stalls the proving loop.
import { Contract, getAddress, isError, type ContractRunner, type Interface, type Provider } from "ethers";

import { combinedInterface, explainError } from "../chain/errors.js";

import {
  FraudProofRefused,
  proveFraud,
  toFraudProofStruct,
  type ProverArtifacts,
  type SignedRecord,
} from "../prover/index.js";
import type { SumTree } from "../tree/index.js";
import type { StoredRecord } from "../verifier-service/store.js";
import type { AssetCommitment } from "../consortium/attestation.js";
import { ADJUDICATOR_ABI, COLLATERAL_VAULT_ABI as VAULT_ABI, CONSORTIUM_REGISTRY_ABI } from "../generated/abi.js";
import { slotPathOf } from "./checks.js";
import type { NodeDb } from "./db.js";
import type { Logger } from "../log/index.js";
import { withRetry } from "../chain/retry.js";

/** What the watchtower needs. */
export interface WatchtowerDeps {
  db: NodeDb;
  provider: Provider;
  /** The operator's key, connected (pays gas, receives the bounty). */
  signer: ContractRunner & { getAddress(): Promise<string> };
  adjudicator: string;
  /** The ConsortiumRegistry (ejection terms; the vault's address). */
  registry: string;
  poseidon: (xs: readonly bigint[]) => bigint;
  log: Logger;
  /** Fraud circuit instance (default LeafMismatch32) and its artifacts (default: the cached development keys). */
  circuit?: string;
  artifacts?: ProverArtifacts;
  /**
   * Longest wait for an ejection transaction to be mined, ms (default 5000); then the watchtower carries on proving
   * (the transaction stays sent).
   */
  ejectWaitMs?: number;
  /**
   * Longest wait for a fraud-proof transaction to be mined, ms (default 300000); then the submission counts as failed
   * (the node retries later, and first waits for that same transaction again rather than sending a second one).
   */
  txWaitMs?: number;
}

/** A sent transaction, as ethers returns it. */
interface SentTx {
  hash: string;
  wait(confirms?: number, timeout?: number): Promise<{ status: number | null } | null>;
}

/**
 * The receipt of `tx` once mined, waiting at most `ms`; undefined when it was not mined in time. A reverted
 * transaction (ethers throws CALL_EXCEPTION) and other errors are thrown.
 */
async function minedWithin(tx: SentTx, ms: number): Promise<{ status: number | null } | null | undefined> {
  try {
    return await tx.wait(1, ms);
  } catch (e) {
    if (isError(e, "TIMEOUT")) return undefined;
    throw e;
  }
}

const DEFAULT_TX_WAIT_MS = 300_000;
const DEFAULT_EJECT_WAIT_MS = 5_000;

/** The prover's view of a stored record. */
export function signedRecordOf(r: StoredRecord): SignedRecord {
  return {
    member: BigInt(r.member),
    asset: BigInt(r.asset),
    t: BigInt(r.t),
    slot: BigInt(r.slot),
    accountKey: BigInt(r.accountKey),
    balance: BigInt(r.balance),
    // A row stored before record message v2 has no payout hash; its v1 message cannot be proven by this circuit.
    payoutHash: BigInt(r.payoutHash ?? 0),
    signature: { R8x: BigInt(r.r8x), R8y: BigInt(r.r8y), S: BigInt(r.s) },
    publicKey: { Ax: BigInt(r.ax), Ay: BigInt(r.ay) },
  };
}

/** Outcome per record. */
export type FraudOutcome = "submitted" | "already-spent" | "refused" | "failed" | "skipped";

/**
 * Proves and submits fraud for each contradicted record of one tree, sequentially (one nonce stream). A nullifier
 * already spent on-chain, or already finished in the node's database, is skipped; a refused proof (nothing to prove)
 * is recorded and never retried. After each of its own proofs is mined (also one sent before a restart and mined
 * since), the watchtower may eject the member ({@link ejectIfUndercollateralized}): at most one ejection is attempted
 * per member per batch (a member whose stake still met its minimum is checked again after the next proof against it),
 * and its wait is short (`ejectWaitMs`); a fraud-proof transaction not mined within `txWaitMs` (stuck behind a
 * pending ejection, say) counts as failed.
 */
export async function proveAndSubmitFraud(
  deps: WatchtowerDeps,
  tree: SumTree,
  rootHash: bigint,
  records: readonly StoredRecord[],
  set: readonly AssetCommitment[],
): Promise<Map<string, FraudOutcome>> {
  const out = new Map<string, FraudOutcome>();
  const adj = new Contract(deps.adjudicator, ADJUDICATOR_ABI, deps.signer);
  const txWaitMs = deps.txWaitMs ?? DEFAULT_TX_WAIT_MS;
  // Spent nullifiers are kept per accused member (another member's proof never spends this one).
  const isSpent = (r: StoredRecord, log: Logger) =>
    withRetry(
      () => adj.getFunction("isNullifierSpent")(getAddress(r.member), BigInt(r.nullifier)) as Promise<boolean>,
      { log, what: "isNullifierSpent" },
    );
  // Whether our own transaction `txHash` was mined and succeeded.
  const minedOk = async (txHash: string, log: Logger) =>
    (await withRetry(() => deps.provider.getTransactionReceipt(txHash), { log }))?.status === 1;
  // Members an ejection was attempted for in this batch (sent, or failed): several proofs against one member send
  // one ejection at most.
  const ejectionTried = new Set<string>();
  const ejectOnce = async (member: string, log: Logger): Promise<void> => {
    const m = getAddress(member);
    if (ejectionTried.has(m)) {
      log.debug("ejection already attempted for this member in this batch", { member: m });
      return;
    }
    if ((await ejectIfUndercollateralized(deps, m, log)) !== "not-needed") ejectionTried.add(m);
  };
  // After each of our own proofs: eject the member if the slash left it below its minimum. The claim the proof booked
  // is the user's: it is paid after the claim window, pro rata, to the payout the record commits to, by whoever holds
  // the opening (the user); the watchtower holds only the payout hash.
  const afterOwnProof = async (r: StoredRecord, log: Logger): Promise<void> => {
    await ejectOnce(r.member, log);
  };
  for (const r of records) {
    const log = deps.log.child({ nullifier: r.nullifier, member: r.member, asset: r.asset, t: r.t, slot: r.slot });
    const row = deps.db.fraud(r.nullifier);
    if (row !== undefined && (row.status === "done" || row.status === "refused")) {
      out.set(r.nullifier, "skipped");
      continue;
    }
    const base = {
      nullifier: r.nullifier,
      member: r.member,
      asset: r.asset,
      t: BigInt(r.t),
      txHash: null,
      error: null,
    };
    const sentBefore = row?.status === "submitted" ? row.txHash : null;
    if (await isSpent(r, log)) {
      deps.db.setFraud({ ...base, status: "done" });
      if (sentBefore !== null && (await minedOk(sentBefore, log))) {
        // An earlier attempt (before a restart, or one whose wait gave up) sent this proof and it was mined since:
        // finish it as our own, ejection included.
        log.info("fraud proof sent earlier was mined", { tx: sentBefore });
        out.set(r.nullifier, "submitted");
        await afterOwnProof(r, log);
        continue;
      }
      log.info("fraud already proven on-chain for this record");
      out.set(r.nullifier, "already-spent");
      continue;
    }
    if (sentBefore !== null) {
      // A previous run sent a transaction: wait for it (bounded) rather than sending a second one.
      const receipt = await withRetry(() => deps.provider.getTransactionReceipt(sentBefore), { log });
      const pending =
        receipt === null ? await withRetry(() => deps.provider.getTransaction(sentBefore), { log }) : null;
      if (pending !== null) {
        let mined: { status: number | null } | null | undefined;
        try {
          mined = await minedWithin(pending, txWaitMs);
        } catch {
          mined = null; // reverted (someone else's proof came first, say): prove again below if still unspent
        }
        if (mined === undefined) {
          const message = `transaction ${sentBefore} not mined within ${txWaitMs} ms`;
          deps.db.setFraud({ ...base, status: "submitted", error: message });
          log.error("fraud proof sent earlier is still not mined; will wait for it again", { tx: sentBefore });
          out.set(r.nullifier, "failed");
          continue;
        }
        if (mined?.status === 1) {
          deps.db.setFraud({ ...base, status: "done", txHash: sentBefore });
          out.set(r.nullifier, "submitted");
          await afterOwnProof(r, log);
          continue;
        }
      }
    }
    const path = slotPathOf(deps.poseidon, tree, r.slot);
    let struct;
    try {
      const t0 = performance.now();
      const { file } = await proveFraud(
        {
          record: signedRecordOf(r),
          path: { slot: BigInt(r.slot), ...path },
          expectedRoot: rootHash,
        },
        { circuit: deps.circuit, artifacts: deps.artifacts },
      );
      log.info("fraud proof built", { kind: file.kind, ms: Math.round(performance.now() - t0) });
      struct = toFraudProofStruct(file);
    } catch (e) {
      if (e instanceof FraudProofRefused) {
        deps.db.setFraud({ ...base, status: "refused", error: `${e.reason}: ${e.message}` });
        log.warn("fraud proof refused", { reason: e.reason, error: e.message });
        out.set(r.nullifier, "refused");
        continue;
      }
      throw e;
    }
    // Proving takes seconds: another watchtower may have spent the nullifier meanwhile. Check again right before
    // sending, so a lost race costs a view call, not a reverted transaction.
    if (await isSpent(r, log)) {
      deps.db.setFraud({ ...base, status: "done" });
      log.info("fraud proven on-chain by someone else while this node was proving");
      out.set(r.nullifier, "already-spent");
      continue;
    }
    let sent: string | null = null;
    let inFlight = false;
    try {
      const tx = (await adj.getFunction("proveFraud")(struct, set)) as SentTx;
      sent = tx.hash;
      deps.db.setFraud({ ...base, status: "submitted", txHash: tx.hash });
      log.info("fraud proof submitted", { tx: tx.hash, payoutHash: r.payoutHash });
      const receipt = await minedWithin(tx, txWaitMs);
      if (receipt === undefined) {
        inFlight = true;
        throw new Error(`transaction ${tx.hash} not mined within ${txWaitMs} ms`);
      }
      if (receipt?.status !== 1) throw new Error(`transaction ${tx.hash} failed`);
      deps.db.setFraud({ ...base, status: "done", txHash: tx.hash });
      out.set(r.nullifier, "submitted");
    } catch (e) {
      const message = e instanceof Error ? e.message.split("\n")[0] : String(e);
      const nowSpent = await isSpent(r, log);
      // Ours after all (mined just after the wait gave up)?
      const ours = nowSpent && sent !== null && (await minedOk(sent, log));
      // A transaction still in flight stays "submitted": the next attempt waits for it instead of sending another.
      const status = nowSpent ? "done" : inFlight ? "submitted" : "failed";
      deps.db.setFraud({ ...base, status, error: ours ? null : message });
      if (ours) {
        log.info("fraud proof mined after the wait gave up", { tx: sent });
        out.set(r.nullifier, "submitted");
      } else {
        log.error("fraud submission failed", { error: message, spent: nowSpent });
        out.set(r.nullifier, nowSpent ? "already-spent" : "failed");
      }
    }
    if (out.get(r.nullifier) === "submitted") await afterOwnProof(r, log);
  }
  return out;
}

/**
 * What {@link ejectIfUndercollateralized} did: `sent` is an ejection transaction not mined within `ejectWaitMs` (it
 * stays sent; the watchtower does not wait longer).
 */
export type EjectionOutcome = "ejected" | "sent" | "not-needed" | "failed";

let adjudicatorErrors: Interface | undefined;

/**
 * After this watchtower's fraud proof against `member` was mined: when the registry says the member can be ejected
 * (`ejectionTermsOf`) and its stake weight (`vault.stakeOf`) is below its minimum, call the Adjudicator's
 * `ejectUndercollateralized(member)`, and wait at most `ejectWaitMs` (default 5 s) for it to be mined. Best effort and
 * never throws: a failed read or a reverted transaction (someone else ejected first, the stake was topped up
 * meanwhile) is logged and the watchtower carries on, as it does when the transaction is not mined in time; nothing is
 * retried beyond the RPC retry of the reads (a later batch's proof against the member checks again).
 */
export async function ejectIfUndercollateralized(
  deps: Pick<WatchtowerDeps, "provider" | "signer" | "adjudicator" | "registry" | "log" | "ejectWaitMs">,
  member: string,
  log: Logger = deps.log,
): Promise<EjectionOutcome> {
  adjudicatorErrors ??= combinedInterface([ADJUDICATOR_ABI]);
  const why = (e: unknown) => explainError(e, adjudicatorErrors as Interface).split("\n")[0];
  let ejectable: boolean;
  let minimum: bigint;
  let stake: bigint;
  try {
    const registry = new Contract(deps.registry, CONSORTIUM_REGISTRY_ABI, deps.provider);
    [ejectable, minimum] = (await withRetry(() => registry.getFunction("ejectionTermsOf")(member), {
      log,
      what: "ejectionTermsOf",
    })) as [boolean, bigint];
    if (!ejectable) {
      log.debug("member not ejectable after the slash", { member });
      return "not-needed";
    }
    const vaultAddress = (await withRetry(() => registry.getFunction("stakeSource")(), {
      log,
      what: "stakeSource",
    })) as string;
    const vault = new Contract(vaultAddress, VAULT_ABI, deps.provider);
    stake = (await withRetry(() => vault.getFunction("stakeOf")(member), { log, what: "stakeOf" })) as bigint;
  } catch (e) {
    log.warn("could not read the member's collateral after the slash; not ejecting", { member, error: why(e) });
    return "failed";
  }
  if (stake >= minimum) {
    log.debug("member still meets its minimum collateral after the slash", { member, stake, minimum });
    return "not-needed";
  }
  try {
    const adj = new Contract(deps.adjudicator, ADJUDICATOR_ABI, deps.signer);
    const tx = (await adj.getFunction("ejectUndercollateralized")(member)) as SentTx;
    log.info("ejecting the member left below its minimum collateral", { member, stake, minimum, tx: tx.hash });
    const waitMs = deps.ejectWaitMs ?? DEFAULT_EJECT_WAIT_MS;
    const receipt = await minedWithin(tx, waitMs);
    if (receipt === undefined) {
      log.info("ejection sent, not mined yet; carrying on", { member, tx: tx.hash, waitedMs: waitMs });
      return "sent";
    }
    if (receipt?.status !== 1) throw new Error(`transaction ${tx.hash} failed`);
    log.info("member ejected", { member, tx: tx.hash });
    return "ejected";
  } catch (e) {
    log.warn("ejection failed; carrying on", { member, stake, minimum, error: why(e) });
    return "failed";
  }
}
