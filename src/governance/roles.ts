// Who holds which role: every role of an AccessControl contract is enumerated from its ABI (DEFAULT_ADMIN_ROLE and
// each `*_ROLE` constant) and its events (RoleGranted, RoleRevoked, RoleAdminChanged), and the holders replayed from
// those events and confirmed with `hasRole`. A role is an admin role when it is DEFAULT_ADMIN_ROLE or the admin
// (`getRoleAdmin`) of a role. Used to check that after the hand-over no externally owned account administers anything.
import { Contract, Interface, type InterfaceAbi, type Provider } from "ethers";

export const DEFAULT_ADMIN_ROLE = `0x${"00".repeat(32)}`;

/** One role of one contract. */
export interface RoleHolders {
  contract: string;
  address: string;
  role: string;
  /** The constant's name (`AUDITOR_ROLE`, `DEFAULT_ADMIN_ROLE`) or the hash when no constant names it. */
  name: string;
  /** The role that administers this one. */
  adminRole: string;
  /** Whether this role administers some role (DEFAULT_ADMIN_ROLE always does). */
  isAdmin: boolean;
  holders: Array<{ account: string; isContract: boolean }>;
}

/** Every role of `address` (an AccessControl contract with ABI `abi`) and its current holders. */
export async function rolesOf(
  contract: string,
  address: string,
  abi: InterfaceAbi,
  provider: Provider,
  fromBlock = 0,
): Promise<RoleHolders[]> {
  const iface = new Interface(abi);
  const c = new Contract(address, abi, provider);
  const names = new Map<string, string>([[DEFAULT_ADMIN_ROLE, "DEFAULT_ADMIN_ROLE"]]);
  const constants: string[] = [];
  iface.forEachFunction((f) => {
    if (/_ROLE$/.test(f.name) && f.inputs.length === 0 && f.outputs.length === 1 && f.outputs[0].type === "bytes32") {
      constants.push(f.name);
    }
  });
  for (const name of constants) names.set(String(await c.getFunction(name).staticCall()), name);

  const candidates = new Map<string, Set<string>>();
  for (const role of names.keys()) candidates.set(role, new Set());
  const logs = await provider.getLogs({ address, fromBlock });
  for (const log of logs) {
    const parsed = iface.parseLog(log);
    if (parsed === null) continue;
    if (parsed.name === "RoleGranted" || parsed.name === "RoleRevoked") {
      const role = String(parsed.args.role);
      if (!candidates.has(role)) candidates.set(role, new Set());
      candidates.get(role)!.add(String(parsed.args.account));
    } else if (parsed.name === "RoleAdminChanged") {
      for (const r of [String(parsed.args.role), String(parsed.args.newAdminRole)]) {
        if (!candidates.has(r)) candidates.set(r, new Set());
      }
    }
  }

  const admins = new Map<string, string>();
  for (const role of candidates.keys()) admins.set(role, String(await c.getRoleAdmin(role)));
  const adminRoles = new Set([DEFAULT_ADMIN_ROLE, ...admins.values()]);
  const out: RoleHolders[] = [];
  for (const [role, accounts] of candidates) {
    const holders: RoleHolders["holders"] = [];
    for (const account of [...accounts].sort()) {
      if (!(await c.hasRole(role, account))) continue;
      holders.push({ account, isContract: (await provider.getCode(account)) !== "0x" });
    }
    out.push({
      contract,
      address,
      role,
      name: names.get(role) ?? role,
      adminRole: admins.get(role)!,
      isAdmin: adminRoles.has(role),
      holders,
    });
  }
  return out;
}

/** The admin roles held by an account that is not `allowed` (e.g. the timelock): each an offence, in words. */
export function adminOffences(roles: RoleHolders[], allowed: string[]): string[] {
  const ok = new Set(allowed.map((a) => a.toLowerCase()));
  const out: string[] = [];
  for (const r of roles) {
    if (!r.isAdmin) continue;
    for (const h of r.holders) {
      if (!ok.has(h.account.toLowerCase())) {
        out.push(`${r.contract}: ${h.account} (${h.isContract ? "a contract" : "an EOA"}) holds ${r.name}`);
      }
    }
  }
  return out;
}

/**
 * Holders of the privileged roles that are not admin roles but act without the timelock's delay: each role named in
 * `expected` may be held only by the accounts listed for it (e.g. ADJUDICATOR_ROLE by the Adjudicator contract, which
 * ejects members after a fraud proof). Each other holder is an offence, in words.
 */
export function privilegeOffences(roles: RoleHolders[], expected: Record<string, string[]>): string[] {
  const out: string[] = [];
  for (const r of roles) {
    const allowed = expected[r.name];
    if (allowed === undefined || r.isAdmin) continue;
    const ok = new Set(allowed.map((a) => a.toLowerCase()));
    for (const h of r.holders) {
      if (!ok.has(h.account.toLowerCase())) {
        out.push(`${r.contract}: ${h.account} (${h.isContract ? "a contract" : "an EOA"}) holds ${r.name}`);
      }
    }
  }
  return out;
}

/** The shortest timelock delay `governance roles --check` accepts, seconds. */
export const MIN_GOVERNANCE_DELAY = 3_600n;

/**
 * What is wrong with the timelock's delay and the insurance fund after a hand-over: a delay under
 * {@link MIN_GOVERNANCE_DELAY} (changes apply before anyone can react), a delay at or above the claim window
 * (governance's vetoes and payout assignments could never land in time), an insurance fund that is not the timelock.
 */
export function delayOffences(
  minDelay: bigint,
  claim: { claimWindow: bigint; insuranceFund: string },
  timelock: string,
): string[] {
  const out: string[] = [];
  if (minDelay < MIN_GOVERNANCE_DELAY) {
    out.push(`TimelockController: minDelay ${minDelay} s is below ${MIN_GOVERNANCE_DELAY} s: changes apply at once`);
  }
  if (minDelay >= claim.claimWindow) {
    out.push(
      `TimelockController: minDelay ${minDelay} s is not below the claim window (${claim.claimWindow} s): ` +
        "governance vetoes and payout assignments could never land in time",
    );
  }
  if (claim.insuranceFund.toLowerCase() !== timelock.toLowerCase()) {
    out.push(`Adjudicator: the insurance fund is ${claim.insuranceFund}, not the timelock ${timelock}`);
  }
  return out;
}
