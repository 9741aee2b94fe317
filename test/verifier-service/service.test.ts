// The verifier service over HTTP, on the real contracts, once on SQLite and once on PostgreSQL.
import { expect } from "chai";
import { network } from "hardhat";

import { loadCrypto, type Crypto, type Point, type Signature } from "../../src/crypto/index.js";
import { payoutHashOf, recordKeyHash, recordMessage, recordNullifier } from "../../src/records/index.js";
import {
  silentLogger,
  startVerifierService,
  type ChainView,
  type ForwardedRecord,
  type SqlRecordStore,
  type VerifierService,
} from "../../src/verifier-service/index.js";
import { MIXED, ORDER8, forgeUnderOrder8, signUnderMixed } from "../helpers/weak-keys.js";
import { ETH_ASSET } from "../contracts/ledger-fixture.js";
import {
  deployVerifierFixture,
  get,
  OTHER_KEY,
  post,
  postgresFactory,
  signedRecord,
  sqliteFactory,
  type StoreFactory,
} from "./fixture.js";

const { ethers, networkHelpers, ignition } = await network.create();
const TOKEN = "operator-secret-token";

for (const backend of ["sqlite", "postgres"] as const) {
  describe(`verifier service on ${backend}`, function () {
    this.timeout(120_000);
    let crypto: Crypto;
    let factory: StoreFactory;
    let fx: Awaited<ReturnType<typeof deployVerifierFixture>>;
    let store: SqlRecordStore;
    let service: VerifierService;
    const T = () => fx.tCommitted; // a committed past snapshot
    const rec = (
      slot: number,
      extra: Partial<{ t: number; balance: bigint; asset: number; payoutHash: bigint }> = {},
    ) => signedRecord(crypto, { member: fx.memberAddress, t: extra.t ?? T(), slot, ...extra });

    before(async () => {
      crypto = await loadCrypto({ threads: 0 });
      factory = backend === "sqlite" ? sqliteFactory() : await postgresFactory();
      fx = await deployVerifierFixture({ ethers, networkHelpers, ignition }, crypto);
    });
    after(async () => {
      await factory?.dispose();
      await crypto?.close();
    });
    beforeEach(async () => {
      store = (await factory.fresh()).store;
      service = await startVerifierService({ store, chain: fx.chain, crypto, logger: silentLogger, adminToken: TOKEN });
    });
    afterEach(async () => {
      await service.close();
    });

    describe("POST /records", () => {
      it("stores a valid record with its nullifier and reports it in /snapshots", async () => {
        const payoutHash = payoutHashOf({ address: "0x" + "ab".repeat(20), salt: 12345n });
        const { status, json } = await post(`${service.url}/records`, rec(3, { payoutHash }));
        expect(status).to.equal(200);
        expect(json.accepted).to.equal(1);
        const [nullifier] = json.nullifiers as string[];
        const row = await store.getRecord(nullifier);
        expect(row?.member).to.equal(fx.memberAddress);
        expect(row?.t).to.equal(T());
        expect(row?.slot).to.equal(3);
        expect(row?.balance).to.equal("5003");
        expect(row?.payoutHash).to.equal(payoutHash.toString());
        // The service recomputes the record message v2 and the nullifier itself.
        const H = (i: readonly bigint[]) => crypto.poseidon(i);
        const m = recordMessage(H, {
          member: BigInt(fx.memberAddress),
          asset: ETH_ASSET,
          t: BigInt(T()),
          slot: 3,
          accountKey: 1003n,
          balance: 5003n,
          payoutHash,
        });
        expect(row?.message).to.equal(m.toString());
        expect(nullifier).to.equal(recordNullifier(H, m).toString());
        expect(row!.receivedAt % 3600).to.equal(0);
        const snaps = (await get(`${service.url}/snapshots`)).json.snapshots as Record<string, unknown>[];
        expect(snaps).to.have.length(1);
        expect(snaps[0]).to.include({ member: fx.memberAddress, asset: ETH_ASSET, t: T(), records: 1, checked: 0 });
      });

      it("is idempotent by nullifier and answers a duplicate exactly like a new record (B12)", async () => {
        const r = rec(4);
        const first = await post(`${service.url}/records`, r);
        const second = await post(`${service.url}/records`, r);
        expect(second).to.deep.equal(first);
        const batch = await post(`${service.url}/records`, { records: [r, rec(5), rec(5)] });
        expect(batch.status).to.equal(200);
        expect(batch.json.accepted).to.equal(3);
        expect(await store.countRecords()).to.equal(2);
      });

      it("stores a batch atomically: one bad record refuses the whole batch", async () => {
        const bad = rec(9);
        bad.signature.S = (BigInt(bad.signature.S) + 1n).toString();
        const { status, json } = await post(`${service.url}/records`, { records: [rec(6), rec(7), rec(8), bad] });
        expect(status).to.equal(422);
        expect(json.error).to.deep.include({ code: "bad_signature", where: "records[3].signature" });
        expect(await store.countRecords()).to.equal(0);
        const ok = await post(`${service.url}/records`, { records: [rec(6), rec(7), rec(8)] });
        expect(ok.status).to.equal(200);
        expect(await store.countRecords()).to.equal(3);
      });

      it("accepts a past snapshot that is not committed by default", async () => {
        const { status } = await post(`${service.url}/records`, rec(1, { t: T() + 1 }));
        expect(status).to.equal(200);
      });
    });

    describe("bad input is refused with a clear 4xx and never stored", () => {
      const cases: {
        name: string;
        status: number;
        code: string;
        where?: string;
        make: () => { body?: unknown; raw?: string | Uint8Array; contentType?: string };
      }[] = [
        { name: "malformed JSON", status: 400, code: "malformed_json", make: () => ({ raw: '{"format": "por.forw' }) },
        { name: "an empty body", status: 400, code: "empty_body", make: () => ({ raw: "" }) },
        {
          name: "invalid UTF-8",
          status: 400,
          code: "malformed_json",
          make: () => ({ raw: Buffer.from([0x22, 0xff, 0xfe, 0x22]) }),
        },
        {
          name: "a wrong content type",
          status: 415,
          code: "unsupported_media_type",
          make: () => ({ body: rec(1), contentType: "text/plain" }),
        },
        {
          name: "an oversized single record",
          status: 413,
          code: "body_too_large",
          make: () => ({ raw: JSON.stringify(rec(1)).replace("{", `{"pad": "${"x".repeat(70_000)}",`) }),
        },
        {
          name: "an oversized body",
          status: 413,
          code: "body_too_large",
          make: () => ({ raw: `{"records": ["${"x".repeat(3 * 1024 * 1024)}"]}` }),
        },
        {
          name: "too many records in a batch",
          status: 413,
          code: "batch_too_large",
          make: () => ({ body: { records: Array.from({ length: 501 }, () => ({})) } }),
        },
        { name: "an empty batch", status: 400, code: "empty_batch", make: () => ({ body: { records: [] } }) },
        {
          name: "an unknown field",
          status: 400,
          code: "schema",
          make: () => ({ body: { ...rec(1), accountId: "alice" } }),
        },
        {
          name: "a wrong version",
          status: 400,
          code: "schema",
          where: "version",
          make: () => ({ body: { ...rec(1), version: 1 } }),
        },
        {
          name: "a balance of 2^96",
          status: 400,
          code: "schema",
          where: "records[0].record.balance",
          make: () => {
            const r = rec(1);
            r.record.balance = (1n << 96n).toString();
            return { body: { records: [r] } };
          },
        },
        {
          name: "a non-field account key",
          status: 400,
          code: "schema",
          where: "record.accountKey",
          make: () => {
            const r = rec(1);
            r.record.accountKey = "21888242871839275222246405745257275088548364400416034343698204186575808495617";
            return { body: r };
          },
        },
        {
          name: "a bad signature",
          status: 422,
          code: "bad_signature",
          where: "signature",
          make: () => {
            const r = rec(1);
            r.signature.R8x = rec(2).signature.R8x;
            return { body: r };
          },
        },
        {
          name: "a tampered balance",
          status: 422,
          code: "bad_signature",
          make: () => {
            const r = rec(1);
            r.record.balance = "999999";
            return { body: r };
          },
        },
        {
          name: "a tampered payout hash (the payout is signed)",
          status: 422,
          code: "bad_signature",
          make: () => {
            const r = rec(1, { payoutHash: 77n });
            r.record.payoutHash = "78";
            return { body: r };
          },
        },
        {
          name: "a record without a payout hash (v1 layout)",
          status: 400,
          code: "schema",
          where: "record.payoutHash",
          make: () => {
            const { payoutHash: _, ...record } = rec(1).record;
            return { body: { ...rec(1), record } };
          },
        },
        {
          name: "a payout address (v1 field)",
          status: 400,
          code: "schema",
          make: () => ({ body: { ...rec(1), payout: "0x" + "ab".repeat(20) } }),
        },
        {
          name: "an unknown member",
          status: 422,
          code: "unknown_member",
          where: "record.member",
          make: () => ({
            body: signedRecord(crypto, { member: "0x" + "12".repeat(20), t: T(), slot: 1 }),
          }),
        },
        {
          name: "a member's record signed by another key",
          status: 422,
          code: "wrong_key",
          where: "recordKey",
          make: () => ({
            body: signedRecord(crypto, { member: fx.memberAddress, t: T(), slot: 1 }, { key: OTHER_KEY }),
          }),
        },
        {
          name: "a snapshot before the member's first key",
          status: 422,
          code: "no_key_at_t",
          make: () => ({ body: rec(1, { t: fx.keyFrom - 5 }) }),
        },
        {
          name: "a snapshot in the future",
          status: 422,
          code: "snapshot_not_past",
          make: () => ({ body: rec(1, { t: 4_000_000_000 }) }),
        },
      ];
      for (const c of cases) {
        it(`refuses ${c.name} with ${c.status} ${c.code}`, async () => {
          const { body, raw, contentType } = c.make();
          const { status, json } = await post(`${service.url}/records`, body, { raw, contentType });
          expect(status, JSON.stringify(json)).to.equal(c.status);
          const err = json.error as { code: string; message: string; where?: string };
          expect(err.code).to.equal(c.code);
          expect(err.message).to.be.a("string").and.not.equal("");
          if (c.where !== undefined) expect(err.where).to.equal(c.where);
          expect(await store.countRecords()).to.equal(0);
        });
      }

      it("answers unknown routes with 404 and wrong methods with 405", async () => {
        expect((await get(`${service.url}/nope`)).status).to.equal(404);
        expect((await get(`${service.url}/records`)).status).to.equal(405);
        expect((await post(`${service.url}/health`, {})).status).to.equal(405);
      });
    });

    describe("operator endpoints and coverage", () => {
      it("keeps per-record lookups behind the bearer token", async () => {
        const { json } = await post(`${service.url}/records`, rec(11, { payoutHash: 99n }));
        const n = (json.nullifiers as string[])[0];
        expect((await get(`${service.url}/records/${n}`)).status).to.equal(401);
        expect((await get(`${service.url}/records/${n}`, "wrong-token-of-same-len")).status).to.equal(401);
        const ok = await get(`${service.url}/records/${n}`, TOKEN);
        expect(ok.status).to.equal(200);
        expect(ok.json.payoutHash).to.equal("99");
        expect((await get(`${service.url}/records/123`, TOKEN)).status).to.equal(404);
        expect((await get(`${service.url}/requests`)).status).to.equal(401);
      });

      it("reports coverage and detection probability once the population is known", async () => {
        await post(`${service.url}/records`, { records: [rec(1), rec(2), rec(3), rec(4)] });
        const pop = { member: fx.memberAddress, asset: ETH_ASSET, t: T(), n: 8, source: "declared" };
        expect((await post(`${service.url}/populations`, pop, { method: "PUT" })).status).to.equal(401);
        const bad = await post(`${service.url}/populations`, { ...pop, n: -1 }, { method: "PUT", token: TOKEN });
        expect(bad.status).to.equal(400);
        expect((bad.json.error as { where: string }).where).to.equal("n");
        expect((await post(`${service.url}/populations`, pop, { method: "PUT", token: TOKEN })).status).to.equal(200);
        const snaps = (await get(`${service.url}/snapshots`)).json.snapshots as {
          coverage: { k: number; n: number; fraction: number; pOne: number; pOnePercent: number };
          population: { n: number; source: string };
        }[];
        expect(snaps[0].population).to.deep.equal({ n: 8, source: "declared" });
        // k = 4 of n = 8, m = 1: 1 - C(7,4)/C(8,4) = 1 - 35/70 = 0.5; m = ceil(8/100) = 1 too.
        expect(snaps[0].coverage).to.deep.equal({ k: 4, n: 8, fraction: 0.5, pOne: 0.5, pOnePercent: 0.5 });
      });

      it("counts records the operator node marked as checked", async () => {
        const { json } = await post(`${service.url}/records`, { records: [rec(1), rec(2)] });
        await store.markChecked([(json.nullifiers as string[])[0]], "ok", 1234);
        const snaps = (await get(`${service.url}/snapshots`)).json.snapshots as { records: number; checked: number }[];
        expect(snaps[0]).to.include({ records: 2, checked: 1 });
      });
    });

    describe("health and shutdown", () => {
      it("answers /health with the store and chain time", async () => {
        const { status, json } = await get(`${service.url}/health`);
        expect(status).to.equal(200);
        expect(json).to.include({ status: "ok", store: backend, db: "ok" });
        expect(json.chainTime).to.be.a("number");
      });

      it("finishes an in-flight request on close, then refuses connections", async () => {
        const records: ForwardedRecord[] = Array.from({ length: 20 }, (_, i) => rec(100 + i));
        const inflight = post(`${service.url}/records`, { records });
        // Close only once the server is working on it (a connection whose request has not arrived yet is idle, and
        // closing the server drops idle connections).
        for (let i = 0; i < 500; i++) {
          if (((await get(`${service.url}/health`)).json.inFlight as number) > 1) break; // itself and the POST
          await new Promise((r) => setTimeout(r, 2));
        }
        const url = service.url;
        await service.close();
        const done = await inflight;
        expect(done.status).to.equal(200);
        let refused = false;
        try {
          await fetch(`${url}/health`);
        } catch {
          refused = true;
        }
        expect(refused).to.equal(true);
        // The store is closed by the service; reopen is covered by the crash test.
      });
    });
  });
}

describe("verifier service: requireCommitted", function () {
  this.timeout(60_000);
  it("refuses a record for an uncommitted snapshot and accepts a committed one", async () => {
    const crypto = await loadCrypto({ threads: 0 });
    const factory = sqliteFactory();
    try {
      const fx = await deployVerifierFixture({ ethers, networkHelpers, ignition }, crypto);
      const { store } = await factory.fresh();
      const service = await startVerifierService({
        store,
        chain: fx.chain,
        crypto,
        logger: silentLogger,
        requireCommitted: true,
      });
      try {
        const r = (t: number) => signedRecord(crypto, { member: fx.memberAddress, t, slot: 1 });
        const refused = await post(`${service.url}/records`, r(fx.tCommitted + 1));
        expect(refused.status).to.equal(422);
        expect((refused.json.error as { code: string }).code).to.equal("snapshot_not_committed");
        expect((await post(`${service.url}/records`, r(fx.tCommitted))).status).to.equal(200);
        expect(await store.countRecords()).to.equal(1);
      } finally {
        await service.close();
      }
    } finally {
      await factory.dispose();
      await crypto.close();
    }
  });
});

describe("verifier service: weak record keys", function () {
  this.timeout(60_000);
  it("refuses records under a registered key outside the prime-order subgroup with 422 weak_key", async () => {
    const crypto = await loadCrypto({ threads: 0 });
    const factory = sqliteFactory();
    try {
      const fx = await deployVerifierFixture({ ethers, networkHelpers, ignition }, crypto);
      const H = (i: readonly bigint[]) => crypto.poseidon(i);
      const weak: [string, Point, (m: bigint) => Signature][] = [
        ["order 8", ORDER8, (m) => forgeUnderOrder8(m)],
        ["mixed order", MIXED, (m) => signUnderMixed(H, m)],
      ];
      for (const [name, A, sign] of weak) {
        // The member registered the weak key (the chain answers its hash for every t).
        const chain = Object.create(fx.chain, {
          keyHashAt: { value: async () => recordKeyHash(H, A[0], A[1]) },
        }) as ChainView;
        const { store } = await factory.fresh();
        const service = await startVerifierService({ store, chain, crypto, logger: silentLogger });
        try {
          const honest = signedRecord(crypto, { member: fx.memberAddress, t: fx.tCommitted, slot: 1 });
          const m = recordMessage(H, {
            member: BigInt(fx.memberAddress),
            asset: honest.record.asset,
            t: BigInt(honest.record.t),
            slot: 1,
            accountKey: BigInt(honest.record.accountKey),
            balance: BigInt(honest.record.balance),
            payoutHash: 0n,
          });
          const sig = sign(m);
          const forged: ForwardedRecord = {
            ...honest,
            signature: { R8x: sig.R8x.toString(), R8y: sig.R8y.toString(), S: sig.S.toString() },
            recordKey: { Ax: A[0].toString(), Ay: A[1].toString() },
          };
          const { status, json } = await post(`${service.url}/records`, forged);
          expect(status, name).to.equal(422);
          const err = json.error as { code: string; message: string; where: string };
          expect(err, name).to.deep.include({ code: "weak_key", where: "recordKey" });
          expect(err.message).to.match(/record key is not in the prime-order subgroup/);
          expect(await store.countRecords()).to.equal(0);
        } finally {
          await service.close();
        }
      }
    } finally {
      await factory.dispose();
      await crypto.close();
    }
  });
});
