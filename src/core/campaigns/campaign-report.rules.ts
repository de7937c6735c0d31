// The statistics of a campaign report: pure functions of counts and sums. Intervals are 95 %.
// Proportions: Wilson score intervals, and Newcombe's hybrid score interval (his method 10) for
// a difference of two proportions, which stays inside [-1, 1] and behaves at 0 % and 100 %
// where the Wald interval collapses. Means: Welch's t interval (unequal variances).

export const Z95 = 1.959963984540054;

export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

/** Wilson score interval of x successes out of n; null without observations. */
export function wilson(x: number, n: number, z = Z95): Interval | null {
  if (n <= 0) return null;
  const p = x / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { estimate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** p1 − p2 with Newcombe's hybrid score interval (x1 of n1 treated vs x2 of n2 control). */
export function proportionDifference(
  x1: number,
  n1: number,
  x2: number,
  n2: number,
  z = Z95,
): Interval | null {
  const a = wilson(x1, n1, z);
  const b = wilson(x2, n2, z);
  if (!a || !b) return null;
  const d = a.estimate - b.estimate;
  const low = d - Math.sqrt((a.estimate - a.low) ** 2 + (b.high - b.estimate) ** 2);
  const high = d + Math.sqrt((a.high - a.estimate) ** 2 + (b.estimate - b.low) ** 2);
  return { estimate: d, low: Math.max(-1, low), high: Math.min(1, high) };
}

/** n, sum and sum of squares of a sample (what one SQL aggregate gives). */
export interface Moments {
  n: number;
  sum: number;
  sumSquares: number;
}

export function meanAndVariance(m: Moments): { mean: number; variance: number } {
  if (m.n === 0) return { mean: 0, variance: 0 };
  const mean = m.sum / m.n;
  // sample variance; clamped: float rounding can make a constant sample slightly negative
  const variance = m.n > 1 ? Math.max(0, (m.sumSquares - m.n * mean * mean) / (m.n - 1)) : 0;
  return { mean, variance };
}

/**
 * Student t quantile for the two-sided 95 % level: Cornish–Fisher expansion around the normal
 * quantile (error below 1e-3 from 3 degrees of freedom on; exact enough for a report).
 */
export function tQuantile975(df: number): number {
  if (!Number.isFinite(df) || df > 1e6) return Z95;
  const z = Z95;
  const g1 = (z ** 3 + z) / 4;
  const g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96;
  const g3 = (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384;
  const g4 = (79 * z ** 9 + 776 * z ** 7 + 1482 * z ** 5 - 1920 * z ** 3 - 945 * z) / 92160;
  const d = Math.max(df, 1);
  return z + g1 / d + g2 / d ** 2 + g3 / d ** 3 + g4 / d ** 4;
}

/** mean1 − mean2 with Welch's interval; null unless each sample has two observations. */
export function meanDifference(treated: Moments, control: Moments): Interval | null {
  if (treated.n < 2 || control.n < 2) return null;
  const a = meanAndVariance(treated);
  const b = meanAndVariance(control);
  const va = a.variance / treated.n;
  const vb = b.variance / control.n;
  const estimate = a.mean - b.mean;
  const se = Math.sqrt(va + vb);
  if (se === 0) return { estimate, low: estimate, high: estimate };
  const df = (va + vb) ** 2 / (va ** 2 / (treated.n - 1) + vb ** 2 / (control.n - 1));
  const half = tQuantile975(df) * se;
  return { estimate, low: estimate - half, high: estimate + half };
}

/** Return on the discount given: revenue per fen of discount; null when nothing was given. */
export const roi = (revenueFen: number, costFen: number): number | null =>
  costFen > 0 ? revenueFen / costFen : null;
