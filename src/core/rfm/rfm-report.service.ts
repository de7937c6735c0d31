import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { addDays, firstOfMonth, localDateOf, startOfLocalDay } from '../../lib/time.ts';
import type { Ctx } from '../context.ts';
import { getMerchant } from '../tenancy/merchant.service.ts';
import { LIFECYCLE_NAMES, LIFECYCLES, RFM_GROUP_NAMES, RFM_GROUPS } from './rfm.rules.ts';
import type { MovedQuery, TransitionsQuery } from './rfm.schema.ts';
import type { Lifecycle, RfmGroup } from './rfm.table.ts';
import { getRfmSetting } from './rfm-setting.service.ts';

const nameOf = (ctx: Ctx, names: { zh: string; en: string }) =>
  ctx.locale === 'en' ? names.en : names.zh;

type Counted = { key: string | number | null; count: number };
const countOf = (rows: Counted[], key: string | number | null) =>
  rows.find((r) => r.key === key)?.count ?? 0;

/**
 * Members per RFM group, per lifecycle stage and per R, F and M score, from the last run, in
 * one scan (grouping sets). Every group, stage and score is listed, with 0 where none.
 */
export async function rfmDistribution(db: Db, ctx: Ctx) {
  const { rows } = await sql<{ dim: string; key: string | number | null; count: number }>`
    select case grouping(rfm_group, lifecycle, r, f, m)
        when 15 then 'group' when 23 then 'stage' when 27 then 'r' when 29 then 'f' else 'm' end
        as dim,
      coalesce(rfm_group, lifecycle, r::text, f::text, m::text) as key, count(*)::int as count
    from member_rfm where merchant_id = ${ctx.merchantId}
    group by grouping sets ((rfm_group), (lifecycle), (r), (f), (m))`.execute(db);
  const of = (dim: string) => rows.filter((r) => r.dim === dim);
  const scores = (dim: 'r' | 'f' | 'm') =>
    [1, 2, 3, 4, 5].map((score) => ({ score, count: countOf(of(dim), String(score)) }));
  const groups = of('group');
  const stages = of('stage');
  return {
    members: stages.reduce((sum, r) => sum + r.count, 0),
    computed_at: (await getRfmSetting(db, ctx)).computed_at,
    groups: [
      ...RFM_GROUPS.map(({ group }) => ({
        group: group as RfmGroup | null,
        name: nameOf(ctx, RFM_GROUP_NAMES[group]),
        count: countOf(groups, group),
      })),
      {
        group: null,
        name: ctx.locale === 'en' ? 'No orders in the window' : '窗口内无消费',
        count: countOf(groups, null),
      },
    ],
    lifecycle: LIFECYCLES.map((stage) => ({
      stage,
      name: nameOf(ctx, LIFECYCLE_NAMES[stage]),
      count: countOf(stages, stage),
    })),
    scores: { r: scores('r'), f: scores('f'), m: scores('m') },
  };
}

/**
 * Local dates `from` … `to` (inclusive) in the merchant's zone and their instants; by default
 * from the first of this month to today.
 */
async function rangeOf(db: Db, ctx: Ctx, range: { from?: string; to?: string }) {
  const zone = (await getMerchant(db, ctx)).time_zone;
  const today = localDateOf(ctx.now, zone);
  const from = range.from ?? firstOfMonth(today);
  const to = range.to ?? today;
  if (to < from) throw new DomainError('rfm.range_invalid', { field: 'to' });
  return {
    from,
    to,
    start: startOfLocalDay(from, zone),
    end: startOfLocalDay(addDays(to, 1), zone),
  };
}

/** Lifecycle changes recorded between two local dates, counted per (from, to) pair. */
export async function lifecycleTransitions(db: Db, ctx: Ctx, query: TransitionsQuery) {
  const { from, to, start, end } = await rangeOf(db, ctx, query);
  const items = await db
    .selectFrom('member_lifecycle_change')
    .select(['from_stage', 'to_stage', (eb) => eb.fn.countAll<number>().as('count')])
    .where('merchant_id', '=', ctx.merchantId)
    .where('changed_at', '>=', start)
    .where('changed_at', '<', end)
    .groupBy(['from_stage', 'to_stage'])
    .orderBy('count', 'desc')
    .execute();
  return { from, to, items: items.map((i) => ({ ...i, count: Number(i.count) })) };
}

/** The members whose stage changed between two dates (optionally from / to a stage), newest first. */
export async function movedMembers(db: Db, ctx: Ctx, query: MovedQuery) {
  const { start, end } = await rangeOf(db, ctx, query);
  let q = db
    .selectFrom('member_lifecycle_change as c')
    .innerJoin('member as mb', (j) =>
      j.onRef('mb.id', '=', 'c.member_id').on('mb.merchant_id', '=', ctx.merchantId),
    )
    .select(['c.member_id', 'mb.name', 'mb.card_no', 'c.from_stage', 'c.to_stage', 'c.changed_at'])
    .where('c.merchant_id', '=', ctx.merchantId)
    .where('c.changed_at', '>=', start)
    .where('c.changed_at', '<', end);
  if (query.from_stage) q = q.where('c.from_stage', '=', query.from_stage as Lifecycle);
  if (query.to_stage) q = q.where('c.to_stage', '=', query.to_stage as Lifecycle);
  return q
    .orderBy('c.changed_at', 'desc')
    .orderBy('c.id', 'desc')
    .limit(query.limit ?? 100)
    .execute();
}
