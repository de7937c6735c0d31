import type { ColumnType, Selectable } from 'kysely';
import type { Role } from '../tenancy/tenancy.table.ts';
import type { CouponTemplateBody } from './coupon.schema.ts';

export type CouponStatus = 'issued' | 'redeemed' | 'void' | 'expired';
export type CouponRefType = 'mall_redemption' | 'recharge' | 'paid_membership';

/** What a template says a coupon does; the columns beside it are what the database guards. */
export type CouponDefinition = Pick<
  CouponTemplateBody,
  'benefit' | 'validity' | 'usable_weekdays' | 'usable_hours' | 'scope' | 'stacking'
>;

export interface CouponTemplateTable {
  merchant_id: string;
  id: string;
  name: string;
  kind: CouponTemplateBody['benefit']['kind'];
  definition: ColumnType<CouponDefinition, string, string>;
  /** null = unlimited */
  total_stock: number | null;
  issued: ColumnType<number, number | undefined, number>;
  per_member_limit: number | null;
  active: boolean;
  /** offered in the member page's coupon centre and claimable there */
  member_claimable: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Date;
  updated_at: Date;
}

export interface CouponTable {
  merchant_id: string;
  id: string;
  template_id: string;
  member_id: string;
  code: string;
  status: CouponStatus;
  /** count cards: uses left; 1 for every other kind until redeemed */
  uses_left: number;
  valid_from: Date;
  valid_until: Date;
  issued_via: string;
  issued_by: string | null;
  /** what issued it, so cancelling that voids its coupons */
  ref_type: CouponRefType | null;
  ref_id: string | null;
  /** why staff granted it */
  reason: string | null;
  redeemed_at: Date | null;
  redeemed_store_id: string | null;
  redeemed_by: string | null;
  created_at: Date;
}

export type CouponTemplateRow = Selectable<CouponTemplateTable>;
export type CouponRow = Selectable<CouponTable>;

/** One use of a coupon: by code at the till (order_id null) or inside a checkout. */
export interface CouponUseTable {
  merchant_id: string;
  id: string;
  coupon_id: string;
  order_id: string | null;
  store_id: string | null;
  /** the staff member who used it; null for an API key or the system */
  staff_id: string | null;
  used_at: Date;
  restored_at: Date | null;
}

export type CouponUseRow = Selectable<CouponUseTable>;

/** One line of a pack of coupons issued together (new-member pack). */
export interface PackItem {
  template_id: string;
  quantity: number;
}

export interface CouponSettingTable {
  merchant_id: string;
  new_member_pack: ColumnType<PackItem[], string, string>;
  /** the most coupons one staff member of a role may grant per local day; absent = no cap */
  staff_daily_caps: ColumnType<Partial<Record<Role, number>>, string, string>;
  updated_at: Date;
}

export type CouponSettingRow = Selectable<CouponSettingTable>;
