import { registerFulfiller } from '../mall/reward-fulfiller.ts';
import { issueCoupon } from './coupon.service.ts';
import { voidCouponsOf } from './coupon-pack.service.ts';

// A coupon bought with points in the mall (S1: 满500减50 for points): issued through the one
// issueCoupon, pointing at the redemption; cancelling the redemption voids it, or is refused
// once the coupon was used. Registered when the mall services load this module.
registerFulfiller({
  kind: 'coupon',
  fulfil: async (trx, ctx, { reward, redemptionId, memberId }) => {
    await issueCoupon(trx, ctx, {
      template_id: reward.coupon_template_id as string,
      member_id: memberId,
      via: 'mall',
      ref: { type: 'mall_redemption', id: redemptionId },
    });
    return { pickup_code: null };
  },
  cancel: async (trx, ctx, redemption) => {
    await voidCouponsOf(trx, ctx, { type: 'mall_redemption', id: redemption.id }, true);
  },
});
