// Step 16, transfers: 0-confirmation transfers between two honest members. The recipient registers its deposit
// address (`transfer deposit-address register`); the sender posts a 0.5 ETH notice (`transfer notice post`, the
// payload in the local blob store) that the recipient's watcher (src/node/transfers.ts) credits at once and the
// sender settles through the contract (`transfer settle`); a second 0.25 ETH notice is credited too but never
// settled, and after its settle-by the watcher reports the default itself: the sender is slashed value plus penalty
// into its restitution pool, and once the unbonding delay after posting has passed (the chain's clock moves on) the
// watcher collects it for the recipient (`payDefault`). The sender's credit towards the recipient is read before and
// after (`transfer credit`).
import { join } from "node:path";

import { parseEther } from "ethers";

import { transferCredit } from "../../../tasks/transfer-credit.js";
import { DEFAULTS as DEPOSIT_DEFAULTS, depositAddress } from "../../../tasks/transfer-deposit-address.js";
import { DEFAULTS as NOTICE_DEFAULTS, notice } from "../../../tasks/transfer-notice.js";
import { transferSettle } from "../../../tasks/transfer-settle.js";
import { LocalBlobStore } from "../../blobstore/index.js";
import { TransferWatcher, TransferWatcherDb, localPayloads } from "../../node/transfers.js";
import { creditView, payableAt as payableAtOf, postedNotices } from "../../transfers/index.js";
import type { LiveContext } from "../context.js";
import { ETH_ASSET, USDC_WEIGHT } from "../scenario.js";

/** What the step did, for the summary. Null when skipped (fewer than two honest members). */
export type TransfersOutcome = {
  sender: string;
  recipient: string;
  notices: Array<{ noticeId: string; amount: string; decision: string; status: string }>;
  /** Stake weight slashed from the sender for the default; what the recipient received for it (ETH and USDC, base
   * units) and its weight at the demo's token weights. */
  slashed: string;
  paidEth: string;
  paidUsdc: string;
  paidToRecipient: string;
  creditBefore: string;
  creditAfter: string;
} | null;

export async function transfersStep(ctx: LiveContext): Promise<TransfersOutcome> {
  const { p, scenario, clients, chain, tmp, d } = ctx;
  return p.step(
    "transfers",
    "a 0-conf transfer credited and settled, one defaulted, slashed and paid",
    async (note) => {
      const honest = scenario.members.filter((m) => !m.cheater);
      if (honest.length < 2) {
        note("skipped: it needs two honest members (run with --members 3 or more)");
        return null;
      }
      const [sender, recipient] = honest;
      const senderClient = clients.members[sender.index];
      const recipientClient = clients.members[recipient.index];
      const credit = async () =>
        (await creditView(d.transfers, sender.address, recipient.address, ETH_ASSET)).available;
      const creditBefore = await credit();
      await transferCredit(recipientClient, { sender: sender.address, recipient: recipient.address, asset: ETH_ASSET });
      note(`${sender.name} may have ${creditBefore} wei open towards ${recipient.name}`);
      // The recipient receives at its member address, which signs its ownership.
      await depositAddress(recipientClient, {
        ...DEPOSIT_DEFAULTS,
        action: "register",
        asset: ETH_ASSET,
        address: recipient.address,
      });
      const blobDir = join(tmp, "transfer-blobs");
      const db = new TransferWatcherDb(join(tmp, "transfer-watcher.db"));
      const fromBlock = await chain.rpc.getBlockNumber();
      const watcher = new TransferWatcher({
        transfers: d.transfers.connect(await recipientClient.signer()),
        reputation: d.reputation,
        recipient: recipient.address,
        policy: { maxAmount: { [ETH_ASSET]: parseEther("1") }, minScore: 0n },
        db,
        payloads: localPayloads(new LocalBlobStore(blobDir)),
        startBlock: fromBlock,
      });
      try {
        const post = async (amount: string) =>
          notice(senderClient, {
            ...NOTICE_DEFAULTS,
            action: "post",
            to: recipient.address,
            asset: ETH_ASSET,
            amount,
            depositAddress: recipient.address,
            within: 3_600n,
            memo: `demo transfer of ${amount} ETH`,
            blobDir,
          });
        await post("0.5");
        const first = await watcher.poll();
        note(
          `${sender.name} -> ${recipient.name} 0.5 ETH notice: the watcher ${first.decided[0]?.decision ?? "saw nothing"}`,
        );
        const [posted] = await postedNotices(d.transfers, { sender: sender.address }, fromBlock);
        await transferSettle(senderClient, { notice: posted.noticeId });
        note(`${sender.name} settled it through the contract`);
        await post("0.25");
        await watcher.poll();
        await chain.increaseTime(3_601);
        await chain.mine();
        const stake = await d.stakeSource.stakeOf(sender.address);
        await watcher.poll();
        const slashed = stake - (await d.stakeSource.stakeOf(sender.address));
        const [defaulted] = db.rows("Defaulted");
        const payableAt = payableAtOf(defaulted.record, await d.registry.unbondingDelay());
        note(
          `the 0.25 ETH notice went unsettled: the watcher reported it, ${slashed} weight slashed into ` +
            `${sender.name}'s restitution pool, payable to ${recipient.name} at ${payableAt} (the unbonding delay ` +
            "after posting)",
        );
        const now = BigInt((await chain.rpc.getBlock("latest"))!.timestamp);
        await chain.increaseTime(Number(payableAt - now) + 1);
        await chain.mine();
        const balance = await chain.rpc.getBalance(recipient.address);
        const usdcBefore = await d.usdc.balanceOf(recipient.address);
        const due = await watcher.poll();
        // The watcher paid the payout's gas out of the recipient's account: add it back.
        let gas = 0n;
        for (const x of due.paid) {
          const r = await chain.rpc.getTransactionReceipt(x.tx);
          gas += r!.gasUsed * r!.gasPrice;
        }
        const paidEth = (await chain.rpc.getBalance(recipient.address)) - balance + gas;
        // The slash took the same share of each collateral token; the payout pays the same share of each from the pool.
        const paidUsdc = (await d.usdc.balanceOf(recipient.address)) - usdcBefore;
        const paid = paidEth + (paidUsdc * USDC_WEIGHT) / 10n ** 18n;
        note(
          due.paid.length === 1
            ? `the watcher collected the payout for ${recipient.name}: ${paidEth} wei and ${paidUsdc} USDC units ` +
                `(${paid} weight)`
            : `the payout was not collected: ${due.errors.join("; ") || "not due"}`,
        );
        const creditAfter = await credit();
        note(`${sender.name}'s credit towards ${recipient.name}: ${creditBefore} -> ${creditAfter} wei`);
        return {
          sender: sender.name,
          recipient: recipient.name,
          notices: db.rows().map((r) => ({
            noticeId: r.noticeId,
            amount: r.amount.toString(),
            decision: r.decision,
            status: r.status,
          })),
          slashed: slashed.toString(),
          paidEth: paidEth.toString(),
          paidUsdc: paidUsdc.toString(),
          paidToRecipient: paid.toString(),
          creditBefore: creditBefore.toString(),
          creditAfter: creditAfter.toString(),
        };
      } finally {
        db.closeDb();
      }
    },
  );
}
