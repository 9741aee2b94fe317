// The demo's HTML report: one self-contained file (inline CSS and SVG charts; no script, no external asset, no CDN)
// next to the JSON data behind it (`data.json`, por.demo-report v1).
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { eigenLayerSlashRows, fmtEth, fmtStake, fmtUsdc } from "./summary.js";
import type { DemoResult } from "./types.js";

/** Escapes text for HTML element content and attribute values. */
export function esc(s: string | number): string {
  return String(s)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** One bar group of a chart: a label and one value per series. */
export interface BarGroup {
  label: string;
  values: number[];
}

const COLORS = ["#4e79a7", "#e15759", "#59a14f", "#f28e2b"];

/**
 * A horizontal grouped bar chart as inline SVG: one row per group, one bar per series, value labels at the bar ends,
 * a legend. Values must be finite and non-negative.
 */
export function barChart(title: string, series: string[], groups: BarGroup[], format: (v: number) => string): string {
  const labelW = 230;
  const barW = 420;
  const valueW = 150;
  const barH = 14;
  const gap = 10;
  const rowH = series.length * (barH + 2) + gap;
  const top = 44;
  const height = top + groups.length * rowH + 10;
  const width = labelW + barW + valueW;
  const max = Math.max(1e-12, ...groups.flatMap((g) => g.values.filter((v) => Number.isFinite(v))));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">`,
    `<text x="0" y="16" font-size="14" font-weight="bold">${esc(title)}</text>`,
  ];
  series.forEach((s, i) => {
    const x = labelW + i * 160;
    parts.push(
      `<rect x="${x}" y="26" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/>`,
      `<text x="${x + 16}" y="36" font-size="12">${esc(s)}</text>`,
    );
  });
  groups.forEach((g, gi) => {
    const y0 = top + gi * rowH;
    parts.push(
      `<text x="${labelW - 8}" y="${y0 + (series.length * (barH + 2)) / 2 + 4}" font-size="12" text-anchor="end">${esc(g.label)}</text>`,
    );
    g.values.forEach((v, si) => {
      const value = Number.isFinite(v) && v > 0 ? v : 0;
      const w = Math.max(value > 0 ? 1 : 0, Math.round((value / max) * barW));
      const y = y0 + si * (barH + 2);
      parts.push(
        `<rect x="${labelW}" y="${y}" width="${w}" height="${barH}" fill="${COLORS[si % COLORS.length]}"><title>${esc(`${g.label}, ${series[si]}: ${format(value)}`)}</title></rect>`,
        `<text x="${labelW + w + 4}" y="${y + barH - 3}" font-size="11">${esc(format(value))}</text>`,
      );
    });
  });
  parts.push("</svg>");
  return parts.join("\n");
}

const toNumber = (x: string, unit = 1e18) => Number(BigInt(x)) / unit;
const short = (h: string) => `${h.slice(0, 10)}…${h.slice(-4)}`;

function htmlTable(head: string[], rows: string[][], raw = false): string {
  const cell = (c: string) => (raw ? c : esc(c));
  return [
    "<table>",
    `<thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead>`,
    "<tbody>",
    ...rows.map((r) => `<tr>${r.map((c) => `<td>${cell(c)}</td>`).join("")}</tr>`),
    "</tbody></table>",
  ].join("\n");
}

/** The private-mode member's sets: what the chain holds instead of the totals (empty when none). */
function privateSection(r: DemoResult): string {
  const sets = r.rounds.flatMap((round) => round.sets.filter((s) => s.private).map((s) => ({ round, s })));
  if (sets.length === 0) return "";
  const rows = sets.flatMap(({ round, s }) =>
    s.assets.map((a) => [
      esc(`${s.name}, round ${round.round}`),
      esc(a.symbol),
      ...(["reserves", "liabilities", "surplus"] as const).map((k) => {
        const [x, y] = a.private!.commitments[k];
        return `<code title="(${esc(x)}, ${esc(y)})">${esc(short(`0x${BigInt(x).toString(16).padStart(64, "0")}`))}</code>`;
      }),
      esc(a.private!.proofs),
      `<code title="${esc(a.blobDigest)}">${esc(short(a.blobDigest))}</code> to ${esc(a.private!.recipients.join(", "))}`,
      `<span class="${s.status === "Finalized" ? "good" : "bad"}">${esc(s.status)}${s.verdict ? esc(` (${s.verdict})`) : ""}</span>`,
    ]),
  );
  const name = sets[0].s.name;
  return `<h3>Private mode</h3>
<p>${esc(name)} commits in private mode (docs/protocol.md section 17): per asset the ledger holds the root hash and Pedersen commitments to its reserves, liabilities and surplus, never a total. It verified the PrivateAsset Groth16 proof (the liabilities commitment opens to the sum inside the root hash, the surplus is in [0, 2^128)) and the Schnorr zero-difference proof (reserves = liabilities + surplus) when the member committed. The DA blob (proof of assets, leaves and openings) is encrypted to the operators' registered keys; they opened it, checked the reserves at the block of t and co-signed.</p>
${htmlTable(["set", "asset", "C_A (reserves)", "C_L (liabilities)", "C_S (surplus)", "proofs", "encrypted blob", "set"], rows, true)}`;
}

/** Renders the report's HTML. */
export function renderReport(r: DemoResult): string {
  const memberRows = r.members.map((m) => [
    `${esc(m.name)}${m.cheater ? ' <span class="bad">(cheater)</span>' : ""}${m.privateMode ? " (private mode)" : ""}`,
    `<code>${esc(m.address)}</code>`,
    esc(`${fmtEth(m.collateral.eth)} + ${fmtUsdc(m.collateral.usdc)}`),
    esc(`${fmtStake(m.stakeBefore)} → ${fmtStake(m.stakeAfter)}`),
    esc(`${fmtEth(m.reserves.eth)} + ${fmtUsdc(m.reserves.usdc)}`),
    m.statusAfter === "Active" ? esc(m.statusAfter) : `<span class="bad">${esc(m.statusAfter)}</span>`,
  ]);
  const rounds = r.rounds.map((round) => {
    const rows: string[][] = [];
    for (const s of round.sets) {
      for (const a of s.assets) {
        const fmt = a.symbol === "ETH" ? fmtEth : fmtUsdc;
        const ok = s.status === "Finalized";
        rows.push([
          esc(s.name),
          esc(a.symbol),
          esc(`${a.leaves} / ${a.accounts}`),
          `<code title="${esc(a.rootHash)}">${esc(short(a.rootHash))}</code>`,
          a.rootSum === null ? "<i>hidden (C_L)</i>" : esc(fmt(a.rootSum)),
          a.rootSum === null
            ? "–"
            : a.rootSum === a.trueTotal
              ? "="
              : `<span class="bad">owes ${esc(fmt(a.trueTotal))}</span>`,
          a.reserves === null ? "<i>hidden (C_A)</i>" : esc(fmt(a.reserves)),
          `<span class="${ok ? "good" : "bad"}">${esc(s.status)}${s.verdict ? esc(` (${s.verdict})`) : ""}</span>` +
            (s.private ? "<br>private: proofs verified on-chain" : ""),
          esc(s.signers.join(", ") || "–"),
          String(s.forwarded),
        ]);
      }
    }
    return `<h3>Round ${round.round} — t = ${esc(round.t)} (${esc(new Date(Number(round.t) * 1000).toISOString())})</h3>\n${htmlTable(
      [
        "member",
        "asset",
        "leaves / accounts",
        "root hash",
        "root sum",
        "ledger total",
        "reserves (PoA)",
        "set",
        "attested by (operators)",
        "records forwarded",
      ],
      rows,
      true,
    )}`;
  });
  const fraudRows = r.frauds.map((f) => {
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
      short(f.txHash),
    ];
  });
  const repRows = r.members.map((m) => [
    m.name,
    fmtStake(m.reputationBefore.score),
    fmtStake(m.reputationAfter.score),
    `${m.reputationBefore.dutiesMet}/${m.reputationBefore.dutiesTotal} → ${m.reputationAfter.dutiesMet}/${m.reputationAfter.dutiesTotal}`,
    `${m.reputationBefore.slashCount} → ${m.reputationAfter.slashCount}`,
    `${fmtEth(m.bounties.eth)} + ${fmtUsdc(m.bounties.usdc)}`,
  ]);
  const stepRows = r.steps.map((s) => [
    s.title,
    `${s.seconds.toFixed(1)} s`,
    String(s.gas.txs),
    s.gas.gas.toLocaleString("en-US"),
    s.gas.byAction.map((a) => `${a.action} ×${a.count} (${a.gas.toLocaleString("en-US")})`).join("; "),
  ]);
  const coverageRows = r.coverage.map((c) => [
    c.name,
    c.asset === 1 ? "ETH" : "USDC",
    c.t,
    String(c.records),
    c.population === null ? "–" : String(c.population),
    c.pOne === null ? "–" : `${(c.pOne * 100).toFixed(1)} %`,
    c.pOnePercent === null ? "–" : `${(c.pOnePercent * 100).toFixed(1)} %`,
  ]);

  const gasChart = barChart(
    "Gas per step",
    ["gas (millions)"],
    r.steps.filter((s) => s.gas.gas > 0).map((s) => ({ label: s.id, values: [s.gas.gas / 1e6] })),
    (v) => `${v.toFixed(2)}M`,
  );
  const repChart = barChart(
    "Reputation score before the cheat and at the end",
    ["before", "after"],
    r.members.map((m) => ({
      label: m.name,
      values: [toNumber(m.reputationBefore.score), toNumber(m.reputationAfter.score)],
    })),
    (v) => v.toFixed(2),
  );
  const stakeChart = barChart(
    "Collateral stake weight (ETH-equivalent) after onboarding and at the end",
    ["after onboarding", "at the end"],
    r.members.map((m) => ({ label: m.name, values: [toNumber(m.stakeBefore), toNumber(m.stakeAfter)] })),
    (v) => v.toFixed(2),
  );

  const verdict =
    r.frauds.length > 0
      ? `${esc(r.cheat.name)} was caught: ${r.frauds.length} Groth16 fraud proof(s), slashed, claims booked and paid.`
      : "No fraud was proven.";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Proof-of-reserves consortium demo — ${esc(r.startedAt)}</title>
<style>
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 1200px; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { margin-top: 1.8em; border-bottom: 1px solid #ddd; } h3 { margin-top: 1.2em; }
table { border-collapse: collapse; margin: .6em 0; font-size: 13px; }
th, td { border: 1px solid #ddd; padding: 3px 7px; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } code { font-size: 12px; }
.good { color: #1a7f37; font-weight: 600; } .bad { color: #c62828; font-weight: 600; }
.lead { background: #f7f9fc; border-left: 4px solid #4e79a7; padding: .6em 1em; }
.charts svg { display: block; margin: 1em 0; max-width: 100%; height: auto; }
</style>
</head>
<body>
<h1>Proof-of-reserves consortium — end-to-end demo</h1>
<p class="lead">${esc(r.options.members)} members × ${esc(r.options.users)} users × 2 assets (seed “${esc(r.options.seed)}”, stake: ${esc(r.stake.label)}), run ${esc(r.startedAt)} in ${esc(r.wallSeconds.toFixed(0))} s on an embedded chain (id ${esc(r.chain.chainId)}, ${esc(r.chain.blocks)} blocks, ${esc(r.totals.txs)} transactions, ${esc((r.totals.gas / 1e6).toFixed(2))}M gas). ${esc(r.totals.recordsForwarded)} signed records were forwarded to the verifier service. ${verdict}</p>

<h2>Members</h2>
${htmlTable(["member", "address", "collateral posted", "stake weight before → after", "reserves funded", "status at the end"], memberRows, true)}
<p>Governance parameters: quorum ${esc(r.params.minSigners)} co-signer(s) with ${esc(fmtStake(r.params.quorumWeight))} units of stake; minimum collateral ${esc(fmtStake(r.params.minCollateral))}; fraud slash ${esc(r.params.fraudBps / 100)} % (bounty ${esc(r.params.bountyShareBps / 100)} % of it to the prover); snapshot interval ${esc(r.params.snapshotInterval)} s, response window ${esc(r.params.responseWindow)} s.</p>

<h2>Snapshots: roots, reserves and verdicts</h2>
${rounds.join("\n")}
${privateSection(r)}
${
  r.request === null
    ? ""
    : `<h3>Back-in-time proof request</h3><p>The verifier's scheduler picked ${esc(r.request.name)}'s snapshot at t = ${esc(r.request.t)} at random (request ${esc(r.request.requestId)}). The member answered; the operators re-verified it with the records they hold now: <span class="${r.request.status === "Finalized" ? "good" : "bad"}">${esc(r.request.status)}</span>${r.request.verdict ? ` (${esc(r.request.verdict)})` : ""}, attested by ${esc(r.request.signers.join(", ") || "–")}.</p>`
}

<h2>The cheat and its fraud proofs</h2>
<p>${esc(r.cheat.name)} left <b>${esc(r.cheat.omitted.user)}</b> (${esc(fmtEth(r.cheat.omitted.balance))}) out of its ETH tree and reported <b>${esc(r.cheat.underReported.user)}</b> at ${esc(fmtUsdc(r.cheat.underReported.reported))} instead of the signed ${esc(fmtUsdc(r.cheat.underReported.balance))}, hiding a shortfall of ${esc(fmtEth(r.cheat.hiddenShortfall.eth))} and ${esc(fmtUsdc(r.cheat.hiddenShortfall.usdc))} behind reserves that cover only the doctored totals. Both users had forwarded their signed records; the operators' watchtower rebuilt the published trees, found the records contradicted, proved each with a LeafMismatch32 Groth16 proof and submitted it to the Adjudicator.</p>
${htmlTable(["fraud", "asset", "claim booked", "claim paid", "recipient", "proven by", "stake slashed", "gas", "tx"], fraudRows)}
${
  r.stake.slashes.length === 0
    ? ""
    : `<h3>The slashes through EigenLayer</h3><p>The members' stake is restaked on EigenLayer (its TEST-ONLY stand-ins) through the consortium's AVS adapter. Each fraud proof made the adapter slash the member's operator on EigenLayer's AllocationManager (<code>OperatorSlashed</code>, per strategy the share of its allocation); the redistributed tokens were cleared to the adapter (<code>SlashCleared</code>; the WETH strategy's unwrapped and pooled as ETH), the prover's bounty paid out of them and the rest kept in the member's own restitution pool, which paid the claims.</p>
${htmlTable(
  ["slash", "member", "OperatorSlashed", "SlashCleared", "bounty", "tx"],
  r.stake.slashes.flatMap((s) => eigenLayerSlashRows(s, short)),
)}`
}

<h2>Interim and reserve attestations</h2>
<p>Between the snapshots two members posted interim attestations of a 0.5 ETH withdrawal each. At the deadline every other member, as an operator, checked the transaction on the chain and signed its verdict (EIP-712); the verdicts were submitted to the Attestations contract. A missed IA is a missed duty and slashes the member.</p>
${htmlTable(
  ["IA", "member", "amount", "transaction", "verdict"],
  r.attestations.interims.map((ia) => [
    `<code title="${esc(ia.interimId)}">${esc(short(ia.interimId))}</code>`,
    esc(ia.name),
    esc(fmtEth(ia.amount)),
    ia.sent ? "sent" : '<span class="bad">never sent</span>',
    `<span class="${ia.status === "Settled" ? "good" : "bad"}">${esc(ia.status)}</span>`,
  ]),
)}
${(() => {
  const ra = r.attestations.reserveAttestation;
  return ra === null
    ? "<p>Skipped: the step needs two honest members.</p>"
    : `<p>The auditor attested ${esc(ra.name)}'s reserves for the period since its probation: findings (critical, high, medium, low) ${esc(ra.findings)}, controls score ${esc(ra.score)} bps; the report is in the DA layer as <code>${esc(short(ra.reportDigest))}</code>. Its findings lower the member's reputation, decaying over 180 days.</p>`;
})()}

<h2>Reputation before and after</h2>
${htmlTable(["member", "score before the cheat", "score at the end", "duties met/total", "slashes", "bounties earned"], repRows)}

<h2>Charts</h2>
<div class="charts">
${stakeChart}
${repChart}
${gasChart}
</div>

<h2>Verifier coverage (detection probability)</h2>
<p>Per tree: records the verifier service holds and the probability that they would expose one omitted user, or 1 % of users (docs/protocol.md, coverage).</p>
${htmlTable(["member", "asset", "t", "records held", "users in tree", "P(detect 1 user)", "P(detect 1 %)"], coverageRows)}

<h2>Time and gas per step</h2>
${htmlTable(["step", "time", "transactions", "gas", "by action (gas)"], stepRows)}

<h2>Contracts</h2>
${htmlTable(
  ["contract", "address"],
  Object.entries(r.contracts).map(([k, v]) => [k, v]),
)}
<p>Data behind this report: <code>data.json</code>; component logs (JSON lines): <code>logs/</code>.</p>
</body>
</html>
`;
}

/** Writes `report.html` and `data.json` into the result's report directory; returns their paths. */
export async function writeReport(r: DemoResult, dir = r.reportDir): Promise<{ html: string; json: string }> {
  if (dir === undefined) throw new Error("writeReport: no report directory");
  await mkdir(dir, { recursive: true });
  const html = join(dir, "report.html");
  const json = join(dir, "data.json");
  await writeFile(json, JSON.stringify(r, null, 2) + "\n");
  await writeFile(html, renderReport(r));
  return { html, json };
}
