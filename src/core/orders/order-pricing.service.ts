import type { Db, Trx } from '../../db/database.ts';
import { errorMessage } from '../../lib/errors.ts';
import { type OrderSku, orderSkusOf } from '../catalogue/catalogue.service.ts';
import {
  type OrderLineInput,
  type PricedOrder,
  type PricingInput,
  type PricingMember,
  priceOrder,
} from '../checkout/pricing.rules.ts';
import type { Ctx } from '../context.ts';
import { currentPeriod } from '../membership/membership.rules.ts';
import { spendableBonus } from '../wallet/wallet.rules.ts';
import { type CheckoutRead, readCheckout } from './checkout-read.service.ts';
import { pointsDeduction } from './checkout-setting.service.ts';
import type { QuoteBody } from './order.schema.ts';

export interface NamedLine extends OrderLineInput {
  name: string;
}

export interface PricingContext {
  input: PricingInput;
  lines: NamedLine[];
  read: CheckoutRead;
}

/** Catalogue lines take the catalogue's name, category and price; ad-hoc lines bring them. */
function resolveLines(body: QuoteBody, read: CheckoutRead): NamedLine[] {
  const skuIds = [...new Set(body.lines.flatMap((l) => ('sku_id' in l ? [l.sku_id] : [])))];
  const skus = skuIds.length ? orderSkusOf(skuIds, read.skus) : new Map<string, OrderSku>();
  return body.lines.map((l, i) => {
    const line_id = String(i + 1);
    if ('sku_id' in l) {
      const sku = skus.get(l.sku_id)!;
      return {
        line_id,
        sku_id: sku.id,
        name: sku.name,
        category: sku.category,
        unit_price_fen: sku.price_fen,
        quantity: l.quantity,
        tier_discountable: sku.tier_discountable,
      };
    }
    return {
      line_id,
      sku_id: null,
      name: l.name,
      category: l.category,
      unit_price_fen: l.unit_price_fen,
      quantity: l.quantity,
      tier_discountable: l.tier_discountable ?? true,
    };
  });
}

function pricingMember(read: CheckoutRead, now: Date): PricingMember | null {
  const m = read.member;
  if (!m) return null;
  const tier = read.tiers.find((t) => t.id === m.loyalty?.tier_id) ?? null;
  const spendable = spendableBonus(m.wallet.bonus_ledger_fen, m.wallet.parts, now);
  const paid = currentPeriod(m.periods, now);
  return {
    id: m.row.id,
    birthday: m.row.birthday,
    tier,
    extra_discount_bp: paid?.benefits.extra_discount_bp ?? 0,
    points_balance: m.points_balance,
    wallet: { principal_fen: m.wallet.principal_fen, bonus_fen: spendable.total_fen },
  };
}

/**
 * Everything the pricing pipeline reads, from the database, in one query (`readCheckout`).
 * A commit has locked the member first (the lock every wallet and points change takes), so it
 * prices exactly what it will then post.
 */
export async function loadPricing(
  db: Db | Trx,
  ctx: Ctx,
  body: QuoteBody,
  commit = false,
): Promise<PricingContext> {
  const read = await readCheckout(db, ctx, body, commit);
  const lines = resolveLines(body, read);
  const { checkout, points } = read;
  const input: PricingInput = {
    store_id: body.store_id,
    lines,
    member: pricingMember(read, ctx.now),
    held_coupons: read.member?.held ?? [],
    selected_coupon_ids: body.coupon_ids ?? [],
    points_to_use: body.points_to_use ?? 0,
    stored_value_fen: body.stored_value_fen ?? 0,
    tenders: body.tenders ?? [],
    settings: {
      spending_order: read.wallet_setting.spending_order,
      points_deduction: pointsDeduction(checkout),
      earn: {
        default_fen_per_point: points.default_fen_per_point,
        categories: points.categories,
        campaigns: read.campaigns,
        time_zone: read.time_zone,
      },
      principal_earns: checkout.principal_earns,
      bonus_earns: checkout.bonus_earns,
      fen_per_growth: read.tier_setting.fen_per_growth || null,
    },
  };
  return { input, lines, read };
}

/** The quote: the priced order with each problem's message in the caller's language. */
export async function quoteOrder(db: Db, ctx: Ctx, body: QuoteBody) {
  const { input, lines } = await loadPricing(db, ctx, body);
  const priced = priceOrder(input, ctx.now);
  return presentPriced(priced, lines, ctx);
}

export function presentPriced(priced: PricedOrder, lines: readonly NamedLine[], ctx: Ctx) {
  return {
    ...priced,
    lines: priced.lines.map((l, i) => ({ ...l, name: lines[i]!.name })),
    problems: priced.problems.map((p) => ({ ...p, message: errorMessage(p.code, ctx.locale) })),
  };
}
