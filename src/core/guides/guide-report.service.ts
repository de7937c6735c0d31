import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { addDays, firstOfMonth, localDateOf, startOfLocalDay } from '../../lib/time.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { getMerchant } from '../tenancy/merchant.service.ts';
import { getOwnRow } from '../tenant-row.ts';
import type { GuideReportQuery, GuideSettingBody } from './guide.schema.ts';

/**
 * A member's counted order paid within this many days after a guide reached them is the
 * guide's (docs/guides.md), unless the merchant set another window.
 */
export const ATTRIBUTION_DAYS = 7;

export async function getGuideSetting(db: Db | Trx, ctx: Ctx) {
  const row = await db
    .selectFrom('guide_setting')
    .select('attribution_days')
    .where('merchant_id', '=', ctx.merchantId)
    .executeTakeFirst();
  return { attribution_days: row?.attribution_days ?? ATTRIBUTION_DAYS };
}

export async function putGuideSetting(trx: Trx, ctx: Ctx, input: GuideSettingBody) {
  const before = await getGuideSetting(trx, ctx);
  await trx
    .insertInto('guide_setting')
    .values({
      merchant_id: ctx.merchantId,
      attribution_days: input.attribution_days,
      updated_at: ctx.now,
    })
    .onConflict((oc) =>
      oc
        .column('merchant_id')
        .doUpdateSet({ attribution_days: input.attribution_days, updated_at: ctx.now }),
    )
    .execute();
  const after = { attribution_days: input.attribution_days };
  await recordAudit(trx, ctx, {
    action: 'guide.setting_update',
    entityType: 'merchant',
    entityId: ctx.merchantId,
    before,
    after,
  });
  return after;
}

interface Figures {
  tasks: number;
  done: number;
  done_rate_bp: number;
  reached_members: number;
  attributed_orders: number;
  attributed_revenue_fen: number;
}

/**
 * Per guide and per guide's store, over the tasks due between two local dates (inclusive, not
 * cancelled): tasks, done, done rate, members reached (a done task whose outcome is not
 * no_answer) and the orders attributed to them. An order is attributed to the latest reaching
 * task of the report before it within the attribution window (so to one guide only), computed now from
 * sale_order.paid_at; it counts unless fully refunded, at its due amount net of refunds.
 */
export async function guideReport(db: Db, ctx: Ctx, query: GuideReportQuery) {
  const zone = (await getMerchant(db, ctx)).time_zone;
  const today = localDateOf(ctx.now, zone);
  const from = query.from ?? firstOfMonth(today);
  const to = query.to ?? today;
  if (to < from) throw new DomainError('guide.range_invalid', { field: 'to' });
  if (query.store_id)
    await getOwnRow(db, ctx, 'store', query.store_id, 'store.not_found', 'store_id');
  const { attribution_days: windowDays } = await getGuideSetting(db, ctx);
  const since = startOfLocalDay(from, zone);
  const until = startOfLocalDay(addDays(to, 1), zone);
  const m = ctx.merchantId;
  const base = sql`
    with tk as (
      select t.id, t.staff_id, s.store_id, t.member_id, t.status, t.done_at,
        t.status = 'done' and t.outcome <> 'no_answer' as reached
      from guide_task t
      join staff s on s.merchant_id = t.merchant_id and s.id = t.staff_id
      where t.merchant_id = ${m} and t.status <> 'cancelled'
        and t.due_at >= ${since} and t.due_at < ${until}
        ${query.store_id ? sql`and s.store_id = ${query.store_id}` : sql``}
    ), att as (
      select distinct on (o.id) o.id, tk.staff_id, tk.store_id,
        o.due_fen - coalesce((select sum(r.money_fen) from order_refund r
          where r.merchant_id = ${m} and r.order_id = o.id), 0) as net_fen
      from tk
      join sale_order o on o.merchant_id = ${m} and o.member_id = tk.member_id
        and o.paid_at >= tk.done_at
        and o.paid_at < tk.done_at + make_interval(days => ${windowDays})
      where tk.reached and o.status <> 'refunded'
      order by o.id, tk.done_at desc, tk.id desc
    )`;
  const figures = (key: 'staff_id' | 'store_id') => sql`
    select count(*)::int as tasks,
      count(*) filter (where status = 'done')::int as done,
      coalesce(count(*) filter (where status = 'done') * 10000 / nullif(count(*), 0), 0)::int
        as done_rate_bp,
      count(distinct member_id) filter (where reached)::int as reached_members,
      (select count(*) from att where att.${sql.ref(key)} is not distinct from tk.${sql.ref(key)})::int
        as attributed_orders,
      (select coalesce(sum(net_fen), 0) from att
        where att.${sql.ref(key)} is not distinct from tk.${sql.ref(key)})::bigint
        as attributed_revenue_fen`;
  const guides = await sql<
    Figures & { staff_id: string; display_name: string; store_id: string | null }
  >`
    ${base}
    select g.*, s.display_name, s.store_id from (
      ${figures('staff_id')}, tk.staff_id from tk group by tk.staff_id
    ) g join staff s on s.merchant_id = ${m} and s.id = g.staff_id
    order by g.attributed_revenue_fen desc, g.done desc, s.display_name, s.id`.execute(db);
  const stores = await sql<Figures & { store_id: string | null; store_name: string | null }>`
    ${base}
    select g.*, st.name as store_name from (
      ${figures('store_id')}, tk.store_id from tk group by tk.store_id
    ) g left join store st on st.merchant_id = ${m} and st.id = g.store_id
    order by g.attributed_revenue_fen desc, st.name nulls last`.execute(db);
  const money = <T extends { attributed_revenue_fen: number }>(r: T) => ({
    ...r,
    attributed_revenue_fen: Number(r.attributed_revenue_fen),
  });
  return {
    from,
    to,
    window_days: windowDays,
    guides: guides.rows.map(money),
    stores: stores.rows.map(money),
  };
}
