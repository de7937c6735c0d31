import type { Selectable } from 'kysely';

/** One row per member who has ordered; see migrations/2026_12_02_0100_marketing.ts. */
export interface MemberFactTable {
  merchant_id: string;
  member_id: string;
  first_order_at: Date;
  last_order_at: Date;
  order_count: number;
  spend_fen: number;
  /** paid_at of the most recent counted orders, newest first, at most 32 */
  recent_order_at: Date[];
  updated_at: Date;
}

export interface MemberCategoryFactTable {
  merchant_id: string;
  member_id: string;
  category: string;
  order_count: number;
  quantity: number;
  spend_fen: number;
  first_order_at: Date;
  last_order_at: Date;
}

export interface MemberStoreFactTable {
  merchant_id: string;
  member_id: string;
  store_id: string;
  order_count: number;
  spend_fen: number;
  first_order_at: Date;
  last_order_at: Date;
}

export type MemberFactRow = Selectable<MemberFactTable>;
export type MemberCategoryFactRow = Selectable<MemberCategoryFactTable>;
export type MemberStoreFactRow = Selectable<MemberStoreFactTable>;
