import type { ColumnType, Selectable } from 'kysely';
import type { CouponPackItem } from '../wallet/wallet.table.ts';

type Json<T> = ColumnType<T, string, string>;

export interface MembershipBenefits {
  tier_id: string | null;
  extra_discount_bp: number;
  /** coupons the member may receive each month; the coupons module honours it */
  monthly_coupons: CouponPackItem[];
}

export interface MembershipPlanTable {
  merchant_id: string;
  id: string;
  name: string;
  price_fen: number;
  duration_months: number;
  tier_id: string | null;
  extra_discount_bp: number;
  monthly_coupons: Json<CouponPackItem[]>;
  refund_full_within_days: number;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface PaidMembershipTable {
  merchant_id: string;
  id: string;
  member_id: string;
  plan_id: string;
  kind: 'purchase' | 'renewal';
  price_fen: number;
  starts_at: Date;
  expires_at: Date;
  benefits: Json<MembershipBenefits>;
  refund_full_within_days: number;
  status: 'paid' | 'expired' | 'refunded';
  refund_fen: number | null;
  refunded_at: Date | null;
  expired_at: Date | null;
  store_id: string | null;
  created_at: Date;
}

/** One month of a paid period's monthly coupons, given once. */
export interface PaidMembershipAllowanceTable {
  merchant_id: string;
  paid_membership_id: string;
  month_index: number;
  coupons: number;
  granted_at: Date;
}

export interface MembershipInvitationTable {
  merchant_id: string;
  id: string;
  phone: string;
  paid_fen: number;
  store_id: string | null;
  status: 'sent' | 'accepted';
  member_id: string | null;
  created_at: Date;
  accepted_at: Date | null;
}

export type MembershipPlanRow = Selectable<MembershipPlanTable>;
export type PaidMembershipRow = Selectable<PaidMembershipTable>;
export type MembershipInvitationRow = Selectable<MembershipInvitationTable>;
