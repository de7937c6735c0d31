/**
 * npm run bench:checkout [-- --seconds 12 --members 100000 --clients 8 --rounds 3]
 *
 * Checkout commit over HTTP: `POST /api/orders` with an Idempotency-Key for a member with one
 * 满100减20 coupon, 500 points as payment, ¥50 stored value and a cash tender, earning points
 * and growth, audited. The real server (buildApp) is driven by autocannon at 8 clients on
 * distinct members (each member's coupon is used once), then all clients on one member (a
 * shared walk-in card: points, stored value and cash, no coupon). In the same run pgbench
 * replays the same SQL writes in one transaction (the member lock and every insert and update
 * the commit sends, member facts included, without its reads). Then the quote (`POST /api/checkout/quote`, no writes)
 * against a pgbench select-only script reading the same rows. Prints TPS, ratio and p99.
 * Uses DATABASE_URL's server when set, else a new embedded PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { connect } from '../src/db/connect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import {
  benchDatabase,
  benchMerchant,
  COMPARE_HEADER,
  compareRounds,
  loadLine,
  pgbench,
  startServer,
  table,
} from './support.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '12' },
    rounds: { type: 'string', default: '3' },
    members: { type: 'string', default: '100000' },
    clients: { type: 'string', default: '8' },
  },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const slice = Math.max(1, Math.round(seconds / rounds));
const members = Number(values.members);
const clients = Number(values.clients);
if (!(seconds > 0 && rounds > 0 && members > 0 && clients > 0)) throw new Error('bad flags');

const PRINCIPAL = 100_000_000;
const POINTS = 100_000_000;

const stamp = Date.now();
const database = await benchDatabase(`regulars_bench_checkout_${stamp}`);
const { db } = connect(database.url, 4);
await migrateToLatest(db);
const { merchantId: m, ownerId, token } = await benchMerchant(db);

console.log(`before: ${loadLine()}`);
console.log(`seeding ${members.toLocaleString()} members with a balance, points and a coupon…`);
const definition = JSON.stringify({
  benefit: { kind: 'threshold_off', threshold_fen: 10_000, off_fen: 2_000 },
  validity: { mode: 'days_after_claim', days: 30 },
  usable_weekdays: null,
  usable_hours: null,
  scope: { store_ids: null, category_codes: null, sku_ids: null, min_spend_fen: 0 },
  stacking: { mode: 'exclusive' },
});
const seed = [
  sql`insert into store (merchant_id, id, code, name) values (${m}, md5('store')::uuid, 'S1', '一号店')`,
  sql`insert into checkout_setting (merchant_id, points_per_unit, fen_per_unit, max_share_bp, updated_at)
    values (${m}, 100, 100, 5000, now())`,
  sql`insert into coupon_template (merchant_id, id, name, kind, definition, active, created_at, updated_at)
    values (${m}, md5('tpl')::uuid, '满100减20', 'threshold_off', ${definition}, true, now(), now())`,
  sql`insert into member (merchant_id, id, card_no, phone, gender, source_channel, custom,
      marketing_consent, status, registered_at, updated_at)
    select ${m}, md5('m' || g)::uuid, '8801' || lpad(g::text, 12, '0'), '+86138' || lpad(g::text, 8, '0'),
      'unknown', 'store', '{}', false, 'active', now(), now()
    from generate_series(1, ${members}::int) g`,
  sql`insert into ledger_entry (merchant_id, id, member_id, ledger, kind, amount, balance_after,
      ref_type, ref_id, actor_kind, created_at)
    select ${m}, md5(x.l || g)::uuid, md5('m' || g)::uuid, x.ledger, x.kind, x.amount, x.amount,
      null, null, 'system', now()
    from generate_series(1, ${members}::int) g,
      (values ('ep', 'principal', 'opening', ${PRINCIPAL}::bigint),
              ('et', 'points', 'opening', ${POINTS}::bigint)) x (l, ledger, kind, amount)`,
  sql`insert into ledger_balance (merchant_id, member_id, ledger, balance, updated_at)
    select ${m}, md5('m' || g)::uuid, x.ledger, x.amount, now()
    from generate_series(1, ${members}::int) g,
      (values ('principal', ${PRINCIPAL}::bigint), ('points', ${POINTS}::bigint)) x (ledger, amount)`,
  sql`insert into points_lot (merchant_id, id, member_id, entry_id, amount, remaining, expires_at, created_at)
    select ${m}, md5('lot' || g)::uuid, md5('m' || g)::uuid, md5('et' || g)::uuid, ${POINTS}, ${POINTS}, null, now()
    from generate_series(1, ${members}::int) g`,
  sql`insert into coupon (merchant_id, id, template_id, member_id, code, status, uses_left,
      valid_from, valid_until, issued_via, created_at)
    select ${m}, md5('c' || g)::uuid, md5('tpl')::uuid, md5('m' || g)::uuid, 'BENCH' || g, 'issued', 1,
      now() - interval '1 day', now() + interval '30 days', 'staff', now()
    from generate_series(1, ${members}::int) g`,
];
for (const statement of seed) await statement.execute(db);
await sql`vacuum analyze`.execute(db);

const uuids = (prefix: string) =>
  sql<{ id: string }>`select md5(${prefix} || g)::uuid::text as id
    from generate_series(1, ${members}::int) g order by g`
    .execute(db)
    .then((r) => r.rows.map((x) => x.id));
const memberIds = await uuids('m');
const couponIds = await uuids('c');
const storeId = (await sql<{ id: string }>`select md5('store')::uuid::text as id`.execute(db))
  .rows[0]!.id;

const server = await startServer(database.url);
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

/** ¥160 − ¥20 coupon = ¥140; 500 points pay ¥5; ¥50 stored value; ¥85 cash. */
const saleBody = (i: number | null) => ({
  store_id: storeId,
  member_id: i === null ? memberIds[0] : memberIds[i],
  lines: [
    { name: '拿铁', category: 'drinks', unit_price_fen: 3_000, quantity: 2 },
    { name: '蛋糕', category: 'food', unit_price_fen: 5_000, quantity: 2 },
  ],
  coupon_ids: i === null ? [] : [couponIds[i]],
  points_to_use: 500,
  stored_value_fen: 5_000,
  tenders: [{ method: 'cash', amount_fen: i === null ? 10_500 : 8_500 }],
});

let next = 1; // member 0 is the hot row
async function http(title: string, path: string, body: (() => object) | null, duration = slice) {
  const result = await autocannon({
    url: server.url,
    connections: clients,
    duration,
    requests: [
      {
        setupRequest: (req) => ({
          ...req,
          method: 'POST',
          path,
          headers: { ...headers, 'idempotency-key': randomUUID() },
          body: JSON.stringify(body ? body() : saleBody(next++ % members || 1)),
        }),
      },
    ],
  });
  const failed = result.non2xx + result.errors;
  if (failed > 0) console.warn(`${title}: ${failed} failed requests`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, failed };
}

/** The writes of one commit, in the order the service sends them; `n` is the member's row. */
function commitScript(n: string, coupon: boolean): string {
  const member = `md5('m' || ${n})::uuid`;
  const post = (
    ledger: string,
    amount: number,
    kind: string,
  ) => `with balance as (update ledger_balance
    set balance = balance + ${amount}, updated_at = now()
    where merchant_id = '${m}' and member_id = ${member} and ledger = '${ledger}' returning balance)
  insert into ledger_entry (merchant_id, id, member_id, ledger, kind, amount, balance_after, ref_type,
    ref_id, reverses_id, memo, actor_kind, actor_id, created_at)
  select '${m}', gen_random_uuid(), ${member}, '${ledger}', '${kind}', ${amount}, balance.balance,
    'order', gen_random_uuid()::text, null, null, 'staff', '${ownerId}', now() from balance returning id \\gset e_`;
  const audit = (
    action: string,
  ) => `insert into audit_log (merchant_id, id, actor_kind, actor_id, action,
    entity_type, entity_id, before, after, created_at) values ('${m}', gen_random_uuid(), 'staff',
    '${ownerId}', '${action}', 'order', gen_random_uuid(), null, '{"due_fen":13500}', now());`;
  // the same row update as a redemption, leaving the coupon usable for the HTTP rounds
  const couponWrites = coupon
    ? `update coupon set redeemed_at = now(), redeemed_store_id = md5('store')::uuid, redeemed_by = '${ownerId}'
  where merchant_id = '${m}' and id = md5('c' || ${n})::uuid and status = 'issued' returning id;
insert into coupon_use (merchant_id, id, coupon_id, order_id, store_id, staff_id, used_at)
  values ('${m}', gen_random_uuid(), md5('c' || ${n})::uuid, null, md5('store')::uuid, '${ownerId}', now());`
    : '';
  return `\\set n random(2, ${members})
begin;
insert into idempotency_key (merchant_id, key, request_hash, status_code, response)
  values ('${m}', gen_random_uuid()::text, md5(random()::text), null, null) on conflict do nothing returning key \\gset
select m.status from member m where m.merchant_id = '${m}' and m.id = ${member} for update of m;
${couponWrites}
select id from points_lot where merchant_id = '${m}' and member_id = ${member} and remaining > 0 order by id for update;
${post('points', -500, 'order_pay')}
update points_lot set remaining = remaining - 500 where merchant_id = '${m}' and id = md5('lot' || ${n})::uuid;
insert into points_lot_use (merchant_id, entry_id, lot_id, amount) values ('${m}', ':e_id', md5('lot' || ${n})::uuid, 500);
${post('principal', -5000, 'payment')}
insert into wallet_payment (merchant_id, id, member_id, order_ref, store_id, amount_fen, principal_fen,
  bonus_fen, bonus_parts, auth, created_at) values ('${m}', gen_random_uuid(), ${member},
  gen_random_uuid()::text, md5('store')::uuid, 5000, 5000, 0, '[]', 'none', now()) returning id \\gset w_
${audit('wallet.pay')}
insert into tender (merchant_id, id, ref_type, ref_id, direction, method, amount_fen, provider,
  provider_ref, refunds_id, created_at) values ('${m}', gen_random_uuid(), 'order', gen_random_uuid(),
  'charge', 'cash', 8500, 'recorded', null, null, now());
insert into sale_order (merchant_id, id, number, channel, member_id, store_id, staff_id, status,
  amount_fen, tier_discount_fen, coupon_discount_fen, points_used, points_deduction_fen, due_fen,
  principal_fen, bonus_fen, tender_fen, points_earned, growth, applied_coupon_ids, trace,
  points_debit_id, wallet_payment_id, paid_at, created_at)
  values ('${m}', gen_random_uuid(), nextval('sale_order_number'), 'till', ${member}, md5('store')::uuid,
  '${ownerId}', 'paid', 16000, 0, 2000, 500, 500, 13500, 5000, 0, 8500, 135, 135, '{}',
  '[{"step":"coupon"},{"step":"points"},{"step":"stored_value"},{"step":"tender"},{"step":"earn"}]',
  ':e_id', ':w_id', now(), now()) returning id \\gset o_
insert into sale_order_line (merchant_id, order_id, line_id, sku_id, name, category, quantity,
  unit_price_fen, amount_fen, tier_discount_fen, coupon_discount_fen, coupons, points_used,
  points_deduction_fen, due_fen, principal_fen, bonus_fen, tender_fen, earn_base_fen, points_earned, growth)
  values ('${m}', ':o_id', '1', null, '拿铁', 'drinks', 2, 3000, 6000, 0, 750, '[]', 188, 188, 5062, 1875, 0, 3187, 5062, 50, 50),
         ('${m}', ':o_id', '2', null, '蛋糕', 'food', 2, 5000, 10000, 0, 1250, '[]', 312, 312, 8438, 3125, 0, 5313, 8438, 85, 85);
${post('points', 135, 'earn')}
insert into points_lot (merchant_id, id, member_id, entry_id, amount, remaining, expires_at, created_at)
  values ('${m}', gen_random_uuid(), ${member}, ':e_id', 135, 135, null, now());
insert into growth_entry (merchant_id, id, member_id, growth, spend_fen, kind, ref_type, ref_id, memo, created_at)
  values ('${m}', gen_random_uuid(), ${member}, 135, 13500, 'spend', 'order', gen_random_uuid()::text, null, now());
insert into member_loyalty (merchant_id, member_id, tier_id, growth, spend_fen, tier_since, updated_at)
  values ('${m}', ${member}, null, 135, 13500, null, now())
  on conflict (merchant_id, member_id) do update set growth = member_loyalty.growth + 135,
  spend_fen = member_loyalty.spend_fen + 13500, updated_at = now();
insert into points_earning (merchant_id, id, member_id, order_ref, paid_at, amount_fen, points, growth,
  entry_id, detail, created_at) values ('${m}', gen_random_uuid(), ${member}, gen_random_uuid()::text,
  now(), 13500, 135, 135, ':e_id', '{}', now());
${audit('points.earn')}
${audit('order.commit')}
insert into member_fact (merchant_id, member_id, first_order_at, last_order_at, order_count, spend_fen,
  recent_order_at, updated_at) values ('${m}', ${member}, now(), now(), 1, 13500, array[now()], now())
  on conflict (merchant_id, member_id) do update set last_order_at = excluded.last_order_at,
  order_count = member_fact.order_count + 1, spend_fen = member_fact.spend_fen + 13500,
  recent_order_at = (excluded.recent_order_at || member_fact.recent_order_at)[1:32], updated_at = now();
insert into member_store_fact (merchant_id, member_id, store_id, order_count, spend_fen, first_order_at,
  last_order_at) values ('${m}', ${member}, md5('store')::uuid, 1, 13500, now(), now())
  on conflict (merchant_id, member_id, store_id) do update set order_count = member_store_fact.order_count + 1,
  spend_fen = member_store_fact.spend_fen + 13500, last_order_at = excluded.last_order_at;
insert into member_category_fact (merchant_id, member_id, category, order_count, quantity, spend_fen,
  first_order_at, last_order_at) values ('${m}', ${member}, 'drinks', 1, 2, 5062, now(), now()),
  ('${m}', ${member}, 'food', 1, 2, 8438, now(), now())
  on conflict (merchant_id, member_id, category) do update set order_count = member_category_fact.order_count + 1,
  quantity = member_category_fact.quantity + excluded.quantity,
  spend_fen = member_category_fact.spend_fen + excluded.spend_fen, last_order_at = excluded.last_order_at;
update idempotency_key set status_code = 201, response = '{"id":"x","due_fen":13500}'
  where merchant_id = '${m}' and key = ':key';
commit;
`;
}

/** The rows a quote reads, select only. */
function quoteScript(): string {
  const member = `md5('m' || :n)::uuid`;
  return `\\set n random(2, ${members})
select * from store where merchant_id = '${m}' and id = md5('store')::uuid;
select * from points_setting where merchant_id = '${m}';
select * from tier_setting where merchant_id = '${m}';
select * from checkout_setting where merchant_id = '${m}';
select * from wallet_setting where merchant_id = '${m}';
select * from merchant where id = '${m}';
select * from wallet_state('${m}'::uuid, ${member});
select * from member where merchant_id = '${m}' and id = ${member};
select tier_id from member_loyalty where merchant_id = '${m}' and member_id = ${member};
select * from tier where merchant_id = '${m}';
select balance from ledger_balance where merchant_id = '${m}' and member_id = ${member} and ledger = 'points';
select * from coupon c join coupon_template t on t.merchant_id = c.merchant_id and t.id = c.template_id
  where c.merchant_id = '${m}' and c.member_id = ${member} and c.status = 'issued' order by c.valid_until limit 100;
select * from points_campaign where merchant_id = '${m}' and starts_on <= current_date and ends_on >= current_date;
`;
}

const rows: (string | number)[][] = [COMPARE_HEADER];
let quoteIndex = 1;
const workloads = [
  ['commit, distinct members', '/api/orders', null, commitScript(':n', true)],
  ['commit, one member (hot row)', '/api/orders', () => saleBody(null), commitScript('1', false)],
  [
    'quote, random members',
    '/api/checkout/quote',
    // from the far end: members whose coupon the commit rounds have not used
    () => saleBody(members - 1 - (quoteIndex++ % Math.floor(members / 2))),
    quoteScript(),
  ],
] as const;
for (const [name, path, body, script] of workloads)
  rows.push(
    await compareRounds(
      name,
      clients,
      rounds,
      (warmUp) => http(name, path, body, warmUp ? 2 : slice),
      () => pgbench(database.url, script, { clients, seconds: slice }),
    ),
  );

const check = await sql<{ problems: number; orders: number }>`
  select (select count(*)::int from (
      select b.member_id from ledger_balance b
      join ledger_entry e on e.merchant_id = b.merchant_id and e.member_id = b.member_id and e.ledger = b.ledger
      where b.merchant_id = ${m} group by b.member_id, b.ledger, b.balance
      having b.balance <> sum(e.amount)) t) as problems,
    (select count(*)::int from sale_order where merchant_id = ${m} and channel = 'till') as orders`.execute(
  db,
);

console.log(
  `\nbench:checkout — ${members.toLocaleString()} members, ${clients} clients, ${rounds} × ${slice} s per side and workload, ${new Date().toISOString()}`,
);
console.log(table(rows));
console.log(
  `orders written (HTTP and pgbench): ${check.rows[0]!.orders.toLocaleString()}; balances that differ from their entries: ${check.rows[0]!.problems}`,
);
console.log(
  'targets: commit ≥ 50 % of pgbench at 8 clients, p99 ≤ 40 ms; hot row ≥ 50 %; quote ≥ 30 % of select-only, p99 ≤ 10 ms',
);
console.log(loadLine());
server.stop();
await db.destroy();
await database.stop();
