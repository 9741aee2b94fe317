// The watchtower (D9): for every held record the committed tree contradicts, build the LeafMismatch32 Groth16 proof
// (src/prover) and submit it to the Adjudicator, once per nullifier, surviving restarts (src/node/db.ts).
import { Contract, getAddress, type ContractRunner, type Provider } from "ethers";

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
import { ADJUDICATOR_ABI } from "../poa/abi.js";
import { slotPathOf } from "./checks.js";
import type { NodeDb } from "./db.js";
import type { Logger } from "../log/index.js";
import { withRetry } from "./retry.js";

/** What the watchtower needs. */
export interface WatchtowerDeps {
  db: NodeDb;
  provider: Provider;
  /** The operator's key, connected (pays gas, receives the bounty). */
  signer: ContractRunner & { getAddress(): Promise<string> };
  adjudicator: string;
  poseidon: (xs: readonly bigint[]) => bigint;
  log: Logger;
  /** Fraud circuit instance (default LeafMismatch32) and its artifacts (default: the cached development keys). */
  circuit?: string;
  artifacts?: ProverArtifacts;
}

/** The prover's view of a stored record. */
export function signedRecordOf(r: StoredRecord): SignedRecord {
  return {
    member: BigInt(r.member),
    asset: BigInt(r.asset),
    t: BigInt(r.t),
    slot: BigInt(r.slot),
    accountKey: BigInt(r.accountKey),
    balance: BigInt(r.balance),
    signature: { R8x: BigInt(r.r8x), R8y: BigInt(r.r8y), S: BigInt(r.s) },
    publicKey: { Ax: BigInt(r.ax), Ay: BigInt(r.ay) },
  };
}

/** Outcome per record. */
export type FraudOutcome = "submitted" | "already-spent" | "refused" | "failed" | "skipped";

/**
 * Proves and submits fraud for each contradicted record of one tree, sequentially (one nonce stream). A nullifier
 * already spent on-chain, or already finished in the node's database, is skipped; a refused proof (nothing to prove)
 * is recorded and never retried.
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
  const me = getAddress(await deps.signer.getAddress());
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
    const spent = await withRetry(() => adj.getFunction("isNullifierSpent")(BigInt(r.nullifier)) as Promise<boolean>, {
      log,
      what: "isNullifierSpent",
    });
    if (spent) {
      deps.db.setFraud({ ...base, status: "done" });
      log.info("fraud already proven on-chain for this record");
      out.set(r.nullifier, "already-spent");
      continue;
    }
    if (row?.status === "submitted" && row.txHash !== null) {
      // A previous run sent a transaction: wait for it rather than sending a second one.
      const receipt = await withRetry(() => deps.provider.getTransactionReceipt(row.txHash as string), { log });
      const pending = receipt === null ? await deps.provider.getTransaction(row.txHash) : null;
      if (pending !== null) {
        const mined = await pending.wait();
        if (mined?.status === 1) {
          deps.db.setFraud({ ...base, status: "done", txHash: row.txHash });
          out.set(r.nullifier, "submitted");
          continue;
        }
      }
    }
    const recipient = r.payout ?? me;
    const path = slotPathOf(deps.poseidon, tree, r.slot);
    let struct;
    try {
      const t0 = performance.now();
      const { file } = await proveFraud(
        {
          record: signedRecordOf(r),
          path: { slot: BigInt(r.slot), ...path },
          recipient: BigInt(recipient),
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
    const spentMeanwhile = await withRetry(
      () => adj.getFunction("isNullifierSpent")(BigInt(r.nullifier)) as Promise<boolean>,
      { log, what: "isNullifierSpent" },
    );
    if (spentMeanwhile) {
      deps.db.setFraud({ ...base, status: "done" });
      log.info("fraud proven on-chain by someone else while this node was proving");
      out.set(r.nullifier, "already-spent");
      continue;
    }
    try {
      const tx = (await adj.getFunction("proveFraud")(struct, set)) as {
        hash: string;
        wait(): Promise<{ status: number | null } | null>;
      };
      deps.db.setFraud({ ...base, status: "submitted", txHash: tx.hash });
      log.info("fraud proof submitted", { tx: tx.hash, recipient });
      const receipt = await tx.wait();
      if (receipt?.status !== 1) throw new Error(`transaction ${tx.hash} failed`);
      deps.db.setFraud({ ...base, status: "done", txHash: tx.hash });
      out.set(r.nullifier, "submitted");
    } catch (e) {
      const message = e instanceof Error ? e.message.split("\n")[0] : String(e);
      const nowSpent = (await adj.getFunction("isNullifierSpent")(BigInt(r.nullifier))) as boolean;
      deps.db.setFraud({ ...base, status: nowSpent ? "done" : "failed", error: message });
      log.error("fraud submission failed", { error: message, spent: nowSpent });
      out.set(r.nullifier, nowSpent ? "already-spent" : "failed");
    }
  }
  return out;
}
