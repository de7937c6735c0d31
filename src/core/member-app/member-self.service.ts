import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import type { Ctx } from '../context.ts';
import { claimCoupon } from '../coupons/coupon-grant.service.ts';
import { lockActiveMember, updateMember } from '../members/member.service.ts';
import { setMessageOptOut } from '../messaging/message-preference.service.ts';
import { arriveByShareLink } from '../referral/referral-claim.service.ts';
import { recordInteraction } from '../tags/member-tag.service.ts';
import { getOwnRow } from '../tenant-row.ts';
import { checkPasswordStrength } from '../wallet/payment-password.rules.ts';
import {
  getPasswordStatus,
  resetPaymentPassword,
  setPaymentPassword,
} from '../wallet/payment-password.service.ts';
import { selfOf } from './member-card.service.ts';
import { consumeCode } from './member-otp.service.ts';
import { bindMemberSession, type MemberSession } from './member-session.service.ts';

/**
 * 领券先领卡 from the member's own phone: a session that is no member yet claims by its phone,
 * which becomes a member in the claim's transaction, and the session is bound to that member
 * in the same transaction (a refused claim leaves neither a member nor a bound session).
 * Only templates marked `member_claimable` are claimed here (`coupon.not_claimable`).
 */
export async function claimAsSelf(
  trx: Trx,
  ctx: Ctx,
  session: MemberSession,
  templateId: string,
  shareCode?: string,
) {
  // only what the coupon centre offers: other templates are for pushes, packs and the mall
  const template = await getOwnRow(
    trx,
    ctx,
    'coupon_template',
    templateId,
    'coupon.template_not_found',
  );
  if (!template.member_claimable) throw new DomainError('coupon.not_claimable');
  const claimant = ctx.actor.id ? { member_id: ctx.actor.id } : { phone: session.phone };
  const { coupon, member_created } = await claimCoupon(trx, ctx, templateId, claimant);
  if (shareCode)
    await arriveByShareLink(trx, ctx, {
      code: shareCode,
      member_id: coupon.member_id,
      store_id: session.store_id,
      claimed: true,
    });
  if (!ctx.actor.id) await bindMemberSession(trx, ctx, session.token_hash, coupon.member_id);
  return { coupon, member_created, member_id: coupon.member_id };
}

/**
 * Sets the first payment password, or changes it, after the phone proved itself with a
 * one-time code of purpose payment_password: the code is the identity check (method
 * phone_code) the password rules ask of a change without the old password. The strength is
 * checked before the code is used, so a weak password does not spend it.
 */
export async function setPasswordWithCode(
  db: Db,
  ctx: Ctx,
  session: MemberSession,
  input: { code: string; password: string },
) {
  const memberId = selfOf(ctx);
  checkPasswordStrength(input.password);
  await consumeCode(db, ctx, {
    phone: session.phone,
    purpose: 'payment_password',
    code: input.code,
  });
  const status = await getPasswordStatus(db, ctx, memberId);
  if (!status.set) return setPaymentPassword(db, ctx, memberId, { password: input.password });
  return resetPaymentPassword(db, ctx, memberId, {
    password: input.password,
    identity_check: {
      method: 'phone_code',
      reference: `member page, phone …${session.phone.slice(-4)}`,
    },
  });
}

/**
 * The member's own profile: name, gender, and the birthday once (a birthday brings birthday
 * coupons and points, so after it is set only staff change it, audited).
 */
export async function updateOwnProfile(
  trx: Trx,
  ctx: Ctx,
  input: {
    name?: string | undefined;
    gender?: 'male' | 'female' | 'unknown' | undefined;
    birthday?: string | undefined;
  },
) {
  const memberId = selfOf(ctx);
  const member = await lockActiveMember(trx, ctx, memberId);
  if (
    input.birthday !== undefined &&
    member.birthday !== null &&
    input.birthday !== member.birthday
  )
    throw new DomainError('member_app.birthday_set', { field: 'birthday' });
  const patch = {
    ...(input.name !== undefined ? { name: input.name.trim() } : {}),
    ...(input.gender !== undefined ? { gender: input.gender } : {}),
    ...(input.birthday !== undefined ? { birthday: input.birthday } : {}),
  };
  return updateMember(trx, ctx, memberId, patch);
}

/** One tap (PIPL art. 24): no marketing on any channel; service messages still come. */
export async function setOwnMarketingOptOut(trx: Trx, ctx: Ctx, optedOut: boolean) {
  const memberId = selfOf(ctx);
  await setMessageOptOut(trx, ctx, memberId, { purpose: 'marketing', opted_out: optedOut });
  return { marketing_opted_out: optedOut };
}

/** The member's inbox, newest first. */
export async function listInbox(db: Db, ctx: Ctx, limit = 50) {
  const memberId = selfOf(ctx);
  return db
    .selectFrom('member_message')
    .select(['id', 'purpose', 'title', 'body', 'ref_type', 'read_at', 'clicked_at', 'created_at'])
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', memberId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** Marks one of the member's own messages read; another member's is absent. */
export async function markRead(trx: Trx, ctx: Ctx, id: string) {
  const memberId = selfOf(ctx);
  const message = await getOwnRow(trx, ctx, 'member_message', id, 'message.not_found');
  if (message.member_id !== memberId) throw new DomainError('message.not_found');
  await trx
    .updateTable('member_message')
    .set({ read_at: message.read_at ?? ctx.now })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .execute();
  // the first open of a campaign's message feeds the campaign_open interaction tags
  if (!message.read_at && message.ref_type === 'campaign')
    await recordInteraction(trx, ctx, memberId, 'campaign_open');
  return message;
}

/**
 * The member acted on one of their messages (tapped its call to action), which also opens it.
 * A campaign's message feeds campaign_click once per member and campaign: the conditional
 * update sets `clicked_at` only while no message of that campaign to the member has one, and
 * only the tap that set it records the interaction.
 */
export async function markClicked(trx: Trx, ctx: Ctx, id: string) {
  const memberId = selfOf(ctx);
  const message = await markRead(trx, ctx, id);
  const m = ctx.merchantId;
  const campaignId = message.ref_type === 'campaign' ? message.ref_id : null;
  const { rows } = await sql<{ id: string }>`
    update member_message set clicked_at = ${ctx.now}
    where merchant_id = ${m} and id = ${id} and clicked_at is null
      and not exists (
        select 1 from member_message o
        where o.merchant_id = ${m} and o.member_id = ${memberId} and ${campaignId}::text is not null
          and o.ref_type = 'campaign' and o.ref_id = ${campaignId} and o.clicked_at is not null)
    returning id`.execute(trx);
  if (rows.length > 0 && campaignId) await recordInteraction(trx, ctx, memberId, 'campaign_click');
}

/** A row of this merchant that must also be the member's own, or it is absent (404). */
export async function getOwnMemberRow<T extends 'coupon' | 'mall_redemption'>(
  db: Db | Trx,
  ctx: Ctx,
  table: T,
  id: string,
  code: 'coupon.not_found' | 'mall.redemption_not_found',
) {
  const row = await getOwnRow(db, ctx, table, id, code);
  if (row.member_id !== selfOf(ctx)) throw new DomainError(code);
  return row;
}
