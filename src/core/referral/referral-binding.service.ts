import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import type { Ctx } from '../context.ts';
import { withinBindingWindow } from './referral.rules.ts';
import type { BindOn, ReferralSettingRow } from './referral.table.ts';

export interface Bound {
  referrer_id: string;
  bound_at: Date;
}

interface BindEvent {
  via: BindOn;
  store_id: string | null;
  /** first payment: the order being paid, which must be the member's first */
  order_id?: string;
}

/**
 * The member's sharer once bound, binding a pending invitation now when `event` is the
 * merchant's binding event, the member is still within the binding window, and the binding
 * would make no loop. A referrer given at registration counts as bound then. Binds once: a
 * conditional update, so concurrent events bind one way.
 */
export async function bindPending(
  trx: Trx,
  ctx: Ctx,
  setting: Pick<ReferralSettingRow, 'bind_on' | 'binding_window_days'>,
  memberId: string,
  event: BindEvent,
): Promise<Bound | null> {
  const row = await trx
    .selectFrom('member as m')
    .leftJoin('referral_binding as b', (j) =>
      j.onRef('b.merchant_id', '=', 'm.merchant_id').onRef('b.member_id', '=', 'm.id'),
    )
    .select(['m.registered_at', 'm.referrer_id as registered_referrer', 'b.status'])
    .select(['b.referrer_id', 'b.bound_at'])
    .where('m.merchant_id', '=', ctx.merchantId)
    .where('m.id', '=', memberId)
    .executeTakeFirst();
  if (!row) return null;
  // a merge moves the member's referrer to the survivor: the member row has the current one
  if (row.status === 'bound')
    return { referrer_id: row.registered_referrer ?? row.referrer_id!, bound_at: row.bound_at! };
  if (!row.status && row.registered_referrer)
    return adoptRegistered(trx, ctx, memberId, row.registered_referrer, row.registered_at);
  if (row.status !== 'pending' || setting.bind_on !== event.via) return null;
  if (!withinBindingWindow(row.registered_at, ctx.now, setting.binding_window_days)) return null;
  if (event.order_id && (await paidBefore(trx, ctx, memberId, event.order_id))) return null;
  if (await wouldLoop(trx, ctx, memberId, row.referrer_id!)) return null;
  const bound = await trx
    .updateTable('referral_binding')
    .set({ status: 'bound', bound_at: ctx.now, bound_via: event.via, store_id: event.store_id })
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', memberId)
    .where('status', '=', 'pending')
    .returning(['referrer_id', 'bound_at'])
    .executeTakeFirst();
  if (!bound) return null;
  await trx
    .updateTable('member')
    .set({ referrer_id: bound.referrer_id })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', memberId)
    .execute();
  return { referrer_id: bound.referrer_id, bound_at: bound.bound_at! };
}

/** A referrer recorded on the member at registration: bound since then. */
async function adoptRegistered(
  trx: Trx,
  ctx: Ctx,
  memberId: string,
  referrerId: string,
  registeredAt: Date,
): Promise<Bound> {
  await trx
    .insertInto('referral_binding')
    .values({
      merchant_id: ctx.merchantId,
      member_id: memberId,
      referrer_id: referrerId,
      status: 'bound',
      invited_at: registeredAt,
      bound_at: registeredAt,
      bound_via: null,
      store_id: null,
      first_order_id: null,
    })
    .onConflict((oc) => oc.columns(['merchant_id', 'member_id']).doNothing())
    .execute();
  return { referrer_id: referrerId, bound_at: registeredAt };
}

/** Any paid order of the member other than this one: not a first payment. */
async function paidBefore(trx: Trx, ctx: Ctx, memberId: string, orderId: string) {
  const other = await trx
    .selectFrom('sale_order')
    .select('id')
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', memberId)
    .where('id', '<>', orderId)
    .limit(1)
    .executeTakeFirst();
  return other !== undefined;
}

/**
 * Whether `referrerId` is `memberId` or has `memberId` up its chain of referrers: binding would
 * close a loop (A shares with B, B with A) and pay someone for recruiting themselves.
 */
export async function wouldLoop(
  trx: Trx,
  ctx: Ctx,
  memberId: string,
  referrerId: string,
): Promise<boolean> {
  if (memberId === referrerId) return true;
  const { rows } = await sql<{ hit: boolean }>`
    with recursive chain (id, depth) as (
      select referrer_id, 1 from member where merchant_id = ${ctx.merchantId} and id = ${referrerId}
      union all
      select m.referrer_id, c.depth + 1 from chain c
      join member m on m.merchant_id = ${ctx.merchantId} and m.id = c.id
      where c.depth < 64
    )
    select exists (select 1 from chain where id = ${memberId}) as hit`.execute(trx);
  return rows[0]!.hit;
}
