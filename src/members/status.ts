// A member's full on-chain status: lifecycle, SLA, keys, collateral, reserves.
import { formatTime, memberStatusName } from "./format.js";

const ZERO = "0x0000000000000000000000000000000000000000";

/** The registry views status reading needs (a typechain ConsortiumRegistry satisfies it). */
export interface RegistryViews {
  memberInfo(member: string): Promise<{
    status: bigint;
    appliedAt: bigint;
    probationSince: bigint;
    activeSince: bigint;
    exitableAt: bigint;
    genesisAuditor: string;
    genesisDigest: string;
  }>;
  slaOf(member: string): Promise<{ snapshotInterval: bigint; responseWindow: bigint; minCollateral: bigint }>;
  keyCount(member: string): Promise<bigint>;
  keyAt(
    member: string,
    index: bigint,
  ): Promise<{ keyHash: bigint; ax: bigint; ay: bigint; validFrom: bigint; validUntil: bigint }>;
  canCommit(member: string): Promise<boolean>;
  canSendZeroConf(member: string): Promise<boolean>;
}

/** The vault views status reading needs. */
export interface VaultViews {
  stakeOf(member: string): Promise<bigint>;
  collateralTokens(): Promise<string[]>;
  balanceOf(member: string, token: string): Promise<bigint>;
  pendingOf(member: string, token: string): Promise<{ amount: bigint; executableAt: bigint }>;
}

/** The EigenLayer adapter's views status reading needs (an EigenLayer deployment's stake source). */
export interface EigenLayerViews {
  stakeOf(member: string): Promise<bigint>;
  operatorOf(member: string): Promise<[string, boolean] | { 0: string; 1: boolean }>;
  pendingSlashesOf(member: string): Promise<bigint[]>;
}

/** The reserve-registry views status reading needs. */
export interface ReserveViews {
  reservesOf(member: string): Promise<string[]>;
  ownerOf(wallet: string): Promise<[string, bigint] | { 0: string; 1: bigint }>;
}

/** Everything `member status` shows. */
export interface MemberStatusReport {
  member: string;
  status: string;
  appliedAt: bigint;
  probationSince: bigint;
  activeSince: bigint;
  exitableAt: bigint;
  genesisAuditor: string;
  genesisDigest: string;
  sla: { snapshotInterval: bigint; responseWindow: bigint; minCollateral: bigint };
  /** The deployment's stake source: the native vault, EigenLayer, or none wired yet. */
  stakeSource: "native" | "eigenlayer" | "none";
  stake: bigint;
  meetsMinCollateral: boolean;
  /** EigenLayer only: the member's operator, whether it is registered, and slashes whose tokens have not arrived. */
  operator: { address: string; registered: boolean; pendingSlashes: bigint[] } | null;
  canCommit: boolean;
  canSendZeroConf: boolean;
  keys: Array<{ keyHash: bigint; ax: bigint; ay: bigint; validFrom: bigint; validUntil: bigint }>;
  collateral: Array<{ token: string; balance: bigint; pending: bigint; executableAt: bigint }>;
  reserves: Array<{ wallet: string; registeredAt: bigint }>;
}

/**
 * Read a member's status from the registry, the stake source (the vault, or the EigenLayer adapter; neither when
 * none is wired yet) and (if given) reserve registry.
 */
export async function readMemberStatus(
  registry: RegistryViews,
  stakeSource: { vault: VaultViews } | { eigenLayer: EigenLayerViews } | undefined,
  reserves: ReserveViews | undefined,
  member: string,
): Promise<MemberStatusReport> {
  const vault = stakeSource !== undefined && "vault" in stakeSource ? stakeSource.vault : undefined;
  const eigenLayer = stakeSource !== undefined && "eigenLayer" in stakeSource ? stakeSource.eigenLayer : undefined;
  const info = await registry.memberInfo(member);
  const sla = await registry.slaOf(member);
  const keyCount = await registry.keyCount(member);
  const keys = [];
  for (let i = 0n; i < keyCount; i++) {
    const k = await registry.keyAt(member, i);
    keys.push({ keyHash: k.keyHash, ax: k.ax, ay: k.ay, validFrom: k.validFrom, validUntil: k.validUntil });
  }
  const collateral = [];
  let stake = 0n;
  if (vault) {
    stake = await vault.stakeOf(member);
    for (const token of await vault.collateralTokens()) {
      const balance = await vault.balanceOf(member, token);
      const pending = await vault.pendingOf(member, token);
      if (balance > 0n || pending.amount > 0n) {
        collateral.push({ token, balance, pending: pending.amount, executableAt: pending.executableAt });
      }
    }
  }
  let operator: MemberStatusReport["operator"] = null;
  if (eigenLayer) {
    stake = await eigenLayer.stakeOf(member);
    const bound = await eigenLayer.operatorOf(member);
    operator = {
      address: bound[0],
      registered: bound[1],
      pendingSlashes: [...(await eigenLayer.pendingSlashesOf(member))],
    };
  }
  const reserveList = [];
  if (reserves) {
    for (const wallet of await reserves.reservesOf(member)) {
      const owner = await reserves.ownerOf(wallet);
      reserveList.push({ wallet, registeredAt: owner[1] });
    }
  }
  return {
    member,
    status: memberStatusName(info.status),
    appliedAt: info.appliedAt,
    probationSince: info.probationSince,
    activeSince: info.activeSince,
    exitableAt: info.exitableAt,
    genesisAuditor: info.genesisAuditor,
    genesisDigest: info.genesisDigest,
    sla: {
      snapshotInterval: sla.snapshotInterval,
      responseWindow: sla.responseWindow,
      minCollateral: sla.minCollateral,
    },
    stakeSource: vault ? "native" : eigenLayer ? "eigenlayer" : "none",
    stake,
    meetsMinCollateral: stakeSource ? stake >= sla.minCollateral : false,
    operator,
    canCommit: await registry.canCommit(member),
    canSendZeroConf: await registry.canSendZeroConf(member),
    keys,
    collateral,
    reserves: reserveList,
  };
}

/** Lines describing a status report. */
export function formatMemberStatus(r: MemberStatusReport): string[] {
  const lines = [
    `member ${r.member}`,
    `  status ${r.status}${r.canCommit ? " (may commit and co-sign)" : ""}${r.canSendZeroConf ? " (may send 0-conf)" : ""}`,
    `  applied ${formatTime(r.appliedAt)}, probation since ${formatTime(r.probationSince)}, active since ${formatTime(r.activeSince)}`,
  ];
  if (r.exitableAt > 0n) lines.push(`  exit completes from ${formatTime(r.exitableAt)}`);
  if (r.probationSince > 0n) lines.push(`  genesis approved by ${r.genesisAuditor}, digest ${r.genesisDigest}`);
  lines.push(
    `  SLA: snapshot every ${r.sla.snapshotInterval}s, respond within ${r.sla.responseWindow}s, minimum collateral weight ${r.sla.minCollateral}`,
    `  stake weight ${r.stake} (${r.meetsMinCollateral ? "meets" : "below"} minimum)` +
      (r.stakeSource === "eigenlayer" ? ", restaked through EigenLayer (slashable stake)" : ""),
  );
  if (r.operator) {
    const o = r.operator;
    lines.push(
      `  EigenLayer operator ${o.address === ZERO ? "none named (eigenlayer approve-operator)" : o.address}` +
        (o.address === ZERO ? "" : o.registered ? ", registered in the consortium's operator set" : ", not registered"),
    );
    if (o.pendingSlashes.length > 0) {
      lines.push(`  slashes waiting for EigenLayer's clearing: ${o.pendingSlashes.join(", ")} (eigenlayer clear)`);
    }
  }
  for (const c of r.collateral) {
    lines.push(
      `  collateral ${c.token}: balance ${c.balance}, pending ${c.pending}${c.pending > 0n ? ` (from ${formatTime(c.executableAt)})` : ""}`,
    );
  }
  r.keys.forEach((k, i) =>
    lines.push(`  key ${i}: keyHash ${k.keyHash}, valid ${formatTime(k.validFrom)} .. ${formatTime(k.validUntil)}`),
  );
  for (const w of r.reserves) lines.push(`  reserve ${w.wallet} since ${formatTime(w.registeredAt)}`);
  return lines;
}
