import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import type { Ctx } from '../context.ts';
import { recordOrderFacts } from '../facts/member-fact.service.ts';
import { earnImported } from '../orders/order-import.service.ts';
import { getPointsSetting } from '../points/points-setting.service.ts';
import { sqlUuidV7 } from '../points/sql-uuid.ts';
import type { ImportJobRow } from './import.table.ts';
import type { CommitKind, CommitStep } from './import-commit.ts';

interface Inserted {
  id: string;
  member_id: string | null;
  paid_at: Date;
  due_fen: number;
  line_count: number;
}

/**
 * One batch of orders in one statement: the orders, then their lines from the staged rows,
 * every derived amount filled as an order without discounts (due = tender = amount). An order
 * already there (same channel and number) is skipped by its unique key, so a batch applied
 * twice, or the same file imported again, writes nothing. A member merged since the dry run
 * gives its order to the survivor (merges are flat); one erased since leaves a guest order.
 */
async function insertOrders(trx: Trx, ctx: Ctx, job: ImportJobRow, last: number) {
  const m = ctx.merchantId;
  const trace = JSON.stringify([{ step: 'history_import', import_job_id: job.id }]);
  const { rows } = await sql<Inserted>`
    with picked as (
      select o.*, case when mb.status = 'active' then mb.id
        when mb.status = 'merged' and sv.status = 'active' then sv.id end as member
      from import_order o
      left join member mb on mb.merchant_id = o.merchant_id and mb.id = o.member_id
      left join member sv on sv.merchant_id = o.merchant_id and sv.id = mb.merged_into_id
      where o.merchant_id = ${m} and o.job_id = ${job.id}
        and o.seq > ${job.committed_through_seq} and o.seq <= ${last} and not o.existing
    ),
    inserted as (
      insert into sale_order (merchant_id, id, number, channel, external_id, member_id, store_id,
        status, amount_fen, tier_discount_fen, coupon_discount_fen, points_used,
        points_deduction_fen, due_fen, principal_fen, bonus_fen, tender_fen, points_earned, growth,
        applied_coupon_ids, trace, paid_at, created_at)
      select ${m}, ${sqlUuidV7}, nextval('sale_order_number'), channel, external_id, member,
        store_id, 'paid', amount_fen, 0, 0, 0, 0, amount_fen, 0, 0, amount_fen, 0, 0, '{}',
        ${trace}::jsonb, paid_at, ${ctx.now}
      from (select * from picked order by seq) p
      on conflict (merchant_id, channel, external_id) do nothing
      returning id, channel, external_id, member_id, paid_at, due_fen
    ),
    lines as (
      insert into sale_order_line (merchant_id, order_id, line_id, sku_id, name, category,
        quantity, unit_price_fen, amount_fen, tier_discount_fen, coupon_discount_fen, coupons,
        points_used, points_deduction_fen, due_fen, principal_fen, bonus_fen, tender_fen,
        earn_base_fen, points_earned, growth)
      select ${m}, i.id, (row_number() over (partition by i.id order by r.line))::text, r.sku_id,
        coalesce(p.name || coalesce(nullif(' ' || s.spec, ' '), ''), c.name,
          nullif(r.category, ''), '历史订单'),
        r.category, r.quantity, a.fen / r.quantity, a.fen, 0, 0, '[]', 0, 0, a.fen, 0, 0, a.fen,
        a.fen, 0, 0
      from inserted i
      join import_order_row r on r.merchant_id = ${m} and r.job_id = ${job.id}
        and r.channel = i.channel and r.external_id = i.external_id
      cross join lateral (select coalesce(r.line_amount_fen, r.amount_fen) as fen) a
      left join sku s on s.merchant_id = ${m} and s.id = r.sku_id
      left join product p on p.merchant_id = ${m} and p.id = s.product_id
      left join product_category c on c.merchant_id = ${m} and c.code = r.category
      returning order_id
    )
    select i.id, i.member_id, i.paid_at, i.due_fen,
      (select count(*) from lines)::int as line_count
    from inserted i`.execute(trx);
  return rows;
}

/**
 * Points and growth through the same path as online orders, only when the job says `award`
 * and only for orders paid within the merchant's earn back-date window (older ones earn
 * nothing: the points rules refuse them as they would refuse a late online order).
 */
async function award(trx: Trx, ctx: Ctx, orders: Inserted[]): Promise<number> {
  const setting = await getPointsSetting(trx, ctx);
  const earliest = ctx.now.getTime() - setting.earn_backdate_days * 86_400_000;
  const due = orders.filter((o) => o.member_id && o.due_fen > 0 && o.paid_at.getTime() >= earliest);
  if (due.length === 0) return 0;
  const lines = await trx
    .selectFrom('sale_order_line')
    .select(['order_id', 'line_id', 'category', 'earn_base_fen'])
    .where('merchant_id', '=', ctx.merchantId)
    .where(
      'order_id',
      'in',
      due.map((o) => o.id),
    )
    .orderBy('order_id')
    .orderBy('line_id')
    .execute();
  for (const o of due) {
    const own = lines.filter((l) => l.order_id === o.id);
    await earnImported(trx, ctx, o.member_id!, o.id, { lines: own }, o.paid_at);
  }
  return due.length;
}

async function commitOrderBatch(
  trx: Trx,
  ctx: Ctx,
  job: ImportJobRow,
  size: number,
): Promise<CommitStep | undefined> {
  const { rows } = await sql<{ last: number | null; rows: number }>`
    select max(seq)::int as last, coalesce(sum(row_count), 0)::int as rows from (
      select seq, row_count from import_order
      where merchant_id = ${ctx.merchantId} and job_id = ${job.id}
        and seq > ${job.committed_through_seq}
      order by seq limit ${size}) b`.execute(trx);
  const last = rows[0]?.last;
  if (!last) return undefined;
  const inserted = await insertOrders(trx, ctx, job, last);
  // A statement of its own, after the orders' foreign keys have share-locked their members: a
  // checkout locks its member before its facts, so this batch takes the two in the same order.
  await recordOrderFacts(
    trx,
    ctx,
    inserted.filter((o) => o.member_id).map((o) => o.id),
  );
  const awarded = job.award ? await award(trx, ctx, inserted) : 0;
  return {
    lastSeq: last,
    rows: rows[0]!.rows,
    counts: {
      members_created: 0,
      members_filled: 0,
      identities_linked: 0,
      entries_posted: 0,
      orders_created: inserted.length,
      lines_created: inserted[0]?.line_count ?? 0,
      orders_awarded: awarded,
    },
  };
}

export const orderCommit: CommitKind = {
  prepare: async () => {},
  batch: commitOrderBatch,
  complete: async () => {},
  tables: [
    'sale_order',
    'sale_order_line',
    'member_fact',
    'member_store_fact',
    'member_category_fact',
  ],
};
