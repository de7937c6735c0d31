import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import type { Ctx } from '../context.ts';
import { getCampaign } from './campaign.service.ts';
import type { CampaignRow } from './campaign.table.ts';
import type { CampaignForecast } from './campaign-forecast.rules.ts';
import {
  type Interval,
  type Moments,
  meanAndVariance,
  meanDifference,
  proportionDifference,
  roi,
  wilson,
} from './campaign-report.rules.ts';

// Definitions (docs/campaigns.md): targeted = every member snapshotted; issued = received the
// actions; claimed = issued coupons (a pushed coupon is in the member's wallet, so it counts as
// claimed when pushed); redeemed = a campaign coupon with a use that stands (not restored by a
// refund); revenue = net paid (due minus money refunded) of the counted orders those uses were
// in; discount = what those coupons took off those orders; ROI = revenue / discount.

const COUNTS = [
  'targeted',
  'pending',
  'issued',
  'control',
  'skipped_consent',
  'skipped_cap',
  'skipped_budget',
  'skipped_limit',
  'skipped_no_guide',
  'coupons',
  'redeemed',
  'revenue_fen',
  'discount_fen',
] as const;
export type FunnelCounts = Record<(typeof COUNTS)[number], number> & {
  claimed: number;
  roi: number | null;
};

const netPaid = (ctx: Ctx) => sql`o.due_fen - coalesce((select sum(r.money_fen) from order_refund r
  where r.merchant_id = ${ctx.merchantId} and r.order_id = o.id), 0)`;

/** The funnel per home store of the members (null: no home store), one grouped query. */
async function funnelByStore(db: Db | Trx, ctx: Ctx, campaignId: string) {
  const uses = sql`select u.order_id from coupon_use u where u.merchant_id = ${ctx.merchantId}
    and u.coupon_id = cm.coupon_id and u.restored_at is null and u.order_id is not null`;
  const { rows } = await sql<Record<string, string | null>>`
    select cm.store_id, s.name as store_name, count(*) as targeted,
      ${sql.join(
        COUNTS.slice(1, 9).map(
          (o) => sql`count(*) filter (where cm.outcome = ${o}) as ${sql.ref(o)}`,
        ),
      )},
      count(cm.coupon_id) as coupons,
      count(*) filter (where red.used) as redeemed,
      coalesce(sum(red.revenue_fen), 0) as revenue_fen,
      coalesce(sum(red.discount_fen), 0) as discount_fen
    from campaign_member cm
    left join store s on s.merchant_id = ${ctx.merchantId} and s.id = cm.store_id
    left join lateral (
      select true as used,
        (select coalesce(sum(${netPaid(ctx)}), 0) from sale_order o
          where o.merchant_id = ${ctx.merchantId} and o.id in (${uses}) and o.status <> 'refunded'
        ) as revenue_fen,
        (select coalesce(sum((c.value ->> 'discount_fen')::bigint), 0)
          from sale_order_line l cross join lateral jsonb_array_elements(l.coupons) c
          where l.merchant_id = ${ctx.merchantId} and l.order_id in (${uses})
            and c.value ->> 'coupon_id' = cm.coupon_id::text) as discount_fen
      from coupon_use u0
      where u0.merchant_id = ${ctx.merchantId} and u0.coupon_id = cm.coupon_id
        and u0.restored_at is null
      limit 1
    ) red on true
    where cm.merchant_id = ${ctx.merchantId} and cm.campaign_id = ${campaignId}
    group by cm.store_id, s.name
    order by s.name nulls last`.execute(db);
  return rows.map((r) => ({
    store_id: r.store_id ?? null,
    store_name: r.store_name ?? null,
    ...countsOf(r),
  }));
}

function countsOf(r: Record<string, string | number | null>): FunnelCounts {
  const counts = Object.fromEntries(COUNTS.map((k) => [k, Number(r[k] ?? 0)])) as Record<
    (typeof COUNTS)[number],
    number
  >;
  return { ...counts, claimed: counts.coupons, roi: roi(counts.revenue_fen, counts.discount_fen) };
}

function total(rows: readonly FunnelCounts[]): FunnelCounts {
  const sums = Object.fromEntries(
    COUNTS.map((k) => [k, rows.reduce((s, r) => s + r[k], 0)]),
  ) as Record<(typeof COUNTS)[number], number>;
  return countsOf(sums);
}

export interface GroupOutcome {
  members: number;
  buyers: number;
  order_rate: number | null;
  revenue_per_member_fen: number | null;
}

/** Orders and net spend per member of treatment and control from the snapshot until `to`. */
async function groupMoments(db: Db | Trx, ctx: Ctx, campaign: CampaignRow, to: Date) {
  const from = campaign.snapshot_at ?? to;
  const { rows } = await sql<{
    outcome: string;
    n: string;
    buyers: string;
    sum: string;
    sumsq: string;
  }>`
    select cm.outcome, count(*) as n, count(*) filter (where s.orders > 0) as buyers,
      coalesce(sum(s.spend), 0) as sum, coalesce(sum(s.spend::numeric * s.spend), 0) as sumsq
    from campaign_member cm
    cross join lateral (
      select count(*) as orders, coalesce(sum(${netPaid(ctx)}), 0) as spend
      from sale_order o
      where o.merchant_id = ${ctx.merchantId} and o.member_id = cm.member_id
        and o.status <> 'refunded' and o.paid_at >= ${from} and o.paid_at < ${to}
    ) s
    where cm.merchant_id = ${ctx.merchantId} and cm.campaign_id = ${campaign.id}
      and cm.outcome in ('issued', 'control')
    group by cm.outcome`.execute(db);
  const of = (outcome: string) => {
    const r = rows.find((x) => x.outcome === outcome);
    return {
      moments: {
        n: Number(r?.n ?? 0),
        sum: Number(r?.sum ?? 0),
        sumSquares: Number(r?.sumsq ?? 0),
      },
      buyers: Number(r?.buyers ?? 0),
    };
  };
  return { from, to, treated: of('issued'), control: of('control') };
}

const outcomeOf = (g: { moments: Moments; buyers: number }): GroupOutcome => ({
  members: g.moments.n,
  buyers: g.buyers,
  order_rate: g.moments.n > 0 ? g.buyers / g.moments.n : null,
  revenue_per_member_fen: g.moments.n > 0 ? meanAndVariance(g.moments).mean : null,
});

export interface CampaignFunnel {
  campaign_id: string;
  name: string;
  status: CampaignRow['status'];
  window: { from: Date | null; to: Date };
  funnel: FunnelCounts;
  by_store: (FunnelCounts & { store_id: string | null; store_name: string | null })[];
  uplift: {
    treated: GroupOutcome;
    control: GroupOutcome;
    redeem_rate: Interval | null;
    order_rate_diff: Interval | null;
    revenue_per_member_diff_fen: Interval | null;
  };
  forecast: CampaignForecast | null;
  actual: {
    reach: number;
    coupons: number;
    redeemed: number;
    cost_fen: number;
    revenue_fen: number;
    uplift_revenue_fen: number | null;
    points: number;
  };
}

/**
 * A campaign's report at ctx.now: the funnel (total and per home store), the uplift of the
 * treated over the control group from the launch until now with 95 % intervals, and the
 * forecast it was launched with beside what happened.
 */
export async function campaignFunnel(db: Db | Trx, ctx: Ctx, id: string): Promise<CampaignFunnel> {
  const campaign = await getCampaign(db, ctx, id);
  const byStore = await funnelByStore(db, ctx, id);
  const funnel = total(byStore);
  const groups = await groupMoments(db, ctx, campaign, ctx.now);
  const t = groups.treated;
  const c = groups.control;
  const revenueDiff = meanDifference(t.moments, c.moments);
  return {
    campaign_id: id,
    name: campaign.name,
    status: campaign.status,
    window: { from: campaign.snapshot_at, to: ctx.now },
    funnel,
    by_store: byStore,
    uplift: {
      treated: outcomeOf(t),
      control: outcomeOf(c),
      redeem_rate: funnel.coupons > 0 ? wilson(funnel.redeemed, funnel.coupons) : null,
      order_rate_diff: proportionDifference(t.buyers, t.moments.n, c.buyers, c.moments.n),
      revenue_per_member_diff_fen: revenueDiff,
    },
    forecast: campaign.forecast,
    actual: {
      reach: funnel.issued,
      coupons: funnel.coupons,
      redeemed: funnel.redeemed,
      cost_fen: funnel.discount_fen,
      revenue_fen: funnel.revenue_fen,
      uplift_revenue_fen: revenueDiff ? Math.round(revenueDiff.estimate * funnel.issued) : null,
      points: campaign.spent_points,
    },
  };
}

export interface CampaignResult {
  campaign_id: string;
  name: string;
  status: CampaignRow['status'];
  launched_at: Date | null;
  targeted: number;
  issued: number;
  redeemed: number;
  revenue_fen: number;
  discount_fen: number;
  roi: number | null;
}

/** Campaigns launched in [from, to) with their headline results (the dashboard's ROI tile). */
export async function listCampaignResults(
  db: Db | Trx,
  ctx: Ctx,
  range: { from: Date; to: Date },
): Promise<CampaignResult[]> {
  const campaigns = await db
    .selectFrom('campaign')
    .select(['id', 'name', 'status', 'snapshot_at', 'launched_at'])
    .where('merchant_id', '=', ctx.merchantId)
    .where('snapshot_at', '>=', range.from)
    .where('snapshot_at', '<', range.to)
    .orderBy('snapshot_at', 'desc')
    .execute();
  const results: CampaignResult[] = [];
  for (const c of campaigns) {
    const f = total(await funnelByStore(db, ctx, c.id));
    results.push({
      campaign_id: c.id,
      name: c.name,
      status: c.status,
      launched_at: c.launched_at,
      targeted: f.targeted,
      issued: f.issued,
      redeemed: f.redeemed,
      revenue_fen: f.revenue_fen,
      discount_fen: f.discount_fen,
      roi: f.roi,
    });
  }
  return results;
}
