// Every Hardhat task of the project, declared here and listed in hardhat.config.ts.
// Each task is thin: its action lives in its own file under tasks/ and calls the library in src/.
import { task } from "hardhat/config";
import { ArgumentType } from "hardhat/types/arguments";
import type { NewTaskDefinition } from "hardhat/types/tasks";

// --- circuits and the ceremony (src/circuits) ---
const circuitTasks: NewTaskDefinition[] = [
  task("circuits", "Compile the circuits, run the cached development ceremony, export verifiers and keys")
    .addFlag({ name: "check", description: "Compare with the committed verifiers and keys instead of writing them" })
    .addOption({ name: "only", description: "Comma-separated instance names (default: all)", defaultValue: "" })
    .setAction(() => import("./circuits.js"))
    .build(),
  task("ceremony:start", "Start a production phase-2 ceremony for one circuit from a prepared powers-of-tau file")
    .addOption({ name: "circuit", description: "Circuit instance name", defaultValue: "" })
    .addOption({ name: "ptau", description: "Prepared powers-of-tau file", defaultValue: "" })
    .addOption({ name: "dir", description: "Ceremony directory (new)", defaultValue: "" })
    .setAction(async () => ({ default: (await import("./ceremony.js")).start }))
    .build(),
  task("ceremony:contribute", "Add a contribution (fresh randomness) to a production ceremony")
    .addOption({ name: "dir", description: "Ceremony directory", defaultValue: "" })
    .addOption({ name: "name", description: "Contributor's public name", defaultValue: "" })
    .addOption({ name: "entropy", description: "Extra entropy mixed into the randomness", defaultValue: "" })
    .setAction(async () => ({ default: (await import("./ceremony.js")).contributeAction }))
    .build(),
  task("ceremony:verify", "Verify a ceremony's zkey against the circuit and the powers of tau")
    .addOption({ name: "circuit", description: "Circuit instance name", defaultValue: "" })
    .addOption({ name: "ptau", description: "Prepared powers-of-tau file", defaultValue: "" })
    .addOption({ name: "zkey", description: "zkey to verify", defaultValue: "" })
    .setAction(async () => ({ default: (await import("./ceremony.js")).verify }))
    .build(),
  task("ceremony:finalize", "Close a production ceremony with a public beacon and export its verifier")
    .addOption({ name: "dir", description: "Ceremony directory", defaultValue: "" })
    .addOption({ name: "ptau", description: "Prepared powers-of-tau file", defaultValue: "" })
    .addOption({ name: "beacon", description: "Public beacon: 32 bytes of hex", defaultValue: "" })
    .addOption({
      name: "iterations",
      description: "Beacon iterations exponent",
      type: ArgumentType.INT,
      defaultValue: 10,
    })
    .setAction(async () => ({ default: (await import("./ceremony.js")).finalize }))
    .build(),
];

// --- liabilities engine (src/records, src/tree, src/snapshot) ---
const liabilityTasks: NewTaskDefinition[] = [
  task("keygen", "Generate a member's record key and member secret into a new encrypted keystore file")
    .addOption({ name: "keystore", description: "Keystore file to create", defaultValue: "" })
    .addOption({ name: "member", description: "The member's 0x address", defaultValue: "" })
    .setAction(() => import("./keygen.js"))
    .build(),
  task("snapshot", "Sign every user's balance record, build the liability trees, write leaves and a summary")
    .addOption({ name: "ledger", description: "Ledger file (.csv or .jsonl)", defaultValue: "" })
    .addOption({ name: "assets", description: "Asset list (JSON)", defaultValue: "" })
    .addOption({
      name: "keystore",
      description: "Member keystore (password from POR_KEYSTORE_PASSWORD)",
      defaultValue: "",
    })
    .addOption({ name: "time", description: "Snapshot time, Unix seconds (default: now)", defaultValue: "" })
    .addOption({ name: "out", description: "Output parent directory", defaultValue: "snapshots" })
    .addOption({ name: "depth", description: "Tree depth D", type: ArgumentType.INT, defaultValue: 32 })
    .addOption({
      name: "slotBits",
      description: "Slot bits d (0: ceil(log2 n) + 4)",
      type: ArgumentType.INT,
      defaultValue: 0,
    })
    .addFlag({ name: "noRecords", description: "Skip the per-user record files" })
    .setAction(() => import("./snapshot.js"))
    .build(),
  task("verify-record", "Check a user's record file: signature, key, inclusion, and the published root")
    .addOption({ name: "file", description: "The user's record file", defaultValue: "" })
    .addOption({ name: "rootHash", description: "Published root hash (decimal)", defaultValue: "" })
    .addOption({ name: "rootSum", description: "Published root sum (decimal)", defaultValue: "" })
    .addOption({ name: "keyHash", description: "Registered record key hash (decimal)", defaultValue: "" })
    .addOption({ name: "account", description: "Your account id (the file must be about it)", defaultValue: "" })
    .setAction(() => import("./verify-record.js"))
    .build(),
];

// --- fraud proofs (src/prover) ---
const proverTasks: NewTaskDefinition[] = [
  task("prove-fraud", "Prove that a member's committed tree does not honour a user's signed record (LeafMismatch)")
    .addOption({ name: "record", description: "The user's record file (por.record v1)", defaultValue: "" })
    .addOption({
      name: "leaves",
      description: "The member's published leaves payload for the record's tree",
      defaultValue: "",
    })
    .addOption({
      name: "path",
      description: "Or: an inclusion response for the slot (por.slot-path v1)",
      defaultValue: "",
    })
    .addOption({
      name: "rootHash",
      description: "The committed root hash (decimal); the path must reach it",
      defaultValue: "",
    })
    .addOption({ name: "recipient", description: "0x address the restitution claim is paid to", defaultValue: "" })
    .addOption({ name: "out", description: "Output proof file", defaultValue: "fraud-proof.json" })
    .addOption({ name: "circuit", description: "Circuit instance (default LeafMismatch32)", defaultValue: "" })
    .setAction(() => import("./prove-fraud.js"))
    .build(),
];

export const taskDefinitions: NewTaskDefinition[] = [...circuitTasks, ...liabilityTasks, ...proverTasks];
