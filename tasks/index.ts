// Every Hardhat task of the project, declared here and listed in hardhat.config.ts.
// Each task is thin: its action lives in its own file under tasks/ and calls the library in src/.
import { emptyTask, task } from "hardhat/config";
import { ArgumentType } from "hardhat/types/arguments";
import type { NewTaskDefinition, TaskDefinition } from "hardhat/types/tasks";

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

// --- the contracts' ABIs and enums for the TypeScript side (src/codegen, src/generated) ---
const abiTasks: NewTaskDefinition[] = [
  task("abi", "Build the contracts and write their ABIs and enums to src/generated/abi.ts")
    .addFlag({ name: "check", description: "Compare with the committed src/generated/abi.ts instead of writing it" })
    .setAction(() => import("./abi.js"))
    .build(),
  task("schemas", "Write the JSON Schemas of every por.* format to docs/schemas from the zod schemas")
    .addFlag({ name: "check", description: "Compare with the committed docs/schemas instead of writing them" })
    .setAction(() => import("./schemas.js"))
    .build(),
];

// --- liabilities engine (src/records, src/tree, src/snapshot) ---
const liabilityTasks: NewTaskDefinition[] = [
  task("keygen", "Generate a member's record key and member secret into a new encrypted keystore file")
    .addOption({ name: "keystore", description: "Keystore file to create", defaultValue: "" })
    .addOption({ name: "member", description: "The member's 0x address", defaultValue: "" })
    .addOption({
      name: "passwordVar",
      description: "Read the password from this configuration variable (Hardhat keystore or env)",
      defaultValue: "",
    })
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
    .addOption({
      name: "passwordVar",
      description: "Read the keystore password from this configuration variable (Hardhat keystore or env)",
      defaultValue: "",
    })
    .setAction(() => import("./snapshot.js"))
    .build(),
  task("verify-record", "Check a user's record file: signature, key, inclusion, and the published root")
    .addOption({ name: "file", description: "The user's record file", defaultValue: "" })
    .addOption({ name: "rootHash", description: "Published root hash (decimal)", defaultValue: "" })
    .addOption({ name: "rootSum", description: "Published root sum (decimal)", defaultValue: "" })
    .addOption({ name: "keyHash", description: "Registered record key hash (decimal)", defaultValue: "" })
    .addOption({ name: "account", description: "Your account id (the file must be about it)", defaultValue: "" })
    .addOption({
      name: "payout",
      description: "Your payout address (0x): the record's payout must open to it",
      defaultValue: "",
    })
    .addFlag({ name: "json", description: "Print the verdict as JSON (checks and summary)" })
    .addFlag({ name: "chain", description: "Read the committed root and the registered key hash from the network" })
    .addOption({ name: "deployment", description: "Ignition deployment directory (with --chain)", defaultValue: "" })
    .setAction(() => import("./verify-record.js"))
    .build(),
];

// --- fraud proofs (src/prover) ---
const proverTasks: NewTaskDefinition[] = [
  task("prove-fraud", "Prove that a member's committed tree does not honour a user's signed record (LeafMismatch)")
    .addOption({ name: "record", description: "The user's record file (por.record v2)", defaultValue: "" })
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
    .addOption({ name: "out", description: "Output proof file", defaultValue: "fraud-proof.json" })
    .addOption({ name: "circuit", description: "Circuit instance (default LeafMismatch32)", defaultValue: "" })
    .setAction(() => import("./prove-fraud.js"))
    .build(),
  task(
    "prove-root-sum",
    "Prove that a member's committed root sum is not the sum its committed root hash binds (RootSumMismatch)",
  )
    .addOption({ name: "leaves", description: "The member's published leaves payload of the tree", defaultValue: "" })
    .addOption({ name: "path", description: "Or: any slot path of the tree (por.slot-path v1)", defaultValue: "" })
    .addOption({ name: "member", description: "With --path: the member's 0x address", defaultValue: "" })
    .addOption({ name: "asset", description: "With --path: the asset id", defaultValue: "" })
    .addOption({ name: "t", description: "With --path: the snapshot time", defaultValue: "" })
    .addOption({ name: "rootSum", description: "The root sum the member committed (decimal)", defaultValue: "" })
    .addOption({ name: "out", description: "Output proof file", defaultValue: "root-sum-proof.json" })
    .setAction(() => import("./prove-root-sum.js"))
    .build(),
];

// --- membership, reserves, collateral, restitution claims, ejection (src/members, src/chain) ---
// Common options: --from (account index or address; default the first account), --address (contract address;
// default from ignition/deployments/chain-<id>/deployed_addresses.json).
const fromOption = {
  name: "from" as const,
  description: "Signing account: index or address (default: first)",
  defaultValue: "",
};
const addressOption = (contract: string) => ({
  name: "address" as const,
  description: `${contract} address (default: from the Ignition deployment)`,
  defaultValue: "",
});
const memberTasks: NewTaskDefinition[] = [
  task("member:apply", "Apply for membership (the signer becomes an Applied member)")
    .addOption({ name: "profile", description: "Profile: a 32-byte hex digest, or text to hash", defaultValue: "" })
    .addOption(fromOption)
    .addOption(addressOption("ConsortiumRegistry"))
    .setAction(() => import("./member-apply.js"))
    .build(),
  task("member:approve-genesis", "Auditor: approve a member's genesis (Applied -> Probation)")
    .addOption({ name: "member", description: "The member's 0x address", defaultValue: "" })
    .addOption({ name: "digest", description: "Genesis report digest (0x, 32 bytes)", defaultValue: "" })
    .addOption({ name: "report", description: "Or: the report file (digest = keccak256 of it)", defaultValue: "" })
    .addOption(fromOption)
    .addOption(addressOption("ConsortiumRegistry"))
    .setAction(() => import("./member-approve-genesis.js"))
    .build(),
  task("member:activate", "Probation -> Active (governance any time; anyone after the probation period)")
    .addOption({ name: "member", description: "The member (default: the signer)", defaultValue: "" })
    .addOption(fromOption)
    .addOption(addressOption("ConsortiumRegistry"))
    .setAction(() => import("./member-activate.js"))
    .build(),
  task(
    "member:register-key",
    "Register the signer's next record key (Probation or Active members; rotation closes the previous one)",
  )
    .addOption({ name: "keystore", description: "por.keystore file (public key read, no password)", defaultValue: "" })
    .addOption({ name: "ax", description: "Or: key Ax (decimal)", defaultValue: "" })
    .addOption({ name: "ay", description: "Or: key Ay (decimal)", defaultValue: "" })
    .addOption({ name: "validFrom", description: "First valid second (default: latest block + 120)", defaultValue: "" })
    .addOption(fromOption)
    .addOption(addressOption("ConsortiumRegistry"))
    .setAction(() => import("./member-register-key.js"))
    .build(),
  task("member:status", "Show a member's lifecycle state, SLA, keys, collateral and reserves")
    .addOption({ name: "member", description: "The member (default: the signer)", defaultValue: "" })
    .addFlag({ name: "json", description: "Print JSON" })
    .addOption(fromOption)
    .addOption(addressOption("ConsortiumRegistry"))
    .setAction(() => import("./member-status.js"))
    .build(),
  task("reserve:register", "Register a reserve wallet for the signer, signed by the wallet (EIP-712)")
    .addOption({ name: "wallet", description: "Reserve wallet address (a Hardhat account signs)", defaultValue: "" })
    .addOption({
      name: "walletKeyVar",
      description: "Or: config variable / keystore key with its key",
      defaultValue: "",
    })
    .addOption({ name: "signatureFile", description: "Or: signature file (contract wallets)", defaultValue: "" })
    .addOption({
      name: "writeRequest",
      description: "Write the message to sign to this file and stop",
      defaultValue: "",
    })
    .addOption({
      name: "deadlineMinutes",
      description: "Signature validity in minutes",
      type: ArgumentType.INT,
      defaultValue: 60,
    })
    .addOption(fromOption)
    .addOption(addressOption("ReserveRegistry"))
    .setAction(() => import("./reserve-register.js"))
    .build(),
  task("collateral:deposit", "Deposit ETH or an approved ERC-20 as collateral")
    .addOption({ name: "token", description: "ETH or the token address", defaultValue: "ETH" })
    .addOption({
      name: "amount",
      description: "Amount in whole units (1.5) or base units (1500units)",
      defaultValue: "",
    })
    .addOption({ name: "member", description: "Member credited (default: the signer)", defaultValue: "" })
    .addOption(fromOption)
    .addOption(addressOption("CollateralVault"))
    .setAction(() => import("./collateral-deposit.js"))
    .build(),
  task("collateral:request-withdrawal", "Start the unbonding delay for part of the signer's collateral")
    .addOption({ name: "token", description: "ETH or the token address", defaultValue: "ETH" })
    .addOption({
      name: "amount",
      description: "Amount in whole units (1.5) or base units (1500units)",
      defaultValue: "",
    })
    .addOption(fromOption)
    .addOption(addressOption("CollateralVault"))
    .setAction(() => import("./collateral-request-withdrawal.js"))
    .build(),
  task("collateral:withdraw", "Pay out the signer's pending withdrawal after the unbonding delay")
    .addOption({ name: "token", description: "ETH or the token address", defaultValue: "ETH" })
    .addOption(fromOption)
    .addOption(addressOption("CollateralVault"))
    .setAction(() => import("./collateral-withdraw.js"))
    .build(),
  task("member:eject-undercollateralized", "Anyone: eject a slashed member whose stake weight is below its SLA minimum")
    .addOption({ name: "member", description: "The member's 0x address", defaultValue: "" })
    .addOption(fromOption)
    .addOption(addressOption("Adjudicator"))
    .setAction(() => import("./member-eject-undercollateralized.js"))
    .build(),
  task(
    "fund:pay-claim",
    "Pay a booked claim its share of its closed claim round (anyone; the money goes only to the record's payout)",
  )
    .addOption({ name: "nullifier", description: "The record's nullifier (decimal or 0x)", defaultValue: "" })
    .addOption({ name: "member", description: "The accused member's 0x address", defaultValue: "" })
    .addOption({ name: "payout", description: "The record's payout address (0x)", defaultValue: "" })
    .addOption({ name: "salt", description: "The record's payout salt (decimal or 0x)", defaultValue: "" })
    .addOption(fromOption)
    .addOption(addressOption("Adjudicator"))
    .setAction(() => import("./fund-pay-claim.js"))
    .build(),
];

// --- commitments, requests, quorum, adjudication, reputation (src/consortium; engineer C2) ---
// Common options: --from (account index or address; default the first), --deployment (Ignition deployment dir;
// default ignition/deployments/chain-<id>).
const consortiumFrom = {
  name: "from" as const,
  description: "Sending/signing account: index or address (default: first)",
  defaultValue: "",
};
const consortiumDeployment = {
  name: "deployment" as const,
  description: "Ignition deployment directory (default: ignition/deployments/chain-<chainId>)",
  defaultValue: "",
};
const consortiumTasks: NewTaskDefinition[] = [
  task("commit-roots", "Member: commit a snapshot's per-asset roots from the engine's summary.json")
    .addOption({ name: "summary", description: "The snapshot's summary.json", defaultValue: "" })
    .addOption({ name: "reserves", description: "Reserves per asset: <id>=<base units>,...", defaultValue: "" })
    .addOption({
      name: "blobDigests",
      description: "DA blob digests: <id>=0x<keccak256>,... (default: keccak256 of the leaves file)",
      defaultValue: "",
    })
    .addOption(consortiumFrom)
    .addOption(consortiumDeployment)
    .setAction(() => import("./commit-roots.js"))
    .build(),
  task("publish-blob-refs", "Member: publish on-chain where each committed asset's DA blob is (poa:build's refs)")
    .addOption({ name: "refs", description: "The blob-refs file poa:build wrote (por.blob-refs)", defaultValue: "" })
    .addOption(consortiumFrom)
    .addOption(consortiumDeployment)
    .setAction(() => import("./publish-blob-refs.js"))
    .build(),
  task("request-proof", "Verifier: ask a member to prove a past snapshot (pays the request fee)")
    .addOption({ name: "member", description: "The member's 0x address", defaultValue: "" })
    .addOption({ name: "t", description: "Snapshot time (Unix seconds, in the past)", defaultValue: "" })
    .addOption(consortiumFrom)
    .addOption(consortiumDeployment)
    .setAction(() => import("./request-proof.js"))
    .build(),
  task("submit-fraud", "Anyone: submit a prove-fraud output to the Adjudicator (bounty to the sender)")
    .addOption({
      name: "proof",
      description: "The fraud-proof file (por.fraud-proof v2)",
      defaultValue: "",
    })
    .addOption(consortiumFrom)
    .addOption(consortiumDeployment)
    .setAction(() => import("./submit-fraud.js"))
    .build(),
  task("respond-request", "Member: answer a proof request (the committed set, or --summary for an uncommitted t)")
    .addOption({ name: "request", description: "Request id", defaultValue: "" })
    .addOption({ name: "summary", description: "summary.json of the requested t, if not committed", defaultValue: "" })
    .addOption({ name: "reserves", description: "With --summary: <id>=<base units>,...", defaultValue: "" })
    .addOption({ name: "blobDigests", description: "With --summary: <id>=0x<keccak256>,...", defaultValue: "" })
    .addOption(consortiumFrom)
    .addOption(consortiumDeployment)
    .setAction(() => import("./respond-request.js"))
    .build(),
  task("report-missed-deadline", "Anyone: slash a member that missed a proof request's deadline")
    .addOption({
      name: "request",
      description: "Request id",
      defaultValue: "",
    })
    .addOption(consortiumFrom)
    .addOption(consortiumDeployment)
    .setAction(() => import("./report-missed-deadline.js"))
    .build(),
  task("attest", "Operator: sign a quorum attestation on a commitment set or an answered request")
    .addOption({ name: "member", description: "Member (with --t) whose set is attested", defaultValue: "" })
    .addOption({ name: "t", description: "Snapshot time of the set", defaultValue: "" })
    .addOption({ name: "request", description: "Or: an answered request id", defaultValue: "" })
    .addOption({ name: "verdict", description: "solvent or insolvent", defaultValue: "" })
    .addOption({ name: "out", description: "Output file (default attestation-<signer>.json)", defaultValue: "" })
    .addOption(consortiumFrom)
    .addOption(consortiumDeployment)
    .setAction(() => import("./attest.js"))
    .build(),
  task("submit-quorum", "Aggregator: post operators' attestations (sorted signatures) to the ledger")
    .addOption({
      name: "files",
      description: "Comma-separated attestation files",
      defaultValue: "",
    })
    .addOption(consortiumFrom)
    .addOption(consortiumDeployment)
    .setAction(() => import("./submit-quorum.js"))
    .build(),
  task("consortium:status", "A member's status, commitments, requests and reputation")
    .addOption({ name: "member", description: "The member's 0x address (default: --from)", defaultValue: "" })
    .addOption({ name: "limit", description: "How many recent sets/requests", type: ArgumentType.INT, defaultValue: 5 })
    .addOption(consortiumFrom)
    .addOption(consortiumDeployment)
    .setAction(() => import("./consortium-status.js"))
    .build(),
];

// --- proof of assets, operator node, aggregator (src/poa, src/node, src/aggregator) ---
const operatorTasks: NewTaskDefinition[] = [
  task("poa:build", "Member: build the proof of assets for snapshot time t (and the per-asset DA blobs)")
    .addOption({ name: "member", description: "The member (default: the first account)", defaultValue: "" })
    .addOption({ name: "t", description: "Snapshot time, Unix seconds", defaultValue: "" })
    .addOption({ name: "requestId", description: "Request answered (0: own snapshot)", defaultValue: "0" })
    .addOption({ name: "assets", description: "Comma-separated asset ids", defaultValue: "1" })
    .addFlag({ name: "hardhatAccounts", description: "Sign with the network's accounts (wallets they control)" })
    .addOption({
      name: "keystores",
      description: "Ethereum JSON keystores of wallets (POR_WALLET_PASSWORD)",
      defaultValue: "",
    })
    .addOption({ name: "signatures", description: "por.poa-signatures files (comma-separated)", defaultValue: "" })
    .addFlag({ name: "skipUnsigned", description: "Leave out wallets without a signature instead of failing" })
    .addOption({ name: "leaves", description: "Build blobs: <assetId>=<leaves-N.bin>,...", defaultValue: "" })
    .addOption({ name: "blobDir", description: "Local blob store directory for --leaves", defaultValue: "" })
    .addOption({ name: "eigendaUrl", description: "Or: EigenDA proxy URL for --leaves' blobs", defaultValue: "" })
    .addOption({
      name: "refs",
      description: "Write the blobs' refs (por.blob-refs) here (default: <out>.blob-refs.json)",
      defaultValue: "",
    })
    .addOption({ name: "out", description: "Write the PoA here (default: stdout)", defaultValue: "" })
    .addOption({ name: "deployment", description: "Ignition deployment directory", defaultValue: "" })
    .setAction(() => import("./poa-build.js"))
    .build(),
  task("node:run", "Operator: run the operator node (follower, verifier, watchtower) from a por.node-config file")
    .addOption({ name: "configFile", description: "Node configuration file (por.node-config)", defaultValue: "" })
    .addFlag({ name: "create", description: "Create the node's database (first run); otherwise it must exist" })
    .setAction(() => import("./node-run.js"))
    .build(),
  task("aggregator:serve", "Run the attestation aggregator from a por.aggregator-config file")
    .addOption({ name: "configFile", description: "Aggregator configuration file", defaultValue: "" })
    .addFlag({ name: "create", description: "Create the aggregator's database (first run); otherwise it must exist" })
    .setAction(() => import("./aggregator-serve.js"))
    .build(),
];

// --- verifier service (src/verifier-service) ---
const verifierTasks: NewTaskDefinition[] = [
  task("verifier:serve", "Run the verifier service: collect forwarded records, report coverage, request proofs")
    .addOption({ name: "port", description: "HTTP port", type: ArgumentType.INT, defaultValue: 8787 })
    .addOption({ name: "host", description: "Interface to listen on", defaultValue: "127.0.0.1" })
    .addOption({ name: "db", description: "SQLite file path or postgres:// URL", defaultValue: "verifier.db" })
    .addFlag({ name: "create", description: "Create the SQLite database if missing (first run); else it must exist" })
    .addFlag({ name: "trustProxy", description: "Rate-limit by X-Forwarded-For (behind a reverse proxy only)" })
    .addOption({ name: "rpcNetwork", description: "Network to read (default: --network)", defaultValue: "" })
    .addOption({ name: "registry", description: "ConsortiumRegistry address", defaultValue: "" })
    .addOption({ name: "ledger", description: "CommitmentLedger address", defaultValue: "" })
    .addFlag({ name: "schedule", description: "Request back-in-time proofs (signs with the network's first account)" })
    .addOption({
      name: "intervalSeconds",
      description: "Seconds between request rounds",
      type: ArgumentType.INT,
      defaultValue: 3600,
    })
    .addOption({
      name: "minRecords",
      description: "Records needed to request a snapshot",
      type: ArgumentType.INT,
      defaultValue: 10,
    })
    .addOption({
      name: "minAgeSeconds",
      description: "Only request snapshots at least this old",
      type: ArgumentType.INT,
      defaultValue: 86_400,
    })
    .addFlag({ name: "requireCommitted", description: "Refuse records of snapshots not committed on-chain" })
    .addOption({ name: "logLevel", description: "debug, info, warn or error", defaultValue: "info" })
    .setAction(() => import("./verifier-serve.js"))
    .build(),
];

// --- the end-to-end demo (src/demo, scripts/demo.ts; docs/demo.md) ---
const demoTasks: NewTaskDefinition[] = [
  task("demo", "The end-to-end demo: chain, consortium, snapshots, operators, a cheat caught by a fraud proof, report")
    .addOption({ name: "users", description: "Users per member", type: ArgumentType.INT, defaultValue: 2000 })
    .addOption({ name: "members", description: "Members (2-8)", type: ArgumentType.INT, defaultValue: 3 })
    .addOption({ name: "seed", description: "Scenario seed (same seed, same scenario)", defaultValue: "por-demo" })
    .setAction(() => import("../scripts/demo.js"))
    .build(),
];

// --- governance: post-deploy configuration, the timelock's operations, role checks (src/governance, deploy/) ---
// Read-only tasks (pending, roles) need no signer. Ids are 0x operation ids; times are Unix seconds.
const governanceDeployment = {
  name: "deployment" as const,
  description: "Ignition deployment directory (default: ignition/deployments/chain-<chainId>)",
  defaultValue: "",
};
const governanceFrom = {
  name: "from" as const,
  description: "Sending account: index or address (default: first)",
  defaultValue: "",
};
const governanceJson = { name: "json" as const, description: "Print JSON" };
const governanceFromBlock = {
  name: "fromBlock" as const,
  description: "First block to read the timelock's events from (its deployment block on a long chain)",
  type: ArgumentType.BIGINT as const,
  defaultValue: 0n,
};
const operationOptions = [
  {
    name: "id" as const,
    description: "The operation id (0x, 32 bytes) that propose printed",
    type: ArgumentType.STRING_WITHOUT_DEFAULT,
    defaultValue: undefined,
  },
  {
    name: "operation" as const,
    description: "Or: the operation file propose wrote with --out",
    type: ArgumentType.FILE_WITHOUT_DEFAULT,
    defaultValue: undefined,
  },
] as const;
const governanceTasks: TaskDefinition[] = [
  emptyTask("governance", "Configure the consortium, hand it to a timelock, and propose and execute changes").build(),
  task(["governance", "configure"], "Deployer: list assets, collateral weights, auditors, quorum and SLA from a file")
    .addOption({
      name: "parameters",
      description: "Ignition parameters file with a ConsortiumConfig section (see docs/guides/deploy.md)",
      type: ArgumentType.FILE_WITHOUT_DEFAULT,
      defaultValue: undefined,
    })
    .addOption({
      name: "deploymentId",
      description: "Ignition deployment id (default: chain-<chainId>)",
      defaultValue: "",
    })
    .setAction(() => import("./governance-configure.js"))
    .build(),
  task(["governance", "propose"], "Proposer (multisig): schedule a contract call through the timelock")
    .addOption({
      name: "contract",
      description: "Contract name (ConsortiumRegistry, CommitmentLedger, Adjudicator, ...)",
      type: ArgumentType.STRING_WITHOUT_DEFAULT,
      defaultValue: undefined,
    })
    .addOption({
      name: "function",
      description: "Function name, or its signature when overloaded",
      type: ArgumentType.STRING_WITHOUT_DEFAULT,
      defaultValue: undefined,
    })
    .addOption({
      name: "args",
      description: "Arguments as a JSON array (integers as strings, tuples as arrays or objects)",
      defaultValue: "[]",
    })
    .addOption({ name: "address", description: "Target address (default: from the deployment)", defaultValue: "" })
    .addOption({ name: "value", description: "Wei sent with the call", type: ArgumentType.BIGINT, defaultValue: 0n })
    .addOption({ name: "salt", description: "Salt (0x, 32 bytes) to schedule the same call again", defaultValue: "" })
    .addOption({ name: "predecessor", description: "Operation that must execute first (0x id)", defaultValue: "" })
    .addOption({
      name: "delay",
      description: "Delay in seconds (-1: the timelock's minimum)",
      type: ArgumentType.BIGINT,
      defaultValue: -1n,
    })
    .addFlag({ name: "unsigned", description: "Print the schedule transaction for the multisig instead of sending" })
    .addOption({ name: "out", description: "Also write the operation (JSON) to this file", defaultValue: "" })
    .addFlag(governanceJson)
    .addOption(governanceFrom)
    .addOption(governanceDeployment)
    .setAction(() => import("./governance-propose.js"))
    .build(),
  task(["governance", "pending"], "The timelock's operations not yet executed, with their earliest execution time")
    .addFlag({ name: "all", description: "Also list executed and cancelled operations" })
    .addFlag(governanceJson)
    .addOption(governanceFromBlock)
    .addOption(governanceDeployment)
    .setAction(() => import("./governance-pending.js"))
    .build(),
  task(["governance", "execute"], "Anyone: execute a scheduled operation once its delay has passed")
    .addOption(operationOptions[0])
    .addOption(operationOptions[1])
    .addFlag(governanceJson)
    .addOption(governanceFrom)
    .addOption(governanceFromBlock)
    .addOption(governanceDeployment)
    .setAction(() => import("./governance-execute.js"))
    .build(),
  task(["governance", "cancel"], "Canceller (multisig): cancel a scheduled operation before it executes")
    .addOption(operationOptions[0])
    .addOption(operationOptions[1])
    .addFlag(governanceJson)
    .addOption(governanceFrom)
    .addOption(governanceFromBlock)
    .addOption(governanceDeployment)
    .setAction(() => import("./governance-cancel.js"))
    .build(),
  task(["governance", "read"], "Call a view function of a consortium contract, e.g. a parameter before and after")
    .addOption({
      name: "contract",
      description: "Contract name (ConsortiumRegistry, CommitmentLedger, Adjudicator, ...)",
      type: ArgumentType.STRING_WITHOUT_DEFAULT,
      defaultValue: undefined,
    })
    .addOption({
      name: "function",
      description: "View function name, or its signature when overloaded",
      type: ArgumentType.STRING_WITHOUT_DEFAULT,
      defaultValue: undefined,
    })
    .addOption({ name: "args", description: "Arguments as a JSON array", defaultValue: "[]" })
    .addOption({ name: "address", description: "Contract address (default: from the deployment)", defaultValue: "" })
    .addFlag(governanceJson)
    .addOption(governanceDeployment)
    .setAction(() => import("./governance-read.js"))
    .build(),
  task(["governance", "roles"], "Every role of every contract and who holds it; --check: only the timelock administers")
    .addFlag({ name: "check", description: "Fail if an admin role is held by anything but the timelock" })
    .addFlag(governanceJson)
    .addOption(governanceFromBlock)
    .addOption(governanceDeployment)
    .setAction(() => import("./governance-roles.js"))
    .build(),
];

export const taskDefinitions: TaskDefinition[] = [
  ...circuitTasks,
  ...abiTasks,
  ...liabilityTasks,
  ...proverTasks,
  ...memberTasks,
  ...consortiumTasks,
  ...operatorTasks,
  ...verifierTasks,
  ...demoTasks,
  ...governanceTasks,
];
