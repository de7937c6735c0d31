import { DomainError } from '../../lib/errors.ts';
import { addMonths, localDateOf, startOfLocalDay } from '../../lib/time.ts';
import type { TierRight } from './tier.table.ts';

export interface TierLike {
  id: string;
  threshold: number;
}

/** Growth earned by a payment: rounded down, 1 growth per `fenPerGrowth` fen paid. */
export function growthFromSpend(amountFen: number, fenPerGrowth: number): number {
  return Math.floor(amountFen / fenPerGrowth);
}

/** The highest tier whose threshold the qualifying value reaches; null below every tier. */
export function pickTier<T extends TierLike>(tiers: readonly T[], value: number): T | null {
  let best: T | null = null;
  for (const tier of tiers) {
    if (tier.threshold <= value && (!best || tier.threshold > best.threshold)) best = tier;
  }
  return best;
}

const thresholdOf = (tier: TierLike | null) => (tier ? tier.threshold : -1);

/** Upgrades happen at once, and only upwards: an earning never lowers a tier. */
export function upgradeTarget<T extends TierLike>(
  tiers: readonly T[],
  current: TierLike | null,
  value: number,
): T | null {
  const reached = pickTier(tiers, value);
  return reached && reached.threshold > thresholdOf(current) ? reached : null;
}

/**
 * The review keeps the tier if the window value still reaches it, otherwise moves to the tier
 * the value reaches (possibly none); if thresholds were lowered since, it may also move up.
 */
export function reviewTarget<T extends TierLike>(tiers: readonly T[], value: number): T | null {
  return pickTier(tiers, value);
}

export type ChangeReason = 'upgrade' | 'downgrade' | 'review';

export function changeReason(from: TierLike | null, to: TierLike | null): ChangeReason | null {
  if (from?.id === to?.id) return null;
  return thresholdOf(to) > thresholdOf(from) ? 'upgrade' : 'downgrade';
}

/** A reached tier is kept until local midnight `months` after the day it was reached. */
export function nextReviewAt(now: Date, months: number, zone: string): Date {
  return startOfLocalDay(addMonths(localDateOf(now, zone), months), zone);
}

/** Start of the qualifying window: the local day `months` back, at midnight. */
export function windowStart(now: Date, months: number, zone: string): Date {
  return startOfLocalDay(addMonths(localDateOf(now, zone), -months), zone);
}

/** What is still missing to reach the next tier up. */
export function tierProgress<T extends TierLike>(
  tiers: readonly T[],
  current: TierLike | null,
  value: number,
): { next: T | null; missing: number } {
  const above = tiers
    .filter((t) => t.threshold > thresholdOf(current))
    .sort((a, b) => a.threshold - b.threshold);
  const next = above[0] ?? null;
  return { next, missing: next ? Math.max(0, next.threshold - value) : 0 };
}

/** Right codes are unique within a tier; a right needs at least one use a month. */
export function validateRights(rights: readonly TierRight[]): TierRight[] {
  const seen = new Set<string>();
  rights.forEach((right, i) => {
    if (seen.has(right.code) || !Number.isInteger(right.monthly_uses) || right.monthly_uses < 1)
      throw new DomainError('tier.rights_invalid', { field: `rights.${i}.code` });
    seen.add(right.code);
  });
  return rights.map((r) => ({ code: r.code, name: r.name, monthly_uses: r.monthly_uses }));
}

/** A use of a service right beyond its monthly count is refused with the count. */
export function checkRightUse(
  rights: readonly TierRight[],
  code: string,
  usedThisMonth: number,
): TierRight {
  const right = rights.find((r) => r.code === code);
  if (!right) throw new DomainError('tier.right_not_found', { field: 'code' });
  if (usedThisMonth >= right.monthly_uses)
    throw new DomainError('tier.right_exhausted', {
      params: { limit: right.monthly_uses, used: usedThisMonth },
    });
  return right;
}
