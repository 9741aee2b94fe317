// Step 4, onboard: each member joins through the tasks a member and an auditor run (member apply, member
// approve-genesis, collateral deposit, member activate, member register-key, operator encryption-key register, reserve
// register), so the viewer sees the onboarding a real member goes through; governance then sets the quorum from the members' stakes. On EigenLayer
// (`--stake eigenlayer`) a member stakes as an EigenLayer operator of its own instead of depositing in the vault: it
// names its operator (`eigenlayer approve-operator`), the operator registers with EigenLayer and for the consortium's
// operator set (`eigenlayer register`), deposits WETH and USDC into the strategies, allocates them to the set, and the
// stake is cached (`eigenlayer refresh`).
import { writeFile } from "node:fs/promises";
import { join } from "node:path";

import { Wallet } from "ethers";

import { collateralDeposit } from "../../../tasks/collateral-deposit.js";
import { approveOperator } from "../../../tasks/eigenlayer-approve-operator.js";
import { refreshStake } from "../../../tasks/eigenlayer-refresh.js";
import { registerOperator } from "../../../tasks/eigenlayer-register.js";
import { memberActivate } from "../../../tasks/member-activate.js";
import { memberApply } from "../../../tasks/member-apply.js";
import { memberApproveGenesis } from "../../../tasks/member-approve-genesis.js";
import { memberRegisterKey } from "../../../tasks/member-register-key.js";
import { operatorEncryptionKeyRegister } from "../../../tasks/operator-encryption-key.js";
import { reserveRegister } from "../../../tasks/reserve-register.js";
import type { EigenLayerStakeSource } from "../../../types/ethers-contracts/index.js";
import { sendAndDescribe } from "../../client/index.js";
import type { DemoContext, DemoEigenLayer } from "../context.js";
import { ETH_UNIT, type DemoMember } from "../scenario.js";
import { booked, eth, fmtUnits, reserveKeyVariable, stakes, usdc } from "./common.js";

/** Onboards every member (Applied, Probation, Active, with its record key and reserve wallets); sets the quorum. */
export async function onboard(ctx: DemoContext): Promise<void> {
  const { p, scenario, chain, d, clients, crypto, tmp } = ctx;
  const governance = clients.governance;
  const mint = (to: string, amount: bigint) =>
    sendAndDescribe(governance, "mint", () => d.usdc.connect(chain.gov).mint(to, amount));
  await p.step(
    "onboard",
    ctx.stake === "eigenlayer"
      ? "onboard members: apply, auditor approves genesis, stake restaked on EigenLayer (operator, deposits, " +
          "allocation), activation, record and encryption keys, reserve wallets"
      : "onboard members: apply, auditor approves genesis, collateral, activation, record and encryption keys, " +
          "reserve wallets",
    async (note) => {
      for (const [i, m] of scenario.members.entries()) {
        const member = clients.members[i];
        await chain.setBalance(m.address, m.collateral.eth + 100n * ETH_UNIT);
        await memberApply(member, { profile: `profile:${m.name}` });
        // The auditor approves the genesis report it audited (the digest of the report's file).
        const report = join(tmp, `genesis-report-${m.index}.txt`);
        await writeFile(report, `genesis report:${m.name}`);
        await memberApproveGenesis(clients.auditor, { member: m.address, report });
        if (d.stake.kind === "eigenlayer") {
          await mint(m.address, m.collateral.usdc);
          await restake(ctx, d.stake, i, m);
        } else {
          await collateralDeposit(member, { amount: `${m.collateral.eth}units`, token: "ETH", member: m.address });
          await mint(m.address, m.collateral.usdc);
          await collateralDeposit(member, {
            amount: `${m.collateral.usdc}units`,
            token: d.addresses.usdc,
            member: m.address,
          });
        }
        await memberActivate(governance, { member: m.address });
        const [ax, ay] = crypto.publicKey(m.keys.recordKey);
        const validFrom = (await chain.latest()) + 2n;
        await memberRegisterKey(member, { ax: ax.toString(), ay: ay.toString(), validFrom });
        // Its operator's X25519 key: private blobs of snapshot times from validFrom on are encrypted to it.
        await operatorEncryptionKeyRegister(member, { validFrom }, ctx.hre.config.por.encryptionKey.name);
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
        const stake = await d.stakeSource.stakeOf(m.address);
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

/**
 * Member `i` stakes its collateral on EigenLayer as its own operator: it names the operator on the adapter
 * (`eigenlayer approve-operator`); the operator registers with EigenLayer's DelegationManager, then for the
 * consortium's operator set (`eigenlayer register`, which the adapter takes as the member's registration); it wraps
 * its ETH collateral into WETH and deposits it and its USDC into the two strategies, allocates all of both to the
 * set, waits out the allocation delay, and the slashable stake is cached as its weight (`eigenlayer refresh`).
 */
async function restake(
  ctx: DemoContext,
  { adapter, el }: { adapter: EigenLayerStakeSource; el: DemoEigenLayer },
  i: number,
  m: DemoMember,
): Promise<void> {
  const member = ctx.clients.members[i];
  const signer = await member.signer();
  const { standIns, weth, wethStrategy, usdcStrategy } = el;
  await approveOperator(member, { operator: m.address });
  await standIns.registerAsOperator(signer);
  await registerOperator(member, { member: m.address });
  await weth.connect(signer).deposit({ value: m.collateral.eth });
  await standIns.depositIntoStrategy(signer, wethStrategy, weth, m.collateral.eth);
  await standIns.depositIntoStrategy(signer, usdcStrategy, ctx.d.usdc, m.collateral.usdc);
  const operatorSet = { avs: await adapter.getAddress(), id: await adapter.operatorSetId() };
  const strategies = [await wethStrategy.getAddress(), await usdcStrategy.getAddress()];
  await standIns.mineTo(await standIns.allocate(signer, operatorSet, strategies));
  await refreshStake(member, { member: m.address });
}
