import type { Db, Trx } from '../../db/database.ts';
import { pickDefined } from '../../lib/patch.ts';
import type { Ctx } from '../context.ts';
import type { RfmSettingPatch } from './rfm.schema.ts';
import type { RfmSettingRow } from './rfm.table.ts';

export type RfmSetting = Omit<RfmSettingRow, 'merchant_id' | 'updated_at'>;

/** What a merchant that never changed its settings gets (the column defaults). */
export const DEFAULT_RFM_SETTING: RfmSetting = {
  window_days: 365,
  new_days: 30,
  dormant_days: 90,
  churned_days: 180,
  core_min_orders: 6,
  recompute_at: '04:00:00',
  computed_at: null,
};

export async function getRfmSetting(db: Db | Trx, ctx: Ctx): Promise<RfmSetting> {
  const row = await db
    .selectFrom('rfm_setting')
    .select([
      'window_days',
      'new_days',
      'dormant_days',
      'churned_days',
      'core_min_orders',
      'recompute_at',
      'computed_at',
    ])
    .where('merchant_id', '=', ctx.merchantId)
    .executeTakeFirst();
  return row ?? DEFAULT_RFM_SETTING;
}

/** Changes the named settings; `dormant_days < churned_days` is checked by the table. */
export async function patchRfmSetting(
  trx: Trx,
  ctx: Ctx,
  patch: RfmSettingPatch,
): Promise<RfmSetting> {
  const changes = {
    ...pickDefined(patch, {
      window_days: true,
      new_days: true,
      dormant_days: true,
      churned_days: true,
      core_min_orders: true,
      recompute_at: true,
    }),
    updated_at: ctx.now,
  };
  await trx
    .insertInto('rfm_setting')
    .values({ merchant_id: ctx.merchantId, ...changes })
    .onConflict((oc) => oc.column('merchant_id').doUpdateSet(changes))
    .execute();
  return getRfmSetting(trx, ctx);
}
