import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import { createCampaign, updateCampaign } from '../campaigns/campaign.service.ts';
import { requestLaunch } from '../campaigns/campaign-launch.service.ts';
import { launchInTransaction } from '../campaigns/campaign-run.service.ts';
import { decidedTargets } from '../campaigns/campaign-target.service.ts';
import { priceOrder } from '../checkout/pricing.rules.ts';
import type { Ctx } from '../context.ts';
import { createTemplate } from '../coupons/coupon.service.ts';
import { commitOrder } from '../orders/order-commit.service.ts';
import { loadPricing } from '../orders/order-pricing.service.ts';

const DAY = 86_400_000;
const CAKE = '6901234000023'; // 8 寸黑森林 ¥238: enough for 满100减50

/**
 * One finished campaign for the first start: two weeks ago, 80 members who had ordered got a
 * 满100减50 push and an inbox message with a 10 % control group; since then some redeemed it at
 * the till (through the till's own commit) and some of the control group bought anyway, so the
 * report has a funnel, an uplift and a forecast vs actual to show.
 */
export async function seedDemoCampaign(
  trx: Trx,
  ctx: Ctx,
  skuIds: Map<string, string>,
  storeIds: readonly string[],
): Promise<void> {
  const launchedAt = new Date(ctx.now.getTime() - 14 * DAY);
  const at = { ...ctx, now: launchedAt };
  const template = await createTemplate(trx, at, {
    name: '老客回流 满100减50',
    benefit: { kind: 'threshold_off', threshold_fen: 10_000, off_fen: 5_000 },
    validity: { mode: 'days_after_claim', days: 30 },
    usable_weekdays: null,
    usable_hours: null,
    scope: { store_ids: null, category_codes: null, sku_ids: null, min_spend_fen: 0 },
    stacking: { mode: 'exclusive' },
    total_stock: null,
    per_member_limit: 1,
  });
  const regulars = await trx
    .selectFrom('member_fact')
    .select('member_id')
    .where('merchant_id', '=', ctx.merchantId)
    .where('last_order_at', '<', launchedAt)
    // not the members of the till's demo sales, whose purchase history stays as it is
    .where('member_id', 'not in', (eb) =>
      eb
        .selectFrom('sale_order')
        .select('member_id')
        .where('merchant_id', '=', ctx.merchantId)
        .where('channel', '=', 'till')
        .where('member_id', 'is not', null)
        .$narrowType<{ member_id: string }>(),
    )
    .orderBy('member_id')
    .limit(80)
    .execute();
  if (regulars.length === 0) return;
  let campaign = await createCampaign(trx, at, {
    name: '老客回流：满100减50',
    target: { member_ids: regulars.map((r) => r.member_id) },
    actions: {
      coupon_template_id: template.id,
      message: {
        title: '好久不见，送你一张满100减50',
        body: '30 天内到店消费满 100 元立减 50 元。',
      },
    },
    control_bp: 1000,
  });
  // the draw is a stable hash of campaign and member: a 10 % draw from a small demo can hold
  // fewer than the two members an uplift needs, so the demo widens its share in steps until it
  // holds two (the campaign shows the share it used)
  for (let bp = 1500; bp <= 5000 && (await controlSize(trx, at, campaign)) < 2; bp += 500)
    campaign = await updateCampaign(trx, at, campaign.id, { control_bp: bp });
  await requestLaunch(trx, at, campaign.id, async () => {});
  await launchInTransaction(trx, at, campaign.id);
  const members = await trx
    .selectFrom('campaign_member')
    .select(['member_id', 'outcome', 'coupon_id'])
    .where('merchant_id', '=', ctx.merchantId)
    .where('campaign_id', '=', campaign.id)
    .where('outcome', 'in', ['issued', 'control'])
    .orderBy('member_id')
    .execute();
  const treated = members.filter((m) => m.outcome === 'issued');
  const control = members.filter((m) => m.outcome === 'control');
  const buyers = [
    ...treated.slice(0, 14).map((m) => ({ ...m, coupon: m.coupon_id })),
    ...control.slice(0, 1).map((m) => ({ ...m, coupon: null })),
  ];
  for (const [i, buyer] of buyers.entries()) {
    const orderCtx = { ...ctx, now: new Date(launchedAt.getTime() + ((i % 12) + 1) * DAY) };
    const sale = {
      store_id: storeIds[i % storeIds.length]!,
      member_id: buyer.member_id,
      lines: [{ sku_id: skuIds.get(CAKE)!, quantity: 1 }],
      ...(buyer.coupon ? { coupon_ids: [buyer.coupon] } : {}),
    };
    const priced = priceOrder((await loadPricing(trx, orderCtx, sale)).input, orderCtx.now);
    const tenders = [{ method: 'cash' as const, amount_fen: priced.tender_fen }];
    await commitOrder(trx, orderCtx, { ...sale, tenders }, { method: 'none' });
  }
}

async function controlSize(trx: Trx, ctx: Ctx, campaign: Parameters<typeof decidedTargets>[2]) {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from (${decidedTargets(trx, ctx, campaign)}) d
    where d.outcome = 'control'`.execute(trx);
  return rows[0]?.n ?? 0;
}
