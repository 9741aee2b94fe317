// The verifier service as a child process (src/verifier-service/main.ts) on a JSON-RPC bridge to the in-process
// chain: kill -9 in the middle of a batch, restart on the same database, and check that every acknowledged record
// survived, that a batch is stored entirely or not at all, and that resending everything duplicates nothing.
// Then SIGTERM during a batch: the batch completes, the process exits 0.
import type { Server } from "node:http";

import { expect } from "chai";
import { network } from "hardhat";

import { loadCrypto, type Crypto } from "../../src/crypto/index.js";
import { openRecordStore, type ForwardedRecord } from "../../src/verifier-service/index.js";
import { startRpcBridge } from "../helpers/rpc-bridge.js";
import {
  deployVerifierFixture,
  get,
  post,
  postgresFactory,
  serviceArgs,
  signedRecord,
  sqliteFactory,
  startServiceProcess,
  type ServiceProcess,
} from "./fixture.js";

const connection = await network.create();
const TOKEN = "crash-test-token";

async function totalRecords(url: string): Promise<number> {
  const snaps = (await get(`${url}/snapshots`)).json.snapshots as { records: number }[];
  return snaps.reduce((a, s) => a + s.records, 0);
}

for (const backend of ["sqlite", "postgres"] as const) {
  describe(`verifier service process on ${backend}: crash and restart`, function () {
    this.timeout(300_000);
    let crypto: Crypto;
    let bridge: { url: string; server: Server };
    let fx: Awaited<ReturnType<typeof deployVerifierFixture>>;
    const children: ServiceProcess[] = [];

    before(async () => {
      crypto = await loadCrypto({ threads: 0 });
      fx = await deployVerifierFixture(connection, crypto);
      bridge = await startRpcBridge(connection.provider);
    });
    after(async () => {
      for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill("SIGKILL");
      bridge?.server.closeAllConnections();
      bridge?.server.close();
      await crypto?.close();
    });

    it("loses no acknowledged record and duplicates nothing across kill -9 and restart", async () => {
      const factory = backend === "sqlite" ? sqliteFactory() : await postgresFactory();
      try {
        const { store, location } = await factory.fresh();
        await store.close();
        const args = await serviceArgs(fx, bridge.url, location);
        const BATCH = 12;
        // Batch 2 is large (480 records), so that the kill lands while the service still handles it (the native
        // backend verifies a batch's signatures on all cores, so 96 records no longer took 60 ms).
        const sizes = [BATCH, BATCH, 40 * BATCH, BATCH, BATCH];
        let slot = 0;
        const batches: ForwardedRecord[][] = sizes.map((size) =>
          Array.from({ length: size }, () =>
            signedRecord(crypto, { member: fx.memberAddress, t: fx.tCommitted, slot: slot++ }),
          ),
        );
        const total = slot;

        const a = await startServiceProcess(args, { POR_VERIFIER_ADMIN_TOKEN: TOKEN });
        children.push(a);
        const acked: string[] = [];
        for (const b of batches.slice(0, 2)) {
          const r = await post(`${a.url}/records`, { records: b });
          expect(r.status).to.equal(200);
          acked.push(...(r.json.nullifiers as string[]));
        }
        // Batch 2 in flight: kill -9 while the service validates it.
        const inflight = post(`${a.url}/records`, { records: batches[2] }).catch((e: Error) => e);
        await new Promise((r) => setTimeout(r, 15));
        a.proc.kill("SIGKILL");
        await a.exited;
        const lost = await inflight;
        expect(lost).to.be.instanceOf(Error); // the client saw no answer

        const b = await startServiceProcess(args, { POR_VERIFIER_ADMIN_TOKEN: TOKEN });
        children.push(b);
        const afterCrash = await totalRecords(b.url);
        expect([2 * BATCH, 42 * BATCH]).to.include(afterCrash); // batch 2 entirely or not at all
        for (const n of acked) expect((await get(`${b.url}/records/${n}`, TOKEN)).status).to.equal(200);

        for (const batch of batches) expect((await post(`${b.url}/records`, { records: batch })).status).to.equal(200);
        expect(await totalRecords(b.url)).to.equal(total);

        // SIGTERM with a batch in flight: it completes, the process exits 0.
        const last = Array.from({ length: BATCH }, (_, i) =>
          signedRecord(crypto, { member: fx.memberAddress, t: fx.tCommitted, slot: total + i }),
        );
        const pending = post(`${b.url}/records`, { records: last });
        await new Promise((r) => setTimeout(r, 30));
        b.proc.kill("SIGTERM");
        const answer = await pending;
        expect(answer.status).to.equal(200);
        expect(await b.exited).to.equal(0);
        expect(b.output()).to.contain('"msg":"shut down cleanly"');
        const reopened = await openRecordStore(location);
        try {
          expect(await reopened.countRecords()).to.equal(total + BATCH);
        } finally {
          await reopened.close();
        }
      } finally {
        await factory.dispose();
      }
    });
  });
}
