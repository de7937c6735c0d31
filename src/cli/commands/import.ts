import { createReadStream, createWriteStream } from 'node:fs';
import { basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import type { Ctx } from '../../core/context.ts';
import {
  badLines,
  exportImportErrors,
  getImportJob,
  importUpload,
  presentImportJob,
  requestCommit,
  requestDryRun,
} from '../../core/imports/import.service.ts';
import type { ImportJobRow, ImportKind } from '../../core/imports/import.table.ts';
import { saveUpload } from '../../core/imports/import-file.ts';
import type { ImportProgress } from '../../core/imports/import-options.ts';
import { runImportJob } from '../../core/imports/import-runner.ts';
import type { Db } from '../../db/database.ts';
import { DomainError, errorMessage } from '../../lib/errors.ts';
import { fail, merchantCtx, withDatabase } from '../context.ts';

interface ImportOptions {
  dryRun?: boolean;
  encoding: string;
  merchant?: string;
  batchSize: string;
  errorsOut?: string;
  award?: boolean;
}

/** The run happens here, in this process, through the same function the queue worker calls. */
const inProcess = async () => {};

/** One phase with a progress bar; the total is an estimate until the dry run has counted. */
async function runPhase(db: Db, job: ImportJobRow, dataDir: string, batchSize: number) {
  const bar = new cliProgress.SingleBar(
    { format: '{phase} [{bar}] {percentage}% | {value}/{total} rows', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(Math.max(job.total_rows, 1), 0, {
    phase: job.status === 'committing' ? 'commit ' : 'dry run',
  });
  const onProgress = (p: ImportProgress) => {
    bar.setTotal(Math.max(p.total, 1));
    bar.update(p.processed);
  };
  try {
    await runImportJob(
      db,
      { merchantId: job.merchant_id, jobId: job.id },
      { dataDir, batchSize, onProgress },
    );
  } finally {
    bar.stop();
  }
}

/** `3, 7-9, 12`: every bad line, runs folded, so a long list stays readable. */
export async function lineRanges(lines: AsyncIterable<number>): Promise<string> {
  const parts: string[] = [];
  let start = 0;
  let end = 0;
  const close = () => {
    if (start) parts.push(start === end ? String(start) : `${start}-${end}`);
  };
  for await (const line of lines) {
    if (start && line === end + 1) end = line;
    else {
      close();
      start = line;
      end = line;
    }
  }
  close();
  return parts.join(', ');
}

function printReport(job: ImportJobRow, ctx: Ctx) {
  const shown = presentImportJob(job, ctx);
  const out = process.stdout;
  const o = shown.orders;
  out.write(
    `rows ${shown.total_rows}: ok ${shown.ok_rows}, bad ${shown.bad_rows}, ` +
      (o
        ? `orders ${o.orders} with ${o.lines} lines, already imported ${o.existing_orders}, ` +
          `members ${o.members}, guest orders ${o.guest_orders}, award ${shown.award}\n`
        : `new members ${shown.new_members}, existing ${shown.existing_members}, ` +
          `duplicates in file ${shown.duplicate_rows}\n`),
  );
  for (const e of shown.errors.slice(0, 10))
    out.write(`  line ${e.line} ${e.column}: ${e.message}\n`);
  if (shown.bad_rows > 10) out.write('  …\n');
  for (const d of shown.duplicates.slice(0, 5))
    out.write(`  line ${d.line} ${d.phone}: ${d.rule}\n`);
  if (!o) out.write(`merge rule: ${shown.merge_rule}\n`);
}

async function importFile(kind: ImportKind, file: string, o: ImportOptions) {
  await withDatabase(async (db, config) => {
    const batchSize = Number(o.batchSize);
    if (!Number.isInteger(batchSize) || batchSize < 1)
      fail('--batch-size must be a positive integer');
    const ctx = await merchantCtx(db, o.merchant);
    const stored = await saveUpload(createReadStream(file), basename(file), config.dataDir);
    const uploaded = await importUpload(db, ctx, stored, o.encoding, kind);
    const mapping = uploaded.headers.map((h) => `${h} → ${uploaded.mapping[h] ?? '-'}`);
    process.stdout.write(
      `job ${uploaded.id}: ${uploaded.format}, ${uploaded.encoding}\nmapping: ${mapping.join(', ')}\n`,
    );
    const dry = await db
      .transaction()
      .execute((trx) =>
        requestDryRun(trx, ctx, uploaded.id, undefined, inProcess, o.award ?? false),
      );
    await runPhase(db, dry, config.dataDir, batchSize);
    const report = await getImportJob(db, ctx, uploaded.id);
    if (report.status !== 'dry_run_done') fail(report.error ?? `dry run ended as ${report.status}`);
    printReport(report, ctx);
    if (report.bad_rows > 0) {
      process.stdout.write(`bad lines: ${await lineRanges(badLines(db, ctx, report.id))}\n`);
      const out = o.errorsOut ?? `${file}.errors.csv`;
      await pipeline(await exportImportErrors(db, ctx, report.id), createWriteStream(out));
      process.stdout.write(`bad rows written to ${out} (fix them and import that file)\n`);
    }
    if (o.dryRun) return;
    const committing = await db
      .transaction()
      .execute((trx) => requestCommit(trx, ctx, report.id, inProcess));
    await runPhase(db, committing, config.dataDir, batchSize);
    const done = await getImportJob(db, ctx, report.id);
    if (done.status !== 'done') fail(done.error ?? `commit ended as ${done.status}`);
    const c = done.report.commit;
    if (kind === 'orders') {
      process.stdout.write(
        `imported: ${c?.orders_created ?? 0} orders with ${c?.lines_created ?? 0} lines, ` +
          `${c?.orders_awarded ?? 0} awarded points\n`,
      );
      return;
    }
    process.stdout.write(
      `imported: ${c?.members_created ?? 0} members created, ${c?.members_filled ?? 0} filled, ` +
        `${c?.identities_linked ?? 0} cards linked, ${c?.entries_posted ?? 0} opening entries\n`,
    );
  });
}

const run = (kind: ImportKind) => async (file: string, o: ImportOptions) => {
  try {
    await importFile(kind, file, o);
  } catch (e) {
    if (e instanceof DomainError)
      fail(`${errorMessage(e.code, 'en')} (${e.code}${e.field ? `, ${e.field}` : ''})`);
    throw e;
  }
};

/**
 * `regulars import members FILE [--dry-run] [--encoding gbk] [--merchant id]`,
 * `regulars import orders FILE [--award] …` (order history, docs/imports.md)
 */
export function registerImportCommands(program: Command): void {
  const command = program.command('import').description('import data');
  command
    .command('orders')
    .description('order history (CSV or XLSX): one order per row or several rows per order')
    .argument('<file>', 'a .csv or .xlsx file')
    .option('--dry-run', 'validate and report only; write no order')
    .option('--award', 'the orders earn points and growth (default: they award nothing)')
    .option('--encoding <encoding>', 'auto|utf8|gbk|gb18030', 'auto')
    .option('--merchant <id>')
    .option('--batch-size <n>', 'rows per batch (each batch one transaction)', '5000')
    .option('--errors-out <file>', 'where the bad rows go (default: FILE.errors.csv)')
    .action(run('orders'));
  command
    .command('members')
    .description('legacy members (CSV or XLSX) with card numbers, balances and points')
    .argument('<file>', 'a .csv or .xlsx file')
    .option('--dry-run', 'validate and report only; write no member')
    .option('--encoding <encoding>', 'auto|utf8|gbk|gb18030', 'auto')
    .option('--merchant <id>')
    .option('--batch-size <n>', 'rows per batch (each batch one transaction)', '5000')
    .option('--errors-out <file>', 'where the bad rows go (default: FILE.errors.csv)')
    .action(run('members'));
}
