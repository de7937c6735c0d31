import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { ImportRunPayload } from '../core/imports/import.service.ts';
import {
  findInterruptedImports,
  markImportFailed,
  runImportJob,
} from '../core/imports/import-runner.ts';
import type { Db, Trx } from '../db/database.ts';
import { viaTransaction } from './via-transaction.ts';

export const IMPORT_QUEUE = 'import-run';

/**
 * A run can take minutes on a million rows; the queue's expiry is only the last resort (a dead
 * server's job is resumed at the next start, see `findInterruptedImports`), and a second run of
 * a job that is still running does nothing (advisory lock).
 */
const SEND_OPTIONS = {
  retryLimit: 3,
  retryDelay: 15,
  retryBackoff: true,
  expireInSeconds: 4 * 3600,
};

export async function enqueueImport(
  boss: PgBoss | undefined,
  trx: Trx,
  payload: ImportRunPayload,
): Promise<void> {
  if (!boss) throw new Error('the job queue is not running: imports need pg-boss');
  await boss.send(IMPORT_QUEUE, payload, { ...SEND_OPTIONS, db: viaTransaction(trx) });
}

export async function registerImportWorker(
  boss: PgBoss,
  db: Db,
  dataDir: string,
  log: Pick<Logger, 'info' | 'error'>,
): Promise<void> {
  await boss.createQueue(IMPORT_QUEUE);
  await boss.work<ImportRunPayload>(
    IMPORT_QUEUE,
    { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: 1 },
    async ([job]) => {
      if (!job) return;
      try {
        const result = await runImportJob(db, job.data, { dataDir });
        log.info({ importJob: job.data.jobId, result }, 'import run');
      } catch (e) {
        log.error({ err: e, importJob: job.data.jobId }, 'import run failed');
        if (job.retryCount >= job.retryLimit)
          await markImportFailed(db, job.data, (e as Error).message, new Date());
        throw e;
      }
    },
  );
  for (const payload of await findInterruptedImports(db)) {
    log.info({ importJob: payload.jobId }, 'resuming an interrupted import');
    await boss.send(IMPORT_QUEUE, payload, SEND_OPTIONS);
  }
}
