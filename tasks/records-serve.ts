import { serveUntilSignal, stderrLog } from "../src/client/index.js";
import { loadCrypto } from "../src/crypto/index.js";
import { SnapshotRecords, startRecordsServer } from "../src/records/service.js";

export interface Args {
  snapshot: string;
  port: number;
  host: string;
  /** The environment variable holding the bearer token the member's backend sends ("" : no token required). */
  tokenVar: string;
}

/**
 * `hardhat records serve <snapshot> [--port 8790] [--host 127.0.0.1] [--token-var POR_RECORDS_TOKEN]`: the member's
 * records service, `GET /records/<asset>/<account id>`, until SIGINT/SIGTERM. It authenticates no user: it sits
 * behind the member's own login (its backend calls it with the bearer token).
 */
export default async function recordsServe(args: Args): Promise<void> {
  const log = stderrLog("records serve");
  await serveUntilSignal(
    async () => {
      const token = args.tokenVar === "" ? undefined : process.env[args.tokenVar];
      if (args.tokenVar !== "" && (token === undefined || token === "")) {
        throw new Error(
          `the environment variable ${args.tokenVar} (--token-var) holds no token; set it, or pass --token-var ""`,
        );
      }
      const crypto = await loadCrypto({ threads: 0 });
      let records: SnapshotRecords;
      try {
        records = SnapshotRecords.open(args.snapshot, (i) => crypto.poseidon(i));
      } catch (e) {
        await crypto.close();
        throw e;
      }
      const server = await startRecordsServer({ records, token, host: args.host, port: args.port }).catch(
        async (e: unknown) => {
          records.close();
          await crypto.close();
          throw e;
        },
      );
      log.info(`serving the records of ${records.dir} (assets ${records.assets.join(", ")}) on ${server.url}`);
      return {
        close: async () => {
          await server.close();
          records.close();
          await crypto.close();
        },
      };
    },
    { log },
  );
}
