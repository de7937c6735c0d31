/**
 * npm run bench:members [-- --members 1000000 --seconds 10]
 * Member lookup by phone and by card number over HTTP on N members (p99 target ≤ 5 ms) next to
 * the same SELECT through pgbench; register member over HTTP at 8 clients (target ≥ 40 % of a
 * pgbench script doing the same inserts).
 */
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { connect } from '../src/db/connect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { benchDatabase, benchMerchant, loadLine, pgbench, startServer, table } from './support.ts';

const { values } = parseArgs({
  options: {
    members: { type: 'string', default: '1000000' },
    seconds: { type: 'string', default: '10' },
  },
});
const members = Number(values.members);
const seconds = Number(values.seconds);

const database = await benchDatabase(`regulars_bench_members_${Date.now()}`);
const { db } = connect(database.url, 4);
await migrateToLatest(db);
const { merchantId: m, token } = await benchMerchant(db);

console.log(`before: ${loadLine()}`);
console.log(`seeding ${members.toLocaleString()} members…`);
const seedStart = performance.now();
await sql`
  insert into member (merchant_id, id, card_no, phone, name, gender, source_channel, custom, marketing_consent, status, registered_at, updated_at)
  select ${m}, gen_random_uuid(), '8801' || lpad(g::text, 12, '0'), '+86138' || lpad(g::text, 8, '0'), '会员' || g,
    'unknown', 'store', '{}', false, 'active', now() - make_interval(secs => g), now()
  from generate_series(1, ${members}::int) g`.execute(db);
await sql`vacuum analyze member`.execute(db);
console.log(`seeded in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

const server = await startServer(database.url);
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
const pick = () => 1 + Math.floor(Math.random() * members);

async function http(
  title: string,
  connections: number,
  request: () => { path: string; method?: 'GET' | 'POST'; body?: string },
) {
  const result = await autocannon({
    url: server.url,
    connections,
    duration: seconds,
    headers,
    requests: [{ setupRequest: (req) => ({ ...req, ...request() }) }],
  });
  const non2xx = result.non2xx + result.errors;
  if (non2xx > 0) console.warn(`${title}: ${non2xx} failed requests`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

const lookupSql = (column: string, value: string) =>
  `\\set n random(1, ${members})\nselect * from member where merchant_id = '${m}' and ${column} = ${value};\n`;
const rows: (string | number)[][] = [
  [
    'operation',
    'clients',
    'HTTP req/s',
    'HTTP p50 ms',
    'HTTP p99 ms',
    'pgbench tps',
    'pgbench p99 ms',
    'ratio',
  ],
];
// latency at 1 client (what a cashier waits), throughput at 4
for (const clients of [1, 4]) {
  for (const [name, column, valueSql, path] of [
    [
      'lookup by phone',
      'phone',
      `'+86138' || lpad(:n::text, 8, '0')`,
      (n: number) => `/api/members/lookup?phone=138${String(n).padStart(8, '0')}`,
    ],
    [
      'lookup by card no.',
      'card_no',
      `'8801' || lpad(:n::text, 12, '0')`,
      (n: number) => `/api/members/lookup?card_no=8801${String(n).padStart(12, '0')}`,
    ],
  ] as const) {
    const h = await http(name, clients, () => ({ path: path(pick()) }));
    const p = pgbench(database.url, lookupSql(column, valueSql), { clients, seconds });
    rows.push([
      name,
      clients,
      h.rps.toFixed(0),
      h.p50,
      h.p99,
      p.tps.toFixed(0),
      p.p99_ms.toFixed(2),
      `${((h.rps / p.tps) * 100).toFixed(0)} %`,
    ]);
  }
}

let phone = 0;
const register = await http('register', 8, () => {
  phone += 1;
  return {
    path: '/api/members',
    method: 'POST',
    body: JSON.stringify({
      phone: `150${String(phone).padStart(8, '0')}`,
      name: '压测',
      source_channel: 'store',
    }),
  };
});
await sql`create sequence bench_register`.execute(db);
const registerSql = `begin;
select * from merchant where id = '${m}';
insert into member (merchant_id, id, card_no, phone, name, gender, source_channel, custom, marketing_consent, status, registered_at, updated_at)
  values ('${m}', gen_random_uuid(), '8802' || lpad(nextval('bench_register')::text, 12, '0'), '+86159' || lpad(currval('bench_register')::text, 8, '0'), '压测', 'unknown', 'store', '{}', false, 'active', now(), now());
insert into audit_log (merchant_id, id, actor_kind, actor_id, action, entity_type, entity_id, after, created_at)
  values ('${m}', gen_random_uuid(), 'staff', null, 'member.register', 'member', null, '{}', now());
commit;
`;
const registerBase = pgbench(database.url, registerSql, { clients: 8, seconds });
rows.push([
  'register member',
  8,
  register.rps.toFixed(0),
  register.p50,
  register.p99,
  registerBase.tps.toFixed(0),
  registerBase.p99_ms.toFixed(2),
  `${((register.rps / registerBase.tps) * 100).toFixed(0)} %`,
]);

console.log(
  `\nbench:members — ${members.toLocaleString()} members, ${seconds} s per run, ${new Date().toISOString()}`,
);
console.log(table(rows));
console.log('targets: lookup p99 ≤ 5 ms over HTTP; register ≥ 40 % of pgbench');
console.log(loadLine());
server.stop();
await db.destroy();
await database.stop();
