// The command line for the same user as the web page: `record forward --verifier-url` sends the record to the verifier
// service (which stores it), and `fraud prove --blob-dir` fetches the leaves it needs from the DA layer by the digest
// the member committed (no leaves file handed over), proves, and refuses in words when the store lacks the blob.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { JsonRpcProvider } from "ethers";

import { LocalBlobStore } from "../../src/blobstore/index.js";
import { releaseCurves } from "../../src/circuits/index.js";
import { TaskError, TaskOutput } from "../../src/client/index.js";
import { parseFraudProofFile } from "../../src/prover/files.js";
import { recordMessage, recordNullifier } from "../../src/records/index.js";
import { recordOf } from "../../src/records/file.js";
import { fraudProve, type Args as ProveArgs } from "../../tasks/prove-fraud.js";
import { recordForward } from "../../tasks/record-forward.js";
import { startWebWorld, type WebWorld } from "./fixture.js";

async function run(body: (out: TaskOutput) => Promise<void>) {
  const lines: string[] = [];
  const out = new TaskOutput(true, (l) => lines.push(l));
  await body(out);
  out.flush();
  return { json: JSON.parse(lines.join("\n")) as Record<string, unknown>, failed: out.failed };
}

describe("the user's command line (record forward --verifier-url, fraud prove from the DA layer)", function () {
  this.timeout(600_000);
  let w: WebWorld;
  let dir: string;
  let provider: JsonRpcProvider;
  before(async function () {
    w = await startWebWorld();
    dir = await mkdtemp(join(tmpdir(), "por-web-cli-"));
    provider = new JsonRpcProvider(w.rpcUrl, undefined, { batchMaxCount: 1 });
  });
  after(async function () {
    // snarkjs keeps worker threads for its curve: release them so the test process can exit.
    await releaseCurves();
    provider?.destroy();
    await w?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("record forward --verifier-url: the service stores the record", async function () {
    const dave = w.records.get("dave@t1");
    if (dave === undefined) throw new Error("no dave@t1");
    const r = await run((out) => recordForward(out, { file: dave.path, verifierUrl: w.service.url, json: true }));
    expect(r.failed).to.equal(false);
    expect(r.json.status).to.equal(200);
    expect((r.json.answer as { accepted: number }).accepted).to.equal(1);
    const poseidon = (i: readonly bigint[]) => w.crypto.poseidon(i);
    const nullifier = recordNullifier(poseidon, recordMessage(poseidon, recordOf(dave.file)));
    expect(await w.store.getRecord(nullifier.toString())).to.not.equal(undefined);
    let refused: unknown;
    try {
      await recordForward(new TaskOutput(true, () => {}), {
        file: dave.path,
        to: "http://127.0.0.1:1",
        verifierUrl: w.service.url,
        json: true,
      });
    } catch (e) {
      refused = e;
    }
    expect(refused).to.be.instanceOf(TaskError);
    expect((refused as Error).message).to.equal("--to and --verifier-url name two different verifiers: give one");
  });

  it("fraud prove --blob-dir fetches the committed leaves by their digest and proves", async function () {
    const bob = w.records.get("bob@t2");
    if (bob === undefined) throw new Error("no bob@t2");
    const blobs = join(dir, "blobs");
    const args = (over: Partial<ProveArgs>): ProveArgs => ({
      record: bob.path,
      out: join(dir, "fraud-proof.json"),
      blobDir: blobs,
      json: true,
      ...over,
    });
    const chain = { provider, ledger: w.ledger };
    // An empty store: refused in words, nothing written.
    let missing: unknown;
    try {
      await fraudProve(new TaskOutput(true, () => {}), args({}), chain);
    } catch (e) {
      missing = e;
    }
    expect((missing as Error).message).to.match(/^blob 0x[0-9a-f]{64} is not in the local store /);
    expect(await readFile(join(dir, "fraud-proof.json")).catch(() => undefined)).to.equal(undefined);

    await new LocalBlobStore(blobs).put(await readFile(w.fraud.publishedLeavesFile));
    const r = await run((out) => fraudProve(out, args({}), chain));
    expect(r.json.blobDigest).to.equal(w.fraud.commitment.blobDigest);
    expect(r.json.kind).to.match(/^missing-user-/);
    const file = parseFraudProofFile(await readFile(join(dir, "fraud-proof.json"), "utf8"));
    expect(file.publicSignals.claim).to.equal(bob.file.record.balance);
    expect(file.publicSignals.rootHash).to.equal(w.fraud.commitment.rootHash.toString());

    // Two sources at once, or none, are refused.
    let both: unknown;
    try {
      await fraudProve(new TaskOutput(true, () => {}), args({ leaves: w.fraud.publishedLeavesFile }), chain);
    } catch (e) {
      both = e;
    }
    expect((both as Error).message).to.match(/^give exactly one of --leaves/);
  });
});
