import { TaskError, runTask, userInput, given } from "../src/client/index.js";
import type { TaskOutput } from "../src/client/output.js";
import { loadCrypto, type PoseidonLike } from "../src/crypto/index.js";
import { COMPUTED_VALUES, readRecordDocument, recordValues, type RecordValue } from "../src/records/show.js";

export interface Args {
  /** A record file (por.record) or a forwarded record (por.forwarded-record). */
  file: string;
  /** Print only this value, bare (absent: a summary of all). */
  field?: string;
  json: boolean;
}

/**
 * `hardhat record show <file> [--field <name>]`: what a record file or a forwarded record says, as a summary, or one
 * value bare for scripts (`T=$(npx hardhat record show f.json --field t)`). It checks the format only: `record
 * verify` checks the signature, the key and the tree.
 */
export default async function action(args: Args): Promise<void> {
  await runTask("record show", (out) => recordShow(out, args), { json: args.json });
}

/** The body of `record show`: reads the file; Poseidon only for a forwarded record's message and nullifier. */
export async function recordShow(out: TaskOutput, args: Args): Promise<void> {
  const doc = await userInput(() => readRecordDocument(args.file));
  const needsPoseidon =
    doc.format === "por.forwarded-record" &&
    (!given(args.field) || (COMPUTED_VALUES as readonly string[]).includes(args.field));
  const values = needsPoseidon ? await withPoseidon((p) => recordValues(doc, p)) : recordValues(doc);
  if (given(args.field)) {
    if (!(args.field in values)) {
      throw new TaskError(
        `--field ${args.field}: a ${doc.format} has no such value (it has: ${Object.keys(values).join(", ")})`,
      );
    }
    const value = values[args.field];
    if (value === null) throw new TaskError(`${args.file}: ${args.field} is not set (the record registers no payout)`);
    out.line(String(value));
    out.setAll({ file: args.file, field: args.field, value });
    return;
  }
  out.setAll({ file: args.file, ...values });
  for (const line of summaryLines(values)) out.line(line);
}

async function withPoseidon<T>(fn: (p: PoseidonLike) => T): Promise<T> {
  const crypto = await loadCrypto({ threads: 0 });
  try {
    return fn((inputs) => crypto.poseidon(inputs));
  } finally {
    await crypto.close();
  }
}

/** A summary a user reads: who, what, when, where restitution goes; the values scripts want, by name. */
function summaryLines(v: Record<string, RecordValue>): string[] {
  const record = v.format === "por.record";
  const lines = [
    record
      ? `record of account "${v.accountId}": ${v.balance} base units of asset ${v.asset} (${v.assetSymbol}) at t ${v.t}`
      : `forwarded record: ${v.balance} base units of asset ${v.asset} at t ${v.t} (no account id: it is forwarded)`,
    `  member ${v.member}, slot ${v.slot}, account key ${v.accountKey}`,
  ];
  if (record) {
    lines.push(`  restitution paid to: ${v.payout ?? "none registered"} (payout hash ${v.payoutHash})`);
    lines.push(`  tree root hash ${v.rootHash}, root sum ${v.rootSum}; record key hash ${v.keyHash}`);
  } else {
    lines.push(`  payout hash ${v.payoutHash}${v.payoutHash === "0" ? " (none registered)" : ""}`);
  }
  lines.push(`  message ${v.message}`, `  nullifier ${v.nullifier}`);
  lines.push(
    record
      ? "Not verified here: `npx hardhat record verify` checks a record file's signature, key and tree."
      : "Not verified here: a verifier service checks a forwarded record's signature and key (POST /records).",
  );
  return lines;
}
