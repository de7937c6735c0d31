import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { addDays, startOfLocalDay } from '../../lib/time.ts';
import type { Ctx } from '../context.ts';
import { getMerchant } from '../tenancy/merchant.service.ts';

export interface SharerRow {
  member_id: string;
  card_no: string;
  name: string | null;
  referees: number;
  orders: number;
  sales_fen: number;
  commission_fen: number;
  points: number;
  /** bonus commission its reversals could not take back: the sharer had spent it */
  unrecovered_fen: number;
}

export interface StoreRow {
  store_id: string;
  store_name: string;
  bound: number;
  orders: number;
  sales_fen: number;
  commission_fen: number;
  points: number;
  unrecovered_fen: number;
}

/**
 * Referral results between two local dates (inclusive): per sharer, the customers bound and
 * the commissioned orders, their sales and the commission net of reversals; per store, the
 * customers bound there and the commission on orders paid there.
 */
export async function referralReport(db: Db, ctx: Ctx, range: { from: string; to: string }) {
  const zone = (await getMerchant(db, ctx)).time_zone;
  const since = startOfLocalDay(range.from, zone);
  const until = startOfLocalDay(addDays(range.to, 1), zone);
  const m = ctx.merchantId;
  const sharers = await sql<SharerRow>`
    with c as (
      select referrer_id, count(*) filter (where reverses_id is null)::int as orders,
        coalesce(sum(amount_fen), 0)::int as commission_fen, coalesce(sum(points), 0)::int as points,
        coalesce(sum(unrecovered_fen), 0)::int as unrecovered_fen,
        array_agg(order_id) filter (where reverses_id is null) as order_ids
      from referral_commission
      where merchant_id = ${m} and created_at >= ${since} and created_at < ${until}
      group by referrer_id
    ), b as (
      select referrer_id, count(*)::int as referees from referral_binding
      where merchant_id = ${m} and status = 'bound' and bound_at >= ${since} and bound_at < ${until}
      group by referrer_id
    )
    select mem.id as member_id, mem.card_no, mem.name, coalesce(b.referees, 0) as referees,
      coalesce(c.orders, 0) as orders, coalesce(c.commission_fen, 0) as commission_fen,
      coalesce(c.points, 0) as points, coalesce(c.unrecovered_fen, 0) as unrecovered_fen,
      coalesce((select sum(o.due_fen) from sale_order o
        where o.merchant_id = ${m} and o.id = any (c.order_ids)), 0)::int as sales_fen
    from member mem
    left join c on c.referrer_id = mem.id
    left join b on b.referrer_id = mem.id
    where mem.merchant_id = ${m} and (c.referrer_id is not null or b.referrer_id is not null)
    order by commission_fen desc, referees desc, mem.id`.execute(db);
  const stores = await sql<StoreRow>`
    with c as (
      select rc.store_id, count(*) filter (where rc.reverses_id is null)::int as orders,
        coalesce(sum(rc.amount_fen), 0)::int as commission_fen,
        coalesce(sum(rc.points), 0)::int as points,
        coalesce(sum(rc.unrecovered_fen), 0)::int as unrecovered_fen,
        coalesce(sum(o.due_fen) filter (where rc.reverses_id is null), 0)::int as sales_fen
      from referral_commission rc
      join sale_order o on o.merchant_id = rc.merchant_id and o.id = rc.order_id
      where rc.merchant_id = ${m} and rc.created_at >= ${since} and rc.created_at < ${until}
      group by rc.store_id
    ), b as (
      select store_id, count(*)::int as bound from referral_binding
      where merchant_id = ${m} and status = 'bound' and store_id is not null
        and bound_at >= ${since} and bound_at < ${until}
      group by store_id
    )
    select s.id as store_id, s.name as store_name, coalesce(b.bound, 0) as bound,
      coalesce(c.orders, 0) as orders, coalesce(c.sales_fen, 0) as sales_fen,
      coalesce(c.commission_fen, 0) as commission_fen, coalesce(c.points, 0) as points,
      coalesce(c.unrecovered_fen, 0) as unrecovered_fen
    from store s
    left join c on c.store_id = s.id
    left join b on b.store_id = s.id
    where s.merchant_id = ${m} and (c.store_id is not null or b.store_id is not null)
    order by s.name, s.id`.execute(db);
  return { from: range.from, to: range.to, sharers: sharers.rows, stores: stores.rows };
}
