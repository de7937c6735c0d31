/**
 * npm run bench:ledger [-- --seconds 12 --members 10000 --clients 8 --rounds 3]
 *
 * Balance payment (储值支付) over HTTP: `POST /api/members/:id/wallet/pay` with an
 * Idempotency-Key, split proportionally so every payment posts two ledger writes (principal
 * and bonus: balance row + entry, the same shape as a points earn) plus the bonus part, the
 * payment row, the audit row and the idempotency row. The real server (buildApp, as
 * production runs it) is driven by autocannon at 8 clients on random members, then with all
 * clients on one member (the hot row). In the same run pgbench replays the same SQL writes
 * (the statements the service sends, in the same order, in one transaction) on the same
 * database. Prints TPS of both, the ratio (target ≥ 40 %) and p99. Each workload runs in
 * `--rounds` slices, HTTP and pgbench alternating, so that load from anything else on the
 * machine falls on both sides of the ratio alike.
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
    members: { type: 'string', default: '10000' },
    clients: { type: 'string', default: '8' },
  },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const slice = Math.max(1, Math.round(seconds / rounds));
const members = Number(values.members);
const clients = Number(values.clients);
if (!(seconds > 0 && rounds > 0 && members > 0 && clients > 0)) throw new Error('bad flags');

const PRINCIPAL = 100_000_000; // ¥1,000,000 each: no payment in the run runs out
const BONUS = 50_000_000;
const AMOUNT = 300; // proportional: 200 principal + 100 bonus

const stamp = Date.now();
const database = await benchDatabase(`regulars_bench_ledger_${stamp}`);
const { db } = connect(database.url, 4);
await migrateToLatest(db);
const { merchantId: m, ownerId, token } = await benchMerchant(db);

console.log(`before: ${loadLine()}`);
console.log(`seeding ${members.toLocaleString()} members with a recharge and its bonus part…`);
// Deterministic ids (md5 of the row number): HTTP clients and pgbench address the same rows.
const seed = [
  sql`insert into member (merchant_id, id, card_no, phone, gender, source_channel, custom,
      marketing_consent, status, registered_at, updated_at)
    select ${m}, md5('m' || g)::uuid, '8801' || lpad(g::text, 12, '0'), '+86138' || lpad(g::text, 8, '0'),
      'unknown', 'store', '{}', false, 'active', now(), now()
    from generate_series(1, ${members}::int) g`,
  sql`insert into ledger_entry (merchant_id, id, member_id, ledger, kind, amount, balance_after,
      ref_type, ref_id, actor_kind, created_at)
    select ${m}, md5(x.l || g)::uuid, md5('m' || g)::uuid, x.ledger, x.kind, x.amount, x.amount,
      x.ref, md5('r' || g)::uuid::text, 'system', now()
    from generate_series(1, ${members}::int) g,
      (values ('ep', 'principal', 'recharge', ${PRINCIPAL}::bigint, 'recharge'),
              ('eb', 'bonus', 'bonus_release', ${BONUS}::bigint, 'bonus_part')) x (l, ledger, kind, amount, ref)`,
  sql`insert into ledger_balance (merchant_id, member_id, ledger, balance, updated_at)
    select ${m}, md5('m' || g)::uuid, x.ledger, x.amount, now()
    from generate_series(1, ${members}::int) g,
      (values ('principal', ${PRINCIPAL}::bigint), ('bonus', ${BONUS}::bigint)) x (ledger, amount)`,
  sql`insert into recharge (merchant_id, id, member_id, price_fen, bonus_fen, refundable,
      principal_entry_id, actor_kind, created_at)
    select ${m}, md5('r' || g)::uuid, md5('m' || g)::uuid, ${PRINCIPAL}, ${BONUS}, true,
      md5('ep' || g)::uuid, 'system', now()
    from generate_series(1, ${members}::int) g`,
  sql`insert into bonus_part (merchant_id, id, member_id, recharge_id, seq, amount_fen,
      remaining_fen, available_from, status, released_entry_id, created_at)
    select ${m}, md5('p' || g)::uuid, md5('m' || g)::uuid, md5('r' || g)::uuid, 0, ${BONUS}, ${BONUS},
      now() - interval '1 day', 'released', md5('eb' || g)::uuid, now()
    from generate_series(1, ${members}::int) g`,
];
for (const statement of seed) await statement.execute(db);
await sql`vacuum analyze`.execute(db);

const ids = (
  await sql<{ id: string }>`select md5('m' || g)::uuid::text as id
    from generate_series(1, ${members}::int) g order by g`.execute(db)
).rows.map((r) => r.id);

const server = await startServer(database.url);
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

async function http(title: string, pick: () => string, duration = slice) {
  const result = await autocannon({
    url: server.url,
    connections: clients,
    duration,
    requests: [
      {
        setupRequest: (req) => {
          return {
            ...req,
            method: 'POST',
            path: `/api/members/${pick()}/wallet/pay`,
            headers: { ...headers, 'idempotency-key': randomUUID() },
            body: JSON.stringify({ amount_fen: AMOUNT, order_ref: `bench-${randomUUID()}` }),
          };
        },
      },
    ],
  });
  const failed = result.non2xx + result.errors;
  if (failed > 0) console.warn(`${title}: ${failed} failed requests`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, failed };
}

/**
 * The statements `payFromWallet` sends, in order, for one proportional payment; `n` is the
 * member's row number (a pgbench variable or a constant for the hot row).
 */
function paymentScript(n: string): string {
  const member = `md5('m' || ${n})::uuid`;
  const post = (ledger: string, amount: number) => `with balance as (update ledger_balance
    set balance = balance + ${amount}, updated_at = now()
    where merchant_id = '${m}' and member_id = ${member} and ledger = '${ledger}' returning balance)
  insert into ledger_entry (merchant_id, id, member_id, ledger, kind, amount, balance_after, ref_type,
    ref_id, reverses_id, memo, actor_kind, actor_id, created_at)
  select '${m}', gen_random_uuid(), ${member}, '${ledger}', 'payment', ${amount}, balance.balance,
    'wallet_payment', gen_random_uuid(), null, null, 'staff', '${ownerId}', now() from balance returning *;`;
  return `\\set n random(1, ${members})
select request_hash, status_code, response from idempotency_key
  where merchant_id = '${m}' and key = (select gen_random_uuid()::text);
begin;
insert into idempotency_key (merchant_id, key, request_hash, status_code, response)
  values ('${m}', gen_random_uuid()::text, md5(random()::text), null, null)
  on conflict do nothing returning key \\gset
with locked as materialized (
  select m.status, s.spending_order, s.password_threshold_fen, pp.locked_until,
    (select row_to_json(p) from wallet_payment p
      where p.merchant_id = m.merchant_id and p.order_ref = 'pgbench') as paid
  from member m
  left join wallet_setting s on s.merchant_id = m.merchant_id
  left join payment_password pp on pp.merchant_id = m.merchant_id and pp.member_id = m.id
  where m.merchant_id = '${m}' and m.id = ${member} for update of m
)
select locked.*, w.* from locked cross join lateral wallet_state('${m}'::uuid, ${member}) w;
${post('principal', -200)}
${post('bonus', -100)}
with payment as (
  insert into wallet_payment (merchant_id, id, member_id, order_ref, store_id, amount_fen, principal_fen,
    bonus_fen, bonus_parts, auth, created_at)
  values ('${m}', gen_random_uuid(), ${member}, gen_random_uuid()::text, null, ${AMOUNT}, 200,
    100, '[{"part_id":"x","amount_fen":100}]', 'none', now())
  on conflict (merchant_id, order_ref) do nothing returning *
), audit as (
  insert into audit_log (merchant_id, id, actor_kind, actor_id, action, entity_type, entity_id, before, after, created_at)
  values ('${m}', gen_random_uuid(), 'staff', '${ownerId}', 'wallet.pay', 'member', ${member},
    '{"balances":{"principal_fen":1,"bonus_fen":1}}',
    '{"payment_id":"x","order_ref":"pgbench","principal_fen":200,"bonus_fen":100}', now())
), used as (
  update bonus_part b set remaining_fen = b.remaining_fen - v.amount
  from (values (md5('p' || ${n})::uuid, 100::bigint)) as v (id, amount)
  where b.merchant_id = '${m}' and b.id = v.id returning b.id
)
select * from payment;
update idempotency_key set status_code = 201, response = '{"id":"x","amount_fen":${AMOUNT}}'
  where merchant_id = '${m}' and key = ':key';
commit;
`;
}

const hot = ids[0]!;
const rows: (string | number)[][] = [COMPARE_HEADER];
for (const [name, pick, n] of [
  ['pay, random members', () => ids[Math.floor(Math.random() * ids.length)]!, ':n'],
  ['pay, one member (hot row)', () => hot, '1'],
] as const)
  rows.push(
    await compareRounds(
      name,
      clients,
      rounds,
      (warmUp) => http(name, pick, warmUp ? 2 : slice),
      () => pgbench(database.url, paymentScript(n), { clients, seconds: slice }),
    ),
  );

const check = await sql<{ problems: number; payments: number }>`
  select (select count(*)::int from (
      select b.member_id from ledger_balance b
      join ledger_entry e on e.merchant_id = b.merchant_id and e.member_id = b.member_id and e.ledger = b.ledger
      where b.merchant_id = ${m} group by b.member_id, b.ledger, b.balance
      having b.balance <> sum(e.amount)) t) as problems,
    (select count(*)::int from wallet_payment where merchant_id = ${m}) as payments`.execute(db);

console.log(
  `\nbench:ledger — ${members.toLocaleString()} members, ${clients} clients, ${rounds} × ${slice} s per side and workload, ${new Date().toISOString()}`,
);
console.log(table(rows));
console.log(
  `payments written: ${check.rows[0]!.payments.toLocaleString()}; balances that differ from their entries: ${check.rows[0]!.problems}`,
);
console.log(
  'target: HTTP ≥ 40 % of pgbench TPS at 8 clients (random members); hot row reported. p50/p99: worst round',
);
console.log(loadLine());
server.stop();
await db.destroy();
await database.stop();
