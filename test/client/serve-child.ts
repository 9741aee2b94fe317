// A child process for service.test.ts: runs serveUntilSignal with a start that behaves as argv[2] says. Mocha loads
// every file under test/: only a process started on this file runs it.
import { fileURLToPath } from "node:url";

import { pause } from "../../src/chain/rpc.js";
import { serveUntilSignal, stderrLog } from "../../src/client/service.js";

const mode = process.argv[2];
if (process.argv[1] === fileURLToPath(import.meta.url)) await serve();

async function serve(): Promise<void> {
  await serveUntilSignal(
    async (signal) => {
      if (mode === "fail") throw new Error("setting port: 127.0.0.1:1 is already in use");
      if (mode === "wait") {
        console.error("child: waiting for the endpoint");
        await pause(60_000, signal); // rejects when SIGTERM aborts the start
      }
      console.error("child: serving");
      const serving = setInterval(() => undefined, 1_000); // what a listening server does: keep the process alive
      return {
        close: async () => {
          clearInterval(serving);
          if (mode === "slow-close") {
            console.error("child: closing slowly");
            await pause(60_000);
          }
          if (mode === "bad-close") throw new Error("the database is gone");
          console.error("child: closed");
        },
      };
    },
    { log: stderrLog("child"), describe: (e) => `config.json: ${(e as Error).message}` },
  );
}
