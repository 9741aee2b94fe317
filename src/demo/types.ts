// The demo's result: everything the summary and the HTML report show, written as `data.json` next to the report
// (`por.demo-report` v1). Amounts are decimal strings of base units; gas is a number.
import type { StepGas } from "./gas.js";
import type { StepTiming } from "./progress.js";
import type { AttestationsOutcome } from "./steps/attestations.js";
import type { TransfersOutcome } from "./steps/transfers.js";

/** Reputation views of one member at one moment (Reputation.reputationOf, scoreOf, timeWeightedCollateral). */
export interface ReputationView {
  score: string;
  timeWeightedCollateral: string;
  dutiesMet: number;
  dutiesTotal: number;
  slashCount: number;
}

/** One member in the result. */
export interface MemberResult {
  name: string;
  address: string;
  cheater: boolean;
  /** Commits in private mode (docs/protocol.md section 17). */
  privateMode: boolean;
  users: number;
  collateral: { eth: string; usdc: string };
  /** Stake weight (1e18 = 1 ETH) after onboarding and at the end. */
  stakeBefore: string;
  stakeAfter: string;
  statusAfter: string;
  reserves: { eth: string; usdc: string };
  reputationBefore: ReputationView;
  reputationAfter: ReputationView;
  /** Bounties received by this member's operator key (ETH and USDC base units). */
  bounties: { eth: string; usdc: string };
}

/** One asset of one committed set. */
export interface AssetResult {
  asset: number;
  symbol: string;
  /** Accounts in the member's ledger and leaves in the published tree. */
  accounts: number;
  leaves: number;
  rootHash: string;
  /** The committed root sum; null for a private set (hidden in its commitment C_L). */
  rootSum: string | null;
  /** The true total of the ledger (differs from rootSum only for the cheat). */
  trueTotal: string;
  /** The committed reserves; null for a private set (hidden in C_A). */
  reserves: string | null;
  /** The DA blob's keccak256 (for a private asset: its encrypted blob's, from PrivateRootCommitted). */
  blobDigest: string;
  /** A private asset: what the chain holds instead of the totals. */
  private?: PrivateAssetView;
}

/** A private asset as the public sees it (docs/protocol.md section 17): commitments, proofs, the blob's recipients. */
export interface PrivateAssetView {
  /** `C_A`, `C_L`, `C_S` as on-chain (x, y in decimal). */
  commitments: { reserves: [string, string]; liabilities: [string, string]; surplus: [string, string] };
  /** The proofs the ledger verified when it stored the set (it stores none that fails). */
  proofs: "verified on-chain";
  /** The operators the encrypted blob is sealed to (its header), by name. */
  recipients: string[];
}

/** One commitment set and what became of it. */
export interface SetResult {
  member: string;
  name: string;
  t: string;
  assets: AssetResult[];
  /** Committed in private mode (both totals hidden; the ledger verified its proofs). */
  private: boolean;
  /** None, Pending, Finalized, Fraudulent or Insolvent. */
  status: string;
  /** The quorum's verdict (Solvent / Insolvent) if one was submitted. */
  verdict: string | null;
  signers: string[];
  quorumTx: string | null;
  forwarded: number;
}

/** A snapshot round. */
export interface RoundResult {
  round: number;
  t: string;
  sets: SetResult[];
}

/** The back-in-time proof request. */
export interface RequestResult {
  requestId: string;
  member: string;
  name: string;
  t: string;
  status: string;
  verdict: string | null;
  signers: string[];
}

/** One fraud proven by an operator's watchtower. */
export interface FraudResult {
  kind: string;
  member: string;
  asset: number;
  symbol: string;
  nullifier: string;
  claim: string;
  recipient: string;
  prover: string;
  proverName: string;
  weightSlashed: string;
  gasUsed: number;
  txHash: string;
  paid: string;
}

/** Coverage of one tree at the verifier service (docs/protocol.md, D6). */
export interface CoverageResult {
  member: string;
  name: string;
  asset: number;
  t: string;
  records: number;
  population: number | null;
  /** Detection probability of one omitted user, and of 1% of users, from the records held. */
  pOne: number | null;
  pOnePercent: number | null;
}

/**
 * One slash through EigenLayer (`--stake eigenlayer`): the adapter's order (OperatorSlashOrdered), EigenLayer's
 * AllocationManager slashing the operator's allocation (OperatorSlashed) and the redistributed tokens cleared to the
 * adapter (SlashCleared, per token; the WETH strategy's arrive unwrapped, as ETH).
 */
export interface EigenLayerSlashResult {
  slashId: string;
  member: string;
  name: string;
  operator: string;
  bps: number;
  txHash: string;
  /**
   * Per strategy (WETH, USDC): OperatorSlashed's share of the allocation slashed (1e18 = all of it), and SlashCleared's
   * booking of the tokens that arrived (pooled as ETH for WETH), with the prover's bounty out of them (null: not
   * cleared).
   */
  strategies: Array<{
    strategy: string;
    symbol: string;
    wadSlashed: string;
    cleared: { token: string; symbol: string; amount: string; bounty: string; bountyRecipient: string } | null;
  }>;
}

/** Where the stake came from, and (on EigenLayer) the slashes it executed. */
export interface StakeResult {
  kind: "native" | "eigenlayer";
  /** "native vault" or "EigenLayer (stand-ins)". */
  label: string;
  /** On EigenLayer: every slash, in order (empty on the vault, whose slashes are its CollateralSlashed events). */
  slashes: EigenLayerSlashResult[];
}

/** The demo's whole result. */
export interface DemoResult {
  format: "por.demo-report";
  version: 1;
  startedAt: string;
  wallSeconds: number;
  options: { users: number; members: number; seed: string };
  stake: StakeResult;
  chain: { chainId: string; blocks: number; rpcCalls: number };
  contracts: Record<string, string>;
  params: {
    quorumWeight: string;
    minSigners: number;
    minCollateral: string;
    fraudBps: number;
    bountyShareBps: number;
    snapshotInterval: number;
    responseWindow: number;
  };
  members: MemberResult[];
  rounds: RoundResult[];
  request: RequestResult | null;
  frauds: FraudResult[];
  cheat: {
    member: string;
    name: string;
    omitted: { user: string; balance: string; payout: string };
    underReported: { user: string; balance: string; reported: string; payout: string };
    hiddenShortfall: { eth: string; usdc: string };
  };
  coverage: CoverageResult[];
  /** The attestations step: two IAs (one settled, one missed) and a reserve attestation with findings. */
  attestations: AttestationsOutcome;
  /** The transfers step: one notice credited and settled, one defaulted, slashed into the sender's pool and paid to the recipient after the unbonding delay; null when skipped. */
  transfers: TransfersOutcome;
  steps: Array<StepTiming & { gas: StepGas }>;
  totals: { gas: number; txs: number; recordsForwarded: number; proofs: number };
  /** Set when the report was written. */
  reportDir?: string;
}
