import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Ctx } from '../context.ts';
import { sqlUuidV7 } from '../points/sql-uuid.ts';
import { HIGH_SCORE } from './rfm.rules.ts';
import { getRfmSetting } from './rfm-setting.service.ts';

export interface RecomputeOutcome {
  members: number;
  scored: number;
  changes: number;
  computed_at: Date;
}

/**
 * RFM scores, groups and lifecycle stages of every active member of the merchant at `ctx.now`,
 * in ONE statement: window aggregates from sale_order (net of refunds), lifetime first/last
 * order from member_fact, quintile scores by rank, then the difference from member_rfm (one
 * full join) written: rows of new members inserted, changed rows updated, unchanged ones left
 * alone, rows of members no longer active deleted, and a member_lifecycle_change written for
 * each member whose stage changed (the data-modifying CTEs all read the snapshot from before
 * the statement, so member_rfm in `diff` is the previous run).
 * A per-merchant advisory lock keeps two runs from both recording the same change.
 * Definitions (ties, the high/low split, stage precedence): docs/rfm.md.
 */
export async function recomputeRfm(db: Db, ctx: Ctx): Promise<RecomputeOutcome> {
  const s = await getRfmSetting(db, ctx);
  const m = ctx.merchantId;
  const now = ctx.now;
  const days = (n: number) => sql`${now}::timestamptz - make_interval(days => ${n}::int)`;
  const high = (col: string) => sql`${sql.ref(col)} >= ${HIGH_SCORE}`;
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${`rfm:${m}`}))`.execute(trx);
    await sql`set local work_mem = '256MB'`.execute(trx);
    const { rows } = await sql<{ members: number; scored: number; changes: number }>`
      with refunded as (
        select order_id, sum(money_fen) as fen from order_refund
        where merchant_id = ${m} group by order_id
      ), win as (
        select o.member_id, count(*) as f, sum(o.due_fen - coalesce(r.fen, 0)) as m,
          floor(extract(epoch from ${now}::timestamptz - max(o.paid_at)) / 86400) as r_days
        from sale_order o
        join member mb on mb.merchant_id = ${m} and mb.id = o.member_id and mb.status = 'active'
        left join refunded r on r.order_id = o.id
        where o.merchant_id = ${m} and o.status <> 'refunded'
          and o.paid_at > ${days(s.window_days)} and o.paid_at <= ${now}
        group by o.member_id
      ), ranked as (
        select member_id, f as orders,
          ((5 * (rank() over (order by r_days desc) - 1)) / count(*) over () + 1)::smallint as r,
          ((5 * (rank() over (order by f) - 1)) / count(*) over () + 1)::smallint as f,
          ((5 * (rank() over (order by m) - 1)) / count(*) over () + 1)::smallint as m
        from win
      ), next as (
        select mb.id as member_id, rk.r, rk.f, rk.m,
          case when rk.r is null then null
            when ${high('rk.r')} and ${high('rk.f')} and ${high('rk.m')} then 'important_value'
            when ${high('rk.r')} and ${high('rk.m')} then 'important_develop'
            when ${high('rk.f')} and ${high('rk.m')} then 'important_keep'
            when ${high('rk.m')} then 'important_retain'
            when ${high('rk.r')} and ${high('rk.f')} then 'general_value'
            when ${high('rk.r')} then 'general_develop'
            when ${high('rk.f')} then 'general_keep'
            else 'general_retain' end as rfm_group,
          case
            when coalesce(fa.last_order_at, mb.registered_at) <= ${days(s.churned_days)}
              then 'churned'
            when coalesce(fa.last_order_at, mb.registered_at) <= ${days(s.dormant_days)}
              then 'dormant'
            when fa.first_order_at is null or fa.first_order_at > ${days(s.new_days)} then 'new'
            when coalesce(rk.orders, 0) >= ${s.core_min_orders} then 'core'
            else 'active' end as lifecycle
        from member mb
        left join member_fact fa on fa.merchant_id = ${m} and fa.member_id = mb.id
        left join ranked rk on rk.member_id = mb.id
        where mb.merchant_id = ${m} and mb.status = 'active'
      ), diff as materialized (
        select coalesce(n.member_id, p.member_id) as member_id, n.r, n.f, n.m, n.rfm_group,
          n.lifecycle, p.member_id is null as fresh, n.member_id is null as gone,
          p.lifecycle as prev_lifecycle
        from next n
        full join (select * from member_rfm where merchant_id = ${m}) p
          on p.member_id = n.member_id
        where p.member_id is null or n.member_id is null
          or (p.r, p.f, p.m, p.rfm_group, p.lifecycle)
            is distinct from (n.r, n.f, n.m, n.rfm_group, n.lifecycle)
      ), gone as (
        delete from member_rfm g using diff d
        where d.gone and g.merchant_id = ${m} and g.member_id = d.member_id
      ), added as (
        insert into member_rfm (merchant_id, member_id, r, f, m, rfm_group, lifecycle, computed_at)
        select ${m}, member_id, r, f, m, rfm_group, lifecycle, ${now} from diff where fresh
        order by member_id
      ), updated as (
        update member_rfm u set r = d.r, f = d.f, m = d.m, rfm_group = d.rfm_group,
          lifecycle = d.lifecycle, computed_at = ${now}
        from diff d
        where not d.fresh and not d.gone and u.merchant_id = ${m} and u.member_id = d.member_id
      ), changed as (
        insert into member_lifecycle_change
          (merchant_id, id, member_id, from_stage, to_stage, changed_at)
        select ${m}, ${sqlUuidV7}, member_id, prev_lifecycle, lifecycle, ${now}
        from diff where not gone and prev_lifecycle is distinct from lifecycle
        returning 1
      ), run as (
        insert into rfm_setting (merchant_id, updated_at, computed_at)
        values (${m}, ${now}, ${now})
        on conflict (merchant_id) do update set computed_at = excluded.computed_at
      )
      select (select count(*) from member where merchant_id = ${m} and status = 'active')::int
          as members,
        (select count(*) from win)::int as scored,
        (select count(*) from changed)::int as changes`.execute(trx);
    const row = rows[0] ?? { members: 0, scored: 0, changes: 0 };
    return { ...row, computed_at: now };
  });
}
