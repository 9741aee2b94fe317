// Attack on issue 20 ("operators judge only on evidence"): can an RPC endpoint that merely fails (rate limits,
// timeouts, a load balancer's error page) make an honest operator reject an honest member's ERC-1271 ownership
// signature, i.e. vote Insolvent? And can a member make every operator's job throw (postpone forever) so that its set
// is never judged and its contradicted records are never proven?
//
// Real chain (Hardhat EDR) behind the JSON-RPC bridge and the fault-injecting proxy; real ERC-1271 wallet contract.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { expect } from "chai";
import { Wallet, getAddress } from "ethers";
import { network } from "hardhat";

import { classifyError, rpcProvider } from "../../src/chain/rpc.js";
import { checkPoaBinding, checkBalances, type AssetContext } from "../../src/node/checks.js";
import {
  poaDomain,
  reserveProofDigest,
  validatePoa,
  verifyReserveProof,
  type PoaDocument,
} from "../../src/poa/index.js";
import { startRpcBridge } from "../helpers/rpc-bridge.js";
import { callTo, startRpcProxy, type RpcProxy } from "../helpers/rpc-proxy.js";

const conn = await network.create();
const { ethers } = conn;

const IS_VALID_SIGNATURE = "0x1626ba7e";

/**
 * A tiny proxy in front of `upstream` that answers the calls `match` picks with HTTP 200 and `body` (a load balancer's
 * or a captive gateway's error page), and forwards everything else.
 */
async function startPageProxy(
  upstream: string,
  match: (call: { method: string; params: unknown[] }) => boolean,
  body: string,
): Promise<{ url: string; server: Server; hits: () => number }> {
  let hits = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString();
      const parsed = JSON.parse(text) as
        { method: string; params: unknown[] } | { method: string; params: unknown[] }[];
      const calls = Array.isArray(parsed) ? parsed : [parsed];
      if (calls.some((c) => match({ method: c.method, params: c.params ?? [] }))) {
        hits++;
        res.writeHead(200, { "content-type": "text/html" });
        res.end(body);
        return;
      }
      fetch(upstream, { method: "POST", headers: { "content-type": "application/json" }, body: text })
        .then(async (r) => {
          res.writeHead(r.status, { "content-type": "application/json" });
          res.end(await r.text());
        })
        .catch(() => {
          res.writeHead(502);
          res.end();
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, hits: () => hits };
}

describe("attack issue 20: RPC failures must not become ERC-1271 rejections (Insolvent votes)", function () {
  this.timeout(60_000);
  let bridge: { url: string; server: Server };
  let proxy: RpcProxy;
  let provider: ReturnType<typeof rpcProvider>;
  let domain: ReturnType<typeof poaDomain>;
  let m: { member: string; wallet: string; t: bigint; requestId: bigint };
  let sig: string;

  before(async function () {
    const owner = Wallet.createRandom();
    const wallet = await ethers.deployContract("TestERC1271Wallet", [owner.address]);
    domain = poaDomain(31337n, "0x" + "12".repeat(20));
    m = { member: "0x" + "34".repeat(20), wallet: await wallet.getAddress(), t: 100n, requestId: 0n };
    sig = owner.signingKey.sign(reserveProofDigest(domain, m)).serialized;
    bridge = await startRpcBridge(conn.provider);
    proxy = await startRpcProxy(bridge.url);
    provider = rpcProvider(proxy.url, { timeoutMs: 1_000, chainId: 31337n });
  });

  afterEach(() => proxy.clear());

  after(async function () {
    provider?.destroy();
    await proxy?.close();
    bridge?.server.closeAllConnections();
    bridge?.server.close();
  });

  it("baseline: the honest wallet's signature verifies through the proxy", async function () {
    expect(await verifyReserveProof(provider, domain, m, sig)).to.deep.equal({ ok: true, kind: "erc1271" });
  });

  /** What verifyReserveProof does when isValidSignature is answered with `fault`: "throws" (postpones) or "rejects". */
  async function outcome(fault: Parameters<RpcProxy["inject"]>[0]["fault"]): Promise<{ what: string; cls?: string }> {
    proxy.clear();
    proxy.inject({ match: callTo(IS_VALID_SIGNATURE), fault });
    try {
      const r = await verifyReserveProof(provider, domain, m, sig);
      return { what: r.ok ? "accepts" : `rejects: ${r.reason}` };
    } catch (e) {
      return { what: "throws", cls: classifyError(e) };
    } finally {
      proxy.clear();
    }
  }

  // Held: the codes the classification lists.
  for (const [code, message] of [
    [-32603, "internal error"],
    [-32005, "daily request count exceeded, request rate limited"],
    [-32002, "request timed out"],
    [429, "Your app has exceeded its compute units per second capacity"],
  ] as const) {
    it(`held: JSON-RPC ${code} "${message}" postpones (throws, unavailable)`, async function () {
      expect(await outcome({ kind: "error", code, message })).to.deep.equal({ what: "throws", cls: "unavailable" });
    });
  }

  it("held: HTTP 503 and 429 from the endpoint postpone", async function () {
    expect(await outcome({ kind: "http", status: 503 })).to.deep.equal({ what: "throws", cls: "unavailable" });
    expect(await outcome({ kind: "http", status: 429 })).to.deep.equal({ what: "throws", cls: "unavailable" });
  });

  // Real-world "could not answer" errors of eth_call that the classification does not know. ethers wraps every
  // eth_call error into a CALL_EXCEPTION; src/chain/rpc.ts carriesRevert() then calls it a revert unless the inner
  // error is recognised as unavailable, and src/poa/ownership.ts rejects the wallet on anything but "unavailable".
  for (const [code, message, who] of [
    [-32007, "100/second request limit reached - reduce calls per second or upgrade your account", "QuickNode"],
    [-32000, "context deadline exceeded", "geth behind a proxy"],
    [-32000, "missing trie node 7c1e0a (path ) state 0x7c1e... is not available", "geth, pruned backend"],
    [-32000, "too many requests", "public endpoints"],
    [-32046, "Cannot fulfill request", "Cloudflare gateway"],
  ] as const) {
    it(`FINDING: ${who}'s ${code} "${message}" to isValidSignature must postpone, not reject the wallet`, async function () {
      const r = await outcome({ kind: "error", code, message });
      expect(r.what, "an RPC that could not answer must not stand for the wallet's rejection").to.equal("throws");
      expect(r.cls).to.equal("unavailable");
    });
  }

  it("FINDING: an HTTP 200 error page (not JSON) for isValidSignature must postpone, not reject the wallet", async function () {
    const page = await startPageProxy(
      bridge.url,
      (c) => callTo(IS_VALID_SIGNATURE)({ id: 1, method: c.method, params: c.params }),
      "<html><body><h1>502 Bad Gateway</h1></body></html>",
    );
    const p = rpcProvider(page.url, { timeoutMs: 1_000, chainId: 31337n });
    try {
      let result: Awaited<ReturnType<typeof verifyReserveProof>> | undefined;
      let thrown: unknown;
      try {
        result = await verifyReserveProof(p, domain, m, sig);
      } catch (e) {
        thrown = e;
      }
      expect(page.hits()).to.be.greaterThan(0);
      expect(result, `verifyReserveProof answered ${JSON.stringify(result)}`).to.equal(undefined);
      expect(classifyError(thrown)).to.equal("unavailable");
    } finally {
      p.destroy();
      page.server.closeAllConnections();
      page.server.close();
    }
  });
});

describe("attack issue 20: a member's PoA must be judged, never make the check throw", function () {
  // A PoA whose addresses pass the document schema (0x + 40 hex digits, any case) but carry a bad EIP-55 checksum:
  // getAddress() throws INVALID_ARGUMENT inside the check, verifySubject throws, the node's job is postponed forever
  // (a "fault", never a verdict), and the watchtower's sweep skips trees whose job is pending, so a record the tree
  // contradicts is never proven either.
  const good = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
  const badChecksum = "0x5fbdb2315678afecb367f032d93F642f64180aa3"; // mixed case, wrong EIP-55 checksum
  const ctx: AssetContext = {
    chainId: 31337n,
    ledger: good,
    reserveRegistry: good,
    member: getAddress("0x" + "34".repeat(20)),
    t: 100n,
    requestId: 0n,
    asset: 1,
    rootHash: 1n,
    rootSum: 1n,
    reserves: 1n,
    blobDigest: "0x" + "00".repeat(32),
  };
  const poa = (o: Partial<PoaDocument>): PoaDocument =>
    ({
      format: "por.poa",
      version: 1,
      chainId: "31337",
      ledger: good,
      reserveRegistry: good,
      member: ctx.member,
      t: "100",
      requestId: "0",
      block: { number: 1, hash: "0x" + "11".repeat(32), timestamp: 99 },
      wallets: [],
      assets: [{ asset: 1, token: "0x0000000000000000000000000000000000000000", total: "0", balances: [] }],
      ...o,
    }) as unknown as PoaDocument;

  it("sanity: getAddress refuses the mixed-case address the PoA schema lets through", function () {
    expect(() => getAddress(badChecksum)).to.throw(/checksum/);
  });

  it("the PoA schema refuses a mixed-case address with a wrong checksum, naming the field (blob-format fails)", function () {
    expect(() => validatePoa(poa({ ledger: badChecksum }))).to.throw(/ledger.*wrong EIP-55 checksum/);
    expect(() => validatePoa(poa({ ledger: good.toLowerCase() }))).to.not.throw();
    const token = { asset: 1, token: badChecksum, total: "0", balances: [] };
    expect(() => validatePoa(poa({ assets: [token] as unknown as PoaDocument["assets"] }))).to.throw(/token/);
  });

  it("checkPoaBinding never throws on a bad-checksum address (the schema refuses it before; the bytes are compared)", function () {
    let r: ReturnType<typeof checkPoaBinding> | undefined;
    let thrown: unknown;
    try {
      r = checkPoaBinding(poa({ ledger: badChecksum }), ctx);
    } catch (e) {
      thrown = e;
    }
    expect(thrown, `threw ${String(thrown)}: the node postpones this subject forever`).to.equal(undefined);
    expect(r?.ok).to.equal(true);
    expect(checkPoaBinding(poa({ ledger: "0x" + "ab".repeat(20) }), ctx).ok).to.equal(false);
  });

  it("checkBalances never throws on a bad-checksum token address (the schema refuses it before; the bytes are compared)", async function () {
    const doc = poa({
      assets: [{ asset: 1, token: badChecksum, total: "0", balances: [] }] as unknown as PoaDocument["assets"],
    });
    let r: Awaited<ReturnType<typeof checkBalances>> | undefined;
    let thrown: unknown;
    try {
      r = await checkBalances(ethers.provider, doc, good);
    } catch (e) {
      thrown = e;
    }
    expect(thrown, `threw ${String(thrown)}`).to.equal(undefined);
    expect(r?.ok, "the same 20 bytes as the registry's token").to.equal(true);
  });
});
