import type { Db, Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { parsePhone } from '../members/member.service.ts';
import { getMerchant } from '../tenancy/merchant.service.ts';
import { assertStoreExists } from '../tenancy/store.service.ts';
import { MAX_FEN } from '../wallet/recharge.rules.ts';
import { getWalletSetting } from '../wallet/wallet-setting.service.ts';
import { invitationDecision } from './membership.rules.ts';

export interface PaymentSeen {
  phone: string;
  paid_fen: number;
  store_id?: string | null | undefined;
}

/**
 * Pay to become member (支付即会员, S7): after a non-member pays at the till, checkout calls
 * this in its own transaction. If the payment reaches the merchant's minimum, an invitation
 * to claim a card is recorded (status `sent`; the messaging module delivers it). One open
 * invitation per phone, even under concurrent payments (a partial unique index).
 */
export async function inviteAfterPayment(trx: Trx, ctx: Ctx, input: PaymentSeen) {
  if (!Number.isSafeInteger(input.paid_fen) || input.paid_fen < 1 || input.paid_fen > MAX_FEN)
    throw new DomainError('membership.amount_invalid', { field: 'paid_fen' });
  const merchant = await getMerchant(trx, ctx);
  const phone = parsePhone(merchant, input.phone);
  if (input.store_id) await assertStoreExists(trx, ctx, input.store_id, 'store_id');
  const setting = await getWalletSetting(trx, ctx);
  const member = await trx
    .selectFrom('member')
    .select('id')
    .where('merchant_id', '=', ctx.merchantId)
    .where('phone', '=', phone)
    .executeTakeFirst();
  const open = await trx
    .selectFrom('membership_invitation')
    .select('id')
    .where('merchant_id', '=', ctx.merchantId)
    .where('phone', '=', phone)
    .where('status', '=', 'sent')
    .executeTakeFirst();
  const decision = invitationDecision(setting.pay_to_join_min_fen, input.paid_fen, {
    is_member: member !== undefined,
    has_open_invitation: open !== undefined,
  });
  const base = { min_fen: setting.pay_to_join_min_fen };
  if (!decision.invite)
    return { created: false, reason: decision.reason, ...base, invitation: null };
  const invitation = await trx
    .insertInto('membership_invitation')
    .values({
      merchant_id: ctx.merchantId,
      id: newId(),
      phone,
      paid_fen: input.paid_fen,
      store_id: input.store_id ?? ctx.storeId ?? null,
      status: 'sent',
      member_id: null,
      created_at: ctx.now,
      accepted_at: null,
    })
    .onConflict((oc) =>
      oc.columns(['merchant_id', 'phone']).where('status', '=', 'sent').doNothing(),
    )
    .returningAll()
    .executeTakeFirst();
  if (!invitation)
    return { created: false, reason: 'already_invited' as const, ...base, invitation: null };
  await recordAudit(trx, ctx, {
    action: 'membership.invite',
    entityType: 'membership_invitation',
    entityId: invitation.id,
    after: { paid_fen: input.paid_fen, store_id: invitation.store_id },
  });
  return { created: true, reason: decision.reason, ...base, invitation };
}

export function listInvitations(db: Db, ctx: Ctx, limit: number) {
  return db
    .selectFrom('membership_invitation')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
