/**
 * npm run bench:orders-import [-- --rows 1000000 --batch 5000 --members 100000]
 * (or ORDERS_IMPORT_ROWS=…) Order history import of an N-row CSV (one order per row, matched to
 * members by phone) next to raw COPYs of the same rows, in one run on one PostgreSQL (embedded
 * unless DATABASE_URL): the CSV into a bare table (the baseline), and the same orders as finished
 * rows into sale_order and sale_order_line of a twin merchant (what the import writes, with the
 * tables' indexes). Target: the import commit ≥ 25 % of the baseline's rows/s, memory flat (peak
 * RSS of the import process printed).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { v7 } from 'uuid';
import { createStore } from '../src/core/tenancy/store.service.ts';
import { systemCtx } from '../src/core/tenancy/system-ctx.ts';
import { connect } from '../src/db/connect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { writeLines } from './import-data.ts';
import { benchDatabase, benchMerchant, loadLine, table } from './support.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: process.env.ORDERS_IMPORT_ROWS ?? '1000000' },
    batch: { type: 'string', default: '5000' },
    members: { type: 'string' },
  },
});
const rows = Number(values.rows);
const batch = Number(values.batch);
const members = Number(values.members ?? Math.max(1, Math.round(rows / 10)));
const dir = resolve('.tmp/bench-orders-import');
rmSync(dir, { recursive: true, force: true });
mkdirSync(join(dir, 'data'), { recursive: true });

const database = await benchDatabase(`regulars_bench_orders_import_${Date.now()}`);
const conn = connect(database.url, 2);
await migrateToLatest(conn.db);
const STORES = ['S01', 'S02', 'S03', 'S04'];

/** A merchant with the stores and members the orders belong to (not what is measured). */
async function benchShop() {
  const { merchantId } = await benchMerchant(conn.db);
  const ctx = systemCtx(merchantId, new Date());
  const storeIds: string[] = [];
  await conn.db.transaction().execute(async (trx) => {
    for (const code of STORES)
      storeIds.push((await createStore(trx, ctx, { code, name: `门店${code}` })).id);
  });
  await sql`
    insert into member (merchant_id, id, card_no, phone, gender, source_channel, custom,
      registered_at, updated_at)
    select ${merchantId}, gen_random_uuid(), 'B' || i, '+86139' || lpad(i::text, 8, '0'),
      'unknown', 'import', '{}', now() - interval '3 years', now()
    from generate_series(1, ${members}) i`.execute(conn.db);
  return { merchantId, storeIds };
}
const { merchantId } = await benchShop();
const twin = await benchShop();

const CATEGORIES = ['面包', '蛋糕', '芒果系列', '饮品', '甜点'];
const start = Date.UTC(2023, 0, 1);

/** Order i: number, local paid time, store, member (its phone's index), amount, category. */
function order(i: number) {
  const at = new Date(start + ((i * 61_000) % (700 * 86_400_000))).toISOString();
  return {
    no: `H${i + 1}`,
    paid: `${at.slice(0, 10)} ${at.slice(11, 19)}`,
    store: i % 4,
    member: ((i * 7919) % members) + 1,
    fen: 500 + ((i * 37) % 30_000),
    category: CATEGORIES[i % 5]!,
  };
}

function* orderLines(): Generator<string> {
  yield '订单号,支付时间,门店,手机号,实付金额,品类\n';
  for (let i = 0; i < rows; i++) {
    const o = order(i);
    const phone = `139${String(o.member).padStart(8, '0')}`;
    const yuan = `${Math.floor(o.fen / 100)}.${String(o.fen % 100).padStart(2, '0')}`;
    yield `${o.no},${o.paid},${STORES[o.store]},${phone},${yuan},${o.category}\n`;
  }
}

/** The same orders as the import writes them, as COPY rows of the twin merchant. */
async function writeTwinFiles(orderFile: string, lineFile: string) {
  const ids = (
    await sql<{ id: string }>`select id from member where merchant_id = ${twin.merchantId}
      order by phone`.execute(conn.db)
  ).rows.map((r) => r.id);
  const now = new Date().toISOString();
  const orderIds = Array.from({ length: rows }, () => v7());
  const trace = '"[{""step"":""history_import""}]"';
  await writeLines(
    orderFile,
    (function* () {
      for (let i = 0; i < rows; i++) {
        const o = order(i);
        const f = o.fen;
        const who = `${ids[o.member - 1]},${twin.storeIds[o.store]}`;
        yield `${twin.merchantId},${orderIds[i]},${i + 1},history,${o.no},${who},,paid,${f},0,0,0,0,${f},0,0,${f},0,0,{},${trace},,,,${o.paid}+08,${now}\n`;
      }
    })(),
  );
  await writeLines(
    lineFile,
    (function* () {
      for (let i = 0; i < rows; i++) {
        const o = order(i);
        const f = o.fen;
        yield `${twin.merchantId},${orderIds[i]},1,,${o.category},${o.category},1,${f},${f},0,0,[],0,0,${f},0,0,${f},${f},0,0\n`;
      }
    })(),
  );
}

const csvPath = join(dir, `orders-${rows}.csv`);
const twinFiles = { order: join(dir, 'sale_order.csv'), line: join(dir, 'sale_order_line.csv') };
const t = performance.now();
await writeLines(csvPath, orderLines());
await writeTwinFiles(twinFiles.order, twinFiles.line);
console.log(
  `generated ${rows.toLocaleString()} order rows for ${members.toLocaleString()} members (${(statSync(csvPath).size / 1e6).toFixed(0)} MB CSV) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
);

/** psql's \copy: the client streams the file, the server does a plain COPY FROM STDIN. */
function psqlCopy(target: string, file: string, header = false): number {
  const begin = performance.now();
  execFileSync(
    'psql',
    [
      '-X',
      '-q',
      '-v',
      'ON_ERROR_STOP=1',
      database.url,
      '-c',
      `\\copy ${target.replace(/\s+/g, ' ')} from '${file}' with (format csv, header ${header})`,
    ],
    { stdio: 'inherit' },
  );
  return (performance.now() - begin) / 1000;
}

// the baseline: the same file into a bare table
await sql`create table bench_bare_order (order_no text, paid_at timestamp, store text, phone text,
  amount numeric(12, 2), category text)`.execute(conn.db);
await sql`checkpoint`.execute(conn.db);
const copySeconds = psqlCopy('bench_bare_order', csvPath, true);
await sql`checkpoint`.execute(conn.db);
const twinSeconds =
  psqlCopy(
    `sale_order (merchant_id, id, number, channel, external_id, member_id, store_id, staff_id,
      status, amount_fen, tier_discount_fen, coupon_discount_fen, points_used,
      points_deduction_fen, due_fen, principal_fen, bonus_fen, tender_fen, points_earned, growth,
      applied_coupon_ids, trace, points_debit_id, points_credit_id, wallet_payment_id, paid_at,
      created_at)`,
    twinFiles.order,
  ) +
  psqlCopy(
    `sale_order_line (merchant_id, order_id, line_id, sku_id, name, category, quantity,
      unit_price_fen, amount_fen, tier_discount_fen, coupon_discount_fen, coupons, points_used,
      points_deduction_fen, due_fen, principal_fen, bonus_fen, tender_fen, earn_base_fen,
      points_earned, growth)`,
    twinFiles.line,
  );
await sql`checkpoint`.execute(conn.db);

const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    resolve('bench/import-child.ts'),
    database.url,
    merchantId,
    csvPath,
    join(dir, 'data'),
    String(batch),
    'orders',
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
let output = '';
child.stdout.on('data', (chunk: Buffer) => {
  output += chunk.toString();
});
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
  throw new Error(`import ended ${run.status} with ${run.ok_rows} rows: ${run.error}`);

const { rows: written } = await sql<Record<string, string>>`select
  (select count(*) from bench_bare_order) as copied,
  (select count(*) from sale_order where merchant_id = ${merchantId}) as orders,
  (select count(*) from sale_order where merchant_id = ${twin.merchantId}) as twin_orders,
  (select count(*) from sale_order_line where merchant_id = ${merchantId}) as lines,
  (select sum(amount * 100)::bigint from bench_bare_order) as copied_fen,
  (select sum(due_fen)::bigint from sale_order where merchant_id = ${merchantId}) as order_fen,
  (select sum(order_count)::bigint from member_fact where merchant_id = ${merchantId}) as fact_orders`.execute(
  conn.db,
);
const w = written[0]!;
if (
  w.copied !== w.orders ||
  w.twin_orders !== w.orders ||
  w.copied_fen !== w.order_fen ||
  w.orders !== w.fact_orders
)
  throw new Error(`COPY and import differ: ${JSON.stringify(w)}`);

const rate = (seconds: number) => Math.round(rows / seconds).toLocaleString();
const s = (ms: number) => ms / 1000;
const vsCopy = (seconds: number) => `${((copySeconds / seconds) * 100).toFixed(0)} %`;
const dryCommit = s(run.dry_run_ms + run.commit_ms);
console.log(`\nrows written: ${JSON.stringify(w)}\n`);
console.log(
  table([
    ['step', 'seconds', 'rows/s', 'vs COPY'],
    ['COPY into a bare table (baseline)', copySeconds.toFixed(1), rate(copySeconds), '100 %'],
    [
      'COPY into sale_order + sale_order_line (their indexes)',
      twinSeconds.toFixed(1),
      rate(twinSeconds),
      vsCopy(twinSeconds),
    ],
    [
      'import upload (stream to disk, sniff)',
      s(run.upload_ms).toFixed(1),
      rate(s(run.upload_ms)),
      '',
    ],
    [
      'import dry run (parse, validate, match members, stage)',
      s(run.dry_run_ms).toFixed(1),
      rate(s(run.dry_run_ms)),
      vsCopy(s(run.dry_run_ms)),
    ],
    [
      'import commit (orders, lines, facts; set-based per batch)',
      s(run.commit_ms).toFixed(1),
      rate(s(run.commit_ms)),
      vsCopy(s(run.commit_ms)),
    ],
    ['import dry run + commit', dryCommit.toFixed(1), rate(dryCommit), vsCopy(dryCommit)],
  ]),
);
console.log(
  `\npeak RSS of the import process: ${(run.max_rss_kb / 1024).toFixed(0)} MB (after the dry run: ${(run.dry_run_max_rss_kb / 1024).toFixed(0)} MB)`,
);
console.log(
  `import commit vs COPY into sale_order + sale_order_line: ${((twinSeconds / s(run.commit_ms)) * 100).toFixed(0)} %`,
);
console.log(`batch size ${batch}; target: commit ≥ 25 % of COPY rows/s`);
console.log(loadLine());
await conn.db.destroy();
await database.stop();
rmSync(dir, { recursive: true, force: true });
