// Attack on issue 20's verifier service ("bounded work per request"): what one unauthenticated request can make the
// service do before it is refused. Signatures are checked last (validate.ts), after one chain lookup per distinct
// (member, t): a batch of 500 public-looking records with 500 distinct snapshot times and garbage signatures costs
// ~500 sequential RPC calls (keyHashAt; plus setOf with --require-committed), and is refused only at the end.
// Real chain behind the JSON-RPC bridge and the counting proxy, real SQLite store, real EdDSA signatures.

import { expect } from "chai";
import { Interface } from "ethers";
import { network } from "hardhat";

import { rpcProvider } from "../../src/chain/rpc.js";
import { loadCrypto, type Crypto } from "../../src/crypto/index.js";
import { jsonLogger } from "../../src/log/index.js";
import {
  EthersChainView,
  startVerifierService,
  type ForwardedRecord,
  type SqlRecordStore,
  type VerifierService,
  type VerifierServiceOptions,
} from "../../src/verifier-service/index.js";
import { NETWORK_SHARE } from "../../src/verifier-service/rate-limit.js";
import { callTo, type RpcProxy } from "../helpers/rpc-proxy.js";
import {
  deployVerifierFixture,
  faultyEndpoint,
  post,
  signedRecord,
  sqliteFactory,
  type StoreFactory,
} from "../verifier-service/fixture.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const KEY_HASH_AT = new Interface(["function keyHashAt(address,uint64) view returns (uint256)"]).getFunction(
  "keyHashAt",
)!.selector;
const SET_OF = new Interface(["function setOf(address,uint64)"]).getFunction("setOf")!.selector;

describe("attack issue 20: verifier service work before refusal", function () {
  this.timeout(180_000);
  let crypto: Crypto;
  let fx: Awaited<ReturnType<typeof deployVerifierFixture>>;
  let endpoint: Awaited<ReturnType<typeof faultyEndpoint>>;
  let proxy: RpcProxy;
  let provider: ReturnType<typeof rpcProvider>;
  let factory: StoreFactory;
  let store: SqlRecordStore;
  let service: VerifierService | undefined;
  let slot = 20_000;

  const start = async (o: Partial<VerifierServiceOptions> = {}) => {
    ({ store } = await factory.fresh());
    // The production chain view (default caches), as runVerifier builds it.
    const chain = new EthersChainView(await fx.registry.getAddress(), await fx.ledger.getAddress(), provider);
    service = await startVerifierService({
      store,
      chain,
      crypto,
      logger: jsonLogger("verifier-service", { level: "error", out: { write: () => true } }),
      ...o,
    });
    return service;
  };

  /** `n` copies of one real record moved to `n` distinct past snapshot times: schema-valid, right key, bad signatures. */
  const forged = (n: number, offset: number): ForwardedRecord[] => {
    const base = signedRecord(crypto, { member: fx.memberAddress, t: fx.tCommitted, slot: slot++ });
    return Array.from({ length: n }, (_, i) => ({
      ...base,
      record: { ...base.record, t: String(fx.keyFrom + offset + i) },
    }));
  };

  before(async function () {
    crypto = await loadCrypto({ threads: 2 });
    fx = await deployVerifierFixture(connection, crypto);
    // Room for many distinct past t under the registered key.
    await networkHelpers.time.increase(5_000);
    endpoint = await faultyEndpoint(connection.provider, (await ethers.provider.getNetwork()).chainId, 2_000);
    ({ proxy, provider } = endpoint);
    factory = sqliteFactory();
  });

  afterEach(async function () {
    proxy.clear();
    await service?.close();
    service = undefined;
  });

  after(async function () {
    await endpoint?.close();
    await factory?.dispose();
    await crypto?.close();
  });

  it("held: a batch of 500 records is charged 500 records (a second one from the same client is 429)", async function () {
    const s = await start({ limits: { rate: { perSecond: 1, burst: 600 } } });
    const first = await post(`${s.url}/records`, { records: forged(500, 1) });
    expect(first.status).to.equal(422);
    const second = await post(`${s.url}/records`, { records: forged(500, 1) });
    expect(second.status).to.equal(429);
  });

  it("FINDING: a batch whose every signature is bad is refused before one RPC call per record", async function () {
    const s = await start();
    const calls0 = proxy.calls.length;
    const started = performance.now();
    const res = await post(`${s.url}/records`, { records: forged(500, 1_000) });
    const ms = Math.round(performance.now() - started);
    const rpc = proxy.calls.slice(calls0);
    const keyLookups = rpc.filter((c) => callTo(KEY_HASH_AT)(c)).length;
    console.log(
      `      500 forged records: ${res.status} after ${ms} ms, ${rpc.length} RPC calls (${keyLookups} keyHashAt)`,
    );
    expect(res.status).to.equal(422);
    expect((res.json.error as { code: string }).code).to.equal("bad_signature");
    expect(await store.countRecords()).to.equal(0);
    // Safe: the (cheap, pooled, already rate-charged) signature check runs before the per-record chain lookups, or
    // the lookups per request are capped, so one unauthenticated request cannot cost the operator's RPC quota
    // hundreds of calls.
    expect(rpc.length, "RPC calls made for one refused request").to.be.at.most(10);
  });

  it("held: with --require-committed a forged batch at uncommitted t is refused before any setOf (bad signatures first)", async function () {
    const s = await start({ requireCommitted: true });
    const calls0 = proxy.calls.length;
    const res = await post(`${s.url}/records`, { records: forged(200, 3_000) });
    const rpc = proxy.calls.slice(calls0);
    const setOf = rpc.filter((c) => callTo(SET_OF)(c)).length;
    console.log(`      200 forged records, require-committed: ${res.status}, ${rpc.length} RPC calls (${setOf} setOf)`);
    expect(res.status).to.equal(422);
    expect(setOf).to.equal(0);
  });

  it("fixed: one IPv6 /48 (65,536 /64s) gets NETWORK_SHARE bursts, not one per /64", async function () {
    // Behind a trusted reverse proxy (--trust-proxy), the client address is the proxy's last X-Forwarded-For entry.
    const s = await start({ trustProxy: true, limits: { rate: { perSecond: 1, burst: 10 } } });
    let allowed = 0;
    for (let i = 0; i < 40; i++) {
      const r = await fetch(`${s.url}/records`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": `2001:db8:77:${i.toString(16)}::1` },
        body: JSON.stringify({ records: forged(10, 20_000 + i * 10) }),
      });
      await r.arrayBuffer();
      if (r.status !== 429) allowed++;
    }
    console.log(`      40 /64s of one /48: ${allowed} full batches of 10 allowed (budget of one client: 1)`);
    expect(allowed, "batches allowed to one /48").to.be.at.most(NETWORK_SHARE + 1);
  });

  it("held (measured): a normal client's POSTs while another client floods forged 500-record batches", async function () {
    const s = await start({ trustProxy: true });
    const as = (ip: string, body: unknown) =>
      fetch(`${s.url}/records`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": ip },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, text: await r.text() }));
    const normal = async (ms: number) => {
      const t0 = performance.now();
      let ok = 0;
      const lat: number[] = [];
      while (performance.now() - t0 < ms) {
        const a = performance.now();
        const r = await as(
          "10.0.0.2",
          signedRecord(crypto, { member: fx.memberAddress, t: fx.tCommitted, slot: slot++ }),
        );
        lat.push(performance.now() - a);
        if (r.status === 200) ok++;
      }
      lat.sort((x, y) => x - y);
      return { perSecond: ok / (ms / 1000), p50: lat[lat.length >> 1], max: lat[lat.length - 1] };
    };
    const quiet = await normal(2_000);
    let stop = false;
    let offset = 30_000;
    const statuses: number[] = [];
    const flood = Promise.all(
      [0, 1].map(async () => {
        while (!stop) {
          const o = offset;
          offset += 500;
          statuses.push((await as("10.0.0.1", { records: forged(500, o) })).status);
        }
      }),
    );
    const loud = await normal(4_000);
    stop = true;
    await flood;
    console.log(
      `      normal client: ${quiet.perSecond.toFixed(0)}/s quiet (p50 ${quiet.p50.toFixed(1)} ms), ` +
        `${loud.perSecond.toFixed(0)}/s under flood (p50 ${loud.p50.toFixed(1)} ms, max ${loud.max.toFixed(0)} ms); ` +
        `flood answers: ${statuses.filter((x) => x === 422).length} refused after the checks, ${statuses.filter((x) => x === 429).length} rate-limited`,
    );
    expect(loud.perSecond).to.be.greaterThan(0);
  });
});
