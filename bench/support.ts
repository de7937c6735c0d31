import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import { generateScaleDemo, type ScaleDemoResult } from '../src/core/demo/demo-scale.ts';
import { login } from '../src/core/tenancy/login.service.ts';
import { createMerchant } from '../src/core/tenancy/merchant.service.ts';
import { connect } from '../src/db/connect.ts';
import type { Db } from '../src/db/database.ts';
import { ensureDatabase } from '../src/db/database-server.ts';
import { startEmbedded } from '../src/db/embedded.ts';
import { migrateToLatest } from '../src/db/migrate.ts';

/** A fresh database for one benchmark run: on DATABASE_URL's server, or a new embedded cluster. */
export async function benchDatabase(
  name: string,
): Promise<{ url: string; stop: () => Promise<void> }> {
  if (process.env.DATABASE_URL) {
    return { url: await ensureDatabase(process.env.DATABASE_URL, name), stop: async () => {} };
  }
  const dir = resolve(`.tmp/bench-pg-${process.pid}`);
  const server = await startEmbedded(dir, await freePort(), (m) => console.error(m));
  return {
    url: await ensureDatabase(server.url, name),
    stop: async () => {
      await server.stop();
      rmSync(server.dataDir, { recursive: true, force: true });
    },
  };
}

export interface ScaleDemo {
  db: Db;
  demo: ScaleDemoResult;
  /** the instant the demo was generated at: its windows mean the same on every reuse */
  now: Date;
  stop: () => Promise<void>;
}

/**
 * The scale demo of `members` members for the benches that read it (segments, RFM, dashboard),
 * generated once into the database `regulars_scale_<members>` (on DATABASE_URL's server, else in
 * an embedded cluster kept under .tmp/bench-scale-pg) and reused while the row it writes last
 * says it finished: 1M members with 10M orders take a quarter of an hour to generate.
 */
export async function scaleDemo(members: number, log: (line: string) => void): Promise<ScaleDemo> {
  const name = `regulars_scale_${members}`;
  const server = process.env.DATABASE_URL
    ? undefined
    : await startEmbedded(resolve('.tmp/bench-scale-pg'), await freePort(), (m) =>
        console.error(m),
      );
  const url = await ensureDatabase(process.env.DATABASE_URL ?? server!.url, name);
  const { db } = connect(url, 2);
  const stop = async () => {
    await db.destroy();
    await server?.stop();
  };
  await migrateToLatest(db);
  await sql`create table if not exists bench_scale_demo (demo jsonb not null, now timestamptz not null)`.execute(
    db,
  );
  const kept = await sql<{ demo: ScaleDemoResult; now: Date }>`
    select demo, now from bench_scale_demo`.execute(db);
  if (kept.rows[0]) {
    log(`reusing the scale demo of ${name}, generated at ${kept.rows[0].now.toISOString()}`);
    return { db, demo: kept.rows[0].demo, now: kept.rows[0].now, stop };
  }
  const merchants = await db.selectFrom('merchant').select('id').execute();
  if (merchants.length > 0) throw new Error(`${name} holds an unfinished scale demo: drop it`);
  const now = new Date();
  log(`generating the scale demo into ${name}: ${members.toLocaleString()} members…`);
  const demo = await generateScaleDemo(db, { members, seed: 11, now, log });
  await sql`insert into bench_scale_demo (demo, now) values (${JSON.stringify(demo)}, ${now})`.execute(
    db,
  );
  log(`${demo.orders.toLocaleString()} orders in ${demo.seconds.toFixed(0)} s`);
  return { db, demo, now, stop };
}

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? done(address.port) : fail(new Error('no port')),
      );
    });
  });
}

export interface PgbenchResult {
  tps: number;
  p50_ms: number;
  p99_ms: number;
}

/** Runs a pgbench custom script and reads per-transaction latencies from its log. */
export function pgbench(
  url: string,
  script: string,
  opts: { clients: number; seconds: number; vars?: Record<string, string> },
): PgbenchResult {
  const dir = mkdtempSync(join(resolve('.tmp'), 'pgbench-'));
  const file = join(dir, 'script.sql');
  writeFileSync(file, script);
  const u = new URL(url);
  const args = [
    '-n',
    '-c',
    String(opts.clients),
    '-j',
    String(Math.min(opts.clients, 2)),
    '-T',
    String(opts.seconds),
    '-f',
    file,
    '-l',
    '--log-prefix',
    join(dir, 'log'),
  ];
  for (const [k, v] of Object.entries(opts.vars ?? {})) args.push('-D', `${k}=${v}`);
  args.push(
    '-h',
    u.hostname,
    '-p',
    u.port || '5432',
    '-U',
    decodeURIComponent(u.username),
    u.pathname.slice(1),
  );
  const out = execFileSync('pgbench', args, {
    env: { ...process.env, PGPASSWORD: decodeURIComponent(u.password) },
    encoding: 'utf8',
  });
  const tps = Number(/tps = ([\d.]+)/.exec(out)?.[1]);
  const latencies: number[] = [];
  for (const f of readdirSync(dir).filter((f) => f.startsWith('log'))) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      const us = Number(line.split(' ')[2]);
      if (Number.isFinite(us) && line) latencies.push(us / 1000);
    }
  }
  rmSync(dir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return { tps, p50_ms: at(0.5), p99_ms: at(0.99) };
}

/** Starts the real HTTP server (bench/serve.ts) in a child process; resolves when it listens. */
export async function startServer(databaseUrl: string): Promise<{ url: string; stop: () => void }> {
  const port = await freePort();
  // BENCH_SERVER_FLAGS passes node flags to the server alone, e.g. `--cpu-prof` to profile it
  const flags = process.env.BENCH_SERVER_FLAGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...flags, '--import', 'tsx', resolve('bench/serve.ts')], {
    env: { ...process.env, BENCH_DATABASE_URL: databaseUrl, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((done, fail) => {
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('listening') && done());
    child.on('exit', (code) => fail(new Error(`server exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}

/** Benchmarks are read only from a quiet machine: every report says how busy the box was. */
export function loadLine(): string {
  const [one, five, fifteen] = loadavg().map((l) => l.toFixed(2));
  return `load average ${one} / ${five} / ${fifteen} (1/5/15 min) on ${availableParallelism()} cores`;
}

export function table(rows: (string | number)[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((c, i) => String(c).padEnd(widths[i]!)).join('  ')).join('\n');
}

/**
 * `n` active members of `merchantId` with marketing consent and birthdays spread over the days
 * of the year, in one statement (a quick generator where the scale demo's history is not needed);
 * `tag` keeps two merchants' ids apart.
 */
export async function insertConsentingMembers(db: Db, merchantId: string, tag: string, n: number) {
  await sql`
    insert into member (merchant_id, id, card_no, phone, name, gender, birthday, source_channel,
      custom, marketing_consent, status, registered_at, updated_at)
    select ${merchantId}, md5(${tag} || g)::uuid, '8801' || lpad(g::text, 12, '0'),
      '+86138' || lpad(g::text, 8, '0'), null, 'unknown', '1990-01-01'::date + (g % 365),
      'store', '{}', true, 'active', '2025-01-01', '2025-01-01'
    from generate_series(1, ${n}::int) g`.execute(db);
}

/** The benchmark's merchant and its owner, logged in: the session the HTTP side uses. */
export async function benchMerchant(db: Db) {
  const owner = `bench-${Date.now()}@bench`;
  const { merchant, ownerId } = await db.transaction().execute((trx) =>
    createMerchant(
      trx,
      {
        name: 'Bench',
        card_prefix: '8801',
        owner: { login: owner, display_name: 'bench', password: 'Bench12345' },
      },
      new Date(),
    ),
  );
  const session = await login(
    db,
    { login: owner, password: 'Bench12345', address: '127.0.0.1' },
    new Date(),
    { sessionHours: 12, sessionIdleMinutes: 60 },
  );
  if (!session.ok) throw new Error('login failed');
  return { merchantId: merchant.id, ownerId, token: session.token };
}

export interface HttpRound {
  rps: number;
  p50: number;
  p99: number;
}

/** The header of `compareRounds` rows. */
export const COMPARE_HEADER = [
  'workload',
  'clients',
  'HTTP req/s',
  'HTTP p50 ms',
  'HTTP p99 ms',
  'pgbench tps',
  'pgbench p99 ms',
  'ratio',
];

/**
 * One workload, HTTP and its pgbench twin alternating for `rounds` slices (after a warm-up that
 * is not counted), so load from anything else falls on both sides of the ratio alike. Returns
 * the table row: mean throughput, worst-round latencies, the ratio.
 */
export async function compareRounds(
  name: string,
  clients: number,
  rounds: number,
  http: (warmUp: boolean) => Promise<HttpRound>,
  twin: () => PgbenchResult,
): Promise<(string | number)[]> {
  await http(true);
  const h: HttpRound[] = [];
  const p: PgbenchResult[] = [];
  for (let r = 0; r < rounds; r++) {
    h.push(await http(false));
    p.push(twin());
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const rps = mean(h.map((x) => x.rps));
  const tps = mean(p.map((x) => x.tps));
  return [
    name,
    clients,
    rps.toFixed(0),
    Math.max(...h.map((x) => x.p50)),
    Math.max(...h.map((x) => x.p99)),
    tps.toFixed(0),
    Math.max(...p.map((x) => x.p99_ms)).toFixed(2),
    `${((rps / tps) * 100).toFixed(0)} %`,
  ];
}
