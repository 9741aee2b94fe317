// Records ingested per second by the verifier service over HTTP (signature and chain checks on), on SQLite and on
// PostgreSQL when its server binaries are installed. Baseline measured in the same run: the same rows inserted
// straight into the store (no HTTP, no verification); the ratio shows what validation costs.
import { network } from "hardhat";

import { loadCrypto } from "../src/crypto/index.js";
import { RecordValidator, silentLogger, startVerifierService } from "../src/verifier-service/index.js";
import {
  deployVerifierFixture,
  postgresFactory,
  signedRecord,
  sqliteFactory,
  type StoreFactory,
} from "../test/verifier-service/fixture.js";

/** Runs the benchmark; returns a markdown section. */
export default async function run(opts: { quick: boolean }): Promise<string> {
  const n = opts.quick ? 100 : 1000;
  const batch = 100;
  const connection = await network.create();
  const crypto = await loadCrypto({ threads: 0 });
  const lines: string[] = [];
  try {
    const fx = await deployVerifierFixture(connection, crypto);
    const records = Array.from({ length: n }, (_, i) =>
      signedRecord(crypto, { member: fx.memberAddress, t: fx.tCommitted, slot: i }),
    );
    const { rows } = await new RecordValidator(crypto, fx.chain).validate(records, "records", 0);
    const factories: [string, () => Promise<StoreFactory>][] = [["SQLite", async () => sqliteFactory()]];
    factories.push(["PostgreSQL", () => postgresFactory()]);
    for (const [name, make] of factories) {
      let factory: StoreFactory;
      try {
        factory = await make();
      } catch (e) {
        lines.push(`| ${name} | skipped: ${(e as Error).message.split(":")[0]} | | |`);
        continue;
      }
      try {
        const raw = (await factory.fresh()).store;
        let t0 = performance.now();
        for (let i = 0; i < n; i += batch) await raw.insertRecords(rows.slice(i, i + batch));
        const rawRate = n / ((performance.now() - t0) / 1000);
        await raw.close();

        const { store } = await factory.fresh();
        const service = await startVerifierService({
          store,
          chain: fx.chain,
          crypto,
          logger: silentLogger,
          limits: { rate: { perSecond: 1e9, burst: 1e9 } }, // one client posts everything here
        });
        try {
          t0 = performance.now();
          for (let i = 0; i < n; i += batch) {
            const res = await fetch(`${service.url}/records`, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify({ records: records.slice(i, i + batch) }),
            });
            if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
          }
          const rate = n / ((performance.now() - t0) / 1000);
          if ((await store.countRecords()) !== n) throw new Error("not every record was stored");
          lines.push(`| ${name} | ${rate.toFixed(0)} | ${rawRate.toFixed(0)} | ${(rate / rawRate).toFixed(3)} |`);
        } finally {
          await service.close();
        }
      } finally {
        await factory.dispose();
      }
    }
  } finally {
    await crypto.close();
  }
  return [
    "## verifier-service",
    "",
    `Records ingested per second: ${n} forwarded records POSTed in batches of ${batch} to the service on the ` +
      `in-process chain, each checked (schema, member, key at t, EdDSA-Poseidon signature with the ${crypto.backend} ` +
      "Poseidon) and stored in one transaction per batch. Baseline: the same rows inserted into the store directly " +
      "(no HTTP, no checks), same run. One thread; the signature check dominates.",
    "",
    "| store | ingested records/s (HTTP, verified) | baseline raw inserts/s | ratio |",
    "|---|---|---|---|",
    ...lines,
  ].join("\n");
}
