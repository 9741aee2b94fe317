import { TaskError, decimalInput, given, runTask, userInput } from "../src/client/index.js";
import type { TaskOutput } from "../src/client/output.js";
import { loadCrypto } from "../src/crypto/index.js";
import { isFileExists, writeFileAtomic } from "../src/files/index.js";
import { SnapshotRecords } from "../src/records/service.js";

export interface Args {
  /** The snapshot: its directory (as `snapshot` prints it) or its summary.json. */
  snapshot: string;
  /** The account id whose record is wanted. */
  account?: string;
  /** Only this asset (absent: the only asset the account has a record in). */
  asset?: string;
  /** Write the record file here (absent: print it). */
  out?: string;
  json: boolean;
}

/**
 * `hardhat records export <snapshot> --account <id> [--asset <id>] [--out por.record]`: one user's self-contained
 * record file, produced from the snapshot's records bundle, byte for byte the file `snapshot --record-files` writes.
 */
export default async function action(args: Args): Promise<void> {
  await runTask("records export", (out) => recordsExport(out, args), { json: args.json });
}

/** The body of `records export`: reads the bundles; writes only `--out` (atomically, never over a file). */
export async function recordsExport(out: TaskOutput, args: Args): Promise<void> {
  const account = args.account ?? "";
  if (account === "") throw new TaskError("--account <account id> is required");
  const asset = !given(args.asset) ? undefined : Number(decimalInput("--asset", args.asset, 32));
  const crypto = await loadCrypto({ threads: 0 });
  try {
    const records = await userInput(async () => SnapshotRecords.open(args.snapshot, (i) => crypto.poseidon(i)));
    try {
      const found = await userInput(async () => records.exportRecord(account, asset));
      if (given(args.out)) {
        try {
          await writeFileAtomic(args.out, found.text);
        } catch (e) {
          if (isFileExists(e)) throw new TaskError(`--out ${args.out} already exists; refusing to overwrite it`);
          throw new TaskError(`--out ${args.out}: ${(e as Error).message}`);
        }
        out.line(`wrote ${args.out} (account "${account}", asset ${found.asset})`);
        out.setAll({ file: args.out, account, asset: found.asset });
      } else if (out.json) {
        out.setAll({ account, asset: found.asset, record: JSON.parse(found.text) as unknown });
      } else {
        out.line(found.text.replace(/\n$/, ""));
      }
    } finally {
      records.close();
    }
  } finally {
    await crypto.close();
  }
}
