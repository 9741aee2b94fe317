// The user's web page in real Chromium (Debian's, driven by playwright-core) against the consortium on a local
// JSON-RPC chain and the verifier service that serves the page: a valid record (VALID, every check), a tampered one
// (which checks fail), forwarding (the service stores it), a bad file and a bad setting (errors say what to do), and
// for the user the member left out, the LeafMismatch32 proof built in the browser with snarkjs, submitted through an
// injected EIP-1193 wallet, verified on-chain, and the claim booked and shown. The page requests nothing but the RPC
// and the verifier. Screenshots of each state go to reports/web-page/.
import { readFile } from "node:fs/promises";
import { join } from "node:path";

import { expect } from "chai";
import { Contract, JsonRpcProvider } from "ethers";
import type { Page } from "playwright-core";

import { bookedClaim } from "../../src/consortium/claims.js";
import { ADJUDICATOR_ABI } from "../../src/generated/abi.js";
import { parseFraudProofFile } from "../../src/prover/files.js";
import { forwardedFromRecordFile } from "../../src/verifier-service/forwarded.js";
import { recordMessage, recordNullifier } from "../../src/records/index.js";
import { recordOf } from "../../src/records/file.js";
import { SCREENSHOT_DIR, startWebWorld, tamperedText, type WebWorld } from "./fixture.js";

/** Pastes a record's text and presses "Check my record"; waits for the verdict. */
async function check(page: Page, text: string, mine: { account?: string; payout?: string } = {}) {
  await page.fill("#record-text", text);
  await page.fill("#account", mine.account ?? "");
  await page.fill("#payout", mine.payout ?? "");
  await page.click("#check");
  await page.waitForSelector("#verdict[data-state=done], #verdict[data-state=error]");
  return {
    state: await page.getAttribute("#verdict", "data-state"),
    ok: await page.getAttribute("#verdict", "data-ok"),
    text: (await page.textContent("#verdict")) ?? "",
    checks: await page.$$eval("#checks li", (lis: { getAttribute(name: string): string | null }[]) =>
      lis.map((li) => ({ name: li.getAttribute("data-name"), ok: li.getAttribute("data-ok") === "true" })),
    ),
  };
}

describe("web page in Chromium", function () {
  this.timeout(600_000);
  let w: WebWorld;
  const requests: string[] = [];
  const watch = (p: Page) => p.on("request", (r) => requests.push(r.url()));

  before(async function () {
    w = await startWebWorld();
  });
  after(async function () {
    await w?.close();
  });

  it("is served at / with CORS on the public endpoints, none on the operator ones", async function () {
    const res = await fetch(`${w.service.url}/`);
    expect(res.status).to.equal(200);
    expect(res.headers.get("content-type")).to.match(/^text\/html/);
    expect(res.headers.get("access-control-allow-origin")).to.equal("*");
    const pre = await fetch(`${w.service.url}/records`, {
      method: "OPTIONS",
      headers: { origin: "http://example.test", "access-control-request-method": "POST" },
    });
    expect(pre.status).to.equal(204);
    expect(pre.headers.get("access-control-allow-headers")).to.equal("content-type");
    expect((await fetch(`${w.service.url}/requests`)).headers.get("access-control-allow-origin")).to.equal(null);
    const dep = (await (await fetch(`${w.service.url}/deployment`)).json()) as { ledger: string };
    expect(dep.ledger).to.equal(w.ledger);
    expect((await fetch(`${w.service.url}/circuits/LeafMismatch32.vkey.json`)).status).to.equal(200);
    expect((await fetch(`${w.service.url}/circuits/Nope.wasm`)).status).to.equal(404);
    expect(w.page.totalBytes).to.be.below(2 * 1024 * 1024);
  });

  it("serves the committed DA blob by its digest, and refuses a bad query or an unknown blob", async function () {
    const digest = w.fraud.commitment.blobDigest;
    const q = `member=${w.member.toLowerCase()}&asset=1&t=${w.t2}`;
    const res = await fetch(`${w.service.url}/blobs/${digest}?${q}`);
    expect(res.status).to.equal(200);
    expect(res.headers.get("access-control-allow-origin")).to.equal("*");
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(bytes).to.deep.equal(new Uint8Array(await readFile(w.fraud.publishedLeavesFile)));
    const bad = async (url: string) => {
      const r = await fetch(`${w.service.url}${url}`);
      return { status: r.status, body: (await r.json()) as { error: { code: string; message: string } } };
    };
    const noT = await bad(`/blobs/${digest}?member=${w.member}&asset=1`);
    expect(noT.status).to.equal(400);
    expect(noT.body.error.message).to.match(/^query parameter t: /);
    expect((await bad(`/blobs/${digest}?member=0x12&asset=1&t=1`)).body.error.message).to.match(/parameter member/);
    expect((await bad(`/blobs/${digest}?${q.replace(/t=[0-9]+/, "t=18446744073709551616")}`)).status).to.equal(400);
    const unknown = await bad(`/blobs/0x${"ab".repeat(32)}?${q}`);
    expect(unknown.status).to.equal(404);
    expect(unknown.body.error.message).to.match(/is not in the local store/);
    expect((await fetch(`${w.service.url}/blobs/0x1234?${q}`)).status).to.equal(404);
  });

  it("checks a valid record against the chain: VALID, every check passed", async function () {
    const page = await w.open();
    watch(page);
    await page.waitForSelector("#settings-status[data-state=done]");
    expect(await page.inputValue("#ledger")).to.equal(w.ledger);
    const alice = w.records.get("alice@t1");
    if (alice === undefined) throw new Error("no alice@t1");
    const v = await check(page, await readFile(alice.path, "utf8"), { account: "alice" });
    await page.screenshot({ path: join(SCREENSHOT_DIR, "1-valid.png"), fullPage: true });
    expect(v.ok, v.text).to.equal("true");
    expect(v.text).to.match(/^VALID: your balance of 2000000000000000000 base units/);
    expect(v.checks.map((c) => c.name)).to.include.members(["registered key", "published root", "inclusion"]);
    expect(v.checks.every((c) => c.ok)).to.equal(true);
    expect(await page.textContent("#onchain")).to.contain(`root ${w.honest.honestRootHash}`);
    expect(await page.isHidden("#fraud")).to.equal(true);
    await page.context().close();
  });

  it("fits a phone-sized screen (390 x 844): nothing wider than the viewport, the verdict readable", async function () {
    const page = await w.open();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForSelector("#settings-status[data-state=done]");
    const alice = w.records.get("alice@t1");
    if (alice === undefined) throw new Error("no alice@t1");
    const v = await check(page, await readFile(alice.path, "utf8"), { account: "alice" });
    expect(v.ok, v.text).to.equal("true");
    await page.screenshot({ path: join(SCREENSHOT_DIR, "8-phone.png"), fullPage: true });
    const width = Number(await page.evaluate("document.documentElement.scrollWidth"));
    expect(width).to.be.at.most(390);
    await page.context().close();
  });

  it("names the failing checks of a tampered record, and says what a bad file or setting is", async function () {
    const page = await w.open();
    watch(page);
    const alice = w.records.get("alice@t1");
    if (alice === undefined) throw new Error("no alice@t1");
    const raised = await tamperedText(alice.path, (j) => {
      (j.record as { balance: string }).balance = "2000000000000000001";
    });
    const v = await check(page, raised);
    await page.screenshot({ path: join(SCREENSHOT_DIR, "2-tampered.png"), fullPage: true });
    expect(v.ok).to.equal("false");
    const failed = v.checks.filter((c) => !c.ok).map((c) => c.name);
    expect(failed).to.include.members(["message", "signature", "leaf"]);
    expect(v.text).to.match(/^INVALID: .*This file is not a record signed by the member/);

    // Another account's record, checked as alice's.
    const bob = w.records.get("bob@t1");
    if (bob === undefined) throw new Error("no bob@t1");
    const other = await check(page, await readFile(bob.path, "utf8"), { account: "alice" });
    expect(other.checks.filter((c) => !c.ok).map((c) => c.name)).to.deep.equal(["account"]);
    expect(other.text).to.match(/^INVALID: this record is about another account \("bob"\), not yours\./);

    // Not a record file at all; then a bad RPC URL.
    const bad = await check(page, '{"format": "por.record", "version": 2}');
    expect(bad.state).to.equal("error");
    expect(bad.text).to.match(/record file, field accountId: .*not a valid por\.record file/);
    await page.screenshot({ path: join(SCREENSHOT_DIR, "3-bad-file.png"), fullPage: true });
    await page.fill("#rpc-url", "not a url");
    const url = await check(page, await readFile(alice.path, "utf8"));
    expect(url.text).to.equal('The chain RPC URL must be an http(s) URL, got "not a url"');
    await page.context().close();
  });

  it("forwards a record with one click: the verifier stores it, without the account id", async function () {
    const page = await w.open();
    watch(page);
    const carol = w.records.get("carol@t1");
    if (carol === undefined) throw new Error("no carol@t1");
    await check(page, await readFile(carol.path, "utf8"));
    await page.click("#forward");
    await page.waitForSelector("#forward-status[data-state=done], #forward-status[data-state=error]");
    await page.screenshot({ path: join(SCREENSHOT_DIR, "4-forwarded.png"), fullPage: true });
    const status = (await page.textContent("#forward-status")) ?? "";
    expect(status).to.match(/the verifier stored your record .*"accepted":1/);
    const nullifier = recordNullifier(
      (i) => w.crypto.poseidon(i),
      recordMessage((i) => w.crypto.poseidon(i), recordOf(carol.file)),
    );
    const row = await w.store.getRecord(nullifier.toString());
    expect(row, "stored").to.not.equal(undefined);
    expect(JSON.stringify(row)).to.not.contain("carol");
    expect(carol.file.accountSalt).to.not.equal(undefined);
    expect(JSON.stringify(forwardedFromRecordFile(carol.file))).to.not.contain(carol.file.accountSalt);
    await page.context().close();
  });

  it("proves the omitted user's fraud in the browser, submits it with the wallet, and shows the booked claim", async function () {
    const page = await w.open({ wallet: true });
    watch(page);
    const bob = w.records.get("bob@t2");
    if (bob === undefined) throw new Error("no bob@t2");
    const v = await check(page, await readFile(bob.path, "utf8"), { account: "bob", payout: w.payout });
    expect(v.ok).to.equal("false");
    expect(v.checks.filter((c) => !c.ok).map((c) => c.name)).to.deep.equal(["published root"]);
    expect(await page.isVisible("#fraud")).to.equal(true);
    expect(await page.inputValue("#circuit-url")).to.equal(`${w.service.url}/circuits/LeafMismatch32`);
    await page.screenshot({ path: join(SCREENSHOT_DIR, "5-contradicted.png"), fullPage: true });

    // A file that is no leaves payload is refused in words; without a file the page fetches the committed blob from
    // the verifier service (and checks its keccak256 against the committed digest).
    await page.setInputFiles("#leaves-file", {
      name: "junk.bin",
      mimeType: "application/octet-stream",
      buffer: Buffer.from("junk"),
    });
    await page.click("#prove");
    await page.waitForSelector("#prove-status[data-state=error]", { timeout: 60_000 });
    expect(await page.textContent("#prove-status")).to.match(/the leaves file cannot be read/);
    await page.setInputFiles("#leaves-file", []);
    const started = Date.now();
    await page.click("#prove");
    await page.waitForSelector("#prove-status[data-state=done], #prove-status[data-state=error]", { timeout: 300_000 });
    const proveText = (await page.textContent("#prove-status")) ?? "";
    expect(proveText, proveText).to.match(/^Fraud proven \(missing-user-/);
    const proveMs = Number(await page.getAttribute("#prove-status", "data-prove-ms"));
    console.log(`      Groth16 LeafMismatch32 in Chromium: ${proveMs} ms (whole click ${Date.now() - started} ms)`);
    await page.screenshot({ path: join(SCREENSHOT_DIR, "6-proven.png"), fullPage: true });

    // The saved file is what `fraud submit` reads.
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#save-proof")]);
    const saved = parseFraudProofFile(await readFile((await download.path()) ?? "", "utf8"), "fraud-proof.json");
    expect(saved.publicSignals.claim).to.equal(bob.file.record.balance);
    expect(saved.publicSignals.payoutHash).to.equal(bob.file.record.payoutHash);

    await page.click("#submit-wallet");
    await page.waitForSelector("#claim-status[data-state=done], #submit-status[data-state=error]", {
      timeout: 120_000,
    });
    const submitted = (await page.textContent("#submit-status")) ?? "";
    expect(submitted, submitted).to.match(/^submitted from /);
    await page.screenshot({ path: join(SCREENSHOT_DIR, "7-claim.png"), fullPage: true });
    expect(await page.textContent("#claim-status")).to.match(
      new RegExp(
        `^Claim booked: ${bob.file.record.balance} base units of asset 1 against member ${w.member}, round 1, status open`,
      ),
    );
    expect(await page.textContent("#claim-collect")).to.match(/npx hardhat claim pay .*--proof fraud-proof\.json/);

    // On-chain: the proof verified (FraudProven), the set is fraudulent, the claim is booked to bob's payout.
    const provider = new JsonRpcProvider(w.rpcUrl, undefined, { batchMaxCount: 1 });
    try {
      const claim = await bookedClaim(provider, w.adjudicator, w.member, BigInt(saved.publicSignals.nullifier));
      expect(claim?.terms.claim).to.equal(BigInt(bob.file.record.balance));
      expect(claim?.terms.payoutHash).to.equal(BigInt(bob.file.record.payoutHash));
      expect(claim?.prover).to.equal(w.prover);
      const adj = new Contract(w.adjudicator, ADJUDICATOR_ABI, provider);
      expect(await adj.getFunction("isNullifierSpent")(w.member, BigInt(saved.publicSignals.nullifier))).to.equal(true);
    } finally {
      provider.destroy();
    }
    // Checked again, the record now says the commitment was proven fraudulent.
    await page.evaluate('document.getElementById("claim-status").dataset.state = ""');
    await check(page, await readFile(bob.path, "utf8"));
    expect(await page.textContent("#onchain")).to.contain("PROVEN FRAUDULENT");
    expect(await page.isHidden("#fraud")).to.equal(true);
    // ... and shows the claim booked under its nullifier, whoever submitted the proof.
    await page.waitForSelector("#claim-status[data-state=done]");
    expect(await page.textContent("#claim-status")).to.match(/^Claim booked: /);
    await page.context().close();
  });

  it("requested nothing but the verifier service and the RPC endpoint", function () {
    expect(requests.length).to.be.greaterThan(10);
    const foreign = requests.filter(
      (u) => !u.startsWith(`${w.service.url}/`) && !u.startsWith(`${w.rpcUrl}`) && !u.startsWith("blob:"),
    );
    expect(foreign).to.deep.equal([]);
  });
});
