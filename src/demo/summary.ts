// The demo's terminal summary: members, collateral, roots, verdicts, the fraud, reputation before and after, gas
// per step. Plain text tables (fixed-width columns), one string per line.
import type { DemoResult, EigenLayerSlashResult } from "./types.js";

const E18 = 10n ** 18n;
const E6 = 10n ** 6n;

/** `x` base units as a decimal with `digits` fraction digits and thousands separators. */
export function formatUnits(x: string | bigint, unit: bigint, digits = 2): string {
  const v = BigInt(x);
  const neg = v < 0n;
  const a = neg ? -v : v;
  const scaled = (a * 10n ** BigInt(digits) + unit / 2n) / unit;
  const whole = scaled / 10n ** BigInt(digits);
  const frac = (scaled % 10n ** BigInt(digits)).toString().padStart(digits, "0");
  return `${neg ? "-" : ""}${whole.toLocaleString("en-US")}${digits > 0 ? `.${frac}` : ""}`;
}

/** ETH (18 decimals) and USDC (6 decimals) amounts. */
export const fmtEth = (x: string | bigint) => `${formatUnits(x, E18)} ETH`;
export const fmtUsdc = (x: string | bigint) => `${formatUnits(x, E6)} USDC`;
/** Stake weight (1e18 = 1 ETH of collateral). */
export const fmtStake = (x: string | bigint) => formatUnits(x, E18);

/** How the summary and the report name a stake source. */
export function stakeLabel(kind: "native" | "eigenlayer"): string {
  return kind === "eigenlayer" ? "EigenLayer (stand-ins)" : "native vault";
}

/** One EigenLayer slash's rows, one per strategy: what OperatorSlashed took of the allocation, what was cleared. */
export function eigenLayerSlashRows(s: EigenLayerSlashResult, fmtAddress: (a: string) => string): string[][] {
  return s.strategies.map((st, j) => {
    const c = st.cleared;
    const fmt = c?.symbol === "USDC" ? fmtUsdc : fmtEth;
    return [
      j === 0 ? `${s.slashId} (${s.bps / 100} %)` : "",
      j === 0 ? s.name : "",
      `${st.symbol}: ${formatUnits(BigInt(st.wadSlashed) * 100n, 10n ** 18n, 1)} % of the allocation`,
      c === null ? "not cleared yet" : `${fmt(c.amount)} cleared`,
      c === null ? "-" : `${fmt(c.bounty)} to ${fmtAddress(c.bountyRecipient)}`,
      j === 0 ? fmtAddress(s.txHash) : "",
    ];
  });
}

/** A fixed-width text table. */
export function table(head: string[], rows: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (c ?? "").padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)];
}

const short = (h: string) => `${h.slice(0, 10)}..${h.slice(-4)}`;

/** The summary as lines of text. */
export function formatSummary(r: DemoResult): string[] {
  const out: string[] = [];
  const section = (title: string) => out.push("", `== ${title}`);
  out.push(
    "",
    `Demo finished in ${r.wallSeconds.toFixed(0)} s: ${r.options.members} members x ${r.options.users} users x 2 assets` +
      ` (seed "${r.options.seed}"), stake: ${r.stake.label}, ${r.chain.blocks} blocks, ${r.totals.txs} transactions, ` +
      `${(r.totals.gas / 1e6).toFixed(2)}M gas, ${r.totals.recordsForwarded} records forwarded, ` +
      `${r.totals.proofs} Groth16 fraud proofs.`,
  );

  section("Members");
  out.push(
    ...table(
      ["member", "address", "collateral", "stake before -> after", "reserves", "status"],
      r.members.map((m) => [
        `${m.name}${m.cheater ? " (cheater)" : ""}`,
        short(m.address),
        `${fmtEth(m.collateral.eth)} + ${fmtUsdc(m.collateral.usdc)}`,
        `${fmtStake(m.stakeBefore)} -> ${fmtStake(m.stakeAfter)}`,
        `${fmtEth(m.reserves.eth)} + ${fmtUsdc(m.reserves.usdc)}`,
        m.statusAfter,
      ]),
    ),
  );

  for (const round of r.rounds) {
    section(`Round ${round.round} (t = ${round.t}): roots and verdicts`);
    const rows: string[][] = [];
    for (const s of round.sets) {
      for (const a of s.assets) {
        const fmt = a.symbol === "ETH" ? fmtEth : fmtUsdc;
        rows.push([
          s.name,
          a.symbol,
          `${a.leaves}/${a.accounts}`,
          short(a.rootHash),
          a.rootSum === null ? "hidden" : fmt(a.rootSum),
          a.rootSum === null ? "-" : a.rootSum === a.trueTotal ? "=" : `owes ${fmt(a.trueTotal)}`,
          a.reserves === null ? "hidden" : fmt(a.reserves),
          `${s.status}${s.verdict ? ` (${s.verdict})` : ""}${s.private ? ", private: proofs verified on-chain" : ""}`,
          s.signers.join(", ") || "-",
        ]);
      }
    }
    out.push(
      ...table(["member", "asset", "leaves", "root", "root sum", "ledger", "reserves", "set", "attested by"], rows),
    );
  }

  if (r.request !== null) {
    section("Back-in-time proof request");
    out.push(
      `request ${r.request.requestId}: ${r.request.name} at t = ${r.request.t}: ${r.request.status}` +
        `${r.request.verdict ? ` (${r.request.verdict})` : ""}, attested by ${r.request.signers.join(", ") || "-"}`,
    );
  }

  section(`The cheat: ${r.cheat.name}`);
  out.push(
    `omitted ${r.cheat.omitted.user} (${fmtEth(r.cheat.omitted.balance)}); under-reported ${r.cheat.underReported.user}` +
      ` (${fmtUsdc(r.cheat.underReported.reported)} instead of ${fmtUsdc(r.cheat.underReported.balance)});` +
      ` hidden shortfall ${fmtEth(r.cheat.hiddenShortfall.eth)} + ${fmtUsdc(r.cheat.hiddenShortfall.usdc)}`,
  );
  out.push(
    ...table(
      ["fraud", "asset", "claim", "paid", "recipient", "proven by", "stake slashed", "gas"],
      r.frauds.map((f) => {
        const fmt = f.symbol === "ETH" ? fmtEth : fmtUsdc;
        return [
          f.kind,
          f.symbol,
          fmt(f.claim),
          fmt(f.paid),
          short(f.recipient),
          f.proverName,
          fmtStake(f.weightSlashed),
          f.gasUsed.toLocaleString("en-US"),
        ];
      }),
    ),
  );

  if (r.stake.slashes.length > 0) {
    section("The slashes through EigenLayer (AllocationManager OperatorSlashed; the adapter's SlashCleared)");
    out.push(
      ...table(
        ["slash", "member", "OperatorSlashed", "SlashCleared", "bounty", "tx"],
        r.stake.slashes.flatMap((s) => eigenLayerSlashRows(s, short)),
      ),
    );
  }

  section("Interim and reserve attestations (Attestations)");
  for (const ia of r.attestations.interims) {
    out.push(
      `IA ${short(ia.interimId)}: ${ia.name} withdrew ${fmtEth(ia.amount)}${ia.sent ? "" : " (never sent)"}: ${ia.status}`,
    );
  }
  const ra = r.attestations.reserveAttestation;
  out.push(
    ra === null
      ? "skipped (fewer than two honest members)"
      : `RA for ${ra.name}: findings critical,high,medium,low = ${ra.findings}, score ${ra.score} bps, report ` +
          `${short(ra.reportDigest)}`,
  );

  section("0-confirmation transfers (Transfers)");
  const t = r.transfers;
  if (t === null) out.push("skipped (fewer than two honest members)");
  else {
    for (const n of t.notices) {
      out.push(
        `notice ${short(n.noticeId)}: ${t.sender} -> ${t.recipient} ${fmtEth(n.amount)}: ${n.decision} at once, ${n.status}`,
      );
    }
    out.push(
      `default: ${t.sender} slashed ${fmtEth(t.slashed)} of weight into its pool; ${t.recipient} paid ` +
        `${fmtEth(t.paidEth)} and ${fmtUsdc(t.paidUsdc)} from it the unbonding delay after posting`,
    );
    out.push(`${t.sender}'s credit towards ${t.recipient}: ${fmtEth(t.creditBefore)} -> ${fmtEth(t.creditAfter)}`);
  }

  section("Reputation (Reputation.scoreOf; duties met/total, slashes) before the cheat -> at the end");
  out.push(
    ...table(
      ["member", "score before", "score after", "duties", "slashes", "bounties earned"],
      r.members.map((m) => [
        m.name,
        fmtStake(m.reputationBefore.score),
        fmtStake(m.reputationAfter.score),
        `${m.reputationBefore.dutiesMet}/${m.reputationBefore.dutiesTotal} -> ` +
          `${m.reputationAfter.dutiesMet}/${m.reputationAfter.dutiesTotal}`,
        `${m.reputationBefore.slashCount} -> ${m.reputationAfter.slashCount}`,
        BigInt(m.bounties.eth) + BigInt(m.bounties.usdc) === 0n
          ? "-"
          : `${fmtEth(m.bounties.eth)} + ${fmtUsdc(m.bounties.usdc)}`,
      ]),
    ),
  );

  section("Time and gas per step");
  out.push(
    ...table(
      ["step", "time", "txs", "gas", "main actions"],
      r.steps.map((s) => [
        s.id,
        `${s.seconds.toFixed(1)} s`,
        String(s.gas.txs),
        s.gas.gas.toLocaleString("en-US"),
        s.gas.byAction
          .slice(0, 3)
          .map((a) => `${a.action} x${a.count}`)
          .join(", "),
      ]),
    ),
  );
  return out;
}
