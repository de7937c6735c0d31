import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Ctx } from '../context.ts';
import type {
  DashboardRange,
  KpiTile,
  SalesByDayTile,
  SalesByStoreTile,
} from './dashboard.schema.ts';

/**
 * The counted orders paid in the range (one store's when the range names one): status other
 * than refunded, each with its net spend (due minus the money refunded on it so far). Read from
 * sale_order_paid / sale_order_store_paid alone; only a partially refunded order looks up its
 * refunds.
 */
export function countedOrders(ctx: Ctx, range: DashboardRange) {
  return sql`
    select o.store_id, o.member_id, o.paid_at, o.coupon_discount_fen,
      o.due_fen - case when o.status = 'partially_refunded' then coalesce((
        select sum(r.money_fen) from order_refund r
        where r.merchant_id = o.merchant_id and r.order_id = o.id), 0) else 0 end as net_fen
    from sale_order o
    where o.merchant_id = ${ctx.merchantId}
      and o.paid_at >= ${range.starts} and o.paid_at < ${range.ends}
      and o.status <> 'refunded'
      ${range.store_id ? sql`and o.store_id = ${range.store_id}` : sql``}`;
}

/** Whole fen of `total / count` rounded down, or null for no count. */
export const perCount = (total: number, count: number): number | null =>
  count > 0 ? Math.floor(total / count) : null;

/**
 * The headline figures of the range: members registered (in the store, by home store), active
 * members (a counted order), repurchasers (two or more), orders, net sales and the average order.
 */
export async function kpiTile(db: Db, ctx: Ctx, range: DashboardRange): Promise<KpiTile> {
  const { rows } = await sql<Omit<KpiTile, 'range' | 'repurchase_rate_bp' | 'aov_fen'>>`
    with per_member as (
      select member_id, count(*)::int as n, sum(net_fen)::bigint as net_fen
      from (${countedOrders(ctx, range)}) o
      group by member_id
    )
    select
      (select count(*)::int from member m
        where m.merchant_id = ${ctx.merchantId} and m.status <> 'merged'
          and m.registered_at >= ${range.starts} and m.registered_at < ${range.ends}
          ${range.store_id ? sql`and m.home_store_id = ${range.store_id}` : sql``}
      ) as new_members,
      count(member_id)::int as active_members,
      (count(member_id) filter (where n >= 2))::int as repurchasers,
      coalesce(sum(n), 0)::int as orders,
      coalesce(sum(net_fen), 0)::bigint as sales_fen,
      coalesce(sum(n) filter (where member_id is not null), 0)::int as member_orders,
      coalesce(sum(net_fen) filter (where member_id is not null), 0)::bigint as member_sales_fen
    from per_member`.execute(db);
  const row = rows[0];
  if (!row) throw new Error('an aggregate returns one row');
  return {
    range,
    ...row,
    repurchase_rate_bp:
      row.active_members > 0 ? Math.floor((row.repurchasers * 10000) / row.active_members) : null,
    aov_fen: perCount(row.sales_fen, row.orders),
  };
}

/** Orders, net sales and buying members per local day of the range, days without sales too. */
export async function salesByDayTile(
  db: Db,
  ctx: Ctx,
  range: DashboardRange,
): Promise<SalesByDayTile> {
  const { rows } = await sql<SalesByDayTile['days'][number]>`
    with per_day as (
      select (o.paid_at at time zone ${range.time_zone})::date as date, count(*)::int as orders,
        sum(o.net_fen)::bigint as sales_fen, count(distinct o.member_id)::int as members
      from (${countedOrders(ctx, range)}) o
      group by 1
    )
    select to_char(d, 'YYYY-MM-DD') as date, coalesce(p.orders, 0) as orders,
      coalesce(p.sales_fen, 0)::bigint as sales_fen, coalesce(p.members, 0) as members
    from generate_series(${range.from}::date, ${range.to}::date, interval '1 day') d
    left join per_day p on p.date = d::date
    order by d`.execute(db);
  return { range, days: rows };
}

/** Orders, net sales, buying members and average order per store (every store, or the one). */
export async function salesByStoreTile(
  db: Db,
  ctx: Ctx,
  range: DashboardRange,
): Promise<SalesByStoreTile> {
  const { rows } = await sql<Omit<SalesByStoreTile['stores'][number], 'aov_fen'>>`
    with per_store as (
      select o.store_id, count(*)::int as orders, sum(o.net_fen)::bigint as sales_fen,
        count(distinct o.member_id)::int as members
      from (${countedOrders(ctx, range)}) o
      group by 1
    )
    select s.id as store_id, s.name as store_name, coalesce(p.orders, 0) as orders,
      coalesce(p.sales_fen, 0)::bigint as sales_fen, coalesce(p.members, 0) as members
    from store s
    left join per_store p on p.store_id = s.id
    where s.merchant_id = ${ctx.merchantId}
      ${range.store_id ? sql`and s.id = ${range.store_id}` : sql``}
    order by coalesce(p.sales_fen, 0) desc, s.name`.execute(db);
  return {
    range,
    stores: rows.map((r) => ({ ...r, aov_fen: perCount(r.sales_fen, r.orders) })),
  };
}
