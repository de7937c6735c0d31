import { type Static, Type } from 'typebox';
import { DateString, Nullable, Timestamp, Uuid } from '../../lib/schema.ts';

const Count = Type.Integer({ minimum: 0 });
const Fen = Type.Integer({ description: 'fen' });

export const DASHBOARD_PERIODS = ['today', 'week', 'month'] as const;
export type DashboardPeriod = (typeof DASHBOARD_PERIODS)[number];

const Filter = {
  store_id: Type.Optional(Uuid),
  period: Type.Optional(
    Type.Enum(DASHBOARD_PERIODS, {
      description: "today, this week (from Monday) or this month, in the merchant's zone",
    }),
  ),
  from: Type.Optional(DateString),
  to: Type.Optional(DateString),
};

/** Which store and which local days a tile covers: from/to (both) win over period. */
export const DashboardQuery = Type.Object(Filter, { additionalProperties: false });
export type DashboardQuery = Static<typeof DashboardQuery>;

export const DASHBOARD_TABLES = [
  'kpis',
  'sales_by_day',
  'sales_by_store',
  'wallet',
  'points',
  'coupons',
  'campaigns',
  'rfm',
  'lifecycle',
  'tiers',
] as const;
export type DashboardTable = (typeof DASHBOARD_TABLES)[number];

export const DashboardExportQuery = Type.Object(
  {
    ...Filter,
    format: Type.Optional(
      Type.Union([Type.Literal('csv'), Type.Literal('xlsx')], { description: 'default csv' }),
    ),
  },
  { additionalProperties: false },
);
export type DashboardExportQuery = Static<typeof DashboardExportQuery>;

/** The resolved period: local dates, both inclusive, and the instants [starts, ends). */
export const DashboardRange = Type.Object({
  from: Type.String({ description: 'first local day, YYYY-MM-DD' }),
  to: Type.String({ description: 'last local day, YYYY-MM-DD (inclusive)' }),
  time_zone: Type.String(),
  starts: Timestamp,
  ends: Timestamp,
  store_id: Nullable(Uuid),
});
export type DashboardRange = Static<typeof DashboardRange>;

const withRange = <T extends Record<string, import('typebox').TSchema>>(fields: T) =>
  Type.Object({ range: DashboardRange, ...fields });

export const KpiTile = withRange({
  new_members: Count,
  active_members: Type.Integer({ minimum: 0, description: 'members with a counted order' }),
  repurchasers: Type.Integer({ minimum: 0, description: 'members with 2 or more counted orders' }),
  repurchase_rate_bp: Nullable(
    Type.Integer({ description: 'repurchasers / active, 10000 = 100%' }),
  ),
  orders: Count,
  sales_fen: Fen,
  aov_fen: Nullable(Fen),
  member_orders: Count,
  member_sales_fen: Fen,
});
export type KpiTile = Static<typeof KpiTile>;

const Sales = { orders: Count, sales_fen: Fen, members: Count };
export const SalesByDayTile = withRange({
  days: Type.Array(Type.Object({ date: Type.String(), ...Sales })),
});
export type SalesByDayTile = Static<typeof SalesByDayTile>;

export const SalesByStoreTile = withRange({
  stores: Type.Array(
    Type.Object({ store_id: Uuid, store_name: Type.String(), ...Sales, aov_fen: Nullable(Fen) }),
  ),
});
export type SalesByStoreTile = Static<typeof SalesByStoreTile>;

export const WalletTile = withRange({
  recharges: Count,
  recharge_fen: Fen,
  recharge_bonus_fen: Fen,
  outstanding_principal_fen: Fen,
  outstanding_bonus_fen: Fen,
});
export type WalletTile = Static<typeof WalletTile>;

export const PointsTile = withRange({
  issued: Type.Integer(),
  spent: Type.Integer(),
  expired: Type.Integer(),
  outstanding: Type.Integer({ description: 'now' }),
});
export type PointsTile = Static<typeof PointsTile>;

export const CouponsTile = withRange({
  issued: Count,
  redeemed: Count,
  discount_fen: Fen,
  coupon_orders: Count,
  coupon_sales_fen: Fen,
  templates: Type.Array(
    Type.Object({ template_id: Uuid, name: Type.String(), issued: Count, redeemed: Count }),
  ),
});
export type CouponsTile = Static<typeof CouponsTile>;

export const CampaignsTile = withRange({
  campaigns: Type.Array(
    Type.Object({
      campaign_id: Uuid,
      name: Type.String(),
      status: Type.String(),
      launched_at: Nullable(Timestamp),
      targeted: Count,
      issued: Count,
      redeemed: Count,
      revenue_fen: Fen,
      discount_fen: Fen,
      roi: Nullable(
        Type.Number({ description: 'revenue on redeeming orders per fen of discount' }),
      ),
    }),
  ),
});
export type CampaignsTile = Static<typeof CampaignsTile>;

const Group = Type.Object({
  key: Nullable(Type.String()),
  name: Nullable(Type.String()),
  members: Count,
});
export const DistributionTile = withRange({ groups: Type.Array(Group) });
export type DistributionTile = Static<typeof DistributionTile>;
