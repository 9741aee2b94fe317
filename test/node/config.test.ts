// Configuration files of the node and the aggregator (zod, errors naming file and field), keys from the environment,
// and the JSON-lines logger.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { jsonLogger, parsePrivateKey, readAggregatorConfig, readNodeConfig } from "../../src/node/index.js";
import { expectReject, expectRejectContaining } from "../helpers/expect.js";

const A = "0x" + "11".repeat(20);

describe("node configuration", function () {
  let dir: string;
  before(async function () {
    dir = await mkdtemp(join(tmpdir(), "por-cfg-"));
  });
  after(async function () {
    await rm(dir, { recursive: true, force: true });
  });

  const node = {
    format: "por.node-config",
    version: 1,
    rpcUrl: "http://127.0.0.1:8545",
    ledger: A,
    registry: A,
    reserveRegistry: A,
    adjudicator: A,
    db: "node.sqlite",
    blobDir: "blobs",
    records: "postgres://u:p@db/x",
    aggregatorUrl: "http://127.0.0.1:8650",
  };

  it("reads a node configuration with defaults and paths relative to the file", async function () {
    const file = join(dir, "node.json");
    await writeFile(file, JSON.stringify(node));
    const c = await readNodeConfig(file);
    expect(c.db).to.equal(join(dir, "node.sqlite"));
    expect(c.blobDir).to.equal(join(dir, "blobs"));
    expect(c.records).to.equal("postgres://u:p@db/x");
    expect([c.confirmations, c.pollMs, c.depth, c.logLevel]).to.deep.equal([2, 2000, 32, "info"]);
    expect([c.rpcTimeoutSeconds, c.chainId, c.staleAfterSeconds]).to.deep.equal([30, undefined, undefined]);
  });

  it("reads the IA duty: per-asset RPC URLs and token, defaults; a bad URL names its field", async function () {
    const file = join(dir, "interims.json");
    const interims = { attestations: A, chains: { "3": { rpcUrls: ["http://127.0.0.1:9545"], token: A } } };
    await writeFile(file, JSON.stringify({ ...node, interims }));
    const c = await readNodeConfig(file);
    expect(c.interims?.chains?.["3"].rpcUrls).to.deep.equal(["http://127.0.0.1:9545"]);
    expect([c.interims?.confirmations, c.interims?.missedRecheckSeconds]).to.deep.equal([1, 30]);
    const bad = { ...interims, chains: { "3": { rpcUrls: ["ftp://x"], token: A } } };
    await writeFile(file, JSON.stringify({ ...node, interims: bad }));
    await expectRejectContaining(readNodeConfig(file), file, "field interims.chains.3.rpcUrls.0", "http(s) URL");
  });

  it("names the file and the field of a bad configuration", async function () {
    const file = join(dir, "bad.json");
    await writeFile(file, JSON.stringify({ ...node, ledger: "0x12" }));
    await expectReject(readNodeConfig(file), /bad\.json: field ledger: must be a 0x-prefixed 20-byte address/);
    await writeFile(file, JSON.stringify({ ...node, confirmations: -1 }));
    await expectReject(readNodeConfig(file), /field confirmations/);
    await writeFile(file, JSON.stringify({ ...node, privateKey: "0x00" }));
    await expectReject(readNodeConfig(file), /bad\.json: field \(top level\)|privateKey/);
    await writeFile(file, "{");
    await expectReject(readNodeConfig(file), /not readable JSON/);
    await writeFile(file, JSON.stringify({ format: "por.aggregator-config", version: 1, rpcUrl: "ftp://x" }));
    await expectReject(readAggregatorConfig(file), /field rpcUrl: must be an http\(s\) URL/);
  });

  it("takes either a local blob directory or an EigenDA proxy URL, never both or neither", async function () {
    const file = join(dir, "da.json");
    const { blobDir: _, ...withoutBlobDir } = node;
    await writeFile(file, JSON.stringify({ ...withoutBlobDir, eigendaUrl: "http://127.0.0.1:3100" }));
    const c = await readNodeConfig(file);
    expect([c.eigendaUrl, c.blobDir]).to.deep.equal(["http://127.0.0.1:3100", undefined]);
    await writeFile(file, JSON.stringify(withoutBlobDir));
    await expectReject(readNodeConfig(file), /da\.json: field blobDir: set blobDir \(local blob store\) or eigendaUrl/);
    await writeFile(file, JSON.stringify({ ...node, eigendaUrl: "http://127.0.0.1:3100" }));
    await expectReject(readNodeConfig(file), /da\.json: field eigendaUrl: set blobDir or eigendaUrl, not both/);
    await writeFile(file, JSON.stringify({ ...withoutBlobDir, eigendaUrl: "127.0.0.1:3100" }));
    await expectReject(readNodeConfig(file), /da\.json: field eigendaUrl: must be an http\(s\) URL/);
  });

  it("checks a key's form, never echoing a bad value", function () {
    expect(parsePrivateKey("POR_TEST_KEY", "ab".repeat(32))).to.equal("0x" + "ab".repeat(32));
    expect(parsePrivateKey("POR_TEST_KEY", ` 0x${"cd".repeat(32)}\n`)).to.equal("0x" + "cd".repeat(32));
    expect(() => parsePrivateKey("POR_TEST_KEY", "secret-not-hex")).to.throw(
      "POR_TEST_KEY must hold a 32-byte hex private key",
    );
    expect(() => parsePrivateKey("POR_TEST_KEY", "")).to.throw(
      "no key in POR_TEST_KEY: store it with `npx hardhat keystore set POR_TEST_KEY` or set the environment variable POR_TEST_KEY",
    );
  });

  it("logs one JSON object per line with level filtering and child fields", function () {
    const lines: string[] = [];
    const log = jsonLogger("node", { level: "info", out: { write: (s: string) => lines.push(s) } });
    log.debug("hidden");
    log.child({ subject: "0xab" }).warn("blob missing", { attempt: 2, amount: 5n });
    expect(lines).to.have.length(1);
    const o = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(o).to.include({
      level: "warn",
      component: "node",
      subject: "0xab",
      msg: "blob missing",
      attempt: 2,
      amount: "5",
    });
    expect(lines[0].endsWith("\n")).to.equal(true);
  });
});
