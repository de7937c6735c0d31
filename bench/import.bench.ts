/**
 * npm run bench:import [-- --rows 1000000 --batch 5000]
 * Legacy member import of an N-row CSV (balances and points) next to a raw COPY of the same rows
 * into the same tables (member, legacy card identity, opening entries, balances), in one run on
 * one PostgreSQL (embedded unless DATABASE_URL). Target: the import commit ≥ 25 % of COPY's
 * rows/s, peak RSS of the import < 400 MB.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { createMerchant } from '../src/core/tenancy/merchant.service.ts';
import { connect } from '../src/db/connect.ts';
import { ensureDatabase } from '../src/db/database-server.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { csvLines, writeCopyFiles, writeLines } from './import-data.ts';
import { benchDatabase, loadLine, table } from './support.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    batch: { type: 'string', default: '5000' },
  },
});
const rows = Number(values.rows);
const batch = Number(values.batch);
const dir = resolve('.tmp/bench-import');
rmSync(dir, { recursive: true, force: true });
mkdirSync(join(dir, 'data'), { recursive: true });

const stamp = Date.now();
const copyDb = await benchDatabase(`regulars_bench_import_copy_${stamp}`);
const server = new URL(copyDb.url);
server.pathname = '/postgres';
const importUrl = await ensureDatabase(server.toString(), `regulars_bench_import_run_${stamp}`);

async function prepare(url: string) {
  const conn = connect(url, 2);
  await migrateToLatest(conn.db);
  const { merchant } = await conn.db.transaction().execute((trx) =>
    createMerchant(
      trx,
      {
        name: 'Bench',
        card_prefix: '8801',
        owner: {
          login: `bench-${stamp}-${url.length}-${Math.random()}@bench`,
          display_name: 'bench',
          password: 'Bench12345',
        },
      },
      new Date(),
    ),
  );
  return { ...conn, merchantId: merchant.id };
}
const a = await prepare(copyDb.url);
const b = await prepare(importUrl);

const csvPath = join(dir, `members-${rows}.csv`);
let t = performance.now();
await writeLines(csvPath, csvLines(rows));
const files = {
  member: join(dir, 'member.csv'),
  identity: join(dir, 'identity.csv'),
  entry: join(dir, 'entry.csv'),
  balance: join(dir, 'balance.csv'),
};
await writeCopyFiles(rows, a.merchantId, files);
console.log(`before: ${loadLine()}`);
console.log(
  `generated ${rows.toLocaleString()} rows (${(statSync(csvPath).size / 1e6).toFixed(0)} MB CSV) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
);

/** psql's \copy: the client streams the file, the server does a plain COPY FROM STDIN. */
function psqlCopy(url: string, target: string, file: string): number {
  const start = performance.now();
  execFileSync(
    'psql',
    [
      '-X',
      '-q',
      '-v',
      'ON_ERROR_STOP=1',
      url,
      '-c',
      `\\copy ${target} from '${file}' with (format csv)`,
    ],
    { stdio: 'inherit' },
  );
  return (performance.now() - start) / 1000;
}
const checkpoint = (db: typeof a.db) => sql`checkpoint`.execute(db);

await checkpoint(a.db);
const copySeconds = {
  member: psqlCopy(
    a.url,
    'member (merchant_id, id, card_no, phone, name, gender, birthday, source_channel, custom, registered_at, updated_at)',
    files.member,
  ),
  identity: psqlCopy(
    a.url,
    'member_identity (merchant_id, id, member_id, kind, value, created_at)',
    files.identity,
  ),
  entry: psqlCopy(
    a.url,
    'ledger_entry (merchant_id, id, member_id, ledger, kind, amount, balance_after, ref_type, ref_id, actor_kind, created_at)',
    files.entry,
  ),
  balance: psqlCopy(
    a.url,
    'ledger_balance (merchant_id, member_id, ledger, balance, updated_at)',
    files.balance,
  ),
};
const copyTotal = Object.values(copySeconds).reduce((x, y) => x + y, 0);
await checkpoint(a.db);
await checkpoint(b.db);

const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    resolve('bench/import-child.ts'),
    importUrl,
    b.merchantId,
    csvPath,
    join(dir, 'data'),
    String(batch),
  ],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
let output = '';
child.stdout.on('data', (chunk: Buffer) => {
  output += chunk.toString();
});
t = performance.now();
const code = await new Promise((done) => child.on('exit', done));
if (code !== 0) throw new Error(`import child exited with ${code}`);
const run = JSON.parse(output.trim().split('\n').at(-1)!) as {
  status: string;
  error: string | null;
  ok_rows: number;
  upload_ms: number;
  dry_run_ms: number;
  commit_ms: number;
  dry_run_max_rss_kb: number;
  max_rss_kb: number;
};
if (run.status !== 'done' || run.ok_rows !== rows)
  throw new Error(`import ended ${run.status}: ${run.error}`);

/** Both databases must hold the same rows, or the comparison means nothing. */
async function summary(db: typeof a.db, merchantId: string) {
  const { rows: r } = await sql<Record<string, string>>`select
    (select count(*) from member where merchant_id = ${merchantId}) as members,
    (select count(*) from member_identity where merchant_id = ${merchantId}) as identities,
    (select count(*) from ledger_entry where merchant_id = ${merchantId}) as entries,
    (select count(*) from ledger_balance where merchant_id = ${merchantId}) as balances,
    (select sum(balance)::bigint from ledger_balance where merchant_id = ${merchantId}) as total`.execute(
    db,
  );
  return r[0];
}
const [sa, sb] = [await summary(a.db, a.merchantId), await summary(b.db, b.merchantId)];
if (JSON.stringify(sa) !== JSON.stringify(sb))
  throw new Error(`COPY and import differ: ${JSON.stringify(sa)} vs ${JSON.stringify(sb)}`);

const rate = (seconds: number) => Math.round(rows / seconds).toLocaleString();
const s = (ms: number) => ms / 1000;
const dryCommit = s(run.dry_run_ms + run.commit_ms);
const whole = s(run.upload_ms + run.dry_run_ms + run.commit_ms);
console.log(`\nrows written by each: ${JSON.stringify(sa)}\n`);
console.log(
  table([
    ['step', 'seconds', 'member rows/s', 'vs COPY'],
    ['COPY member', copySeconds.member.toFixed(1), rate(copySeconds.member), ''],
    ['COPY member_identity', copySeconds.identity.toFixed(1), '', ''],
    ['COPY ledger_entry', copySeconds.entry.toFixed(1), '', ''],
    ['COPY ledger_balance', copySeconds.balance.toFixed(1), '', ''],
    ['COPY, all four tables (baseline)', copyTotal.toFixed(1), rate(copyTotal), '100 %'],
    [
      'import upload (stream to disk, sniff)',
      s(run.upload_ms).toFixed(1),
      rate(s(run.upload_ms)),
      '',
    ],
    [
      'import dry run (parse, validate, stage, merge)',
      s(run.dry_run_ms).toFixed(1),
      rate(s(run.dry_run_ms)),
      '',
    ],
    [
      'import commit (batched set-based writes)',
      s(run.commit_ms).toFixed(1),
      rate(s(run.commit_ms)),
      `${((copyTotal / s(run.commit_ms)) * 100).toFixed(0)} %`,
    ],
    [
      'import dry run + commit',
      dryCommit.toFixed(1),
      rate(dryCommit),
      `${((copyTotal / dryCommit) * 100).toFixed(0)} %`,
    ],
    [
      'import upload + dry run + commit',
      whole.toFixed(1),
      rate(whole),
      `${((copyTotal / whole) * 100).toFixed(0)} %`,
    ],
  ]),
);
console.log(
  `\npeak RSS of the import process: ${(run.max_rss_kb / 1024).toFixed(0)} MB (after the dry run: ${(run.dry_run_max_rss_kb / 1024).toFixed(0)} MB); target < 400 MB`,
);
console.log(`batch size ${batch}; target: commit ≥ 25 % of COPY rows/s; ${loadLine()}`);
await a.db.destroy();
await b.db.destroy();
await copyDb.stop();
rmSync(dir, { recursive: true, force: true });
