// The watchtower (D9): for every held record the committed tree contradicts, build the LeafMismatch32 Groth16 proof
// (src/prover) and submit it to the Adjudicator, once per nullifier, surviving restarts (src/node/db.ts). A slash no
// longer ejects a member it leaves below its minimum collateral: after its own proof is mined, the watchtower asks the
// Adjudicator to eject such a member (best effort: a failure is logged and never stops the watchtower).
import { Contract, getAddress, type ContractRunner, type Interface, type Provider } from "ethers";

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
import { ADJUDICATOR_ABI, CONSORTIUM_REGISTRY_ABI, VAULT_ABI } from "../poa/abi.js";
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
  /** The ConsortiumRegistry (ejection terms; the vault's address). */
  registry: string;
  poseidon: (xs: readonly bigint[]) => bigint;
  log: Logger;
  /** Fraud circuit instance (default LeafMismatch32) and its artifacts (default: the cached development keys). */
  circuit?: string;
  artifacts?: ProverArtifacts;
  /** Longest wait for an ejection transaction to be mined, ms (default 300000); then the watchtower moves on. */
  ejectWaitMs?: number;
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
          await ejectIfUndercollateralized(deps, r.member, log);
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
    if (out.get(r.nullifier) === "submitted") await ejectIfUndercollateralized(deps, r.member, log);
  }
  return out;
}

/** What {@link ejectIfUndercollateralized} did. */
export type EjectionOutcome = "ejected" | "not-needed" | "failed";

let adjudicatorErrors: Interface | undefined;

/**
 * After this watchtower's fraud proof against `member` was mined: when the registry says the member can be ejected
 * (`ejectionTermsOf`) and its stake weight (`vault.stakeOf`) is below its minimum, call the Adjudicator's
 * `ejectUndercollateralized(member)`. Best effort and never throws: a failed read, a reverted or unmined transaction
 * (someone else ejected first, the stake was topped up meanwhile) is logged and the watchtower carries on; nothing is
 * retried beyond the RPC retry of the reads (the next proof against the member checks again).
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
    const vaultAddress = (await withRetry(() => registry.getFunction("collateralVault")(), {
      log,
      what: "collateralVault",
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
    const tx = (await adj.getFunction("ejectUndercollateralized")(member)) as {
      hash: string;
      wait(confirms?: number, timeout?: number): Promise<{ status: number | null } | null>;
    };
    log.info("ejecting the member left below its minimum collateral", { member, stake, minimum, tx: tx.hash });
    const receipt = await tx.wait(1, deps.ejectWaitMs ?? 300_000);
    if (receipt?.status !== 1) throw new Error(`transaction ${tx.hash} failed`);
    log.info("member ejected", { member, tx: tx.hash });
    return "ejected";
  } catch (e) {
    log.warn("ejection failed; carrying on", { member, stake, minimum, error: why(e) });
    return "failed";
  }
}
