import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { refreshRuleTags } from '../tags/tag-refresh.service.ts';
import { systemCtx } from '../tenancy/system-ctx.ts';
import { recomputeRfm } from './rfm.service.ts';
import { DEFAULT_RFM_SETTING } from './rfm-setting.service.ts';

/**
 * The merchants whose nightly run is due at `now`: today's recompute time in the merchant's
 * zone (rfm_setting.recompute_at, default 04:00) has passed and the last run started before it.
 */
export async function dueNightlyMerchants(db: Db, now: Date): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    select id from (
      select m.id, s.computed_at,
        (date_trunc('day', ${now}::timestamptz at time zone m.time_zone)
          + coalesce(s.recompute_at, ${DEFAULT_RFM_SETTING.recompute_at}::time))
          at time zone m.time_zone as due_at
      from merchant m left join rfm_setting s on s.merchant_id = m.id
    ) d
    where due_at <= ${now} and (computed_at is null or computed_at < due_at)
    order by id`.execute(db);
  return rows.map((r) => r.id);
}

/**
 * Each due merchant: RFM and lifecycle first (rule tags may use them), then every rule tag.
 * A merchant's failure is reported and does not stop the others; its RFM run, once committed,
 * marks the night done, so a failing tag waits for the next night or a refresh on demand.
 */
export async function runNightlyMarketing(
  db: Db,
  now: Date,
  onError: (merchantId: string, error: unknown) => void,
): Promise<{ merchants: number }> {
  const due = await dueNightlyMerchants(db, now);
  for (const merchantId of due) {
    const ctx = systemCtx(merchantId, now);
    try {
      await recomputeRfm(db, ctx);
      await refreshRuleTags(db, ctx);
    } catch (error) {
      onError(merchantId, error);
    }
  }
  return { merchants: due.length };
}
