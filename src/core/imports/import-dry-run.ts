import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import type { ErrorCode } from '../../lib/error-codes.ts';
import { errorMessage } from '../../lib/errors.ts';
import { localDateOf } from '../../lib/time.ts';
import type { Ctx } from '../context.ts';
import { getMerchant } from '../tenancy/merchant.service.ts';
import { type RowEnv, type RowError, type StagedRow, validateRow } from './import.rules.ts';
import type { ImportDuplicate, ImportJobRow, ImportReport, ImportTarget } from './import.table.ts';
import { readTable, type TableSource, uploadPath } from './import-file.ts';
import { isHeaderRow, mappedColumns } from './import-mapping.rules.ts';
import { DEFAULT_BATCH_SIZE, type ImportRunOptions, lockRunningJob } from './import-options.ts';
import { orderKind } from './import-order-dry-run.ts';

export interface BadCell {
  line: number;
  column: string;
  code: ErrorCode;
  raw: string[];
}

interface Batch<R> {
  rows: R[];
  /** the cells of each valid row, for an error found when the batch is staged */
  raw: Map<number, string[]>;
  errors: BadCell[];
  lastLine: number;
  count: number;
}

const newBatch = <R>(): Batch<R> => ({
  rows: [],
  raw: new Map(),
  errors: [],
  lastLine: 0,
  count: 0,
});

/**
 * What differs between a member file and an order file; the reading, batching, resume points
 * and error keeping are the same machinery for both.
 */
export interface DryRunKind<R extends { line: number }, E> {
  env(db: Db, ctx: Ctx): Promise<E>;
  validate(
    line: number,
    values: readonly string[],
    columns: ReturnType<typeof mappedColumns>,
    env: E,
  ): { row: R | undefined; errors: RowError[] };
  /** Stages a batch's valid rows; returns the rows refused against the database (by line). */
  stage(trx: Trx, ctx: Ctx, job: ImportJobRow, rows: R[]): Promise<LineError[]>;
  /** After the last batch: whole-file checks, the report, and the job to dry_run_done. */
  finalize(db: Db, ctx: Ctx, job: ImportJobRow, source: TableSource): Promise<void>;
}

export interface LineError {
  line: number;
  column: string;
  code: ErrorCode;
}

const memberKind: DryRunKind<StagedRow, RowEnv> = {
  env: rowEnv,
  validate: validateRow,
  stage: async (trx, ctx, job, rows) => {
    await insertStagedRows(trx, ctx, job.id, rows);
    return [];
  },
  finalize: finalizeDryRun,
};

// looked up when a run starts: the order kind's module imports this one
const kindOf = (job: ImportJobRow) =>
  (job.kind === 'orders' ? orderKind : memberKind) as DryRunKind<{ line: number }, unknown>;

export const sourceOf = (job: ImportJobRow, dataDir: string): TableSource => ({
  path: uploadPath(dataDir, job.id),
  format: job.format,
  encoding: job.encoding,
  delimiter: job.delimiter,
});

/**
 * The dry run: streams the file, validates every row and stages the valid ones (parsed) in
 * batches, each with the resume point in the same transaction; then lets PostgreSQL find the
 * duplicates and apply the merge rule. Members and ledgers are not touched.
 */
export async function runDryRun(
  db: Db,
  ctx: Ctx,
  job: ImportJobRow,
  options: ImportRunOptions,
): Promise<void> {
  if (job.staged_through_line === 0) await clearStaging(db, ctx, job.id);
  await dryRunAs(kindOf(job), db, ctx, job, options);
}

async function dryRunAs<R extends { line: number }, E>(
  kind: DryRunKind<R, E>,
  db: Db,
  ctx: Ctx,
  job: ImportJobRow,
  options: ImportRunOptions,
): Promise<void> {
  const env = await kind.env(db, ctx);
  const columns = mappedColumns(job.headers, job.mapping);
  const source = sourceOf(job, options.dataDir);
  const progress = { bytesRead: 0 };
  const size = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const resumeAfter = job.staged_through_line;
  let batch = newBatch<R>();
  let seen = 0;
  let batchNo = 0;
  let header = true;
  const flush = async () => {
    const estimate = Math.max(seen, Math.round((seen * job.file_size) / (progress.bytesRead || 1)));
    await stageBatch(kind, db, ctx, job.id, batch, { seen, estimate, batchNo: ++batchNo }, options);
    batch = newBatch<R>();
  };
  for await (const { line, values } of readTable(source, progress)) {
    if (header) {
      // title lines above the header row are not data
      header = !isHeaderRow(values, job.headers);
      continue;
    }
    seen += 1;
    if (line <= resumeAfter) continue;
    const result = kind.validate(line, values, columns, env);
    if (result.row) {
      batch.rows.push(result.row);
      batch.raw.set(line, values);
    }
    for (const e of result.errors) batch.errors.push({ line, ...e, raw: values });
    batch.lastLine = line;
    batch.count += 1;
    if (batch.count >= size) await flush();
  }
  if (batch.count > 0) await flush();
  await kind.finalize(db, ctx, job, source);
  options.onProgress?.({ phase: 'dry_run', processed: seen, total: seen });
}

async function rowEnv(db: Db, ctx: Ctx): Promise<RowEnv> {
  const merchant = await getMerchant(db, ctx);
  const stores = await db
    .selectFrom('store')
    .select(['id', 'code', 'name'])
    .where('merchant_id', '=', ctx.merchantId)
    .execute();
  // codes first, so that a store's own name wins over another store's identical code
  const byKey = new Map<string, string>();
  for (const s of stores) byKey.set(s.code.trim().toLowerCase(), s.id);
  for (const s of stores) byKey.set(s.name.trim(), s.id);
  return {
    allowForeignPhone: merchant.allow_foreign_phone,
    zone: merchant.time_zone,
    today: localDateOf(ctx.now, merchant.time_zone),
    now: ctx.now,
    stores: byKey,
  };
}

async function clearStaging(db: Db, ctx: Ctx, jobId: string): Promise<void> {
  for (const table of STAGING_TABLES) {
    await db
      .deleteFrom(table)
      .where('merchant_id', '=', ctx.merchantId)
      .where('job_id', '=', jobId)
      .execute();
  }
}

async function stageBatch<R extends { line: number }, E>(
  kind: DryRunKind<R, E>,
  db: Db,
  ctx: Ctx,
  jobId: string,
  batch: Batch<R>,
  at: { seen: number; estimate: number; batchNo: number },
  options: ImportRunOptions,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const job = await lockRunningJob(trx, ctx, jobId, 'dry_running');
    // a line already staged (by an earlier run of this job) is never staged twice
    const after = job.staged_through_line;
    const refused = await kind.stage(
      trx,
      ctx,
      job,
      batch.rows.filter((r) => r.line > after),
    );
    const errors = batch.errors.filter((e) => e.line > after);
    for (const e of refused) errors.push({ ...e, raw: batch.raw.get(e.line) ?? [] });
    await insertErrors(trx, ctx, jobId, errors);
    await trx
      .updateTable('import_job')
      .set({
        staged_through_line: Math.max(after, batch.lastLine),
        processed_rows: at.seen,
        total_rows: at.estimate,
      })
      .where('merchant_id', '=', ctx.merchantId)
      .where('id', '=', jobId)
      .execute();
    await options.beforeBatchCommit?.(trx, at.batchNo);
  });
  options.onProgress?.({ phase: 'dry_run', processed: at.seen, total: at.estimate });
  await options.afterBatch?.(at.batchNo);
}

/** One statement per batch: arrays unnested into rows (no per-row round trips). */
async function insertStagedRows(trx: Trx, ctx: Ctx, jobId: string, rows: StagedRow[]) {
  if (rows.length === 0) return;
  const col = <K extends keyof StagedRow>(k: K) => rows.map((r) => r[k]);
  await sql`
    insert into import_row (merchant_id, job_id, line, phone, name, gender, birthday, card_no,
      principal_fen, bonus_fen, points, tier, store_id, registered_at)
    select ${ctx.merchantId}, ${jobId}, t.*
    from unnest(${col('line')}::int[], ${col('phone')}::text[], ${col('name')}::text[],
      ${col('gender')}::text[], ${col('birthday')}::date[], ${col('card_no')}::text[],
      ${col('principal_fen')}::bigint[], ${col('bonus_fen')}::bigint[], ${col('points')}::bigint[],
      ${col('tier')}::text[], ${col('store_id')}::uuid[], ${col('registered_at')}::timestamptz[])
      as t(line, phone, name, gender, birthday, card_no, principal_fen, bonus_fen, points, tier,
        store_id, registered_at)
    on conflict do nothing`.execute(trx);
}

export async function insertErrors(trx: Trx, ctx: Ctx, jobId: string, errors: BadCell[]) {
  if (errors.length === 0) return;
  await sql`
    insert into import_row_error (merchant_id, job_id, line, column_name, code, message, raw)
    select ${ctx.merchantId}, ${jobId}, t.line, t.column_name, t.code, t.message, t.raw::jsonb
    from unnest(${errors.map((e) => e.line)}::int[], ${errors.map((e) => e.column)}::text[],
      ${errors.map((e) => e.code)}::text[],
      ${errors.map((e) => errorMessage(e.code, ctx.locale))}::text[],
      ${errors.map((e) => JSON.stringify(e.raw))}::text[])
      as t(line, column_name, code, message, raw)
    on conflict do nothing`.execute(trx);
}

/** The merchant's member for each phone of the job, following merges to the survivor. */
export const ownerTableSql = (merchantId: string, phones: ReturnType<typeof sql>) => sql`
  with recursive chain as (
    select m.phone as key, m.id, m.status, m.merged_into_id, m.card_no, 0 as depth
    from member m
    where m.merchant_id = ${merchantId} and m.phone in (${phones})
    union all
    select c.key, n.id, n.status, n.merged_into_id, n.card_no, c.depth + 1
    from chain c join member n on n.merchant_id = ${merchantId} and n.id = c.merged_into_id
    where c.status = 'merged' and c.depth < 8
  )
  select distinct on (key) key as phone, id as member_id, status, card_no
  from chain order by key, depth desc`;

async function finalizeDryRun(db: Db, ctx: Ctx, job: ImportJobRow, source: TableSource) {
  const m = ctx.merchantId;
  const j = job.id;
  await db.transaction().execute(async (trx) => {
    await lockRunningJob(trx, ctx, j, 'dry_running');
    // fresh statistics: the staging rows were just written, the planner must not guess
    await sql`analyze import_row`.execute(trx);
    await sql`set local work_mem = '64MB'`.execute(trx);
    await sql`create temp table import_owner on commit drop as ${ownerTableSql(
      m,
      sql`select phone from import_row where merchant_id = ${m} and job_id = ${j}`,
    )}`.execute(trx);
    await rejectConflicts(trx, ctx, job, source);
    await buildGroups(trx, ctx, j);
    const counts = await countRows(trx, ctx, j);
    const report: ImportReport = {
      errors: await trx
        .selectFrom('import_row_error')
        .select(['line', 'column_name as column', 'code'])
        .where('merchant_id', '=', m)
        .where('job_id', '=', j)
        .orderBy('line')
        .orderBy('column_name')
        .limit(100)
        .execute(),
      duplicates: await firstDuplicates(trx, ctx, j),
    };
    await trx
      .updateTable('import_job')
      .set({
        status: 'dry_run_done',
        ...counts,
        total_rows: counts.ok_rows + counts.bad_rows,
        processed_rows: counts.ok_rows + counts.bad_rows,
        report: JSON.stringify(report),
        dry_run_at: ctx.now,
      })
      .where('merchant_id', '=', m)
      .where('id', '=', j)
      .execute();
  });
}

/**
 * Checks that need the whole file or the database: a card number used by two phones (the first
 * phone keeps it), a card number that belongs to another member, a phone whose member was
 * erased. Such rows move to the errors, with their original cells read again from the file.
 */
async function rejectConflicts(trx: Trx, ctx: Ctx, job: ImportJobRow, source: TableSource) {
  const m = ctx.merchantId;
  const j = job.id;
  const { rows } = await sql<{ line: number; code: ErrorCode }>`
    with keep as (
      select distinct on (card_no) card_no, phone from import_row
      where merchant_id = ${m} and job_id = ${j} and card_no is not null
      order by card_no, line
    )
    select r.line, 'import.card_duplicate' as code
    from import_row r join keep k on k.card_no = r.card_no
    where r.merchant_id = ${m} and r.job_id = ${j} and r.phone <> k.phone
    union all
    select r.line, 'import.card_taken' from import_row r
    where r.merchant_id = ${m} and r.job_id = ${j} and r.card_no is not null and (
      exists (select 1 from member_identity i
        join member o on o.merchant_id = i.merchant_id and o.id = i.member_id
        where i.merchant_id = ${m} and i.kind = 'legacy_card' and i.value = r.card_no
          and o.phone is distinct from r.phone)
      or exists (select 1 from member o where o.merchant_id = ${m} and o.card_no = r.card_no
          and o.phone is distinct from r.phone))
    union all
    select r.line, 'import.member_inactive' from import_row r join import_owner o on o.phone = r.phone
    where r.merchant_id = ${m} and r.job_id = ${j} and o.status <> 'active'`.execute(trx);
  if (rows.length === 0) return;
  const column = (code: ErrorCode) =>
    headerOf(job, code === 'import.member_inactive' ? 'phone' : 'card_no');
  await rejectLines(
    trx,
    ctx,
    job,
    source,
    rows.map((r) => ({ line: r.line, column: column(r.code), code: r.code })),
  );
  await sql`delete from import_row where merchant_id = ${m} and job_id = ${j}
    and line = any(${rows.map((r) => r.line)}::int[])`.execute(trx);
}

/** The header of the column mapped to a target (the target's name when none is). */
export const headerOf = (job: ImportJobRow, target: ImportTarget) =>
  Object.entries(job.mapping).find(([, t]) => t === target)?.[0] ?? target;

/**
 * Errors found once the whole file is staged, each with its row's original cells read again
 * from the file (the staging keeps parsed values only); the first error of a line counts.
 */
export async function rejectLines(
  trx: Trx,
  ctx: Ctx,
  job: ImportJobRow,
  source: TableSource,
  errors: readonly LineError[],
): Promise<void> {
  if (errors.length === 0) return;
  const byLine = new Map<number, LineError>();
  for (const e of errors) if (!byLine.has(e.line)) byLine.set(e.line, e);
  const bad: BadCell[] = [];
  let header = true;
  for await (const row of readTable(source)) {
    if (header) {
      header = !isHeaderRow(row.values, job.headers);
      continue;
    }
    const error = byLine.get(row.line);
    if (!error) continue;
    bad.push({ ...error, raw: row.values });
    if (bad.length >= DEFAULT_BATCH_SIZE) await insertErrors(trx, ctx, job.id, bad.splice(0));
  }
  await insertErrors(trx, ctx, job.id, bad);
}

/** Every table a job stages into; emptied when a dry run starts over and when it is done. */
export const STAGING_TABLES = [
  'import_row',
  'import_group',
  'import_order_row',
  'import_order',
  'import_row_error',
] as const;

/** The merge rule (see MERGE_RULE in import.rules.ts) as one aggregate per phone. */
async function buildGroups(trx: Trx, ctx: Ctx, jobId: string) {
  const m = ctx.merchantId;
  await sql`delete from import_group where merchant_id = ${m} and job_id = ${jobId}`.execute(trx);
  await sql`
    insert into import_group (merchant_id, job_id, seq, phone, first_line, row_count, name, gender,
      birthday, card_no, cards, principal_fen, bonus_fen, points, tier, store_id, registered_at)
    select ${m}, ${jobId}, row_number() over (order by min(line)), phone, min(line), count(*),
      (array_agg(name order by line) filter (where name is not null))[1],
      (array_agg(gender order by line) filter (where gender is not null))[1],
      (array_agg(birthday order by line) filter (where birthday is not null))[1],
      (array_agg(card_no order by line) filter (where card_no is not null))[1],
      coalesce(array_agg(card_no order by line) filter (where card_no is not null), '{}'),
      sum(principal_fen), sum(bonus_fen), sum(points),
      (array_agg(tier order by line) filter (where tier is not null))[1],
      (array_agg(store_id order by line) filter (where store_id is not null))[1],
      min(registered_at)
    from import_row where merchant_id = ${m} and job_id = ${jobId}
    group by phone`.execute(trx);
}

async function countRows(trx: Trx, ctx: Ctx, jobId: string) {
  const m = ctx.merchantId;
  const { rows } = await sql<{ ok: number; bad: number; groups: number; existing: number }>`
    select
      (select count(*) from import_row where merchant_id = ${m} and job_id = ${jobId})::int as ok,
      (select count(distinct line) from import_row_error
        where merchant_id = ${m} and job_id = ${jobId})::int as bad,
      (select count(*) from import_group where merchant_id = ${m} and job_id = ${jobId})::int as groups,
      (select count(*) from import_group g join import_owner o on o.phone = g.phone
        where g.merchant_id = ${m} and g.job_id = ${jobId})::int as existing`.execute(trx);
  const c = rows[0]!;
  return {
    ok_rows: c.ok,
    bad_rows: c.bad,
    group_count: c.groups,
    new_members: c.groups - c.existing,
    existing_members: c.existing,
    duplicate_rows: c.ok - c.groups,
  };
}

async function firstDuplicates(trx: Trx, ctx: Ctx, jobId: string): Promise<ImportDuplicate[]> {
  const m = ctx.merchantId;
  const { rows } = await sql<ImportDuplicate>`
    select d.line, d.phone, d.first_line, d.card_no,
      case when d.line <> d.first_line then 'in_file' else 'existing' end as kind,
      exists (select 1 from ledger_entry e where e.merchant_id = ${m}
        and e.member_id = d.member_id and e.kind = 'import') as opening_imported
    from (
      select r.line, r.phone, g.first_line, o.card_no, o.member_id
      from import_row r
      join import_group g on g.merchant_id = r.merchant_id and g.job_id = r.job_id
        and g.phone = r.phone
      left join import_owner o on o.phone = r.phone
      where r.merchant_id = ${m} and r.job_id = ${jobId}
        and (r.line <> g.first_line or o.member_id is not null)
      order by r.line limit 100
    ) d
    order by d.line`.execute(trx);
  return rows;
}
