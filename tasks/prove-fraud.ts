import { rename, writeFile } from "node:fs/promises";

import { releaseCurves } from "../src/circuits/index.js";
import {
  FRAUD_CIRCUIT,
  FraudProofRefused,
  proveFraud,
  readSignedRecord,
  readSlotPath,
  slotPathFromLeaves,
  type SlotPath,
} from "../src/prover/index.js";

interface ProveFraudArgs {
  record: string;
  leaves: string;
  path: string;
  rootHash: string;
  out: string;
  circuit: string;
}

const KIND_TEXT = {
  "missing-user-empty-slot": "the record's slot is empty in the committed tree (missing user)",
  "missing-user-other-account": "the record's slot holds another account (missing user)",
  "under-reported": "the record's leaf holds less than the signed balance (under-reported)",
  "malformed-path": "a sum on the record's path is out of range or wrapped (malformed tree)",
} as const;

function decimal(name: string, v: string): bigint {
  if (!/^(0|[1-9][0-9]{0,77})$/.test(v)) throw new Error(`${name} must be a decimal integer`);
  return BigInt(v);
}

/**
 * `hardhat prove-fraud`: a user's record file and the node at its slot (from the member's published leaves or
 * an inclusion response) -> a LeafMismatch proof file, or a refusal saying why there is nothing to prove.
 */
export default async function proveFraudTask(args: ProveFraudArgs): Promise<void> {
  try {
    if (args.record === "") throw new Error("--record <record.json> is required");
    if ((args.leaves === "") === (args.path === "")) {
      throw new Error("give exactly one of --leaves <published leaves payload> or --path <slot-path.json>");
    }
    const record = await readSignedRecord(args.record);
    let path: SlotPath;
    let root: bigint | undefined = args.rootHash === "" ? undefined : decimal("--root-hash", args.rootHash);
    if (args.leaves !== "") {
      const fromLeaves = await slotPathFromLeaves(args.leaves, record.slot);
      const h = fromLeaves.header;
      if (h.member !== record.member || BigInt(h.asset) !== record.asset || h.t !== record.t) {
        throw new Error(
          `${args.leaves} is the tree of member 0x${h.member.toString(16)}, asset ${h.asset}, t ${h.t}; ` +
            "the record is about another (member, asset, t)",
        );
      }
      if (root !== undefined && root !== fromLeaves.rootHash) {
        throw new Error(`${args.leaves} rebuilds to root hash ${fromLeaves.rootHash}, not the given ${root}`);
      }
      path = fromLeaves.path;
      root = fromLeaves.rootHash;
    } else {
      const fromFile = await readSlotPath(args.path);
      if (root !== undefined && fromFile.rootHash !== undefined && root !== fromFile.rootHash) {
        throw new Error(`${args.path} states root hash ${fromFile.rootHash}, not the given ${root}`);
      }
      path = fromFile.path;
      root ??= fromFile.rootHash;
    }

    const circuit = args.circuit === "" ? FRAUD_CIRCUIT : args.circuit;
    const { file, timings } = await proveFraud({ record, path, expectedRoot: root }, { circuit });
    const tmp = `${args.out}.tmp-${process.pid}`;
    await writeFile(tmp, `${JSON.stringify(file, null, 2)}\n`);
    await rename(tmp, args.out);
    process.stdout.write(
      `Fraud proven: ${KIND_TEXT[file.kind]}.\n` +
        `  member ${file.publicSignals.member}, asset ${file.publicSignals.asset}, t ${file.publicSignals.t}\n` +
        `  claim ${file.publicSignals.claim} base units, booked to the record's payout ` +
        (BigInt(file.publicSignals.payoutHash) === 0n
          ? "(none registered: it waits for governance to assign one)\n"
          : `(payout hash ${file.publicSignals.payoutHash})\n`) +
        `  nullifier ${file.publicSignals.nullifier}\n` +
        `  proof (${circuit}) written to ${args.out} in ${(timings.witnessAndProve / 1000).toFixed(2)} s\n`,
    );
  } catch (e) {
    if (e instanceof FraudProofRefused) {
      process.stderr.write(`prove-fraud refused (${e.reason}): ${e.message}\n`);
    } else {
      process.stderr.write(`prove-fraud failed: ${(e as Error).message}\n`);
    }
    process.exitCode = 1;
  } finally {
    await releaseCurves();
  }
}
