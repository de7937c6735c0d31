import type { Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import type { Ctx } from '../context.ts';
import { issueCoupon } from '../coupons/coupon.service.ts';
import { recordInteraction } from '../tags/member-tag.service.ts';
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

// a share link from a stranger's phone is a hint, not a request: a refusal leaves no trace
const LINK_REFUSALS = new Set([
  ...CLAIM_WITHOUT_BINDING,
  'referral.code_not_found',
  'referral.self_referral',
]);

/**
 * A member signed in (or became one by a claim) through a share link `?r=code`: the invitation
 * is recorded with the same rules as a shared claim (window, once, no self-referral or loop),
 * the sharer's share interaction fed, and `claimed` binds it now when the merchant binds on claim.
 */
export async function arriveByShareLink(
  trx: Trx,
  ctx: Ctx,
  input: { code: string; member_id: string; store_id: string | null; claimed: boolean },
) {
  const before = await bindingOf(trx, ctx, input.member_id);
  const invited = await inviteByCode(trx, ctx, input).catch((e: unknown) => {
    if (e instanceof DomainError && LINK_REFUSALS.has(e.code)) return null;
    throw e;
  });
  if (!invited) return null;
  if (!before) await recordInteraction(trx, ctx, invited.referrer_id, 'share');
  if (input.claimed) await bindOnClaim(trx, ctx, input.member_id, input.store_id);
  return bindingOf(trx, ctx, input.member_id);
}
