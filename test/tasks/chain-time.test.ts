// `chain time`: the latest block's timestamp, bare in text (for `T=$(npx hardhat chain time ...)`), with the block
// number and chain id in --json; no deployment is read; a node that returns no block fails in words.
import { expect } from "chai";
import hre, { network } from "hardhat";

import { TaskOutput } from "../../src/client/index.js";
import chainTimeAction, { chainTime } from "../../tasks/chain-time.js";
import { captureTask } from "../helpers/capture.js";
import { expectReject } from "../helpers/expect.js";

const { ethers, networkHelpers } = await network.create();

describe("chain time", function () {
  it("prints the latest block's timestamp, bare, and follows the chain's clock", async function () {
    await networkHelpers.mine();
    const lines: string[] = [];
    const ctx = { provider: ethers.provider, chainId: 31337n, out: new TaskOutput(false, (l) => lines.push(l)) };
    await chainTime(ctx, { json: false });
    expect(lines).to.deep.equal([String(await networkHelpers.time.latest())]);
    await networkHelpers.time.increase(3600);
    lines.length = 0;
    await chainTime(ctx, { json: false });
    expect(lines).to.deep.equal([String(await networkHelpers.time.latest())]);
  });

  it("gives the block number, timestamp and chain id with --json", async function () {
    const printed: string[] = [];
    const out = new TaskOutput(true, (l) => printed.push(l));
    await chainTime({ provider: ethers.provider, chainId: 31337n, out }, { json: true });
    expect(printed).to.deep.equal([]);
    out.flush();
    const json = JSON.parse(printed.join("\n")) as Record<string, unknown>;
    expect(json).to.deep.equal({
      chainId: "31337",
      block: await ethers.provider.getBlockNumber(),
      timestamp: String(await networkHelpers.time.latest()),
    });
  });

  it("runs as a task on a network with no deployment, and fails in words when the node has no block", async function () {
    const r = await captureTask(() => chainTimeAction({ json: false }, hre));
    expect(r.code).to.equal(0);
    expect(r.out).to.match(/^[0-9]{10}$/);
    const noBlock = { getBlock: async () => null } as unknown as typeof ethers.provider;
    const out = new TaskOutput(false, () => {});
    await expectReject(chainTime({ provider: noBlock, chainId: 1n, out }, { json: false }), /returned no latest block/);
  });
});
