// The demo's scenario, built deterministically from a seed: the consortium's members (names, keys, collateral,
// reserve wallets), their users' balances in two assets over two snapshot rounds, which users forward their records
// to the verifier, and the cheat (one member omits a user and under-reports another in the second round).
// Pure: the same options give the same scenario, byte for byte.
import { createHash } from "node:crypto";

import { Wallet, getAddress, keccak256, toUtf8Bytes } from "ethers";
import { z } from "zod";

import type { MemberKeys } from "../keys/index.js";

/** Asset ids of the demo (ETH is listed by the Ignition module; the stablecoin by the demo's governance). */
export const ETH_ASSET = 1;
export const USDC_ASSET = 2;
/** Base units per whole coin. */
export const ETH_UNIT = 10n ** 18n;
export const USDC_UNIT = 10n ** 6n;
/** Collateral weight of one USDC base unit, in stake units (1e18 = 1 ETH): 1 ETH = 2,000 USDC. */
export const USDC_WEIGHT = (10n ** 18n * 10n ** 12n) / 2_000n;

/** Options of {@link buildScenario}; validated by {@link scenarioOptionsSchema}. */
export interface ScenarioOptions {
  /** Users per member. */
  users: number;
  /** Members of the consortium (each also runs an operator node). */
  members: number;
  /** Any string; the same seed gives the same scenario. */
  seed: string;
  /** Share of users who forward their record to the verifier service in each round (default 0.1). */
  forwardRate?: number;
}

/** Limits of the demo's options (the errors name the option). */
export const scenarioOptionsSchema = z.strictObject({
  users: z
    .number({ error: "--users must be a whole number" })
    .int("--users must be a whole number")
    .min(4, "--users must be at least 4 (the cheat needs two victims and honest users around them)")
    .max(50_000, "--users must be at most 50000 per member"),
  members: z
    .number({ error: "--members must be a whole number" })
    .int("--members must be a whole number")
    .min(2, "--members must be at least 2 (a cheater and an honest operator to catch it)")
    .max(8, "--members must be at most 8"),
  seed: z.string().min(1, "--seed must not be empty").max(200, "--seed must be at most 200 characters"),
  forwardRate: z.number().gt(0).max(1).optional(),
});

/** One user of a member: balances in base units per round (index 0: round 1, 1: round 2); 0n means no account. */
export interface DemoUser {
  id: string;
  eth: [bigint, bigint];
  usdc: [bigint, bigint];
  /** Whether the user forwards its records of that round (round 1, round 2) to the verifier service. */
  forwards: [boolean, boolean];
  /** The payout address the user registered with its member (the ledger's payout column): its restitution goes there. */
  payout: string;
}

/** A member of the consortium. */
export interface DemoMember {
  index: number;
  name: string;
  /** The member's Ethereum key (commits, co-signs as an operator, receives bounties). */
  privateKey: string;
  address: string;
  /** Record key and member secret of its snapshot service. */
  keys: MemberKeys;
  collateral: { eth: bigint; usdc: bigint };
  /** Reserve wallets (keys sign the ownership proofs); index 0 is cold storage, 1 the hot wallet. */
  reserveWallets: string[];
  /** Reserves funded per asset (split 70/30 over the two wallets). */
  reserves: { eth: bigint; usdc: bigint };
  users: DemoUser[];
  cheater: boolean;
  /**
   * Commits in private mode (docs/protocol.md section 17): both totals hidden in Pedersen commitments, every proof
   * verified on-chain, the blob encrypted to the operators. One honest member (the last) does.
   */
  privateMode: boolean;
  /** The X25519 private key (32 bytes of hex) of its operator node's encryption key (POR_ENCRYPTION_KEY). */
  encryptionKey: string;
}

/** The cheat of round 2. */
export interface Cheat {
  member: number;
  /** The user whose ETH record (after a large deposit) is left out of the tree. */
  omitted: { user: number; asset: number; balance: bigint; deposit: bigint; payoutKey: string; payout: string };
  /** The user whose USDC leaf holds its old balance instead of the signed new one. */
  underReported: {
    user: number;
    asset: number;
    balance: bigint;
    reported: bigint;
    payoutKey: string;
    payout: string;
  };
}

/** The whole scenario. */
export interface Scenario {
  options: Required<ScenarioOptions>;
  members: DemoMember[];
  cheat: Cheat;
  /** Keys of the other actors: governance (deployer) is the chain's first account; these are funded by it. */
  auditorKey: string;
  aggregatorKey: string;
  verifierKey: string;
  /** Seeded random source for the verifier's back-in-time pick (an integer in [0, n)). */
  pickSeed: string;
}

const NAMES = [
  "Aurora Exchange",
  "Borealis Custody",
  "Cirrus Markets",
  "Delta Prime",
  "Equinox Trading",
  "Fjord Digital",
  "Gale Securities",
  "Halo Clearing",
];

/** A small seeded generator (sfc32) with helpers; deterministic across platforms. */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: string) {
    const h = createHash("sha256").update(`por-demo:${seed}`).digest();
    this.a = h.readUInt32LE(0);
    this.b = h.readUInt32LE(4);
    this.c = h.readUInt32LE(8);
    this.d = h.readUInt32LE(12);
    for (let i = 0; i < 15; i++) this.next();
  }

  /** A uniform float in [0, 1). */
  next(): number {
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    this.d >>>= 0;
    let t = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    t = (t + this.d) | 0;
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A uniform float in [lo, hi). */
  between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** A standard normal deviate (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

/** A 32-byte hex key derived from the seed and a label (secp256k1-valid with overwhelming probability). */
function derivedKey(seed: string, label: string): string {
  return keccak256(toUtf8Bytes(`por-demo:${seed}:${label}`));
}

function derivedBytes(seed: string, label: string): Uint8Array {
  return createHash("sha256").update(`por-demo:${seed}:${label}`).digest();
}

/** A log-normal amount in base units: median `median` whole coins, spread `sigma`, capped, rounded to `step`. */
function amount(rng: SeededRandom, median: number, sigma: number, cap: number, unit: bigint, step: bigint): bigint {
  const coins = Math.min(cap, median * Math.exp(sigma * rng.normal()));
  const units = BigInt(Math.round(coins * 1e6)) * (unit / 1_000_000n);
  return (units / step) * step;
}

/** Round 2 from round 1: most balances stay, some move, a few accounts open or close. */
function drift(rng: SeededRandom, r1: bigint, fresh: () => bigint, step: bigint): bigint {
  const x = rng.next();
  if (r1 === 0n) return x < 0.03 ? fresh() : 0n;
  if (x < 0.02) return 0n;
  if (x < 0.2) {
    const factor = BigInt(Math.round(rng.between(0.5, 1.6) * 1000));
    return ((r1 * factor) / 1000n / step) * step;
  }
  return r1;
}

const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n);
const ceilTo = (x: bigint, step: bigint) => ((x + step - 1n) / step) * step;

/** Builds the scenario; throws a readable error when an option is out of range. */
export function buildScenario(input: ScenarioOptions): Scenario {
  const parsed = scenarioOptionsSchema.safeParse(input);
  if (!parsed.success) throw new RangeError(parsed.error.issues[0].message);
  const options: Required<ScenarioOptions> = { forwardRate: 0.1, ...parsed.data };
  const { seed } = options;
  const rng = new SeededRandom(seed);
  const ethStep = 10n ** 12n; // micro-ETH
  const usdcStep = 10_000n; // cents
  const cheaterIndex = rng.int(options.members);

  const members: DemoMember[] = [];
  for (let m = 0; m < options.members; m++) {
    const users: DemoUser[] = [];
    for (let u = 0; u < options.users; u++) {
      const newEth = () => amount(rng, 0.4, 1.6, 150, ETH_UNIT, ethStep);
      const newUsdc = () => amount(rng, 400, 1.7, 400_000, USDC_UNIT, usdcStep);
      const eth1 = rng.next() < 0.8 ? newEth() : 0n;
      const usdc1 = rng.next() < 0.7 ? newUsdc() : 0n;
      users.push({
        id: `${NAMES[m].split(" ")[0].toLowerCase()}-user-${String(u + 1).padStart(6, "0")}`,
        eth: [eth1, drift(rng, eth1, newEth, ethStep)],
        usdc: [usdc1, drift(rng, usdc1, newUsdc, usdcStep)],
        forwards: [rng.next() < options.forwardRate, rng.next() < options.forwardRate],
        payout: getAddress(`0x${keccak256(toUtf8Bytes(`${seed}:payout:${m}:${u}`)).slice(-40)}`),
      });
    }
    // Every asset needs at least one account per round.
    if (!users.some((x) => x.eth[0] > 0n) || !users.some((x) => x.eth[1] > 0n)) users[0].eth = [ETH_UNIT, ETH_UNIT];
    if (!users.some((x) => x.usdc[0] > 0n) || !users.some((x) => x.usdc[1] > 0n)) {
      users[0].usdc = [USDC_UNIT, USDC_UNIT];
    }
    const collateral = {
      eth: BigInt(Math.round(rng.between(40, 60))) * ETH_UNIT,
      usdc: BigInt(Math.round(rng.between(60, 120))) * 1_000n * USDC_UNIT,
    };
    const privateKey = derivedKey(seed, `member-${m}`);
    members.push({
      index: m,
      name: NAMES[m],
      privateKey,
      address: new Wallet(privateKey).address,
      keys: {
        recordKey: derivedBytes(seed, `member-${m}-record-key`),
        memberSecret: derivedBytes(seed, `member-${m}-secret`),
      },
      collateral,
      reserveWallets: [derivedKey(seed, `member-${m}-cold`), derivedKey(seed, `member-${m}-hot`)],
      reserves: { eth: 0n, usdc: 0n },
      users,
      cheater: m === cheaterIndex,
      // The last member that is not the cheater (no draw from the generator: the rest of the scenario is unchanged).
      privateMode: m === (cheaterIndex === options.members - 1 ? options.members - 2 : options.members - 1),
      encryptionKey: derivedKey(seed, `member-${m}-encryption`),
    });
  }

  // The cheat: in round 2 a user of the cheater deposits a large ETH amount that its tree leaves out, and another
  // user's USDC top-up is reported at the old balance. Both deposits stay within what the slashes refund.
  const cheater = members[cheaterIndex];
  // Victims hold at most 10% of the cheater's collateral before their deposit (30%), so each claim stays below what
  // the two fraud slashes leave in the cheater's own restitution pool (90% of 75% of each collateral token).
  const smallEth = cheater.users
    .map((_, i) => i)
    .filter((i) => cheater.users[i].eth[0] <= cheater.collateral.eth / 10n);
  const omittedUser = smallEth.length > 0 ? smallEth[rng.int(smallEth.length)] : rng.int(options.users);
  if (cheater.users[omittedUser].eth[0] > cheater.collateral.eth / 10n) cheater.users[omittedUser].eth[0] = 0n;
  // The under-reported user held USDC already (its leaf keeps the old balance); any other user if none did.
  const holders = cheater.users
    .map((_, i) => i)
    .filter(
      (i) =>
        i !== omittedUser && cheater.users[i].usdc[0] > 0n && cheater.users[i].usdc[0] <= cheater.collateral.usdc / 10n,
    );
  const others = cheater.users.map((_, i) => i).filter((i) => i !== omittedUser);
  const pool = holders.length > 0 ? holders : others;
  const underUser = pool[rng.int(pool.length)];
  const ethDeposit = ((cheater.collateral.eth * 3n) / 10n / ethStep) * ethStep;
  const usdcDeposit = ((cheater.collateral.usdc * 3n) / 10n / usdcStep) * usdcStep;
  const w = cheater.users[omittedUser];
  w.eth = [w.eth[0], w.eth[0] + ethDeposit];
  w.forwards = [w.forwards[0], true];
  const u = cheater.users[underUser];
  if (u.usdc[0] > cheater.collateral.usdc / 10n) u.usdc[0] = 0n;
  u.usdc = [u.usdc[0], u.usdc[0] + usdcDeposit];
  u.forwards = [u.forwards[0], true];
  const omittedKey = derivedKey(seed, "victim-omitted");
  const underKey = derivedKey(seed, "victim-under-reported");
  // The victims registered their payout wallets with the cheater: their restitution goes there.
  w.payout = new Wallet(omittedKey).address;
  u.payout = new Wallet(underKey).address;
  const cheat: Cheat = {
    member: cheaterIndex,
    omitted: {
      user: omittedUser,
      asset: ETH_ASSET,
      balance: w.eth[1],
      deposit: ethDeposit,
      payoutKey: omittedKey,
      payout: new Wallet(omittedKey).address,
    },
    underReported: {
      user: underUser,
      asset: USDC_ASSET,
      balance: u.usdc[1],
      reported: u.usdc[0],
      payoutKey: underKey,
      payout: new Wallet(underKey).address,
    },
  };

  // Reserves: honest members hold 105-140% of their largest liabilities; the cheater holds exactly what it needs to
  // look solvent (round 1's true totals and what its doctored round-2 trees claim, rounded up to 0.01), never what
  // its users really hold in round 2: the victims' deposits are the shortfall the cheat hides.
  for (const m of members) {
    const totals = (pick: (x: DemoUser) => [bigint, bigint]) => [0, 1].map((r) => sum(m.users.map((x) => pick(x)[r])));
    const [eth1, eth2] = totals((x) => x.eth);
    const [usdc1, usdc2] = totals((x) => x.usdc);
    if (m.cheater) {
      const ethClaimed = eth2 - cheat.omitted.balance;
      const usdcClaimed = usdc2 - cheat.underReported.balance + cheat.underReported.reported;
      m.reserves = {
        eth: ceilTo(eth1 > ethClaimed ? eth1 : ethClaimed, ETH_UNIT / 100n),
        usdc: ceilTo(usdc1 > usdcClaimed ? usdc1 : usdcClaimed, USDC_UNIT / 100n),
      };
    } else {
      const ratio = BigInt(Math.round(rng.between(105, 140)));
      m.reserves = {
        eth: ceilTo(((eth1 > eth2 ? eth1 : eth2) * ratio) / 100n, ETH_UNIT),
        usdc: ceilTo(((usdc1 > usdc2 ? usdc1 : usdc2) * ratio) / 100n, USDC_UNIT),
      };
    }
  }

  return {
    options,
    members,
    cheat,
    auditorKey: derivedKey(seed, "auditor"),
    aggregatorKey: derivedKey(seed, "aggregator"),
    verifierKey: derivedKey(seed, "verifier"),
    pickSeed: `${seed}:pick`,
  };
}

/** Liabilities of a member in a round (0 or 1), per asset, as its ledger lists them (true balances). */
export function liabilities(m: DemoMember, round: 0 | 1): { eth: bigint; usdc: bigint } {
  return { eth: sum(m.users.map((u) => u.eth[round])), usdc: sum(m.users.map((u) => u.usdc[round])) };
}

/** The member's ledger of a round as CSV (`account_id,asset,balance`), accounts with a zero balance left out. */
export function ledgerCsv(m: DemoMember, round: 0 | 1): string {
  const lines = ["account_id,asset,balance,payout"];
  for (const u of m.users) {
    const payout = u.payout;
    if (u.eth[round] > 0n) lines.push(`${u.id},ETH,${u.eth[round]},${payout}`);
    if (u.usdc[round] > 0n) lines.push(`${u.id},USDC,${u.usdc[round]},${payout}`);
  }
  return lines.join("\n") + "\n";
}
