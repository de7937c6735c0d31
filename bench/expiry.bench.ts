/**
 * npm run bench:expiry [-- --members 1000000 --lots-per-member 5 --due-per-member 2]
 *
 * Daily points expiry over N members with 5N lots in one merchant: the job's set-based
 * statement (`expireDuePoints`) next to one hand-written INSERT … SELECT of the expire entries
 * plus the UPDATEs of balances and lots, each on its own fresh copy of identical data (two
 * databases cloned from one seeded template), in the same run. Target: job ≤ 2× baseline.
 * Uses DATABASE_URL's server when set, else a new embedded PostgreSQL.
 */
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { expireDuePoints } from '../src/core/points/points-expiry.service.ts';
import { createMerchant } from '../src/core/tenancy/merchant.service.ts';
import { connect } from '../src/db/connect.ts';
import type { Db } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { benchDatabase, loadLine, table } from './support.ts';

const { values } = parseArgs({
  options: {
    members: { type: 'string', default: '1000000' },
    'lots-per-member': { type: 'string', default: '5' },
    'due-per-member': { type: 'string', default: '2' },
  },
});
const members = Number(values.members);
const lotsPer = Number(values['lots-per-member']);
const duePer = Number(values['due-per-member']);
if (!(members > 0 && lotsPer > 0 && duePer >= 0 && duePer <= lotsPer)) throw new Error('bad flags');

// 2027-01-01 00:00 in Asia/Shanghai: the run happens 5 s after the merchant's midnight
const midnight = new Date('2026-12-31T16:00:00Z');
const runAt = new Date(midnight.getTime() + 5000);
const stamp = Date.now();
const source = await benchDatabase(`regulars_bench_expiry_${stamp}`);
const src = connect(source.url, 2);
await migrateToLatest(src.db);
const { merchant } = await src.db.transaction().execute((trx) =>
  createMerchant(
    trx,
    {
      name: 'Bench',
      card_prefix: '8801',
      owner: { login: `bench-${stamp}@bench`, display_name: 'bench', password: 'Bench12345' },
    },
    new Date(),
  ),
);
const m = merchant.id;

console.log(`before: ${loadLine()}`);
console.log(
  `seeding ${members.toLocaleString()} members, ${(members * lotsPer).toLocaleString()} lots (${duePer} due per member)…`,
);
let t = performance.now();
// Deterministic ids (md5 of the row number) let lots, entries and balances join without lookups.
await sql`
  insert into member (merchant_id, id, card_no, phone, name, gender, source_channel, custom, marketing_consent, status, registered_at, updated_at)
  select ${m}, md5('m' || g)::uuid, '8801' || lpad(g::text, 12, '0'), '+86138' || lpad(g::text, 8, '0'), null,
    'unknown', 'store', '{}', false, 'active', '2025-01-01', '2025-01-01'
  from generate_series(1, ${members}::int) g`.execute(src.db);
await sql`
  insert into ledger_entry (merchant_id, id, member_id, ledger, kind, amount, balance_after, actor_kind, created_at)
  select ${m}, md5('e' || g || '-' || k)::uuid, md5('m' || g)::uuid, 'points', 'earn', 100 + (g * 7 + k) % 400, 0,
    'system', timestamptz '2025-01-01' + make_interval(days => k * 30)
  from generate_series(1, ${members}::int) g, generate_series(1, ${lotsPer}::int) k`.execute(
  src.db,
);
// lots 1..due expire at or before this midnight (some partly spent), the rest in the future
await sql`
  insert into points_lot (merchant_id, id, member_id, entry_id, amount, remaining, expires_at, created_at)
  select ${m}, md5('l' || g || '-' || k)::uuid, md5('m' || g)::uuid, md5('e' || g || '-' || k)::uuid,
    100 + (g * 7 + k) % 400, 100 + (g * 7 + k) % 400 - (g % 3) * 30,
    case when k <= ${duePer}::int then ${midnight}::timestamptz - make_interval(days => k - 1)
      else ${midnight}::timestamptz + make_interval(months => k) end,
    timestamptz '2025-01-01' + make_interval(days => k * 30)
  from generate_series(1, ${members}::int) g, generate_series(1, ${lotsPer}::int) k`.execute(
  src.db,
);
// the balance holds the lots plus a lot-less opening part on every 4th member
await sql`
  insert into ledger_balance (merchant_id, member_id, ledger, balance, updated_at)
  select ${m}, member_id, 'points', sum(remaining) + case when max(id::text) < '4' then 250 else 0 end, '2025-01-01'
  from points_lot where merchant_id = ${m} group by member_id`.execute(src.db);
await sql`vacuum analyze`.execute(src.db);
console.log(`seeded in ${((performance.now() - t) / 1000).toFixed(1)} s`);
await src.db.destroy();

// two identical fresh copies: one for the job, one for the hand-written SQL
const urlOf = (name: string) => {
  const url = new URL(source.url);
  url.pathname = `/${name}`;
  return url.toString();
};
const admin = connect(urlOf('postgres'), 1);
const copies = {
  job: `regulars_bench_expiry_${stamp}_job`,
  sql: `regulars_bench_expiry_${stamp}_sql`,
};
for (const name of Object.values(copies))
  await sql
    .raw(`create database ${name} template regulars_bench_expiry_${stamp}`)
    .execute(admin.db);
const open = (name: string) => connect(urlOf(name), 2);
const jobDb = open(copies.job);
const sqlDb = open(copies.sql);

/** Reads the tables once so that neither run starts with a colder cache than the other. */
async function warm(db: Db) {
  await sql`select sum(remaining), count(*) from points_lot`.execute(db);
  await sql`select sum(balance) from ledger_balance`.execute(db);
}

async function handWritten(db: Db): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const due = sql`select member_id, sum(remaining)::bigint as amount from points_lot
      where merchant_id = ${m} and remaining > 0 and expires_at <= ${runAt} group by member_id`;
    await sql`
      insert into ledger_entry (merchant_id, id, member_id, ledger, kind, amount, balance_after, ref_type, actor_kind, created_at)
      select ${m}, gen_random_uuid(), d.member_id, 'points', 'expire', -d.amount, b.balance - d.amount, 'points_expiry', 'system', ${runAt}
      from (${due}) d join ledger_balance b on b.merchant_id = ${m} and b.member_id = d.member_id and b.ledger = 'points'`.execute(
      trx,
    );
    await sql`
      update ledger_balance b set balance = b.balance - d.amount, updated_at = ${runAt}
      from (${due}) d where b.merchant_id = ${m} and b.member_id = d.member_id and b.ledger = 'points'`.execute(
      trx,
    );
    await sql`
      update points_lot set expired = expired + remaining, remaining = 0
      where merchant_id = ${m} and remaining > 0 and expires_at <= ${runAt}`.execute(trx);
  });
}

async function outcome(db: Db) {
  const { rows } = await sql<{
    entries: number;
    expired: number;
    balance: number;
    lots_left: number;
  }>`
    select (select count(*) from ledger_entry where kind = 'expire')::int as entries,
      (select coalesce(-sum(amount), 0) from ledger_entry where kind = 'expire')::bigint as expired,
      (select sum(balance) from ledger_balance)::bigint as balance,
      (select sum(remaining) from points_lot)::bigint as lots_left`.execute(db);
  return rows[0]!;
}

await warm(sqlDb.db);
t = performance.now();
await handWritten(sqlDb.db);
const baselineMs = performance.now() - t;

await warm(jobDb.db);
t = performance.now();
const job = await expireDuePoints(jobDb.db, runAt);
const jobMs = performance.now() - t;

const [a, b] = [await outcome(jobDb.db), await outcome(sqlDb.db)];
if (JSON.stringify(a) !== JSON.stringify(b))
  throw new Error(`results differ: job ${JSON.stringify(a)} vs sql ${JSON.stringify(b)}`);
const again = await expireDuePoints(jobDb.db, runAt);
if (again.lots !== 0) throw new Error('a second run expired more');

console.log(
  `\n${table([
    ['daily expiry', 'members', 'lots', 'lots expired', 'entries', 'points', 'time s'],
    [
      'hand-written INSERT…SELECT + UPDATE',
      members,
      members * lotsPer,
      job.lots,
      b.entries,
      b.expired,
      (baselineMs / 1000).toFixed(2),
    ],
    [
      'expireDuePoints (job)',
      members,
      members * lotsPer,
      job.lots,
      a.entries,
      a.expired,
      (jobMs / 1000).toFixed(2),
    ],
  ])}\n\njob / baseline = ${(jobMs / baselineMs).toFixed(2)}× (target ≤ 2×); second run expired ${again.lots} lots; ${loadLine()}\n`,
);

await jobDb.db.destroy();
await sqlDb.db.destroy();
for (const name of [...Object.values(copies), `regulars_bench_expiry_${stamp}`])
  await sql.raw(`drop database if exists ${name} with (force)`).execute(admin.db);
await admin.db.destroy();
await source.stop();
