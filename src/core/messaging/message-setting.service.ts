import type { Db, Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import type { Ctx } from '../context.ts';

export interface MessageSettings {
  quiet_start_minute: number | null;
  quiet_end_minute: number | null;
  daily_marketing_cap: number | null;
}

const DEFAULTS: MessageSettings = {
  quiet_start_minute: null,
  quiet_end_minute: null,
  daily_marketing_cap: null,
};

/** Quiet hours and the daily marketing cap; none until the merchant sets them. */
export async function getMessageSettings(db: Db | Trx, ctx: Ctx): Promise<MessageSettings> {
  const row = await db
    .selectFrom('message_setting')
    .select(['quiet_start_minute', 'quiet_end_minute', 'daily_marketing_cap'])
    .where('merchant_id', '=', ctx.merchantId)
    .executeTakeFirst();
  return row ?? DEFAULTS;
}

export async function updateMessageSettings(
  trx: Trx,
  ctx: Ctx,
  input: MessageSettings,
): Promise<MessageSettings> {
  if ((input.quiet_start_minute === null) !== (input.quiet_end_minute === null))
    throw new DomainError('message.quiet_hours_invalid', { field: 'quiet_end_minute' });
  const values = {
    quiet_start_minute: input.quiet_start_minute,
    quiet_end_minute: input.quiet_end_minute,
    daily_marketing_cap: input.daily_marketing_cap,
    updated_at: ctx.now,
  };
  await trx
    .insertInto('message_setting')
    .values({ merchant_id: ctx.merchantId, ...values })
    .onConflict((oc) => oc.column('merchant_id').doUpdateSet(values))
    .execute();
  return getMessageSettings(trx, ctx);
}
