import type { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import type { Db, Trx } from '../../db/database.ts';
import { csvStream } from '../../lib/csv.ts';
import { DomainError, errorMessage } from '../../lib/errors.ts';
import { displayPhone, maskPhone } from '../../lib/phone.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { getOwnRow, lockOwnRow } from '../tenant-row.ts';
import { duplicateRule, MERGE_RULE } from './import.rules.ts';
import type { ImportJob } from './import.schema.ts';
import {
  type ImportEncoding,
  type ImportJobRow,
  type ImportKind,
  importKinds,
} from './import.table.ts';
import {
  detectDelimiter,
  detectEncoding,
  discardUpload,
  readHeadBytes,
  readTable,
  type StoredUpload,
  sniffFormat,
} from './import-file.ts';
import {
  applyMappingOverride,
  findHeaderRow,
  suggestMapping,
  uniqueHeaders,
} from './import-mapping.rules.ts';
import { checkWorkbook } from './import-zip-guard.ts';

/** What a job run needs to find its job; the queue carries exactly this. */
export interface ImportRunPayload {
  merchantId: string;
  jobId: string;
}

/** Puts a run on the durable queue inside the caller's transaction (pg-boss in the server). */
export type EnqueueImport = (trx: Trx, payload: ImportRunPayload) => Promise<void>;

const ENCODINGS = ['auto', 'utf8', 'gbk', 'gb18030'] as const;
/** enough rows for a title block above the header plus five samples */
const HEAD_ROWS = 16;

/**
 * Reads an upload's head: format by content, encoding, header row, five sample rows and the
 * suggested mapping. Every refusal removes the file, so a bad upload leaves nothing behind.
 */
export async function importUpload(
  db: Db,
  ctx: Ctx,
  upload: StoredUpload,
  encodingOption: string | undefined,
  kindOption: string | undefined = undefined,
): Promise<ImportJobRow> {
  try {
    const kind = (kindOption?.trim() || 'members') as ImportKind;
    if (!importKinds.includes(kind)) throw new DomainError('request.invalid', { field: 'kind' });
    const option = encodingOption?.trim().toLowerCase() || 'auto';
    if (!(ENCODINGS as readonly string[]).includes(option))
      throw new DomainError('import.encoding_invalid', { field: 'encoding' });
    const head = await readHeadBytes(upload.path);
    if (head.length === 0) throw new DomainError('import.empty_file', { field: 'file' });
    const format = sniffFormat(head);
    if (!format) throw new DomainError('import.file_type', { field: 'file' });
    const encoding: ImportEncoding =
      format === 'xlsx'
        ? 'utf8'
        : option === 'auto'
          ? detectEncoding(head)
          : (option as ImportEncoding);
    if (format === 'xlsx') await checkWorkbook(upload.path);
    const headText = iconv.decode(head, encoding).replace(/^\uFEFF/, '');
    const delimiter = format === 'csv' ? detectDelimiter(headText) : null;
    const rows: string[][] = [];
    for await (const row of readTable({ path: upload.path, format, encoding, delimiter })) {
      rows.push(row.values);
      if (rows.length === HEAD_ROWS) break;
    }
    if (rows.length === 0) throw new DomainError('import.empty_file', { field: 'file' });
    const at = findHeaderRow(rows, kind);
    if (at < 0)
      throw new DomainError(
        kind === 'orders' ? 'import.no_order_column' : 'import.no_phone_column',
        {
          field: 'file',
        },
      );
    const headers = uniqueHeaders(rows[at]!);
    const mapping = suggestMapping(headers, kind);
    const samples = rows.slice(at + 1, at + 6);
    if (samples.length === 0) throw new DomainError('import.empty_file', { field: 'file' });
    return await db.transaction().execute(async (trx) => {
      const job = await trx
        .insertInto('import_job')
        .values({
          merchant_id: ctx.merchantId,
          id: upload.id,
          kind,
          status: 'uploaded',
          file_name: upload.fileName.slice(0, 255),
          file_sha256: upload.sha256,
          file_size: upload.size,
          encoding,
          format,
          delimiter,
          headers: JSON.stringify(headers),
          sample_rows: JSON.stringify(samples),
          mapping: JSON.stringify(mapping),
          locale: ctx.locale,
          created_by: ctx.actor.id,
          created_by_kind: ctx.actor.kind,
          created_at: ctx.now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(trx, ctx, {
        action: 'import.upload',
        entityType: 'import_job',
        entityId: job.id,
        after: {
          file_name: job.file_name,
          sha256: job.file_sha256,
          size: job.file_size,
          kind,
        },
      });
      return job;
    });
  } catch (e) {
    await discardUpload(upload);
    throw e;
  }
}

export const getImportJob = (db: Db | Trx, ctx: Ctx, id: string): Promise<ImportJobRow> =>
  getOwnRow(db, ctx, 'import_job', id, 'import.not_found');

export async function listImportJobs(db: Db, ctx: Ctx): Promise<ImportJobRow[]> {
  return db
    .selectFrom('import_job')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(100)
    .execute();
}

/** Starts (or restarts, with another mapping) the dry run; nothing but import tables is written. */
export async function requestDryRun(
  trx: Trx,
  ctx: Ctx,
  id: string,
  override: Record<string, string | null> | undefined,
  enqueue: EnqueueImport,
  award?: boolean,
): Promise<ImportJobRow> {
  const job = await lockOwnRow(trx, ctx, 'import_job', id, 'import.not_found');
  if (!['uploaded', 'dry_run_done', 'failed'].includes(job.status))
    throw new DomainError('import.state_invalid', { params: { status: job.status } });
  const { mapping, problem } = applyMappingOverride(job.headers, job.mapping, override, job.kind);
  if (problem) throw new DomainError('import.mapping_invalid', problem);
  checkRequiredColumns(job.kind, Object.values(mapping));
  if (award && job.kind !== 'orders') throw new DomainError('request.invalid', { field: 'award' });
  const updated = await trx
    .updateTable('import_job')
    .set({
      status: 'dry_running',
      mapping: JSON.stringify(mapping),
      award: award ?? false,
      total_rows: 0,
      processed_rows: 0,
      ok_rows: 0,
      bad_rows: 0,
      new_members: 0,
      existing_members: 0,
      duplicate_rows: 0,
      group_count: 0,
      staged_through_line: 0,
      committed_through_seq: 0,
      report: '{}',
      error: null,
      locale: ctx.locale,
      requested_by: ctx.actor.id,
      requested_by_kind: ctx.actor.kind,
      dry_run_at: null,
      finished_at: null,
    })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await enqueue(trx, { merchantId: ctx.merchantId, jobId: id });
  await recordAudit(trx, ctx, {
    action: 'import.dry_run',
    entityType: 'import_job',
    entityId: id,
    after: { mapping, award: updated.award },
  });
  return updated;
}

/** A member file needs its phones; an order file its number, time, store, amount and member key. */
function checkRequiredColumns(kind: ImportKind, targets: readonly (string | null)[]): void {
  const has = (t: string) => targets.includes(t);
  if (kind === 'members') {
    if (!has('phone')) throw new DomainError('import.no_phone_column', { field: 'mapping' });
    return;
  }
  const missing = ['order_no', 'paid_at', 'store'].find((t) => !has(t));
  const lacking =
    missing ??
    (!has('amount') && !has('line_amount') ? 'amount' : undefined) ??
    (!has('phone') && !has('card_no') ? 'phone' : undefined);
  if (lacking)
    throw new DomainError('import.order_column_missing', {
      field: 'mapping',
      params: { target: lacking },
    });
}

/**
 * Commits a finished dry run, or resumes a commit that failed: the job continues after the last
 * committed batch, and batches already in are never applied twice.
 */
export async function requestCommit(
  trx: Trx,
  ctx: Ctx,
  id: string,
  enqueue: EnqueueImport,
): Promise<ImportJobRow> {
  const job = await lockOwnRow(trx, ctx, 'import_job', id, 'import.not_found');
  const resumable = job.status === 'failed' && job.dry_run_at !== null;
  if (job.status !== 'dry_run_done' && !resumable)
    throw new DomainError('import.state_invalid', { params: { status: job.status } });
  const updated = await trx
    .updateTable('import_job')
    .set((eb) => ({
      status: 'committing',
      error: null,
      locale: ctx.locale,
      requested_by: ctx.actor.id,
      requested_by_kind: ctx.actor.kind,
      // progress counts the bad rows as handled from the start, so it ends at total_rows
      processed_rows: job.committed_through_seq === 0 ? job.bad_rows : eb.ref('processed_rows'),
    }))
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await enqueue(trx, { merchantId: ctx.merchantId, jobId: id });
  await recordAudit(trx, ctx, {
    action: 'import.commit_requested',
    entityType: 'import_job',
    entityId: id,
    after: { ok_rows: job.ok_rows, new_members: job.new_members },
  });
  return updated;
}

/** Sample cells of the column mapped to the phone, masked (a sample row has no field names). */
function maskPhoneColumns(job: ImportJobRow): string[][] {
  const phoneAt = job.headers.findIndex((h) => job.mapping[h] === 'phone');
  return job.sample_rows.map((row) =>
    row.map((cell, i) => (i === phoneAt && cell ? (maskPhone(cell) ?? '') : cell)),
  );
}

/** The job as the API shows it: messages in the reader's language, phones masked without PII. */
export function presentImportJob(job: ImportJobRow, ctx: Ctx): ImportJob {
  const pii = ctx.actor.permissions.has('members.pii');
  const report = job.report ?? {};
  return {
    id: job.id,
    kind: job.kind,
    award: job.award,
    status: job.status,
    file_name: job.file_name,
    encoding: job.encoding,
    format: job.format,
    headers: job.headers,
    mapping: job.mapping,
    sample_rows: pii ? job.sample_rows : maskPhoneColumns(job),
    total_rows: job.total_rows,
    processed_rows: job.processed_rows,
    ok_rows: job.ok_rows,
    bad_rows: job.bad_rows,
    new_members: job.new_members,
    existing_members: job.existing_members,
    duplicate_rows: job.duplicate_rows,
    errors: (report.errors ?? []).map((e) => ({
      ...e,
      message: errorMessage(e.code as never, ctx.locale),
    })),
    duplicates: (report.duplicates ?? []).map((d) => ({
      line: d.line,
      phone: (pii ? displayPhone(d.phone) : maskPhone(d.phone)) ?? '',
      kind: d.kind,
      rule: duplicateRule(d, ctx.locale),
    })),
    merge_rule: MERGE_RULE[ctx.locale],
    committed: report.commit ?? null,
    orders: report.orders ?? null,
    error: job.error,
    created_at: job.created_at,
    finished_at: job.finished_at,
  };
}

const ERROR_PAGE = 1000;

/** Pages of bad rows (keyset on line): the line, the original cells, every reason of the row. */
async function* errorRows(db: Db, ctx: Ctx, job: ImportJobRow) {
  yield ['行号', ...job.headers, '错误原因'];
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom('import_row_error')
      .select(['line', 'column_name', 'code', 'raw'])
      .where('merchant_id', '=', ctx.merchantId)
      .where('job_id', '=', job.id)
      .where('line', '>', after)
      .orderBy('line')
      .orderBy('column_name')
      .limit(ERROR_PAGE)
      .execute();
    if (rows.length === 0) return;
    const byLine = new Map<number, { raw: string[]; reasons: string[] }>();
    for (const r of rows) {
      const entry = byLine.get(r.line) ?? { raw: r.raw, reasons: [] };
      entry.reasons.push(`${r.column_name}: ${errorMessage(r.code as never, ctx.locale)}`);
      byLine.set(r.line, entry);
    }
    // the last line of a full page may continue on the next one: keep it for then
    const lines = [...byLine.keys()];
    const complete = rows.length < ERROR_PAGE ? lines : lines.slice(0, -1);
    for (const line of complete) {
      const { raw, reasons } = byLine.get(line)!;
      yield [line, ...job.headers.map((_, i) => raw[i] ?? ''), reasons.join('；')];
    }
    after = complete.at(-1) ?? after;
    if (rows.length < ERROR_PAGE) return;
  }
}

/** Every row error of a job with its line, keyset-paginated on (line, column). */
export async function listImportErrors(
  db: Db,
  ctx: Ctx,
  id: string,
  page: { cursor?: string | undefined; limit?: number | undefined },
) {
  await getImportJob(db, ctx, id);
  const limit = page.limit ?? 100;
  const after = page.cursor ? decodeErrorCursor(page.cursor) : undefined;
  let query = db
    .selectFrom('import_row_error')
    .select(['line', 'column_name', 'code'])
    .where('merchant_id', '=', ctx.merchantId)
    .where('job_id', '=', id);
  if (after)
    query = query.where((eb) =>
      eb(eb.refTuple('line', 'column_name'), '>', eb.tuple(after.line, after.column)),
    );
  const rows = await query
    .orderBy('line')
    .orderBy('column_name')
    .limit(limit + 1)
    .execute();
  const items = rows.slice(0, limit).map((r) => ({
    line: r.line,
    column: r.column_name,
    code: r.code,
    message: errorMessage(r.code as never, ctx.locale),
  }));
  const last = items.at(-1);
  const next = rows.length > limit && last ? JSON.stringify([last.line, last.column]) : null;
  return { items, next_cursor: next ? Buffer.from(next).toString('base64url') : null };
}

function decodeErrorCursor(raw: string): { line: number; column: string } {
  try {
    const [line, column] = JSON.parse(Buffer.from(raw, 'base64url').toString()) as unknown[];
    if (Number.isInteger(line) && typeof column === 'string')
      return { line: line as number, column };
  } catch {}
  throw new DomainError('request.invalid', { field: 'cursor' });
}

/** The line numbers of every bad row, in order (the CLI prints them all). */
export async function* badLines(db: Db, ctx: Ctx, id: string): AsyncGenerator<number> {
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom('import_row_error')
      .select('line')
      .distinct()
      .where('merchant_id', '=', ctx.merchantId)
      .where('job_id', '=', id)
      .where('line', '>', after)
      .orderBy('line')
      .limit(ERROR_PAGE)
      .execute();
    for (const r of rows) yield r.line;
    if (rows.length < ERROR_PAGE) return;
    after = rows.at(-1)!.line;
  }
}

/** The bad rows as CSV (UTF-8 with BOM, so Excel opens it), to fix and upload again. */
export async function exportImportErrors(db: Db, ctx: Ctx, id: string): Promise<Readable> {
  const job = await getImportJob(db, ctx, id);
  return csvStream(errorRows(db, ctx, job));
}
