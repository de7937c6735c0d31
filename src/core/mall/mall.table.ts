import type { Selectable } from 'kysely';

export type RewardKind = 'goods' | 'service' | 'coupon';
export type RedemptionStatus = 'redeemed' | 'fulfilled' | 'cancelled';

export interface MallRewardTable {
  merchant_id: string;
  id: string;
  kind: RewardKind;
  name: string;
  description: string | null;
  points_price: number;
  /** null = unlimited */
  stock: number | null;
  per_member_limit: number | null;
  /** Local dates in the merchant's zone, inclusive; null = open-ended. */
  starts_on: string | null;
  ends_on: string | null;
  active: boolean;
  coupon_template_id: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface MallRedemptionTable {
  merchant_id: string;
  id: string;
  reward_id: string;
  member_id: string;
  points: number;
  status: RedemptionStatus;
  pickup_code: string | null;
  entry_id: string;
  refund_entry_id: string | null;
  cancel_reason: string | null;
  created_at: Date;
  fulfilled_at: Date | null;
  cancelled_at: Date | null;
}

export type MallRewardRow = Selectable<MallRewardTable>;
export type MallRedemptionRow = Selectable<MallRedemptionTable>;
