/**
 * The JSON shapes of the loyalty economy API (issue 4) as the console reads them: tiers,
 * points, points mall, stored value, paid membership. Money is integer fen, rates are basis
 * points (10000 = 100 % or 1×), timestamps ISO strings, dates YYYY-MM-DD in the merchant zone.
 */

export interface TierRight {
  code: string;
  name: string;
  monthly_uses: number;
}
export interface Tier {
  id: string;
  name: string;
  threshold: number;
  discount_bp: number;
  points_multiplier_bp: number;
  birthday_multiplier_bp: number;
  rights: TierRight[];
  created_at: string;
  updated_at: string;
}
export type TierBasis = 'growth' | 'spend';
export interface TierSetting {
  basis: TierBasis;
  fen_per_growth: number;
  review_months: number;
  activation_growth: number;
  profile_growth: number;
}
export interface TierChange {
  id: string;
  from_tier_id: string | null;
  to_tier_id: string | null;
  reason: string;
  qualifying_value: number;
  created_at: string;
}
export interface MemberTierStatus {
  member_id: string;
  tier: Tier | null;
  tier_since: string | null;
  review_at: string | null;
  basis: TierBasis;
  growth: number;
  spend_fen: number;
  qualifying_value: number;
  next_tier: Tier | null;
  missing: number;
  rights: (TierRight & { used: number; remaining: number })[];
  history: TierChange[];
}

export type ExpiryPolicy = 'never' | 'months_after' | 'year_end_after';
export type GrantRole = 'manager' | 'cashier' | 'marketer' | 'api_key';
export interface PointsRules {
  default_fen_per_point: number | null;
  categories: { category: string; fen_per_point: number }[];
  expiry_policy: ExpiryPolicy;
  expiry_months: number | null;
  activation_bonus: number;
  profile_bonus: number;
  grant_ceilings: Record<GrantRole, number>;
}
export interface PointsCampaign {
  id: string;
  name: string;
  multiplier_bp: number;
  starts_on: string;
  ends_on: string;
  categories: string[] | null;
  created_at: string;
}
export interface PointsLot {
  id: string;
  amount: number;
  remaining: number;
  expired: number;
  expires_at: string | null;
  created_at: string;
}
export interface PointsEntry {
  id: string;
  kind: string;
  amount: number;
  balance_after: number;
  ref_type: string | null;
  ref_id: string | null;
  reverses_id: string | null;
  memo: string | null;
  created_at: string;
}
export interface PointsStatement {
  member_id: string;
  balance: number;
  available: number;
  never_expiring: number;
  lots: PointsLot[];
  entries: PointsEntry[];
}
export interface PointsMovement {
  member_id: string;
  entry_id: string;
  points: number;
  balance: number;
}

export type RewardKind = 'goods' | 'service' | 'coupon';
export interface Reward {
  id: string;
  kind: RewardKind;
  name: string;
  description: string | null;
  points_price: number;
  stock: number | null;
  per_member_limit: number | null;
  starts_on: string | null;
  ends_on: string | null;
  active: boolean;
  coupon_template_id: string | null;
  created_at: string;
  updated_at: string;
}
export interface Redemption {
  id: string;
  reward_id: string;
  member_id: string;
  points: number;
  status: 'redeemed' | 'fulfilled' | 'cancelled';
  pickup_code: string | null;
  created_at: string;
  fulfilled_at: string | null;
  cancelled_at: string | null;
}

export type TenderMethod = 'cash' | 'wechat_pay' | 'alipay' | 'bank_card';
export const TENDER_METHODS: TenderMethod[] = ['cash', 'wechat_pay', 'alipay', 'bank_card'];
export interface TenderInput {
  method: TenderMethod;
  amount_fen: number;
}
export interface Tender extends TenderInput {
  id: string;
  direction: 'charge' | 'refund';
  provider: string;
  provider_ref: string | null;
  created_at: string;
}
export interface CouponPackItem {
  template_id: string | null;
  name: string;
  face_value_fen: number;
  threshold_fen: number;
  quantity: number;
}
export type BonusMode = 'immediate' | 'monthly';
export type InstalmentStart = 'this_month' | 'next_month';
export interface RechargePlan {
  id: string;
  name: string;
  price_fen: number;
  bonus_fen: number;
  bonus_mode: BonusMode;
  bonus_instalments_fen: number[];
  instalment_start: InstalmentStart;
  coupon_pack: CouponPackItem[];
  coupon_value_fen: number;
  gift_value_fen: number;
  refundable: boolean;
  refund_policy: string;
  active: boolean;
  created_at: string;
  updated_at: string;
}
export type PartState = 'pending' | 'spendable' | 'used_up' | 'expired' | 'forfeited';
export interface BonusPart {
  id: string;
  recharge_id: string;
  seq: number;
  amount_fen: number;
  remaining_fen: number;
  available_from: string;
  expires_at: string | null;
  state: PartState;
}
export interface RechargeRefund {
  refund_fen: number;
  principal_debit_fen: number;
  bonus_spent_fen: number;
  bonus_forfeit_fen: number;
  bonus_cancelled_fen: number;
}
export interface RechargeSummary {
  id: string;
  member_id: string;
  plan_id: string | null;
  store_id: string | null;
  price_fen: number;
  bonus_fen: number;
  coupon_pack: CouponPackItem[];
  refundable: boolean;
  status: 'completed' | 'refunded';
  refund: RechargeRefund | null;
  refunded_at: string | null;
  created_at: string;
}
export interface Recharge extends RechargeSummary {
  tenders: Tender[];
  bonus_parts: BonusPart[];
}
export interface PasswordStatus {
  set: boolean;
  locked_until: string | null;
  tries_left: number;
}
export interface Wallet {
  member_id: string;
  principal_fen: number;
  bonus_fen: number;
  bonus_ledger_fen: number;
  bonus_pending_fen: number;
  spendable_fen: number;
  parts: BonusPart[];
  payment_password: PasswordStatus;
}
export interface WalletPayment {
  id: string;
  member_id: string;
  order_ref: string;
  store_id: string | null;
  amount_fen: number;
  principal_fen: number;
  bonus_fen: number;
  auth: 'none' | 'password' | 'member_code';
  balances?: { principal_fen: number; bonus_fen: number };
  created_at: string;
}
export type SpendingOrder = 'proportional' | 'bonus_first' | 'principal_first';
export interface WalletSetting {
  spending_order: SpendingOrder;
  password_threshold_fen: number | null;
  member_code_as_password: boolean;
  pay_to_join_min_fen: number | null;
}

export interface MembershipPlan {
  id: string;
  name: string;
  price_fen: number;
  duration_months: number;
  tier_id: string | null;
  extra_discount_bp: number;
  monthly_coupons: CouponPackItem[];
  refund_full_within_days: number;
  refund_policy: string;
  active: boolean;
  created_at: string;
  updated_at: string;
}
export interface PaidMembership {
  id: string;
  member_id: string;
  plan_id: string;
  kind: 'purchase' | 'renewal';
  price_fen: number;
  starts_at: string;
  expires_at: string;
  refund_policy: string;
  status: 'paid' | 'expired' | 'refunded';
  refund_fen: number | null;
  created_at: string;
}
export interface MembershipStatus {
  member_id: string;
  paid_member: boolean;
  current_id: string | null;
  paid_until: string | null;
  periods: PaidMembership[];
}

interface PointsFigures {
  issued: number;
  spent: number;
  expired: number;
  outstanding: number;
}
export interface PointsLiability {
  from: string;
  to: string;
  time_zone: string;
  rows: (PointsFigures & { store_id: string | null; store_name: string | null; month: string })[];
  totals: PointsFigures;
}
export interface WalletLiabilityRow {
  store_id: string | null;
  store_name: string | null;
  members: number;
  principal_fen: number;
  bonus_fen: number;
  bonus_pending_fen: number;
  total_fen: number;
}
export interface WalletLiability {
  as_of: string;
  stores: WalletLiabilityRow[];
  total: Omit<WalletLiabilityRow, 'store_id' | 'store_name'>;
}
