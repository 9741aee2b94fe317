// The transfer tests' system: the consortium from its Ignition module (test/contracts/ledger-fixture.ts) with the
// first operator as a recipient member that has registered a fresh ETH deposit address.
import { Wallet, type ContractTransactionResponse, type EventLog, type TypedDataDomain } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";

import type { Transfers } from "../../types/ethers-contracts/index.js";
import {
  noticeRecordFromArgs,
  signDepositAddress,
  signNotice,
  transfersDomain,
  type Notice,
  type NoticeRecord,
} from "../../src/transfers/index.js";
import { ETH_ASSET, deployLedgerSystem } from "../contracts/ledger-fixture.js";

type Connection = Parameters<typeof deployLedgerSystem>[0];

/** Deploys the system; the recipient (operators[0]) registers `deposit` for ETH. */
export async function recipientSystem(conn: Connection) {
  const f = await deployLedgerSystem(conn);
  const { ethers, networkHelpers } = conn;
  const domain = transfersDomain((await ethers.provider.getNetwork()).chainId, await f.transfers.getAddress());
  const recipient = f.operators[0];
  const deposit = Wallet.createRandom();
  const deadline = BigInt(await networkHelpers.time.latest()) + 3_600n;
  const proof = await signDepositAddress(deposit, domain, recipient.address, ETH_ASSET, deadline);
  await f.transfers.connect(recipient).registerDepositAddress(ETH_ASSET, deposit.address, deadline, proof);
  return { ...f, domain, recipient, deposit, startBlock: await ethers.provider.getBlockNumber() };
}

/** The parties the attack tests' notices name: the sender signs, `other` relays. */
export interface NoticeParties {
  transfers: Transfers;
  domain: TypedDataDomain;
  sender: HardhatEthersSigner;
  recipient: { address: string };
  ethDeposit: { address: string };
  other: HardhatEthersSigner;
}

/** The record a `postNotice` transaction posted (from its `NoticePosted` event). */
export async function postedRecord(tx: ContractTransactionResponse): Promise<NoticeRecord> {
  const receipt = await tx.wait();
  const log = receipt!.logs.find((l) => (l as EventLog).fragment?.name === "NoticePosted") as EventLog;
  return noticeRecordFromArgs(log.args as unknown as { record: unknown });
}

/**
 * Drafts and relays notices with nonces from `firstNonce` on: `draft` is a 4 ETH notice to the recipient's ETH deposit
 * address, settle-by in an hour (fields overridable); `postAs` has `other` relay it with the sender's signature.
 */
export function noticeDrafter(conn: Connection, firstNonce: bigint) {
  let nonce = firstNonce;
  const draft = async (a: NoticeParties, over: Partial<Notice> = {}): Promise<Notice> => ({
    sender: a.sender.address,
    recipient: a.recipient.address,
    asset: ETH_ASSET,
    amount: 4n * 10n ** 18n,
    depositAddress: a.ethDeposit.address,
    settleBy: BigInt(await conn.networkHelpers.time.latest()) + 3_600n,
    nonce: ++nonce,
    payloadDigest: conn.ethers.id("payload on the DA layer"),
    ...over,
  });
  const postAs = async (a: NoticeParties, over: Partial<Notice> = {}): Promise<NoticeRecord> => {
    const n = await draft(a, over);
    return postedRecord(await a.transfers.connect(a.other).postNotice(n, await signNotice(a.sender, a.domain, n)));
  };
  return { draft, postAs };
}

/** What `to` gains in ETH while `f` runs (`to` sends no transaction in it). */
export async function ethGainOf(conn: Connection, to: string, f: () => Promise<unknown>): Promise<bigint> {
  const before = await conn.ethers.provider.getBalance(to);
  await f();
  return (await conn.ethers.provider.getBalance(to)) - before;
}
