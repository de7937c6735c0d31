import type { Db } from '../../db/database.ts';
import { getMerchant } from '../tenancy/merchant.service.ts';
import { systemCtx } from '../tenancy/system-ctx.ts';
import { executeBatch, planAutomation } from './automation-run.service.ts';

export const BATCH_SIZE = 500;

export interface SweepOptions {
  onError?: (automationId: string, error: unknown) => void;
  batchSize?: number;
  /** one merchant only (a test, a manual run); absent = every merchant */
  merchantId?: string;
}

export interface SweepOutcome {
  automations: number;
  planned: number;
  executed: number;
}

/**
 * Every active automation of every merchant, at `now` in its merchant's zone: plan the due
 * occurrences (one transaction), then execute their runs batch by batch (one transaction each)
 * until none is left. Safe to run twice at once or after a crash: planning inserts nothing
 * twice and a run is claimed by one executor (SKIP LOCKED) and done with its actions. An
 * automation's failure is reported and does not stop the others.
 */
export async function runAutomationSweep(
  db: Db,
  now: Date,
  options: SweepOptions = {},
): Promise<SweepOutcome> {
  const { onError = () => {}, batchSize = BATCH_SIZE } = options;
  let query = db
    .selectFrom('automation')
    .select(['merchant_id', 'id'])
    .where('status', '=', 'active');
  if (options.merchantId) query = query.where('merchant_id', '=', options.merchantId);
  const active = await query.orderBy('merchant_id').orderBy('id').execute();
  const outcome: SweepOutcome = { automations: active.length, planned: 0, executed: 0 };
  for (const { merchant_id, id } of active) {
    const ctx = systemCtx(merchant_id, now);
    try {
      const zone = (await getMerchant(db, ctx)).time_zone;
      outcome.planned += await db.transaction().execute(async (trx) => {
        const a = await trx
          .selectFrom('automation')
          .selectAll()
          .where('merchant_id', '=', merchant_id)
          .where('id', '=', id)
          .where('status', '=', 'active')
          .executeTakeFirst();
        return a ? planAutomation(trx, ctx, a, zone) : 0;
      });
      for (;;) {
        const n = await db.transaction().execute((trx) => executeBatch(trx, ctx, id, batchSize));
        if (n === 0) break;
        outcome.executed += n;
      }
    } catch (error) {
      onError(id, error);
    }
  }
  return outcome;
}
