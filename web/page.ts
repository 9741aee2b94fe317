// What the user's page does, without the DOM (web/main.ts draws it): check a record file with the project's own
// checks (src/records/record-file.ts, the same code `record verify` runs) against the root and key the chain
// publishes, forward it to a verifier, build the LeafMismatch proof with snarkjs when the committed tree contradicts
// it, submit the proof through an injected wallet (EIP-1193), and read the claim it booked. Every request goes to the
// RPC or verifier URL the user gives (or to the URL of the circuit files the user gives); nothing else is fetched.
import { BrowserProvider, Contract, JsonRpcProvider, getAddress, keccak256, type Eip1193Provider } from "ethers";
import * as snarkjs from "snarkjs";

import { browserCrypto, browserPoseidon } from "../src/crypto/browser.js";
import { bookedClaim, type BookedClaim } from "../src/consortium/claims.js";
import { committedSet, expectedRootOf, publishedTree, type PublishedTree } from "../src/consortium/published.js";
import { leavesOfBlob } from "../src/poa/blob-container.js";
import { ADJUDICATOR_ABI, COMMITMENT_LEDGER_ABI } from "../src/generated/abi.js";
import { proverCryptoFrom } from "../src/prover/crypto.js";
import { FRAUD_CIRCUIT, fraudProofFileOf, signedRecordOf } from "../src/prover/document.js";
import { parseFraudProofFile, toFraudProofStruct, type FraudProofFile } from "../src/prover/files.js";
import { slotPathInLeaves } from "../src/prover/leaves-path.js";
import { FraudProofRefused, buildStatement, type FraudStatement } from "../src/prover/statement.js";
import {
  parseRecordFile,
  verifyRecordFile,
  type RecordFile,
  type Verdict,
  type VerifyExpectations,
} from "../src/records/record-file.js";
import { forwardedFromRecordFile } from "../src/verifier-service/forwarded.js";

/** Where the page reads the chain and forwards records. */
export interface Settings {
  /** JSON-RPC URL of the chain (read-only calls only). */
  rpcUrl: string;
  /** The verifier service's URL (forwarding; its /deployment and /circuits). */
  verifierUrl: string;
  /** The consortium's CommitmentLedger and ConsortiumRegistry. */
  ledger: string;
  registry: string;
}

/** An error for the user: what is wrong and what to do. */
export class PageError extends Error {
  override name = "PageError";
}

const trim = (url: string) => url.trim().replace(/\/+$/, "");

function checkUrl(what: string, url: string): string {
  const u = trim(url);
  if (!/^https?:\/\/[^\s]+$/i.test(u)) throw new PageError(`${what} must be an http(s) URL, got "${url}"`);
  return u;
}

function checkAddress(what: string, a: string): string {
  try {
    return getAddress(a.trim().toLowerCase());
  } catch {
    throw new PageError(`${what} must be a 0x address of 20 bytes, got "${a}"`);
  }
}

/** A read-only provider on the user's RPC URL. */
export function readProvider(rpcUrl: string): JsonRpcProvider {
  return new JsonRpcProvider(checkUrl("The chain RPC URL", rpcUrl), undefined, { batchMaxCount: 1 });
}

/** The consortium contracts a verifier service works with (its public GET /deployment). */
export async function fetchDeployment(verifierUrl: string): Promise<{ ledger: string; registry: string }> {
  const url = `${checkUrl("The verifier URL", verifierUrl)}/deployment`;
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new PageError(`cannot reach ${url} (${(e as Error).message}): check the verifier URL`);
  }
  if (!res.ok) throw new PageError(`${url} answered ${res.status}: enter the ledger and registry addresses by hand`);
  const d = (await res.json()) as { ledger?: string; registry?: string };
  return {
    ledger: checkAddress("The ledger", d.ledger ?? ""),
    registry: checkAddress("The registry", d.registry ?? ""),
  };
}

/** What checking a record gives. */
export interface CheckResult {
  file: RecordFile;
  verdict: Verdict;
  /** What the chain publishes for the record's (member, asset, t); undefined when no RPC URL was given. */
  onChain?: PublishedTree;
}

/** Parses a record file's text; errors name the file and the field. */
export function readRecord(text: string, name = "record file"): RecordFile {
  if (text.trim() === "") throw new PageError("no record: drop your por.record file or paste its text");
  try {
    return parseRecordFile(text, name);
  } catch (e) {
    throw new PageError(`${(e as Error).message}. This is not a valid por.record file: ask your exchange for it again`);
  }
}

/**
 * Runs every check of `record verify` on the record. With an RPC URL (and the ledger and registry), the published root
 * and the key hash valid at the record's t come from the chain, as `record verify --chain` reads them.
 */
export async function checkRecord(
  file: RecordFile,
  settings: Pick<Settings, "rpcUrl" | "ledger" | "registry">,
  mine: { account?: string; payout?: string } = {},
): Promise<CheckResult> {
  const expect: VerifyExpectations = {};
  if (mine.account !== undefined && mine.account !== "") expect.accountId = mine.account;
  if (mine.payout !== undefined && mine.payout !== "") expect.payout = checkAddress("Your payout address", mine.payout);
  let onChain: PublishedTree | undefined;
  if (settings.rpcUrl.trim() !== "") {
    const provider = readProvider(settings.rpcUrl);
    const addresses = {
      ledger: checkAddress("The ledger address", settings.ledger),
      registry: checkAddress("The registry address", settings.registry),
    };
    try {
      const { member, asset, t } = file.record;
      onChain = await publishedTree(provider, addresses, member, asset, BigInt(t));
    } catch (e) {
      throw new PageError(`reading the chain at ${settings.rpcUrl} failed: ${(e as Error).message}`);
    } finally {
      provider.destroy();
    }
    expect.root = expectedRootOf(onChain);
    expect.keyHash = onChain.keyHash;
  }
  return { file, verdict: verifyRecordFile(browserCrypto, file, expect), onChain };
}

/** True when the member signed the record but its committed tree does not hold it: a fraud to prove. */
export function isContradicted(r: CheckResult): boolean {
  const ok = (name: string) => r.verdict.checks.find((c) => c.name === name)?.ok === true;
  const signed = ["message", "record key", "signature", "key hash", "registered key"].every(ok);
  return r.onChain !== undefined && signed && !ok("published root") && !r.onChain.fraudulent;
}

/** POSTs the forwarded record (no account id, salt or payout opening) to the verifier's /records. */
export async function forwardRecord(
  file: RecordFile,
  verifierUrl: string,
): Promise<{ status: number; answer: unknown; body: string }> {
  const url = `${checkUrl("The verifier URL", verifierUrl)}/records`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(forwardedFromRecordFile(file)),
    });
  } catch (e) {
    throw new PageError(`cannot reach ${url} (${(e as Error).message}): check the verifier URL`);
  }
  const body = await res.text();
  let answer: unknown = body;
  try {
    answer = JSON.parse(body);
  } catch {
    // not JSON: shown as it is
  }
  return { status: res.status, answer, body };
}

/**
 * Fetches the DA blob a fraud proof needs (the asset's PoA and leaves) from the verifier service by the digest the
 * member committed, and checks that its keccak256 is that digest: the service is trusted for nothing.
 */
export async function fetchCommittedBlob(
  verifierUrl: string,
  file: RecordFile,
  blobDigest: string,
): Promise<Uint8Array> {
  if (/^0x0{64}$/.test(blobDigest)) {
    throw new PageError("the member committed no DA blob for this asset: choose the leaves file it published");
  }
  const { member, asset, t } = file.record;
  const base = checkUrl("The verifier URL", verifierUrl);
  const url = `${base}/blobs/${blobDigest}?member=${member}&asset=${asset}&t=${t}`;
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new PageError(
      `cannot reach ${base} (${(e as Error).message}): check the verifier URL, or choose the leaves file`,
    );
  }
  if (res.status !== 200) {
    const body = await res.text();
    let why = body;
    try {
      why = (JSON.parse(body) as { error?: { message?: string } }).error?.message ?? body;
    } catch {
      // not JSON: shown as it is
    }
    throw new PageError(
      `the verifier service has no copy of blob ${blobDigest} (${res.status}: ${why}): choose the leaves file`,
    );
  }
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (keccak256(bytes) !== blobDigest.toLowerCase()) {
    throw new PageError(
      `the verifier service sent bytes that are not blob ${blobDigest} (wrong keccak256): choose the leaves file`,
    );
  }
  return bytes;
}

/** Progress of a proof: a stage and, for downloads, bytes so far. */
export interface ProveProgress {
  stage: "leaves" | "statement" | "download" | "prove" | "verify" | "done";
  detail: string;
}

/** Fetches a URL's bytes, reporting progress. */
async function fetchBytes(url: string, what: string, progress: (p: ProveProgress) => void): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new PageError(`cannot fetch the ${what} from ${url} (${(e as Error).message}): check the circuit URL`);
  }
  if (!res.ok || res.body === null) throw new PageError(`the ${what} at ${url} answered ${res.status}`);
  const total = Number(res.headers.get("content-length") ?? NaN);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let got = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    got += value.length;
    const mb = (n: number) => (n / 1048576).toFixed(1);
    progress({
      stage: "download",
      detail: `${what}: ${mb(got)}${Number.isFinite(total) ? ` of ${mb(total)}` : ""} MB`,
    });
  }
  const out = new Uint8Array(got);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** A proof built in the browser. */
export interface BrowserProof {
  file: FraudProofFile;
  statement: FraudStatement;
  /** Milliseconds: downloading the circuit files, witness and proof, verification. */
  timings: { download: number; prove: number; verify: number };
}

/**
 * Builds the LeafMismatch32 proof: rebuilds the member's published tree from its leaves (`leaves`: the asset's DA blob,
 * PORB, or its bare leaves payload, PORL), checks the
 * statement (src/prover/statement.ts: refuses with the reason when there is no fraud), fetches the circuit's wasm, zkey
 * and verifying key from `circuitUrl` (`<url>.wasm`, `<url>.zkey`, `<url>.vkey.json`), proves with snarkjs and
 * verifies.
 */
export async function proveInBrowser(
  file: RecordFile,
  leaves: Uint8Array,
  committedRoot: bigint,
  circuitUrl: string,
  progress: (p: ProveProgress) => void = () => {},
): Promise<BrowserProof> {
  const base = checkUrl("The circuit URL", circuitUrl);
  if (file.tree.D !== 32)
    throw new PageError(`the fraud circuit proves trees of depth 32; this record's is ${file.tree.D}`);
  const record = signedRecordOf(file);
  progress({ stage: "leaves", detail: "rebuilding the member's published tree from its leaves" });
  let path;
  try {
    const payload = leavesOfBlob(leaves, "the leaves file");
    const fromLeaves = await slotPathInLeaves(browserCrypto, payload, record.slot, "the leaves file");
    const h = fromLeaves.header;
    if (h.member !== record.member || BigInt(h.asset) !== record.asset || h.t !== record.t) {
      throw new PageError(
        `the leaves file is the tree of member 0x${h.member.toString(16)}, asset ${h.asset}, t ${h.t}, not the ` +
          "record's: choose the leaves the member published for this record's snapshot",
      );
    }
    if (fromLeaves.rootHash !== committedRoot) {
      throw new PageError(
        `the leaves file rebuilds to root hash ${fromLeaves.rootHash}, not the committed ${committedRoot}: ` +
          "these are not the leaves the member committed",
      );
    }
    path = fromLeaves.path;
  } catch (e) {
    if (e instanceof PageError) throw e;
    throw new PageError(`the leaves file cannot be read: ${(e as Error).message}`);
  }
  progress({ stage: "statement", detail: "checking the fraud statement" });
  let statement: FraudStatement;
  try {
    statement = buildStatement(proverCryptoFrom(browserPoseidon), 32, record, path, committedRoot);
  } catch (e) {
    if (e instanceof FraudProofRefused) throw new PageError(`nothing to prove (${e.reason}): ${e.message}`);
    throw e;
  }
  const t0 = performance.now();
  const wasm = await fetchBytes(`${base}.wasm`, "circuit (wasm)", progress);
  const zkey = await fetchBytes(`${base}.zkey`, "proving key (zkey)", progress);
  const vkeyBytes = await fetchBytes(`${base}.vkey.json`, "verifying key", progress);
  const t1 = performance.now();
  progress({ stage: "prove", detail: "computing the witness and the Groth16 proof" });
  const { proof, publicSignals } = await snarkjs.groth16.fullProve(statement.circuitInput, wasm, zkey);
  const t2 = performance.now();
  progress({ stage: "verify", detail: "verifying the proof" });
  const vkey = JSON.parse(new TextDecoder().decode(vkeyBytes)) as snarkjs.VerificationKey;
  const proofFile = fraudProofFileOf(FRAUD_CIRCUIT, statement, proof);
  if (publicSignals.join(",") !== proofFile.pubSignals.join(",")) {
    throw new PageError(
      `the circuit returned other public signals (${publicSignals.join(", ")}): wrong circuit files?`,
    );
  }
  if (!(await snarkjs.groth16.verify(vkey, publicSignals, proof))) {
    throw new PageError("the proof does not verify against the verifying key: the circuit files do not match");
  }
  const t3 = performance.now();
  progress({ stage: "done", detail: "proof built and verified" });
  return { file: proofFile, statement, timings: { download: t1 - t0, prove: t2 - t1, verify: t3 - t2 } };
}

/** The ledger's Adjudicator. */
async function adjudicatorOf(provider: JsonRpcProvider | BrowserProvider, ledger: string): Promise<string> {
  const l = new Contract(checkAddress("The ledger address", ledger), COMMITMENT_LEDGER_ABI, provider);
  return getAddress((await l.getFunction("adjudicator")()) as string);
}

/**
 * Submits the proof to the Adjudicator with the injected wallet (the bounty goes to the wallet's account; the claim is
 * booked to the record's payout hash whoever sends it). Returns the transaction hash once mined.
 */
export async function submitWithWallet(
  ethereum: Eip1193Provider,
  proofFile: FraudProofFile,
  ledger: string,
): Promise<{ hash: string; from: string }> {
  const proof = parseFraudProofFile(JSON.stringify(proofFile), "the proof");
  const provider = new BrowserProvider(ethereum);
  try {
    const signer = await provider.getSigner();
    const set = await committedSet(
      provider,
      checkAddress("The ledger address", ledger),
      proof.publicSignals.member,
      BigInt(proof.publicSignals.t),
    );
    const adjudicator = new Contract(await adjudicatorOf(provider, ledger), ADJUDICATOR_ABI, signer);
    const tx = (await adjudicator.getFunction("proveFraud")(toFraudProofStruct(proof), set.commitments)) as {
      hash: string;
      wait(): Promise<{ status: number | null } | null>;
    };
    const receipt = await tx.wait();
    if (receipt === null || receipt.status !== 1) throw new PageError(`transaction ${tx.hash} failed`);
    return { hash: tx.hash, from: await signer.getAddress() };
  } catch (e) {
    if (e instanceof PageError) throw e;
    const reason = (e as { shortMessage?: string }).shortMessage ?? (e as Error).message;
    throw new PageError(`the wallet could not submit the proof: ${reason}`);
  } finally {
    provider.destroy();
  }
}

/**
 * The claim booked against `member` under a record's `nullifier` (the record file's, or the proof's), read from the
 * chain; undefined when none is booked (yet).
 */
export async function claimOf(
  rpcUrl: string,
  ledger: string,
  member: string,
  nullifier: string,
): Promise<BookedClaim | undefined> {
  const provider = readProvider(rpcUrl);
  try {
    return await bookedClaim(provider, await adjudicatorOf(provider, ledger), member, BigInt(nullifier));
  } catch (e) {
    throw new PageError(`reading the claim from ${rpcUrl} failed: ${(e as Error).message}`);
  } finally {
    provider.destroy();
  }
}

/** How to collect a booked claim once its round closes (the `claim pay` task, or any wallet calling payClaim). */
export function collectInstructions(claim: BookedClaim): string {
  const closes = new Date(Number(claim.closesAt) * 1000).toISOString().replace(".000Z", " UTC").replace("T", " ");
  const when =
    claim.status === "open"
      ? `The claim window closes at ${closes}. From then on, collect it`
      : claim.status === "payable"
        ? "The claim window has closed: collect it now"
        : `The claim is ${claim.status}; nothing to collect`;
  if (claim.status === "paid" || claim.status === "vetoed") return `${when}.`;
  return (
    `${when} with your record file (it holds the payout opening) and the saved fraud-proof file:\n` +
    "  npx hardhat claim pay --network <network> --proof fraud-proof.json --record record.json\n" +
    "Anyone may send it; the payment goes only to the payout address your record commits to."
  );
}
