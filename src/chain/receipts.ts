// Describe a mined transaction: hash, block, gas and its logs decoded with the project's events.
import type { Interface, Log, TransactionReceipt } from "ethers";

/** One log decoded into an event name and named arguments. */
export interface DecodedEvent {
  /** Emitting contract. */
  address: string;
  /** Event name, or `unknown` when no known event matches topic 0. */
  name: string;
  /** Arguments by name, as display strings. */
  args: Array<{ name: string; value: string }>;
}

function display(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return `[${value.map(display).join(", ")}]`;
  if (typeof value === "object" && value !== null && "toArray" in value) {
    return display((value as { toArray(): unknown[] }).toArray());
  }
  return String(value);
}

/** Decode the logs of a receipt against an interface holding the project's events. */
export function decodeLogs(logs: readonly Log[], iface: Interface): DecodedEvent[] {
  return logs.map((log) => {
    let parsed = null;
    try {
      parsed = iface.parseLog({ topics: [...log.topics], data: log.data });
    } catch {
      parsed = null;
    }
    if (!parsed) return { address: log.address, name: "unknown", args: [{ name: "topic0", value: log.topics[0] }] };
    const args = parsed.fragment.inputs.map((input, i) => ({
      name: input.name || `arg${i}`,
      value: display(parsed.args[i]),
    }));
    return { address: log.address, name: parsed.name, args };
  });
}

/** Lines describing a receipt: tx hash, status, block, gas used and one line per decoded event. */
export function describeReceipt(receipt: TransactionReceipt, iface: Interface): string[] {
  const lines = [
    `tx ${receipt.hash}`,
    `  status ${receipt.status === 1 ? "success" : "reverted"}, block ${receipt.blockNumber}, gas used ${receipt.gasUsed}`,
  ];
  for (const event of decodeLogs(receipt.logs, iface)) {
    lines.push(`  event ${event.name}(${event.args.map((a) => `${a.name}=${a.value}`).join(", ")}) @ ${event.address}`);
  }
  return lines;
}
