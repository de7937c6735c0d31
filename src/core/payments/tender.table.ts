import type { Selectable } from 'kysely';

export type TenderMethod = 'cash' | 'wechat_pay' | 'alipay' | 'bank_card';
export type TenderRefType = 'recharge' | 'paid_membership' | 'order';

export interface TenderTable {
  merchant_id: string;
  id: string;
  ref_type: TenderRefType;
  ref_id: string;
  direction: 'charge' | 'refund';
  method: TenderMethod;
  amount_fen: number;
  provider: string;
  provider_ref: string | null;
  refunds_id: string | null;
  created_at: Date;
}

export type TenderRow = Selectable<TenderTable>;
