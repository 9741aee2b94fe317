import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { publishedTree } from "../src/consortium/index.js";
import { loadCrypto } from "../src/crypto/index.js";
import { readRecordFile, verifyRecordFile, type VerifyExpectations } from "../src/records/file.js";
import { consortiumContext } from "./consortium-context.js";

interface VerifyRecordArgs {
  file: string;
  chain: boolean;
  deployment: string;
  rootHash: string;
  rootSum: string;
  keyHash: string;
  account: string;
  payout?: string;
  json?: boolean;
}

const decimal = (name: string, v: string): bigint => {
  if (!/^(0|[1-9][0-9]*)$/.test(v)) throw new Error(`${name} must be a decimal integer`);
  return BigInt(v);
};

/** `hardhat verify-record`: check a user's record file and print a verdict a non-expert understands. */
export default async function verifyRecord(args: VerifyRecordArgs, hre?: HardhatRuntimeEnvironment): Promise<void> {
  const crypto = await loadCrypto({ threads: 0 });
  try {
    if (args.file === "") throw new Error("--file <record.json> is required");
    if ((args.rootHash === "") !== (args.rootSum === "")) throw new Error("give both --root-hash and --root-sum");
    if (args.chain && (args.rootHash !== "" || args.keyHash !== "")) {
      throw new Error("--chain reads the root and the key hash from the chain: drop --root-hash/--root-sum/--key-hash");
    }
    const file = await readRecordFile(args.file);
    const expect: VerifyExpectations = {};
    if (args.rootHash !== "") {
      expect.root = { h: decimal("--root-hash", args.rootHash), s: decimal("--root-sum", args.rootSum) };
    }
    if (args.keyHash !== "") expect.keyHash = decimal("--key-hash", args.keyHash);
    if (args.account !== "") expect.accountId = args.account;
    if (args.payout !== undefined && args.payout !== "") {
      if (!/^0x[0-9a-fA-F]{40}$/.test(args.payout)) throw new Error("--payout must be a 0x-prefixed 20-byte address");
      expect.payout = args.payout;
    }
    if (args.chain) {
      if (hre === undefined) throw new Error("--chain needs a Hardhat network connection");
      const ctx = await consortiumContext({ deployment: args.deployment, from: "" }, hre);
      const { member, asset, t } = file.record;
      const published = await publishedTree(
        ctx.ledger.runner,
        { ledger: await ctx.ledger.getAddress(), registry: await ctx.registry.getAddress() },
        member,
        asset,
        BigInt(t),
      );
      expect.root = published.root;
      expect.keyHash = published.keyHash;
      if (args.json !== true) {
        process.stdout.write(
          `On-chain (chain ${ctx.chainId}): root ${published.root.h} sum ${published.root.s}, key hash ${published.keyHash}` +
            `${published.fraudulent ? " (this commitment has been PROVEN FRAUDULENT)" : ""}\n`,
        );
      }
    }
    const verdict = verifyRecordFile(crypto, file, expect);
    if (args.json === true) {
      process.stdout.write(JSON.stringify(verdict, null, 2) + "\n");
    } else {
      for (const c of verdict.checks) {
        process.stdout.write(`  [${c.ok ? (c.warning === true ? "warn" : "ok") : "FAIL"}] ${c.name}: ${c.detail}\n`);
      }
      process.stdout.write(`\n${verdict.summary}\n`);
    }
    if (!verdict.ok) process.exitCode = 1;
  } catch (e) {
    process.stderr.write(`verify-record failed: ${(e as Error).message}\n`);
    process.exitCode = 1;
  } finally {
    await crypto.close();
  }
}
