// The deployment reader's first block: the lowest creation block of the deployment's contracts, from the receipts in
// Ignition's journal (event reads start there); 0 without a journal or when an address has no creation receipt.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { deploymentFirstBlock, readDeployment } from "../../src/client/index.js";

const REGISTRY = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const VAULT = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
const OTHER = "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0";

const confirm = (futureId: string, blockNumber: number, contractAddress?: string) =>
  JSON.stringify({
    type: "TRANSACTION_CONFIRM",
    futureId,
    networkInteractionId: 1,
    hash: `0x${"ab".repeat(32)}`,
    receipt: { blockHash: `0x${"cd".repeat(32)}`, blockNumber, contractAddress, status: "SUCCESS", logs: [] },
  });

async function deploymentWith(journal: string[] | undefined, addresses: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "por-journal-"));
  if (journal !== undefined) await writeFile(join(dir, "journal.jsonl"), journal.join("\n"));
  await writeFile(join(dir, "deployed_addresses.json"), JSON.stringify(addresses));
  return dir;
}

describe("client deployment: first block", function () {
  const journal = [
    JSON.stringify({ chainId: 31337, type: "DEPLOYMENT_INITIALIZE" }),
    confirm("Other#Thing", 2, OTHER),
    confirm("Consortium#ConsortiumRegistry", 7, REGISTRY),
    confirm("Consortium#CollateralVault", 5, VAULT),
    confirm("Consortium#ConsortiumRegistry.setVault", 9), // a call: no contract created
    '{"type":"TRANSACTION_CONFIRM","receipt":{"contractAddress', // a torn last line is skipped
  ];

  it("is the lowest creation block of the deployment's contracts in journal.jsonl", async function () {
    const dir = await deploymentWith(journal, {
      "Consortium#ConsortiumRegistry": REGISTRY,
      "Consortium#CollateralVault": VAULT,
      "Other#Thing": OTHER, // another module's: not the consortium's
    });
    expect((await readDeployment(dir)).firstBlock).to.equal(5);
    expect(await deploymentFirstBlock(dir, [REGISTRY])).to.equal(7);
    expect(await deploymentFirstBlock(dir, [REGISTRY.toLowerCase(), OTHER])).to.equal(2);
  });

  it("is 0 without a journal, or when an address was not created in it (an edited deployment file)", async function () {
    expect(
      (await readDeployment(await deploymentWith(undefined, { "Consortium#CollateralVault": VAULT }))).firstBlock,
    ).to.equal(0);
    const edited = await deploymentWith(journal, {
      "Consortium#ConsortiumRegistry": REGISTRY,
      "Consortium#CollateralVault": "0x0000000000000000000000000000000000000001",
    });
    expect((await readDeployment(edited)).firstBlock).to.equal(0);
  });
});
