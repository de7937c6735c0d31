/**
 * Splits `total` into integer shares proportional to `weights` by the largest-remainder
 * method: each share is floor(total × weight / Σweights); the fen left over go one each to
 * the largest fractional remainders, ties to the earlier index. So the shares sum to `total`
 * exactly, and when total ≤ Σweights no share exceeds its weight (a share with no remainder
 * never gets an extra unit). BigInt: total × weight of two safe integers can pass 2^53.
 */
export function allocateLargestRemainder(total: number, weights: readonly number[]): number[] {
  if (!Number.isSafeInteger(total) || total < 0) throw new Error('total must be a whole number');
  for (const w of weights)
    if (!Number.isSafeInteger(w) || w < 0) throw new Error('weights must be whole numbers');
  const sum = weights.reduce((s, w) => s + BigInt(w), 0n);
  if (total === 0) return weights.map(() => 0);
  if (sum === 0n) throw new Error(`cannot allocate ${total} over zero weights`);
  const t = BigInt(total);
  const shares = weights.map((w) => (t * BigInt(w)) / sum);
  const remainders = weights.map((w, i) => ({ i, r: (t * BigInt(w)) % sum }));
  let left = Number(t - shares.reduce((s, n) => s + n, 0n));
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of remainders) {
    if (left === 0) break;
    shares[i] = shares[i]! + 1n;
    left--;
  }
  return shares.map(Number);
}

/**
 * The share of `amount` that belongs to `done` of `count` units, cumulative: the part for
 * units r+1…r+q is share(r+q) − share(r), so any sequence of partial returns adds up to the
 * whole amount exactly (the last unit takes the rounding).
 */
export function cumulativeShare(amount: number, done: number, count: number): number {
  if (count <= 0 || done < 0 || done > count) throw new Error('units out of range');
  return Number((BigInt(amount) * BigInt(done)) / BigInt(count));
}
