import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";

import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { network } from "hardhat";

import { BASE8, loadCrypto, KEY_DOMAIN } from "../../src/crypto/index.js";
import { claimPay as runFundPayClaim } from "../../tasks/claim-pay.js";
import { collateralDeposit as runCollateralDeposit } from "../../tasks/collateral-deposit.js";
import { collateralRequestWithdrawal as runCollateralRequestWithdrawal } from "../../tasks/collateral-request-withdrawal.js";
import { collateralWithdraw as runCollateralWithdraw } from "../../tasks/collateral-withdraw.js";
import { memberActivate as runMemberActivate } from "../../tasks/member-activate.js";
import { memberApply as runMemberApply } from "../../tasks/member-apply.js";
import { memberApproveGenesis as runMemberApproveGenesis } from "../../tasks/member-approve-genesis.js";
import { memberEjectUndercollateralized as runMemberEjectUndercollateralized } from "../../tasks/member-eject-undercollateralized.js";
import { memberRegisterKey as runMemberRegisterKey } from "../../tasks/member-register-key.js";
import { memberStatus as runMemberStatus } from "../../tasks/member-status.js";
import { reserveRegister as runReserveRegister } from "../../tasks/reserve-register.js";
import { payoutHashOf } from "../../src/records/payout.js";
import { UNBONDING_DELAY, deployConsortium } from "../contracts/consortium-fixture.js";
import { deploymentDir, expectTaskError, testClient } from "../helpers/client.js";
import { ETH_ASSET, settlementOf, MEMBER_STAKE, SLA, deployWithCommittedSets } from "../contracts/ledger-fixture.js";

const { ethers, networkHelpers, ignition } = await network.create();

/** A client for `signer` (as --from) on a deployment directory, whose printed lines are collected. */
const context = (
  signer: HardhatEthersSigner,
  dir: string,
  options: { variables?: Record<string, string>; json?: boolean } = {},
) => testClient(ethers, signer.address, dir, options);

async function deployed() {
  const f = await deployConsortium({ ethers, networkHelpers, ignition });
  const addresses = {
    registry: await f.registry.getAddress(),
    vault: await f.vault.getAddress(),
    reserveRegistry: await f.reserves.getAddress(),
  };
  return {
    ...f,
    registryAddress: addresses.registry,
    vaultAddress: addresses.vault,
    reservesAddress: addresses.reserveRegistry,
    dir: await deploymentDir(addresses),
  };
}

/** Claim of the fraud proof {@link withClaim} submits: above what its slash leaves in the restitution pool. */
const CLAIM = 5n * 10n ** 18n;
/** Its nullifier. */
const NULLIFIER = 77n;
/** The salt of its payout commitment (to `user`). */
const SALT = 0xfeedn;

/**
 * The whole system (stand-in fraud verifier) with `member` (10 ETH of collateral) committed at t1 and t2 and proven
 * fraudulent once: half its stake slashed (a tenth of it as the prover's bounty, the rest into the member's own
 * restitution pool) and a claim of {@link CLAIM} booked under {@link NULLIFIER} to `user`'s payout commitment (salt
 * {@link SALT}), in the member's claim round 1.
 */
async function withClaim() {
  const f = await deployWithCommittedSets({ ethers, networkHelpers, ignition });
  const payoutHash = payoutHashOf({ address: f.user.address, salt: SALT });
  const proof = await f.proofFor({ claim: CLAIM, nullifier: NULLIFIER, payoutHash });
  await f.adjudicator.connect(f.prover).proveFraud(...f.args(proof));
  const adjudicatorAddress = await f.adjudicator.getAddress();
  const dir = await deploymentDir({
    registry: await f.registry.getAddress(),
    vault: await f.vault.getAddress(),
    adjudicator: adjudicatorAddress,
  });
  return { ...f, t: f.t1, adjudicatorAddress, dir };
}

describe("member, reserve, collateral, restitution and ejection tasks", function () {
  it("walk a member from application to active, with keys, reserves and collateral", async function () {
    const f = await networkHelpers.loadFixture(deployed);
    const m = await context(f.member, f.dir);
    const common = {};

    await runMemberApply(m.ctx, { ...common, profile: "Acme Exchange Ltd" });
    expect(m.lines.some((l) => l.startsWith("tx 0x"))).to.equal(true);
    expect(m.lines.some((l) => l.includes("event MemberApplied(member=" + f.member.address))).to.equal(true);
    await expectTaskError(
      runMemberApply(m.ctx, { ...common, profile: "again" }),
      `applyForMembership failed: ConsortiumRegistry: wrong status (member ${f.member.address}, status 1)`,
    );

    // An applicant registers no record key: only approved members (Probation, Active) may.
    await expectTaskError(
      runMemberRegisterKey(m.ctx, {
        ...common,
        ax: BASE8[0].toString(),
        ay: BASE8[1].toString(),
        validFrom: 0n,
      }),
      `registerKey failed: ConsortiumRegistry: wrong status (member ${f.member.address}, status 1)`,
    );

    const a = await context(f.auditor, f.dir);
    await expectTaskError(
      runMemberApproveGenesis(a.ctx, { ...common, member: f.member.address, digest: "0x12" }),
      "--digest must be",
    );
    const report = path.join(a.root, "genesis-report.txt");
    await writeFile(report, "trusted setup transcript ok\n");
    await runMemberApproveGenesis(a.ctx, { ...common, member: f.member.address, report });
    expect(a.lines.some((l) => l.includes("event GenesisApproved"))).to.equal(true);
    expect((await f.registry.memberInfo(f.member.address)).genesisDigest).to.equal(
      ethers.keccak256(await readFile(report)),
    );

    await runCollateralDeposit(m.ctx, {
      token: "ETH",
      amount: "1.5",
    });
    expect(await f.vault.balanceOf(f.member.address, ethers.ZeroAddress)).to.equal(15n * 10n ** 17n);
    expect(m.lines.some((l) => l.includes("event CollateralDeposited"))).to.equal(true);

    await expectTaskError(
      runMemberActivate(m.ctx, { ...common, member: f.member.address }),
      `activate failed: ConsortiumRegistry: probation not over (member ${f.member.address}, endsAt`,
    );
    const g = await context(f.governance, f.dir);
    await runMemberActivate(g.ctx, { ...common, member: f.member.address });
    expect(g.lines.some((l) => l.includes("event MemberActivated"))).to.equal(true);

    // Record key: Base8 is a valid Baby Jubjub point; the task computes Poseidon(KEY_DOMAIN, Ax, Ay).
    await runMemberRegisterKey(m.ctx, {
      ...common,
      ax: BASE8[0].toString(),
      ay: BASE8[1].toString(),
      validFrom: 0n,
    });
    const crypto = await loadCrypto({ threads: 0 });
    const expectedHash = crypto.poseidon([KEY_DOMAIN, BASE8[0], BASE8[1]]);
    await crypto.close();
    expect((await f.registry.keyAt(f.member.address, 0n)).keyHash).to.equal(expectedHash);
    await expectTaskError(
      runMemberRegisterKey(m.ctx, { ...common, ax: "1", ay: "2", validFrom: 0n }),
      "not a point on Baby Jubjub",
    );

    // Reserve wallets: a key from a configuration variable, a Hardhat account, and a contract wallet.
    const keyWallet = ethers.Wallet.createRandom();
    const mv = await context(f.member, f.dir, { variables: { RESERVE_KEY: keyWallet.privateKey } });
    const reserveCommon = {
      deadlineMinutes: 60,
      signatureFile: "",
      writeRequest: "",
    };
    await runReserveRegister(mv.ctx, { ...reserveCommon, wallet: "", walletKeyVar: "RESERVE_KEY" });
    expect(mv.lines.some((l) => l.includes("event ReserveRegistered"))).to.equal(true);
    await runReserveRegister(m.ctx, { ...reserveCommon, wallet: f.other.address, walletKeyVar: "" });
    const owner = ethers.Wallet.createRandom();
    const contractWallet = await ethers.deployContract("TestERC1271Wallet", [owner.address]);
    const contractWalletAddress = await contractWallet.getAddress();
    const requestFile = path.join(m.root, "reserve-request.json");
    await runReserveRegister(m.ctx, {
      ...reserveCommon,
      wallet: contractWalletAddress,
      walletKeyVar: "",
      writeRequest: requestFile,
    });
    const request = JSON.parse(await readFile(requestFile, "utf8")) as Record<string, unknown>;
    const signature = owner.signingKey.sign(request.digest as string).serialized;
    const signed: Record<string, unknown> = { ...request, signature };
    delete signed.digest;
    delete signed.typedData;
    const signatureFile = path.join(m.root, "reserve-signature.json");
    await writeFile(signatureFile, JSON.stringify(signed));
    await runReserveRegister(m.ctx, { ...reserveCommon, wallet: "", walletKeyVar: "", signatureFile });
    expect([...(await f.reserves.reservesOf(f.member.address))].sort()).to.deep.equal(
      [keyWallet.address, f.other.address, contractWalletAddress].sort(),
    );
    await expectTaskError(
      runReserveRegister(m.ctx, { ...reserveCommon, wallet: "", walletKeyVar: "", signatureFile }),
      "nonce 0, but the wallet's current nonce is 1",
    );
    await expectTaskError(
      runReserveRegister(m.ctx, { ...reserveCommon, wallet: ethers.Wallet.createRandom().address, walletKeyVar: "" }),
      "is not an account of this network",
    );

    // Collateral: the minimum is enforced with the vault's words; then a withdrawal within limits.
    await expectTaskError(
      runCollateralRequestWithdrawal(m.ctx, { token: "ETH", amount: "1" }),
      `requestWithdrawal failed: CollateralVault: below minimum (member ${f.member.address}, stakeAfter ${5n * 10n ** 17n}, minimum ${10n ** 18n})`,
    );
    await runCollateralRequestWithdrawal(m.ctx, { token: "ETH", amount: "0.25" });
    await expectTaskError(
      runCollateralWithdraw(m.ctx, { token: "ETH" }),
      "withdraw failed: CollateralVault: withdrawal locked",
    );
    await networkHelpers.time.increase(UNBONDING_DELAY);
    await runCollateralWithdraw(m.ctx, { token: "ETH" });
    expect(m.lines.some((l) => l.includes("event CollateralWithdrawn"))).to.equal(true);

    // Status report.
    const s = await context(f.other, f.dir);
    await runMemberStatus(s.ctx, { member: f.member.address });
    expect(s.lines.join("\n")).to.contain("status Active");
    expect(s.lines.join("\n")).to.contain(`keyHash ${expectedHash}`);
    const sj = await context(f.other, f.dir, { json: true });
    await runMemberStatus(sj.ctx, { member: f.member.address });
    sj.ctx.out.flush();
    expect(sj.lines).to.have.length(1);
    const json = JSON.parse(sj.lines[0]) as {
      status: string;
      stake: string;
    };
    expect(json.status).to.equal("Active");
    expect(json.stake).to.equal((125n * 10n ** 16n).toString());
  });

  it("pays a booked claim pro rata from the member's pool with `claim pay` after its round, and explains refusals", async function () {
    const f = await networkHelpers.loadFixture(withClaim);
    const pool = MEMBER_STAKE / 2n - MEMBER_STAKE / 20n; // the slashed half less the bounty
    expect(await f.vault.restitutionOf(f.member.address, ethers.ZeroAddress)).to.equal(pool);
    const o = await context(f.other, f.dir);
    const member = f.member.address;
    const pay = { nullifier: NULLIFIER.toString(), member, payout: f.user.address, salt: SALT.toString() };
    const closesAt = (await f.adjudicator.roundOf(member, ethers.ZeroAddress, 1)).closesAt;
    await expectTaskError(runFundPayClaim(o.ctx, pay), `the claim's round is open until ${closesAt} (Unix time`);
    await networkHelpers.time.increaseTo(closesAt);
    await expectTaskError(
      runFundPayClaim(o.ctx, { ...pay, payout: f.other.address }),
      `payClaim failed: Restitution: wrong payout (member ${member}, nullifier ${NULLIFIER}, ` +
        `payoutAddress ${f.other.address})`,
    );
    // The claim (5 ETH) is above what the pool can reserve after the insurance share: it is paid pro rata.
    const { reserved, insurance, taken } = settlementOf(pool, CLAIM);
    expect(reserved).to.be.lessThan(CLAIM);
    const share = (CLAIM * reserved) / CLAIM;
    const userBalance = await ethers.provider.getBalance(f.user.address);
    await runFundPayClaim(o.ctx, pay);
    expect(
      o.lines.some((l) =>
        l.includes(
          `event ClaimPaid(member=${member}, nullifier=${NULLIFIER}, payoutAddress=${f.user.address}, ` +
            `token=${ethers.ZeroAddress}, amount=${share})`,
        ),
      ),
    ).to.equal(true);
    expect(o.lines.join("\n")).to.contain(
      `event RoundSettled(member=${member}, token=${ethers.ZeroAddress}, round=1, pool=${pool}, ` +
        `insurance=${insurance}, booked=${CLAIM}, reserved=${reserved})`,
    );
    expect(o.lines.at(-1)).to.contain(`claim against ${member}, asset ${ETH_ASSET}, round 1: `);
    expect(o.lines.at(-1)).to.contain(`${CLAIM} paid to ${f.user.address} (token ${ethers.ZeroAddress}`);
    expect(await ethers.provider.getBalance(f.user.address)).to.equal(userBalance + share);
    // What the round did not take (rounding dust at most) stays in the member's pool for later rounds.
    expect(await f.vault.restitutionOf(member, ethers.ZeroAddress)).to.equal(pool - taken);
    expect((await f.vault.totals(ethers.ZeroAddress)).released).to.equal(taken);
    expect((await f.adjudicator.claimTotalsOf(ethers.ZeroAddress)).insurance).to.equal(insurance);
    await expectTaskError(runFundPayClaim(o.ctx, pay), "the claim was already paid");
    await expectTaskError(
      runFundPayClaim(o.ctx, { ...pay, nullifier: "0x05" }),
      `no claim is booked against ${member} under nullifier 5`,
    );
    await expectTaskError(
      runFundPayClaim(o.ctx, { ...pay, member: f.other.address }),
      `no claim is booked against ${f.other.address} under nullifier ${NULLIFIER}`,
    );
    await expectTaskError(runFundPayClaim(o.ctx, { ...pay, nullifier: "x" }), "--nullifier");
    await expectTaskError(runFundPayClaim(o.ctx, { ...pay, member: "0x12" }), "--member");
    await expectTaskError(runFundPayClaim(o.ctx, { ...pay, payout: "bob" }), "--payout");
    await expectTaskError(runFundPayClaim(o.ctx, { ...pay, salt: "salt" }), "--salt");
  });

  it("ejects a member below its minimum collateral with `member eject-undercollateralized`, refusing otherwise", async function () {
    const f = await networkHelpers.loadFixture(withClaim);
    const o = await context(f.other, f.dir);
    const stake = MEMBER_STAKE / 2n;
    expect(await f.vault.stakeOf(f.member.address)).to.equal(stake);
    // The slash left half the stake, above the 1 ETH minimum: nothing to eject, said in the Adjudicator's words.
    await expectTaskError(
      runMemberEjectUndercollateralized(o.ctx, { member: f.member.address }),
      `ejectUndercollateralized failed: Adjudicator: collateral sufficient (member ${f.member.address}, ` +
        `stake ${stake}, minCollateral ${SLA.minCollateral})`,
    );
    // Governance raises the member's minimum above its stake: now anyone may eject it.
    const minimum = stake + 1n;
    await f.registry.connect(f.governance).setSla(f.member.address, { ...SLA, minCollateral: minimum });
    await runMemberEjectUndercollateralized(o.ctx, { member: f.member.address });
    expect(o.lines.some((l) => /^ejectUndercollateralized: sent 0x[0-9a-f]{64}$/.test(l))).to.equal(true);
    expect(o.lines.some((l) => l.startsWith("tx 0x"))).to.equal(true);
    expect(
      o.lines.some((l) =>
        l.includes(
          `event MemberEjectedUndercollateralized(member=${f.member.address}, stake=${stake}, ` +
            `minCollateral=${minimum}, caller=${f.other.address})`,
        ),
      ),
    ).to.equal(true);
    expect(o.lines.some((l) => l.includes(`event MemberEjected(member=${f.member.address}`))).to.equal(true);
    expect(await f.registry.statusOf(f.member.address)).to.equal(6n); // Ejected
    await expectTaskError(
      runMemberEjectUndercollateralized(o.ctx, { member: f.member.address }),
      `ejectUndercollateralized failed: Adjudicator: not ejectable (member ${f.member.address})`,
    );
    await expectTaskError(
      runMemberEjectUndercollateralized(o.ctx, { member: "0x12" }),
      "<member> must be a 0x-prefixed 20-byte address",
    );
  });

  it("reads addresses from the Ignition deployment, says which file or key is missing, and reads without a signer", async function () {
    const f = await networkHelpers.loadFixture(deployed);
    const none = path.join(f.dir, "none");
    await expectTaskError(context(f.other, none), "deployed_addresses.json: not readable");
    const dir = await deploymentDir({});
    await writeFile(path.join(dir, "deployed_addresses.json"), JSON.stringify({ "Consortium#Other": "0x12" }));
    await expectTaskError(context(f.other, dir), "field Consortium#Other: must be a 0x-prefixed 20-byte address");
    const partial = await deploymentDir({ vault: f.vaultAddress });
    const o = await context(f.other, partial);
    await expectTaskError(runMemberStatus(o.ctx, { member: f.member.address }), 'no "Consortium#ConsortiumRegistry"');
    const wrong = await context(f.other, await deploymentDir({ registry: f.other.address }));
    await expectTaskError(runMemberStatus(wrong.ctx, { member: f.member.address }), "no contract at");
    // A read-only task never asks for the signer: with an unknown --from it still runs.
    const { ctx: reader } = await testClient(ethers, ethers.Wallet.createRandom().address, f.dir);
    await runMemberStatus(reader, { member: f.member.address });
    await expectTaskError(reader.signer(), "not an account of this network");
  });
});
