// The IA attack tests' shared steps (test/attack/issue14*-checker, issue14e-payer): a member posts an IA, an honest
// operator checks it now as `interim attest` does (every IA posted on the deployment, the payer's reserve ownership,
// the interim window), and three operators' verdict is submitted.
import { ZeroAddress, ZeroHash, type EventLog, type Signer, type TypedDataDomain } from "ethers";
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
