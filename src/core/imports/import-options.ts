import type { Trx } from '../../db/database.ts';
import type { Ctx } from '../context.ts';
import type { ImportJobRow } from './import.table.ts';

export interface ImportProgress {
  phase: 'dry_run' | 'commit';
  processed: number;
  /** an estimate from the bytes read while the dry run has not counted the rows yet */
  total: number;
}

export interface ImportRunOptions {
  /** where uploads live: `<dataDir>/uploads/<job id>` */
  dataDir: string;
  /** rows per staging batch and member groups per commit batch, each its own transaction */
  batchSize?: number;
  onProgress?: (progress: ImportProgress) => void;
  /**
   * Test hook: runs inside each batch's transaction just before it commits. Throwing there is a
   * crash in the middle of a batch (it rolls back); throwing from `afterBatch` is a crash
   * between batches.
   */
  beforeBatchCommit?: (trx: Trx, batch: number) => Promise<void>;
  afterBatch?: (batch: number) => Promise<void>;
}

export const DEFAULT_BATCH_SIZE = 5000;

/** A run found its job changed under it (re-requested, finished elsewhere): it stops quietly. */
export class ImportSuperseded extends Error {}

/** Locks the job row for one batch; the batch proceeds only while the job is still in `status`. */
export async function lockRunningJob(
  trx: Trx,
  ctx: Ctx,
  id: string,
  status: ImportJobRow['status'],
): Promise<ImportJobRow> {
  const job = await trx
    .selectFrom('import_job')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!job || job.status !== status) throw new ImportSuperseded();
  return job;
}
