import type { ColumnType, Selectable } from 'kysely';

export type ExpiryPolicy = 'never' | 'months_after' | 'year_end_after';

export interface CategoryRule {
  category: string;
  /** Paid fen per point: 100 = 1 point per ¥1; 1000 = 1 point per ¥10 (S4 plain gold). */
  fen_per_point: number;
}

/** Largest manual grant per role; the owner (and the system) have none. */
export interface GrantCeilings {
  manager: number;
  cashier: number;
  marketer: number;
  api_key: number;
}

export interface PointsSettingTable {
  merchant_id: string;
  /** For categories without their own rule; null = they earn nothing. */
  default_fen_per_point: number | null;
  categories: ColumnType<CategoryRule[], string, string>;
  expiry_policy: ExpiryPolicy;
  expiry_months: number | null;
  activation_bonus: number;
  profile_bonus: number;
  grant_ceilings: ColumnType<GrantCeilings, string, string>;
  /** Most each actor grants by hand per local day, all members together */
  grant_daily_ceilings: ColumnType<GrantCeilings, string, string>;
  /** How many days back an order's `paid_at` may lie and still earn */
  earn_backdate_days: number;
  updated_at: Date;
}

export interface PointsCampaignTable {
  merchant_id: string;
  id: string;
  name: string;
  multiplier_bp: number;
  /** Local dates in the merchant's zone, both inclusive. */
  starts_on: string;
  ends_on: string;
  /** null = every category */
  categories: string[] | null;
  created_at: Date;
}

export interface PointsEarningTable {
  merchant_id: string;
  id: string;
  member_id: string;
  order_ref: string;
  paid_at: Date;
  amount_fen: number;
  points: number;
  growth: number;
  entry_id: string | null;
  detail: ColumnType<unknown, string, string>;
  created_at: Date;
}

export interface PointsLotTable {
  merchant_id: string;
  id: string;
  member_id: string;
  entry_id: string;
  amount: number;
  remaining: number;
  expired: ColumnType<number, number | undefined, number>;
  expires_at: Date | null;
  created_at: Date;
}

export interface PointsLotUseTable {
  merchant_id: string;
  entry_id: string;
  lot_id: string;
  amount: number;
}

export type PointsSettingRow = Selectable<PointsSettingTable>;
export type PointsCampaignRow = Selectable<PointsCampaignTable>;
export type PointsLotRow = Selectable<PointsLotTable>;
export type PointsEarningRow = Selectable<PointsEarningTable>;
