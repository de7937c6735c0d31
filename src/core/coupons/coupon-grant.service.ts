import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { localDateOf, startOfLocalDay } from '../../lib/time.ts';
import type { Ctx } from '../context.ts';
import { parsePhone, registerMember } from '../members/member.service.ts';
import { recordInteraction } from '../tags/member-tag.service.ts';
import { getMerchant } from '../tenancy/merchant.service.ts';
import { getOwnRow, lockOwnRow } from '../tenant-row.ts';
import { issueCoupon } from './coupon.service.ts';
import type { CouponRow } from './coupon.table.ts';
import { getCouponSetting } from './coupon-pack.service.ts';

/**
 * A staff grant (补发/赠送) with its reason, within the cap the merchant sets for the staff
 * member's role per local day. The staff row is locked, so one member of staff's concurrent
 * grants are counted one at a time.
 */
export async function grantCoupon(
  trx: Trx,
  ctx: Ctx,
  input: { template_id: string; member_id: string; reason: string },
): Promise<CouponRow> {
  const role = ctx.actor.kind === 'staff' ? ctx.actor.role : null;
  const cap = role ? (await getCouponSetting(trx, ctx)).staff_daily_caps[role] : undefined;
  if (cap !== undefined && ctx.actor.id) {
    await lockOwnRow(trx, ctx, 'staff', ctx.actor.id, 'auth.forbidden');
    const { time_zone } = await getMerchant(trx, ctx);
    const dayStart = startOfLocalDay(localDateOf(ctx.now, time_zone), time_zone);
    const { granted } = await trx
      .selectFrom('coupon')
      .select(sql<number>`count(*)::int`.as('granted'))
      .where('merchant_id', '=', ctx.merchantId)
      .where('issued_via', '=', 'staff')
      .where('issued_by', '=', ctx.actor.id)
      .where('created_at', '>=', dayStart)
      .executeTakeFirstOrThrow();
    if (granted >= cap)
      throw new DomainError('coupon.grant_cap_reached', { params: { cap, role } });
  }
  return issueCoupon(trx, ctx, {
    template_id: input.template_id,
    member_id: input.member_id,
    via: 'staff',
    reason: input.reason.trim(),
  });
}

/**
 * 领券先领卡: a claim names a member, or a phone; a phone that is no member yet becomes one in
 * the same transaction (registered as any member is, new-member pack included), so a refused
 * claim leaves no member behind. A merged member's phone claims for the survivor.
 */
export async function claimCoupon(
  trx: Trx,
  ctx: Ctx,
  templateId: string,
  input: { phone?: string | undefined; member_id?: string | undefined },
): Promise<{ coupon: CouponRow; member_created: boolean }> {
  // another merchant's template is absent before anything else is judged
  await getOwnRow(trx, ctx, 'coupon_template', templateId, 'coupon.template_not_found');
  let memberId = input.member_id;
  let created = false;
  if (!memberId) {
    if (!input.phone) throw new DomainError('coupon.claimant_required', { field: 'phone' });
    const phone = parsePhone(await getMerchant(trx, ctx), input.phone);
    const found = await trx
      .selectFrom('member')
      .select(['id', 'status', 'merged_into_id'])
      .where('merchant_id', '=', ctx.merchantId)
      .where('phone', '=', phone)
      .executeTakeFirst();
    if (found) memberId = found.merged_into_id ?? found.id;
    else {
      memberId = (await registerMember(trx, ctx, { phone, source_channel: 'coupon_claim' })).id;
      created = true;
    }
  }
  const coupon = await issueCoupon(trx, ctx, {
    template_id: templateId,
    member_id: memberId,
    via: 'claim',
  });
  await recordInteraction(trx, ctx, memberId, 'coupon_claim');
  return { coupon, member_created: created };
}
