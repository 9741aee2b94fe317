// Every Hardhat task of the project, declared here and listed in hardhat.config.ts. Tasks come in groups
// (`npx hardhat member apply`, `npx hardhat ledger commit`; `npx hardhat member --help` lists a group). Required inputs
// are positional arguments (shown as required by `--help`) or, where there are several, options without a default;
// ids and times are BIGINT. Each task is thin: its action lives in its own file under tasks/, exports its body for
// tests, and calls the library in src/ (src/client for the connection, the deployment, errors and output).
import { emptyTask, task } from "hardhat/config";
import { ArgumentType } from "hardhat/types/arguments";
import type { TaskDefinition } from "hardhat/types/tasks";

// --- options shared by the tasks (src/client) ---
const deploymentOption = {
  name: "deployment" as const,
  description: "Ignition deployment directory (default: ignition/deployments/chain-<chainId>)",
  type: ArgumentType.STRING_WITHOUT_DEFAULT as const,
  defaultValue: undefined,
};
const fromOption = {
  name: "from" as const,
  description: "Signing account: index or address of a configured account (default: the first)",
  type: ArgumentType.STRING_WITHOUT_DEFAULT as const,
  defaultValue: undefined,
};
const jsonFlag = { name: "json" as const, description: "Print one JSON object instead of text" };
/** A task that sends or signs: --from, --deployment and --json (src/client). */
const signingTask = (id: string | string[], description: string) =>
  task(id, description).addOption(fromOption).addOption(deploymentOption).addFlag(jsonFlag);
/** A required option (several required inputs of one task; a single one is positional). */
function requiredOption<N extends string>(
  name: N,
  description: string,
): OptionWithoutDefault<N, ArgumentType.STRING_WITHOUT_DEFAULT>;
function requiredOption<N extends string, T extends WithoutDefault>(
  name: N,
  description: string,
  type: T,
): OptionWithoutDefault<N, T>;
function requiredOption(name: string, description: string, type: WithoutDefault = ArgumentType.STRING_WITHOUT_DEFAULT) {
  return { name, description: `${description} (required)`, type, defaultValue: undefined };
}
type WithoutDefault = ArgumentType.STRING_WITHOUT_DEFAULT | ArgumentType.FILE_WITHOUT_DEFAULT;
interface OptionWithoutDefault<N extends string, T extends WithoutDefault> {
  name: N;
  description: string;
  type: T;
  defaultValue: undefined;
}
/** An optional option without a default (absent: undefined; `--help` shows no default). */
function optionalOption<N extends string>(
  name: N,
  description: string,
): OptionWithoutDefault<N, ArgumentType.STRING_WITHOUT_DEFAULT> {
  return { name, description, type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined };
}
/** A positional argument naming a file. */
const fileArgument = <N extends string>(name: N, description: string) => ({
  name,
  description,
  type: ArgumentType.FILE as const,
});
/** The positional argument of a snapshot (`ledger commit`, `record find`). */
const snapshotArgument = <N extends string>(name: N) =>
  fileArgument(name, "The snapshot: its directory (as snapshot prints it) or its summary.json");
const fileOption = <N extends string>(
  name: N,
  description: string,
): OptionWithoutDefault<N, ArgumentType.FILE_WITHOUT_DEFAULT> => ({
  name,
  description,
  type: ArgumentType.FILE_WITHOUT_DEFAULT,
  defaultValue: undefined,
});

// --- the chain itself (src/chain) ---
const chainTasks: TaskDefinition[] = [
  emptyTask("chain", "The chain itself: its clock").build(),
  task(["chain", "time"], "Print the latest block's timestamp, Unix seconds (read-only; needs no deployment)")
    .addFlag(jsonFlag)
    .setAction(() => import("./chain-time.js"))
    .build(),
];

// --- circuits and the ceremony (src/circuits) ---
const circuitTasks: TaskDefinition[] = [
  task("circuits", "Compile the circuits, run the cached development ceremony, export verifiers and keys")
    .addFlag({ name: "check", description: "Compare with the committed verifiers and keys instead of writing them" })
    .addOption(optionalOption("only", "Comma-separated instance names (default: all)"))
    .setAction(() => import("./circuits.js"))
    .build(),
  emptyTask("ceremony", "The production phase-2 ceremony of a circuit (docs/ceremony.md)").build(),
  task(["ceremony", "start"], "Start a production phase-2 ceremony for one circuit from a prepared powers-of-tau file")
    .addOption(requiredOption("circuit", "Circuit instance name"))
    .addOption(requiredOption("ptau", "Prepared powers-of-tau file", ArgumentType.FILE_WITHOUT_DEFAULT))
    .addOption(requiredOption("dir", "Ceremony directory (new)"))
    .setAction(async () => ({ default: (await import("./ceremony.js")).start }))
    .build(),
  task(["ceremony", "contribute"], "Add a contribution (fresh randomness) to a production ceremony")
    .addOption(requiredOption("dir", "Ceremony directory"))
    .addOption(requiredOption("name", "Contributor's public name"))
    .addOption(optionalOption("entropy", "Extra entropy mixed into the randomness"))
    .setAction(async () => ({ default: (await import("./ceremony.js")).contributeAction }))
    .build(),
  task(["ceremony", "verify"], "Verify a ceremony's zkey against the circuit and the powers of tau")
    .addOption(requiredOption("circuit", "Circuit instance name"))
    .addOption(requiredOption("ptau", "Prepared powers-of-tau file", ArgumentType.FILE_WITHOUT_DEFAULT))
    .addOption(requiredOption("zkey", "zkey to verify", ArgumentType.FILE_WITHOUT_DEFAULT))
    .setAction(async () => ({ default: (await import("./ceremony.js")).verify }))
    .build(),
  task(["ceremony", "finalize"], "Close a production ceremony with a public beacon and export its verifier")
    .addOption(requiredOption("dir", "Ceremony directory"))
    .addOption(requiredOption("ptau", "Prepared powers-of-tau file", ArgumentType.FILE_WITHOUT_DEFAULT))
    .addOption(requiredOption("beacon", "Public beacon: 32 bytes of hex"))
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
const abiTasks: TaskDefinition[] = [
  task("abi", "Build the contracts and write their ABIs and enums to src/generated/abi.ts")
    .addFlag({ name: "check", description: "Compare with the committed src/generated/abi.ts instead of writing it" })
    .setAction(() => import("./abi.js"))
    .build(),
  task("schemas", "Write the JSON Schemas of every por.* format to docs/schemas from the zod schemas")
    .addFlag({ name: "check", description: "Compare with the committed docs/schemas instead of writing them" })
    .setAction(() => import("./schemas.js"))
    .build(),
];

const passwordVarOption = {
  name: "passwordVar" as const,
  description:
    "Read the password from this configuration variable (Hardhat keystore or env; default POR_KEYSTORE_PASSWORD)",
  type: ArgumentType.STRING_WITHOUT_DEFAULT as const,
  defaultValue: undefined,
};

// --- liabilities engine (src/records, src/tree, src/snapshot) ---
const liabilityTasks: TaskDefinition[] = [
  task("keygen", "Generate a member's record key and member secret into a new encrypted keystore file")
    .addPositionalArgument(fileArgument("keystore", "Keystore file to create"))
    .addPositionalArgument({ name: "member", description: "The member's 0x address" })
    .addOption(passwordVarOption)
    .addFlag(jsonFlag)
    .setAction(() => import("./keygen.js"))
    .build(),
  task("snapshot", "Sign every user's balance record, build the liability trees, write leaves and a summary")
    .addOption(requiredOption("ledger", "Ledger file (.csv or .jsonl)", ArgumentType.FILE_WITHOUT_DEFAULT))
    .addOption(requiredOption("assets", "Asset list (JSON)", ArgumentType.FILE_WITHOUT_DEFAULT))
    .addOption(requiredOption("keystore", "Member keystore", ArgumentType.FILE_WITHOUT_DEFAULT))
    .addOption({
      name: "time",
      description: "Snapshot time, Unix seconds (0: now)",
      type: ArgumentType.BIGINT,
      defaultValue: 0n,
    })
    .addOption({ name: "out", description: "Output parent directory", defaultValue: "snapshots" })
    .addOption({ name: "depth", description: "Tree depth D", type: ArgumentType.INT, defaultValue: 32 })
    .addOption({
      name: "slotBits",
      description: "Slot bits d (0: ceil(log2 n) + 4)",
      type: ArgumentType.INT,
      defaultValue: 0,
    })
    .addFlag({ name: "noRecords", description: "Skip the users' records (bundles and files)" })
    .addFlag({
      name: "recordFiles",
      description: "Also write one record file per user (records/<asset>/*.json) beside the records bundles",
    })
    .addFlag({
      name: "private",
      description: "Private mode: totals hidden on-chain; the summary holds each root's two children (section 17)",
    })
    .addOption(passwordVarOption)
    .addFlag(jsonFlag)
    .setAction(() => import("./snapshot.js"))
    .build(),
  emptyTask("record", "A user's record file").build(),
  task(["record", "verify"], "Check a user's record file: signature, key, inclusion, and the published root")
    .addPositionalArgument(fileArgument("file", "The user's record file"))
    .addOption(optionalOption("rootHash", "Published root hash (decimal)"))
    .addOption(optionalOption("rootSum", "Published root sum (decimal)"))
    .addOption(optionalOption("keyHash", "Registered record key hash (decimal)"))
    .addOption(optionalOption("account", "Your account id (the file must be about it)"))
    .addOption(optionalOption("payout", "Your payout address (0x): the record's payout must open to it"))
    .addFlag({ name: "chain", description: "Read the committed root and the registered key hash from the network" })
    .addOption(deploymentOption)
    .addFlag(jsonFlag)
    .setAction(() => import("./verify-record.js"))
    .build(),
  task(["record", "forward"], "Forward a record to verifiers: without the account id and salt (por.forwarded-record)")
    .addPositionalArgument(fileArgument("file", "The user's record file"))
    .addOption(optionalOption("out", "Write the forwarded record to this file (default: print it)"))
    .addOption(optionalOption("to", "A verifier service's URL: send it there (POST <url>/records)"))
    .addOption(optionalOption("verifierUrl", "The same as --to (the name the web page and the user guide use)"))
    .addFlag(jsonFlag)
    .setAction(() => import("./record-forward.js"))
    .build(),
  task(["record", "find"], "Find an account's record file in a snapshot directory and print its path (read-only)")
    .addPositionalArgument(snapshotArgument("snapshot"))
    .addOption(requiredOption("account", "The account id (the record's accountId)"))
    .addOption(optionalOption("asset", "Only this asset's records (default: every asset's; needed if several match)"))
    .addFlag(jsonFlag)
    .setAction(() => import("./record-find.js"))
    .build(),
  task(["record", "show"], "Show what a record file or a forwarded record says, or one value of it (read-only)")
    .addPositionalArgument(
      fileArgument("file", "A record file (por.record) or a forwarded record (por.forwarded-record)"),
    )
    .addOption(
      optionalOption(
        "field",
        "Print only this value, bare: member, asset, t, slot, accountKey, balance, payoutHash, message, nullifier; " +
          "for a record file also accountId, assetSymbol, payout, keyHash, rootHash, rootSum",
      ),
    )
    .addFlag(jsonFlag)
    .setAction(() => import("./record-show.js"))
    .build(),
  emptyTask("records", "A member's records bundles: every user's record of a snapshot, one file per asset").build(),
  task(["records", "export"], "Produce one user's record file (por.record) from a snapshot's records bundle")
    .addPositionalArgument(snapshotArgument("snapshot"))
    .addOption(requiredOption("account", "The account id"))
    .addOption(optionalOption("asset", "The asset id (needed if the account has records in several assets)"))
    .addOption(optionalOption("out", "Write the record file here (default: print it); never overwrites"))
    .addFlag(jsonFlag)
    .setAction(() => import("./records-export.js"))
    .build(),
  task(["records", "serve"], "Serve users' record files from a snapshot's bundles: GET /records/<asset>/<account id>")
    .addPositionalArgument(snapshotArgument("snapshot"))
    .addOption({ name: "port", description: "HTTP port", type: ArgumentType.INT, defaultValue: 8790 })
    .addOption({ name: "host", description: "Interface to listen on", defaultValue: "127.0.0.1" })
    .addOption({
      name: "tokenVar",
      description: 'Environment variable holding the bearer token callers must send ("": none required)',
      defaultValue: "POR_RECORDS_TOKEN",
    })
    .setAction(() => import("./records-serve.js"))
    .build(),
];

// --- fraud proofs (src/prover, src/consortium) ---
const fraudTasks: TaskDefinition[] = [
  emptyTask("fraud", "Fraud proofs: prove a member's tree wrong, submit the proof").build(),
  task(["fraud", "prove"], "Prove that a member's committed tree does not honour a user's signed record (LeafMismatch)")
    .addPositionalArgument(fileArgument("record", "The user's record file (por.record v2)"))
    .addOption(fileOption("leaves", "The member's published leaves payload for the record's tree"))
    .addOption(fileOption("path", "Or: an inclusion response for the slot (por.slot-path v1)"))
    .addOption(optionalOption("blobDir", "Or: a local blob store; fetch the committed blob by its digest (--network)"))
    .addOption(optionalOption("eigendaUrl", "Or: an EigenDA proxy; fetch the blob by its published refs (--network)"))
    .addOption(
      optionalOption("pathUrl", "Or, for a private set: a recipient operator node's path endpoint (--network)"),
    )
    .addOption(deploymentOption)
    .addOption(optionalOption("rootHash", "The committed root hash (decimal); the path must reach it"))
    .addOption({ name: "out", description: "Output proof file", defaultValue: "fraud-proof.json" })
    .addOption(optionalOption("circuit", "Circuit instance (default LeafMismatch32)"))
    .addFlag(jsonFlag)
    .setAction(() => import("./prove-fraud.js"))
    .build(),
  task(
    ["fraud", "prove-root-sum"],
    "Prove that a member's committed root sum is not the sum its committed root hash binds (RootSumMismatch)",
  )
    .addPositionalArgument({
      name: "rootSum",
      description: "The root sum the member committed (decimal)",
      type: ArgumentType.BIGINT,
    })
    .addOption(fileOption("leaves", "The member's published leaves payload of the tree"))
    .addOption(fileOption("path", "Or: any slot path of the tree (por.slot-path v1)"))
    .addOption(optionalOption("member", "With --path: the member's 0x address"))
    .addOption(optionalOption("asset", "With --path: the asset id"))
    .addOption({
      name: "t",
      description: "With --path: the snapshot time",
      type: ArgumentType.BIGINT,
      defaultValue: 0n,
    })
    .addOption({ name: "out", description: "Output proof file", defaultValue: "root-sum-proof.json" })
    .addFlag(jsonFlag)
    .setAction(() => import("./prove-root-sum.js"))
    .build(),
  signingTask(["fraud", "submit"], "Anyone: submit a fraud proof file to the Adjudicator (bounty to the sender)")
    .addPositionalArgument(fileArgument("proof", "The fraud-proof file (fraud prove's output)"))
    .setAction(() => import("./submit-fraud.js"))
    .build(),
];

// --- membership, reserves, collateral, restitution claims, ejection (src/members, src/client) ---
const amountArgument = {
  name: "amount" as const,
  description: "Amount in whole units (1.5) or base units (1500units)",
};
const tokenOption = { name: "token" as const, description: "ETH or the token address", defaultValue: "ETH" };
const memberTasks: TaskDefinition[] = [
  emptyTask("member", "Membership: apply, approve, activate, keys, status, ejection").build(),
  signingTask(["member", "apply"], "Apply for membership (the signer becomes an Applied member)")
    .addPositionalArgument({ name: "profile", description: "Profile: a 32-byte hex digest, or text to hash" })
    .setAction(() => import("./member-apply.js"))
    .build(),
  signingTask(["member", "approve-genesis"], "Auditor: approve a member's genesis (Applied -> Probation)")
    .addPositionalArgument({ name: "member", description: "The member's 0x address" })
    .addOption(optionalOption("digest", "Genesis report digest (0x, 32 bytes)"))
    .addOption(fileOption("report", "Or: the report file (digest = keccak256 of it)"))
    .setAction(() => import("./member-approve-genesis.js"))
    .build(),
  signingTask(["member", "activate"], "Probation -> Active (governance any time; anyone after the probation period)")
    .addPositionalArgument({ name: "member", description: "The member's 0x address" })
    .setAction(() => import("./member-activate.js"))
    .build(),
  signingTask(
    ["member", "register-key"],
    "Register the signer's next record key (Probation or Active members; rotation closes the previous one)",
  )
    .addOption(fileOption("keystore", "por.keystore file (public key read, no password)"))
    .addOption(optionalOption("ax", "Or: key Ax (decimal)"))
    .addOption(optionalOption("ay", "Or: key Ay (decimal)"))
    .addOption({
      name: "validFrom",
      description: "First valid second (0: latest block + 120)",
      type: ArgumentType.BIGINT,
      defaultValue: 0n,
    })
    .setAction(() => import("./member-register-key.js"))
    .build(),
  task(["member", "status"], "Show a member's lifecycle state, SLA, keys, collateral and reserves (read-only)")
    .addPositionalArgument({ name: "member", description: "The member's 0x address" })
    .addOption(deploymentOption)
    .addFlag(jsonFlag)
    .setAction(() => import("./member-status.js"))
    .build(),
  signingTask(
    ["member", "eject-undercollateralized"],
    "Anyone: eject a slashed member whose stake weight is below its SLA minimum",
  )
    .addPositionalArgument({ name: "member", description: "The member's 0x address" })
    .setAction(() => import("./member-eject-undercollateralized.js"))
    .build(),
  emptyTask("reserve", "Reserve wallets of a member").build(),
  signingTask(["reserve", "register"], "Register a reserve wallet for the signer, signed by the wallet (EIP-712)")
    .addOption(optionalOption("wallet", "Reserve wallet address (a Hardhat account signs)"))
    .addOption(optionalOption("walletKeyVar", "Or: config variable / keystore key with its key"))
    .addOption(optionalOption("signatureFile", "Or: signature file (contract wallets)"))
    .addOption(optionalOption("writeRequest", "Write the message to sign to this file and stop"))
    .addOption({
      name: "deadlineMinutes",
      description: "Signature validity in minutes",
      type: ArgumentType.INT,
      defaultValue: 60,
    })
    .setAction(() => import("./reserve-register.js"))
    .build(),
  emptyTask("collateral", "A member's collateral in the vault").build(),
  signingTask(["collateral", "deposit"], "Deposit ETH or an approved ERC-20 as collateral")
    .addPositionalArgument(amountArgument)
    .addOption(tokenOption)
    .addOption(optionalOption("member", "Member credited (default: the signer)"))
    .setAction(() => import("./collateral-deposit.js"))
    .build(),
  signingTask(["collateral", "request-withdrawal"], "Start the unbonding delay for part of the signer's collateral")
    .addPositionalArgument(amountArgument)
    .addOption(tokenOption)
    .setAction(() => import("./collateral-request-withdrawal.js"))
    .build(),
  signingTask(["collateral", "withdraw"], "Pay out the signer's pending withdrawal after the unbonding delay")
    .addOption(tokenOption)
    .setAction(() => import("./collateral-withdraw.js"))
    .build(),
  emptyTask("eigenlayer", "Restaked stake through EigenLayer (deployments on EigenLayer)").build(),
  task(["eigenlayer", "status"], "Show the consortium's AVS, its strategies, deferred slashes and a member's side")
    .addOption(optionalOption("member", "A member whose operator and weight to show"))
    .addOption(deploymentOption)
    .addFlag(jsonFlag)
    .setAction(() => import("./eigenlayer-status.js"))
    .build(),
  signingTask(["eigenlayer", "approve-operator"], "Member: name the EigenLayer operator that stakes for the signer")
    .addPositionalArgument({ name: "operator", description: "The operator's 0x address" })
    .setAction(() => import("./eigenlayer-approve-operator.js"))
    .build(),
  signingTask(["eigenlayer", "register"], "Operator: register the signer for the consortium's operator set")
    .addOption(requiredOption("member", "The member that approved the signer as its operator"))
    .setAction(() => import("./eigenlayer-register.js"))
    .build(),
  signingTask(["eigenlayer", "deregister"], "Operator: leave the consortium's operator set (stays slashable a while)")
    .setAction(() => import("./eigenlayer-deregister.js"))
    .build(),
  signingTask(["eigenlayer", "refresh"], "Anyone: cache a member's slashable stake as its quorum weight")
    .addPositionalArgument({ name: "member", description: "The member's 0x address" })
    .setAction(() => import("./eigenlayer-refresh.js"))
    .build(),
  signingTask(["eigenlayer", "clear"], "Anyone: move a member's slashed tokens EigenLayer pays now into its pool")
    .addPositionalArgument({ name: "member", description: "The member's 0x address" })
    .setAction(() => import("./eigenlayer-clear.js"))
    .build(),
  signingTask(["eigenlayer", "retry-slash"], "Anyone: execute a slash EigenLayer refused before")
    .addPositionalArgument({ name: "id", description: "The deferred slash's id", type: ArgumentType.BIGINT })
    .setAction(() => import("./eigenlayer-retry-slash.js"))
    .build(),
  emptyTask("claim", "Restitution claims booked by fraud proofs").build(),
  signingTask(
    ["claim", "pay"],
    "Pay a booked claim its share of its closed claim round (anyone; the money goes only to the record's payout)",
  )
    .addOption(fileOption("proof", "The fraud-proof file that booked the claim: its member and nullifier"))
    .addOption(fileOption("record", "The user's record file: its payout address and salt"))
    .addOption(optionalOption("nullifier", "Or: the record's nullifier (decimal or 0x)"))
    .addOption(optionalOption("member", "Or: the accused member's 0x address"))
    .addOption(optionalOption("payout", "Or: the record's payout address (0x)"))
    .addOption(optionalOption("salt", "Or: the record's payout salt (decimal or 0x)"))
    .setAction(() => import("./claim-pay.js"))
    .build(),
];

// --- commitments, requests, quorum, adjudication, reputation (src/consortium) ---
const commitSourceOptions = [
  fileOption("poa", "The member's PoA file (poa build --out): the reserves of each asset"),
  fileOption("refs", "The blob-refs file (poa build): each asset's blob digest (default: keccak256 of the leaves)"),
  optionalOption("reserves", "Or: reserves per asset, <id>=<base units>,... (overrides --poa)"),
  optionalOption("blobDigests", "Or: DA blob digests, <id>=0x<keccak256>,... (overrides --refs)"),
  optionalOption("blobDir", "A private snapshot: local blob store directory for its encrypted blobs"),
  optionalOption("eigendaUrl", "A private snapshot: or the EigenDA proxy URL for its encrypted blobs"),
];
const requestArgument = {
  name: "request" as const,
  description: "Request id (or --request-file)",
  type: ArgumentType.BIGINT as const,
  defaultValue: 0n,
};
const requestFileOption = fileOption("requestFile", "Or: the output of ledger request-proof --json (its requestId)");
const ledgerTasks: TaskDefinition[] = [
  emptyTask("ledger", "The commitment ledger: commit, blob refs, proof requests, status").build(),
  signingTask(
    ["ledger", "commit"],
    "Member: commit a snapshot's per-asset roots with the PoA's reserves and the blobs' digests",
  )
    .addPositionalArgument(snapshotArgument("summary"))
    .addOption(commitSourceOptions[0])
    .addOption(commitSourceOptions[1])
    .addOption(commitSourceOptions[2])
    .addOption(commitSourceOptions[3])
    .addOption(commitSourceOptions[4])
    .addOption(commitSourceOptions[5])
    .setAction(() => import("./commit-roots.js"))
    .build(),
  signingTask(["ledger", "publish-blob-refs"], "Member: publish on-chain where each committed asset's DA blob is")
    .addPositionalArgument(fileArgument("refs", "The blob-refs file poa build wrote (por.blob-refs)"))
    .setAction(() => import("./publish-blob-refs.js"))
    .build(),
  signingTask(["ledger", "request-proof"], "Verifier: ask a member to prove a past snapshot (pays the request fee)")
    .addPositionalArgument({ name: "member", description: "The member's 0x address" })
    .addPositionalArgument({
      name: "t",
      description: "Snapshot time (Unix seconds, in the past)",
      type: ArgumentType.BIGINT,
    })
    .setAction(() => import("./request-proof.js"))
    .build(),
  signingTask(
    ["ledger", "respond"],
    "Member: answer a proof request (the committed set, or --summary for an uncommitted t)",
  )
    .addPositionalArgument(requestArgument)
    .addOption(requestFileOption)
    .addOption(fileOption("summary", "The snapshot of the requested t (directory or summary.json), if not committed"))
    .addOption(commitSourceOptions[0])
    .addOption(commitSourceOptions[1])
    .addOption(commitSourceOptions[2])
    .addOption(commitSourceOptions[3])
    .addOption(commitSourceOptions[4])
    .addOption(commitSourceOptions[5])
    .setAction(() => import("./respond-request.js"))
    .build(),
  signingTask(["ledger", "report-missed-deadline"], "Anyone: slash a member that missed a proof request's deadline")
    .addPositionalArgument(requestArgument)
    .addOption(requestFileOption)
    .setAction(() => import("./report-missed-deadline.js"))
    .build(),
  task(["ledger", "status"], "A member's status, commitments, requests and reputation (read-only)")
    .addPositionalArgument({ name: "member", description: "The member's 0x address" })
    .addOption({ name: "limit", description: "How many recent sets/requests", type: ArgumentType.INT, defaultValue: 5 })
    .addOption(
      optionalOption(
        "wait",
        "First wait until the member's latest set is in this status (Pending, Finalized, Fraudulent, ...)",
      ),
    )
    .addOption({
      name: "timeout",
      description: "With --wait: fail after this many seconds",
      type: ArgumentType.INT,
      defaultValue: 60,
    })
    .addOption(deploymentOption)
    .addFlag(jsonFlag)
    .setAction(() => import("./ledger-status.js"))
    .build(),
  emptyTask("quorum", "Operators' quorum attestations: sign, submit").build(),
  signingTask(["quorum", "attest"], "Operator: sign a quorum attestation on a commitment set or an answered request")
    .addPositionalArgument({ name: "verdict", description: "solvent or insolvent" })
    .addOption(optionalOption("member", "Member (with --t) whose set is attested"))
    .addOption({ name: "t", description: "Snapshot time of the set", type: ArgumentType.BIGINT, defaultValue: 0n })
    .addOption({
      name: "request",
      description: "Or: an answered request id",
      type: ArgumentType.BIGINT,
      defaultValue: 0n,
    })
    .addOption(optionalOption("out", "Output file (default attestation-<signer>.json)"))
    .setAction(() => import("./attest.js"))
    .build(),
  signingTask(["quorum", "submit"], "Aggregator: post operators' attestations (sorted signatures) to the ledger")
    .addVariadicArgument({ name: "files", description: "The attestation files", type: ArgumentType.FILE })
    .setAction(() => import("./submit-quorum.js"))
    .build(),
];

// --- interim and reserve attestations, sampling (src/attestations) ---
const sampleArgument = { name: "sample" as const, description: "The sample's id", type: ArgumentType.BIGINT as const };
const blobOption = requiredOption("blob", "The DA blob file of the sampled asset (as the member committed it)");
const attestationTasks: TaskDefinition[] = [
  emptyTask("interim", "Interim attestations: members' outbound withdrawals, judged by the operators").build(),
  signingTask(["interim", "post"], "Member: post an interim attestation for an outbound withdrawal (or a file of them)")
    .addOption({ name: "asset", description: "Asset id", type: ArgumentType.INT, defaultValue: 0 })
    .addOption(optionalOption("amount", "Amount sent, in whole units (1.5) or base units (1500units)"))
    .addOption(optionalOption("destination", "The destination address, as its chain writes it"))
    .addOption(optionalOption("tx", "The transaction hash on the asset's chain"))
    .addOption({ name: "deadline", description: "Deadline, unix seconds", type: ArgumentType.BIGINT, defaultValue: 0n })
    .addOption({
      name: "within",
      description: "Or: the deadline this many seconds from now",
      type: ArgumentType.BIGINT,
      defaultValue: 86_400n,
    })
    .addOption(
      optionalOption("file", "Or: a JSON array of withdrawals {asset, amount, destination, tx, deadline|within}"),
    )
    .setAction(() => import("./interim-post.js"))
    .build(),
  task(["interim", "list"], "Posted interim attestations, their status and each member's backlog (read-only)")
    .addOption(optionalOption("member", "Only this member's"))
    .addFlag({ name: "open", description: "Only those still waiting for a verdict" })
    .addOption(deploymentOption)
    .addFlag(jsonFlag)
    .setAction(() => import("./interim-list.js"))
    .build(),
  signingTask(["interim", "attest"], "Operator: check an IA's transaction on its chain and sign the verdict it gives")
    .addPositionalArgument({ name: "interim", description: "The IA's id (interim list)" })
    .addOption(optionalOption("rpcUrl", "JSON-RPC URL of the asset's chain (default: the consortium's chain)"))
    .addOption(optionalOption("token", "The asset's token on that chain (default: the registry's; 0x0: ether)"))
    .addOption({ name: "confirmations", description: "Blocks needed", type: ArgumentType.INT, defaultValue: 1 })
    .addOption(optionalOption("out", "Output file (default interim-<id>-<signer>.json)"))
    .setAction(() => import("./interim-attest.js"))
    .build(),
  signingTask(["interim", "submit"], "Anyone: post the operators' IA verdict files (sorted signatures)")
    .addVariadicArgument({ name: "files", description: "The verdict files", type: ArgumentType.FILE })
    .setAction(() => import("./interim-submit.js"))
    .build(),
  emptyTask("audit", "Auditors: sample snapshots, attest reserves; overdue attestations").build(),
  signingTask(["audit", "sample"], "Auditor: request a sample of accounts of a member's committed snapshot")
    .addPositionalArgument({ name: "member", description: "The member's 0x address" })
    .addOption({ name: "t", description: "Snapshot time of the set", type: ArgumentType.BIGINT, defaultValue: 0n })
    .addOption({ name: "asset", description: "Asset id", type: ArgumentType.INT, defaultValue: 0 })
    .addOption({ name: "size", description: "Accounts to sample (1 to 1000)", type: ArgumentType.INT, defaultValue: 0 })
    .setAction(() => import("./audit-sample.js"))
    .build(),
  signingTask(["audit", "seed"], "Anyone: fix a sample's seed from its seed block's hash")
    .addPositionalArgument(sampleArgument)
    .setAction(() => import("./audit-seed.js"))
    .build(),
  signingTask(["audit", "open"], "Member: collect the record files of a sample's accounts for the auditor")
    .addPositionalArgument(sampleArgument)
    .addOption(blobOption)
    .addOption(requiredOption("records", "Directory of the snapshot's record files (searched recursively)"))
    .addOption(requiredOption("out", "Directory to copy the sampled records into"))
    .setAction(() => import("./audit-open.js"))
    .build(),
  signingTask(["audit", "check"], "Auditor: check a sample's opened records against the committed tree")
    .addPositionalArgument(sampleArgument)
    .addOption(blobOption)
    .addOption(requiredOption("records", "Directory of the records the member opened"))
    .addFlag({ name: "report", description: "Post the outcome on-chain (reportSample)" })
    .setAction(() => import("./audit-check.js"))
    .build(),
  signingTask(["audit", "attest"], "Auditor: store a report in the DA layer, sign and post a reserve attestation")
    .addPositionalArgument({ name: "member", description: "The member's 0x address" })
    .addOption(requiredOption("reserves", "<assetId>=<amount>,... reserves at the period's end"))
    .addOption(requiredOption("findings", "critical,high,medium,low finding counts"))
    .addOption({
      name: "score",
      description: "Controls score, basis points",
      type: ArgumentType.INT,
      defaultValue: 10_000,
    })
    .addOption({ name: "sampleSize", description: "Accounts sampled", type: ArgumentType.INT, defaultValue: 0 })
    .addOption({
      name: "sampleFailures",
      description: "Sampled accounts failed",
      type: ArgumentType.INT,
      defaultValue: 0,
    })
    .addOption({
      name: "periodEnd",
      description: "Period end, unix seconds (0: now)",
      type: ArgumentType.BIGINT,
      defaultValue: 0n,
    })
    .addOption(requiredOption("report", "The audit report file"))
    .addOption(optionalOption("blobDir", "Local blob store directory for the report (or --eigenda-url)"))
    .addOption(optionalOption("eigendaUrl", "Or: EigenDA proxy URL"))
    .setAction(() => import("./audit-attest.js"))
    .build(),
  signingTask(["audit", "overdue"], "Anyone: record that a member is past its reserve attestation's due time")
    .addPositionalArgument({ name: "member", description: "The member's 0x address" })
    .setAction(() => import("./audit-overdue.js"))
    .build(),
];

// --- proof of assets, operator node, aggregator (src/poa, src/node, src/aggregator) ---
const rpcUrlOption = {
  name: "rpcUrl" as const,
  description: "JSON-RPC URL the service uses (default: the --network's URL, written into the file)",
  type: ArgumentType.STRING_WITHOUT_DEFAULT as const,
  defaultValue: undefined,
};
const forceFlag = { name: "force" as const, description: "Replace the file if it exists" };
const operatorTasks: TaskDefinition[] = [
  emptyTask("poa", "The member's proof of assets").build(),
  signingTask(["poa", "build"], "Member: build the proof of assets for snapshot time t (and the per-asset DA blobs)")
    .addPositionalArgument({ name: "t", description: "Snapshot time, Unix seconds", type: ArgumentType.BIGINT })
    .addOption(optionalOption("member", "The member (default: the --from account)"))
    .addOption({
      name: "requestId",
      description: "Request answered (0: own snapshot)",
      type: ArgumentType.BIGINT,
      defaultValue: 0n,
    })
    .addOption({ name: "assets", description: "Comma-separated asset ids", defaultValue: "1" })
    .addFlag({ name: "hardhatAccounts", description: "Sign with the network's accounts (wallets they control)" })
    .addOption(optionalOption("keystores", "Ethereum JSON keystores of wallets (POR_WALLET_PASSWORD)"))
    .addOption(optionalOption("signatures", "por.poa-signatures files (comma-separated)"))
    .addFlag({ name: "skipUnsigned", description: "Leave out wallets without a signature instead of failing" })
    .addOption(optionalOption("leaves", "Build blobs: <assetId>=<leaves-N.bin>,..."))
    .addOption(optionalOption("blobDir", "Local blob store directory for --leaves"))
    .addOption(optionalOption("eigendaUrl", "Or: EigenDA proxy URL for --leaves' blobs"))
    .addOption(optionalOption("refs", "Write the blobs' refs (por.blob-refs) here (default: <out>.blob-refs.json)"))
    .addOption(optionalOption("out", "Write the PoA here (default: stdout)"))
    .setAction(() => import("./poa-build.js"))
    .build(),
  emptyTask("operator", "The operator node").build(),
  task(["operator", "run"], "Operator: run the operator node (follower, verifier, watchtower) from a config file")
    .addOption(
      requiredOption("configFile", "Node configuration file (por.node-config)", ArgumentType.FILE_WITHOUT_DEFAULT),
    )
    .addFlag({ name: "create", description: "Create the node's database (first run); otherwise it must exist" })
    .setAction(() => import("./node-run.js"))
    .build(),
  emptyTask(["operator", "encryption-key"], "The operator's X25519 key for private blobs (POR_ENCRYPTION_KEY)").build(),
  signingTask(
    ["operator", "encryption-key", "register"],
    "Operator: register the public key of POR_ENCRYPTION_KEY (private blobs of t >= validFrom are encrypted to it)",
  )
    .addOption({
      name: "validFrom",
      description: "First second in which the key is in force (0: latest block + 120)",
      type: ArgumentType.BIGINT,
      defaultValue: 0n,
    })
    .setAction(async () => ({ default: (await import("./operator-encryption-key.js")).registerAction }))
    .build(),
  task(["operator", "encryption-key", "show"], "Show an operator's registered encryption keys (read-only)")
    .addPositionalArgument({ name: "operator", description: "The operator's 0x address" })
    .addOption(deploymentOption)
    .addFlag(jsonFlag)
    .setAction(async () => ({ default: (await import("./operator-encryption-key.js")).showAction }))
    .build(),
  task(["operator", "init"], "Write an operator node's config file (por.node-config) from the deployment")
    .addOption(requiredOption("out", "The config file to write (refused if it exists, unless --force)"))
    .addOption(requiredOption("db", "The node's SQLite database (relative paths: from the config file's directory)"))
    .addOption(optionalOption("blobDir", "Local blob store directory (or --eigenda-url)"))
    .addOption(optionalOption("eigendaUrl", "Or: EigenDA proxy URL"))
    .addOption(requiredOption("aggregatorUrl", "The aggregator's URL (http://host:port)"))
    .addOption(
      optionalOption(
        "records",
        "Your verifier service's store (SQLite path or postgres:// URL): records to prove fraud with",
      ),
    )
    .addOption({
      name: "healthPort",
      description: "Port of the node's /health endpoint (0: none)",
      type: ArgumentType.INT,
      defaultValue: 0,
    })
    .addOption({
      name: "confirmations",
      description: "Act on blocks this deep only (0 on a local chain; 2 or more on a real one)",
      type: ArgumentType.INT,
      defaultValue: 2,
    })
    .addOption({ name: "pollMs", description: "Chain poll interval, ms", type: ArgumentType.INT, defaultValue: 2000 })
    .addOption({
      name: "startBlock",
      description: "First block to follow (e.g. the deployment's)",
      type: ArgumentType.INT,
      defaultValue: 0,
    })
    .addOption(rpcUrlOption)
    .addFlag(forceFlag)
    .addOption(deploymentOption)
    .addFlag(jsonFlag)
    .setAction(async () => ({ default: (await import("./config-init.js")).operatorInitAction }))
    .build(),
  emptyTask("aggregator", "The attestation aggregator").build(),
  task(["aggregator", "serve"], "Run the attestation aggregator from a por.aggregator-config file")
    .addOption(
      requiredOption(
        "configFile",
        "Aggregator configuration file (por.aggregator-config)",
        ArgumentType.FILE_WITHOUT_DEFAULT,
      ),
    )
    .addFlag({ name: "create", description: "Create the aggregator's database (first run); otherwise it must exist" })
    .setAction(() => import("./aggregator-serve.js"))
    .build(),
  task(["aggregator", "init"], "Write the aggregator's config file (por.aggregator-config) from the deployment")
    .addOption(requiredOption("out", "The config file to write (refused if it exists, unless --force)"))
    .addOption(
      requiredOption("db", "The aggregator's SQLite database (relative paths: from the config file's directory)"),
    )
    .addOption({ name: "port", description: "HTTP port operators send to", type: ArgumentType.INT, defaultValue: 8650 })
    .addOption({ name: "host", description: "Interface to listen on", defaultValue: "127.0.0.1" })
    .addOption(rpcUrlOption)
    .addFlag(forceFlag)
    .addOption(deploymentOption)
    .addFlag(jsonFlag)
    .setAction(async () => ({ default: (await import("./config-init.js")).aggregatorInitAction }))
    .build(),
];

// --- verifier service (src/verifier-service) ---
const verifierTasks: TaskDefinition[] = [
  emptyTask("verifier", "The verifier service").build(),
  task(["verifier", "serve"], "Run the verifier service: collect forwarded records, report coverage, request proofs")
    .addOption({ name: "port", description: "HTTP port", type: ArgumentType.INT, defaultValue: 8787 })
    .addOption({ name: "host", description: "Interface to listen on", defaultValue: "127.0.0.1" })
    .addOption({ name: "db", description: "SQLite file path or postgres:// URL", defaultValue: "verifier.db" })
    .addFlag({ name: "create", description: "Create the SQLite database if missing (first run); else it must exist" })
    .addFlag({ name: "trustProxy", description: "Rate-limit by X-Forwarded-For (behind a reverse proxy only)" })
    .addOption(optionalOption("rpcNetwork", "Network to read (default: --network)"))
    .addOption(deploymentOption)
    .addFlag({ name: "schedule", description: "Request back-in-time proofs (signs with the --from account)" })
    .addOption(fromOption)
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
    .addOption(optionalOption("webDir", "Serve this built user page at / (default: build/web when it exists)"))
    .addFlag({
      name: "circuits",
      description: "Also serve the fraud circuit's files (/circuits/LeafMismatch32.*) for proving in the browser",
    })
    .addOption(optionalOption("blobDir", "Serve DA blobs (/blobs/<digest>) from this local blob store"))
    .addOption(optionalOption("eigendaUrl", "Or: serve DA blobs through this EigenDA proxy (by the published refs)"))
    .setAction(() => import("./verifier-serve.js"))
    .build(),
  emptyTask("web", "The user's web page (web/)").build(),
  task(["web", "build"], "Bundle the user's web page with esbuild into build/web (index.html, app.js)")
    .addOption(optionalOption("out", "Output folder (default build/web)"))
    .addFlag(jsonFlag)
    .setAction(() => import("./web-build.js"))
    .build(),
];

// --- the end-to-end demo (src/demo, scripts/demo.ts; docs/demo.md) ---
const demoTasks: TaskDefinition[] = [
  task("demo", "The end-to-end demo: chain, consortium, snapshots, operators, a cheat caught by a fraud proof, report")
    .addOption({ name: "users", description: "Users per member", type: ArgumentType.INT, defaultValue: 2000 })
    .addOption({ name: "members", description: "Members (2-8)", type: ArgumentType.INT, defaultValue: 3 })
    .addOption({ name: "seed", description: "Scenario seed (same seed, same scenario)", defaultValue: "por-demo" })
    .addOption({
      name: "stake",
      description: "Stake source: native (the CollateralVault) or eigenlayer (restaked, on EigenLayer stand-ins)",
      defaultValue: "native",
    })
    .setAction(() => import("../scripts/demo.js"))
    .build(),
];

// --- governance: post-deploy configuration, the timelock's operations, role checks (src/governance, deploy/) ---
// Read-only tasks (pending, roles) need no signer. Ids are 0x operation ids; times are Unix seconds.
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
/** A governance task acting on one scheduled operation, named by --id or --operation. */
const operationTask = (name: string, description: string) =>
  task(["governance", name], description)
    .addOption(operationOptions[0])
    .addOption(operationOptions[1])
    .addFlag(jsonFlag)
    .addOption(fromOption)
    .addOption(governanceFromBlock)
    .addOption(deploymentOption);
const governanceTasks: TaskDefinition[] = [
  emptyTask("governance", "Configure the consortium, hand it to a timelock, and propose and execute changes").build(),
  task(["governance", "configure"], "Deployer: list assets, collateral weights, auditors, quorum and SLA from a file")
    .addOption(
      requiredOption(
        "parameters",
        "Ignition parameters file with a ConsortiumConfig section (see docs/guides/deploy.md)",
        ArgumentType.FILE_WITHOUT_DEFAULT,
      ),
    )
    .addOption(optionalOption("deploymentId", "Ignition deployment id (default: chain-<chainId>)"))
    .setAction(() => import("./governance-configure.js"))
    .build(),
  task(
    ["governance", "propose"],
    "Proposer (multisig): schedule a contract call (or an ETH transfer) through the timelock",
  )
    .addOption(optionalOption("contract", "Contract name (ConsortiumRegistry, CommitmentLedger, Adjudicator, ...)"))
    .addOption(optionalOption("function", "Function name, or its signature when overloaded"))
    .addOption({
      name: "args",
      description: "Arguments as a JSON array (integers as strings, tuples as arrays or objects)",
      defaultValue: "[]",
    })
    .addOption(optionalOption("address", "Target address (default: from the deployment)"))
    .addOption(
      optionalOption("to", "Or: a plain ETH transfer of --value from the timelock (insurance fund) to this address"),
    )
    .addOption({ name: "value", description: "Wei sent with the call", type: ArgumentType.BIGINT, defaultValue: 0n })
    .addOption(optionalOption("salt", "Salt (0x, 32 bytes) to schedule the same call again"))
    .addOption(optionalOption("predecessor", "Operation that must execute first (0x id)"))
    .addOption({
      name: "delay",
      description: "Delay in seconds (-1: the timelock's minimum)",
      type: ArgumentType.BIGINT,
      defaultValue: -1n,
    })
    .addFlag({ name: "unsigned", description: "Print the schedule transaction for the multisig instead of sending" })
    .addOption(optionalOption("out", "Also write the operation (JSON) to this file"))
    .addFlag(jsonFlag)
    .addOption(fromOption)
    .addOption(deploymentOption)
    .setAction(() => import("./governance-propose.js"))
    .build(),
  task(["governance", "pending"], "The timelock's operations not yet executed, with their earliest execution time")
    .addFlag({ name: "all", description: "Also list executed and cancelled operations" })
    .addFlag(jsonFlag)
    .addOption(governanceFromBlock)
    .addOption(deploymentOption)
    .setAction(() => import("./governance-pending.js"))
    .build(),
  operationTask("execute", "Anyone: execute a scheduled operation once its delay has passed")
    .setAction(() => import("./governance-execute.js"))
    .build(),
  operationTask("cancel", "Canceller (multisig): cancel a scheduled operation before it executes")
    .setAction(() => import("./governance-cancel.js"))
    .build(),
  task(["governance", "read"], "Call a view function of a consortium contract, e.g. a parameter before and after")
    .addOption(requiredOption("contract", "Contract name (ConsortiumRegistry, CommitmentLedger, Adjudicator, ...)"))
    .addOption(requiredOption("function", "View function name, or its signature when overloaded"))
    .addOption({ name: "args", description: "Arguments as a JSON array", defaultValue: "[]" })
    .addOption(optionalOption("address", "Contract address (default: from the deployment)"))
    .addFlag(jsonFlag)
    .addOption(deploymentOption)
    .setAction(() => import("./governance-read.js"))
    .build(),
  task(["governance", "roles"], "Every role of every contract and who holds it; --check: only the timelock administers")
    .addFlag({ name: "check", description: "Fail if an admin role is held by anything but the timelock" })
    .addFlag(jsonFlag)
    .addOption(governanceFromBlock)
    .addOption(deploymentOption)
    .setAction(() => import("./governance-roles.js"))
    .build(),
];

// --- 0-confirmation transfers between members (src/transfers) ---
const noticeArgument = { name: "notice" as const, description: "The notice's id (transfer notice list)" };
const blobStoreOptions = [
  optionalOption("blobDir", "Local blob store for the notice payload (or --eigenda-url)"),
  optionalOption("eigendaUrl", "Or: EigenDA proxy URL"),
] as const;
const transferTasks: TaskDefinition[] = [
  emptyTask("transfer", "0-confirmation transfers between members: notices, credit, settlement, defaults").build(),
  emptyTask(["transfer", "deposit-address"], "Where members receive transfers, per asset").build(),
  signingTask(["transfer", "deposit-address", "register"], "Member: register a deposit address (it signs ownership)")
    .addOption({ name: "asset", description: "Asset id", type: ArgumentType.INT, defaultValue: 0 })
    .addOption(optionalOption("address", "The deposit address's account (index or configured address)"))
    .addOption({
      name: "validFor",
      description: "Seconds the ownership signature stays valid",
      type: ArgumentType.BIGINT,
      defaultValue: 3_600n,
    })
    .setAction(() => import("./transfer-deposit-address-register.js"))
    .build(),
  task(["transfer", "deposit-address", "list"], "Registered deposit addresses (read-only)")
    .addOption(optionalOption("member", "Only this member's"))
    .addOption({ name: "asset", description: "Only this asset (0: all)", type: ArgumentType.INT, defaultValue: 0 })
    .addOption(deploymentOption)
    .addFlag(jsonFlag)
    .setAction(() => import("./transfer-deposit-address-list.js"))
    .build(),
  emptyTask(["transfer", "notice"], "Transfer notices: post, list, show").build(),
  signingTask(["transfer", "notice", "post"], "Sender: post a signed notice (payload to the DA layer, digest on-chain)")
    .addOption(optionalOption("to", "The recipient member"))
    .addOption({ name: "asset", description: "Asset id", type: ArgumentType.INT, defaultValue: 0 })
    .addOption(optionalOption("amount", "Amount, in whole units (1.5) or base units (1500units)"))
    .addOption(optionalOption("depositAddress", "The recipient's registered deposit address"))
    .addOption({
      name: "within",
      description: "Settle-by this many seconds from now",
      type: ArgumentType.BIGINT,
      defaultValue: 3_600n,
    })
    .addOption({
      name: "nonce",
      description: "Nonce (0: the next unused)",
      type: ArgumentType.BIGINT,
      defaultValue: 0n,
    })
    .addOption({ name: "memo", description: "A memo in the payload", type: ArgumentType.STRING, defaultValue: "" })
    .addOption(blobStoreOptions[0])
    .addOption(blobStoreOptions[1])
    .setAction(() => import("./transfer-notice-post.js"))
    .build(),
  task(["transfer", "notice", "list"], "Posted notices and their status (read-only)")
    .addOption(optionalOption("sender", "Only this sender's"))
    .addOption(optionalOption("recipient", "Only to this recipient"))
    .addFlag({ name: "open", description: "Only open notices" })
    .addOption(deploymentOption)
    .addFlag(jsonFlag)
    .setAction(() => import("./transfer-notice-list.js"))
    .build(),
  task(["transfer", "notice", "show"], "One notice (read-only)")
    .addPositionalArgument(noticeArgument)
    .addOption(deploymentOption)
    .addFlag(jsonFlag)
    .setAction(() => import("./transfer-notice-show.js"))
    .build(),
  task(["transfer", "credit"], "A sender's credit towards a recipient in an asset: limits and open value (read-only)")
    .addOption(optionalOption("sender", "The sending member"))
    .addOption(optionalOption("recipient", "The receiving member"))
    .addOption({ name: "asset", description: "Asset id", type: ArgumentType.INT, defaultValue: 0 })
    .addOption(deploymentOption)
    .addFlag(jsonFlag)
    .setAction(() => import("./transfer-credit.js"))
    .build(),
  signingTask(["transfer", "settle"], "Sender (or anyone): settle an on-chain notice through the contract")
    .addPositionalArgument(noticeArgument)
    .setAction(() => import("./transfer-settle.js"))
    .build(),
  signingTask(["transfer", "attest"], "Operator: sign that a transaction on the asset's chain settled a notice")
    .addPositionalArgument(noticeArgument)
    .addOption(optionalOption("tx", "The paying transaction's hash"))
    .addOption(optionalOption("out", "Output file (default settlement-<id>-<signer>.json)"))
    .setAction(() => import("./transfer-attest.js"))
    .build(),
  signingTask(["transfer", "submit"], "Anyone: post the operators' settlement files (sorted signatures)")
    .addVariadicArgument({ name: "files", description: "The settlement files", type: ArgumentType.FILE })
    .setAction(() => import("./transfer-submit.js"))
    .build(),
  signingTask(["transfer", "report-default"], "Anyone, after settle-by: slash the sender into its restitution pool")
    .addPositionalArgument(noticeArgument)
    .setAction(() => import("./transfer-report-default.js"))
    .build(),
  signingTask(["transfer", "pay-default"], "Anyone, the unbonding delay after posting: pay a default to its recipient")
    .addPositionalArgument(noticeArgument)
    .addOption(optionalOption("to", "Where the payout goes (default the recipient; only the recipient may change it)"))
    .setAction(() => import("./transfer-pay-default.js"))
    .build(),
  signingTask(
    ["transfer", "withdraw-held"],
    "Recipient: withdraw settlements held because a deposit address refused them",
  )
    .addOption({ name: "asset", description: "Asset id", type: ArgumentType.INT, defaultValue: 0 })
    .addOption(optionalOption("to", "Where to (default the signer)"))
    .setAction(() => import("./transfer-withdraw-held.js"))
    .build(),
];

export const taskDefinitions: TaskDefinition[] = [
  ...chainTasks,
  ...circuitTasks,
  ...abiTasks,
  ...liabilityTasks,
  ...fraudTasks,
  ...memberTasks,
  ...ledgerTasks,
  ...attestationTasks,
  ...transferTasks,
  ...operatorTasks,
  ...verifierTasks,
  ...demoTasks,
  ...governanceTasks,
];
