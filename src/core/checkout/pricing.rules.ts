import { allocateLargestRemainder } from '../../lib/allocate.ts';
import type { ErrorCode } from '../../lib/error-codes.ts';
import {
  applyCoupons,
  type CouponLine,
  couponDiscount,
  type HeldCoupon,
  stackConflict,
} from '../coupons/coupon.rules.ts';
import type { TenderMethod } from '../payments/tender.table.ts';
import type { EarnRules, EarnTier } from '../points/points-earn.rules.ts';
import type { SpendingOrder } from '../wallet/wallet.table.ts';
import { earnStep, paymentStep } from './pricing-payment.rules.ts';

export interface OrderLineInput {
  line_id: string;
  sku_id: string | null;
  category: string;
  unit_price_fen: number;
  quantity: number;
  /** false: the tier discount skips the line (e.g. gold sold at the day's price) */
  tier_discountable: boolean;
}

/** Points as money at the till: `points_per_unit` points pay `fen_per_unit` fen. */
export interface PointsDeductionSetting {
  points_per_unit: number;
  fen_per_unit: number;
  /** the most points may pay of what is left after coupons: 5000 = half */
  max_share_bp: number;
}

export interface PricingMember {
  id: string;
  birthday: string | null;
  tier: (EarnTier & { id: string; name: string; discount_bp: number }) | null;
  /** a paid membership's extra discount, added to the tier's (capped at 100 %) */
  extra_discount_bp: number;
  points_balance: number;
  /** spendable now: principal, and bonus as `spendableBonus` counts it */
  wallet: { principal_fen: number; bonus_fen: number };
}

export interface TenderLine {
  method: TenderMethod;
  amount_fen: number;
  /** cash handed over, when more than the amount: the difference is change */
  received_fen?: number | undefined;
}

export interface PricingSettings {
  spending_order: SpendingOrder;
  /** null: points are not taken as payment */
  points_deduction: PointsDeductionSetting | null;
  earn: EarnRules;
  /** PRODUCT.md: principal earns, bonus does not; a merchant may flip both */
  principal_earns: boolean;
  bonus_earns: boolean;
  /** null: the merchant does not count growth */
  fen_per_growth: number | null;
}

export interface PricingInput {
  store_id: string;
  lines: readonly OrderLineInput[];
  member: PricingMember | null;
  /** every coupon the member holds; `selected_ids` are the ones the cashier applies */
  held_coupons: readonly HeldCoupon[];
  selected_coupon_ids: readonly string[];
  points_to_use: number;
  stored_value_fen: number;
  tenders: readonly TenderLine[];
  settings: PricingSettings;
}

export interface PricedLine {
  line_id: string;
  sku_id: string | null;
  category: string;
  quantity: number;
  unit_price_fen: number;
  amount_fen: number;
  tier_discount_fen: number;
  coupons: { coupon_id: string; discount_fen: number }[];
  coupon_discount_fen: number;
  points_used: number;
  points_deduction_fen: number;
  /** amount − discounts − points: what is paid for the line by stored value and tenders */
  due_fen: number;
  principal_fen: number;
  bonus_fen: number;
  tender_fen: number;
  earn_base_fen: number;
  points_earned: number;
  growth: number;
}

export type TraceStep =
  | { step: 'tier'; tier_id: string; discount_bp: number; discount_fen: number }
  | { step: 'coupon'; coupon_id: string; template_id: string; kind: string; discount_fen: number }
  | {
      step: 'coupon_not_applied';
      coupon_id: string;
      template_id: string;
      kind: string;
      selected: boolean;
      code: string;
      params: Record<string, unknown>;
    }
  | { step: 'points'; requested: number; points: number; discount_fen: number; cap_fen: number }
  | { step: 'stored_value'; principal_fen: number; bonus_fen: number }
  | { step: 'tender'; method: TenderMethod; amount_fen: number; change_fen: number }
  | { step: 'earn'; base_fen: number; points: number; growth: number };

export interface Problem {
  code: ErrorCode;
  field: string;
  params: Record<string, unknown>;
}

export interface PricedOrder {
  amount_fen: number;
  tier_discount_fen: number;
  coupon_discount_fen: number;
  points_used: number;
  points_deduction_fen: number;
  due_fen: number;
  principal_fen: number;
  bonus_fen: number;
  tender_fen: number;
  points_earned: number;
  growth: number;
  applied_coupon_ids: string[];
  lines: PricedLine[];
  trace: TraceStep[];
  /** empty: the order can be committed; otherwise the commit refuses with the first */
  problems: Problem[];
}

const sum = (ns: readonly number[]) => ns.reduce((s, n) => s + n, 0);
const share = (total: number, weights: readonly number[]) =>
  total === 0 ? weights.map(() => 0) : allocateLargestRemainder(total, weights);
/** floor(amount × bp / 10000) in BigInt: amounts are safe integers, their product is not. */
const bpOf = (amount: number, bp: number) => Number((BigInt(amount) * BigInt(bp)) / 10_000n);

function startLines(lines: readonly OrderLineInput[]): PricedLine[] {
  return lines.map((l) => {
    if (!Number.isSafeInteger(l.quantity) || l.quantity < 1) throw new Error('bad quantity');
    const amount = l.unit_price_fen * l.quantity;
    if (!Number.isSafeInteger(l.unit_price_fen) || l.unit_price_fen < 0 || amount > 2 ** 52)
      throw new Error('bad unit price');
    return {
      line_id: l.line_id,
      sku_id: l.sku_id,
      category: l.category,
      quantity: l.quantity,
      unit_price_fen: l.unit_price_fen,
      amount_fen: amount,
      tier_discount_fen: 0,
      coupons: [],
      coupon_discount_fen: 0,
      points_used: 0,
      points_deduction_fen: 0,
      due_fen: amount,
      principal_fen: 0,
      bonus_fen: 0,
      tender_fen: 0,
      earn_base_fen: 0,
      points_earned: 0,
      growth: 0,
    };
  });
}

/** Tier (plus paid-membership) discount: rounded down on the total, spread by line amount. */
function tierStep(input: PricingInput, lines: PricedLine[], trace: TraceStep[]) {
  const tier = input.member?.tier;
  const bp = Math.min(10_000, (tier?.discount_bp ?? 0) + (input.member?.extra_discount_bp ?? 0));
  if (!input.member || bp === 0) return;
  const open = input.lines.map((l) => l.tier_discountable);
  const weights = lines.map((l, i) => (open[i] ? l.due_fen : 0));
  const off = bpOf(sum(weights), bp);
  share(off, weights).forEach((n, i) => {
    lines[i]!.tier_discount_fen = n;
    lines[i]!.due_fen -= n;
  });
  trace.push({ step: 'tier', tier_id: tier?.id ?? '', discount_bp: bp, discount_fen: off });
}

const couponLines = (lines: readonly PricedLine[]): CouponLine[] =>
  lines.map((l) => ({
    line_id: l.line_id,
    sku_id: l.sku_id,
    category: l.category,
    quantity: l.quantity,
    amount_fen: l.due_fen,
  }));

interface Refused {
  coupon_id: string;
  template_id: string;
  kind: string;
  code: string;
  params: Record<string, unknown>;
}

const notApplied = (o: Refused, selected: boolean): TraceStep => ({
  step: 'coupon_not_applied',
  coupon_id: o.coupon_id,
  template_id: o.template_id,
  kind: o.kind,
  selected,
  code: o.code,
  params: o.params,
});

/**
 * Selected coupons in stacking order; each refusal is a problem and a trace line. Every
 * other held coupon is tried against what is left, so the trace says why it was not used
 * (`coupon.not_selected` with its discount when it would have applied).
 */
function couponStep(
  input: PricingInput,
  lines: PricedLine[],
  trace: TraceStep[],
  problems: Problem[],
  now: Date,
) {
  const selected = input.held_coupons.filter((h) =>
    input.selected_coupon_ids.includes(h.coupon.id),
  );
  const order = {
    member_id: input.member?.id ?? null,
    store_id: input.store_id,
    lines: couponLines(lines),
  };
  const zone = input.settings.earn.time_zone;
  const result = applyCoupons(selected, order, now, zone);
  for (const o of result.outcomes) {
    if (!o.ok) {
      trace.push(notApplied(o, true));
      problems.push({
        code: o.code,
        field: 'coupons',
        params: { coupon_id: o.coupon_id, ...o.params },
      });
      continue;
    }
    trace.push({
      step: 'coupon',
      coupon_id: o.coupon_id,
      template_id: o.template_id,
      kind: o.kind,
      discount_fen: o.discount_fen,
    });
    for (const d of o.lines) {
      const line = lines.find((l) => l.line_id === d.line_id)!;
      line.coupons.push({ coupon_id: o.coupon_id, discount_fen: d.discount_fen });
      line.coupon_discount_fen += d.discount_fen;
      line.due_fen -= d.discount_fen;
    }
  }
  const after = { ...order, lines: couponLines(lines) };
  for (const h of input.held_coupons) {
    if (input.selected_coupon_ids.includes(h.coupon.id)) continue;
    const ids = {
      coupon_id: h.coupon.id,
      template_id: h.template.id,
      kind: h.template.benefit.kind,
    };
    const clash = stackConflict(h.template, result.applied);
    const r = clash
      ? {
          ok: false as const,
          code: 'coupon.not_stackable_with' as const,
          params: { coupon_id: clash.coupon.id, kind: clash.template.benefit.kind },
        }
      : couponDiscount(h.template, h.coupon, after, now, zone);
    const o: Refused = r.ok
      ? { ...ids, code: 'coupon.not_selected', params: { discount_fen: r.discount_fen } }
      : { ...ids, code: r.code, params: r.params };
    trace.push(notApplied(o, false));
  }
  return result.applied.map((h) => h.coupon.id);
}

/**
 * Points as payment, in whole units, at most `max_share_bp` of what is left after coupons
 * (a request above the cap is cut to it, shown in the trace); spread over lines by what is
 * left of each, and the points themselves in proportion to those fen.
 */
function pointsStep(
  input: PricingInput,
  lines: PricedLine[],
  trace: TraceStep[],
  problems: Problem[],
) {
  const requested = input.points_to_use;
  if (requested === 0) return;
  const setting = input.settings.points_deduction;
  if (!input.member || !setting) {
    problems.push({ code: 'checkout.points_not_accepted', field: 'points_to_use', params: {} });
    return;
  }
  const balance = input.member.points_balance;
  if (requested > balance) {
    problems.push({
      code: 'points.insufficient',
      field: 'points_to_use',
      params: { available: balance },
    });
    return;
  }
  const left = sum(lines.map((l) => l.due_fen));
  const capFen = bpOf(left, setting.max_share_bp);
  const units = Math.min(
    Math.floor(requested / setting.points_per_unit),
    Math.floor(capFen / setting.fen_per_unit),
  );
  const fen = units * setting.fen_per_unit;
  const points = units * setting.points_per_unit;
  const fenShares = share(
    fen,
    lines.map((l) => l.due_fen),
  );
  const pointShares = share(points, fenShares);
  lines.forEach((l, i) => {
    l.points_deduction_fen = fenShares[i]!;
    l.points_used = pointShares[i]!;
    l.due_fen -= fenShares[i]!;
  });
  trace.push({ step: 'points', requested, points, discount_fen: fen, cap_fen: capFen });
}

const total = (lines: readonly PricedLine[], key: keyof PricedLine) =>
  sum(lines.map((l) => l[key] as number));

/**
 * Prices an order in the decided order (PRODUCT.md): tier discount → coupons (stacking
 * order) → points deduction → stored value → other tenders, then points and growth earned.
 * Pure: the quote returns it as is, the commit refuses with its first problem and records
 * every amount of it, per order and per line, so a refund can reverse exactly.
 */
export function priceOrder(input: PricingInput, now: Date): PricedOrder {
  const lines = startLines(input.lines);
  const trace: TraceStep[] = [];
  const problems: Problem[] = [];
  tierStep(input, lines, trace);
  const applied = couponStep(input, lines, trace, problems, now);
  pointsStep(input, lines, trace, problems);
  paymentStep(input, lines, trace, problems);
  earnStep(input, lines, trace, now);
  return {
    amount_fen: total(lines, 'amount_fen'),
    tier_discount_fen: total(lines, 'tier_discount_fen'),
    coupon_discount_fen: total(lines, 'coupon_discount_fen'),
    points_used: total(lines, 'points_used'),
    points_deduction_fen: total(lines, 'points_deduction_fen'),
    due_fen: total(lines, 'due_fen'),
    principal_fen: total(lines, 'principal_fen'),
    bonus_fen: total(lines, 'bonus_fen'),
    tender_fen: total(lines, 'tender_fen'),
    points_earned: total(lines, 'points_earned'),
    growth: total(lines, 'growth'),
    applied_coupon_ids: applied,
    lines,
    trace,
    problems,
  };
}
