import { type Expression, sql } from 'kysely';
import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/postgres';
import { compiledOnce } from '../../db/compiled.ts';
import { PREPARED } from '../../db/connect.ts';
import type { Db, Trx } from '../../db/database.ts';
import { queries } from '../../db/write-set.ts';
import { DomainError } from '../../lib/errors.ts';
import { localDateOf } from '../../lib/time.ts';
import { checkSkuIds, type OrderSkuRow, orderSkusQuery } from '../catalogue/catalogue.service.ts';
import type { Ctx } from '../context.ts';
import type { HeldCoupon } from '../coupons/coupon.rules.ts';
import { templateOf } from '../coupons/coupon.service.ts';
import type { CouponTemplateRow } from '../coupons/coupon.table.ts';
import type { MemberRow } from '../members/member.table.ts';
import { periodsQuery } from '../membership/membership.service.ts';
import type { PaidMembershipRow } from '../membership/membership.table.ts';
import type { PointsCampaignRow, PointsLotRow, PointsSettingRow } from '../points/points.table.ts';
import { liveLotsQuery, pointsBalanceQuery } from '../points/points-lot.service.ts';
import {
  campaignsBetweenQuery,
  defaultPointsSetting,
  pointsSettingQuery,
} from '../points/points-setting.service.ts';
import { getMerchant } from '../tenancy/merchant.service.ts';
import { defaultTierSetting, tierSettingQuery, tiersQuery } from '../tiers/tier.service.ts';
import type { MemberLoyaltyRow, TierRow, TierSettingRow } from '../tiers/tier.table.ts';
import { type StateRow, toState, type WalletState } from '../wallet/wallet.service.ts';
import { DEFAULT_WALLET_SETTING } from '../wallet/wallet-setting.rules.ts';
import { walletSettingQuery } from '../wallet/wallet-setting.service.ts';
import {
  type CheckoutSetting,
  checkoutSettingQuery,
  DEFAULT_CHECKOUT_SETTING,
} from './checkout-setting.service.ts';
import type { QuoteBody } from './order.schema.ts';

/** Rows read as JSON carry their instants as strings; these turn them back into Dates. */
function withDates<T>(row: T, keys: readonly (keyof T)[]): T {
  const out = { ...row };
  for (const k of keys) {
    const v = out[k] as unknown;
    if (typeof v === 'string') (out as Record<keyof T, unknown>)[k] = new Date(v);
  }
  return out;
}

const heldCouponsQuery = (db: Db, ctx: Ctx, memberId: string) =>
  db
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
    .limit(100);

type HeldRow = CouponTemplateRow & {
  coupon_id: string;
  coupon_status: HeldCoupon['coupon']['status'];
  valid_from: string;
  valid_until: string;
  uses_left: number;
};

const heldOf = (rows: readonly HeldRow[], memberId: string): HeldCoupon[] =>
  rows.map((r) => ({
    template: templateOf(r),
    coupon: {
      id: r.coupon_id,
      template_id: r.id,
      member_id: memberId,
      status: r.coupon_status,
      valid_from: new Date(r.valid_from),
      valid_until: new Date(r.valid_until),
      uses_left: r.uses_left,
    },
  }));

interface SelectedRow {
  id: string;
  member_id: string;
  status: string;
}

/** Coupons named in the body that the member does not hold are refused by name. */
function checkSelectedCoupons(
  memberId: string | null,
  held: readonly HeldCoupon[],
  selected: readonly string[],
  rows: readonly SelectedRow[],
) {
  for (const [i, id] of selected.entries()) {
    if (held.some((h) => h.coupon.id === id)) continue;
    const row = rows.find((r) => r.id === id);
    const field = `coupon_ids.${i}`;
    if (!row) throw new DomainError('coupon.not_found', { field });
    if (row.member_id !== memberId) throw new DomainError('coupon.wrong_member', { field });
    if (row.status === 'void') throw new DomainError('coupon.void', { field });
    if (row.status === 'expired') throw new DomainError('coupon.expired', { field });
    throw new DomainError('coupon.already_redeemed', { field });
  }
}

export interface CheckoutMember {
  row: MemberRow;
  loyalty: MemberLoyaltyRow | null;
  periods: PaidMembershipRow[];
  points_balance: number;
  wallet: WalletState;
  held: HeldCoupon[];
  /** read for a commit only (the caller holds the member and lot locks) */
  lots: PointsLotRow[];
  password_locked_until: Date | null;
}

export interface CheckoutRead {
  time_zone: string;
  today: string;
  points: PointsSettingRow;
  tiers: TierRow[];
  tier_setting: TierSettingRow;
  checkout: CheckoutSetting;
  wallet_setting: typeof DEFAULT_WALLET_SETTING;
  campaigns: PointsCampaignRow[];
  skus: OrderSkuRow[];
  member: CheckoutMember | null;
  referral_active: boolean;
  /** the commit's order number, drawn from the sequence (0 for a quote) */
  order_number: number;
}

/**
 * The read, compiled once per shape (`compiledOnce`): parts a guest, a quote or an order
 * without SKUs or chosen coupons does not need read null.
 */
const checkoutQuery = compiledOnce(
  (
    shape: { skus: boolean; member: boolean; selected: boolean; commit: boolean },
    v: {
      m: string;
      mid: string;
      storeId: string;
      today: string;
      skuIds: string[];
      selected: string[];
    },
  ) => {
    const db = queries;
    const ctx = { merchantId: v.m } as Ctx;
    const when = (need: boolean, expr: Expression<unknown>) => (need ? sql`${expr}` : sql`null`);
    const { member, commit } = shape;
    return db
      .selectNoFrom((eb) => [
        eb
          .exists(
            db
              .selectFrom('store')
              .select('id')
              .where('merchant_id', '=', v.m)
              .where('id', '=', v.storeId),
          )
          .as('store'),
        jsonObjectFrom(pointsSettingQuery(db, ctx)).as('points'),
        jsonObjectFrom(tierSettingQuery(db, ctx)).as('tier_setting'),
        jsonArrayFrom(tiersQuery(db, ctx)).as('tiers'),
        jsonObjectFrom(checkoutSettingQuery(db, ctx)).as('checkout'),
        jsonObjectFrom(walletSettingQuery(db, ctx)).as('wallet_setting'),
        jsonArrayFrom(campaignsBetweenQuery(db, ctx, v.today, v.today)).as('campaigns'),
        when(shape.skus, jsonArrayFrom(orderSkusQuery(db, ctx, v.skuIds, v.storeId))).as('skus'),
        when(
          member,
          jsonObjectFrom(
            db
              .selectFrom('member')
              .selectAll()
              .where('merchant_id', '=', v.m)
              .where('id', '=', v.mid),
          ),
        ).as('member'),
        when(
          member,
          jsonObjectFrom(
            db
              .selectFrom('member_loyalty')
              .selectAll()
              .where('merchant_id', '=', v.m)
              .where('member_id', '=', v.mid),
          ),
        ).as('loyalty'),
        when(member, jsonArrayFrom(periodsQuery(db, ctx, v.mid))).as('periods'),
        when(member, pointsBalanceQuery(db, ctx, v.mid)).as('points_balance'),
        when(member, sql`(select to_json(w) from wallet_state(${v.m}::uuid, ${v.mid}::uuid) w)`).as(
          'wallet',
        ),
        when(member, jsonArrayFrom(heldCouponsQuery(db, ctx, v.mid))).as('held'),
        when(
          shape.selected,
          jsonArrayFrom(
            db
              .selectFrom('coupon')
              .select(['id', 'member_id', 'status'])
              .where('merchant_id', '=', v.m)
              .where(sql<boolean>`id = any(${v.selected}::uuid[])`),
          ),
        ).as('selected'),
        when(commit && member, jsonArrayFrom(liveLotsQuery(db, ctx, v.mid))).as('lots'),
        when(
          commit && member,
          db
            .selectFrom('payment_password')
            .select('locked_until')
            .where('merchant_id', '=', v.m)
            .where('member_id', '=', v.mid),
        ).as('password_locked_until'),
        when(
          commit,
          eb.exists(
            db
              .selectFrom('referral_setting')
              .select('merchant_id')
              .where('merchant_id', '=', v.m)
              .where('active', '=', true),
          ),
        ).as('referral_active'),
        when(commit, sql`nextval('sale_order_number')`).as('order_number'),
      ])
      .modifyFront(PREPARED);
  },
);

/**
 * Everything a checkout prices with, in one query: the settings, the lines' SKUs, the member,
 * their loyalty, paid membership, balances, bonus parts and held coupons, today's campaigns;
 * for a commit also the points lots, the payment password lock and whether referral pays. The
 * commit has locked the member (and the lots) in the statement before, so this statement's
 * snapshot sees what the previous holder of the lock committed.
 */
export async function readCheckout(
  db: Db | Trx,
  ctx: Ctx,
  body: QuoteBody,
  commit: boolean,
): Promise<CheckoutRead> {
  const zone = (await getMerchant(db, ctx)).time_zone;
  const today = localDateOf(ctx.now, zone);
  const memberId = body.member_id ?? null;
  const skuIds = [...new Set(body.lines.flatMap((l) => ('sku_id' in l ? [l.sku_id] : [])))];
  checkSkuIds(skuIds);
  const selected = body.coupon_ids ?? [];
  const m = ctx.merchantId;
  const shape = {
    skus: skuIds.length > 0,
    member: memberId !== null,
    selected: selected.length > 0,
    commit,
  };
  const values = { m, mid: memberId ?? '', storeId: body.store_id, today, skuIds, selected };
  const { rows } = await db.executeQuery(checkoutQuery(shape, values));
  const row = rows[0]!;
  if (!row.store) throw new DomainError('store.not_found', { field: 'store_id' });
  const r = row as unknown as Record<string, unknown>;
  const member = memberId ? checkoutMember(r, memberId, selected) : null;
  if (!memberId)
    checkSelectedCoupons(null, [], selected, (r.selected as SelectedRow[] | null) ?? []);
  return {
    time_zone: zone,
    today,
    points: (r.points as PointsSettingRow | null) ?? defaultPointsSetting(m, ctx.now),
    tiers: r.tiers as TierRow[],
    tier_setting: (r.tier_setting as TierSettingRow | null) ?? defaultTierSetting(m, ctx.now),
    checkout: (r.checkout as CheckoutSetting | null) ?? DEFAULT_CHECKOUT_SETTING,
    wallet_setting:
      (r.wallet_setting as typeof DEFAULT_WALLET_SETTING | null) ?? DEFAULT_WALLET_SETTING,
    campaigns: r.campaigns as PointsCampaignRow[],
    skus: (r.skus as CheckoutRead['skus'] | null) ?? [],
    member,
    referral_active: r.referral_active === true,
    order_number: Number(r.order_number ?? 0),
  };
}

function checkoutMember(
  r: Record<string, unknown>,
  memberId: string,
  selected: readonly string[],
): CheckoutMember {
  const row = r.member as MemberRow | null;
  if (!row) throw new DomainError('member.not_found', { field: 'member_id' });
  if (row.status !== 'active')
    throw new DomainError('member.not_active', { params: { status: row.status } });
  const held = heldOf(r.held as HeldRow[], memberId);
  checkSelectedCoupons(memberId, held, selected, (r.selected as SelectedRow[] | null) ?? []);
  const locked = r.password_locked_until as string | null;
  return {
    row,
    loyalty: r.loyalty as MemberLoyaltyRow | null,
    periods: (r.periods as PaidMembershipRow[]).map((p) =>
      withDates(p, ['starts_at', 'expires_at', 'created_at']),
    ),
    points_balance: (r.points_balance as number | null) ?? 0,
    wallet: toState(r.wallet as StateRow),
    held,
    lots: ((r.lots as PointsLotRow[] | null) ?? []).map((l) =>
      withDates(l, ['expires_at', 'created_at']),
    ),
    password_locked_until: locked === null ? null : new Date(locked),
  };
}

/**
 * The locks a commit takes before it reads, in the fixed order: the member row, then (when
 * points pay) the member's lots in id order, as a debit and the expiry job take them.
 */
export const checkoutLocks = (ctx: Ctx, memberId: string, lots: boolean) => sql<unknown>`
  select id from (
    select m.id from member m where m.merchant_id = ${ctx.merchantId} and m.id = ${memberId}
    for update of m) member${
      lots
        ? sql` union all select id from (
          select l.id from points_lot l
          where l.merchant_id = ${ctx.merchantId} and l.member_id = ${memberId} and l.remaining > 0
          order by l.id for update of l) lots`
        : sql``
    }`;
