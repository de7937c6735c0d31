import type { ColumnType, Selectable } from 'kysely';
import type { ClawbackPolicy } from '../checkout/refund.rules.ts';

export type OrderStatus = 'paid' | 'partially_refunded' | 'refunded';

export interface CheckoutSettingTable {
  merchant_id: string;
  /** points as payment: `points_per_unit` points pay `fen_per_unit` fen; null = not accepted */
  points_per_unit: number | null;
  fen_per_unit: number | null;
  max_share_bp: number;
  clawback_policy: ClawbackPolicy;
  principal_earns: boolean;
  bonus_earns: boolean;
  /** online orders earn points and growth as till orders do */
  online_earns: boolean;
  updated_at: Date;
}

export interface SaleOrderTable {
  merchant_id: string;
  id: string;
  number: ColumnType<number, number, never>;
  channel: string;
  external_id: string | null;
  member_id: string | null;
  store_id: string;
  staff_id: string | null;
  status: OrderStatus;
  amount_fen: number;
  tier_discount_fen: number;
  coupon_discount_fen: number;
  points_used: number;
  points_deduction_fen: number;
  due_fen: number;
  principal_fen: number;
  bonus_fen: number;
  tender_fen: number;
  points_earned: number;
  growth: number;
  applied_coupon_ids: string[];
  trace: ColumnType<{ step: string }[], string, string>;
  points_debit_id: string | null;
  points_credit_id: string | null;
  wallet_payment_id: string | null;
  paid_at: Date;
  created_at: Date;
}

export interface SaleOrderLineTable {
  merchant_id: string;
  order_id: string;
  line_id: string;
  sku_id: string | null;
  name: string;
  category: string;
  quantity: number;
  unit_price_fen: number;
  amount_fen: number;
  tier_discount_fen: number;
  coupon_discount_fen: number;
  coupons: ColumnType<{ coupon_id: string; discount_fen: number }[], string, string>;
  points_used: number;
  points_deduction_fen: number;
  due_fen: number;
  principal_fen: number;
  bonus_fen: number;
  tender_fen: number;
  earn_base_fen: number;
  points_earned: number;
  growth: number;
  refunded_quantity: ColumnType<number, number | undefined, number>;
}

export interface OrderRefundTable {
  merchant_id: string;
  id: string;
  order_id: string;
  /** null once erased: staff text may name the customer */
  reason: string | null;
  staff_id: string | null;
  complete: boolean;
  amounts: ColumnType<Record<string, number>, string, string>;
  lines: ColumnType<Record<string, unknown>[], string, string>;
  money_fen: number;
  refund_reduction_fen: number;
  created_at: Date;
}

export type CheckoutSettingRow = Selectable<CheckoutSettingTable>;
export type SaleOrderRow = Selectable<SaleOrderTable>;
export type SaleOrderLineRow = Selectable<SaleOrderLineTable>;
export type OrderRefundRow = Selectable<OrderRefundTable>;
