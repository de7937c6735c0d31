import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import type { Ctx } from '../context.ts';
import type { CampaignRow } from './campaign.table.ts';
import {
  type CampaignForecast,
  forecastCampaign,
  type PastResult,
} from './campaign-forecast.rules.ts';
import { campaignFunnel } from './campaign-report.service.ts';
import { decidedTargets } from './campaign-target.service.ts';

/** The most recent finished campaigns a forecast learns from. */
const HISTORY = 10;

/** What a campaign is compared with: its coupon's kind, else its first other action. */
async function kindOf(trx: Trx, ctx: Ctx, campaign: CampaignRow): Promise<string> {
  if (campaign.coupon_template_id) {
    const template = await trx
      .selectFrom('coupon_template')
      .select('kind')
      .where('merchant_id', '=', ctx.merchantId)
      .where('id', '=', campaign.coupon_template_id)
      .executeTakeFirstOrThrow();
    return `coupon:${template.kind}`;
  }
  if (campaign.points_amount) return 'points';
  return campaign.message_title ? 'message' : 'task';
}

async function reachOf(trx: Trx, ctx: Ctx, campaign: CampaignRow) {
  const { rows } = await sql<{ outcome: string; n: string }>`
    select d.outcome, count(*) as n from (${decidedTargets(trx, ctx, campaign)}) d
    group by d.outcome`.execute(trx);
  const n = (o: string) => Number(rows.find((r) => r.outcome === o)?.n ?? 0);
  return {
    targeted: rows.reduce((s, r) => s + Number(r.n), 0),
    skipped_consent: n('skipped_consent'),
    skipped_cap: n('skipped_cap'),
    control: n('control'),
    reach: n('pending'),
  };
}

async function historyOf(trx: Trx, ctx: Ctx, campaign: CampaignRow, kind: string) {
  const past = await trx
    .selectFrom('campaign')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .where('status', 'in', ['launched', 'stopped_budget'])
    .where('id', '<>', campaign.id)
    .orderBy('launched_at', 'desc')
    .limit(HISTORY * 5)
    .execute();
  const results: PastResult[] = [];
  for (const p of past) {
    if (results.length >= HISTORY) break;
    if ((await kindOf(trx, ctx, p)) !== kind) continue;
    const report = await campaignFunnel(trx, ctx, p.id);
    results.push({
      treated: report.funnel.issued,
      control: report.funnel.control,
      coupons: report.funnel.coupons,
      redeemed: report.funnel.redeemed,
      revenue_fen: report.funnel.revenue_fen,
      discount_fen: report.funnel.discount_fen,
      uplift_revenue_per_member_fen: report.uplift.revenue_per_member_diff_fen?.estimate ?? null,
    });
  }
  return results;
}

/** The forecast of a campaign as it would launch now (stored with it at launch). */
export async function forecastFor(
  trx: Trx,
  ctx: Ctx,
  campaign: CampaignRow,
): Promise<CampaignForecast> {
  const kind = await kindOf(trx, ctx, campaign);
  return forecastCampaign(
    await reachOf(trx, ctx, campaign),
    { kind, coupon: campaign.coupon_template_id !== null, points: campaign.points_amount ?? 0 },
    await historyOf(trx, ctx, campaign, kind),
    ctx.now,
  );
}
