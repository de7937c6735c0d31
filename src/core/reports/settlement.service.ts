import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { addMonths, startOfLocalDay } from '../../lib/time.ts';
import type { Ctx } from '../context.ts';
import { getMerchant } from '../tenancy/merchant.service.ts';
import type { SettlementRow } from './settlement.schema.ts';

/**
 * Stored value spent in `month` (local, YYYY-MM) per (sold store, spent store), net of what
 * refunds in the month gave back. Principal is attributed first in, first out: each member's
 * principal credits and debits are laid end to end in time order, and a payment takes the
 * credits its range overlaps (the balance never goes negative, so it only ever takes earlier
 * credits). Bonus is exact: each payment records the bonus parts it took, and each part belongs
 * to one recharge.
 *
 * A refund's return entries refer to the order refund, hence to the payment they reverse. Its
 * principal is the next stretch of the payment's range (after what earlier refunds of the order
 * returned): it counts negative for the stores that stretch was attributed to, and the credit
 * it makes carries the same attribution when spent again (resolved recursively, since that
 * stretch may itself be refunded principal). Its bonus is the next stretch of the payment's
 * part uses, negative for the recharges those parts belong to.
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
    with recursive members as (
      select member_id from wallet_payment
      where merchant_id = ${mid} and created_at >= ${from} and created_at < ${to}
      union
      select member_id from ledger_entry
      where merchant_id = ${mid} and kind = 'order_refund' and ledger in ('principal', 'bonus')
        and created_at >= ${from} and created_at < ${to}
    ),
    base as (
      select e.id, e.member_id, e.kind, e.ref_type, e.ref_id, e.created_at, e.amount,
        r.store_id as sold_store_id,
        sum(e.amount) over w - e.amount as c_start, sum(e.amount) over w as c_end
      from ledger_entry e
      left join recharge r on r.merchant_id = e.merchant_id and e.kind = 'recharge'
        and e.ref_type = 'recharge' and r.id::text = e.ref_id
      where e.merchant_id = ${mid} and e.ledger = 'principal' and e.amount > 0
        and e.created_at < ${to} and e.member_id in (select member_id from members)
      window w as (partition by e.member_id order by e.created_at, e.id)
    ),
    debits as (
      select e.member_id, e.created_at, e.ref_type, e.ref_id,
        sum(-e.amount) over w + e.amount as d_start, sum(-e.amount) over w as d_end
      from ledger_entry e
      where e.merchant_id = ${mid} and e.ledger = 'principal' and e.amount < 0
        and e.created_at < ${to} and e.member_id in (select member_id from members)
      window w as (partition by e.member_id order by e.created_at, e.id)
    ),
    refunds as (
      select f.id, f.order_id, f.created_at, o.wallet_payment_id,
        sum((f.amounts ->> 'principal_fen')::bigint) over w
          - (f.amounts ->> 'principal_fen')::bigint as principal_before,
        sum((f.amounts ->> 'bonus_fen')::bigint) over w
          - (f.amounts ->> 'bonus_fen')::bigint as bonus_before,
        (f.amounts ->> 'bonus_fen')::bigint as bonus_fen
      from order_refund f
      join sale_order o on o.merchant_id = f.merchant_id and o.id = f.order_id
      where f.merchant_id = ${mid} and f.created_at < ${to} and o.wallet_payment_id is not null
        and o.member_id in (select member_id from members)
      window w as (partition by f.order_id order by f.created_at, f.id)
    ),
    returned as (
      select c.id as credit_id, c.member_id, c.created_at, p.store_id as spent_store_id,
        d.d_start + f.principal_before as lo, d.d_start + f.principal_before + c.amount as hi
      from base c
      join refunds f on c.kind = 'order_refund' and c.ref_type = 'order_refund'
        and f.id::text = c.ref_id
      join wallet_payment p on p.merchant_id = ${mid} and p.id = f.wallet_payment_id
      join debits d on d.ref_type = 'wallet_payment' and d.ref_id = p.id::text
    ),
    seg (member_id, out_start, lo, hi, sold_store_id, done) as (
      select r.member_id, c.c_start, r.lo, r.hi, null::uuid, false
      from returned r join base c on c.id = r.credit_id
      union all
      select s.member_id, s.out_start + (greatest(b.c_start, s.lo) - s.lo),
        coalesce(r.lo + (greatest(b.c_start, s.lo) - b.c_start), greatest(b.c_start, s.lo)),
        coalesce(r.lo + (greatest(b.c_start, s.lo) - b.c_start), greatest(b.c_start, s.lo))
          + (least(b.c_end, s.hi) - greatest(b.c_start, s.lo)),
        b.sold_store_id, r.credit_id is null
      from seg s
      join base b on b.member_id = s.member_id and b.c_start < s.hi and b.c_end > s.lo
      left join returned r on r.credit_id = b.id
      where not s.done
    ),
    credits as (
      select member_id, sold_store_id, c_start, c_end from base
      where id not in (select credit_id from returned)
      union all
      select member_id, sold_store_id, out_start, out_start + (hi - lo) from seg where done
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
    principal_back as (
      select c.sold_store_id, r.spent_store_id,
        -sum(least(c.c_end, r.hi) - greatest(c.c_start, r.lo))::bigint as principal_fen
      from returned r
      join credits c on c.member_id = r.member_id and c.c_start < r.hi and c.c_end > r.lo
      where r.created_at >= ${from}
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
    ),
    bonus_back as (
      select r.store_id as sold_store_id, p.store_id as spent_store_id,
        -sum(least(u.at_end, f.bonus_before + f.bonus_fen) - greatest(u.at_start, f.bonus_before))
          ::bigint as bonus_fen
      from refunds f
      join wallet_payment p on p.merchant_id = ${mid} and p.id = f.wallet_payment_id
      cross join lateral (
        select (x.u ->> 'part_id')::uuid as part_id,
          sum((x.u ->> 'amount_fen')::bigint) over (order by x.i)
            - (x.u ->> 'amount_fen')::bigint as at_start,
          sum((x.u ->> 'amount_fen')::bigint) over (order by x.i) as at_end
        from jsonb_array_elements(p.bonus_parts) with ordinality x (u, i)
      ) u
      join bonus_part b on b.merchant_id = p.merchant_id and b.id = u.part_id
      join recharge r on r.merchant_id = b.merchant_id and r.id = b.recharge_id
      where f.created_at >= ${from} and f.bonus_fen > 0
        and u.at_start < f.bonus_before + f.bonus_fen and u.at_end > f.bonus_before
      group by 1, 2
    )
    select sold_store_id, spent_store_id,
      sum(principal_fen)::text as principal_fen, sum(bonus_fen)::text as bonus_fen
    from (
      select sold_store_id, spent_store_id, principal_fen, 0 as bonus_fen from principal
      union all
      select sold_store_id, spent_store_id, principal_fen, 0 from principal_back
      union all
      select sold_store_id, spent_store_id, 0, bonus_fen from bonus
      union all
      select sold_store_id, spent_store_id, 0, bonus_fen from bonus_back
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
