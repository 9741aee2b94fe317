import { rename, writeFile } from "node:fs/promises";

import type { Provider } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { TaskError, decimalInput, given, openClient, runTask, userInput } from "../src/client/index.js";
import type { TaskOutput } from "../src/client/output.js";
import { releaseCurves } from "../src/circuits/index.js";
import { loadCrypto } from "../src/crypto/index.js";
import { blobSourceOf } from "../src/node/blobs.js";
import { committedLeaves } from "../src/prover/da.js";
import { checkPrivateSlotPath, fetchPrivateSlotPath } from "../src/prover/path-client.js";
import { readRecordFile } from "../src/records/file.js";
import {
  FRAUD_CIRCUIT,
  FraudProofRefused,
  proveFraud,
  readSignedRecord,
  readSlotPath,
  slotPathFromLeaves,
  slotPathInLeaves,
  type SlotPath,
} from "../src/prover/index.js";

export interface Args {
  /** The user's record file. */
  record: string;
  leaves?: string;
  path?: string;
  /** A local blob store: fetch the committed blob by its digest. */
  blobDir?: string;
  /** An EigenDA proxy: fetch the committed blob through the refs the member published on-chain. */
  eigendaUrl?: string;
  /** A recipient operator's path endpoint: fetch the committed path at the record's slot of a private set. */
  pathUrl?: string;
  deployment?: string;
  rootHash?: string;
  out: string;
  circuit?: string;
  json: boolean;
}

const KIND_TEXT = {
  "missing-user-empty-slot": "the record's slot is empty in the committed tree (missing user)",
  "missing-user-other-account": "the record's slot holds another account (missing user)",
  "under-reported": "the record's leaf holds less than the signed balance (under-reported)",
  "malformed-path": "a sum on the record's path is out of range or wrapped (malformed tree)",
} as const;

/** A FraudProofRefused (nothing to prove) in words; other errors as they are. */
export function refusal(e: unknown): unknown {
  return e instanceof FraudProofRefused ? new TaskError(`refused (${e.reason}): ${e.message}`, { cause: e }) : e;
}

/**
 * `hardhat fraud prove <record> --leaves|--path`: a user's record file and the node at its slot (from the member's
 * published leaves or an inclusion response) -> a LeafMismatch proof file, or a refusal saying why there is nothing
 * to prove.
 */
export default async function action(args: Args, hre?: HardhatRuntimeEnvironment): Promise<void> {
  await runTask(
    "fraud prove",
    async (out) => {
      let chain: ChainAccess | undefined;
      if (given(args.blobDir) || given(args.eigendaUrl) || given(args.pathUrl)) {
        if (hre === undefined) {
          throw new TaskError("--blob-dir/--eigenda-url/--path-url need a Hardhat network connection");
        }
        const ctx = await openClient(hre, { deployment: args.deployment }, out);
        chain = { provider: ctx.provider, ledger: ctx.deployment.address("ledger") };
      }
      await fraudProve(out, args, chain);
    },
    { json: args.json, finally: releaseCurves },
  );
}

/** What fetching the leaves from the DA layer reads: the chain (read-only) and the ledger's address. */
export interface ChainAccess {
  provider: Provider;
  ledger: string;
}

/** The body of `fraud prove`; `chain` is needed with --blob-dir, --eigenda-url or --path-url. */
export async function fraudProve(out: TaskOutput, args: Args, chain?: ChainAccess): Promise<void> {
  const leaves = args.leaves ?? "";
  const pathFile = args.path ?? "";
  const sources = [leaves, pathFile, args.blobDir ?? "", args.eigendaUrl ?? "", args.pathUrl ?? ""].filter(
    (s) => s !== "",
  );
  if (sources.length !== 1) {
    throw new TaskError(
      "give exactly one of --leaves <published leaves payload>, --path <slot-path.json>, --blob-dir <local blob " +
        "store>, --eigenda-url <EigenDA proxy> (these two fetch the committed blob from the DA layer) or --path-url " +
        "<operator node> (a private set: a recipient operator's node answers the path at the record's slot)",
    );
  }
  const record = await userInput(() => readSignedRecord(args.record));
  let path: SlotPath;
  let root: bigint | undefined = !given(args.rootHash) ? undefined : decimalInput("--root-hash", args.rootHash);
  if (given(args.pathUrl)) {
    if (chain === undefined) throw new TaskError("--path-url needs a chain connection (--network)");
    const url = args.pathUrl;
    const file = await userInput(() => readRecordFile(args.record));
    const answer = await userInput(() => fetchPrivateSlotPath(url, file));
    const committed = await userInput(() => checkPrivateSlotPath(chain.provider, chain.ledger, file, answer, url));
    if (root !== undefined && root !== committed) {
      throw new TaskError(`the member committed root hash ${committed} for this record, not the given ${root}`);
    }
    path = answer.path;
    root = committed;
    out.set("pathOperator", answer.file.operator);
    out.line(`fetched the committed path at slot ${answer.file.slot} from operator ${answer.file.operator} (${url})`);
  } else if (given(args.blobDir) || given(args.eigendaUrl)) {
    if (chain === undefined) throw new TaskError("--blob-dir/--eigenda-url need a chain connection (--network)");
    const member = `0x${record.member.toString(16).padStart(40, "0")}`;
    const at = { member, asset: Number(record.asset), t: record.t };
    const fetched = await userInput(async () => {
      const source = blobSourceOf(args, chain.provider, chain.ledger);
      if (source === undefined) throw new TaskError("--blob-dir or --eigenda-url is needed to fetch the leaves");
      return committedLeaves(chain.provider, chain.ledger, at, source);
    });
    if (root !== undefined && root !== fetched.rootHash) {
      throw new TaskError(`the member committed root hash ${fetched.rootHash} for this record, not the given ${root}`);
    }
    const crypto = await loadCrypto({ threads: 0 });
    try {
      const fromLeaves = await userInput(() =>
        slotPathInLeaves(crypto, fetched.leaves, record.slot, `blob ${fetched.blobDigest}`),
      );
      if (fromLeaves.rootHash !== fetched.rootHash) {
        throw new TaskError(
          `blob ${fetched.blobDigest} rebuilds to root hash ${fromLeaves.rootHash}, ` +
            `not the committed ${fetched.rootHash}`,
        );
      }
      path = fromLeaves.path;
    } finally {
      await crypto.close();
    }
    root = fetched.rootHash;
    out.set("blobDigest", fetched.blobDigest);
    out.line(`fetched the committed leaves (blob ${fetched.blobDigest}) from the DA layer`);
  } else if (leaves !== "") {
    const fromLeaves = await userInput(() => slotPathFromLeaves(leaves, record.slot));
    const h = fromLeaves.header;
    if (h.member !== record.member || BigInt(h.asset) !== record.asset || h.t !== record.t) {
      throw new TaskError(
        `${leaves} is the tree of member 0x${h.member.toString(16)}, asset ${h.asset}, t ${h.t}; ` +
          "the record is about another (member, asset, t)",
      );
    }
    if (root !== undefined && root !== fromLeaves.rootHash) {
      throw new TaskError(`${leaves} rebuilds to root hash ${fromLeaves.rootHash}, not the given ${root}`);
    }
    path = fromLeaves.path;
    root = fromLeaves.rootHash;
  } else {
    const fromFile = await userInput(() => readSlotPath(pathFile));
    if (root !== undefined && fromFile.rootHash !== undefined && root !== fromFile.rootHash) {
      throw new TaskError(`${pathFile} states root hash ${fromFile.rootHash}, not the given ${root}`);
    }
    path = fromFile.path;
    root ??= fromFile.rootHash;
  }

  const circuit = given(args.circuit) ? args.circuit : FRAUD_CIRCUIT;
  const { file, timings } = await proveFraud({ record, path, expectedRoot: root }, { circuit }).catch((e: unknown) => {
    throw refusal(e);
  });
  const tmp = `${args.out}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(file, null, 2)}\n`);
  await rename(tmp, args.out);
  const s = file.publicSignals;
  out.line(`Fraud proven: ${KIND_TEXT[file.kind]}.`);
  out.line(`  member ${s.member}, asset ${s.asset}, t ${s.t}`);
  out.line(
    `  claim ${s.claim} base units, booked to the record's payout ` +
      (BigInt(s.payoutHash) === 0n
        ? "(none registered: it waits for governance to assign one)"
        : `(payout hash ${s.payoutHash})`),
  );
  out.line(`  nullifier ${s.nullifier}`);
  out.line(`  proof (${circuit}) written to ${args.out} in ${(timings.witnessAndProve / 1000).toFixed(2)} s`);
  out.setAll({ file: args.out, kind: file.kind, circuit, publicSignals: s });
}
