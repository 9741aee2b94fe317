// What the deployment reader takes from Ignition's journal: each contract's creation (transaction and block) as the
// journal states it. The check against the chain (checkedFirstBlock) runs on a real chain in
// test/attack/issue19-deployment-first-block.test.ts.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { journalCreations, readDeployment } from "../../src/client/index.js";

const REGISTRY = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const VAULT = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
const OTHER = "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0";
const hash = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;

const confirm = (futureId: string, blockNumber: number, tx: string, contractAddress?: string) =>
  JSON.stringify({
    type: "TRANSACTION_CONFIRM",
    futureId,
    networkInteractionId: 1,
    hash: tx,
    receipt: { blockHash: `0x${"cd".repeat(32)}`, blockNumber, contractAddress, status: "SUCCESS", logs: [] },
  });

async function deploymentWith(journal: string[] | undefined, addresses: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "por-journal-"));
  if (journal !== undefined) await writeFile(join(dir, "journal.jsonl"), journal.join("\n"));
  await writeFile(join(dir, "deployed_addresses.json"), JSON.stringify(addresses));
  return dir;
}

describe("client deployment: the journal's contract creations", function () {
  const journal = [
    JSON.stringify({ chainId: 31337, type: "DEPLOYMENT_INITIALIZE" }),
    "",
    confirm("Other#Thing", 2, hash(2), OTHER),
    confirm("Consortium#ConsortiumRegistry", 7, hash(7), REGISTRY),
    confirm("Consortium#CollateralVault", 5, hash(5), VAULT),
    confirm("Consortium#CollateralVault", 9, hash(9), VAULT), // stated twice: the lowest block is kept
    confirm("Consortium#ConsortiumRegistry.setVault", 8, hash(8)), // a call: no contract created
    '{"type":"TRANSACTION_CONFIRM","receipt":{"contractAddress', // a torn last line is skipped
  ];

  it("reads each created address's transaction and lowest block, skipping calls and torn lines", async function () {
    const created = await journalCreations(await deploymentWith(journal, {}));
    expect([...created.keys()]).to.have.members([OTHER, REGISTRY, VAULT].map((a) => a.toLowerCase()));
    expect(created.get(VAULT.toLowerCase())).to.deep.equal({ hash: hash(5), block: 5 });
    expect(created.get(REGISTRY.toLowerCase())).to.deep.equal({ hash: hash(7), block: 7 });
  });

  it("gives the deployment file's own contracts their stated creations, unchecked (firstBlock stays 0)", async function () {
    const dir = await deploymentWith(journal, {
      "Consortium#ConsortiumRegistry": REGISTRY,
      "Consortium#CollateralVault": "0x0000000000000000000000000000000000000001", // not created in the journal
      "Other#Thing": OTHER, // another module's
    });
    const d = await readDeployment(dir);
    expect(d.firstBlock).to.equal(0);
    expect(d.creations).to.deep.equal([
      { address: REGISTRY, creation: { hash: hash(7), block: 7 } },
      { address: "0x0000000000000000000000000000000000000001", creation: undefined },
    ]);
    expect((await readDeployment(await deploymentWith(undefined, { "Consortium#X": VAULT }))).creations).to.deep.equal([
      { address: VAULT, creation: undefined },
    ]);
  });
});
