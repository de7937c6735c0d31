/**
 * npm run bench:rfm [-- --members 1000000]
 *
 * RFM + lifecycle recompute over the scale demo (generateScaleDemo: N members, ~10 orders each
 * over two years): `recomputeRfm` (scores, groups, stages, upsert of member_rfm, lifecycle
 * changes) next to one hand-written SQL pass computing the same scores and stages into a
 * table, in the same run. Twice: the first computation (every row written) and the next day's
 * (only changed rows written). The results are compared row by row. Target: ≤ 2× the
 * hand-written pass. Uses DATABASE_URL's server when set, else a new embedded PostgreSQL.
 */
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { recomputeRfm } from '../src/core/rfm/rfm.service.ts';
import { DEFAULT_RFM_SETTING as S } from '../src/core/rfm/rfm-setting.service.ts';
import { systemCtx } from '../src/core/tenancy/system-ctx.ts';
import type { Db } from '../src/db/database.ts';
import { loadLine, scaleDemo, table } from './support.ts';

const { values } = parseArgs({ options: { members: { type: 'string', default: '1000000' } } });
const members = Number(values.members);
if (!(members > 0)) throw new Error('bad --members');

const { db, demo, now, stop } = await scaleDemo(members, (l) => console.log(l));
const m = demo.merchantId;

/** The same definitions written out by hand, into a table (docs/rfm.md). */
async function handWritten(at: Date): Promise<number> {
  const ago = (days: number) => sql`${at}::timestamptz - make_interval(days => ${days}::int)`;
  const t = performance.now();
  await db.transaction().execute(async (trx) => {
    await sql`set local work_mem = '256MB'`.execute(trx);
    await sql`drop table if exists bench_rfm`.execute(trx);
    await sql`
      create unlogged table bench_rfm as
      with rf as (
        select order_id, sum(money_fen) as fen from order_refund
        where merchant_id = ${m} group by order_id
      ), w as (
        select o.member_id, count(*) as f, sum(o.due_fen - coalesce(rf.fen, 0)) as m,
          floor(extract(epoch from ${at}::timestamptz - max(o.paid_at)) / 86400) as d
        from sale_order o join member mb on mb.merchant_id = ${m} and mb.id = o.member_id
        left join rf on rf.order_id = o.id
        where o.merchant_id = ${m} and mb.status = 'active' and o.status <> 'refunded'
          and o.paid_at > ${ago(S.window_days)} and o.paid_at <= ${at}
        group by o.member_id
      ), s as (
        select member_id, f as orders,
          5 * (rank() over (order by d desc) - 1) / count(*) over () + 1 as r,
          5 * (rank() over (order by f) - 1) / count(*) over () + 1 as f,
          5 * (rank() over (order by m) - 1) / count(*) over () + 1 as m
        from w
      )
      select mb.id as member_id, s.r, s.f, s.m,
        case when coalesce(fa.last_order_at, mb.registered_at) <= ${ago(S.churned_days)} then 'churned'
          when coalesce(fa.last_order_at, mb.registered_at) <= ${ago(S.dormant_days)} then 'dormant'
          when fa.first_order_at is null or fa.first_order_at > ${ago(S.new_days)} then 'new'
          when coalesce(s.orders, 0) >= ${S.core_min_orders} then 'core' else 'active' end as lifecycle
      from member mb
      left join member_fact fa on fa.merchant_id = ${m} and fa.member_id = mb.id
      left join s on s.member_id = mb.id
      where mb.merchant_id = ${m} and mb.status = 'active'`.execute(trx);
  });
  return performance.now() - t;
}

async function compare(database: Db) {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from bench_rfm b
    full join (select * from member_rfm where merchant_id = ${m}) x using (member_id)
    where (b.r, b.f, b.m, b.lifecycle) is distinct from (x.r, x.f, x.m, x.lifecycle)`.execute(
    database,
  );
  if (rows[0]?.n !== 0) throw new Error(`${rows[0]?.n} members differ from the hand-written pass`);
}

// the scale demo is reused between runs: start from members never scored
await sql`delete from member_rfm where merchant_id = ${m}`.execute(db);
await sql`delete from member_lifecycle_change where merchant_id = ${m}`.execute(db);
// as a merchant's first computation finds them: empty, not a million dead rows from the last run
await sql`vacuum analyze member_rfm, member_lifecycle_change`.execute(db);

const results: (string | number)[][] = [
  ['run', 'hand-written s', 'recomputeRfm s', 'ratio', 'changes'],
];
for (const [label, at] of [
  ['first computation', now],
  ['next day', new Date(now.getTime() + 86_400_000)],
] as const) {
  const baseMs = await handWritten(at);
  const t = performance.now();
  const outcome = await recomputeRfm(db, systemCtx(m, at));
  const runMs = performance.now() - t;
  await compare(db);
  results.push([
    label,
    (baseMs / 1000).toFixed(2),
    (runMs / 1000).toFixed(2),
    `${(runMs / baseMs).toFixed(2)}×`,
    outcome.changes,
  ]);
}
console.log(
  `\nRFM + lifecycle, ${members.toLocaleString()} members, ${demo.orders.toLocaleString()} orders`,
);
console.log(table(results));
console.log(`target ≤ 2×; ${loadLine()}`);
await stop();
