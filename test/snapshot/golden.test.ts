// The snapshot's outputs, byte for byte (issue 18): a 3,000-user ledger in two assets under fixed member keys gives
// the same summary, leaves payloads, records bundles and per-user record files (SHA-256 of each) as the pipeline did
// before the faster paths (native SHA-256/HMAC and keccak256 batches, the hand-written CSV reader, salts as bytes):
// the digests below were taken from the code of main at cb5f903. Both backends (native when built, and JS) are held
// to the same digests.
import { createHash } from "node:crypto";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { getAddress } from "ethers";

import { loadCrypto, type Crypto } from "../../src/crypto/index.js";
import { nativeUnavailableReason } from "../../src/crypto/native.js";
import { runSnapshot } from "../../src/snapshot/index.js";

const sha = (b: Uint8Array | string) => createHash("sha256").update(b).digest("hex");

/** A ledger of `n` users over two assets: ASCII, UTF-8 and quoted ids, payouts lowercase, checksummed, or none. */
function goldenLedger(n: number): string {
  const rows = ["account_id,asset,balance,payout"];
  for (let i = 0; i < n; i++) {
    const asset = i % 3 === 0 ? "USDC" : "BTC";
    const id = i % 97 === 0 ? `"user,${i} ""q"""` : i % 89 === 0 ? `用户-${i}-é` : `user-${i}`;
    const addr = "0x" + createHash("sha256").update(`payout-${i}`).digest("hex").slice(0, 40);
    const payout =
      i % 4 === 0 ? "" : i % 4 === 1 ? addr : i % 4 === 2 ? getAddress(addr) : addr.toUpperCase().replace("0X", "0x");
    const balance = i % 500 === 0 ? "79228162514264337593543950335" : String((i * 7919) % 1000000007);
    rows.push(`${id},${asset},${balance},${payout}`);
  }
  return rows.join("\n") + "\n";
}

/** SHA-256 of every file of a snapshot directory, by relative path. */
async function digests(dir: string, prefix = ""): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) Object.assign(out, await digests(p, `${prefix}${e.name}/`));
    else out[`${prefix}${e.name}`] = sha(await readFile(p));
  }
  return out;
}

/** The digests of a run: the named files, and the record files as one digest over "name digest" lines. */
async function summarize(dir: string): Promise<Record<string, string>> {
  const all = await digests(dir);
  const out: Record<string, string> = {};
  const records: string[] = [];
  for (const [k, v] of Object.entries(all)) {
    if (k.startsWith("records/")) records.push(`${k} ${v}`);
    else out[k] = v;
  }
  out["records/*"] = sha(records.join("\n"));
  out["records/count"] = String(records.length);
  return out;
}

const GOLDEN: Record<string, string> = {
  "leaves-1.bin": "179ceadd181a636dbc2795bc1a9e91b9b9745e6cb3379e61c8ea13cf8577139c",
  "leaves-7.bin": "10d56b32e7e90428d8b25632c5046919436317ba35b3d37552a23ef5bd8a6cdc",
  "records-1.bundle": "95d653469853f950c7a2bc7af0248d20a87249c1469daf389b5edf42d419e73e",
  "records-7.bundle": "24ac1c5acf02d24e0777bcf6957776d8918e0729ca39caf0cd46c2eefda49918",
  "records/*": "fcc8a18377370e6e1021c70fcb657f643892690b8b0f86e09b519c9ad256a0dc",
  "records/count": "3000",
  "summary.json": "27c740e7d2716be88fdc05d646db02ad0d07739a9f2dd2315d9a143cb095e128",
};

describe("snapshot outputs byte for byte (3,000 users, fixed keys)", function () {
  this.timeout(600_000);
  let dir: string;
  const keys = {
    recordKey: createHash("sha256").update("por golden record key").digest(),
    memberSecret: createHash("sha256").update("por golden member secret").digest(),
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "por-golden-"));
    await writeFile(join(dir, "ledger.csv"), goldenLedger(3000));
    await writeFile(
      join(dir, "assets.json"),
      JSON.stringify({
        format: "por.assets",
        version: 1,
        assets: [
          { id: 1, symbol: "BTC", chainId: 1, token: "0x" + "00".repeat(20), decimals: 8 },
          { id: 7, symbol: "USDC", chainId: 1, token: "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48", decimals: 6 },
        ],
      }),
    );
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const run = async (crypto: Crypto, name: string) => {
    try {
      const r = await runSnapshot(crypto, {
        ledgerPath: join(dir, "ledger.csv"),
        assetsPath: join(dir, "assets.json"),
        keys,
        member: "0x00000000000000000000000000000000000000Aa",
        t: 1_700_000_000n,
        outDir: join(dir, name),
        recordFiles: true,
      });
      return await summarize(r.dir);
    } finally {
      await crypto.close();
    }
  };

  it("native backend", async function () {
    if (nativeUnavailableReason() !== undefined) this.skip();
    const got = await run(await loadCrypto({ backend: "native" }), "native");
    expect(got).to.deep.equal(GOLDEN);
  });

  it("JS backend", async () => {
    const got = await run(await loadCrypto({ backend: "js", threads: 2 }), "js");
    expect(got).to.deep.equal(GOLDEN);
  });
});
