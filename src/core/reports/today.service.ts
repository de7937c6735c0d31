import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Ctx } from '../context.ts';
import { POINTS_ENTRY_CLASS } from '../points/points-liability.service.ts';
import type { TodayFigures } from './report.schema.ts';

/**
 * Today at a glance, "today" being the merchant's local day [00:00, next 00:00) in its time
 * zone: members registered (merged-away duplicates not counted), recharges taken, balance
 * payments, and points issued as the liability report counts them (reversals net out, merges
 * move rather than issue). One statement, one indexed pass per figure.
 */
export async function todayFigures(db: Db, ctx: Ctx): Promise<TodayFigures> {
  const { rows } = await sql<
    Omit<TodayFigures, 'recharges' | 'balance_payments'> & {
      recharge_count: number;
      recharge_fen: number;
      payment_count: number;
      payment_fen: number;
    }
  >`
    with zone as (
      select time_zone, date_trunc('day', ${ctx.now}::timestamptz at time zone time_zone) as midnight
      from merchant where id = ${ctx.merchantId}
    ), day as (
      select time_zone, to_char(midnight, 'YYYY-MM-DD') as date,
        midnight at time zone time_zone as starts,
        (midnight + interval '1 day') at time zone time_zone as ends
      from zone
    )
    select day.date, day.time_zone, day.starts as "from", day.ends as "to",
      (select count(*)::int from member m
        where m.merchant_id = ${ctx.merchantId} and m.status <> 'merged'
          and m.registered_at >= day.starts and m.registered_at < day.ends) as new_members,
      r.recharge_count, r.recharge_fen, p.payment_count, p.payment_fen,
      (select coalesce(sum(e.amount) filter (where ${POINTS_ENTRY_CLASS} = 'issued'), 0)::bigint
        from ledger_entry e
        left join ledger_entry o on o.merchant_id = e.merchant_id and o.id = e.reverses_id
        where e.merchant_id = ${ctx.merchantId} and e.ledger = 'points'
          and e.created_at >= day.starts and e.created_at < day.ends) as points_issued
    from day
    cross join lateral (
      select count(*)::int as recharge_count, coalesce(sum(price_fen), 0)::bigint as recharge_fen
      from recharge where merchant_id = ${ctx.merchantId}
        and created_at >= day.starts and created_at < day.ends) r
    cross join lateral (
      select count(*)::int as payment_count, coalesce(sum(amount_fen), 0)::bigint as payment_fen
      from wallet_payment where merchant_id = ${ctx.merchantId}
        and created_at >= day.starts and created_at < day.ends) p`.execute(db);
  const row = rows[0];
  if (!row) throw new Error(`merchant ${ctx.merchantId} not found`);
  const { recharge_count, recharge_fen, payment_count, payment_fen, ...figures } = row;
  return {
    ...figures,
    recharges: { count: recharge_count, amount_fen: recharge_fen },
    balance_payments: { count: payment_count, amount_fen: payment_fen },
  };
}
