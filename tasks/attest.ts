import { writeFile } from "node:fs/promises";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import {
  requestSubject,
  setSubject,
  signAttestation,
  ledgerDomain,
  verdictOf,
  type AttestationBundle,
} from "../src/consortium/index.js";
import {
  TaskFailure,
  addressOption,
  consortiumContext,
  decimalOption,
  runTask,
  type CommonArgs,
  type ConsortiumContext,
} from "./consortium-context.js";

interface Args extends CommonArgs {
  member: string;
  t: string;
  request: string;
  verdict: string;
  out: string;
}

/** The set's digests, from its SetCommitted event. */
async function setDigests(ctx: ConsortiumContext, member: string, t: bigint) {
  const logs = await ctx.ledger.queryFilter(ctx.ledger.filters.SetCommitted(member, t));
  if (logs.length === 0) throw new TaskFailure(`no commitment set of member ${member} at t ${t} on this ledger`);
  const { rootsDigest, blobDigest } = logs[logs.length - 1].args;
  return { rootsDigest, blobDigest };
}

/**
 * `hardhat attest`: sign an EIP-712 attestation (verdict on a commitment set or an answered request) with the
 * operator's key and write it as a `por.attestation` v1 file for the aggregator. Sign only after verifying the
 * set (ownership signatures, balances at t, leaves, records held): this task checks nothing off-chain.
 */
export default async function attest(args: Args, hre: HardhatRuntimeEnvironment): Promise<void> {
  await runTask(async () => {
    if (args.verdict !== "solvent" && args.verdict !== "insolvent") {
      throw new TaskFailure(`--verdict must be "solvent" or "insolvent", got "${args.verdict}"`);
    }
    const verdictWord: "solvent" | "insolvent" = args.verdict;
    const ctx = await consortiumContext(args, hre);
    let member: string;
    let t: bigint;
    let subject: string;
    let requestId: bigint | undefined;
    if (args.request !== "") {
      requestId = decimalOption("request", args.request);
      const request = await ctx.ledger.requestOf(requestId);
      if (request.status === 0n) throw new TaskFailure(`request ${requestId} does not exist`);
      member = request.member;
      t = request.t;
      subject = requestSubject(member, t, requestId);
    } else {
      member = addressOption("member", args.member);
      t = decimalOption("t", args.t);
      subject = setSubject(member, t);
    }
    const { rootsDigest, blobDigest } = await setDigests(ctx, member, t);
    const domain = ledgerDomain(ctx.chainId, ctx.addresses.ledger);
    const signed = await signAttestation(ctx.signer, domain, {
      subject,
      verdict: verdictOf(verdictWord),
      rootsDigest,
      blobDigest,
    });
    const bundle: AttestationBundle = {
      format: "por.attestation",
      version: 1,
      chainId: ctx.chainId.toString(),
      ledger: ctx.addresses.ledger,
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
    const out = args.out !== "" ? args.out : `attestation-${signed.signer.slice(2, 10).toLowerCase()}.json`;
    await writeFile(out, JSON.stringify(bundle, null, 2) + "\n");
    console.log(`signed ${verdictWord} on ${bundle.kind} ${requestId ?? `${member}@${t}`} as ${signed.signer}`);
    console.log(`  subject ${subject}`);
    console.log(`  wrote ${out}`);
  });
}
