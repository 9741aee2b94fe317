// The user's page: wires web/index.html to web/page.ts. Settings come from the query string (?rpc=&verifier=&ledger=
// &registry=) or the fields; served by a verifier service, the verifier URL defaults to the page's own origin.
// Each state is shown in the DOM with data attributes (data-state, data-ok) that the Chromium tests read.
import type { Eip1193Provider } from "ethers";

import type { FraudProofFile } from "../src/prover/files.js";
import type { RecordFile } from "../src/records/record-file.js";
import {
  PageError,
  checkRecord,
  claimOf,
  collectInstructions,
  fetchCommittedBlob,
  fetchDeployment,
  forwardRecord,
  isContradicted,
  proveInBrowser,
  readRecord,
  submitWithWallet,
  type CheckResult,
  type Settings,
} from "./page.js";

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`the page has no #${id}`);
  return el as T;
};
const input = (id: string) => $<HTMLInputElement>(id);

const params = new URLSearchParams(location.search);
const servedOverHttp = location.protocol === "http:" || location.protocol === "https:";
input("rpc-url").value = params.get("rpc") ?? "";
input("verifier-url").value = params.get("verifier") ?? (servedOverHttp ? location.origin : "");
input("ledger").value = params.get("ledger") ?? "";
input("registry").value = params.get("registry") ?? "";

const settings = (): Settings => ({
  rpcUrl: input("rpc-url").value.trim(),
  verifierUrl: input("verifier-url").value.trim(),
  ledger: input("ledger").value.trim(),
  registry: input("registry").value.trim(),
});

/** Shows `text` in a status element; `state` goes to data-state for the tests. */
function status(id: string, text: string, state: "busy" | "done" | "error"): void {
  const el = $(id);
  el.textContent = text;
  el.dataset.state = state;
  el.classList.toggle("error", state === "error");
}

const message = (e: unknown) =>
  e instanceof PageError ? e.message : `unexpected error: ${(e as Error).message ?? String(e)}`;

/** Runs a button's action with the button disabled; errors go to the status element. */
function onClick(button: string, statusId: string, action: () => Promise<void>): void {
  $(button).addEventListener("click", () => {
    const b = $<HTMLButtonElement>(button);
    b.disabled = true;
    action()
      .catch((e: unknown) => status(statusId, message(e), "error"))
      .finally(() => (b.disabled = false));
  });
}

async function loadDeployment(): Promise<void> {
  const s = settings();
  if (s.verifierUrl === "") throw new PageError("enter the verifier service URL first");
  status("settings-status", "asking the verifier for the consortium's contracts…", "busy");
  const d = await fetchDeployment(s.verifierUrl);
  input("ledger").value = d.ledger;
  input("registry").value = d.registry;
  status("settings-status", `ledger ${d.ledger}, registry ${d.registry}`, "done");
}
onClick("load-deployment", "settings-status", loadDeployment);
if (servedOverHttp && input("ledger").value === "" && settings().verifierUrl !== "") {
  loadDeployment().catch((e: unknown) => status("settings-status", message(e), "error"));
}

// The record: dropped, chosen or pasted.
const drop = $("drop");
async function takeFile(f: File | undefined): Promise<void> {
  if (f === undefined) return;
  $<HTMLTextAreaElement>("record-text").value = await f.text();
}
drop.addEventListener("dragover", (e) => {
  e.preventDefault();
  drop.classList.add("over");
});
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (e) => {
  e.preventDefault();
  drop.classList.remove("over");
  void takeFile(e.dataTransfer?.files[0]);
});
input("record-file").addEventListener("change", () => void takeFile(input("record-file").files?.[0]));

let checked: CheckResult | undefined;
let proof: FraudProofFile | undefined;

function showVerdict(r: CheckResult): void {
  const v = $("verdict");
  v.textContent = r.verdict.summary;
  v.dataset.ok = String(r.verdict.ok);
  v.dataset.state = "done";
  v.dataset.verdict = JSON.stringify(r.verdict);
  $("onchain").textContent =
    r.onChain === undefined
      ? "No chain RPC URL given: the root and key were not compared with what the exchange published."
      : `On-chain: root ${r.onChain.root.h} (sum ${r.onChain.root.s}), key hash ${r.onChain.keyHash}` +
        (r.onChain.fraudulent ? " — this commitment has already been PROVEN FRAUDULENT." : ".");
  const list = $("checks");
  list.replaceChildren(
    ...r.verdict.checks.map((c) => {
      const li = document.createElement("li");
      li.dataset.name = c.name;
      li.dataset.ok = String(c.ok);
      const b = document.createElement("b");
      b.textContent = c.ok ? (c.warning === true ? "warn" : "ok") : "FAIL";
      li.append(b, ` ${c.name}: ${c.detail}`);
      return li;
    }),
  );
  $("result").hidden = false;
  $("fraud").hidden = !isContradicted(r);
  $("claim").hidden = true;
  if (r.onChain?.fraudulent === true) {
    // Proven already (by this page, the CLI or anyone else): the claim booked under this record's nullifier.
    showClaim(r.file.record.member, r.file.nullifier).catch((e: unknown) =>
      status("claim-status", message(e), "error"),
    );
  }
  if (!$("fraud").hidden && input("circuit-url").value === "" && settings().verifierUrl !== "") {
    input("circuit-url").value = `${settings().verifierUrl.replace(/\/+$/, "")}/circuits/LeafMismatch32`;
  }
}

onClick("check", "verdict", async () => {
  $("result").hidden = false;
  status("verdict", "checking…", "busy");
  delete $("verdict").dataset.ok;
  $("checks").replaceChildren();
  const file: RecordFile = readRecord($<HTMLTextAreaElement>("record-text").value);
  checked = await checkRecord(file, settings(), {
    account: input("account").value.trim(),
    payout: input("payout").value.trim(),
  });
  showVerdict(checked);
});

onClick("forward", "forward-status", async () => {
  if (checked === undefined) throw new PageError("check the record first");
  const url = settings().verifierUrl;
  if (url === "") throw new PageError("enter the verifier service URL in section 1");
  status("forward-status", `forwarding to ${url}…`, "busy");
  const r = await forwardRecord(checked.file, url);
  if (r.status !== 200) {
    const err = (r.answer as { error?: { message?: string } }).error?.message ?? r.body;
    throw new PageError(`the verifier refused the record (${r.status}): ${err}`);
  }
  status("forward-status", `the verifier stored your record (${url}): ${r.body}`, "done");
});

onClick("prove", "prove-status", async () => {
  if (checked?.onChain === undefined) throw new PageError("check the record against the chain first");
  const leavesFile = input("leaves-file").files?.[0];
  let leaves: Uint8Array;
  if (leavesFile !== undefined) leaves = new Uint8Array(await leavesFile.arrayBuffer());
  else {
    const url = settings().verifierUrl;
    if (url === "") {
      throw new PageError(
        "enter the verifier service URL in section 1, or choose the leaves file the exchange published",
      );
    }
    status("prove-status", `fetching the committed leaves (blob ${checked.onChain.blobDigest}) from ${url}…`, "busy");
    leaves = await fetchCommittedBlob(url, checked.file, checked.onChain.blobDigest);
  }
  const started = performance.now();
  const bar = $<HTMLProgressElement>("prove-progress");
  bar.hidden = false;
  const timer = setInterval(() => {
    const s = ((performance.now() - started) / 1000).toFixed(1);
    $("prove-status").dataset.elapsed = s;
  }, 200);
  try {
    const built = await proveInBrowser(checked.file, leaves, checked.onChain.root.h, input("circuit-url").value, (p) =>
      status("prove-status", `${p.detail}… (${((performance.now() - started) / 1000).toFixed(1)} s)`, "busy"),
    );
    proof = built.file;
    const s = built.file.publicSignals;
    const t = built.timings;
    status(
      "prove-status",
      `Fraud proven (${built.file.kind}): claim ${s.claim} base units for asset ${s.asset} at t ${s.t}.\n` +
        `Downloaded the circuit in ${(t.download / 1000).toFixed(1)} s, proved in ${(t.prove / 1000).toFixed(1)} s, ` +
        `verified in ${(t.verify / 1000).toFixed(2)} s.`,
      "done",
    );
    $("prove-status").dataset.proveMs = String(Math.round(t.prove));
    $("proof-actions").hidden = false;
  } finally {
    clearInterval(timer);
    bar.hidden = true;
  }
});

onClick("save-proof", "submit-status", async () => {
  if (proof === undefined) throw new PageError("build the proof first");
  const blob = new Blob([`${JSON.stringify(proof, null, 2)}\n`], { type: "application/json" });
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = "fraud-proof.json";
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  status("submit-status", "saved fraud-proof.json: `fraud submit` reads it", "done");
});

onClick("submit-wallet", "submit-status", async () => {
  if (proof === undefined) throw new PageError("build the proof first");
  const ethereum = (window as unknown as { ethereum?: Eip1193Provider }).ethereum;
  if (ethereum === undefined) {
    throw new PageError("no wallet in this browser: save the fraud-proof file and submit it with `fraud submit`");
  }
  status("submit-status", "waiting for the wallet…", "busy");
  const sent = await submitWithWallet(ethereum, proof, settings().ledger);
  status("submit-status", `submitted from ${sent.from}: transaction ${sent.hash}`, "done");
  await showClaim(proof.publicSignals.member, proof.publicSignals.nullifier);
});

async function showClaim(member: string, nullifier: string): Promise<void> {
  $("claim").hidden = false;
  status("claim-status", "reading the claim booked for this record…", "busy");
  const claim = await claimOf(settings().rpcUrl, settings().ledger, member, nullifier);
  if (claim === undefined) {
    status("claim-status", "no claim is booked under this record's nullifier yet", "error");
    return;
  }
  const payout =
    claim.terms.payoutHash === 0n
      ? "no payout registered: governance assigns one after an identity check"
      : `payout hash ${claim.terms.payoutHash}`;
  status(
    "claim-status",
    `Claim booked: ${claim.terms.claim} base units of asset ${claim.terms.asset} against member ${claim.member}, ` +
      `round ${claim.terms.round}, status ${claim.status}; paid to your payout (${payout}).`,
    "done",
  );
  $("claim").dataset.claim = JSON.stringify({ ...claim, nullifier: String(claim.nullifier) }, (_k, v: unknown) =>
    typeof v === "bigint" ? v.toString() : v,
  );
  $("claim-collect").textContent = collectInstructions(claim);
}
