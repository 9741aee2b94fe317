// Step 4, onboard: each member joins through the tasks a member and an auditor run (member apply, member
// approve-genesis, collateral deposit, member activate, member register-key, reserve register), so the viewer sees
// the onboarding a real member goes through; governance then sets the quorum from the members' stakes.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";

import { Wallet } from "ethers";

import { collateralDeposit } from "../../../tasks/collateral-deposit.js";
import { memberActivate } from "../../../tasks/member-activate.js";
import { memberApply } from "../../../tasks/member-apply.js";
import { memberApproveGenesis } from "../../../tasks/member-approve-genesis.js";
import { memberRegisterKey } from "../../../tasks/member-register-key.js";
import { reserveRegister } from "../../../tasks/reserve-register.js";
import { sendAndDescribe } from "../../client/index.js";
import type { DemoContext } from "../context.js";
import { ETH_UNIT } from "../scenario.js";
import { booked, eth, fmtUnits, reserveKeyVariable, stakes, usdc } from "./common.js";

/** Onboards every member (Applied, Probation, Active, with its record key and reserve wallets); sets the quorum. */
export async function onboard(ctx: DemoContext): Promise<void> {
  const { p, scenario, chain, d, clients, crypto, tmp } = ctx;
  const governance = clients.governance;
  const mint = (to: string, amount: bigint) =>
    sendAndDescribe(governance, "mint", () => d.usdc.connect(chain.gov).mint(to, amount));
  await p.step(
    "onboard",
    "onboard members: apply, auditor approves genesis, collateral, activation, record keys, reserve wallets",
    async (note) => {
      for (const [i, m] of scenario.members.entries()) {
        const member = clients.members[i];
        await chain.setBalance(m.address, m.collateral.eth + 100n * ETH_UNIT);
        await memberApply(member, { profile: `profile:${m.name}` });
        // The auditor approves the genesis report it audited (the digest of the report's file).
        const report = join(tmp, `genesis-report-${m.index}.txt`);
        await writeFile(report, `genesis report:${m.name}`);
        await memberApproveGenesis(clients.auditor, { member: m.address, report });
        await collateralDeposit(member, { amount: `${m.collateral.eth}units`, token: "ETH", member: m.address });
        await mint(m.address, m.collateral.usdc);
        await collateralDeposit(member, {
          amount: `${m.collateral.usdc}units`,
          token: d.addresses.usdc,
          member: m.address,
        });
        await memberActivate(governance, { member: m.address });
        const [ax, ay] = crypto.publicKey(m.keys.recordKey);
        const validFrom = (await chain.latest()) + 2n;
        await memberRegisterKey(member, { ax: ax.toString(), ay: ay.toString(), validFrom });
        for (const [j, key] of m.reserveWallets.entries()) {
          // The reserve wallet signs its ownership with its own key (held in the member's configuration variable).
          await reserveRegister(member, {
            wallet: new Wallet(key).address,
            walletKeyVar: reserveKeyVariable(j),
            deadlineMinutes: 60,
          });
          // Funding (the local chain's faucet): 70% in cold storage, 30% in the hot wallet.
          const share = (x: bigint) => (j === 0 ? (x * 7n) / 10n : x - (x * 7n) / 10n);
          await chain.setBalance(new Wallet(key).address, share(m.reserves.eth));
          await mint(new Wallet(key).address, share(m.reserves.usdc));
        }
        const stake = await d.vault.stakeOf(m.address);
        note(
          `${m.name} ${m.address}: active, collateral ${eth(m.collateral.eth)} + ${usdc(m.collateral.usdc)} ` +
            `(stake ${fmtUnits(stake, ETH_UNIT)}), reserves ${eth(m.reserves.eth)} + ${usdc(m.reserves.usdc)}`,
        );
      }
      // Quorum: any k of the other members' operators, k = ceil(2/3 of the co-signers of a set).
      const k = Math.max(1, Math.ceil((2 * (scenario.members.length - 1)) / 3));
      const quorumWeight = [...(await stakes(ctx))]
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
        .slice(0, k)
        .reduce((a, b) => a + b, 0n);
      await sendAndDescribe(governance, "setQuorumParams", () =>
        d.ledger
          .connect(chain.gov)
          .setQuorumParams({ quorumWeight, minSigners: k, requestFee: 0n, maxOpenRequests: 4 }),
      );
      note(`quorum: ${k} co-signer(s) and ${fmtUnits(quorumWeight, ETH_UNIT)} units of stake`);
    },
  );
  await booked(ctx, "onboard");
}
