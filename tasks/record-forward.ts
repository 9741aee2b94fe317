import { writeFile } from "node:fs/promises";

import { TaskError, runTask, userInput, given } from "../src/client/index.js";
import type { TaskOutput } from "../src/client/output.js";
import { readRecordFile } from "../src/records/file.js";
import { forwardedFromRecordFile } from "../src/verifier-service/forwarded.js";

export interface Args {
  /** The user's record file. */
  file: string;
  /** Write the forwarded record here (absent: print it, unless --to). */
  out?: string;
  /** A verifier service's URL: POST the forwarded record to <url>/records. */
  to?: string;
  /** The same as `to`. */
  verifierUrl?: string;
  json: boolean;
}

/**
 * `hardhat record forward <file> [--out f] [--to url]`: the user's record without the account id and salt (a
 * `por.forwarded-record` v2), written to a file or sent to a verifier service.
 */
export default async function action(args: Args): Promise<void> {
  await runTask("record forward", (out) => recordForward(out, args), { json: args.json });
}

/** The body of `record forward`. */
export async function recordForward(out: TaskOutput, args: Args): Promise<void> {
  if (given(args.to) && given(args.verifierUrl) && args.to !== args.verifierUrl) {
    throw new TaskError("--to and --verifier-url name two different verifiers: give one");
  }
  const to = given(args.verifierUrl) ? args.verifierUrl : args.to;
  const forwarded = forwardedFromRecordFile(await userInput(() => readRecordFile(args.file)));
  const text = JSON.stringify(forwarded, null, 2);
  if (given(args.out)) {
    await writeFile(args.out, `${text}\n`);
    out.line(`wrote ${args.out}`);
    out.set("file", args.out);
  } else if (!given(to)) {
    if (out.json) out.set("forwarded", forwarded);
    else out.line(text);
  }
  if (given(to)) {
    const url = `${to.replace(/\/+$/, "")}/records`;
    let response: Response;
    try {
      response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: text });
    } catch (e) {
      throw new TaskError(`verifier ${url}: ${(e as Error).message}`);
    }
    const body = await response.text();
    let answer: unknown = body;
    try {
      answer = JSON.parse(body);
    } catch {
      // not JSON: shown as it is
    }
    out.line(`${url}: ${response.status} ${body}`);
    out.setAll({ status: response.status, answer });
    if (!response.ok) out.failed = true;
  }
}
