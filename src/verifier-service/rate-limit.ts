// Per-client rate limit of the verifier service: a token bucket per client address, counted in records (the cost of a
// request is its signature checks), refilled continuously. A client over its budget gets 429 with Retry-After; other
// clients are not slowed. The table of buckets is bounded: full buckets are forgotten first.

/** Budget of one client. */
export interface RateLimit {
  /** Records per second a client may post on average. */
  perSecond: number;
  /** Records a client may post at once (the bucket's size); at least one batch. */
  burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Most clients tracked at once; beyond it the buckets that have refilled are dropped. */
const MAX_CLIENTS = 100_000;

/** Token buckets keyed by client address. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: RateLimit,
    private readonly clock: () => number = () => performance.now(),
  ) {
    if (!(limit.perSecond > 0) || !(limit.burst >= 1)) throw new RangeError("rate limit: perSecond > 0, burst >= 1");
  }

  private refilled(b: Bucket, now: number): number {
    return Math.min(this.limit.burst, b.tokens + ((now - b.at) / 1000) * this.limit.perSecond);
  }

  /**
   * Takes `cost` tokens from `client`'s bucket. Returns 0 when allowed, else the seconds until the bucket holds
   * `cost` tokens (nothing is taken then). A cost above the burst is charged as the whole burst.
   */
  take(client: string, cost: number): number {
    const now = this.clock();
    const want = Math.min(cost, this.limit.burst);
    const b = this.buckets.get(client) ?? { tokens: this.limit.burst, at: now };
    const tokens = this.refilled(b, now);
    if (tokens < want) {
      this.buckets.set(client, { tokens, at: now });
      return Math.ceil((want - tokens) / this.limit.perSecond);
    }
    this.buckets.set(client, { tokens: tokens - want, at: now });
    if (this.buckets.size > MAX_CLIENTS) this.prune(now);
    return 0;
  }

  /**
   * Forgets clients whose bucket is full again (they are indistinguishable from new ones); under a flood from more
   * addresses than that, the oldest entries go too (those clients start again with a full bucket).
   */
  private prune(now: number): void {
    for (const [k, b] of this.buckets) if (this.refilled(b, now) >= this.limit.burst) this.buckets.delete(k);
    for (const k of this.buckets.keys()) {
      if (this.buckets.size <= MAX_CLIENTS * 0.9) break;
      this.buckets.delete(k);
    }
  }

  /** Clients tracked (for tests). */
  get size(): number {
    return this.buckets.size;
  }
}

/**
 * The rate-limit key of a client address: the address itself for IPv4, its /64 prefix for IPv6 (one subscriber
 * usually holds a whole /64, so per-address limits would not bind).
 */
export function clientKey(address: string | undefined): string {
  if (address === undefined || address === "") return "unknown";
  const v4 = /^(?:::ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (v4 !== null) return v4[1];
  if (!address.includes(":")) return address;
  const [head, tail = ""] = address.toLowerCase().split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === "" ? [] : tail.split(":");
  const groups = address.includes("::")
    ? [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}
