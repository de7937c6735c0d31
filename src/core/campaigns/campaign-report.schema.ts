import { Type } from 'typebox';
import { Nullable, Timestamp, Uuid } from '../../lib/schema.ts';
import { CampaignForecastSchema, CampaignStatus } from './campaign.schema.ts';

const Int = Type.Integer();

export const FunnelCounts = Type.Object({
  targeted: Int,
  pending: Int,
  issued: Int,
  control: Int,
  skipped_consent: Int,
  skipped_cap: Int,
  skipped_budget: Int,
  skipped_limit: Int,
  skipped_no_guide: Int,
  coupons: Int,
  claimed: Type.Integer({ description: 'pushed coupons count as claimed when pushed' }),
  redeemed: Int,
  revenue_fen: Int,
  discount_fen: Int,
  roi: Nullable(Type.Number({ description: 'revenue per fen of discount' })),
});

const Interval = Nullable(
  Type.Object({ estimate: Type.Number(), low: Type.Number(), high: Type.Number() }),
);

const Group = Type.Object({
  members: Int,
  buyers: Int,
  order_rate: Nullable(Type.Number()),
  revenue_per_member_fen: Nullable(Type.Number()),
});

export const CampaignReport = Type.Object({
  campaign_id: Uuid,
  name: Type.String(),
  status: CampaignStatus,
  window: Type.Object({ from: Nullable(Timestamp), to: Timestamp }),
  funnel: FunnelCounts,
  by_store: Type.Array(
    Type.Intersect([
      FunnelCounts,
      Type.Object({ store_id: Nullable(Uuid), store_name: Nullable(Type.String()) }),
    ]),
  ),
  uplift: Type.Object({
    treated: Group,
    control: Group,
    redeem_rate: Interval,
    order_rate_diff: Interval,
    revenue_per_member_diff_fen: Interval,
  }),
  forecast: Nullable(CampaignForecastSchema),
  actual: Type.Object({
    reach: Int,
    coupons: Int,
    redeemed: Int,
    cost_fen: Int,
    revenue_fen: Int,
    uplift_revenue_fen: Nullable(Int),
    points: Int,
  }),
});
