import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { addMonths, startOfLocalDay } from '../../lib/time.ts';
import type { Ctx } from '../context.ts';
import { getMerchant } from '../tenancy/merchant.service.ts';
import type { SettlementRow } from './settlement.schema.ts';

/**
 * Stored value spent in `month` (local, YYYY-MM) per (sold store, spent store). Principal is
 * attributed first in, first out: each member's principal credits and debits are laid end to end
 * in time order, and a payment takes the credits its range overlaps (the balance never goes
 * negative, so it only ever takes earlier credits). Bonus is exact: each payment records the
 * bonus parts it took, and each part belongs to one recharge.
 */
export async function settlementReport(db: Db, ctx: Ctx, month: string): Promise<SettlementRow[]> {
  const zone = (await getMerchant(db, ctx)).time_zone;
  const from = startOfLocalDay(`${month}-01`, zone);
  const to = startOfLocalDay(addMonths(`${month}-01`, 1), zone);
  const mid = ctx.merchantId;
  const { rows } = await sql<{
    sold_store_id: string | null;
    spent_store_id: string | null;
    principal_fen: string;
    bonus_fen: string;
  }>`
    with payers as (
      select distinct member_id from wallet_payment
      where merchant_id = ${mid} and created_at >= ${from} and created_at < ${to}
    ),
    credits as (
      select e.member_id, r.store_id as sold_store_id,
        sum(e.amount) over w - e.amount as c_start, sum(e.amount) over w as c_end
      from ledger_entry e
      left join recharge r on r.merchant_id = e.merchant_id and e.kind = 'recharge'
        and e.ref_type = 'recharge' and r.id::text = e.ref_id
      where e.merchant_id = ${mid} and e.ledger = 'principal' and e.amount > 0
        and e.created_at < ${to} and e.member_id in (select member_id from payers)
      window w as (partition by e.member_id order by e.created_at, e.id)
    ),
    debits as (
      select e.member_id, e.created_at, e.ref_type, e.ref_id,
        sum(-e.amount) over w + e.amount as d_start, sum(-e.amount) over w as d_end
      from ledger_entry e
      where e.merchant_id = ${mid} and e.ledger = 'principal' and e.amount < 0
        and e.created_at < ${to} and e.member_id in (select member_id from payers)
      window w as (partition by e.member_id order by e.created_at, e.id)
    ),
    principal as (
      select c.sold_store_id, p.store_id as spent_store_id,
        sum(least(c.c_end, d.d_end) - greatest(c.c_start, d.d_start))::bigint as principal_fen
      from debits d
      join wallet_payment p on p.merchant_id = ${mid} and d.ref_type = 'wallet_payment'
        and p.id::text = d.ref_id
      join credits c on c.member_id = d.member_id and c.c_start < d.d_end and c.c_end > d.d_start
      where d.created_at >= ${from}
      group by 1, 2
    ),
    bonus as (
      select r.store_id as sold_store_id, p.store_id as spent_store_id,
        sum((u ->> 'amount_fen')::bigint)::bigint as bonus_fen
      from wallet_payment p
      cross join lateral jsonb_array_elements(p.bonus_parts) u
      join bonus_part b on b.merchant_id = p.merchant_id and b.id = (u ->> 'part_id')::uuid
      join recharge r on r.merchant_id = b.merchant_id and r.id = b.recharge_id
      where p.merchant_id = ${mid} and p.created_at >= ${from} and p.created_at < ${to}
      group by 1, 2
    )
    select sold_store_id, spent_store_id,
      sum(principal_fen)::text as principal_fen, sum(bonus_fen)::text as bonus_fen
    from (
      select sold_store_id, spent_store_id, principal_fen, 0 as bonus_fen from principal
      union all
      select sold_store_id, spent_store_id, 0, bonus_fen from bonus
    ) t
    group by 1, 2
  `.execute(db);
  const stores = new Map(
    (
      await db.selectFrom('store').select(['id', 'name']).where('merchant_id', '=', mid).execute()
    ).map((s) => [s.id, s.name]),
  );
  const name = (id: string | null) => (id ? (stores.get(id) ?? null) : null);
  return rows
    .map((r) => ({
      month,
      sold_store_id: r.sold_store_id,
      sold_store_name: name(r.sold_store_id),
      spent_store_id: r.spent_store_id,
      spent_store_name: name(r.spent_store_id),
      principal_fen: Number(r.principal_fen),
      bonus_fen: Number(r.bonus_fen),
    }))
    .filter((r) => r.principal_fen !== 0 || r.bonus_fen !== 0)
    .sort(
      (a, b) =>
        (a.sold_store_name ?? '').localeCompare(b.sold_store_name ?? '') ||
        (a.spent_store_name ?? '').localeCompare(b.spent_store_name ?? ''),
    );
}

const yuan = (fen: number) => (fen / 100).toFixed(2);

/** The report as CSV rows, header first (zh-CN headers: the settlement is read in Excel). */
export function settlementCsvRows(rows: SettlementRow[]): unknown[][] {
  return [
    ['月份', '售卡门店', '消费门店', '本金（元）', '赠送金（元）'],
    ...rows.map((r) => [
      r.month,
      r.sold_store_name ?? '未归属门店',
      r.spent_store_name ?? '未归属门店',
      yuan(r.principal_fen),
      yuan(r.bonus_fen),
    ]),
  ];
}
