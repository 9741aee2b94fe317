// Restitution claims as the Adjudicator books them (its claim book, IRestitutionClaims): one slot per (member,
// nullifier) holding the digest of the claim's terms (asset, claim, round, payoutHash) with three flag bits (1 booked,
// 2 paid, 4 vetoed). The terms are in the FraudProven event of the proof that booked the claim (and, for a claim booked
// without a payout, in the PayoutAssigned event that gave it one). Claims join the member's claim round of the asset's
// token and are paid pro rata after the round closes, only to the opening of their payout hash:
// `payClaim(member, nullifier, terms, payoutAddress, payoutSalt)`.
import { Contract, getAddress, type ContractRunner } from "ethers";

import { ADJUDICATOR_ABI, CONSORTIUM_REGISTRY_ABI } from "../generated/abi.js";

/** `IRestitutionClaims.ClaimTerms` as ethers encodes it. */
export interface ClaimTerms {
  asset: number;
  claim: bigint;
  round: number;
  payoutHash: bigint;
}

/** Flag bits of a claim word. */
export const CLAIM_FLAGS = { booked: 1n, paid: 2n, vetoed: 4n } as const;

/** A booked restitution claim. */
export interface BookedClaim {
  /** The accused member: its restitution pool pays the claim. */
  member: string;
  nullifier: bigint;
  /** The terms `payClaim`, `vetoClaim` and `assignPayout` take back (payoutHash as assigned, when it was). */
  terms: ClaimTerms;
  /** The snapshot time of the proven record. */
  t: bigint;
  /** The asset's token (the zero address for ETH). */
  token: string;
  status: "open" | "payable" | "paid" | "vetoed";
  /** When the claim's round closes (payment from then on; vetoes before). */
  closesAt: bigint;
  /** What the claim is paid (its round's pro-rata share) once its round is settled; 0 before. */
  payment: bigint;
  /** Who proved the fraud (the bounty recipient). */
  prover: string;
}

/** The claim booked against `member` under `nullifier` in the Adjudicator at `adjudicator`, or undefined when none. */
export async function bookedClaim(
  runner: ContractRunner | null,
  adjudicator: string,
  member: string,
  nullifier: bigint,
  fromBlock = 0,
): Promise<BookedClaim | undefined> {
  const a = new Contract(adjudicator, ADJUDICATOR_ABI, runner);
  const word = (await a.getFunction("claimWordOf")(member, nullifier)) as bigint;
  if (word === 0n) return undefined;
  const logs = await a.queryFilter(a.filters.FraudProven(member, nullifier), fromBlock, "latest");
  const log = logs.find((l) => "args" in l);
  if (log === undefined || !("args" in log)) {
    throw new Error(
      `the FraudProven event of member ${member}, nullifier ${nullifier} is missing from this node's logs`,
    );
  }
  const terms: ClaimTerms = {
    asset: Number(log.args[2]),
    claim: log.args[4] as bigint,
    round: Number(log.args[6]),
    payoutHash: log.args[5] as bigint,
  };
  const assigned = await a.queryFilter(a.filters.PayoutAssigned(member, nullifier), fromBlock, "latest");
  const last = assigned.at(-1);
  if (last !== undefined && "args" in last) terms.payoutHash = last.args[2] as bigint;
  const digest = (await a.getFunction("claimDigestOf")(terms)) as bigint;
  if ((word & ~7n) !== digest) {
    throw new Error(`claim of member ${member}, nullifier ${nullifier}: its events do not give the booked terms`);
  }
  const token = await assetTokenOf(a, terms.asset);
  const round = (await a.getFunction("roundOf")(member, token, terms.round)) as { closesAt: bigint; settled: boolean };
  const payment = (await a.getFunction("claimPayment")(member, terms)) as bigint;
  // A closed round that nobody settled yet is payable too (the first payment settles it).
  const head = await runner?.provider?.getBlock("latest");
  const closed = round.settled || (head !== null && head !== undefined && BigInt(head.timestamp) >= round.closesAt);
  let status: BookedClaim["status"] = closed ? "payable" : "open";
  if ((word & CLAIM_FLAGS.paid) !== 0n) status = "paid";
  if ((word & CLAIM_FLAGS.vetoed) !== 0n) status = "vetoed";
  return {
    member: getAddress(member),
    nullifier,
    terms,
    t: log.args[3] as bigint,
    token,
    status,
    closesAt: round.closesAt,
    payment: status === "paid" || status === "vetoed" ? 0n : payment,
    prover: getAddress(String(log.args[7])),
  };
}

/** The registry token of `asset` (the claim's round is per member and token), through the Adjudicator's wiring. */
async function assetTokenOf(a: Contract, asset: number): Promise<string> {
  const wiring = (await a.getFunction("wiring")()) as { registry: string };
  const registry = new Contract(wiring.registry, CONSORTIUM_REGISTRY_ABI, a.runner);
  const info = (await registry.getFunction("assetInfo")(asset)) as { token: string };
  return getAddress(info.token);
}
