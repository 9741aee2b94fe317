// The deployment reader's first block: from Ignition's journal, the lowest block of the module's confirmed
// transactions (event reads start there); 0 without a journal.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { deploymentFirstBlock } from "../../src/client/index.js";

const confirm = (futureId: string, blockNumber: number) =>
  JSON.stringify({
    type: "TRANSACTION_CONFIRM",
    futureId,
    networkInteractionId: 1,
    hash: `0x${"ab".repeat(32)}`,
    receipt: { blockHash: `0x${"cd".repeat(32)}`, blockNumber, status: "SUCCESS", logs: [] },
  });

describe("client deployment: first block", function () {
  it("is the lowest block of the module's confirmed transactions in journal.jsonl", async function () {
    const dir = await mkdtemp(join(tmpdir(), "por-journal-"));
    const lines = [
      JSON.stringify({ chainId: 31337, type: "DEPLOYMENT_INITIALIZE" }),
      confirm("Governance#TimelockController", 2), // another module: not ours
      confirm("Consortium#ConsortiumRegistry", 7),
      confirm("Consortium#CollateralVault", 5),
      '{"type":"TRANSACTION_CONFIRM","futureId":"Consortium#Torn', // a torn last line is skipped
    ];
    await writeFile(join(dir, "journal.jsonl"), lines.join("\n"));
    expect(await deploymentFirstBlock(dir)).to.equal(5);
    expect(await deploymentFirstBlock(dir, "Governance")).to.equal(2);
    expect(await deploymentFirstBlock(dir, "Missing")).to.equal(0);
  });

  it("is 0 without a journal", async function () {
    expect(await deploymentFirstBlock(await mkdtemp(join(tmpdir(), "por-journal-")))).to.equal(0);
  });
});
