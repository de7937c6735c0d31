/**
 * npm run bench:segments [-- --members 1000000]
 *
 * Segment count preview over the scale demo (generateScaleDemo: N members, ~10 orders each over
 * two years), in the same run: S5 (≥ 3 orders in 180 days, none in 60) through countSegment
 * next to the same rule written by hand over sale_order and over the per-member summary
 * (member_fact), and two 3-node trees next to their hand-written SQL. Each query runs warm
 * (one untimed run), then the best of 5 is kept; every pair must give the same count.
 * Targets: S5 ≤ 0.3 s and exact; each tree ≤ 1.5× its hand-written SQL.
 * Uses DATABASE_URL's server when set, else a new embedded PostgreSQL.
 */
import { parseArgs } from 'node:util';
import { type RawBuilder, sql } from 'kysely';
import { MANGO_CATEGORY } from '../src/core/demo/demo-history.ts';
import type { SegmentRule } from '../src/core/segments/segment.schema.ts';
import { S5_RULE } from '../src/core/segments/segment-examples.ts';
import { countSegment } from '../src/core/segments/segment-query.service.ts';
import { systemCtx } from '../src/core/tenancy/system-ctx.ts';
import { loadLine, scaleDemo, table } from './support.ts';

const { values } = parseArgs({ options: { members: { type: 'string', default: '1000000' } } });
const members = Number(values.members);
if (!(members > 0)) throw new Error('bad --members');

const { db, demo, now, stop } = await scaleDemo(members, (l) => console.log(l));
const m = demo.merchantId;
const ctx = systemCtx(m, now);
const ago = (days: number) => new Date(now.getTime() - days * 86_400_000);
const store = await db
  .selectFrom('store')
  .select('id')
  .where('merchant_id', '=', m)
  .orderBy('code')
  .executeTakeFirstOrThrow();

/** Best of 5 warm runs, in ms, and the answer. */
async function timed(run: () => Promise<number>): Promise<{ ms: number; n: number }> {
  const n = await run();
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const again = await run();
    best = Math.min(best, performance.now() - t);
    if (again !== n) throw new Error(`unstable answer ${again} ≠ ${n}`);
  }
  return { ms: best, n };
}
const count = async (query: RawBuilder<unknown>) =>
  Number((await sql<{ n: string }>`select count(*) as n from (${query}) q`.execute(db)).rows[0]!.n);

const active = sql`m.merchant_id = ${m} and m.status = 'active'`;
/** S5 by hand over the orders (index merchant, member, paid_at). */
const s5Orders = sql`
  select o.member_id from sale_order o join member m on m.merchant_id = o.merchant_id and m.id = o.member_id
  where o.merchant_id = ${m} and ${active} and o.status <> 'refunded' and o.paid_at >= ${ago(180)}
  group by o.member_id having count(*) >= 3 and max(o.paid_at) < ${ago(60)}`;
/** S5 by hand over the per-member summary. */
const s5Summary = sql`
  select f.member_id from member_fact f join member m on m.merchant_id = f.merchant_id and m.id = f.member_id
  where f.merchant_id = ${m} and ${active} and f.recent_order_at[3] >= ${ago(180)}
    and f.last_order_at < ${ago(60)}`;

const mangoOrBigSpender: SegmentRule = {
  op: 'or',
  rules: [
    { field: 'category', codes: [MANGO_CATEGORY], days: 90 },
    { field: 'spend', days: 30, min: 20_000 },
  ],
};
const mangoOrBigSpenderSql = sql`
  select m.id from member m where ${active} and (
    exists (select 1 from member_category_fact c where c.merchant_id = ${m} and c.member_id = m.id
      and c.category = ${MANGO_CATEGORY} and c.last_order_at >= ${ago(90)})
    or m.id in (select o.member_id from sale_order o where o.merchant_id = ${m} and o.status <> 'refunded'
      and o.paid_at >= ${ago(30)} and o.member_id is not null group by o.member_id
      having sum(o.due_fen - coalesce((select sum(r.money_fen) from order_refund r
        where r.merchant_id = ${m} and r.order_id = o.id), 0)) >= 20000))`;

const storeLapsed: SegmentRule = {
  op: 'and',
  rules: [
    { field: 'store', store_ids: [store.id], days: 365 },
    { op: 'not', rule: { field: 'orders', days: 30 } },
  ],
};
const storeLapsedSql = sql`
  select m.id from member m left join member_fact f on f.merchant_id = ${m} and f.member_id = m.id
  where ${active} and (f.last_order_at is null or f.last_order_at < ${ago(30)})
    and exists (select 1 from member_store_fact s where s.merchant_id = ${m} and s.member_id = m.id
      and s.store_id = ${store.id} and s.last_order_at >= ${ago(365)})`;

const results: (string | number)[][] = [
  ['rule', 'members', 'hand-written ms', 'countSegment ms', 'ratio'],
];
const s5 = await timed(() => countSegment(db, ctx, S5_RULE));
for (const [label, query] of [
  ['S5 vs orders', s5Orders],
  ['S5 vs summary', s5Summary],
] as const) {
  const base = await timed(() => count(query));
  if (base.n !== s5.n) throw new Error(`${label}: ${base.n} ≠ ${s5.n}`);
  results.push([
    label,
    s5.n,
    base.ms.toFixed(1),
    s5.ms.toFixed(1),
    `${(s5.ms / base.ms).toFixed(2)}×`,
  ]);
}
for (const [label, rule, query] of [
  ['mango 90 d or ¥200 in 30 d', mangoOrBigSpender, mangoOrBigSpenderSql],
  ['first store in 365 d, none in 30', storeLapsed, storeLapsedSql],
] as const) {
  const ours = await timed(() => countSegment(db, ctx, rule));
  const base = await timed(() => count(query));
  if (base.n !== ours.n) throw new Error(`${label}: ${base.n} ≠ ${ours.n}`);
  results.push([
    label,
    ours.n,
    base.ms.toFixed(1),
    ours.ms.toFixed(1),
    `${(ours.ms / base.ms).toFixed(2)}×`,
  ]);
}
console.log(
  `\nsegment counts, ${members.toLocaleString()} members, ${demo.orders.toLocaleString()} orders`,
);
console.log(table(results));
console.log(`targets: S5 ≤ 300 ms; trees ≤ 1.5× hand-written; ${loadLine()}`);
await stop();
