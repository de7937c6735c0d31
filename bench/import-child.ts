/**
 * The import as the server runs it (upload, dry run, commit through `runImportJob`), in a
 * process of its own so that its peak RSS is the import's alone. Prints one JSON line.
 * Usage: tsx bench/import-child.ts <database url> <merchant id> <csv file> <data dir> <batch size>
 *   [<kind: members | orders>]
 */
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { importUpload, requestCommit, requestDryRun } from '../src/core/imports/import.service.ts';
import { saveUpload } from '../src/core/imports/import-file.ts';
import { runImportJob } from '../src/core/imports/import-runner.ts';
import { systemCtx } from '../src/core/tenancy/system-ctx.ts';
import { connect } from '../src/db/connect.ts';

const [url, merchantId, file, dataDir, batch, kind] = process.argv.slice(2);
const { db } = connect(url!, 4);
const ctx = systemCtx(merchantId!, new Date());
const options = { dataDir: dataDir!, batchSize: Number(batch) };
const inProcess = async () => {};
let sampledRss = 0;
const sampler = setInterval(() => {
  sampledRss = Math.max(sampledRss, process.memoryUsage().rss);
}, 100);

const t0 = performance.now();
const stored = await saveUpload(createReadStream(file!), basename(file!), dataDir!);
const job = await importUpload(db, ctx, stored, 'auto', kind);
const t1 = performance.now();
await db.transaction().execute((trx) => requestDryRun(trx, ctx, job.id, undefined, inProcess));
await runImportJob(db, { merchantId: ctx.merchantId, jobId: job.id }, options);
const dryRss = process.resourceUsage().maxRSS;
const t2 = performance.now();
await db.transaction().execute((trx) => requestCommit(trx, ctx, job.id, inProcess));
await runImportJob(db, { merchantId: ctx.merchantId, jobId: job.id }, options);
const t3 = performance.now();
clearInterval(sampler);
const done = await db
  .selectFrom('import_job')
  .selectAll()
  .where('id', '=', job.id)
  .executeTakeFirstOrThrow();
await db.destroy();
process.stdout.write(
  `${JSON.stringify({
    status: done.status,
    error: done.error,
    ok_rows: done.ok_rows,
    bad_rows: done.bad_rows,
    committed: done.report.commit,
    upload_ms: t1 - t0,
    dry_run_ms: t2 - t1,
    commit_ms: t3 - t2,
    dry_run_max_rss_kb: dryRss,
    max_rss_kb: process.resourceUsage().maxRSS,
    sampled_rss_bytes: sampledRss,
  })}\n`,
);
