// The `eigenlayer` task bodies (tasks/eigenlayer-*.ts over src/eigenlayer) on the consortium deployed on EigenLayer's
// TEST-ONLY stand-ins: a member names its operator, the operator registers and allocates, anyone caches the weight;
// status shows it; a refused slash is listed and retried; the vault's tasks say there is no vault, and the
// eigenlayer tasks on a native deployment say there is no EigenLayer.
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { ZeroAddress } from "ethers";
import { network } from "hardhat";

import { collateralDeposit } from "../../tasks/collateral-deposit.js";
import { approveOperator } from "../../tasks/eigenlayer-approve-operator.js";
import { clearRestitution } from "../../tasks/eigenlayer-clear.js";
import { deregisterOperator } from "../../tasks/eigenlayer-deregister.js";
import { refreshStake } from "../../tasks/eigenlayer-refresh.js";
import { registerOperator } from "../../tasks/eigenlayer-register.js";
import { retrySlash } from "../../tasks/eigenlayer-retry-slash.js";
import { eigenLayerStatus } from "../../tasks/eigenlayer-status.js";
import { memberStatus } from "../../tasks/member-status.js";
import { deployConsortium } from "../contracts/consortium-fixture.js";
import { eigenLayerStake } from "../contracts/stake-fixtures.js";
import { deploymentDir, expectTaskError, testClient } from "../helpers/client.js";
import { WAD } from "../helpers/eigenlayer.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { time } = networkHelpers;
const E18 = 10n ** 18n;

async function deployed() {
  const f = await eigenLayerStake(connection);
  const adjudicator = await ethers.getContractAt("Adjudicator", f.adjudicatorAddress);
  const wiring = await adjudicator.wiring();
  const dir = await deploymentDir({
    registry: await f.registry.getAddress(),
    eigenLayer: await f.source.getAddress(),
    ledger: wiring.ledger,
    reputation: wiring.reputation,
    adjudicator: f.adjudicatorAddress,
  });
  return { ...f, dir };
}

const client = (signer: HardhatEthersSigner, dir: string) => testClient(ethers, signer.address, dir);

describe("eigenlayer tasks", function () {
  it("walk a member's operator from approval to counted weight, shown by eigenlayer status and member status", async function () {
    const f = await networkHelpers.loadFixture(deployed);
    const [member] = f.members;
    const operator = f.outsider;
    const strategy = await f.el.strategy.getAddress();
    const set = { avs: await f.source.getAddress(), id: await f.source.operatorSetId() };

    await approveOperator((await client(member, f.dir)).ctx, { operator: operator.address });
    expect(await f.source.operatorOf(member.address)).to.deep.equal([operator.address, false]);

    // The operator's EigenLayer side: registered as an operator, 3 TETH deposited, the whole magnitude allocated.
    await f.el.delegationManager.connect(operator).registerAsOperator(ZeroAddress, 1, "");
    const register = await client(operator, f.dir);
    await registerOperator(register.ctx, { member: member.address });
    expect(register.lines.join("\n")).to.contain("allocate stake to the set");
    expect(await f.source.operatorOf(member.address)).to.deep.equal([operator.address, true]);
    await f.el.token.mint(operator.address, 3n * E18);
    await f.el.token.connect(operator).approve(await f.el.strategyManager.getAddress(), 3n * E18);
    await f.el.strategyManager.connect(operator).depositIntoStrategy(strategy, await f.el.token.getAddress(), 3n * E18);
    await f.el.allocationManager
      .connect(operator)
      .modifyAllocations(operator.address, [{ operatorSet: set, strategies: [strategy], newMagnitudes: [WAD] }]);
    await f.el.mine(2);

    const before = await client(f.outsider, f.dir);
    await eigenLayerStatus(before.ctx, { member: member.address });
    expect(before.lines.join("\n")).to.contain(
      `quorum weight now ${3n * E18}; cached (what counts for subjects created from now) 0`,
    );
    const refresh = await client(f.prover, f.dir);
    await refreshStake(refresh.ctx, { member: member.address });
    expect((await f.source.stakeHistoryOf(member.address)).weight).to.equal(3n * E18);

    const status = await client(f.outsider, f.dir);
    await memberStatus(status.ctx, { member: member.address });
    const text = status.lines.join("\n");
    expect(text).to.contain(`stake weight ${3n * E18} (meets minimum), restaked through EigenLayer`);
    expect(text).to.contain(`EigenLayer operator ${operator.address}, registered in the consortium's operator set`);

    await deregisterOperator((await client(operator, f.dir)).ctx);
    expect(await f.source.operatorOf(member.address)).to.deep.equal([operator.address, false]);
    expect(await f.source.stakeOf(member.address)).to.equal(0n);
  });

  it("refuse an operator the member did not approve, in words", async function () {
    const f = await networkHelpers.loadFixture(deployed);
    const [member] = f.members;
    await f.el.delegationManager.connect(f.outsider).registerAsOperator(ZeroAddress, 1, "");
    await expectTaskError(
      registerOperator((await client(f.outsider, f.dir)).ctx, { member: member.address }),
      "has not approved",
    );
    await expectTaskError(
      registerOperator((await client(f.outsider, f.dir)).ctx, {}),
      "--member <member address> is required",
    );
  });

  it("list a slash EigenLayer refused and retry it; clear reports nothing pending", async function () {
    const f = await networkHelpers.loadFixture(deployed);
    const [member] = f.members;
    await f.addStake(member, 4n * E18);
    await f.el.allocationManager.setPaused(true);
    await f.source.connect(f.adjudicator).slash(member.address, 5_000, ZeroAddress);
    const orderedAt = await time.latest();
    const listed = await client(f.outsider, f.dir);
    await eigenLayerStatus(listed.ctx, {});
    expect(listed.lines.join("\n")).to.contain(
      `deferred slash 1: 5000 bps of ${member.address}, ordered at ${orderedAt}, holds claim rounds closing from ` +
        `${orderedAt} (EigenLayer refused: currently paused)`,
    );
    await expectTaskError(
      retrySlash((await client(f.prover, f.dir)).ctx, { id: 1n }),
      "eigen layer slash refused (id 1",
    );
    await f.el.allocationManager.setPaused(false);
    await retrySlash((await client(f.prover, f.dir)).ctx, { id: 1n });
    expect(await f.source.restitutionOf(member.address, f.poolToken)).to.equal(2n * E18);
    const cleared = await client(f.prover, f.dir);
    await clearRestitution(cleared.ctx, { member: member.address });
    expect(cleared.lines.join("\n")).to.contain("every slash cleared into its restitution pool");
  });

  it("say which stake source a deployment has: no vault on EigenLayer, no EigenLayer on the vault", async function () {
    const f = await networkHelpers.loadFixture(deployed);
    const [member] = f.members;
    await expectTaskError(
      collateralDeposit((await client(member, f.dir)).ctx, { amount: "1", token: "ETH" }),
      "stake source is EigenLayer",
    );
    const n = await deployConsortium(connection);
    const native = await deploymentDir({ registry: await n.registry.getAddress(), vault: await n.vault.getAddress() });
    await expectTaskError(
      eigenLayerStatus((await client(n.member, native)).ctx, {}),
      "stake source is the collateral vault, not EigenLayer",
    );
  });
});
