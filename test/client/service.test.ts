// serveUntilSignal (src/client/service.ts), the one runner of the long-running tasks, in a real child process: it
// serves until SIGTERM and exits 0 after closing; a failed start is one line and exit 1; SIGTERM during a start that
// waits aborts it (exit 0); a second signal exits at once (130); a failing shutdown exits 1.
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

import { expect } from "chai";

const CHILD = join(import.meta.dirname, "serve-child.ts");
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

interface Child {
  proc: ChildProcess;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  until: (text: string) => Promise<void>;
}

function child(mode: string): Child {
  const proc = spawn(process.execPath, ["--import", TSX, CHILD, mode], { stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  const waiters: Array<() => void> = [];
  proc.stderr!.on("data", (d: Buffer) => {
    err += d.toString();
    waiters.splice(0).forEach((w) => w());
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const until = async (text: string) => {
    const deadline = Date.now() + 60_000;
    while (!err.includes(text)) {
      if (Date.now() > deadline) throw new Error(`no "${text}" in: ${err}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 200);
      });
    }
  };
  return { proc, stderr: () => err, exited, until };
}

describe("client: serveUntilSignal runs a service until a signal", function () {
  this.timeout(120_000);

  it("serves until SIGTERM, closes the service and exits 0", async function () {
    const c = child("ok");
    await c.until("child: serving");
    c.proc.kill("SIGTERM");
    expect(await c.exited).to.deep.equal({ code: 0, signal: null });
    expect(c.stderr()).to.include("child: SIGTERM, shutting down").and.include("child: closed");
  });

  it("a failed start is one line naming the task and the file, no stack, exit 1", async function () {
    const c = child("fail");
    expect((await c.exited).code).to.equal(1);
    expect(c.stderr().trim()).to.equal("child: config.json: setting port: 127.0.0.1:1 is already in use");
  });

  it("SIGTERM during a start that waits aborts the start and exits 0 without serving", async function () {
    const c = child("wait");
    await c.until("child: waiting for the endpoint");
    c.proc.kill("SIGTERM");
    expect((await c.exited).code).to.equal(0);
    expect(c.stderr()).to.not.include("child: serving");
  });

  it("a second signal during a slow shutdown exits at once with 130", async function () {
    const c = child("slow-close");
    await c.until("child: serving");
    c.proc.kill("SIGTERM");
    await c.until("child: closing slowly");
    c.proc.kill("SIGINT");
    expect((await c.exited).code).to.equal(130);
  });

  it("a failing shutdown is reported and exits 1", async function () {
    const c = child("bad-close");
    await c.until("child: serving");
    c.proc.kill("SIGINT");
    expect((await c.exited).code).to.equal(1);
    expect(c.stderr()).to.include("child: shutdown failed: the database is gone");
  });
});
