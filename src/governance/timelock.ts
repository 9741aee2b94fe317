// The timelock's operations: ids, states and earliest execution times, read from the TimelockController's events
// (CallScheduled, CallSalt, CallExecuted, Cancelled) and its views, and the checks run before executing or
// cancelling so a refusal says why (with the time) instead of a bare revert.
import { AbiCoder, Contract, Interface, keccak256, type ContractRunner, type Provider } from "ethers";

import { chainTime } from "../chain/time.js";
import { TIMELOCK_CONTROLLER_ABI } from "../generated/abi.js";

export const ZERO_HASH = `0x${"00".repeat(32)}`;
/** OpenZeppelin's `getTimestamp` of an executed operation. */
const DONE_TIMESTAMP = 1n;

/** `TimelockController.OperationState`, plus Cancelled (a scheduled id whose timestamp was cleared). */
export type OperationState = "Unset" | "Waiting" | "Ready" | "Done" | "Cancelled";
const STATE_NAMES = ["Unset", "Waiting", "Ready", "Done"] as const;

/** One call of an operation (a batch has several, by index). */
export interface OperationCall {
  target: string;
  value: bigint;
  data: string;
}

/** A scheduled operation as its events and the timelock's views tell it. */
export interface Operation {
  id: string;
  calls: OperationCall[];
  predecessor: string;
  salt: string;
  delay: bigint;
  state: OperationState;
  /** Unix seconds from which it may execute (0 once done or cancelled). */
  readyAt: bigint;
  scheduledBlock: number;
}

export const timelockInterface = new Interface(TIMELOCK_CONTROLLER_ABI);

/** The timelock contract bound to a signer or provider. */
export function timelockAt(address: string, runner: ContractRunner): Contract {
  return new Contract(address, TIMELOCK_CONTROLLER_ABI, runner);
}

/** `hashOperation(target, value, data, predecessor, salt)`, computed off-chain. */
export function hashOperation(call: OperationCall, predecessor: string, salt: string): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["address", "uint256", "bytes", "bytes32", "bytes32"],
      [call.target, call.value, call.data, predecessor, salt],
    ),
  );
}

/** `hashOperationBatch(targets, values, payloads, predecessor, salt)`, computed off-chain. */
export function hashOperationBatch(calls: OperationCall[], predecessor: string, salt: string): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["address[]", "uint256[]", "bytes[]", "bytes32", "bytes32"],
      [calls.map((c) => c.target), calls.map((c) => c.value), calls.map((c) => c.data), predecessor, salt],
    ),
  );
}

/** A Unix time as ISO 8601 (UTC). */
export function isoTime(unix: bigint): string {
  return new Date(Number(unix) * 1000).toISOString().replace(".000Z", "Z");
}

/** The state of `id` from the timelock's views (Cancelled when `scheduled` but unset now). */
export async function operationState(timelock: Contract, id: string, scheduled: boolean): Promise<OperationState> {
  const state = STATE_NAMES[Number(await timelock.getOperationState(id))];
  return state === "Unset" && scheduled ? "Cancelled" : state;
}

/** Every operation the timelock scheduled (from block `fromBlock`), latest scheduling of each id, oldest first. */
export async function listOperations(timelock: Contract, fromBlock = 0): Promise<Operation[]> {
  const scheduled = await timelock.queryFilter(timelock.filters.CallScheduled(), fromBlock);
  const salts = await timelock.queryFilter(timelock.filters.CallSalt(), fromBlock);
  const saltOf = new Map<string, string>();
  for (const log of salts) {
    const parsed = timelockInterface.parseLog(log);
    if (parsed) saltOf.set(String(parsed.args.id), String(parsed.args.salt));
  }
  // An id may be scheduled again after a cancel: keep its latest scheduling (calls by index).
  const byId = new Map<string, { block: number; calls: OperationCall[]; predecessor: string; delay: bigint }>();
  for (const log of scheduled) {
    const parsed = timelockInterface.parseLog(log);
    if (!parsed) continue;
    const id = String(parsed.args.id);
    const index = Number(parsed.args.index);
    let entry = byId.get(id);
    if (entry === undefined || (index === 0 && log.blockNumber > entry.block)) {
      entry = {
        block: log.blockNumber,
        calls: [],
        predecessor: String(parsed.args.predecessor),
        delay: parsed.args.delay,
      };
      byId.set(id, entry);
    }
    if (log.blockNumber === entry.block) {
      entry.calls[index] = {
        target: String(parsed.args.target),
        value: parsed.args.value,
        data: String(parsed.args.data),
      };
    }
  }
  const out: Operation[] = [];
  for (const [id, entry] of byId) {
    const timestamp: bigint = await timelock.getTimestamp(id);
    out.push({
      id,
      calls: entry.calls,
      predecessor: entry.predecessor,
      salt: saltOf.get(id) ?? ZERO_HASH,
      delay: entry.delay,
      state: await operationState(timelock, id, true),
      readyAt: timestamp > DONE_TIMESTAMP ? timestamp : 0n,
      scheduledBlock: entry.block,
    });
  }
  return out.sort((a, b) => a.scheduledBlock - b.scheduledBlock);
}

/** Refused before sending, in words. */
export class TimelockError extends Error {
  override name = "TimelockError";
}

/** The operation `id` as scheduled; throws naming the id when the timelock never scheduled it. */
export async function findOperation(timelock: Contract, id: string, fromBlock = 0): Promise<Operation> {
  if (!/^0x[0-9a-fA-F]{64}$/.test(id)) throw new TimelockError(`operation id ${id}: must be 0x and 32 bytes`);
  const op = (await listOperations(timelock, fromBlock)).find((o) => o.id.toLowerCase() === id.toLowerCase());
  if (op === undefined) throw new TimelockError(`operation ${id} was never scheduled on this timelock`);
  return op;
}

/** Throws unless `op` may execute now, naming the time it may (or why it never will). */
export async function checkExecutable(op: Operation, provider: Provider): Promise<void> {
  if (op.state === "Done") throw new TimelockError(`operation ${op.id} has already been executed`);
  if (op.state === "Cancelled") throw new TimelockError(`operation ${op.id} was cancelled: it can never execute`);
  if (op.state === "Waiting") {
    const now = await chainTime(provider);
    throw new TimelockError(
      `operation ${op.id} is not ready: it may execute from ${isoTime(op.readyAt)} (unix ${op.readyAt}), ` +
        `${op.readyAt - now} s from now (chain time ${isoTime(now)})`,
    );
  }
  // A pending predecessor is refused by the timelock itself (TimelockUnexecutedPredecessor, decoded on failure).
}

/** Whether `op` is a single call (`execute`) or a batch (`executeBatch`), from its id. */
export function isBatch(op: Operation): boolean {
  return !(op.calls.length === 1 && hashOperation(op.calls[0], op.predecessor, op.salt) === op.id);
}
