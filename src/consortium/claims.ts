// Restitution claims as the Adjudicator books them (its claim book, IRestitutionClaims): one slot per claim (asset,
// amount still owed, a tag of the member and the recipient); who is owed what, against which member and snapshot, is
// in the FraudProven event of the proof that booked it. This reads both. A claim is paid only from the accused
// member's own restitution pool in the vault (`restitutionOf(member, token)`), and `payClaim` names both the member
// and the recipient.
import { Contract, getAddress, type ContractRunner } from "ethers";

import { ADJUDICATOR_ABI } from "../poa/abi.js";

/** A booked restitution claim. */
export interface BookedClaim {
  nullifier: bigint;
  /** The accused member: its restitution pool pays the claim (`payClaim(nullifier, member, recipient)`). */
  member: string;
  asset: number;
  /** The snapshot time of the proven record. */
  t: bigint;
  /** The asset's token (the zero address for ETH). */
  token: string;
  recipient: string;
  /** The booked amount, in the asset's base units. */
  amount: bigint;
  remaining: bigint;
  paid: bigint;
  /** Who proved the fraud (the bounty recipient). */
  prover: string;
}

/** The claim booked under `nullifier` in the Adjudicator at `adjudicator`, or undefined when none was booked. */
export async function bookedClaim(
  runner: ContractRunner | null,
  adjudicator: string,
  nullifier: bigint,
): Promise<BookedClaim | undefined> {
  const a = new Contract(adjudicator, ADJUDICATOR_ABI, runner);
  const stored = (await a.getFunction("claimOf")(nullifier)) as {
    booked: boolean;
    asset: bigint;
    token: string;
    remaining: bigint;
  };
  if (!stored.booked) return undefined;
  const logs = await a.queryFilter(a.filters.FraudProven(null, nullifier), 0, "latest");
  const log = logs.find((l) => "args" in l);
  if (log === undefined || !("args" in log)) {
    throw new Error(`the FraudProven event of nullifier ${nullifier} is missing from this node's logs`);
  }
  const amount = log.args[4] as bigint;
  return {
    nullifier,
    member: getAddress(String(log.args[0])),
    asset: Number(stored.asset),
    t: log.args[3] as bigint,
    token: getAddress(stored.token),
    recipient: getAddress(String(log.args[5])),
    amount,
    remaining: stored.remaining,
    paid: amount - stored.remaining,
    prover: getAddress(String(log.args[6])),
  };
}
