import { allocateLargestRemainder } from '../../lib/allocate.ts';
import { DomainError } from '../../lib/errors.ts';
import { addDays, localDateOf, localWeekdayMinute, startOfLocalDay } from '../../lib/time.ts';
import type {
  Coupon,
  CouponBenefit,
  CouponKind,
  CouponTemplate,
  CouponValidity,
} from './coupon.schema.ts';

/**
 * The order coupons are applied in (the stacking rule): unit-level coupons first (a free
 * unit is priced before anything is spread over it), then spend-X-save-Y, percent off, cash
 * vouchers last; within a kind, soonest expiry first, then by id.
 */
export const KIND_ORDER: readonly CouponKind[] = [
  'free_item',
  'count_card',
  'threshold_off',
  'percent_off',
  'cash_voucher',
];

/** One order line as a coupon sees it: `amount_fen` is what is left after earlier steps. */
export interface CouponLine {
  line_id: string;
  sku_id: string | null;
  category: string;
  quantity: number;
  amount_fen: number;
}

export interface CouponOrder {
  member_id: string | null;
  store_id: string;
  lines: readonly CouponLine[];
}

export type CouponRefusal =
  | 'coupon.already_redeemed'
  | 'coupon.void'
  | 'coupon.used_up'
  | 'coupon.wrong_member'
  | 'coupon.not_yet_valid'
  | 'coupon.expired'
  | 'coupon.outside_hours'
  | 'coupon.wrong_store'
  | 'coupon.wrong_category'
  | 'coupon.below_threshold'
  | 'coupon.not_stackable_with';

export interface LineDiscount {
  line_id: string;
  discount_fen: number;
}

export type CouponResult =
  | { ok: true; discount_fen: number; lines: LineDiscount[] }
  | { ok: false; code: CouponRefusal; params: Record<string, unknown> };

export interface HeldCoupon {
  template: CouponTemplate;
  coupon: Coupon;
}

const refuse = (code: CouponRefusal, params: Record<string, unknown> = {}): CouponResult => ({
  ok: false,
  code,
  params,
});

/**
 * A coupon's window, fixed at issue. Fixed: 00:00 of `from` to 00:00 after `to`, local.
 * N days after claim: the claim day is day 1, so it ends at the local midnight after day N.
 */
export function couponWindow(
  validity: CouponValidity,
  claimedAt: Date,
  zone: string,
): { valid_from: Date; valid_until: Date } {
  if (validity.mode === 'fixed')
    return {
      valid_from: startOfLocalDay(validity.from, zone),
      valid_until: startOfLocalDay(addDays(validity.to, 1), zone),
    };
  const day = localDateOf(claimedAt, zone);
  return { valid_from: claimedAt, valid_until: startOfLocalDay(addDays(day, validity.days), zone) };
}

const minuteOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** What the schema cannot say: a fixed window not ending before it starts, hours in order. */
export function validateTemplate<T extends Omit<CouponTemplate, 'id'>>(template: T): T {
  const invalid = (field: string) => new DomainError('coupon.template_invalid', { field });
  const { validity, usable_hours: hours, benefit } = template;
  if (validity.mode === 'fixed' && validity.to < validity.from) throw invalid('validity.to');
  if (hours && minuteOf(hours.to) <= minuteOf(hours.from)) throw invalid('usable_hours.to');
  if (hours && minuteOf(hours.to) > 24 * 60) throw invalid('usable_hours.to');
  if (benefit.kind === 'threshold_off' && benefit.off_fen > benefit.threshold_fen)
    throw invalid('benefit.off_fen');
  const self = template.stacking.mode === 'stackable' ? template.stacking.with_kinds : [];
  if (new Set(self).size !== self.length) throw invalid('stacking.with_kinds');
  return template;
}

const matches = (
  line: CouponLine,
  skus: readonly string[] | null,
  categories: readonly string[] | null,
) =>
  (!skus && !categories) ||
  (skus !== null && line.sku_id !== null && skus.includes(line.sku_id)) ||
  (categories?.includes(line.category) ?? false);

/** The state, member, time, weekday, hour and store checks, in the order a cashier reads them. */
function usableNow(
  template: CouponTemplate,
  coupon: Coupon,
  order: CouponOrder,
  now: Date,
  zone: string,
): CouponResult | null {
  if (coupon.status === 'redeemed') return refuse('coupon.already_redeemed');
  if (coupon.status === 'void') return refuse('coupon.void');
  if (coupon.uses_left <= 0) return refuse('coupon.used_up');
  if (coupon.member_id !== order.member_id) return refuse('coupon.wrong_member');
  const t = now.getTime();
  if (t < coupon.valid_from.getTime())
    return refuse('coupon.not_yet_valid', { valid_from: coupon.valid_from.toISOString() });
  if (coupon.status === 'expired' || t >= coupon.valid_until.getTime())
    return refuse('coupon.expired', { valid_until: coupon.valid_until.toISOString() });
  const { weekday, minute } = localWeekdayMinute(now, zone);
  const hours = template.usable_hours;
  const days = template.usable_weekdays;
  if (
    (days && !days.includes(weekday)) ||
    (hours && (minute < minuteOf(hours.from) || minute >= minuteOf(hours.to)))
  )
    return refuse('coupon.outside_hours', {
      weekdays: days,
      from: hours?.from ?? null,
      to: hours?.to ?? null,
    });
  const stores = template.scope.store_ids;
  if (stores && !stores.includes(order.store_id))
    return refuse('coupon.wrong_store', { store_id: order.store_id });
  return null;
}

const thresholdOf = (benefit: CouponBenefit) =>
  benefit.kind === 'threshold_off' || benefit.kind === 'percent_off' ? benefit.threshold_fen : 0;

/** The one free unit: the cheapest eligible unit (PRODUCT.md), ties to the earlier line. */
function freeUnit(
  items: { sku_ids: string[] | null; category_codes: string[] | null },
  eligible: readonly CouponLine[],
) {
  let best: { line: CouponLine; unit_fen: number } | null = null;
  for (const line of eligible) {
    if (line.quantity < 1 || !matches(line, items.sku_ids, items.category_codes)) continue;
    // the line's units share its amount; the cheapest of them is the rounded-down one
    const unit = Math.floor(line.amount_fen / line.quantity);
    if (!best || unit < best.unit_fen) best = { line, unit_fen: unit };
  }
  return best;
}

/**
 * What one coupon takes off `order` at `now`, or why it cannot be used. The threshold and
 * the minimum spend are checked against the eligible amount left after the steps before;
 * the discount never exceeds what is left, and is spread over the eligible lines in
 * proportion to what is left of each (largest remainder), so no line goes below 0.
 */
export function couponDiscount(
  template: CouponTemplate,
  coupon: Coupon,
  order: CouponOrder,
  now: Date,
  zone: string,
): CouponResult {
  const refusal = usableNow(template, coupon, order, now, zone);
  if (refusal) return refusal;
  const { scope, benefit } = template;
  const eligible = order.lines.filter((l) => matches(l, scope.sku_ids, scope.category_codes));
  if (eligible.length === 0) return refuse('coupon.wrong_category');
  const eligibleFen = eligible.reduce((s, l) => s + l.amount_fen, 0);
  const required = Math.max(scope.min_spend_fen, thresholdOf(benefit));
  if (eligibleFen < required)
    return refuse('coupon.below_threshold', {
      threshold_fen: required,
      missing_fen: required - eligibleFen,
    });
  if (benefit.kind === 'free_item' || benefit.kind === 'count_card') {
    const unit = freeUnit(benefit.items, eligible);
    if (!unit) return refuse('coupon.wrong_category');
    const cap = benefit.kind === 'free_item' ? benefit.max_value_fen : null;
    const off = cap === null ? unit.unit_fen : Math.min(cap, unit.unit_fen);
    return {
      ok: true,
      discount_fen: off,
      lines: [{ line_id: unit.line.line_id, discount_fen: off }],
    };
  }
  let off: number;
  if (benefit.kind === 'threshold_off') off = benefit.off_fen;
  else if (benefit.kind === 'cash_voucher') off = benefit.value_fen;
  else {
    // rounded down: a percent coupon never takes the odd fen
    off = Number((BigInt(eligibleFen) * BigInt(benefit.discount_bp)) / 10_000n);
    if (benefit.cap_fen !== null) off = Math.min(off, benefit.cap_fen);
  }
  off = Math.min(off, eligibleFen);
  const shares =
    off === 0
      ? eligible.map(() => 0)
      : allocateLargestRemainder(
          off,
          eligible.map((l) => l.amount_fen),
        );
  return {
    ok: true,
    discount_fen: off,
    lines: eligible.map((l, i) => ({ line_id: l.line_id, discount_fen: shares[i]! })),
  };
}

/** The stacking rule: both agree, each stackable and naming the other's kind. */
export function stackable(a: CouponTemplate, b: CouponTemplate): boolean {
  const lists = (t: CouponTemplate, kind: CouponKind) =>
    t.stacking.mode === 'stackable' && t.stacking.with_kinds.includes(kind);
  return lists(a, b.benefit.kind) && lists(b, a.benefit.kind);
}

export type CouponOutcome = {
  coupon_id: string;
  template_id: string;
  kind: CouponKind;
} & CouponResult;

/** Coupons in the order the stacking rule applies them. */
export function stackingOrder<T extends HeldCoupon>(held: readonly T[]): T[] {
  const rank = (h: HeldCoupon) => KIND_ORDER.indexOf(h.template.benefit.kind);
  return [...held].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      a.coupon.valid_until.getTime() - b.coupon.valid_until.getTime() ||
      (a.coupon.id < b.coupon.id ? -1 : a.coupon.id > b.coupon.id ? 1 : 0),
  );
}

/** The first applied coupon `candidate` may not be used with, if any. */
export function stackConflict(
  candidate: CouponTemplate,
  applied: readonly HeldCoupon[],
): HeldCoupon | undefined {
  return applied.find((h) => !stackable(candidate, h.template));
}

export const subtractDiscounts = (
  lines: readonly CouponLine[],
  off: readonly LineDiscount[],
): CouponLine[] =>
  lines.map((l) => ({
    ...l,
    amount_fen:
      l.amount_fen -
      off.filter((d) => d.line_id === l.line_id).reduce((s, d) => s + d.discount_fen, 0),
  }));

/**
 * Several coupons on one order: in stacking order, each against what the ones before left;
 * a coupon that cannot stack with one already applied is refused naming that one (the
 * earlier in stacking order wins). Returns the lines left and every coupon's outcome.
 */
export function applyCoupons(
  held: readonly HeldCoupon[],
  order: CouponOrder,
  now: Date,
  zone: string,
): { lines: CouponLine[]; discount_fen: number; outcomes: CouponOutcome[]; applied: HeldCoupon[] } {
  let lines = [...order.lines];
  const applied: HeldCoupon[] = [];
  const outcomes: CouponOutcome[] = [];
  for (const h of stackingOrder(held)) {
    const id = {
      coupon_id: h.coupon.id,
      template_id: h.template.id,
      kind: h.template.benefit.kind,
    };
    const clash = stackConflict(h.template, applied);
    const twice = applied.some((a) => a.coupon.id === h.coupon.id);
    const result: CouponResult = twice
      ? refuse('coupon.already_redeemed')
      : clash
        ? refuse('coupon.not_stackable_with', {
            coupon_id: clash.coupon.id,
            kind: clash.template.benefit.kind,
          })
        : couponDiscount(h.template, h.coupon, { ...order, lines }, now, zone);
    outcomes.push({ ...id, ...result });
    if (!result.ok) continue;
    applied.push(h);
    lines = subtractDiscounts(lines, result.lines);
  }
  const discount = outcomes.reduce((s, o) => s + (o.ok ? o.discount_fen : 0), 0);
  return { lines, discount_fen: discount, outcomes, applied };
}
