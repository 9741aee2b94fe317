// The contracts' enums as the bigints ethers returns, from the generated names (src/generated/abi.ts): tests compare
// `set.status` with `SetStatus.Pending` and stay in step with the contracts.
import { MEMBER_STATUS_NAMES, REQUEST_STATUS_NAMES, SET_STATUS_NAMES, VERDICT_NAMES } from "../../src/generated/abi.js";

/** `{ name: index }` of an enum's names, as bigints. */
export function bigintEnum<const N extends readonly string[]>(names: N): { readonly [K in N[number]]: bigint } {
  return Object.fromEntries(names.map((n, i) => [n, BigInt(i)])) as { [K in N[number]]: bigint };
}

export const SetStatus = bigintEnum(SET_STATUS_NAMES);
export const RequestStatus = bigintEnum(REQUEST_STATUS_NAMES);
export const MemberStatus = bigintEnum(MEMBER_STATUS_NAMES);
export const Verdict = bigintEnum(VERDICT_NAMES);
