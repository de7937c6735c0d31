import type { Generated, Selectable } from 'kysely';

export type Channel = 'inbox' | 'sms' | 'email' | 'wechat' | 'webhook';
export type OutboxStatus = 'pending' | 'retrying' | 'sent' | 'dead' | 'skipped';

/**
 * What the system sends: a member message on one channel, or one webhook delivery of an event
 * to one subscription. Written in the transaction of its cause; unique by `dedupe_key`.
 */
export interface OutboxMessageTable {
  merchant_id: string;
  id: string;
  channel: Channel;
  purpose: 'marketing' | 'service';
  member_id: string | null;
  /** phone, e-mail address or WeChat openid, resolved when written; null for inbox and webhook */
  address: string | null;
  template: string | null;
  /** a message's template variables, or a webhook's whole event envelope */
  payload: Generated<unknown>;
  subscription_id: string | null;
  event_id: string | null;
  dedupe_key: string;
  status: Generated<OutboxStatus>;
  skip_reason: string | null;
  attempts: Generated<number>;
  next_attempt_at: Date;
  locked_until: Date | null;
  last_error: string | null;
  sent_at: Date | null;
  created_at: Date;
}

/** One delivery attempt: the delivery log. */
export interface OutboxAttemptTable {
  merchant_id: string;
  id: string;
  message_id: string;
  attempt: number;
  ok: boolean;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  created_at: Date;
}

export type OutboxMessageRow = Selectable<OutboxMessageTable>;
export type OutboxAttemptRow = Selectable<OutboxAttemptTable>;
