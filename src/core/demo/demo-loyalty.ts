import type { Trx } from '../../db/database.ts';
import type { Ctx } from '../context.ts';
import { createTemplate } from '../coupons/coupon.service.ts';
import { createReward } from '../mall/mall.service.ts';
import { createMembershipPlan } from '../membership/membership-plan.service.ts';
import { updatePointsRules } from '../points/points-setting.service.ts';
import { createTier, updateTierSetting } from '../tiers/tier.service.ts';
import { createRechargePlan } from '../wallet/recharge-plan.service.ts';

/**
 * The loyalty economy of the demo bakery, set up the way a merchant would in the console: tiers
 * by spend, points per yuan with a richer rate on cakes, a recharge plan whose bonus comes in
 * monthly parts, rewards in the points mall and two coupons members claim themselves in the
 * member page's coupon centre. A newcomer sees each of them on the first start.
 */
export async function seedDemoLoyalty(trx: Trx, ctx: Ctx) {
  await updateTierSetting(trx, ctx, { basis: 'spend', review_months: 12 });
  const tiers = [];
  for (const tier of [
    { name: '普通会员', threshold: 0 },
    { name: '银卡会员', threshold: 100_000, discount_bp: 500, points_multiplier_bp: 12_000 },
    {
      name: '金卡会员',
      threshold: 500_000,
      discount_bp: 1000,
      points_multiplier_bp: 15_000,
      birthday_multiplier_bp: 20_000,
      rights: [{ code: 'free_drink', name: '每月免费饮品', monthly_uses: 2 }],
    },
  ])
    tiers.push(await createTier(trx, ctx, tier));
  await updatePointsRules(trx, ctx, {
    default_fen_per_point: 100,
    categories: [
      { category: '蛋糕', fen_per_point: 50 },
      { category: '面包', fen_per_point: 100 },
      { category: '饮品', fen_per_point: 200 },
    ],
    expiry_policy: 'year_end_after',
    expiry_months: 12,
  });
  const plans = [
    await createRechargePlan(trx, ctx, {
      name: '充 500 送 100（分 5 个月到账）',
      price_fen: 50_000,
      bonus_fen: 10_000,
      bonus_mode: 'monthly',
      bonus_instalments_fen: [2000, 2000, 2000, 2000, 2000],
      instalment_start: 'this_month',
    }),
    await createRechargePlan(trx, ctx, {
      name: '充 200 送 20',
      price_fen: 20_000,
      bonus_fen: 2000,
    }),
  ];
  const rewards = [
    await createReward(trx, ctx, {
      kind: 'goods',
      name: '招牌肉松小贝',
      description: '到店凭取货码领取',
      points_price: 300,
      stock: 200,
      per_member_limit: 2,
    }),
    await createReward(trx, ctx, { kind: 'service', name: '生日蛋糕免费写字', points_price: 100 }),
  ];
  const membership = await createMembershipPlan(trx, ctx, {
    name: '麦香年卡',
    price_fen: 9900,
    duration_months: 12,
    tier_id: tiers[1]?.id ?? null,
    extra_discount_bp: 500,
  });
  const coupons = await seedClaimableCoupons(trx, ctx);
  return { tiers, plans, rewards, membership, coupons };
}

/** The coupon centre of the member page: templates marked claimable by members. */
async function seedClaimableCoupons(trx: Trx, ctx: Ctx) {
  const common = {
    validity: { mode: 'days_after_claim', days: 30 },
    usable_weekdays: null,
    usable_hours: null,
    scope: { store_ids: null, category_codes: null, sku_ids: null, min_spend_fen: 0 },
    stacking: { mode: 'exclusive' },
    per_member_limit: 1,
    member_claimable: true,
  } as const;
  return [
    await createTemplate(trx, ctx, {
      ...common,
      name: '进店礼 满50减10',
      benefit: { kind: 'threshold_off', threshold_fen: 5000, off_fen: 1000 },
      total_stock: 1000,
    }),
    await createTemplate(trx, ctx, {
      ...common,
      name: '饮品 5 元代金券',
      benefit: { kind: 'cash_voucher', value_fen: 500 },
      scope: { ...common.scope, category_codes: ['饮品'] },
      total_stock: null,
    }),
  ];
}
