// The page's checks and `record verify`'s agree, record by record, on the record test vectors: every record file of
// two real snapshots (one committed honestly, one omitting a user), every decimal field of a record file changed by
// one digit, a record forged under a small-order key, payout openings removed or wrong, another account's record,
// a wrong payout address, a version 1 file and a file that is not JSON. The page runs in Chromium against the chain;
// the CLI side is the task body of `record verify` (tasks/verify-record.ts) with the values its `--chain` reads
// (publishedTree, src/consortium/published.ts) for the vector's own (member, asset, t). Both must give the same verdict
// (every check, its detail and the summary), or the same error.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { JsonRpcProvider } from "ethers";
import type { Page } from "playwright-core";

import { TaskOutput } from "../../src/client/index.js";
import { publishedTree, type PublishedTree } from "../../src/consortium/published.js";
import { recordKeyHash } from "../../src/records/index.js";
import { recordVerify } from "../../tasks/verify-record.js";
import { forgeUnderOrder8, ORDER8 } from "../helpers/weak-keys.js";
import { startWebWorld, type WebWorld } from "./fixture.js";

interface Vector {
  name: string;
  text: string;
  account?: string;
  payout?: string;
}

/** The CLI's answer: its JSON verdict, or the error it exits with. */
async function cli(
  w: WebWorld,
  provider: JsonRpcProvider,
  dir: string,
  v: Vector,
): Promise<{ verdict?: unknown; error?: string }> {
  // Named as the page names a pasted file, so the errors (which name the file) read the same.
  const path = join(dir, "record file");
  await writeFile(path, v.text);
  let published: PublishedTree | undefined;
  let chainError: string | undefined;
  try {
    const r = (JSON.parse(v.text) as { record?: { member?: string; asset?: number; t?: string } }).record;
    if (r?.member !== undefined && r.asset !== undefined && r.t !== undefined && /^[0-9]+$/.test(r.t)) {
      published = await publishedTree(
        provider,
        { ledger: w.ledger, registry: w.registry },
        r.member,
        r.asset,
        BigInt(r.t),
      );
    }
  } catch (e) {
    chainError = (e as Error).message;
  }
  const lines: string[] = [];
  const out = new TaskOutput(true, (l) => lines.push(l));
  try {
    await recordVerify(w.crypto, out, {
      file: path,
      chain: false,
      rootHash: published?.root.h.toString(),
      rootSum: published?.root.s.toString(),
      keyHash: published?.keyHash.toString(),
      account: v.account,
      payout: v.payout,
      json: true,
    });
  } catch (e) {
    return { error: (e as Error).message };
  }
  if (chainError !== undefined) return { error: chainError };
  out.flush();
  const json = JSON.parse(lines.join("\n")) as { ok: boolean; checks: unknown; summary: string };
  return { verdict: { ok: json.ok, checks: json.checks, summary: json.summary } };
}

/** The page's answer. */
async function browser(page: Page, v: Vector): Promise<{ verdict?: unknown; error?: string }> {
  await page.fill("#record-text", v.text);
  await page.fill("#account", v.account ?? "");
  await page.fill("#payout", v.payout ?? "");
  await page.evaluate('document.getElementById("verdict").dataset.state = ""');
  await page.click("#check");
  await page.waitForSelector("#verdict[data-state=done], #verdict[data-state=error]");
  if ((await page.getAttribute("#verdict", "data-state")) === "error") {
    return { error: (await page.textContent("#verdict")) ?? "" };
  }
  return { verdict: JSON.parse((await page.getAttribute("#verdict", "data-verdict")) ?? "null") };
}

/** Every decimal string and number of a JSON value, as paths. */
function numericPaths(o: unknown, p: string[] = [], out: string[][] = []): string[][] {
  if (typeof o === "string" && /^[0-9]+$/.test(o)) out.push(p);
  else if (typeof o === "number") out.push(p);
  else if (o !== null && typeof o === "object") for (const [k, v] of Object.entries(o)) numericPaths(v, [...p, k], out);
  return out;
}

/** The text with the value at `path` changed: its last digit plus one (numbers plus one). */
function bump(text: string, path: string[]): string {
  const json = JSON.parse(text) as Record<string, unknown>;
  let o = json;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string, unknown>;
  const last = path[path.length - 1];
  const v = o[last];
  o[last] =
    typeof v === "number" ? v + 1 : `${(v as string).slice(0, -1)}${(Number((v as string).slice(-1)) + 1) % 10}`;
  return JSON.stringify(json, null, 2);
}

describe("web page and record verify agree on the record test vectors", function () {
  this.timeout(900_000);
  let w: WebWorld;
  let dir: string;
  before(async function () {
    w = await startWebWorld();
    dir = await mkdtemp(join(tmpdir(), "por-web-vectors-"));
  });
  after(async function () {
    await w?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("gives the same verdict or error for every vector", async function () {
    const vectors: Vector[] = [];
    for (const [key, r] of w.records) {
      const account = key.split("@")[0];
      const text = await readFile(r.path, "utf8");
      vectors.push({ name: key, text });
      vectors.push({ name: `${key} as its account`, text, account, payout: r.file.payout?.address });
    }
    const alice = w.records.get("alice@t1");
    const bob = w.records.get("bob@t2");
    if (alice === undefined || bob === undefined) throw new Error("missing vectors");
    const aliceText = await readFile(alice.path, "utf8");
    const bobText = await readFile(bob.path, "utf8");
    for (const path of numericPaths(JSON.parse(aliceText))) {
      vectors.push({ name: `alice@t1 ${path.join(".")}+1`, text: bump(aliceText, path), account: "alice" });
    }
    for (const path of numericPaths(JSON.parse(bobText)).filter((p) => p[0] === "payout" || p[0] === "record")) {
      vectors.push({ name: `bob@t2 ${path.join(".")}+1`, text: bump(bobText, path), account: "bob", payout: w.payout });
    }
    const bobJson = JSON.parse(bobText) as Record<string, unknown>;
    vectors.push({ name: "bob without payout opening", text: JSON.stringify({ ...bobJson, payout: null }) });
    vectors.push({ name: "bob@t2 for another payout", text: bobText, payout: w.registry });
    vectors.push({ name: "alice@t1 as bob", text: aliceText, account: "bob" });
    const aliceJson = JSON.parse(aliceText) as { message: string; recordKey: object };
    const sig = forgeUnderOrder8(BigInt(aliceJson.message));
    const weakHash = recordKeyHash((i) => w.crypto.poseidon(i), ORDER8[0], ORDER8[1]);
    vectors.push({
      name: "forged under a small-order key",
      text: JSON.stringify({
        ...aliceJson,
        signature: { R8x: sig.R8x.toString(), R8y: sig.R8y.toString(), S: sig.S.toString() },
        recordKey: { Ax: ORDER8[0].toString(), Ay: ORDER8[1].toString(), keyHash: weakHash.toString() },
      }),
    });
    vectors.push({ name: "version 1", text: JSON.stringify({ ...aliceJson, version: 1 }) });
    vectors.push({ name: "not JSON", text: "{ this is not json" });
    expect(vectors.length).to.be.greaterThan(90);

    const page = await w.open();
    await page.waitForSelector("#settings-status[data-state=done]");
    const provider = new JsonRpcProvider(w.rpcUrl, undefined, { batchMaxCount: 1 });
    const outcomes = { valid: 0, invalid: 0, error: 0 };
    try {
      for (const v of vectors) {
        const [fromCli, fromPage] = [await cli(w, provider, dir, v), await browser(page, v)];
        if (fromCli.error !== undefined) {
          outcomes.error++;
          expect(fromPage.error, v.name).to.be.a("string");
          expect(fromPage.error, v.name).to.contain(fromCli.error);
        } else {
          expect(fromPage, v.name).to.deep.equal(fromCli);
          if ((fromCli.verdict as { ok: boolean }).ok) outcomes.valid++;
          else outcomes.invalid++;
        }
      }
    } finally {
      provider.destroy();
      await page.context().close();
    }
    console.log(
      `      ${vectors.length} vectors: ${outcomes.valid} valid, ${outcomes.invalid} invalid, ${outcomes.error} refused`,
    );
    expect(outcomes.valid).to.be.greaterThan(5);
    expect(outcomes.invalid).to.be.greaterThan(40);
    expect(outcomes.error).to.be.greaterThan(1);
  });
});
