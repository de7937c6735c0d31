import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { addDays, firstOfMonth, startOfLocalDay } from '../../lib/time.ts';
import type { Ctx } from '../context.ts';
import { getMerchant } from '../tenancy/merchant.service.ts';
import type { LiabilityReport } from './points.schema.ts';

interface Figures {
  issued: number;
  spent: number;
  expired: number;
  outstanding: number;
}

// How an entry counts: by the kind of the entry it reverses when it is a reversal (a refunded
// mall redemption lowers "spent", a reversed earning lowers "issued"); expiry apart; merges
// move points between members (and so between stores) without issuing or spending any.
export const POINTS_ENTRY_CLASS = sql`case
  when coalesce(o.kind, e.kind) = 'expire' then 'expired'
  when coalesce(o.kind, e.kind) in ('merge_in', 'merge_out') then 'moved'
  when coalesce(o.amount, e.amount) > 0 then 'issued'
  else 'spent' end`;

/**
 * Points liability per store (the member's home store) and local month of [from, to]:
 * issued, spent and expired in the month, and outstanding (the sum of every entry) at the
 * month's end — or at `to` for the last, partial month.
 */
export async function pointsLiability(
  db: Db,
  ctx: Ctx,
  range: { from: string; to: string },
): Promise<LiabilityReport> {
  if (range.to < range.from) throw new DomainError('points.dates_invalid', { field: 'to' });
  const zone = (await getMerchant(db, ctx)).time_zone;
  const start = startOfLocalDay(range.from, zone);
  const end = startOfLocalDay(addDays(range.to, 1), zone);
  const { rows } = await sql<{
    store_id: string | null;
    month: string | null;
    class: string;
    amount: number;
  }>`
    select m.home_store_id as store_id,
      case when e.created_at >= ${start}
        then to_char(e.created_at at time zone ${zone}, 'YYYY-MM') end as month,
      ${POINTS_ENTRY_CLASS} as class, sum(e.amount)::bigint as amount
    from ledger_entry e
    join member m on m.merchant_id = e.merchant_id and m.id = e.member_id
    left join ledger_entry o on o.merchant_id = e.merchant_id and o.id = e.reverses_id
    where e.merchant_id = ${ctx.merchantId} and e.ledger = 'points' and e.created_at < ${end}
    group by 1, 2, 3`.execute(db);
  const stores = await db
    .selectFrom('store')
    .select(['id', 'name'])
    .where('merchant_id', '=', ctx.merchantId)
    .execute();
  const months: string[] = [];
  for (let d = firstOfMonth(range.from); d <= range.to; d = firstOfMonth(d, 1))
    months.push(d.slice(0, 7));
  const storeIds = [...new Set(rows.map((r) => r.store_id))].sort((a, b) =>
    (a ?? '').localeCompare(b ?? ''),
  );
  const report: LiabilityReport['rows'] = [];
  const totals: Figures = { issued: 0, spent: 0, expired: 0, outstanding: 0 };
  for (const storeId of storeIds) {
    const mine = rows.filter((r) => r.store_id === storeId);
    // everything before the period is the opening outstanding
    let outstanding = mine.filter((r) => r.month === null).reduce((s, r) => s + r.amount, 0);
    for (const month of months) {
      const of = (c: string) =>
        mine.filter((r) => r.month === month && r.class === c).reduce((s, r) => s + r.amount, 0);
      const figures = { issued: of('issued'), spent: 0 - of('spent'), expired: 0 - of('expired') };
      outstanding += figures.issued - figures.spent - figures.expired + of('moved');
      report.push({
        store_id: storeId,
        store_name: stores.find((s) => s.id === storeId)?.name ?? null,
        month,
        ...figures,
        outstanding,
      });
      totals.issued += figures.issued;
      totals.spent += figures.spent;
      totals.expired += figures.expired;
    }
    totals.outstanding += outstanding;
  }
  return { from: range.from, to: range.to, time_zone: zone, rows: report, totals };
}
