// The IA attack tests' shared steps (test/attack/issue14*-checker, issue14e-payer): a member posts an IA, an honest
// operator checks it now as `interim attest` does (every IA posted on the deployment, the payer's reserve ownership,
// the interim window), and three operators' verdict is submitted.
import {
  ZeroAddress,
  ZeroHash,
  concat,
  toBeHex,
  zeroPadValue,
  type EventLog,
  type Signer,
  type TypedDataDomain,
} from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";

import { checkInterim, paymentNotBefore, reserveOwnerAt, type InterimCheck } from "../../src/attestations/checker.js";
import {
  interimRecordFromEvent,
  postedInterims,
  signInterimVerdict,
  type Interim,
  type InterimRecord,
} from "../../src/attestations/index.js";
import { packSignatures } from "../../src/consortium/index.js";
import { ETH_ASSET, type deployLedgerSystem } from "../contracts/ledger-fixture.js";

type Connection = Parameters<typeof deployLedgerSystem>[0];
type System = Awaited<ReturnType<typeof deployLedgerSystem>>;

/** What the steps need of a test's deployment. */
export interface InterimSystem {
  attestations: System["attestations"];
  reserveRegistry: System["reserveRegistry"];
  operators: HardhatEthersSigner[];
  other: HardhatEthersSigner;
  attestationsDomain: TypedDataDomain;
}

export function interimSteps(conn: Connection) {
  const { ethers, networkHelpers } = conn;
  /** `poster` posts a 1 ETH IA due in a day (fields overridable). */
  const post = async (f: InterimSystem, poster: Signer, over: Partial<Interim>): Promise<InterimRecord> => {
    const interim: Interim = {
      asset: ETH_ASSET,
      amount: 10n ** 18n,
      destinationDigest: ZeroHash,
      txRef: ZeroHash,
      deadline: BigInt(await networkHelpers.time.latest()) + 86_400n,
      ...over,
    };
    const receipt = await (await f.attestations.connect(poster).postInterim(interim)).wait();
    const log = receipt!.logs.find((l) => (l as EventLog).fragment?.name === "InterimPosted") as EventLog;
    return interimRecordFromEvent(log);
  };
  /** An honest operator's check now on the consortium chain (`token` zero: ether). */
  const check = async (
    f: InterimSystem,
    record: InterimRecord,
    token = ZeroAddress,
    confirmations = 1,
  ): Promise<InterimCheck> => {
    const posted = (await postedInterims(f.attestations, undefined, 0)).map((p) => p.record);
    return checkInterim(ethers.provider, record, {
      token,
      confirmations,
      now: BigInt(await networkHelpers.time.latest()),
      posted,
      ownerAt: reserveOwnerAt(f.reserveRegistry),
      notBefore: paymentNotBefore(record, (await f.attestations.params()).interimWindow),
    });
  };
  /** `signers` (three operators by default) sign `settled` for `record`, packed for `attestInterim`. */
  const verdictSigs = async (
    f: InterimSystem,
    record: InterimRecord,
    settled: boolean,
    signers: Signer[] = f.operators.slice(0, 3),
  ): Promise<string> =>
    packSignatures(await Promise.all(signers.map((s) => signInterimVerdict(s, f.attestationsDomain, record, settled))));
  /** Three operators' verdict for `record`, submitted by anyone; the stake slashed. */
  const judge = async (f: InterimSystem, record: InterimRecord, settled: boolean): Promise<bigint> => {
    const sigs = await verdictSigs(f, record, settled);
    const receipt = await (await f.attestations.connect(f.other).attestInterim(record, settled, sigs)).wait();
    const log = receipt!.logs.find((l) => (l as EventLog).fragment?.name === "InterimAttested") as EventLog;
    return log.args.slashed as bigint;
  };
  return { post, check, verdictSigs, judge };
}

/** Deploys `runtime` (hex) from `deployer` as a contract with a minimal constructor that returns it. */
export async function deployRaw(deployer: Signer, runtime: string): Promise<string> {
  const len = (runtime.length - 2) / 2;
  const init = concat(["0x61", toBeHex(len, 2), "0x80600c6000396000f3", runtime]);
  const receipt = await (await deployer.sendTransaction({ data: init })).wait();
  return receipt!.contractAddress!;
}

/**
 * A batch payer's runtime: one call transfers each of `amounts` of `token` from `from` (a reserve wallet that approved
 * it) to `to` (as exchanges batch withdrawals).
 */
export function batchPayerCode(token: string, from: string, to: string, amounts: bigint[]): string {
  const parts: string[] = [];
  for (const amount of amounts) {
    // mstore(0, transferFrom selector), mstore(4, from), mstore(0x24, to), mstore(0x44, amount);
    // call(gas, token, 0, 0, 0x64, 0, 0); pop
    parts.push(concat(["0x7f", "0x23b872dd", new Uint8Array(28), "0x600052"]));
    parts.push(concat(["0x73", from, "0x600452"]));
    parts.push(concat(["0x73", to, "0x602452"]));
    parts.push(concat(["0x7f", zeroPadValue(toBeHex(amount), 32), "0x604452"]));
    parts.push(concat(["0x6000600060646000600073", token, "0x5af150"]));
  }
  parts.push("0x00");
  return concat(parts);
}
