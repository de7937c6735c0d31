/**
 * When to try a failed delivery again: doubling from `baseMs` (the first retry), capped at
 * `capMs`. Deterministic (no jitter): deliveries are claimed in batches with SKIP LOCKED, so
 * retries of many rows do not stampede one endpoint at one instant anyway.
 */
export function retryAt(now: Date, attempts: number, baseMs = 30_000, capMs = 6 * 3_600_000): Date {
  const delay = Math.min(capMs, baseMs * 2 ** Math.max(0, attempts - 1));
  return new Date(now.getTime() + delay);
}
