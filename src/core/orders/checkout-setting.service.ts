import type { Db, Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { pickDefined } from '../../lib/patch.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { PointsDeductionSetting } from '../checkout/pricing.rules.ts';
import type { Ctx } from '../context.ts';
import type { CheckoutSettingRow } from './order.table.ts';

export type CheckoutSetting = Omit<CheckoutSettingRow, 'merchant_id' | 'updated_at'>;

/** Points do not pay until the merchant sets a rate; principal earns, bonus does not. */
export const DEFAULT_CHECKOUT_SETTING: CheckoutSetting = {
  points_per_unit: null,
  fen_per_unit: null,
  max_share_bp: 5000,
  clawback_policy: 'reduce_refund',
  principal_earns: true,
  bonus_earns: false,
  online_earns: true,
};

const COLUMNS = [
  'points_per_unit',
  'fen_per_unit',
  'max_share_bp',
  'clawback_policy',
  'principal_earns',
  'bonus_earns',
  'online_earns',
] as const;

export const checkoutSettingQuery = (db: Db | Trx, ctx: Ctx) =>
  db.selectFrom('checkout_setting').select(COLUMNS).where('merchant_id', '=', ctx.merchantId);

export async function getCheckoutSetting(db: Db | Trx, ctx: Ctx): Promise<CheckoutSetting> {
  const row = await checkoutSettingQuery(db, ctx).executeTakeFirst();
  return row ?? DEFAULT_CHECKOUT_SETTING;
}

export const pointsDeduction = (s: CheckoutSetting): PointsDeductionSetting | null =>
  s.points_per_unit && s.fen_per_unit
    ? {
        points_per_unit: s.points_per_unit,
        fen_per_unit: s.fen_per_unit,
        max_share_bp: s.max_share_bp,
      }
    : null;

export async function updateCheckoutSetting(
  trx: Trx,
  ctx: Ctx,
  patch: Partial<CheckoutSetting>,
): Promise<CheckoutSetting> {
  const current =
    (await trx
      .selectFrom('checkout_setting')
      .select(COLUMNS)
      .where('merchant_id', '=', ctx.merchantId)
      .forUpdate()
      .executeTakeFirst()) ?? DEFAULT_CHECKOUT_SETTING;
  const next: CheckoutSetting = {
    ...current,
    ...pickDefined(patch, {
      points_per_unit: true,
      fen_per_unit: true,
      max_share_bp: true,
      clawback_policy: true,
      principal_earns: true,
      bonus_earns: true,
      online_earns: true,
    }),
  };
  if ((next.points_per_unit === null) !== (next.fen_per_unit === null))
    throw new DomainError('request.invalid', {
      field: 'fen_per_unit',
      params: { reason: 'points_per_unit and fen_per_unit are set or cleared together' },
    });
  await trx
    .insertInto('checkout_setting')
    .values({ merchant_id: ctx.merchantId, ...next, updated_at: ctx.now })
    .onConflict((oc) => oc.column('merchant_id').doUpdateSet({ ...next, updated_at: ctx.now }))
    .execute();
  await recordAudit(trx, ctx, {
    action: 'checkout.setting_update',
    entityType: 'merchant',
    entityId: ctx.merchantId,
    before: current,
    after: next,
  });
  return next;
}
