import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { DomainError, errorMessage } from '../../lib/errors.ts';
import type { Ctx } from '../context.ts';
import type { ImportRunPayload } from './import.service.ts';
import type { ImportJobRow } from './import.table.ts';
import { runCommit } from './import-commit.ts';
import { runDryRun } from './import-dry-run.ts';
import { type ImportRunOptions, ImportSuperseded } from './import-options.ts';

export type ImportRunResult = 'ran' | 'busy' | 'idle' | 'failed';

/** The context of a run: the staff member or key that asked for it, in their language. */
function runCtx(job: ImportJobRow): Ctx {
  const kind = job.requested_by_kind ?? job.created_by_kind;
  return {
    merchantId: job.merchant_id,
    actor: {
      kind: kind === 'staff' || kind === 'api_key' ? kind : 'system',
      id: job.requested_by ?? job.created_by,
      role: null,
      permissions: new Set(),
    },
    now: new Date(),
    locale: job.locale === 'en' ? 'en' : 'zh-CN',
  };
}

const lockKey = (jobId: string) => sql`hashtextextended(${`import_job:${jobId}`}, 0)`;

/**
 * Runs whatever the job is waiting for (its dry run or its commit), from where it stopped.
 * The same function serves the queue worker and the CLI. A session advisory lock makes one
 * runner per job: PostgreSQL releases it when the runner's connection dies, so a killed
 * server's job is free for the next run at once. Bad input (a malformed file) fails the job;
 * anything else is thrown for the queue to retry, the job keeping its resume point.
 */
export async function runImportJob(
  db: Db,
  payload: ImportRunPayload,
  options: ImportRunOptions,
): Promise<ImportRunResult> {
  return db.connection().execute(async (conn) => {
    const { rows } = await sql<{ locked: boolean }>`
      select pg_try_advisory_lock(${lockKey(payload.jobId)}) as locked`.execute(conn);
    if (!rows[0]?.locked) return 'busy';
    try {
      const job = await conn
        .selectFrom('import_job')
        .selectAll()
        .where('merchant_id', '=', payload.merchantId)
        .where('id', '=', payload.jobId)
        .executeTakeFirst();
      if (!job) return 'idle';
      const ctx = runCtx(job);
      try {
        if (job.status === 'dry_running') await runDryRun(db, ctx, job, options);
        else if (job.status === 'committing') await runCommit(db, ctx, job, options);
        else return 'idle';
        return 'ran';
      } catch (e) {
        if (e instanceof ImportSuperseded) return 'idle';
        if (!(e instanceof DomainError)) throw e;
        const line = e.params?.line;
        const message = errorMessage(e.code, ctx.locale) + (line ? ` (line ${line})` : '');
        await markImportFailed(db, payload, message, new Date());
        return 'failed';
      }
    } finally {
      await sql`select pg_advisory_unlock(${lockKey(payload.jobId)})`.execute(conn);
    }
  });
}

/** The queue gave up on a run (or its input is bad): the job shows why and can be run again. */
export async function markImportFailed(
  db: Db,
  payload: ImportRunPayload,
  message: string,
  now: Date,
): Promise<void> {
  await db
    .updateTable('import_job')
    .set({ status: 'failed', error: message.slice(0, 1000), finished_at: now })
    .where('merchant_id', '=', payload.merchantId)
    .where('id', '=', payload.jobId)
    .where('status', 'in', ['dry_running', 'committing'])
    .execute();
}

/**
 * Jobs left running by a server that died: their advisory lock is free. Called at start so an
 * interrupted import resumes at once instead of waiting for the queue's expiry.
 */
export async function findInterruptedImports(db: Db): Promise<ImportRunPayload[]> {
  const running = await db
    .selectFrom('import_job')
    .select(['merchant_id', 'id'])
    .where('status', 'in', ['dry_running', 'committing'])
    .execute();
  const free: ImportRunPayload[] = [];
  await db.connection().execute(async (conn) => {
    for (const job of running) {
      const { rows } = await sql<{ locked: boolean }>`
        select pg_try_advisory_lock(${lockKey(job.id)}) as locked`.execute(conn);
      if (!rows[0]?.locked) continue;
      await sql`select pg_advisory_unlock(${lockKey(job.id)})`.execute(conn);
      free.push({ merchantId: job.merchant_id, jobId: job.id });
    }
  });
  return free;
}
