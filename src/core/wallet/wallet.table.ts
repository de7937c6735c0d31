import type { ColumnType, Selectable } from 'kysely';

type Json<T> = ColumnType<T, string, string>;

export type SpendingOrder = 'proportional' | 'bonus_first' | 'principal_first';
export type BonusMode = 'immediate' | 'monthly';
export type InstalmentStart = 'this_month' | 'next_month';
export type BonusPartStatus = 'pending' | 'released' | 'expired' | 'forfeited';
export type PaymentAuth = 'none' | 'password' | 'member_code';

/** One coupon line of a gift pack; the coupons module turns it into coupons. */
export interface CouponPackItem {
  /** the coupon template to issue, once templates exist; until then the line describes it */
  template_id: string | null;
  name: string;
  face_value_fen: number;
  /** spend-X-save-Y threshold; 0 for a plain cash voucher */
  threshold_fen: number;
  quantity: number;
}

export interface WalletSettingTable {
  merchant_id: string;
  spending_order: SpendingOrder;
  password_threshold_fen: number | null;
  member_code_as_password: boolean;
  pay_to_join_min_fen: number | null;
  updated_at: Date;
}

export interface RechargePlanTable {
  merchant_id: string;
  id: string;
  name: string;
  price_fen: number;
  bonus_fen: number;
  bonus_mode: BonusMode;
  bonus_instalments_fen: number[];
  instalment_start: InstalmentStart;
  coupon_pack: Json<CouponPackItem[]>;
  refundable: boolean;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface RechargeRefund {
  refund_fen: number;
  principal_debit_fen: number;
  bonus_spent_fen: number;
  bonus_forfeit_fen: number;
  bonus_cancelled_fen: number;
}

export interface RechargeTable {
  merchant_id: string;
  id: string;
  member_id: string;
  plan_id: string | null;
  store_id: string | null;
  price_fen: number;
  bonus_fen: number;
  coupon_pack: Json<CouponPackItem[]>;
  coupon_pack_issued_at: Date | null;
  refundable: boolean;
  status: 'completed' | 'refunded';
  principal_entry_id: string;
  refund: ColumnType<RechargeRefund | null, string | null, string | null>;
  refunded_at: Date | null;
  actor_kind: string;
  actor_id: string | null;
  created_at: Date;
}

export interface BonusPartTable {
  merchant_id: string;
  id: string;
  member_id: string;
  recharge_id: string;
  seq: number;
  amount_fen: number;
  remaining_fen: number;
  closed_fen: number;
  available_from: Date;
  expires_at: Date | null;
  status: BonusPartStatus;
  released_entry_id: string | null;
  closed_entry_id: string | null;
  created_at: Date;
}

export interface PartUse {
  part_id: string;
  amount_fen: number;
}

export interface WalletPaymentTable {
  merchant_id: string;
  id: string;
  member_id: string;
  order_ref: string;
  store_id: string | null;
  amount_fen: number;
  principal_fen: number;
  bonus_fen: number;
  bonus_parts: Json<PartUse[]>;
  auth: PaymentAuth;
  created_at: Date;
}

export interface PaymentPasswordTable {
  merchant_id: string;
  member_id: string;
  password_hash: string;
  failed_tries: number;
  locked_until: Date | null;
  updated_at: Date;
}

export type WalletSettingRow = Selectable<WalletSettingTable>;
export type RechargePlanRow = Selectable<RechargePlanTable>;
export type RechargeRow = Selectable<RechargeTable>;
export type BonusPartRow = Selectable<BonusPartTable>;
export type WalletPaymentRow = Selectable<WalletPaymentTable>;
export type PaymentPasswordRow = Selectable<PaymentPasswordTable>;
