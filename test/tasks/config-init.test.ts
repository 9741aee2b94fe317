// `operator init` and `aggregator init`: a configuration file written from the deployment that the services' own
// loaders read back; refused without writing when a setting is wrong, a contract is missing, or the file exists
// (unless --force); written atomically (no temporary file left).
import { mkdtemp, readFile, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";
import hre, { network } from "hardhat";

import { readAggregatorConfig, readNodeConfig } from "../../src/node/config.js";
import {
  aggregatorInit,
  operatorInit,
  operatorInitAction,
  type AggregatorArgs,
  type OperatorArgs,
} from "../../tasks/config-init.js";
import { deployLedgerSystem } from "../contracts/ledger-fixture.js";
import { captureTask } from "../helpers/capture.js";
import { deploymentDir, expectTaskError, testClient } from "../helpers/client.js";

const { ethers, networkHelpers, ignition } = await network.create();
const RPC = "http://127.0.0.1:8545";
/** A fresh directory for the files a test writes (the fixture's deployment directory is shared). */
const scratch = () => mkdtemp(path.join(tmpdir(), "por-init-"));

async function deployed() {
  const f = await deployLedgerSystem({ ethers, networkHelpers, ignition }, { operators: 0 });
  const addresses = {
    ledger: await f.ledger.getAddress(),
    registry: await f.registry.getAddress(),
    reserveRegistry: await f.reserveRegistry.getAddress(),
    adjudicator: await f.adjudicator.getAddress(),
    vault: await f.vault.getAddress(),
    attestations: await f.attestations.getAddress(),
  };
  return { ...f, addresses, dir: await deploymentDir(addresses) };
}

const operatorArgs = (out: string, over: Partial<OperatorArgs> = {}): OperatorArgs => ({
  out,
  db: "node-a.sqlite",
  rpcUrl: RPC,
  force: false,
  deployment: "",
  json: false,
  blobDir: "../blobs",
  eigendaUrl: "",
  aggregatorUrl: "http://127.0.0.1:8650",
  records: "",
  healthPort: 0,
  confirmations: 2,
  pollMs: 2000,
  startBlock: 0,
  ...over,
});
const aggregatorArgs = (out: string, over: Partial<AggregatorArgs> = {}): AggregatorArgs => ({
  out,
  db: "aggregator.sqlite",
  rpcUrl: RPC,
  force: false,
  deployment: "",
  json: false,
  port: 8650,
  host: "127.0.0.1",
  ...over,
});

describe("operator init and aggregator init", function () {
  it("write a node config from the deployment that the node's loader reads", async function () {
    const f = await networkHelpers.loadFixture(deployed);
    const { ctx, lines } = await testClient(ethers, "", f.dir);
    const root = await scratch();
    const file = path.join(root, "operator", "node-a.json");
    await operatorInit(
      ctx,
      operatorArgs(file, { records: "../verifier/verifier.db", healthPort: 8651, confirmations: 0, pollMs: 500 }),
    );
    expect(lines).to.deep.equal([`wrote ${file} (por.node-config, chain 31337, contracts of ${ctx.deployment.file})`]);
    const config = await readNodeConfig(file);
    expect(config).to.include({
      rpcUrl: RPC,
      chainId: 31337,
      ledger: f.addresses.ledger,
      registry: f.addresses.registry,
      reserveRegistry: f.addresses.reserveRegistry,
      adjudicator: f.addresses.adjudicator,
      aggregatorUrl: "http://127.0.0.1:8650",
      confirmations: 0,
      pollMs: 500,
      healthPort: 8651,
    });
    // Relative paths are the file's directory's, as the loader resolves them.
    expect(config.db).to.equal(path.join(root, "operator", "node-a.sqlite"));
    expect(config.blobDir).to.equal(path.join(root, "blobs"));
    expect(config.records).to.equal(path.join(root, "verifier", "verifier.db"));
    // The node checks the deployment's IAs by itself (on the consortium chain; other chains are added by hand).
    expect(config.interims?.attestations).to.equal(f.addresses.attestations);
    const written = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
    expect(written).to.not.have.property("startBlock");
    expect(await readdir(path.dirname(file))).to.deep.equal(["node-a.json"]);
  });

  it("write an aggregator config, and an EigenDA node config, with --json", async function () {
    const f = await networkHelpers.loadFixture(deployed);
    const { ctx, lines } = await testClient(ethers, "", f.dir, { json: true });
    const root = await scratch();
    const file = path.join(root, "aggregator.json");
    await aggregatorInit(ctx, aggregatorArgs(file, { port: 9650 }));
    ctx.out.flush();
    const json = JSON.parse(lines.join("\n")) as { file: string; config: Record<string, unknown> };
    expect(json.file).to.equal(file);
    expect(json.config).to.deep.equal(JSON.parse(await readFile(file, "utf8")));
    expect(await readAggregatorConfig(file)).to.include({
      ledger: f.addresses.ledger,
      registry: f.addresses.registry,
      vault: f.addresses.vault,
      port: 9650,
      chainId: 31337,
      db: path.join(root, "aggregator.sqlite"),
      attestations: f.addresses.attestations,
    });
    const node = path.join(root, "node-da.json");
    const eigenda = { blobDir: "", eigendaUrl: "http://127.0.0.1:3100", startBlock: 12 };
    await operatorInit(ctx, operatorArgs(node, eigenda));
    expect(await readNodeConfig(node)).to.include({ eigendaUrl: "http://127.0.0.1:3100", startBlock: 12 });
  });

  it("refuse an existing file unless --force, and then replace it", async function () {
    const f = await networkHelpers.loadFixture(deployed);
    const { ctx } = await testClient(ethers, "", f.dir);
    const root = await scratch();
    const file = path.join(root, "node.json");
    await writeFile(file, "hand-edited\n");
    await expectTaskError(operatorInit(ctx, operatorArgs(file)), `${file} already exists: pass --force to replace it`);
    expect(await readFile(file, "utf8")).to.equal("hand-edited\n");
    await operatorInit(ctx, operatorArgs(file, { force: true }));
    expect((await readNodeConfig(file)).ledger).to.equal(f.addresses.ledger);
    const aggregator = path.join(root, "aggregator.json");
    await aggregatorInit(ctx, aggregatorArgs(aggregator));
    await expectTaskError(aggregatorInit(ctx, aggregatorArgs(aggregator)), "already exists");
    expect((await readdir(root)).sort()).to.deep.equal(["aggregator.json", "node.json"]);
  });

  it("write nothing when a setting is wrong, naming the option or the file's field", async function () {
    const f = await networkHelpers.loadFixture(deployed);
    const { ctx } = await testClient(ethers, "", f.dir);
    const root = await scratch();
    const file = path.join(root, "node.json");
    await expectTaskError(
      operatorInit(ctx, operatorArgs(file, { blobDir: "" })),
      "give --blob-dir <dir> or --eigenda-url",
    );
    await expectTaskError(
      operatorInit(ctx, operatorArgs(file, { eigendaUrl: "http://127.0.0.1:3100" })),
      "give --blob-dir <dir> or --eigenda-url <url> (where the node fetches blobs), not both",
    );
    await expectTaskError(
      operatorInit(ctx, operatorArgs(file, { aggregatorUrl: undefined })),
      "--aggregator-url <url> is required",
    );
    await expectTaskError(operatorInit(ctx, operatorArgs(file, { db: "" })), "--db <node.sqlite> is required");
    await expectTaskError(operatorInit(ctx, operatorArgs(undefined as never)), "--out <node.json> is required");
    await expectTaskError(
      operatorInit(ctx, operatorArgs(file, { aggregatorUrl: "localhost:8650" })),
      `${file}: field aggregatorUrl: must be an http(s) URL`,
    );
    await expectTaskError(operatorInit(ctx, operatorArgs(file, { pollMs: 1 })), `${file}: field pollMs`);
    await expectTaskError(aggregatorInit(ctx, aggregatorArgs(file, { port: 70_000 })), `${file}: field port`);
    expect(await readdir(root)).to.deep.equal([]);
  });

  it("need every contract the service calls, with code, in the deployment", async function () {
    const f = await networkHelpers.loadFixture(deployed);
    const partial = await deploymentDir({ ledger: f.addresses.ledger, registry: f.addresses.registry });
    const p = await testClient(ethers, "", partial);
    const file = path.join(partial, "node.json");
    await expectTaskError(operatorInit(p.ctx, operatorArgs(file)), 'no "Consortium#ReserveRegistry"');
    await expectTaskError(aggregatorInit(p.ctx, aggregatorArgs(file)), 'no "Consortium#CollateralVault"');
    const wrong = await deploymentDir({ ...f.addresses, vault: f.member.address });
    const w = await testClient(ethers, "", wrong);
    await expectTaskError(
      aggregatorInit(w.ctx, aggregatorArgs(path.join(wrong, "a.json"))),
      `no contract at ${f.member.address}`,
    );
    expect(await readdir(partial)).to.deep.equal(["deployed_addresses.json"]);
  });

  it("as a task: needs --rpc-url on an in-process network, and exits 1 with one line", async function () {
    const f = await networkHelpers.loadFixture(deployed);
    const file = path.join(f.dir, "node.json");
    const r = await captureTask(() => operatorInitAction(operatorArgs(file, { rpcUrl: "", deployment: f.dir }), hre));
    expect(r).to.deep.equal({
      code: 1,
      out: "operator init: --rpc-url <url> is required: this network runs in-process (no URL)",
    });
  });
});
