// Absent options (issue 19 review, item 1): optional string options now arrive as undefined (STRING_WITHOUT_DEFAULT)
// where they used to be "". An attacker's angle: does an absent --from / --member / --deployment now pick another
// signer, credit or read another account, or send something that "" used to refuse? Real contracts on EDR, deployed
// through the Ignition module (test/contracts/ledger-fixture.ts); the task bodies run on a client as the tasks make it.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import hre, { network } from "hardhat";
import { ArgumentType } from "hardhat/types/arguments";

import { reserveRegistryDomain, signReserveOwnership } from "../../src/chain/index.js";
import {
  TaskOutput,
  clientOf,
  deploymentDirOf,
  writeDeployment,
  type ConsortiumAddresses,
} from "../../src/client/index.js";
import { readPoa } from "../../src/poa/index.js";
import { quorumAttest } from "../../tasks/attest.js";
import { claimPay } from "../../tasks/claim-pay.js";
import { collateralDeposit } from "../../tasks/collateral-deposit.js";
import { memberActivate } from "../../tasks/member-activate.js";
import { poaBuild } from "../../tasks/poa-build.js";
import { reserveRegister } from "../../tasks/reserve-register.js";
import { ETH_ASSET, deployWithCommittedSets, fixtureAddresses } from "../contracts/ledger-fixture.js";
import { expectTaskError, testClient } from "../helpers/client.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

async function system() {
  const f = await deployWithCommittedSets(connection);
  const addresses: ConsortiumAddresses = await fixtureAddresses(f);
  const dir = await writeDeployment(await mkdtemp(join(tmpdir(), "por-issue19-absent-")), addresses);
  return { ...f, addresses, dir };
}

describe("issue 19: absent options change neither the signer nor what is sent", function () {
  it('--from absent signs as the network\'s first account, as "" did; --from <address> signs as that account', async function () {
    const f = await networkHelpers.loadFixture(system);
    const [first] = await ethers.getSigners();
    for (const from of [undefined, ""]) {
      const ctx = await clientOf(ethers, {
        deploymentDir: f.dir,
        root: f.dir,
        artifactsDir: hre.config.paths.artifacts,
        from,
        out: new TaskOutput(false, () => undefined),
        readConfigVariable: () => Promise.reject(new Error("no variables")),
      });
      expect((await ctx.signer()).address).to.equal(first.address);
    }
    const { ctx } = await testClient(ethers, f.member.address, f.dir);
    expect((await ctx.signer()).address).to.equal(f.member.address);
  });

  it('--deployment absent reads <root>/ignition/deployments/chain-<id>, never a directory named "undefined"', async function () {
    const root = await mkdtemp(join(tmpdir(), "por-issue19-root-"));
    expect(deploymentDirOf(undefined, root, 31337n)).to.equal(join(root, "ignition", "deployments", "chain-31337"));
    expect(deploymentDirOf("", root, 31337n)).to.equal(join(root, "ignition", "deployments", "chain-31337"));
    await expectTaskError(
      clientOf(ethers, {
        deploymentDir: undefined,
        root,
        artifactsDir: hre.config.paths.artifacts,
        out: new TaskOutput(false, () => undefined),
        readConfigVariable: () => Promise.reject(new Error("no variables")),
      }),
      join(root, "ignition", "deployments", "chain-31337", "deployed_addresses.json"),
    );
  });

  it("collateral deposit with --member absent credits the signer that pays, nobody else", async function () {
    const f = await networkHelpers.loadFixture(system);
    const balance = (a: string) => f.vault.balanceOf(a, ethers.ZeroAddress);
    const before = { member: await balance(f.member.address), first: await balance(f.governance.address) };
    const { ctx } = await testClient(ethers, f.member.address, f.dir);
    await collateralDeposit(ctx, { amount: "1", token: "ETH", json: false });
    expect(await balance(f.member.address)).to.equal(before.member + 10n ** 18n);
    expect(await balance(f.governance.address)).to.equal(before.first);
    // --from absent too: account 0 pays and is the one credited (not a member here: refused, nothing moves).
    const { ctx: first } = await testClient(ethers, "", f.dir);
    await expectTaskError(
      collateralDeposit(first, { amount: "1", token: "ETH", json: false }),
      "deposit failed: CollateralVault",
    );
    expect(await balance(f.member.address)).to.equal(before.member + 10n ** 18n);
    // A malformed --member is refused before sending, never read as "the signer" by accident.
    await expectTaskError(
      collateralDeposit(ctx, { amount: "1", token: "ETH", member: "0x12", json: false }),
      "--member",
    );
  });

  it("poa build with --member absent proves the --from account's reserves (the signer's), not account 0's", async function () {
    const f = await networkHelpers.loadFixture(system);
    const w = (await ethers.getSigners())[12];
    const rr = f.reserveRegistry;
    const domain = reserveRegistryDomain((await ethers.provider.getNetwork()).chainId, await rr.getAddress());
    const deadline = BigInt(await networkHelpers.time.latest()) + 3_600n;
    const message = { member: f.member.address, wallet: w.address, deadline, nonce: await rr.nonceOf(w.address) };
    await rr.connect(f.member).registerReserve(w.address, deadline, await signReserveOwnership(w, domain, message));
    await networkHelpers.time.increase(30);
    const t = BigInt(await networkHelpers.time.latest());
    await networkHelpers.mine(2);
    const { ctx } = await testClient(ethers, f.member.address, f.dir);
    const out = join(f.dir, "poa.json");
    await poaBuild(ctx, {
      t,
      requestId: 0n,
      assets: String(ETH_ASSET),
      hardhatAccounts: true,
      skipUnsigned: false,
      out,
      json: false,
    });
    const poa = await readPoa(out);
    expect(poa.member).to.equal(f.member.address);
    expect(poa.wallets.map((x) => x.wallet)).to.deep.equal([w.address]);
  });

  it("member activate without <member> is refused (it no longer defaults to the signer) and sends nothing", async function () {
    const f = await networkHelpers.loadFixture(system);
    const { ctx } = await testClient(ethers, f.governance.address, f.dir);
    const nonce = await ethers.provider.getTransactionCount(f.governance.address);
    await expectTaskError(memberActivate(ctx, { member: undefined as unknown as string, json: false }), "<member>");
    expect(await ethers.provider.getTransactionCount(f.governance.address)).to.equal(nonce);
    // And the CLI declares the positional argument without a default (Hardhat requires it).
    const task = hre.tasks.getTask(["member", "activate"]);
    expect(task.positionalArguments.map((a) => [a.name, a.defaultValue])).to.deep.equal([["member", undefined]]);
  });

  it("every optional string option of the money-path tasks is declared without a default (absent = undefined)", function () {
    const cases: Array<[string[], string[]]> = [
      [
        ["poa", "build"],
        ["member", "keystores", "signatures", "out", "from", "deployment"],
      ],
      [
        ["collateral", "deposit"],
        ["member", "from", "deployment"],
      ],
      [
        ["claim", "pay"],
        ["member", "nullifier", "payout", "salt", "from", "deployment"],
      ],
      [
        ["quorum", "attest"],
        ["member", "out", "from", "deployment"],
      ],
      [
        ["governance", "propose"],
        ["contract", "function", "address", "to", "salt", "predecessor", "out", "from"],
      ],
    ];
    for (const [id, names] of cases) {
      const task = hre.tasks.getTask(id);
      for (const name of names) {
        const option = task.options.get(name);
        expect(option, `${id.join(" ")} --${name}`).to.not.equal(undefined);
        expect([option!.type, option!.defaultValue], `${id.join(" ")} --${name}`).to.deep.equal([
          ArgumentType.STRING_WITHOUT_DEFAULT,
          undefined,
        ]);
      }
    }
  });

  it("quorum attest, claim pay and reserve register refuse missing or half-given subjects instead of guessing", async function () {
    const f = await networkHelpers.loadFixture(system);
    const { ctx } = await testClient(ethers, f.other.address, f.dir);
    const attest = { verdict: "solvent", t: 0n, request: 0n, json: false };
    await expectTaskError(quorumAttest(ctx, attest), "give --member <0x address> and --t");
    await expectTaskError(
      quorumAttest(ctx, { ...attest, member: f.member.address }),
      "give --member <0x address> and --t",
    );
    await expectTaskError(quorumAttest(ctx, { ...attest, t: f.t1 }), "give --member <0x address> and --t");
    await expectTaskError(
      quorumAttest(ctx, { ...attest, request: 1n, member: "" }),
      "give either --request or --member",
    );
    await expectTaskError(
      claimPay(ctx, { json: false }),
      "--member <the accused member's 0x address, or --proof> is required",
    );
    await expectTaskError(
      claimPay(ctx, { json: false, member: f.member.address, nullifier: "1", salt: "1" }),
      "--payout <the record's 0x payout address, or --record> is required",
    );
    await expectTaskError(
      reserveRegister(ctx, { deadlineMinutes: 10, json: false }),
      "give --wallet <address>, --wallet-key-var <variable> or --signature-file <file>",
    );
  });
});
