import type { Db, Trx } from '../../db/database.ts';
import { DomainError, errorMessage } from '../../lib/errors.ts';
import { localDateOf } from '../../lib/time.ts';
import { loadOrderSkus } from '../catalogue/catalogue.service.ts';
import {
  type OrderLineInput,
  type PricedOrder,
  type PricingInput,
  type PricingMember,
  priceOrder,
} from '../checkout/pricing.rules.ts';
import type { Ctx } from '../context.ts';
import type { HeldCoupon } from '../coupons/coupon.rules.ts';
import { templateOf } from '../coupons/coupon.service.ts';
import { getMemberRow } from '../members/member.service.ts';
import { currentPeriod } from '../membership/membership.rules.ts';
import { listPeriods } from '../membership/membership.service.ts';
import { pointsBalance } from '../points/points-lot.service.ts';
import { campaignsBetween, getPointsSetting } from '../points/points-setting.service.ts';
import { getMerchant } from '../tenancy/merchant.service.ts';
import { assertStoreExists } from '../tenancy/store.service.ts';
import { getTierSetting, listTiers } from '../tiers/tier.service.ts';
import { spendableBonus } from '../wallet/wallet.rules.ts';
import { lockWallet, readWalletState, type WalletState } from '../wallet/wallet.service.ts';
import { getWalletSetting } from '../wallet/wallet-setting.service.ts';
import { getCheckoutSetting, pointsDeduction } from './checkout-setting.service.ts';
import type { QuoteBody } from './order.schema.ts';

export interface NamedLine extends OrderLineInput {
  name: string;
}

export interface PricingContext {
  input: PricingInput;
  lines: NamedLine[];
  clawback_policy: 'debt' | 'reduce_refund';
  /** the wallet's lock state, read under the member lock when the caller commits */
  wallet: { password_threshold_fen: number | null; locked_until: Date | null } | null;
}

/** Catalogue lines take the catalogue's name, category and price; ad-hoc lines bring them. */
async function resolveLines(db: Db | Trx, ctx: Ctx, body: QuoteBody): Promise<NamedLine[]> {
  const skuIds = body.lines.flatMap((l) => ('sku_id' in l ? [l.sku_id] : []));
  const skus = skuIds.length ? await loadOrderSkus(db, ctx, skuIds, body.store_id) : new Map();
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

async function heldCoupons(db: Db | Trx, ctx: Ctx, memberId: string): Promise<HeldCoupon[]> {
  const rows = await db
    .selectFrom('coupon as c')
    .innerJoin('coupon_template as t', (j) =>
      j.onRef('t.merchant_id', '=', 'c.merchant_id').onRef('t.id', '=', 'c.template_id'),
    )
    .selectAll('t')
    .select([
      'c.id as coupon_id',
      'c.status as coupon_status',
      'c.valid_from',
      'c.valid_until',
      'c.uses_left',
    ])
    .where('c.merchant_id', '=', ctx.merchantId)
    .where('c.member_id', '=', memberId)
    .where('c.status', '=', 'issued')
    .orderBy('c.valid_until')
    .limit(100)
    .execute();
  return rows.map((r) => ({
    template: templateOf(r),
    coupon: {
      id: r.coupon_id,
      template_id: r.id,
      member_id: memberId,
      status: r.coupon_status,
      valid_from: r.valid_from,
      valid_until: r.valid_until,
      uses_left: r.uses_left,
    },
  }));
}

/** Coupons named in the body that the member does not hold are refused by name. */
async function checkSelectedCoupons(
  db: Db | Trx,
  ctx: Ctx,
  memberId: string | null,
  held: readonly HeldCoupon[],
  selected: readonly string[],
) {
  for (const [i, id] of selected.entries()) {
    if (held.some((h) => h.coupon.id === id)) continue;
    const row = await db
      .selectFrom('coupon')
      .select(['member_id', 'status', 'uses_left'])
      .where('merchant_id', '=', ctx.merchantId)
      .where('id', '=', id)
      .executeTakeFirst();
    const field = `coupon_ids.${i}`;
    if (!row) throw new DomainError('coupon.not_found', { field });
    if (row.member_id !== memberId) throw new DomainError('coupon.wrong_member', { field });
    if (row.status === 'void') throw new DomainError('coupon.void', { field });
    if (row.status === 'expired') throw new DomainError('coupon.expired', { field });
    throw new DomainError('coupon.already_redeemed', { field });
  }
}

async function pricingMember(
  db: Db | Trx,
  ctx: Ctx,
  memberId: string,
  wallet: WalletState,
): Promise<PricingMember> {
  const member = await getMemberRow(db, ctx, memberId, 'member_id');
  if (member.status !== 'active')
    throw new DomainError('member.not_active', { params: { status: member.status } });
  const loyalty = await db
    .selectFrom('member_loyalty')
    .select('tier_id')
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', memberId)
    .executeTakeFirst();
  const tier = (await listTiers(db, ctx)).find((t) => t.id === loyalty?.tier_id) ?? null;
  const spendable = spendableBonus(wallet.bonus_ledger_fen, wallet.parts, ctx.now);
  const paid = currentPeriod(await listPeriods(db, ctx, memberId), ctx.now);
  return {
    id: member.id,
    birthday: member.birthday,
    tier,
    extra_discount_bp: paid?.benefits.extra_discount_bp ?? 0,
    points_balance: await pointsBalance(db, ctx, memberId),
    wallet: { principal_fen: wallet.principal_fen, bonus_fen: spendable.total_fen },
  };
}

/**
 * Everything the pricing pipeline reads, from the database. With `trx` given the member is
 * locked first (the lock every wallet and points change takes), so the commit prices exactly
 * what it will then post.
 */
export async function loadPricing(
  db: Db | Trx,
  ctx: Ctx,
  body: QuoteBody,
  lockIn?: Trx,
): Promise<PricingContext> {
  await assertStoreExists(db, ctx, body.store_id, 'store_id');
  const memberId = body.member_id ?? null;
  const locked =
    memberId && lockIn
      ? await lockWallet(lockIn, ctx, memberId).catch((e: unknown) => {
          if (e instanceof DomainError && e.code === 'member.not_found')
            throw new DomainError('member.not_found', { field: 'member_id' });
          throw e;
        })
      : null;
  const wallet = locked?.state ?? (memberId ? await readWalletState(db, ctx, memberId) : null);
  const [lines, points, tierSetting, checkout, walletSetting, merchant] = await Promise.all([
    resolveLines(db, ctx, body),
    getPointsSetting(db, ctx),
    getTierSetting(db, ctx),
    getCheckoutSetting(db, ctx),
    getWalletSetting(db, ctx),
    getMerchant(db, ctx),
  ]);
  const today = localDateOf(ctx.now, merchant.time_zone);
  const member = memberId && wallet ? await pricingMember(db, ctx, memberId, wallet) : null;
  const held = memberId ? await heldCoupons(db, ctx, memberId) : [];
  const selected = body.coupon_ids ?? [];
  await checkSelectedCoupons(db, ctx, memberId, held, selected);
  const input: PricingInput = {
    store_id: body.store_id,
    lines,
    member,
    held_coupons: held,
    selected_coupon_ids: selected,
    points_to_use: body.points_to_use ?? 0,
    stored_value_fen: body.stored_value_fen ?? 0,
    tenders: body.tenders ?? [],
    settings: {
      spending_order: locked?.spending_order ?? walletSetting.spending_order,
      points_deduction: pointsDeduction(checkout),
      earn: {
        default_fen_per_point: points.default_fen_per_point,
        categories: points.categories,
        campaigns: await campaignsBetween(db, ctx, today, today),
        time_zone: merchant.time_zone,
      },
      principal_earns: checkout.principal_earns,
      bonus_earns: checkout.bonus_earns,
      fen_per_growth: tierSetting.fen_per_growth || null,
    },
  };
  return {
    input,
    lines,
    clawback_policy: checkout.clawback_policy,
    wallet: locked,
  };
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
