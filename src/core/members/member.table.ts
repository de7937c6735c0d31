import type { ColumnType, Selectable } from 'kysely';

export type Gender = 'male' | 'female' | 'unknown';
export type MemberStatus = 'active' | 'merged' | 'erased';
export type IdentityKind = 'wechat_openid' | 'wechat_unionid' | 'shop_customer' | 'legacy_card';
export type CustomFieldType = 'text' | 'number' | 'date' | 'option';

export interface MemberTable {
  merchant_id: string;
  id: string;
  card_no: string;
  phone: string | null;
  name: string | null;
  gender: Gender;
  birthday: string | null;
  source_channel: string;
  home_store_id: string | null;
  referrer_id: string | null;
  /** jsonb: written as a JSON string */
  custom: ColumnType<Record<string, unknown>, string, string>;
  marketing_consent: boolean;
  status: MemberStatus;
  merged_into_id: string | null;
  /** the member's guide (导购) */
  guide_staff_id: ColumnType<string | null, string | null | undefined, string | null>;
  registered_at: Date;
  updated_at: Date;
}

export interface MemberIdentityTable {
  merchant_id: string;
  id: string;
  member_id: string;
  kind: IdentityKind;
  value: string;
  created_at: Date;
}

export interface CustomFieldTable {
  merchant_id: string;
  id: string;
  key: string;
  label: string;
  type: CustomFieldType;
  options: string[];
}

export interface MemberMergeTable {
  merchant_id: string;
  id: string;
  survivor_id: string;
  merged_id: string;
  moved: unknown;
  actor_id: string | null;
  created_at: Date;
}

/** The nonce of a dynamic member code that authorised a payment: a code pays once. */
export interface MemberCodeUseTable {
  merchant_id: string;
  nonce: string;
  member_id: string;
  expires_at: Date;
  used_at: Date;
}

export type MemberRow = Selectable<MemberTable>;
export type MemberIdentityRow = Selectable<MemberIdentityTable>;
export type CustomFieldRow = Selectable<CustomFieldTable>;
export type MemberMergeRow = Selectable<MemberMergeTable>;
