// Per-client rate limit of the verifier service: a token bucket per client address, counted in records (the cost of a
// request is its signature checks), refilled continuously. A client over its budget gets 429 with Retry-After; other
// clients are not slowed. An IPv6 client is charged twice: to its /64 (one subscriber) and to its /48 (one site),
// whose budget is NETWORK_SHARE clients' budgets, so a /48 holds 16 budgets rather than 65,536. The table of buckets
// is bounded: full buckets are forgotten first.

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
  /** The bucket's budget as a multiple of one client's. */
  scale: number;
}

/** Most buckets tracked at once; beyond it the buckets that have refilled are dropped. */
const MAX_CLIENTS = 100_000;

/** The budget of an IPv6 /48 in clients' budgets. */
export const NETWORK_SHARE = 16;

/** One bucket a request is charged to: a key and its budget in clients' budgets. */
export interface ChargeKey {
  key: string;
  scale: number;
}

/** Token buckets keyed by client address (and network). */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: RateLimit,
    private readonly clock: () => number = () => performance.now(),
  ) {
    if (!(limit.perSecond > 0) || !(limit.burst >= 1)) throw new RangeError("rate limit: perSecond > 0, burst >= 1");
  }

  private refilled(b: Bucket, now: number): number {
    return Math.min(this.limit.burst * b.scale, b.tokens + ((now - b.at) / 1000) * this.limit.perSecond * b.scale);
  }

  /**
   * Takes `cost` tokens from every bucket of `keys` (a client key alone, or with its network's: see
   * {@link clientKeys}), or from none. Returns 0 when allowed, else the seconds until every bucket holds `cost`
   * tokens. A cost above one client's burst is charged as the whole burst.
   */
  take(keys: string | readonly ChargeKey[], cost: number): number {
    const now = this.clock();
    const want = Math.min(cost, this.limit.burst);
    const list = typeof keys === "string" ? [{ key: keys, scale: 1 }] : keys;
    const state = list.map(({ key, scale }) => {
      const b = this.buckets.get(key) ?? { tokens: this.limit.burst * scale, at: now, scale };
      return { key, scale, tokens: this.refilled(b, now) };
    });
    const wait = Math.max(0, ...state.map((x) => (want - x.tokens) / (this.limit.perSecond * x.scale)));
    for (const x of state) {
      this.buckets.set(x.key, { tokens: wait > 0 ? x.tokens : x.tokens - want, at: now, scale: x.scale });
    }
    if (wait > 0) return Math.ceil(wait);
    if (this.buckets.size > MAX_CLIENTS) this.prune(now);
    return 0;
  }

  /**
   * Forgets clients whose bucket is full again (they are indistinguishable from new ones); under a flood from more
   * addresses than that, the oldest entries go too (those clients start again with a full bucket).
   */
  private prune(now: number): void {
    for (const [k, b] of this.buckets) if (this.refilled(b, now) >= this.limit.burst * b.scale) this.buckets.delete(k);
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

/**
 * The buckets a client address is charged to: the IPv4 address, or an IPv6 address's /64 and its /48 (whose budget
 * is {@link NETWORK_SHARE} clients').
 */
export function clientKeys(address: string | undefined): ChargeKey[] {
  const key = clientKey(address);
  const v6 = /^([0-9a-f]+:[0-9a-f]+:[0-9a-f]+):[0-9a-f]+::\/64$/.exec(key);
  return v6 === null
    ? [{ key, scale: 1 }]
    : [
        { key, scale: 1 },
        { key: `${v6[1]}::/48`, scale: NETWORK_SHARE },
      ];
}

/** What {@link requestClientKeys} reads of a request. */
export interface ClientRequest {
  headers: Record<string, string | string[] | undefined>;
  socket: { remoteAddress?: string };
}

/**
 * The buckets of a request's client: its socket address, or with `trustProxy` (the service runs behind a reverse
 * proxy that appends the client's address) the last `X-Forwarded-For` hop, the one the proxy wrote.
 */
export function requestClientKeys(req: ClientRequest, trustProxy: boolean): ChargeKey[] {
  if (trustProxy) {
    const hops = String(req.headers["x-forwarded-for"] ?? "")
      .split(",")
      .map((h) => h.trim())
      .filter((h) => h !== "");
    if (hops.length > 0) return clientKeys(hops[hops.length - 1]);
  }
  return clientKeys(req.socket.remoteAddress);
}
