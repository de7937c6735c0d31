import type { ColumnType, Generated, Selectable } from 'kysely';

type CreatedAt = ColumnType<Date, Date | undefined, never>;

export type Role = 'owner' | 'manager' | 'cashier' | 'marketer';

export interface MerchantTable {
  id: string;
  name: string;
  time_zone: Generated<string>;
  currency: Generated<string>;
  card_prefix: string;
  allow_foreign_phone: Generated<boolean>;
  created_at: CreatedAt;
}

export interface StoreTable {
  merchant_id: string;
  id: string;
  code: string;
  name: string;
  address: string | null;
  created_at: CreatedAt;
}

export interface StaffTable {
  merchant_id: string;
  id: string;
  login: string;
  display_name: string;
  role: Role;
  store_id: string | null;
  password_hash: string;
  active: Generated<boolean>;
  failed_logins: Generated<number>;
  locked_until: Date | null;
  created_at: CreatedAt;
}

export interface StaffSessionTable {
  token_hash: string;
  merchant_id: string;
  staff_id: string;
  expires_at: Date;
  created_at: CreatedAt;
}

export interface ApiKeyTable {
  merchant_id: string;
  id: string;
  name: string;
  prefix: string;
  secret_hash: string;
  scopes: string[];
  created_by: string;
  created_at: CreatedAt;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface IdempotencyKeyTable {
  merchant_id: string;
  key: string;
  request_hash: string;
  status_code: number | null;
  response: unknown;
  created_at: CreatedAt;
}

export type Merchant = Selectable<MerchantTable>;
export type Store = Selectable<StoreTable>;
export type Staff = Selectable<StaffTable>;
export type ApiKey = Selectable<ApiKeyTable>;
