import { existsSync } from 'node:fs';
import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import { errorMessage } from '../../lib/errors.ts';
import { normalizePhone } from '../../lib/phone.ts';
import type { Ctx } from '../context.ts';
import type { ImportReport } from './import.table.ts';
import { sourceOf } from './import-dry-run.ts';
import { readTable, uploadPath } from './import-file.ts';

/**
 * An erased member's phones leave every import of the merchant: staged rows and groups go (a
 * commit still to come creates the others, not this one), samples and error rows lose their
 * cells, the report its duplicates. An upload still on disk that holds one of the phones is
 * returned for deletion after commit; a job that still needed it for its dry run fails.
 */
export async function eraseFromImports(
  trx: Trx,
  ctx: Ctx,
  phones: string[],
  dataDir: string,
): Promise<string[]> {
  if (phones.length === 0) return [];
  const m = ctx.merchantId;
  const erased = new Set(phones);
  const holds = (cells: readonly string[]) =>
    cells.some((c) => {
      const phone = normalizePhone(c, true);
      return phone !== undefined && erased.has(phone);
    });
  for (const table of ['import_row', 'import_group'] as const)
    await trx.deleteFrom(table).where('merchant_id', '=', m).where('phone', 'in', phones).execute();
  await scrubErrorRows(trx, ctx, phones, holds);
  const jobs = await trx
    .selectFrom('import_job')
    .selectAll()
    .where('merchant_id', '=', m)
    .forUpdate()
    .execute();
  const discard: string[] = [];
  for (const job of jobs) {
    const samples = job.sample_rows.filter((row) => !holds(row));
    const report: ImportReport = {
      ...job.report,
      ...(job.report.duplicates
        ? { duplicates: job.report.duplicates.filter((d) => !erased.has(d.phone)) }
        : {}),
    };
    const path = uploadPath(dataDir, job.id);
    const fileHolds =
      job.status !== 'done' && existsSync(path) && (await readHolds(job, dataDir, holds));
    if (fileHolds) discard.push(path);
    // without its file a job can still commit what its dry run staged, but not dry-run again
    const needsFile = fileHolds && (job.dry_run_at === null || job.status === 'dry_running');
    await trx
      .updateTable('import_job')
      .set({
        sample_rows: JSON.stringify(samples),
        report: JSON.stringify(report),
        ...(needsFile
          ? {
              status: 'failed',
              error: errorMessage('import.upload_erased', ctx.locale),
              dry_run_at: null,
            }
          : {}),
      })
      .where('merchant_id', '=', m)
      .where('id', '=', job.id)
      .execute();
  }
  return discard;
}

async function readHolds(
  job: Parameters<typeof sourceOf>[0],
  dataDir: string,
  holds: (cells: readonly string[]) => boolean,
): Promise<boolean> {
  try {
    for await (const row of readTable(sourceOf(job, dataDir))) if (holds(row.values)) return true;
    return false;
  } catch {
    return true; // a file that cannot be read cannot be shown to be clean
  }
}

/** Error rows keep their line and reason; the cells of a row that held a phone go. */
async function scrubErrorRows(
  trx: Trx,
  ctx: Ctx,
  phones: string[],
  holds: (cells: readonly string[]) => boolean,
) {
  const m = ctx.merchantId;
  // the last four digits find every way the number may have been typed; the check is exact
  const tails = [...new Set(phones.map((p) => `%${p.slice(-4)}%`))];
  const candidates = await trx
    .selectFrom('import_row_error')
    .select(['job_id', 'line', 'raw'])
    .distinct()
    .where('merchant_id', '=', m)
    .where(sql<boolean>`raw::text like any(${tails})`)
    .execute();
  for (const row of candidates) {
    if (!holds(row.raw)) continue;
    await trx
      .updateTable('import_row_error')
      .set({ raw: '[]' })
      .where('merchant_id', '=', m)
      .where('job_id', '=', row.job_id)
      .where('line', '=', row.line)
      .execute();
  }
}
