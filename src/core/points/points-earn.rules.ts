import { isLeapYear, localDateOf } from '../../lib/time.ts';
import type { CategoryRule, GrantCeilings } from './points.table.ts';

export interface EarnLine {
  category: string;
  /** What the member actually paid for the line, after discounts (PRODUCT.md). */
  amount_fen: number;
}

export interface EarnCampaign {
  id: string;
  name: string;
  multiplier_bp: number;
  starts_on: string;
  ends_on: string;
  categories: string[] | null;
}

export interface EarnRules {
  default_fen_per_point: number | null;
  categories: readonly CategoryRule[];
  campaigns: readonly EarnCampaign[];
  time_zone: string;
}

export interface EarnTier {
  points_multiplier_bp: number;
  birthday_multiplier_bp: number;
}

export interface EarnCategory {
  category: string;
  amount_fen: number;
  /** null: the category earns nothing */
  fen_per_point: number | null;
  base_points: number;
  multipliers_bp: number[];
  points: number;
}

export interface EarnResult {
  points: number;
  amount_fen: number;
  categories: EarnCategory[];
  birthday: boolean;
  campaign_ids: string[];
}

const ONE_BP = 10_000n;

/** Feb 29 birthdays are celebrated on Feb 28 in common years (DESIGN.md §4). */
export function isBirthday(birthday: string | null, today: string): boolean {
  if (!birthday) return false;
  let monthDay = birthday.slice(5);
  if (monthDay === '02-29' && !isLeapYear(Number(today.slice(0, 4)))) monthDay = '02-28';
  return today.slice(5) === monthDay;
}

/**
 * Points for one paid order. Per category (S4: normal goods 1 point per 100 fen, plain gold
 * 1 point per 1000 fen): base = floor(category total / fen per point) — rounded down per
 * category total, not per line — then × the tier multiplier, × the tier's birthday multiplier
 * on the member's local birthday, × every campaign running that local day for the category
 * (campaigns stack multiplicatively), rounded down once per category. BigInt keeps the
 * product of several basis-point factors exact.
 */
export function earnPoints(
  lines: readonly EarnLine[],
  rules: EarnRules,
  tier: EarnTier | null,
  member: { birthday: string | null },
  now: Date,
): EarnResult {
  const today = localDateOf(now, rules.time_zone);
  const birthday = isBirthday(member.birthday, today);
  const totals = new Map<string, number>();
  for (const line of lines) {
    if (!Number.isSafeInteger(line.amount_fen) || line.amount_fen < 0)
      throw new Error('line amount must be a non-negative integer');
    totals.set(line.category, (totals.get(line.category) ?? 0) + line.amount_fen);
  }
  const running = rules.campaigns.filter((c) => c.starts_on <= today && today <= c.ends_on);
  const used = new Set<string>();
  const categories: EarnCategory[] = [];
  for (const [category, amount] of totals) {
    const rule = rules.categories.find((r) => r.category === category);
    const fenPerPoint = rule ? rule.fen_per_point : rules.default_fen_per_point;
    const base = fenPerPoint ? Math.floor(amount / fenPerPoint) : 0;
    const multipliers: number[] = [];
    if (tier) multipliers.push(tier.points_multiplier_bp);
    if (tier && birthday) multipliers.push(tier.birthday_multiplier_bp);
    for (const c of running) {
      if (c.categories && !c.categories.includes(category)) continue;
      multipliers.push(c.multiplier_bp);
      used.add(c.id);
    }
    const numerator = multipliers.reduce((p, bp) => p * BigInt(bp), BigInt(base));
    const points = Number(numerator / ONE_BP ** BigInt(multipliers.length));
    categories.push({
      category,
      amount_fen: amount,
      fen_per_point: fenPerPoint,
      base_points: base,
      multipliers_bp: multipliers,
      points,
    });
  }
  return {
    points: categories.reduce((s, c) => s + c.points, 0),
    amount_fen: categories.reduce((s, c) => s + c.amount_fen, 0),
    categories,
    birthday,
    campaign_ids: [...used],
  };
}

export interface GrantActor {
  kind: 'staff' | 'api_key' | 'system' | 'member';
  role: 'owner' | 'manager' | 'cashier' | 'marketer' | null;
}

/** The largest manual grant an actor may make; null = no ceiling (the owner, the system). */
export function grantCeiling(actor: GrantActor, ceilings: GrantCeilings): number | null {
  if (actor.kind === 'system' || actor.role === 'owner') return null;
  if (actor.kind === 'api_key') return ceilings.api_key;
  return actor.role ? ceilings[actor.role] : 0;
}

export const PROFILE_FIELDS = ['name', 'gender', 'birthday'] as const;

/** Profile fields still missing for the profile-completion bonus. */
export function missingProfileFields(member: {
  name: string | null;
  gender: string;
  birthday: string | null;
}): string[] {
  const missing: string[] = [];
  if (!member.name?.trim()) missing.push('name');
  if (member.gender === 'unknown') missing.push('gender');
  if (!member.birthday) missing.push('birthday');
  return missing;
}
