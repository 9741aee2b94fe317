// Where `ledger commit` takes the values beyond the summary: reserves from the member's PoA, blob digests from its
// blob-refs file, explicit lists winning; files of another member or time are refused, naming the file.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { ZeroAddress, keccak256, toUtf8Bytes } from "ethers";

import {
  commitOverridesFrom,
  commitmentsFromSummary,
  summaryFileOf,
  type SnapshotSummary,
} from "../../src/consortium/index.js";

const MEMBER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const LEDGER = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const WALLET = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const DIGEST = keccak256(toUtf8Bytes("blob of asset 1"));

const summary: SnapshotSummary = {
  format: "por.snapshot",
  version: 1,
  member: MEMBER.toLowerCase(),
  t: "1700000000",
  D: 32,
  recordKey: { Ax: "1", Ay: "2", keyHash: "3" },
  assets: [
    {
      id: 1,
      symbol: "ETH",
      decimals: 18,
      d: 6,
      accounts: 3,
      total: "3750",
      rootHash: "11",
      rootSum: "3750",
      leavesFile: "leaves-1.bin",
      leavesSha256: "00".repeat(32),
    },
  ],
} as SnapshotSummary;

const poa = (member: string, t: string) => ({
  format: "por.poa",
  version: 1,
  chainId: "31337",
  ledger: LEDGER,
  reserveRegistry: LEDGER,
  member,
  t,
  requestId: "0",
  block: { number: 5, hash: "0x" + "ab".repeat(32), timestamp: 1700000001 },
  wallets: [{ wallet: WALLET, kind: "eoa", signature: "0x" + "11".repeat(65) }],
  assets: [{ asset: 1, token: ZeroAddress, total: "5000", balances: [{ wallet: WALLET, balance: "5000" }] }],
});

const refs = (member: string, t: string) => ({
  format: "por.blob-refs",
  version: 1,
  chainId: "31337",
  ledger: LEDGER,
  member,
  t,
  requestId: "0",
  blobs: [{ asset: 1, ref: { store: "local", commitment: DIGEST, keccak256: DIGEST, size: 10, chunks: 0 } }],
});

describe("ledger commit inputs from the PoA and the blob-refs file", function () {
  it("reads reserves and digests from the files, lets explicit lists win, and refuses another snapshot's files", async function () {
    const dir = await mkdtemp(join(tmpdir(), "por-commit-"));
    const write = async (name: string, json: unknown) => {
      await writeFile(join(dir, name), JSON.stringify(json));
      return join(dir, name);
    };
    const poaFile = await write("poa.json", poa(MEMBER, "1700000000"));
    const refsFile = await write("refs.json", refs(MEMBER, "1700000000"));
    const fromFiles = await commitOverridesFrom(summary, { poa: poaFile, refs: refsFile });
    const [c] = await commitmentsFromSummary(summary, join(dir, "summary.json"), fromFiles);
    expect(c).to.deep.equal({ asset: 1, rootHash: 11n, rootSum: 3750n, reserves: 5000n, blobDigest: DIGEST });

    const explicit = await commitOverridesFrom(summary, { poa: poaFile, refs: refsFile, reserves: "1=7" });
    expect(explicit.reserves?.get(1)).to.equal(7n);

    // A snapshot is named by its directory or its summary.json.
    expect(await summaryFileOf(dir)).to.equal(join(dir, "summary.json"));
    expect(await summaryFileOf(poaFile)).to.equal(poaFile);

    const other = await write("other-poa.json", poa(MEMBER, "1700000001"));
    await commitOverridesFrom(summary, { poa: other }).then(
      () => expect.fail("another t's PoA was accepted"),
      (e: Error) => expect(e.message).to.match(/other-poa\.json is the PoA of member .* at t 1700000001/),
    );
    await commitOverridesFrom(summary, { reserves: "1=x" }).then(
      () => expect.fail("a bad --reserves was accepted"),
      (e: Error) => expect(e.message).to.contain("--reserves: x is not a decimal integer"),
    );
    await commitmentsFromSummary(summary, join(dir, "summary.json"), {}).then(
      () => expect.fail("no reserves was accepted"),
      (e: Error) => expect(e.message).to.contain("pass --poa <poa.json> or --reserves 1=<base units>"),
    );
  });
});
