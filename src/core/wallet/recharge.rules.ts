import { Temporal } from 'temporal-polyfill';
import { DomainError } from '../../lib/errors.ts';
import type { PartState } from './wallet.rules.ts';
import type { BonusMode, CouponPackItem, InstalmentStart, RechargeRefund } from './wallet.table.ts';

/** ¥10,000,000: above this a number is a typo, and fen sums stay far inside 2^53. */
export const MAX_FEN = 1_000_000_000;
export const MAX_INSTALMENTS = 36;

export interface PlanInput {
  name: string;
  price_fen: number;
  bonus_fen?: number | undefined;
  bonus_mode?: BonusMode | undefined;
  bonus_instalments_fen?: number[] | undefined;
  instalment_start?: InstalmentStart | undefined;
  coupon_pack?: Partial<CouponPackItem>[] | undefined;
  refundable?: boolean | undefined;
}

export interface PlanTerms {
  name: string;
  price_fen: number;
  bonus_fen: number;
  bonus_mode: BonusMode;
  bonus_instalments_fen: number[];
  instalment_start: InstalmentStart;
  coupon_pack: CouponPackItem[];
  refundable: boolean;
}

const isFen = (n: unknown, min: number): n is number =>
  typeof n === 'number' && Number.isSafeInteger(n) && n >= min && n <= MAX_FEN;

const invalid = (field: string) => new DomainError('recharge.amount_invalid', { field });

export function validateCouponPack(
  pack: Partial<CouponPackItem>[],
  field: string,
  code: 'recharge.coupon_pack_invalid' | 'membership.plan_invalid' = 'recharge.coupon_pack_invalid',
): CouponPackItem[] {
  if (pack.length > 20) throw new DomainError(code, { field });
  return pack.map((item, i) => {
    const at = `${field}.${i}`;
    if (!item.name?.trim()) throw new DomainError(code, { field: `${at}.name` });
    if (!isFen(item.face_value_fen, 1))
      throw new DomainError(code, { field: `${at}.face_value_fen` });
    const threshold = item.threshold_fen ?? 0;
    if (!isFen(threshold, 0)) throw new DomainError(code, { field: `${at}.threshold_fen` });
    const quantity = item.quantity ?? 1;
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > 100)
      throw new DomainError(code, { field: `${at}.quantity` });
    return {
      template_id: item.template_id ?? null,
      name: item.name.trim(),
      face_value_fen: item.face_value_fen,
      threshold_fen: threshold,
      quantity,
    };
  });
}

/**
 * A plan's numbers must make sense (issue 4): amounts are whole fen, not negative; monthly
 * bonus is 1–36 positive instalments that add up to the bonus exactly; coupon lines are
 * positive. Each refusal names its field.
 */
export function validatePlan(input: PlanInput): PlanTerms {
  const name = input.name?.trim();
  if (!name) throw new DomainError('recharge.plan_invalid', { field: 'name' });
  if (!isFen(input.price_fen, 1)) throw invalid('price_fen');
  const bonus = input.bonus_fen ?? 0;
  if (!isFen(bonus, 0)) throw invalid('bonus_fen');
  const mode = input.bonus_mode ?? 'immediate';
  const instalments = input.bonus_instalments_fen ?? [];
  if (mode === 'immediate' && instalments.length > 0)
    throw new DomainError('recharge.instalments_invalid', { field: 'bonus_instalments_fen' });
  if (mode === 'monthly') {
    if (instalments.length < 1 || instalments.length > MAX_INSTALMENTS)
      throw new DomainError('recharge.instalments_invalid', {
        field: 'bonus_instalments_fen',
        params: { max: MAX_INSTALMENTS },
      });
    instalments.forEach((n, i) => {
      if (!isFen(n, 1)) throw invalid(`bonus_instalments_fen.${i}`);
    });
    const sum = instalments.reduce((a, b) => a + b, 0);
    if (sum !== bonus)
      throw new DomainError('recharge.instalments_mismatch', {
        field: 'bonus_instalments_fen',
        params: { sum_fen: sum, bonus_fen: bonus },
      });
  }
  return {
    name,
    price_fen: input.price_fen,
    bonus_fen: bonus,
    bonus_mode: mode,
    bonus_instalments_fen: mode === 'monthly' ? instalments : [],
    instalment_start: input.instalment_start ?? 'next_month',
    coupon_pack: validateCouponPack(input.coupon_pack ?? [], 'coupon_pack'),
    refundable: input.refundable ?? true,
  };
}

/** Splits `total` into `count` instalments that differ by at most 1 fen, larger ones first. */
export function evenInstalments(total: number, count: number): number[] {
  const base = Math.floor(total / count);
  const extra = total - base * count;
  return Array.from({ length: count }, (_, i) => base + (i < extra ? 1 : 0));
}

export interface ScheduledPart {
  seq: number;
  amount_fen: number;
  available_from: Date;
  expires_at: Date | null;
}

/** 00:00 on the 1st of the month `offset` months after `now`'s month, in `zone`. */
export function monthStart(now: Date, zone: string, offset: number): Date {
  const month = Temporal.Instant.fromEpochMilliseconds(now.getTime())
    .toZonedDateTimeISO(zone)
    .toPlainDate()
    .toPlainYearMonth()
    .add({ months: offset });
  return new Date(month.toPlainDate({ day: 1 }).toZonedDateTime(zone).epochMilliseconds);
}

/**
 * The bonus parts a recharge creates. Immediate bonus is one part that never expires.
 * Monthly bonus (S9): part k opens at 00:00 on the 1st of the k-th month (counting from this
 * month or the next, per plan) in the merchant's zone and closes at 00:00 on the 1st of the
 * month after; a part of the current month opens at once.
 */
export function bonusSchedule(
  terms: Pick<PlanTerms, 'bonus_fen' | 'bonus_mode' | 'bonus_instalments_fen' | 'instalment_start'>,
  now: Date,
  zone: string,
): ScheduledPart[] {
  if (terms.bonus_fen === 0) return [];
  if (terms.bonus_mode === 'immediate')
    return [{ seq: 0, amount_fen: terms.bonus_fen, available_from: now, expires_at: null }];
  const first = terms.instalment_start === 'this_month' ? 0 : 1;
  return terms.bonus_instalments_fen.map((amount, seq) => {
    const opens = monthStart(now, zone, first + seq);
    return {
      seq,
      amount_fen: amount,
      available_from: opens.getTime() < now.getTime() ? now : opens,
      expires_at: monthStart(now, zone, first + seq + 1),
    };
  });
}

/**
 * Refund of a recharge (stated with every plan): the member gets back what is left of its
 * principal (at most the price, at most the principal balance), less the bonus of this
 * recharge already spent; its unspent bonus is forfeited and its future parts are cancelled.
 * A refund never goes below zero: bonus spent beyond the principal left is not clawed back.
 * `parts` are this recharge's parts after due releases and expiries have been posted.
 */
export function rechargeRefund(input: {
  price_fen: number;
  principal_balance_fen: number;
  parts: readonly PartState[];
}): RechargeRefund {
  const principalDebit = Math.min(input.price_fen, input.principal_balance_fen);
  let spent = 0;
  let forfeit = 0;
  let cancelled = 0;
  for (const part of input.parts) {
    spent += part.amount_fen - part.remaining_fen - part.closed_fen;
    if (part.status === 'released') forfeit += part.remaining_fen;
    if (part.status === 'pending') cancelled += part.remaining_fen;
  }
  return {
    refund_fen: Math.max(0, principalDebit - spent),
    principal_debit_fen: principalDebit,
    bonus_spent_fen: spent,
    bonus_forfeit_fen: forfeit,
    bonus_cancelled_fen: cancelled,
  };
}

export const REFUND_POLICY = {
  en: 'Refund: the principal left (at most the price) comes back, minus the bonus of this recharge already spent; its unspent and future bonus is forfeited.',
  zh: '退款：退还剩余本金（不超过充值金额），扣除本次充值已使用的赠送金；未使用及未发放的赠送金作废。',
} as const;
