import type { Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import type { Ctx } from '../context.ts';
import { issueCoupon } from '../coupons/coupon.service.ts';
import { getOwnRow } from '../tenant-row.ts';
import { bindingOf, bindOnClaim, inviteByCode } from './referral.service.ts';

// an old customer, one bound to another sharer, or a loop still gets the coupon, unbound
const CLAIM_WITHOUT_BINDING = new Set([
  'referral.already_bound',
  'referral.not_new_customer',
  'referral.loop',
]);

/**
 * A customer claims the coupon (or card) a sharer shared: the invitation is recorded, the
 * coupon issued through the one issuing path, and the binding made when the merchant binds on
 * claim, all in the caller's transaction.
 */
export async function claimShared(
  trx: Trx,
  ctx: Ctx,
  input: { code: string; member_id: string; template_id: string; store_id: string | null },
) {
  // the body's rows first: another merchant's id is as absent as a missing one
  await getOwnRow(
    trx,
    ctx,
    'coupon_template',
    input.template_id,
    'coupon.template_not_found',
    'template_id',
  );
  if (input.store_id)
    await getOwnRow(trx, ctx, 'store', input.store_id, 'store.not_found', 'store_id');
  await inviteByCode(trx, ctx, { code: input.code, member_id: input.member_id }).catch(
    (e: unknown) => {
      if (e instanceof DomainError && CLAIM_WITHOUT_BINDING.has(e.code)) return null;
      throw e;
    },
  );
  const coupon = await issueCoupon(trx, ctx, {
    template_id: input.template_id,
    member_id: input.member_id,
    via: 'referral_share',
  });
  await bindOnClaim(trx, ctx, input.member_id, input.store_id);
  return {
    coupon_id: coupon.id,
    coupon_code: coupon.code,
    binding: await bindingOf(trx, ctx, input.member_id),
  };
}
