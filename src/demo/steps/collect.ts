// The result: the facts the summary and the HTML report show, read back from the chain (the ledger's, the
// Adjudicator's and the stake source's events and views: the vault's, or EigenLayer's and its AVS adapter's), the
// aggregator's attestations and the verifier service's coverage, with the steps' timings and gas. What the viewer reads in the report is what the chain and the services hold.
import { readFile } from "node:fs/promises";

import { ZeroAddress, getAddress } from "ethers";

import { memberStatusName, setStatusName, verdictName } from "../../chain/index.js";
import { committedSet, requestSubject, setSubject } from "../../consortium/index.js";
import { privateBlobRecipients } from "../../private/index.js";
import { DEMO_PARAMS, type LiveContext, type Published } from "../context.js";
import { ETH_ASSET, USDC_ASSET, liabilities } from "../scenario.js";
import type {
  AssetResult,
  CoverageResult,
  DemoResult,
  EigenLayerSlashResult,
  FraudResult,
  MemberResult,
  ReputationView,
  RoundResult,
  SetResult,
} from "../types.js";
import { stakeLabel } from "../summary.js";
import { readReputation, stakes } from "./common.js";
import type { AttestationsOutcome } from "./attestations.js";
import type { TransfersOutcome } from "./transfers.js";
import type { FraudOutcome } from "./fraud.js";
import type { RequestOutcome } from "./request.js";

const symbol = (a: number) => (a === ETH_ASSET ? "ETH" : "USDC");
const hex32 = (x: bigint) => `0x${x.toString(16).padStart(64, "0")}`;

/** What the steps found, besides the chain's and the services' state. */
export interface Facts {
  request: RequestOutcome;
  reputationBefore: ReputationView[];
  stakesBefore: bigint[];
  fraud: FraudOutcome;
  /** What each payout received, by nullifier. */
  paid: Map<bigint, bigint>;
  attestations: AttestationsOutcome;
  transfers: TransfersOutcome;
}

/** Reads the chain, the aggregator and the verifier service into the result, with the steps' timings and gas. */
export async function collect(ctx: LiveContext, x: Facts): Promise<DemoResult> {
  const { scenario, d, services, rounds: state, chain, gas, p } = ctx;
  const reputationAfter = await readReputation(ctx);
  const stakesAfter = await stakes(ctx);
  const nameOf = new Map(scenario.members.map((m) => [m.address, m.name] as const));
  const signersOf = (subject: string) =>
    services.aggregator.db.attestations(subject).map((a) => nameOf.get(getAddress(a.signer)) ?? a.signer);
  const attested = await d.ledger.queryFilter(d.ledger.filters.QuorumAttested(), 0, "latest");
  const quorumBySubject = new Map<string, { verdict: string; tx: string }>();
  for (const e of attested) {
    quorumBySubject.set(e.args.subject.toLowerCase(), { verdict: verdictName(e.args.verdict), tx: e.transactionHash });
  }

  const rounds: RoundResult[] = [];
  for (const round of [0, 1] as const) {
    const t = state.times[round];
    const sets: SetResult[] = [];
    for (const m of scenario.members) {
      const pub = state.published[round].get(m.index)!;
      const set = await d.ledger.setOf(m.address, t);
      const subject = setSubject(m.address, t).toLowerCase();
      const q = quorumBySubject.get(subject);
      const assets: AssetResult[] = set.isPrivate
        ? await privateAssetResults(ctx, m.address, t, pub, nameOf)
        : pub.commitments.map((c) => ({
            asset: c.asset,
            symbol: symbol(c.asset),
            accounts: pub.summary.assets.find((a) => a.id === c.asset)!.accounts,
            leaves: pub.leaves.get(c.asset)!,
            rootHash: hex32(c.rootHash),
            rootSum: c.rootSum.toString(),
            trueTotal: pub.trueTotals.get(c.asset)!.toString(),
            reserves: c.reserves.toString(),
            blobDigest: c.blobDigest,
          }));
      sets.push({
        member: m.address,
        name: m.name,
        t: t.toString(),
        assets,
        private: set.isPrivate,
        status: setStatusName(set.status),
        verdict: q?.verdict ?? null,
        signers: signersOf(subject),
        quorumTx: q?.tx ?? null,
        forwarded: state.forwarded[round].get(m.index) ?? 0,
      });
    }
    rounds.push({ round: round + 1, t: t.toString(), sets });
  }

  const reqSubject = requestSubject(x.request.member.address, x.request.t, x.request.requestId).toLowerCase();
  const request = {
    requestId: x.request.requestId.toString(),
    member: x.request.member.address,
    name: x.request.member.name,
    t: x.request.t.toString(),
    status: x.request.status,
    verdict: quorumBySubject.get(reqSubject)?.verdict ?? null,
    signers: signersOf(reqSubject),
  };

  const frauds: FraudResult[] = [];
  const proven = await d.adjudicator.queryFilter(d.adjudicator.filters.FraudProven(), 0, "latest");
  const [omitted, underReported] = x.fraud.victims;
  const kinds = new Map<string, string>([
    [omitted.nullifier.toString(), "missing user (omitted)"],
    [underReported.nullifier.toString(), "under-reported balance"],
  ]);
  const payouts = new Map(x.fraud.victims.map((v) => [v.nullifier.toString(), v.payout] as const));
  for (const e of proven) {
    // FraudProven(member, nullifier, asset, t, claim, payoutHash, round, prover, weightSlashed): the claim's booking.
    const nullifier = e.args.nullifier.toString();
    const asset = Number(e.args.asset);
    const receipt = await e.getTransactionReceipt();
    const prover = getAddress(e.args.prover);
    frauds.push({
      kind: kinds.get(nullifier) ?? "fraud",
      member: getAddress(e.args.member),
      asset,
      symbol: symbol(asset),
      nullifier,
      claim: e.args.claim.toString(),
      recipient: payouts.get(nullifier) ?? `payout hash ${e.args.payoutHash.toString(16).slice(0, 10)}…`,
      prover,
      proverName: nameOf.get(prover) ?? prover,
      weightSlashed: e.args.weightSlashed.toString(),
      gasUsed: Number(receipt.gasUsed),
      txHash: e.transactionHash,
      paid: (x.paid.get(BigInt(nullifier)) ?? 0n).toString(),
    });
  }

  // Bounties: the vault's CollateralSlashed events, or the EigenLayer adapter's SlashCleared, name the recipient.
  const { bounties, slashes } = await slashesOf(ctx, nameOf);

  const members: MemberResult[] = [];
  for (const [i, m] of scenario.members.entries()) {
    const b = bounties.get(m.address) ?? { eth: 0n, usdc: 0n };
    members.push({
      name: m.name,
      address: m.address,
      cheater: m.cheater,
      privateMode: m.privateMode,
      users: m.users.length,
      collateral: { eth: m.collateral.eth.toString(), usdc: m.collateral.usdc.toString() },
      stakeBefore: x.stakesBefore[i].toString(),
      stakeAfter: stakesAfter[i].toString(),
      statusAfter: memberStatusName(await d.registry.statusOf(m.address)),
      reserves: { eth: m.reserves.eth.toString(), usdc: m.reserves.usdc.toString() },
      reputationBefore: x.reputationBefore[i],
      reputationAfter: reputationAfter[i],
      bounties: { eth: b.eth.toString(), usdc: b.usdc.toString() },
    });
  }

  const coverage: CoverageResult[] = [];
  const snaps = (await (await fetch(`${services.service.url}/snapshots`)).json()) as {
    snapshots: Array<{
      member: string;
      asset: number;
      t: number;
      records: number;
      population: { n: number; source: string } | null;
      coverage: { pOne: number | null; pOnePercent: number | null };
    }>;
  };
  for (const s of snaps.snapshots) {
    coverage.push({
      member: getAddress(s.member),
      name: nameOf.get(getAddress(s.member)) ?? s.member,
      asset: s.asset,
      t: String(s.t),
      records: s.records,
      population: s.population?.n ?? null,
      pOne: s.coverage.pOne,
      pOnePercent: s.coverage.pOnePercent,
    });
  }

  const cheater = scenario.members[scenario.cheat.member];
  const pub2 = state.published[1].get(cheater.index)!;
  const claimedEth = pub2.commitments.find((c) => c.asset === ETH_ASSET)!;
  const claimedUsdc = pub2.commitments.find((c) => c.asset === USDC_ASSET)!;
  const short = (trueTotal: bigint, reserves: bigint) => (trueTotal > reserves ? trueTotal - reserves : 0n);
  const true2 = liabilities(cheater, 1);
  const head = Number(await chain.eip.request({ method: "eth_blockNumber", params: [] }));
  const quorum = await d.ledger.quorumParams();
  const totalGas = gas.entries.reduce((a, e) => a + e.gasUsed, 0);
  return {
    format: "por.demo-report",
    version: 1,
    startedAt: ctx.startedAt.toISOString(),
    wallSeconds: Math.round(p.elapsedSeconds() * 10) / 10,
    options: { users: scenario.options.users, members: scenario.options.members, seed: scenario.options.seed },
    stake: { kind: d.stake.kind, label: stakeLabel(d.stake.kind), slashes },
    chain: { chainId: chain.chainId.toString(), blocks: head + 1, rpcCalls: chain.bridge.calls() },
    contracts: d.addresses,
    params: {
      quorumWeight: quorum.quorumWeight.toString(),
      minSigners: Number(quorum.minSigners),
      minCollateral: DEMO_PARAMS.minCollateral.toString(),
      fraudBps: Number(DEMO_PARAMS.fraudBps),
      bountyShareBps: Number(DEMO_PARAMS.bountyShareBps),
      snapshotInterval: Number(DEMO_PARAMS.snapshotInterval),
      responseWindow: Number(DEMO_PARAMS.responseWindow),
    },
    members,
    rounds,
    request,
    frauds,
    cheat: {
      member: cheater.address,
      name: cheater.name,
      omitted: {
        user: cheater.users[scenario.cheat.omitted.user].id,
        balance: scenario.cheat.omitted.balance.toString(),
        payout: scenario.cheat.omitted.payout,
      },
      underReported: {
        user: cheater.users[scenario.cheat.underReported.user].id,
        balance: scenario.cheat.underReported.balance.toString(),
        reported: scenario.cheat.underReported.reported.toString(),
        payout: scenario.cheat.underReported.payout,
      },
      hiddenShortfall: {
        eth: short(true2.eth, claimedEth.reserves).toString(),
        usdc: short(true2.usdc, claimedUsdc.reserves).toString(),
      },
    },
    coverage,
    attestations: x.attestations,
    transfers: x.transfers,
    steps: p.timings.map((t) => ({
      ...t,
      gas: ctx.stepGas.get(t.id) ?? { step: t.id, gas: 0, txs: 0, byAction: [] },
    })),
    totals: {
      gas: totalGas,
      txs: gas.entries.length,
      recordsForwarded: state.recordsForwarded,
      proofs: frauds.length,
    },
    reportDir: ctx.reportDir,
  };
}

/**
 * A private set's assets as the chain holds them (committedSet: the entries checked against the stored digest, the
 * PrivateRootCommitted commitments against the entries) and the recipients named in each encrypted blob's header.
 */
async function privateAssetResults(
  ctx: LiveContext,
  member: string,
  t: bigint,
  pub: Published,
  nameOf: Map<string, string>,
): Promise<AssetResult[]> {
  const { d, chain, services } = ctx;
  const set = await committedSet(chain.conn.ethers.provider, d.addresses.ledger, member, t);
  const out: AssetResult[] = [];
  for (const [i, c] of set.commitments.entries()) {
    const p = set.privateAssets[i];
    const [ax, ay, lx, ly, sx, sy] = p.commitments.map(String);
    const blob = await readFile(services.blobs.pathOf(p.blobDigest.toLowerCase()));
    const recipients = privateBlobRecipients(blob).map((a) => nameOf.get(getAddress(a)) ?? a);
    out.push({
      asset: c.asset,
      symbol: symbol(c.asset),
      accounts: pub.summary.assets.find((a) => a.id === c.asset)!.accounts,
      leaves: pub.leaves.get(c.asset)!,
      rootHash: hex32(c.rootHash),
      rootSum: null,
      trueTotal: pub.trueTotals.get(c.asset)!.toString(),
      reserves: null,
      blobDigest: p.blobDigest,
      private: {
        commitments: { reserves: [ax, ay], liabilities: [lx, ly], surplus: [sx, sy] },
        proofs: "verified on-chain",
        recipients,
      },
    });
  }
  return out;
}

/**
 * The slashes' bounties by recipient (ETH and USDC) and, on EigenLayer, each slash: the adapter's order
 * (OperatorSlashOrdered), EigenLayer's OperatorSlashed in the same transaction, and the SlashCleared bookings.
 */
async function slashesOf(
  ctx: LiveContext,
  nameOf: Map<string, string>,
): Promise<{ bounties: Map<string, { eth: bigint; usdc: bigint }>; slashes: EigenLayerSlashResult[] }> {
  const { d } = ctx;
  const bounties = new Map<string, { eth: bigint; usdc: bigint }>();
  const credit = (recipient: string, token: string, bounty: bigint) => {
    const to = getAddress(recipient);
    const b = bounties.get(to) ?? { eth: 0n, usdc: 0n };
    if (getAddress(token) === ZeroAddress) b.eth += bounty;
    else b.usdc += bounty;
    bounties.set(to, b);
  };
  if (d.stake.kind === "native") {
    const vault = d.stake.vault;
    for (const e of await vault.queryFilter(vault.filters.CollateralSlashed(), 0, "latest")) {
      credit(e.args.bountyRecipient, e.args.token, e.args.bounty);
    }
    return { bounties, slashes: [] };
  }
  const { adapter, el } = d.stake;
  const symbolOf = new Map([
    [getAddress(await el.wethStrategy.getAddress()), "WETH"],
    [getAddress(await el.usdcStrategy.getAddress()), "USDC"],
  ]);
  const cleared = await adapter.queryFilter(adapter.filters.SlashCleared(), 0, "latest");
  for (const e of cleared) credit(e.args.bountyRecipient, e.args.token, e.args.bounty);
  const am = el.standIns.allocationManager;
  const slashedOnEigenLayer = await am.queryFilter(am.filters.OperatorSlashed(), 0, "latest");
  const slashes: EigenLayerSlashResult[] = [];
  for (const o of await adapter.queryFilter(adapter.filters.OperatorSlashOrdered(), 0, "latest")) {
    const member = getAddress(o.args.member);
    const onEigenLayer = slashedOnEigenLayer.find((e) => e.transactionHash === o.transactionHash);
    const bookings = cleared.filter((c) => c.args.slashId === o.args.slashId);
    slashes.push({
      slashId: o.args.slashId.toString(),
      member,
      name: nameOf.get(member) ?? member,
      operator: getAddress(o.args.operator),
      bps: Number(o.args.bps),
      txHash: o.transactionHash,
      strategies: (onEigenLayer?.args.strategies ?? []).map((strategy, j) => {
        const symbol = symbolOf.get(getAddress(strategy)) ?? strategy;
        // WETH arrives unwrapped: booked as ETH (token 0); USDC as itself.
        const c = bookings.find((b) => (getAddress(b.args.token) === ZeroAddress) === (symbol === "WETH"));
        return {
          strategy: getAddress(strategy),
          symbol,
          wadSlashed: onEigenLayer!.args.wadSlashed[j].toString(),
          cleared:
            c === undefined
              ? null
              : {
                  token: getAddress(c.args.token),
                  symbol: getAddress(c.args.token) === ZeroAddress ? "ETH" : "USDC",
                  amount: c.args.amount.toString(),
                  bounty: c.args.bounty.toString(),
                  bountyRecipient: getAddress(c.args.bountyRecipient),
                },
        };
      }),
    });
  }
  return { bounties, slashes };
}
