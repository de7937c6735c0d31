import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Ctx } from '../context.ts';
import { POINTS_ENTRY_CLASS } from '../points/points-liability.service.ts';
import type { CouponsTile, DashboardRange, PointsTile, WalletTile } from './dashboard.schema.ts';
import { countedOrders } from './dashboard-sales.service.ts';

/** Members of the range's store (by home store); every member without one. */
const ofHomeStore = (ctx: Ctx, range: DashboardRange, memberId: ReturnType<typeof sql.ref>) =>
  range.store_id
    ? sql`and ${memberId} in (select h.id from member h
        where h.merchant_id = ${ctx.merchantId} and h.home_store_id = ${range.store_id})`
    : sql``;

/**
 * Recharges taken in the range (refunded ones not counted; the store that sold them) and the
 * stored value outstanding now, principal apart from bonus (the store's members by home store).
 */
export async function walletTile(db: Db, ctx: Ctx, range: DashboardRange): Promise<WalletTile> {
  const { rows } = await sql<Omit<WalletTile, 'range'>>`
    select r.recharges, r.recharge_fen, r.recharge_bonus_fen,
      b.outstanding_principal_fen, b.outstanding_bonus_fen
    from (
      select count(*)::int as recharges, coalesce(sum(price_fen), 0)::bigint as recharge_fen,
        coalesce(sum(bonus_fen), 0)::bigint as recharge_bonus_fen
      from recharge
      where merchant_id = ${ctx.merchantId} and status = 'completed'
        and created_at >= ${range.starts} and created_at < ${range.ends}
        ${range.store_id ? sql`and store_id = ${range.store_id}` : sql``}
    ) r
    cross join (
      select
        coalesce(sum(balance) filter (where ledger = 'principal'), 0)::bigint
          as outstanding_principal_fen,
        coalesce(sum(balance) filter (where ledger = 'bonus'), 0)::bigint as outstanding_bonus_fen
      from ledger_balance
      where merchant_id = ${ctx.merchantId} and ledger in ('principal', 'bonus') and balance <> 0
        ${ofHomeStore(ctx, range, sql.ref('member_id'))}
    ) b`.execute(db);
  const row = rows[0];
  if (!row) throw new Error('an aggregate returns one row');
  return { range, ...row };
}

/**
 * Points issued, spent and expired in the range as the liability report classes them (a
 * reversal counts against what it reverses, merges move points without issuing any), and the
 * points outstanding now: the sum of the members' balances.
 */
export async function pointsTile(db: Db, ctx: Ctx, range: DashboardRange): Promise<PointsTile> {
  const { rows } = await sql<Omit<PointsTile, 'range'>>`
    select
      coalesce(sum(e.amount) filter (where ${POINTS_ENTRY_CLASS} = 'issued'), 0)::bigint as issued,
      (0 - coalesce(sum(e.amount) filter (where ${POINTS_ENTRY_CLASS} = 'spent'), 0))::bigint
        as spent,
      (0 - coalesce(sum(e.amount) filter (where ${POINTS_ENTRY_CLASS} = 'expired'), 0))::bigint
        as expired,
      (select coalesce(sum(b.balance), 0)::bigint from ledger_balance b
        where b.merchant_id = ${ctx.merchantId} and b.ledger = 'points' and b.balance <> 0
          ${ofHomeStore(ctx, range, sql.ref('b.member_id'))}) as outstanding
    from ledger_entry e
    left join ledger_entry o on o.merchant_id = e.merchant_id and o.id = e.reverses_id
    where e.merchant_id = ${ctx.merchantId} and e.ledger = 'points'
      and e.created_at >= ${range.starts} and e.created_at < ${range.ends}
      ${ofHomeStore(ctx, range, sql.ref('e.member_id'))}`.execute(db);
  const row = rows[0];
  if (!row) throw new Error('an aggregate returns one row');
  return { range, ...row };
}

/**
 * The coupon funnel: coupons issued in the range per template (to the store's members by home
 * store) and how many of them have been used since (a use not restored by a refund); and the
 * coupon discount given on the counted orders paid in the range (in the store), with the net
 * sales of those orders.
 */
export async function couponsTile(db: Db, ctx: Ctx, range: DashboardRange): Promise<CouponsTile> {
  const { rows } = await sql<{
    template_id: string | null;
    name: string | null;
    issued: number;
    redeemed: number;
    discount_fen: number;
    coupon_orders: number;
    coupon_sales_fen: number;
  }>`
    with issued as (
      select c.template_id, count(*)::int as issued,
        (count(*) filter (where exists (
          select 1 from coupon_use u
          where u.merchant_id = c.merchant_id and u.coupon_id = c.id and u.restored_at is null
        )))::int as redeemed
      from coupon c
      where c.merchant_id = ${ctx.merchantId}
        and c.created_at >= ${range.starts} and c.created_at < ${range.ends}
        ${ofHomeStore(ctx, range, sql.ref('c.member_id'))}
      group by c.template_id
    ), discounts as (
      select coalesce(sum(o.coupon_discount_fen), 0)::bigint as discount_fen,
        count(*)::int as coupon_orders, coalesce(sum(o.net_fen), 0)::bigint as coupon_sales_fen
      from (${countedOrders(ctx, range)}) o
      where o.coupon_discount_fen > 0
    )
    select i.template_id, t.name, i.issued, i.redeemed, d.discount_fen, d.coupon_orders,
      d.coupon_sales_fen
    from discounts d
    left join issued i on true
    left join coupon_template t on t.merchant_id = ${ctx.merchantId} and t.id = i.template_id
    order by i.issued desc, t.name`.execute(db);
  const first = rows[0];
  if (!first) throw new Error('the discounts row is always there');
  const templates = rows.flatMap((r) =>
    r.template_id
      ? [{ template_id: r.template_id, name: r.name ?? '', issued: r.issued, redeemed: r.redeemed }]
      : [],
  );
  return {
    range,
    issued: templates.reduce((n, t) => n + t.issued, 0),
    redeemed: templates.reduce((n, t) => n + t.redeemed, 0),
    discount_fen: first.discount_fen,
    coupon_orders: first.coupon_orders,
    coupon_sales_fen: first.coupon_sales_fen,
    templates,
  };
}
