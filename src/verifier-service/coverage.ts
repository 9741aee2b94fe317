// Coverage and detection probability (D6). If a verifier checks k of a tree's n users' records and the member
// omitted or understated m of them, the chance that at least one checked record is among the m is
//   P(k, n, m) = 1 - C(n - m, k) / C(n, k) = 1 - prod_{i=0}^{k-1} (n - m - i) / (n - i)
// (hypergeometric: k records drawn without replacement). It is 1 when k > n - m and 0 when k = 0 or m = 0.

/**
 * Probability of catching at least one of `m` bad leaves among `n` when `k` distinct records are checked.
 * Computed as a product in log space, stable for n up to 2^53.
 */
export function detectionProbability(n: number, k: number, m: number): number {
  for (const [name, v] of [
    ["n", n],
    ["k", k],
    ["m", m],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${name} must be a non-negative integer, got ${v}`);
  }
  if (k > n) throw new RangeError(`k (${k}) cannot exceed n (${n})`);
  if (m > n) throw new RangeError(`m (${m}) cannot exceed n (${n})`);
  if (k === 0 || m === 0) return 0;
  if (k > n - m) return 1;
  // log C(n-m, k) - log C(n, k) = sum_{i<k} log((n-m-i)/(n-i)); sum the shorter side of the symmetry.
  let logMiss = 0;
  if (k <= m) {
    for (let i = 0; i < k; i++) logMiss += Math.log1p(-m / (n - i));
  } else {
    // C(n-m, k)/C(n, k) = C(n-k, m)/C(n, m): m factors instead of k.
    for (let i = 0; i < m; i++) logMiss += Math.log1p(-k / (n - i));
  }
  return -Math.expm1(logMiss);
}

/** Coverage of one tree. */
export interface Coverage {
  /** Records checked (or held, ready to be checked). */
  k: number;
  /** Users in the tree, or null when unknown. */
  n: number | null;
  /** k / n. */
  fraction: number | null;
  /** P(detect) if one user was omitted or understated. */
  pOne: number | null;
  /** P(detect) if 1% of users (at least one) were omitted or understated. */
  pOnePercent: number | null;
}

/** Coverage figures for k checked records out of n (n null: unknown). k is capped at n. */
export function coverageOf(k: number, n: number | null): Coverage {
  if (n === null || n === 0) return { k, n, fraction: null, pOne: null, pOnePercent: null };
  const kk = Math.min(k, n);
  return {
    k,
    n,
    fraction: kk / n,
    pOne: detectionProbability(n, kk, 1),
    pOnePercent: detectionProbability(n, kk, Math.max(1, Math.ceil(n / 100))),
  };
}
