// An operator's check of one interim attestation's transaction on the chain it names (an EVM chain: the consortium's,
// or another through its RPC): confirmed by the deadline, to the destination whose digest the IA names, for the
// amount it names (ether: the transaction's value; a token: one ERC-20 Transfer log of the token). The verdict is
// "settled", "missed" (only once the deadline has passed: the contract takes a missed verdict no earlier) or "wait".
// A transaction is judged absent only by a chain whose head is past the deadline (an RPC that lags is no evidence).
// One payment settles one IA of a member: an ether transaction pays the member's first IA of the asset that names it
// (`posted`: the deployment's IAs), a token transaction's transfers of the amount to the destination pay as many of
// its IAs naming it, in posting order (a batched payout); a later IA is not paid by it (missed at its deadline).
// Another member's IA naming the same transaction does not count against this one. The payment must come from the
// member's own reserves: the ether transaction's sender, or the Transfer log's `from`, is one of the member's reserve
// wallets at the payment's block time (`ReserveRegistry.ownerAt`: a wallet rotated out or re-registered to another
// member after paying still paid for the member, never for the other), so a stranger's payment, or another member's,
// settles nothing for it. A payment mined before `notBefore` (the IA's posting less the interim window) pays nothing:
// an old payment is not booked as new outflow.
import { getAddress, id, type Provider } from "ethers";

import { destinationDigestOf, interimIdOf, type InterimRecord } from "./index.js";

const TRANSFER = id("Transfer(address,address,uint256)");
const ZERO = "0x0000000000000000000000000000000000000000";

export interface InterimCheck {
  verdict: "settled" | "missed" | "wait";
  /** Why, in words. */
  reason: string;
}

/** The member that owned `wallet` as a reserve wallet at time `t` (the zero address: none), as `ReserveRegistry.ownerAt`. */
export type ReserveOwnerAt = (wallet: string, t: bigint) => Promise<string>;

/** {@link ReserveOwnerAt} over a ReserveRegistry contract. */
export function reserveOwnerAt(reserveRegistry: {
  ownerAt(wallet: string, t: bigint): Promise<string>;
}): ReserveOwnerAt {
  return (wallet, t) => reserveRegistry.ownerAt(wallet, t);
}

export interface CheckOptions {
  /** The asset's token on the checked chain (the zero address: ether). */
  token: string;
  /** Blocks the transaction's block needs on top of it (1: mined). */
  confirmations: number;
  /** The time the check counts as now (the consortium chain's latest block time). */
  now: bigint;
  /**
   * The IAs posted on the deployment (everyone's, any order; the checked one may be among them): the check refuses a
   * transaction an earlier one of the same asset names (`postedInterims(attestations, undefined, firstBlock)`).
   */
  posted: readonly InterimRecord[];
  /** Reserve wallets' owners over time (the consortium chain's ReserveRegistry): the payer must be the member's. */
  ownerAt: ReserveOwnerAt;
  /** Payments mined before this time settle nothing ({@link paymentNotBefore}). */
  notBefore: bigint;
}

/** The earliest payment time an IA accepts: its posting less the interim window (`Attestations.params().interimWindow`). */
export function paymentNotBefore(record: InterimRecord, interimWindow: bigint): bigint {
  return record.postedAt > interimWindow ? record.postedAt - interimWindow : 0n;
}

/** Whether `a` was posted before `b` (by time; in one block, by seq for one member, else by IA id). */
function postedBefore(a: InterimRecord, b: InterimRecord): boolean {
  if (a.postedAt !== b.postedAt) return a.postedAt < b.postedAt;
  if (a.member.toLowerCase() === b.member.toLowerCase() && a.asset === b.asset) return a.seq < b.seq;
  return interimIdOf(a.member, a.asset, a.seq) < interimIdOf(b.member, b.asset, b.seq);
}

/**
 * The IAs of `record`'s member posted before it that name its transaction in its asset. Only the member's own: another
 * member's IA citing the same transaction (a rival copying a mined withdrawal) takes nothing from this one.
 */
export function earlierCiting(record: InterimRecord, posted: readonly InterimRecord[]): InterimRecord[] {
  const member = record.member.toLowerCase();
  return posted.filter(
    (p) =>
      p.member.toLowerCase() === member &&
      p.asset === record.asset &&
      p.txRef.toLowerCase() === record.txRef.toLowerCase() &&
      postedBefore(p, record),
  );
}

const idOf = (r: InterimRecord) => interimIdOf(r.member, r.asset, r.seq);

/** Checks `record`'s transaction on `provider`'s chain. */
export async function checkInterim(
  provider: Provider,
  record: InterimRecord,
  options: CheckOptions,
): Promise<InterimCheck> {
  const due = options.now >= record.deadline;
  const failed = (reason: string): InterimCheck =>
    due
      ? { verdict: "missed", reason }
      : { verdict: "wait", reason: `${reason}; the deadline ${record.deadline} has not passed` };
  if (/^0x0{64}$/.test(record.txRef)) return failed("the IA names no transaction");
  const earlier = earlierCiting(record, options.posted);
  const owners = new Map<string, boolean>();
  let paidAt = 0n;
  const fromReserves = async (wallet: string): Promise<boolean> => {
    const key = getAddress(wallet);
    let own = owners.get(key);
    if (own === undefined) {
      own = getAddress(await options.ownerAt(key, paidAt)) === getAddress(record.member);
      owners.set(key, own);
    }
    return own;
  };
  const receipt = await provider.getTransactionReceipt(record.txRef);
  if (receipt === null) {
    // Absence is evidence only from a chain that has moved past the deadline: a lagging or stale RPC would
    // otherwise make an honest member's confirmed withdrawal look missing.
    const head = await provider.getBlock("latest");
    if (head === null || BigInt(head.timestamp) < record.deadline) {
      return {
        verdict: "wait",
        reason: `transaction ${record.txRef} is not visible and the checked chain's head is not past the deadline`,
      };
    }
    return failed(`transaction ${record.txRef} is not on the chain (never sent, or reorged away)`);
  }
  if (receipt.status !== 1) return failed(`transaction ${record.txRef} reverted`);
  const latest = await provider.getBlockNumber();
  if (latest - receipt.blockNumber + 1 < options.confirmations) {
    return failed(
      `transaction ${record.txRef} has ${latest - receipt.blockNumber + 1} of ${options.confirmations} confirmations`,
    );
  }
  const block = await provider.getBlock(receipt.blockNumber);
  if (block === null) return failed(`block ${receipt.blockNumber} of transaction ${record.txRef} is not on the chain`);
  if (BigInt(block.timestamp) > record.deadline) {
    return {
      verdict: "missed",
      reason: `transaction ${record.txRef} was mined at ${block.timestamp}, after the deadline ${record.deadline}`,
    };
  }
  paidAt = BigInt(block.timestamp);
  if (paidAt < options.notBefore) {
    return failed(
      `transaction ${record.txRef} was mined at ${paidAt}, before ${options.notBefore} (the IA's posting less the ` +
        "interim window): an old payment is not new outflow",
    );
  }
  if (getAddress(options.token) === ZERO) {
    const tx = await provider.getTransaction(record.txRef);
    if (earlier.length > 0) {
      return failed(
        `its transaction ${record.txRef} pays IA ${idOf(earlier[0])} (posted earlier): one payment settles one IA`,
      );
    }
    if (tx === null || tx.to === null) return failed(`transaction ${record.txRef} sends ether to no address`);
    if (!(await fromReserves(tx.from))) {
      return failed(
        `transaction ${record.txRef} is paid from ${tx.from}, not a reserve wallet of ${record.member} when it ` +
          "paid",
      );
    }
    if (destinationDigestOf(getAddress(tx.to)) !== record.destinationDigest) {
      return failed(`transaction ${record.txRef} pays ${tx.to}, not the IA's destination`);
    }
    if (tx.value !== record.amount)
      return failed(`transaction ${record.txRef} sends ${tx.value} wei, not ${record.amount}`);
    return { verdict: "settled", reason: `${record.amount} wei to ${tx.to} in block ${receipt.blockNumber}` };
  }
  const token = getAddress(options.token);
  const transfers = receipt.logs.filter(
    (l) => getAddress(l.address) === token && l.topics[0] === TRANSFER && l.topics.length === 3,
  );
  // A batched payout may pay the destination several times: each transfer of the amount settles one IA, the earlier
  // IAs naming the transaction for the same destination and amount taking theirs first.
  const taken = earlier.filter(
    (p) => p.destinationDigest === record.destinationDigest && p.amount === record.amount,
  ).length;
  const paid: bigint[] = [];
  const strangers = new Set<string>();
  let matching = 0;
  for (const log of transfers) {
    const to = getAddress(`0x${log.topics[2].slice(26)}`);
    if (destinationDigestOf(to) !== record.destinationDigest) continue;
    const from = getAddress(`0x${log.topics[1].slice(26)}`);
    if (!(await fromReserves(from))) {
      strangers.add(from);
      continue;
    }
    if (BigInt(log.data) === record.amount && ++matching > taken) {
      return {
        verdict: "settled",
        reason: `${record.amount} of token ${token} to ${to} in block ${receipt.blockNumber}`,
      };
    }
    paid.push(BigInt(log.data));
  }
  if (matching > 0) {
    return failed(
      `transaction ${record.txRef}'s ${matching} transfer(s) of ${record.amount} to the destination pay earlier IAs ` +
        "naming it: one payment settles one IA",
    );
  }
  if (paid.length === 0 && strangers.size > 0) {
    return failed(
      `transaction ${record.txRef} transfers token ${token} to the destination from ${[...strangers].join(", ")}, ` +
        `not a reserve wallet of ${record.member} when it paid`,
    );
  }
  if (paid.length > 0) {
    return failed(
      `transaction ${record.txRef} transfers ${paid.join(", ")} of token ${token} to the destination, not ${record.amount}`,
    );
  }
  return failed(`transaction ${record.txRef} transfers no token ${token} to the IA's destination`);
}
