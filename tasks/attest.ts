import { writeFile } from "node:fs/promises";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { TaskError, addressInput, clientTask, given, type Client, type ClientArgs } from "../src/client/index.js";
import {
  ledgerDomain,
  requestSubject,
  setSubject,
  signAttestation,
  verdictOf,
  type AttestationBundle,
} from "../src/consortium/index.js";

export interface Args extends ClientArgs {
  /** solvent or insolvent. */
  verdict: string;
  /** With --t: the member whose set is attested. */
  member?: string;
  /** Snapshot time of the set (0n: none; give --request instead). */
  t: bigint;
  /** Or: an answered request id (0n: none). */
  request: bigint;
  out?: string;
}

/**
 * `hardhat quorum attest <verdict> --member --t | --request`: sign an EIP-712 attestation (verdict on a commitment set
 * or an answered request) with the operator's key and write it as a `por.attestation` v1 file for the aggregator.
 * Sign only after verifying the set (ownership signatures, balances at t, leaves, records held): this task checks
 * nothing off-chain.
 */
export default async function action(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await clientTask("quorum attest", hre, args, (ctx) => quorumAttest(ctx, args));
}

/** The body of `quorum attest` on a client. */
export async function quorumAttest(ctx: Client, args: Args): Promise<void> {
  if (args.verdict !== "solvent" && args.verdict !== "insolvent") {
    throw new TaskError(`<verdict> must be "solvent" or "insolvent", got "${args.verdict}"`);
  }
  const verdictWord: "solvent" | "insolvent" = args.verdict;
  const ledger = await ctx.contract("ledger");
  let member: string;
  let t: bigint;
  let subject: string;
  let requestId: bigint | undefined;
  if (args.request !== 0n) {
    if (args.member !== undefined || args.t !== 0n) throw new TaskError("give either --request or --member and --t");
    requestId = args.request;
    const request = await ledger.requestOf(requestId);
    if (request.status === 0n) throw new TaskError(`request ${requestId} does not exist`);
    member = request.member;
    t = request.t;
    subject = requestSubject(member, t, requestId);
  } else {
    if (args.member === undefined || args.t === 0n) {
      throw new TaskError("give --member <0x address> and --t <snapshot time> of the set, or --request <id>");
    }
    member = addressInput("--member", args.member);
    t = args.t;
    subject = setSubject(member, t);
  }
  // The set's digests, from its SetCommitted event.
  const logs = await ledger.queryFilter(ledger.filters.SetCommitted(member, t), ctx.deployment.firstBlock);
  if (logs.length === 0) throw new TaskError(`no commitment set of member ${member} at t ${t} on this ledger`);
  const { rootsDigest, blobDigest } = logs[logs.length - 1].args;
  const ledgerAddress = ctx.deployment.address("ledger");
  const signed = await signAttestation(await ctx.signer(), ledgerDomain(ctx.chainId, ledgerAddress), {
    subject,
    verdict: verdictOf(verdictWord),
    rootsDigest,
    blobDigest,
  });
  const bundle: AttestationBundle = {
    format: "por.attestation",
    version: 1,
    chainId: ctx.chainId.toString(),
    ledger: ledgerAddress,
    kind: requestId === undefined ? "set" : "request",
    member,
    t: t.toString(),
    ...(requestId === undefined ? {} : { requestId: requestId.toString() }),
    verdict: verdictWord,
    subject,
    rootsDigest,
    blobDigest,
    signatures: [signed],
  };
  const out = given(args.out) ? args.out : `attestation-${signed.signer.slice(2, 10).toLowerCase()}.json`;
  await writeFile(out, JSON.stringify(bundle, null, 2) + "\n");
  ctx.out.line(`signed ${verdictWord} on ${bundle.kind} ${requestId ?? `${member}@${t}`} as ${signed.signer}`);
  ctx.out.line(`  subject ${subject}`);
  ctx.out.line(`  wrote ${out}`);
  ctx.out.setAll({ file: out, signer: signed.signer, kind: bundle.kind, member, t, subject, verdict: verdictWord });
}
