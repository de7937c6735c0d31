import type { Db, Trx } from '../../db/database.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import {
  DEFAULT_WALLET_SETTING,
  mergeWalletSetting,
  type WalletSettingValues,
} from './wallet-setting.rules.ts';

export const walletSettingQuery = (db: Db | Trx, ctx: Ctx) =>
  db
    .selectFrom('wallet_setting')
    .select([
      'spending_order',
      'password_threshold_fen',
      'member_code_as_password',
      'pay_to_join_min_fen',
    ])
    .where('merchant_id', '=', ctx.merchantId);

export async function getWalletSetting(db: Db | Trx, ctx: Ctx): Promise<WalletSettingValues> {
  const row = await walletSettingQuery(db, ctx).executeTakeFirst();
  return row ?? DEFAULT_WALLET_SETTING;
}

export async function updateWalletSetting(
  trx: Trx,
  ctx: Ctx,
  patch: Partial<WalletSettingValues>,
): Promise<WalletSettingValues> {
  // lock the row (when there is one) so two concurrent edits merge instead of overwriting
  const current =
    (await trx
      .selectFrom('wallet_setting')
      .select([
        'spending_order',
        'password_threshold_fen',
        'member_code_as_password',
        'pay_to_join_min_fen',
      ])
      .where('merchant_id', '=', ctx.merchantId)
      .forUpdate()
      .executeTakeFirst()) ?? DEFAULT_WALLET_SETTING;
  const next = mergeWalletSetting(current, patch);
  await trx
    .insertInto('wallet_setting')
    .values({ merchant_id: ctx.merchantId, ...next, updated_at: ctx.now })
    .onConflict((oc) => oc.column('merchant_id').doUpdateSet({ ...next, updated_at: ctx.now }))
    .execute();
  await recordAudit(trx, ctx, {
    action: 'wallet.setting_update',
    entityType: 'merchant',
    entityId: ctx.merchantId,
    before: current,
    after: next,
  });
  return next;
}
