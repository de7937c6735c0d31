import type { Db, Trx } from '../../db/database.ts';
import { assertFound } from '../../lib/errors.ts';
import type { Ctx } from '../context.ts';
import type { Channel } from './outbox.table.ts';

export const CHANNELS: readonly Channel[] = ['inbox', 'sms', 'email', 'wechat', 'webhook'];

/**
 * A member's marketing opt-out. Without a channel it is the one-tap switch
 * (member.marketing_consent; opting back in also clears the per-channel opt-outs); with one it
 * narrows that channel only. Service messages are never opted out of.
 */
export async function setMessageOptOut(
  trx: Trx,
  ctx: Ctx,
  memberId: string,
  input: { purpose: 'marketing'; channel?: Channel; opted_out: boolean },
): Promise<void> {
  const m = ctx.merchantId;
  const member = await trx
    .selectFrom('member')
    .select('id')
    .where('merchant_id', '=', m)
    .where('id', '=', memberId)
    .forUpdate()
    .executeTakeFirst();
  assertFound(member, 'message.member_not_found', 'member_id');
  if (input.channel === undefined) {
    await trx
      .updateTable('member')
      .set({ marketing_consent: !input.opted_out, updated_at: ctx.now })
      .where('merchant_id', '=', m)
      .where('id', '=', memberId)
      .execute();
  }
  if (input.channel !== undefined && input.opted_out) {
    await trx
      .insertInto('message_opt_out')
      .values({ merchant_id: m, member_id: memberId, channel: input.channel, created_at: ctx.now })
      .onConflict((oc) => oc.columns(['merchant_id', 'member_id', 'channel']).doNothing())
      .execute();
  } else if (!input.opted_out) {
    let clear = trx
      .deleteFrom('message_opt_out')
      .where('merchant_id', '=', m)
      .where('member_id', '=', memberId);
    if (input.channel !== undefined) clear = clear.where('channel', '=', input.channel);
    await clear.execute();
  }
}

/** `marketing`: the one-tap switch; `channels[c]`: whether marketing reaches the member on c. */
export async function getMessagePreferences(
  db: Db | Trx,
  ctx: Ctx,
  memberId: string,
): Promise<{ marketing: boolean; channels: Record<Channel, boolean> }> {
  const member = await db
    .selectFrom('member')
    .select('marketing_consent')
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', memberId)
    .executeTakeFirst();
  const { marketing_consent } = assertFound(member, 'message.member_not_found', 'member_id');
  const out = await db
    .selectFrom('message_opt_out')
    .select('channel')
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', memberId)
    .execute();
  const off = new Set(out.map((r) => r.channel));
  const channels = Object.fromEntries(
    CHANNELS.map((c) => [c, marketing_consent && !off.has(c)]),
  ) as Record<Channel, boolean>;
  return { marketing: marketing_consent, channels };
}
