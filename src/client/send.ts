// One way to send a transaction and say what happened: its hash, status, gas and decoded events (text, or a
// `transactions` entry of the JSON output); a revert, at estimation or on chain, becomes a TaskError with the
// contract's custom error in words.
import type { ContractTransactionResponse, TransactionReceipt } from "ethers";

import { explainError } from "../chain/errors.js";
import { decodeLogs, describeReceipt } from "../chain/receipts.js";
import type { Client } from "./context.js";
import { TaskError } from "./errors.js";

/** Send, wait, describe; returns the receipt. */
export async function sendAndDescribe(
  ctx: Pick<Client, "iface" | "out">,
  label: string,
  send: () => Promise<ContractTransactionResponse>,
): Promise<TransactionReceipt> {
  let receipt: TransactionReceipt | null;
  try {
    const tx = await send();
    ctx.out.line(`${label}: sent ${tx.hash}`);
    receipt = await tx.wait();
  } catch (e) {
    throw new TaskError(`${label} failed: ${explainError(e, ctx.iface)}`, { cause: e });
  }
  if (receipt === null) throw new TaskError(`${label}: no receipt`);
  for (const line of describeReceipt(receipt, ctx.iface)) ctx.out.line(line);
  ctx.out.push("transactions", {
    label,
    hash: receipt.hash,
    status: receipt.status === 1 ? "success" : "reverted",
    block: receipt.blockNumber,
    gasUsed: receipt.gasUsed,
    events: decodeLogs(receipt.logs, ctx.iface).map((e) => ({
      name: e.name,
      address: e.address,
      args: Object.fromEntries(e.args.map((a) => [a.name, a.value])),
    })),
  });
  return receipt;
}

/** Call a view and turn a revert into words. */
export async function readOrExplain<T>(ctx: Pick<Client, "iface">, label: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw new TaskError(`${label} failed: ${explainError(e, ctx.iface)}`, { cause: e });
  }
}
