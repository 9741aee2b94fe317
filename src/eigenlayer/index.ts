// The client side of a deployment on EigenLayer (contracts/EigenLayerStakeSource.sol, the consortium's AVS): what the
// `eigenlayer` tasks read and send. A member names its operator on the adapter; the operator registers for the
// consortium's operator set on EigenLayer's AllocationManager, which calls the adapter back. Allocating stake to the
// set is EigenLayer's own flow (docs/guides/exchange.md).
import { AbiCoder, Contract, type ContractRunner } from "ethers";

import type { EigenLayerStakeSource } from "../../types/ethers-contracts/index.js";
import { TaskError, type Client } from "../client/index.js";
import { I_ALLOCATION_MANAGER_ABI, I_STRATEGY_ABI } from "../generated/abi.js";

const ZERO = "0x0000000000000000000000000000000000000000";

/** The adapter of a deployment on EigenLayer; a TaskError naming the deployment's stake source otherwise. */
export async function eigenLayerOf(ctx: Client, runner?: ContractRunner): Promise<EigenLayerStakeSource> {
  if (ctx.deployment.stakeKind !== "eigenlayer") {
    throw new TaskError(
      `${ctx.deployment.file}: this deployment's stake source is the collateral vault, not EigenLayer ` +
        "(deploy with ignition/modules/ConsortiumEigenLayer.ts for restaked stake; `collateral deposit` here)",
    );
  }
  return ctx.contract("eigenLayer", runner);
}

/** EigenLayer's AllocationManager the adapter is wired to. */
export async function allocationManagerOf(adapter: EigenLayerStakeSource, runner: ContractRunner): Promise<Contract> {
  const [allocationManager] = await adapter.eigenLayer();
  return new Contract(allocationManager, I_ALLOCATION_MANAGER_ABI, runner);
}

/** The registration data the adapter expects: the ABI encoding of the member's address. */
export function registrationData(member: string): string {
  return AbiCoder.defaultAbiCoder().encode(["address"], [member]);
}

/** A strategy of the consortium's operator set. */
export interface StrategyInfo {
  strategy: string;
  weight: bigint;
  underlyingToken: string;
}

/** A member's side of the AVS. */
export interface EigenLayerMember {
  member: string;
  operator: string | null;
  registered: boolean;
  stake: bigint;
  cachedStake: bigint;
  pendingSlashes: bigint[];
}

/** What `eigenlayer status` shows. */
export interface EigenLayerStatus {
  avs: string;
  operatorSetId: bigint;
  allocationManager: string;
  strategyManager: string;
  lookAheadBlocks: bigint;
  bountyShareBps: bigint;
  restitutionDelay: bigint;
  strategies: StrategyInfo[];
  /** Slashes EigenLayer refused, still to retry (`eigenlayer retry-slash <id>`). */
  deferredSlashes: Array<{
    id: bigint;
    member: string;
    bps: bigint;
    /** When the adjudicator ordered it (unix seconds). */
    orderedAt: bigint;
    /** Whether it holds the member's claim rounds closing after `orderedAt` (until governance releases it). */
    holdsRounds: boolean;
    reason: string;
  }>;
  member: EigenLayerMember | null;
}

/** Reads the AVS's configuration, its open deferred slashes and (when given) one member's side. */
export async function readEigenLayerStatus(
  adapter: EigenLayerStakeSource,
  provider: ContractRunner,
  member?: string,
): Promise<EigenLayerStatus> {
  const [allocationManager, strategyManager] = await adapter.eigenLayer();
  const [lookAheadBlocks, bountyShareBps] = await adapter.stakeParams();
  const strategies: StrategyInfo[] = [];
  for (const s of await adapter.strategies()) {
    const strategy = new Contract(s.strategy, I_STRATEGY_ABI, provider);
    strategies.push({
      strategy: s.strategy,
      weight: s.weight,
      underlyingToken: (await strategy.getFunction("underlyingToken")()) as string,
    });
  }
  const deferredSlashes = [];
  const count = await adapter.deferredSlashCount();
  for (let id = 1n; id <= count; id++) {
    const d = await adapter.deferredSlash(id);
    if (d.member === ZERO) continue;
    const { member, bps, orderedAt, holdsRounds, reason } = d;
    deferredSlashes.push({ id, member, bps, orderedAt, holdsRounds, reason });
  }
  let memberSide: EigenLayerMember | null = null;
  if (member !== undefined) {
    const [operator, registered] = await adapter.operatorOf(member);
    memberSide = {
      member,
      operator: operator === ZERO ? null : operator,
      registered,
      stake: await adapter.stakeOf(member),
      cachedStake: (await adapter.stakeHistoryOf(member)).weight,
      pendingSlashes: [...(await adapter.pendingSlashesOf(member))],
    };
  }
  return {
    avs: await adapter.getAddress(),
    operatorSetId: await adapter.operatorSetId(),
    allocationManager,
    strategyManager,
    lookAheadBlocks,
    bountyShareBps,
    restitutionDelay: await adapter.restitutionDelay(),
    strategies,
    deferredSlashes,
    member: memberSide,
  };
}

/** Lines describing a status. */
export function formatEigenLayerStatus(s: EigenLayerStatus): string[] {
  const lines = [
    `AVS ${s.avs}, operator set ${s.operatorSetId} (redistributing to the AVS)`,
    `  EigenLayer: AllocationManager ${s.allocationManager}, StrategyManager ${s.strategyManager}`,
    `  weight = stake slashable ${s.lookAheadBlocks} blocks ahead; bounty ${s.bountyShareBps} bps; ` +
      `claims rounds last at least ${s.restitutionDelay} s for clearing`,
  ];
  for (const st of s.strategies) {
    lines.push(`  strategy ${st.strategy} (token ${st.underlyingToken}): weight ${st.weight}`);
  }
  if (s.deferredSlashes.length === 0) lines.push("  no slash waiting for a retry");
  for (const d of s.deferredSlashes) {
    const holds = d.holdsRounds ? `holds claim rounds closing from ${d.orderedAt}` : "released by governance";
    lines.push(
      `  deferred slash ${d.id}: ${d.bps} bps of ${d.member}, ordered at ${d.orderedAt}, ${holds} ` +
        `(EigenLayer refused: ${d.reason})`,
    );
  }
  const m = s.member;
  if (m !== null) {
    lines.push(
      `member ${m.member}: operator ${m.operator ?? "none named (eigenlayer approve-operator)"}` +
        (m.operator === null ? "" : m.registered ? ", registered" : ", not registered (eigenlayer register)"),
      `  quorum weight now ${m.stake}; cached (what counts for subjects created from now) ${m.cachedStake}` +
        (m.stake > m.cachedStake ? " (eigenlayer refresh to count the rest)" : ""),
    );
    if (m.pendingSlashes.length > 0) {
      lines.push(`  slashes waiting for EigenLayer's clearing: ${m.pendingSlashes.join(", ")} (eigenlayer clear)`);
    }
  }
  return lines;
}
