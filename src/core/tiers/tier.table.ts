import type { ColumnType, Selectable } from 'kysely';

export type TierBasis = 'growth' | 'spend';
export type TierChangeReason = 'upgrade' | 'downgrade' | 'review';

/** A named service right of a tier, e.g. "free size upgrade", usable `monthly_uses` times a month. */
export interface TierRight {
  code: string;
  name: string;
  monthly_uses: number;
}

export interface TierSettingTable {
  merchant_id: string;
  basis: TierBasis;
  /** Spend (fen) per 1 growth: 100 = 1 growth per ¥1 paid. */
  fen_per_growth: number;
  /** Length of the qualifying window and of the period a reached tier is kept before review. */
  review_months: number;
  activation_growth: number;
  profile_growth: number;
  updated_at: Date;
}

export interface TierTable {
  merchant_id: string;
  id: string;
  name: string;
  /** Growth value or spend in fen (per the merchant's basis) over the qualifying window. */
  threshold: number;
  /** The part of the price taken off: 1000 = 10 % off (九折). */
  discount_bp: number;
  points_multiplier_bp: number;
  birthday_multiplier_bp: number;
  /** jsonb: written as a JSON string */
  rights: ColumnType<TierRight[], string, string>;
  created_at: Date;
  updated_at: Date;
}

export interface MemberLoyaltyTable {
  merchant_id: string;
  member_id: string;
  tier_id: string | null;
  /** Lifetime totals, for display; tier decisions use the windowed sums of growth_entry. */
  growth: number;
  spend_fen: number;
  tier_since: Date | null;
  tier_review_at: Date | null;
  activated_at: Date | null;
  profile_bonus_at: Date | null;
  updated_at: Date;
}

export interface GrowthEntryTable {
  merchant_id: string;
  id: string;
  member_id: string;
  growth: number;
  spend_fen: number;
  kind: string;
  ref_type: string | null;
  ref_id: string | null;
  memo: string | null;
  created_at: Date;
}

export interface TierHistoryTable {
  merchant_id: string;
  id: string;
  member_id: string;
  from_tier_id: string | null;
  to_tier_id: string | null;
  reason: TierChangeReason;
  qualifying_value: number;
  /** what caused the change: the order whose growth upgraded, the refund that downgraded */
  ref_type: ColumnType<string | null, string | null | undefined, string | null>;
  ref_id: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Date;
}

export interface TierRightUseTable {
  merchant_id: string;
  id: string;
  member_id: string;
  tier_id: string;
  right_code: string;
  /** `YYYY-MM` in the merchant's zone */
  month: string;
  actor_id: string | null;
  used_at: Date;
}

export type TierSettingRow = Selectable<TierSettingTable>;
export type TierRow = Selectable<TierTable>;
export type MemberLoyaltyRow = Selectable<MemberLoyaltyTable>;
export type TierHistoryRow = Selectable<TierHistoryTable>;
