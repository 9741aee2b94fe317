// The user's web page (issue 17): its bundle size against the 2 MB budget (the circuit's wasm and zkey are fetched
// separately), the time to check a record in Chromium (from the click to the verdict, with and without the two chain
// reads), and the time to build the LeafMismatch32 proof in Chromium with snarkjs. Baselines measured in the same run:
// the same checks (verifyRecordFile) and the same proof (proveFraud) in Node on this machine.
import { readFile } from "node:fs/promises";
import { loadavg } from "node:os";

import type { Page } from "playwright-core";

import { releaseCurves } from "../src/circuits/index.js";
import { loadCrypto } from "../src/crypto/index.js";
import { proveFraud, readSignedRecord, slotPathFromLeaves } from "../src/prover/index.js";
import { parseRecordFile, verifyRecordFile } from "../src/records/file.js";
import { WEB_BUDGET_BYTES } from "../src/web/build.js";
import { startWebWorld } from "../test/web/fixture.js";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (v: number) => `${v.toFixed(v < 10 ? 2 : 0)} ms`;
const kb = (b: number) => `${(b / 1024).toFixed(0)} KiB`;

async function checkOnce(page: Page, text: string): Promise<number> {
  await page.fill("#record-text", text);
  await page.evaluate('document.getElementById("verdict").dataset.state = ""');
  const t0 = performance.now();
  await page.click("#check");
  await page.waitForSelector("#verdict[data-state=done]");
  return performance.now() - t0;
}

/** Runs the benchmark; returns a markdown section. */
export default async function run(opts: { quick: boolean }): Promise<string> {
  const runs = opts.quick ? 3 : 15;
  const proofs = opts.quick ? 1 : 3;
  const load0 = loadavg();
  const w = await startWebWorld();
  try {
    const alice = w.records.get("alice@t1");
    const bob = w.records.get("bob@t2");
    if (alice === undefined || bob === undefined) throw new Error("the bench's records are missing");
    const aliceText = await readFile(alice.path, "utf8");

    // Node baselines: the checks, on the JS backend (what a user's CLI without the native addon runs) and the default.
    const nodeVerify: Record<string, number> = {};
    for (const backend of ["js", "auto"] as const) {
      const crypto = await loadCrypto({ backend, threads: 0 });
      const times: number[] = [];
      for (let i = 0; i < runs + 2; i++) {
        const t0 = performance.now();
        const v = verifyRecordFile(crypto, parseRecordFile(aliceText));
        times.push(performance.now() - t0);
        if (!v.ok) throw new Error("the bench's record does not verify");
      }
      nodeVerify[`${backend} (${crypto.backend})`] = median(times.slice(2));
      await crypto.close();
    }

    const page = await w.open({ wallet: false });
    await page.waitForSelector("#settings-status[data-state=done]");
    const rpc = await page.inputValue("#rpc-url");
    await checkOnce(page, aliceText); // warm-up
    const withChain: number[] = [];
    for (let i = 0; i < runs; i++) withChain.push(await checkOnce(page, aliceText));
    await page.fill("#rpc-url", "");
    const offline: number[] = [];
    for (let i = 0; i < runs; i++) offline.push(await checkOnce(page, aliceText));
    await page.fill("#rpc-url", rpc);

    // Proving in Chromium: check bob's record, then build the proof (circuit files from the verifier service).
    const browserProve: number[] = [];
    const browserClick: number[] = [];
    for (let i = 0; i < proofs; i++) {
      await checkOnce(page, await readFile(bob.path, "utf8"));
      await page.setInputFiles("#leaves-file", w.fraud.publishedLeavesFile);
      await page.evaluate('document.getElementById("prove-status").dataset.state = ""');
      const t0 = performance.now();
      await page.click("#prove");
      await page.waitForSelector("#prove-status[data-state=done]", { timeout: 300_000 });
      browserClick.push(performance.now() - t0);
      browserProve.push(Number(await page.getAttribute("#prove-status", "data-prove-ms")));
    }
    await page.context().close();

    // Node baseline: the same proof with snarkjs in Node (src/prover), warm after the first.
    const record = await readSignedRecord(bob.path);
    const { path, rootHash } = await slotPathFromLeaves(w.fraud.publishedLeavesFile, record.slot);
    const nodeProve: number[] = [];
    for (let i = 0; i < proofs + 1; i++) {
      const { timings } = await proveFraud({ record, path, expectedRoot: rootHash });
      nodeProve.push(timings.witnessAndProve);
    }
    await releaseCurves();
    const nodeWarm = median(nodeProve.slice(1));

    const load1 = loadavg();
    const app = w.page.files.find((f) => f.name === "app.js")?.bytes ?? 0;
    const lines = [
      "## web",
      "",
      "The user's page (web/, `hardhat web build`; esbuild 0.28.2, minified) in Debian's Chromium " +
        `(headless, playwright-core), against the in-process chain behind a loopback JSON-RPC endpoint.`,
      "",
      "| measure | value | baseline (same run) | ratio | goal |",
      "|---|---:|---:|---:|---|",
      `| page size (index.html + app.js) | ${kb(w.page.totalBytes)} | budget ${kb(WEB_BUDGET_BYTES)} | ` +
        `${(w.page.totalBytes / WEB_BUDGET_BYTES).toFixed(2)} | < 2 MB without the zkey: ` +
        `${w.page.totalBytes < WEB_BUDGET_BYTES ? "met" : "NOT met"} |`,
      `| check a record in Chromium, no chain reads (median of ${runs}) | ${ms(median(offline))} | ` +
        `${ms(nodeVerify["js (js)"])} in Node, JS backend | ${(median(offline) / nodeVerify["js (js)"]).toFixed(1)}x | |`,
      `| check a record in Chromium, with the root and key read from the chain (median of ${runs}) | ` +
        `${ms(median(withChain))} | | | |`,
      `| LeafMismatch32 Groth16 proof in Chromium (witness + prove, median of ${proofs}) | ` +
        `${ms(median(browserProve))} | ${ms(nodeWarm)} in Node (snarkjs, warm) | ` +
        `${(median(browserProve) / nodeWarm).toFixed(1)}x | |`,
      `| the whole "Build the fraud proof" click (tree rebuild, 18 MB download, prove, verify) | ` +
        `${ms(median(browserClick))} | | | |`,
      "",
      `Node checks on the default backend: ${Object.entries(nodeVerify)
        .map(([k, v]) => `${k} ${ms(v)}`)
        .join(", ")}. app.js is ${kb(app)}; its largest inputs: ` +
        w.page.largestInputs
          .slice(0, 6)
          .map((x) => `${x.input} ${kb(x.bytes)}`)
          .join(", ") +
        ".",
      "",
      `Load average: ${load0.map((x) => x.toFixed(1)).join(", ")} at the start, ` +
        `${load1.map((x) => x.toFixed(1)).join(", ")} at the end (2 shared cores).`,
    ];
    return lines.join("\n");
  } finally {
    await w.close();
  }
}
