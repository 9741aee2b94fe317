import { loadCrypto } from "../src/crypto/index.js";
import { readRecordFile, verifyRecordFile, type VerifyExpectations } from "../src/records/file.js";

interface VerifyRecordArgs {
  file: string;
  rootHash: string;
  rootSum: string;
  keyHash: string;
  account: string;
}

const decimal = (name: string, v: string): bigint => {
  if (!/^(0|[1-9][0-9]*)$/.test(v)) throw new Error(`${name} must be a decimal integer`);
  return BigInt(v);
};

/** `hardhat verify-record`: check a user's record file and print a verdict a non-expert understands. */
export default async function verifyRecord(args: VerifyRecordArgs): Promise<void> {
  const crypto = await loadCrypto({ threads: 0 });
  try {
    if (args.file === "") throw new Error("--file <record.json> is required");
    if ((args.rootHash === "") !== (args.rootSum === "")) throw new Error("give both --root-hash and --root-sum");
    const expect: VerifyExpectations = {};
    if (args.rootHash !== "") {
      expect.root = { h: decimal("--root-hash", args.rootHash), s: decimal("--root-sum", args.rootSum) };
    }
    if (args.keyHash !== "") expect.keyHash = decimal("--key-hash", args.keyHash);
    if (args.account !== "") expect.accountId = args.account;
    const verdict = verifyRecordFile(crypto, await readRecordFile(args.file), expect);
    for (const c of verdict.checks) process.stdout.write(`  [${c.ok ? "ok" : "FAIL"}] ${c.name}: ${c.detail}\n`);
    process.stdout.write(`\n${verdict.summary}\n`);
    if (!verdict.ok) process.exitCode = 1;
  } catch (e) {
    process.stderr.write(`verify-record failed: ${(e as Error).message}\n`);
    process.exitCode = 1;
  } finally {
    await crypto.close();
  }
}
