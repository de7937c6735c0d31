import { DomainError } from '../../lib/errors.ts';
import { addLocalMonths } from '../../lib/time.ts';
import { MAX_FEN, validateCouponPack } from '../wallet/recharge.rules.ts';
import type { CouponPackItem } from '../wallet/wallet.table.ts';
import type { MembershipBenefits, PaidMembershipRow } from './membership.table.ts';

export interface MembershipPlanInput {
  name: string;
  price_fen: number;
  duration_months: number;
  tier_id?: string | null | undefined;
  extra_discount_bp?: number | undefined;
  monthly_coupons?: Partial<CouponPackItem>[] | undefined;
  refund_full_within_days?: number | undefined;
}

export interface MembershipPlanTerms extends MembershipBenefits {
  name: string;
  price_fen: number;
  duration_months: number;
  refund_full_within_days: number;
}

const invalid = (field: string) => new DomainError('membership.plan_invalid', { field });
const intIn = (n: unknown, min: number, max: number): n is number =>
  typeof n === 'number' && Number.isSafeInteger(n) && n >= min && n <= max;

/** A paid plan (付费会员): a price, a duration in months, benefits and its refund rule. */
export function validateMembershipPlan(input: MembershipPlanInput): MembershipPlanTerms {
  const name = input.name?.trim();
  if (!name) throw invalid('name');
  if (!intIn(input.price_fen, 1, MAX_FEN)) throw invalid('price_fen');
  if (!intIn(input.duration_months, 1, 120)) throw invalid('duration_months');
  const discount = input.extra_discount_bp ?? 0;
  if (!intIn(discount, 0, 10_000)) throw invalid('extra_discount_bp');
  const refundDays = input.refund_full_within_days ?? 0;
  if (!intIn(refundDays, 0, 366)) throw invalid('refund_full_within_days');
  return {
    name,
    price_fen: input.price_fen,
    duration_months: input.duration_months,
    tier_id: input.tier_id ?? null,
    extra_discount_bp: discount,
    monthly_coupons: validateCouponPack(
      input.monthly_coupons ?? [],
      'monthly_coupons',
      'membership.plan_invalid',
    ),
    refund_full_within_days: refundDays,
  };
}

type Period = Pick<PaidMembershipRow, 'starts_at' | 'expires_at' | 'status'>;

/**
 * The period a purchase buys: from now, or, while the member still has paid time ahead, a
 * renewal that starts when the last paid period ends, so no day is paid for twice.
 */
export function nextPeriod(
  periods: readonly Period[],
  now: Date,
  months: number,
  zone: string,
): { kind: 'purchase' | 'renewal'; starts_at: Date; expires_at: Date } {
  const ahead = periods
    .filter((p) => p.status === 'paid' && p.expires_at.getTime() > now.getTime())
    .map((p) => p.expires_at.getTime());
  const startsAt = ahead.length ? new Date(Math.max(...ahead)) : now;
  return {
    kind: ahead.length ? 'renewal' : 'purchase',
    starts_at: startsAt,
    expires_at: addLocalMonths(startsAt, months, zone),
  };
}

/** Paid membership is decided by time: a paid period with starts_at <= now < expires_at. */
export function currentPeriod<T extends Period>(periods: readonly T[], now: Date): T | undefined {
  const t = now.getTime();
  return periods.find(
    (p) => p.status !== 'refunded' && p.starts_at.getTime() <= t && t < p.expires_at.getTime(),
  );
}

/**
 * The refund rule stated with every plan: the full price within N days of buying, nothing
 * after (N = 0: never refundable). Only the latest period can be refunded, so a refund never
 * leaves a hole between paid periods.
 */
export function refundDecision(
  period: Pick<
    PaidMembershipRow,
    'status' | 'price_fen' | 'created_at' | 'refund_full_within_days'
  >,
  now: Date,
  isLatest: boolean,
):
  | { ok: true; refund_fen: number }
  | {
      ok: false;
      code:
        | 'membership.already_refunded'
        | 'membership.refund_not_latest'
        | 'membership.refund_window_passed';
    } {
  if (period.status === 'refunded') return { ok: false, code: 'membership.already_refunded' };
  if (!isLatest) return { ok: false, code: 'membership.refund_not_latest' };
  const deadline = period.created_at.getTime() + period.refund_full_within_days * 86_400_000;
  if (now.getTime() >= deadline) return { ok: false, code: 'membership.refund_window_passed' };
  return { ok: true, refund_fen: period.price_fen };
}

export function refundPolicyText(days: number, locale: 'zh-CN' | 'en'): string {
  if (days === 0) return locale === 'en' ? 'Not refundable.' : '不可退款。';
  return locale === 'en'
    ? `Full refund within ${days} days of purchase; no refund after that.`
    : `购买后 ${days} 天内可全额退款，逾期不退。`;
}

export type InvitationReason =
  | 'invited'
  | 'disabled'
  | 'below_minimum'
  | 'already_member'
  | 'already_invited';

/**
 * Pay to become member (支付即会员, S7): a non-member whose payment reaches the merchant's
 * minimum gets a card invitation, once.
 */
export function invitationDecision(
  minFen: number | null,
  paidFen: number,
  who: { is_member: boolean; has_open_invitation: boolean },
): { invite: boolean; reason: InvitationReason } {
  if (minFen === null) return { invite: false, reason: 'disabled' };
  if (who.is_member) return { invite: false, reason: 'already_member' };
  if (paidFen < minFen) return { invite: false, reason: 'below_minimum' };
  if (who.has_open_invitation) return { invite: false, reason: 'already_invited' };
  return { invite: true, reason: 'invited' };
}
