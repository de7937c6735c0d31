import type { ColumnType, Selectable } from 'kysely';

export type BindOn = 'claim' | 'first_payment';
export type CommissionRule = 'fixed_new_member' | 'first_order_percent' | 'orders_percent';
export type CommissionPayout = 'points' | 'ledger' | 'bonus';
export type WithdrawalStatus = 'pending' | 'approved' | 'refused';

export interface ReferralSettingTable {
  merchant_id: string;
  active: boolean;
  bind_on: BindOn;
  /** a customer can be bound within this many days of joining */
  binding_window_days: number;
  rule: CommissionRule;
  fixed_fen: number;
  percent_bp: number;
  /** `orders_percent`: orders within this many days of the binding earn commission */
  rule_days: number;
  payout: CommissionPayout;
  points_per_yuan: number;
  updated_at: Date;
}

export interface ReferralCodeTable {
  merchant_id: string;
  member_id: string;
  code: string;
  created_at: Date;
}

export interface ReferralBindingTable {
  merchant_id: string;
  member_id: string;
  referrer_id: string;
  status: 'pending' | 'bound';
  invited_at: Date;
  bound_at: Date | null;
  bound_via: BindOn | null;
  store_id: string | null;
  first_order_id: string | null;
}

export interface ReferralCommissionTable {
  merchant_id: string;
  id: string;
  referrer_id: string;
  referee_id: string;
  order_id: string;
  store_id: string;
  refund_id: string | null;
  reverses_id: string | null;
  rule: CommissionRule;
  payout: CommissionPayout;
  /** signed: a reversal is negative */
  amount_fen: number;
  points: number;
  /** a reversal: the refunded money it stands for (the ratio's numerator) */
  refunded_fen: number;
  ledger_entry_id: string | null;
  /** payout `bonus`, on the commission: what its reversals could not take back (bonus spent) */
  unrecovered_fen: ColumnType<number, number | undefined, number>;
  created_at: Date;
}

export interface ReferralWithdrawalTable {
  merchant_id: string;
  id: string;
  member_id: string;
  amount_fen: number;
  status: WithdrawalStatus;
  note: string | null;
  requested_at: Date;
  decided_at: Date | null;
  decided_by: string | null;
  decision_reason: string | null;
}

export type ReferralSettingRow = Selectable<ReferralSettingTable>;
export type ReferralBindingRow = Selectable<ReferralBindingTable>;
export type ReferralCommissionRow = Selectable<ReferralCommissionTable>;
export type ReferralWithdrawalRow = Selectable<ReferralWithdrawalTable>;
