import type { ColumnType, Selectable } from 'kysely';
import type { Channel } from './outbox.table.ts';

/** A member's marketing opt-out on one channel (the one-tap switch is member.marketing_consent). */
export interface MessageOptOutTable {
  merchant_id: string;
  member_id: string;
  channel: Channel;
  created_at: Date;
}

/** A merchant's template: overrides the built-in one of the same code, or adds a code. */
export interface MessageTemplateTable {
  merchant_id: string;
  id: string;
  code: string;
  purpose: 'marketing' | 'service';
  title_zh: string;
  body_zh: string;
  title_en: string;
  body_en: string;
  created_at: Date;
  updated_at: Date;
}

export type PushChannel = 'sms' | 'email' | 'wechat';

/** How one push channel reaches its provider; `config` holds secrets, never returned in full. */
export interface MessageChannelSettingTable {
  merchant_id: string;
  channel: PushChannel;
  enabled: boolean;
  provider: string;
  /** jsonb: written as a JSON string */
  config: ColumnType<Record<string, unknown>, string, string>;
  updated_at: Date;
}

/** Quiet hours (local minutes of the day; start > end wraps midnight) and the daily cap. */
export interface MessageSettingTable {
  merchant_id: string;
  quiet_start_minute: number | null;
  quiet_end_minute: number | null;
  daily_marketing_cap: number | null;
  updated_at: Date;
}

export type MessageTemplateRow = Selectable<MessageTemplateTable>;
export type MessageChannelSettingRow = Selectable<MessageChannelSettingTable>;
export type MessageSettingRow = Selectable<MessageSettingTable>;
