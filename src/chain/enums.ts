// The contracts' enum values in words, from the names generated out of the Solidity sources (src/generated/abi.ts).
import { MEMBER_STATUS_NAMES, REQUEST_STATUS_NAMES, SET_STATUS_NAMES, VERDICT_NAMES } from "../generated/abi.js";

/** The name of value `value` of an enum with these names, or `unknown(<value>)` for a value it does not have. */
function enumName(names: readonly string[], value: bigint | number): string {
  return names[Number(value)] ?? `unknown(${value})`;
}

/** Name of an `IConsortiumRegistry.MemberStatus` value. */
export function memberStatusName(value: bigint | number): string {
  return enumName(MEMBER_STATUS_NAMES, value);
}

/** Name of an `ICommitmentLedger.SetStatus` value. */
export function setStatusName(value: bigint | number): string {
  return enumName(SET_STATUS_NAMES, value);
}

/** Name of an `ICommitmentLedger.RequestStatus` value. */
export function requestStatusName(value: bigint | number): string {
  return enumName(REQUEST_STATUS_NAMES, value);
}

/** Name of an `ICommitmentLedger.Verdict` value. */
export function verdictName(value: bigint | number): string {
  return enumName(VERDICT_NAMES, value);
}
