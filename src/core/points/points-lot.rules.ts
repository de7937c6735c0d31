import { DomainError } from '../../lib/errors.ts';
import { addDays, addMonths, localDateOf, startOfLocalDay } from '../../lib/time.ts';
import type { ExpiryPolicy } from './points.table.ts';

export interface ExpiryRule {
  policy: ExpiryPolicy;
  months: number | null;
}

/**
 * When a lot earned at `earnedAt` expires, as the instant of a local midnight in the merchant's
 * zone (null = never):
 * - `months_after`: usable through the whole local day N months after the earning day
 *   (Jan 31 + 1 month is Feb 28/29: the month's last day), so it expires at the next midnight;
 * - `year_end_after`: usable through Dec 31 of the year after earning.
 */
export function lotExpiry(rule: ExpiryRule, earnedAt: Date, zone: string): Date | null {
  const earnedOn = localDateOf(earnedAt, zone);
  if (rule.policy === 'never') return null;
  if (rule.policy === 'months_after') {
    if (!rule.months || rule.months < 1) throw new Error('months_after needs months >= 1');
    return startOfLocalDay(addDays(addMonths(earnedOn, rule.months), 1), zone);
  }
  const year = Number(earnedOn.slice(0, 4));
  return startOfLocalDay(`${String(year + 2).padStart(4, '0')}-01-01`, zone);
}

export interface LotState {
  id: string;
  remaining: number;
  expires_at: Date | null;
}

/** A lot is dead from its expiry instant on, whether or not the expiry job has run yet. */
export const isLive = (lot: LotState, now: Date): boolean =>
  lot.expires_at === null || lot.expires_at.getTime() > now.getTime();

/**
 * Points a member can spend now: the balance less what sits in dead lots. The balance is the
 * truth; lots only say which part of it expires when (points without a lot never expire).
 */
export function availablePoints(balance: number, lots: readonly LotState[], now: Date): number {
  const dead = lots.reduce((sum, lot) => (isLive(lot, now) ? sum : sum + lot.remaining), 0);
  return Math.max(0, balance - dead);
}

/** Soonest expiry first; never-expiring lots after every dated one; then oldest lot first. */
export function compareLots(a: LotState, b: LotState): number {
  const ea = a.expires_at?.getTime() ?? Number.POSITIVE_INFINITY;
  const eb = b.expires_at?.getTime() ?? Number.POSITIVE_INFINITY;
  if (ea !== eb) return ea < eb ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export interface SpendPlan {
  /** Amount taken from each lot, in consumption order. */
  uses: { lot_id: string; amount: number }[];
  /** Taken from points that have no lot (imported opening points, merged-in points). */
  lotless: number;
  available: number;
}

/**
 * PRODUCT.md "expiring value is used soonest-expiry first": live lots by expiry, then lots that
 * never expire, then the lot-less part of the balance. Asking for more than is available is
 * refused with the available amount, before anything is written.
 */
export function spendPoints(
  balance: number,
  lots: readonly LotState[],
  amount: number,
  now: Date,
): SpendPlan {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new Error('spend amount must be > 0');
  const available = availablePoints(balance, lots, now);
  if (amount > available) {
    throw new DomainError('points.insufficient', { field: 'points', params: { available } });
  }
  const uses: SpendPlan['uses'] = [];
  let left = amount;
  for (const lot of lots.filter((l) => isLive(l, now) && l.remaining > 0).sort(compareLots)) {
    if (left === 0) break;
    const take = Math.min(left, lot.remaining);
    uses.push({ lot_id: lot.id, amount: take });
    left -= take;
  }
  return { uses, lotless: left, available };
}
