// Restitution claims as the fund books them: the fund stores one slot per claim (asset, amount still owed, a tag of
// the recipient); who is owed what, against which member, is in its ClaimBooked event. This reads both.
import { Contract, getAddress, type ContractRunner } from "ethers";

import { RESTITUTION_FUND_ABI } from "../poa/abi.js";

/** A booked restitution claim. */
export interface BookedClaim {
  nullifier: bigint;
  member: string;
  asset: number;
  /** The asset's token (the zero address for ETH). */
  token: string;
  recipient: string;
  /** The booked amount, in the asset's base units. */
  amount: bigint;
  remaining: bigint;
  paid: bigint;
}

/** The claim booked under `nullifier`, or undefined when none was booked. */
export async function bookedClaim(
  runner: ContractRunner | null,
  fund: string,
  nullifier: bigint,
): Promise<BookedClaim | undefined> {
  const f = new Contract(fund, RESTITUTION_FUND_ABI, runner);
  const stored = (await f.getFunction("claimOf")(nullifier)) as {
    booked: boolean;
    asset: bigint;
    token: string;
    remaining: bigint;
  };
  if (!stored.booked) return undefined;
  const logs = await f.queryFilter(f.filters.ClaimBooked(nullifier), 0, "latest");
  const log = logs.find((l) => "args" in l);
  if (log === undefined || !("args" in log)) {
    throw new Error(`the ClaimBooked event of nullifier ${nullifier} is missing from this node's logs`);
  }
  const amount = log.args[3] as bigint;
  return {
    nullifier,
    member: getAddress(String(log.args[1])),
    asset: Number(stored.asset),
    token: getAddress(stored.token),
    recipient: getAddress(String(log.args[4])),
    amount,
    remaining: stored.remaining,
    paid: amount - stored.remaining,
  };
}
