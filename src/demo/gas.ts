// Gas per step, from receipts: after each step the demo scans the blocks mined during it and books every
// transaction's gasUsed under the step, labelled by who sent it (a role) and what it called (contract.function,
// decoded from the selector with the project's ABIs).
import { Interface, getAddress, type InterfaceAbi } from "ethers";

import type { Eip1193 } from "./rpc.js";

/** One transaction as booked. */
export interface GasEntry {
  step: string;
  block: number;
  hash: string;
  from: string;
  /** Role of the sender (governance, a member's name, aggregator, ...). */
  sender: string;
  /** `Contract.function`, or `deploy Contract`. */
  action: string;
  gasUsed: number;
  status: number;
}

/** Totals of one step. */
export interface StepGas {
  step: string;
  gas: number;
  txs: number;
  byAction: Array<{ action: string; count: number; gas: number }>;
}

interface RpcBlock {
  number: string;
  transactions: Array<{ hash: string; from: string; to: string | null; input: string }>;
}
interface RpcReceipt {
  gasUsed: string;
  status: string;
  contractAddress: string | null;
}

/** Books gas per step by scanning blocks. */
export class GasBook {
  readonly entries: GasEntry[] = [];
  private next = 0;
  private readonly roles = new Map<string, string>();
  private readonly contracts = new Map<string, { name: string; iface: Interface }>();

  constructor(private readonly provider: Eip1193) {}

  /** Names an account (a sender). */
  role(address: string, name: string): void {
    this.roles.set(getAddress(address), name);
  }

  /** Names a contract and gives its ABI, for decoding calls. */
  contract(address: string, name: string, abi: InterfaceAbi): void {
    this.contracts.set(getAddress(address), { name, iface: new Interface(abi) });
  }

  /** Starts booking from the block after the current head (blocks before it belong to no step). */
  async skipTo(): Promise<void> {
    this.next = Number(await this.provider.request({ method: "eth_blockNumber", params: [] })) + 1;
  }

  private actionOf(tx: RpcBlock["transactions"][number], receipt: RpcReceipt): string {
    if (tx.to === null) {
      const c = receipt.contractAddress === null ? undefined : this.contracts.get(getAddress(receipt.contractAddress));
      return `deploy ${c?.name ?? "contract"}`;
    }
    const c = this.contracts.get(getAddress(tx.to));
    if (c === undefined) return tx.input === "0x" ? "transfer" : "call";
    if (tx.input === "0x") return `${c.name}.receive`;
    try {
      const f = c.iface.getFunction(tx.input.slice(0, 10));
      return `${c.name}.${f?.name ?? tx.input.slice(0, 10)}`;
    } catch {
      return `${c.name}.${tx.input.slice(0, 10)}`;
    }
  }

  /** Books every transaction mined since the last call under `step`; returns the step's totals. */
  async book(step: string): Promise<StepGas> {
    const head = Number(await this.provider.request({ method: "eth_blockNumber", params: [] }));
    for (let n = this.next; n <= head; n++) {
      const block = (await this.provider.request({
        method: "eth_getBlockByNumber",
        params: [`0x${n.toString(16)}`, true],
      })) as RpcBlock | null;
      if (block === null) continue;
      for (const tx of block.transactions) {
        const receipt = (await this.provider.request({
          method: "eth_getTransactionReceipt",
          params: [tx.hash],
        })) as RpcReceipt | null;
        if (receipt === null) continue;
        const from = getAddress(tx.from);
        this.entries.push({
          step,
          block: n,
          hash: tx.hash,
          from,
          sender: this.roles.get(from) ?? from,
          action: `${this.actionOf(tx, receipt)}${Number(receipt.status) === 1 ? "" : " (reverted)"}`,
          gasUsed: Number(receipt.gasUsed),
          status: Number(receipt.status),
        });
      }
    }
    this.next = head + 1;
    return this.totals(step);
  }

  /** Totals of a step booked so far. */
  totals(step: string): StepGas {
    const mine = this.entries.filter((e) => e.step === step);
    const by = new Map<string, { action: string; count: number; gas: number }>();
    for (const e of mine) {
      const x = by.get(e.action) ?? { action: e.action, count: 0, gas: 0 };
      x.count++;
      x.gas += e.gasUsed;
      by.set(e.action, x);
    }
    return {
      step,
      gas: mine.reduce((a, e) => a + e.gasUsed, 0),
      txs: mine.length,
      byAction: [...by.values()].sort((a, b) => b.gas - a.gas),
    };
  }
}
