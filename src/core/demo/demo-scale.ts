import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import type { Ctx } from '../context.ts';
import { rebuildMerchantFacts } from '../facts/member-fact.service.ts';
import { createStore } from '../tenancy/store.service.ts';
import { systemCtx } from '../tenancy/system-ctx.ts';
import { type DemoResult, seedDemo } from './demo.service.ts';
import { CHANNELS, GIVEN, PREFIXES, SURNAMES } from './demo-data.ts';
import { generateOrderHistory } from './demo-history.ts';

const MORE_STORES = [
  { code: 'SH04', name: '麦香坊 五角场店', address: '上海市杨浦区淞沪路 8 号' },
  { code: 'SH05', name: '麦香坊 中山公园店', address: '上海市长宁区长宁路 1018 号' },
  { code: 'HZ01', name: '麦香坊 杭州湖滨店', address: '杭州市上城区延安路 258 号' },
  { code: 'SZ01', name: '麦香坊 苏州观前店', address: '苏州市姑苏区观前街 1 号' },
];
const MEMBER_BATCH = 100_000;
const DAY = 86_400_000;

export interface ScaleDemoResult extends DemoResult {
  members: number;
  orders: number;
  seconds: number;
}

/**
 * The benchmark merchant: the demo bakery with 7 stores, `members` members (30 % without
 * marketing consent) and two years of their orders (about ten per member: seasonal, mostly at
 * the home store, 芒果系列 in summer, dormant and churned members among them), written with
 * multi-row `insert … select generate_series` in batches, then the member facts rebuilt and
 * the tables vacuumed and analysed. 1M members / ~10M orders take minutes on 2 cores.
 */
export async function generateScaleDemo(
  db: Db,
  options: { members: number; seed: number; now?: Date; log?: (line: string) => void },
): Promise<ScaleDemoResult> {
  const started = Date.now();
  const now = options.now ?? new Date();
  const log = options.log ?? (() => {});
  const demo = await seedDemo(db, now, 0, `-scale-${Date.now().toString(36)}`);
  const ctx = systemCtx(demo.merchantId, now);
  await db.transaction().execute(async (trx) => {
    for (const store of MORE_STORES) await createStore(trx, ctx, store);
  });
  for (let from = 0; from < options.members; from += MEMBER_BATCH) {
    const to = Math.min(options.members, from + MEMBER_BATCH);
    await db.transaction().execute((trx) => insertMembers(trx, ctx, options.seed, from, to));
    log(`members ${to}/${options.members}`);
  }
  const orders = await db.transaction().execute(async (trx) => {
    await bulkLoad(trx);
    return withoutSecondaryIndexes(trx, ['sale_order', 'sale_order_line', 'order_refund'], () =>
      generateOrderHistory(trx, ctx, { seed: options.seed, share: 1, perYear: 11 }),
    );
  });
  log(`orders ${orders}`);
  await rebuildMerchantFacts(db, ctx);
  log('member facts rebuilt');
  // vacuumed as autovacuum would leave a history written once: pages all-visible, so the
  // covering indexes answer without the heap
  await sql`vacuum (analyze) member, ledger_balance, ledger_entry, sale_order, sale_order_line,
    order_refund, member_fact, member_category_fact, member_store_fact`.execute(db);
  return { ...demo, members: options.members, orders, seconds: (Date.now() - started) / 1000 };
}

/**
 * Foreign keys are checked row by row by triggers; the generated rows reference only rows
 * generated before them, so a superuser skips those checks for the load (a plain user keeps
 * them and waits longer).
 */
async function bulkLoad(trx: Trx) {
  const su = await sql<{ su: boolean }>`
    select rolsuper as su from pg_roles where rolname = current_user`.execute(trx);
  if (su.rows[0]?.su) await sql`set local session_replication_role = replica`.execute(trx);
  await sql`set local work_mem = '256MB'`.execute(trx);
}

/**
 * Orders are generated member by member, so their time indexes would be filled at random
 * places; dropping the plain (non-unique) indexes for the load and building them once after
 * it is several times faster. The tables stay locked until the transaction ends, which is why
 * the scale demo wants a database of its own.
 */
async function withoutSecondaryIndexes<T>(trx: Trx, tables: string[], load: () => Promise<T>) {
  const { rows } = await sql<{ name: string; definition: string }>`
    select i.indexname as name, i.indexdef as definition
    from pg_indexes i
    join pg_class c on c.relname = i.indexname and c.relnamespace = to_regnamespace(i.schemaname)
    join pg_index x on x.indexrelid = c.oid
    where i.schemaname = current_schema() and i.tablename = any(${tables}) and not x.indisunique`.execute(
    trx,
  );
  for (const index of rows) await sql`drop index ${sql.id(index.name)}`.execute(trx);
  const result = await load();
  for (const index of rows) await sql.raw(index.definition).execute(trx);
  return result;
}

const textArray = (items: readonly string[] | string) => [...items];

/** Members `from`..`to` - 1 of the demo in one statement, with opening points for most. */
async function insertMembers(trx: Trx, ctx: Ctx, seed: number, from: number, to: number) {
  await bulkLoad(trx);
  await sql`select setseed(${((seed + from) % 1_000_003) / 1_000_003})`.execute(trx);
  const m = ctx.merchantId;
  const merchant = await trx
    .selectFrom('merchant')
    .select('card_prefix')
    .where('id', '=', m)
    .executeTakeFirstOrThrow();
  const stores = await trx
    .selectFrom('store')
    .select('id')
    .where('merchant_id', '=', m)
    .orderBy('id')
    .execute();
  const surnames = textArray(SURNAMES);
  const given = textArray(GIVEN);
  const pick = (items: readonly string[]) =>
    sql`(${items}::text[])[1 + floor(random() * ${items.length})::int]`;
  await sql`
    with n as (
      select n, random() as r_age, random() as r_gender, random() as r_points,
        ${merchant.card_prefix} || '9' || lpad(n::text, 10, '0') as card_body
      from generate_series(${from}::int, ${to - 1}::int) n
    ),
    v as (
      select n.*,
        (lpad(to_hex(${ctx.now.getTime() - 3000 * DAY}::bigint + n), 12, '0') || '7'
          || substr(md5('m' || n || ${String(seed)}), 1, 3) || '8'
          || substr(md5('m' || n || ${String(seed)}), 4, 15))::uuid as id,
        ${ctx.now}::timestamptz - (r_age * r_age * 1500) * interval '1 day'
          - random() * interval '1 day' as registered_at
      from n
    ),
    ins as (
      insert into member (merchant_id, id, card_no, phone, name, gender, birthday,
        source_channel, home_store_id, referrer_id, custom, marketing_consent, status,
        merged_into_id, registered_at, updated_at)
      select ${m}, v.id,
        v.card_body || (select ((10 - sum(case when i % 2 = 0
            then case when d * 2 > 9 then d * 2 - 9 else d * 2 end else d end) % 10) % 10)::text
          from (select i, substr(v.card_body, 15 - i, 1)::int as d from generate_series(0, 14) i) x),
        '+86' || (${PREFIXES}::text[])[1 + v.n % ${PREFIXES.length}] || lpad(v.n::text, 8, '0'),
        ${pick(surnames)} || ${pick(given)} || case when random() < 0.6 then ${pick(given)} else '' end,
        case when v.r_gender < 0.62 then 'female' when v.r_gender < 0.95 then 'male' else 'unknown' end,
        case when random() < 0.85
          then date '1960-01-01' + floor(random() * 16400)::int end,
        ${pick(CHANNELS)}, (${stores.map((s) => s.id)}::uuid[])[1 + floor(random() * ${stores.length})::int],
        null, '{}', random() < 0.7, 'active', null, v.registered_at, v.registered_at
      from v
      returning id, registered_at
    ),
    opening as (
      select id, floor(random() * 3000)::bigint + 1 as points, registered_at from ins
      where random() < 0.7
    ),
    entry as (
      insert into ledger_entry (merchant_id, id, member_id, ledger, kind, amount, balance_after,
        ref_type, ref_id, reverses_id, memo, actor_kind, actor_id, created_at)
      select ${m}, gen_random_uuid(), id, 'points', 'import', points, points, 'demo', null, null,
        '演示数据期初余额', 'system', null, registered_at
      from opening
    )
    insert into ledger_balance (merchant_id, member_id, ledger, balance, updated_at)
    select ${m}, id, 'points', points, registered_at from opening`.execute(trx);
}
