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
  /** the frequency cap a new campaign takes when it states none: both set or both null */
  campaign_cap_max: ColumnType<number | null, number | null | undefined, number | null>;
  campaign_cap_days: ColumnType<number | null, number | null | undefined, number | null>;
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
  /** failed password logins since the last successful one: the owner is told at next login */
  failed_logins: Generated<number>;
  last_failed_login_at: Date | null;
  /** client addresses of the latest successful logins, newest first (spared by the login delay) */
  login_addresses: Generated<string[]>;
  created_at: CreatedAt;
}

export interface StaffSessionTable {
  token_hash: string;
  merchant_id: string;
  staff_id: string;
  expires_at: Date;
  /** slides with use (written at most once a minute); idle past SESSION_IDLE_MINUTES ends it */
  last_seen_at: Date;
  /** what the staff member is told after this login: failures since their previous login */
  failed_logins_before: Generated<number>;
  last_failed_login_at: Date | null;
  created_at: CreatedAt;
}

/** Global, not a tenant table: keyed `login:<name>` or `address:<ip>` before a merchant is known. */
export interface LoginThrottleTable {
  key: string;
  /** failures in the current streak */
  failures: number;
  last_failed_at: Date;
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

export type MerchantRow = Selectable<MerchantTable>;
export type StoreRow = Selectable<StoreTable>;
export type StaffRow = Selectable<StaffTable>;
export type ApiKeyRow = Selectable<ApiKeyTable>;
