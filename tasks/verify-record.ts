import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { TaskError, addressInput, decimalInput, given, openClient, runTask, userInput } from "../src/client/index.js";
import { expectedRootOf, publishedTree } from "../src/consortium/index.js";
import { loadCrypto, type Crypto } from "../src/crypto/index.js";
import { readRecordFile, verifyRecordFile, type VerifyExpectations } from "../src/records/file.js";
import type { TaskOutput } from "../src/client/output.js";

export interface Args {
  /** The user's record file. */
  file: string;
  chain: boolean;
  deployment?: string;
  rootHash?: string;
  rootSum?: string;
  keyHash?: string;
  account?: string;
  payout?: string;
  json: boolean;
}

/** `hardhat record verify <file>`: check a user's record file and print a verdict a non-expert understands. */
export default async function action(args: Args, hre?: HardhatRuntimeEnvironment): Promise<void> {
  const crypto = await loadCrypto({ threads: 0 });
  await runTask("record verify", (out) => recordVerify(crypto, out, args, hre), {
    json: args.json,
    finally: () => crypto.close(),
  });
}

/** The body of `record verify`: reads the chain (no signer) only with --chain. */
export async function recordVerify(
  crypto: Crypto,
  out: TaskOutput,
  args: Args,
  hre?: HardhatRuntimeEnvironment,
): Promise<void> {
  if (given(args.rootHash) !== given(args.rootSum)) throw new TaskError("give both --root-hash and --root-sum");
  if (args.chain && (given(args.rootHash) || given(args.keyHash))) {
    throw new TaskError(
      "--chain reads the root and the key hash from the chain: drop --root-hash/--root-sum/--key-hash",
    );
  }
  const file = await userInput(() => readRecordFile(args.file));
  const expect: VerifyExpectations = {};
  if (given(args.rootHash) && given(args.rootSum)) {
    expect.root = { h: decimalInput("--root-hash", args.rootHash), s: decimalInput("--root-sum", args.rootSum) };
  }
  if (given(args.keyHash)) expect.keyHash = decimalInput("--key-hash", args.keyHash);
  if (given(args.account)) expect.accountId = args.account;
  if (given(args.payout)) expect.payout = addressInput("--payout", args.payout);
  if (args.chain) {
    if (hre === undefined) throw new TaskError("--chain needs a Hardhat network connection");
    const ctx = await openClient(hre, { deployment: args.deployment }, out);
    const { member, asset, t } = file.record;
    const addresses = { ledger: ctx.deployment.address("ledger"), registry: ctx.deployment.address("registry") };
    const published = await userInput(() => publishedTree(ctx.provider, addresses, member, asset, BigInt(t)));
    // A private set publishes no sum (its entry's is 0): only the root hash is compared.
    expect.root = expectedRootOf(published);
    expect.keyHash = published.keyHash;
    const sum = published.isPrivate ? "sum hidden (private set)" : `sum ${published.root.s}`;
    out.line(
      `On-chain (chain ${ctx.chainId}): root ${published.root.h} ${sum}, key hash ${published.keyHash}` +
        `${published.fraudulent ? " (this commitment has been PROVEN FRAUDULENT)" : ""}`,
    );
    out.set("onChain", { chainId: ctx.chainId, ...published });
  }
  const verdict = verifyRecordFile(crypto, file, expect);
  out.setAll(verdict);
  for (const c of verdict.checks) {
    out.line(`  [${c.ok ? (c.warning === true ? "warn" : "ok") : "FAIL"}] ${c.name}: ${c.detail}`);
  }
  out.line(`\n${verdict.summary}`);
  if (!verdict.ok) out.failed = true;
}
