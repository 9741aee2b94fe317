import { TaskError, decimalInput, given, runTask, userInput } from "../src/client/index.js";
import type { TaskOutput } from "../src/client/output.js";
import { findRecordFile } from "../src/records/find.js";

export interface Args {
  /** The snapshot: its directory (as `snapshot` prints it) or its summary.json. */
  snapshot: string;
  /** The account id whose record is wanted. */
  account?: string;
  /** Only this asset's records (absent: every asset's). */
  asset?: string;
  json: boolean;
}

/**
 * `hardhat record find <snapshot> --account <id> [--asset <id>]`: the path of the account's record file, bare, for
 * `ALICE=$(npx hardhat record find ...)` (the files are named by keyed hashes, not by account).
 */
export default async function action(args: Args): Promise<void> {
  await runTask("record find", (out) => recordFind(out, args), { json: args.json });
}

/** The body of `record find`: reads files only. */
export async function recordFind(out: TaskOutput, args: Args): Promise<void> {
  const account = args.account ?? "";
  if (account === "") throw new TaskError("--account <account id> is required");
  const asset = !given(args.asset) ? undefined : Number(decimalInput("--asset", args.asset, 32));
  const { file, record } = await userInput(() => findRecordFile(args.snapshot, account, asset));
  out.line(file);
  out.setAll({ file, account, asset: record.record.asset, member: record.record.member, t: record.record.t });
}
