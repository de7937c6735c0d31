import type { ColumnType, Selectable } from 'kysely';
import type { GuideTaskKind } from '../guides/guide-task.table.ts';

export type TriggerKind =
  | 'registered'
  | 'birthday'
  | 'anniversary'
  | 'holiday'
  | 'dormant'
  | 'churned'
  | 'tier_changed'
  | 'recharge'
  | 'points_expiring'
  | 'no_purchase';

/** The trigger's own parameters (days_before: birthday, points_expiring; days: no_purchase). */
export interface TriggerParams {
  days_before?: number;
  days?: number;
  to_tier_id?: string;
  min_fen?: number;
}

export type MemberLimit = 'once' | 'yearly' | 'unlimited';
export type AutomationStatus = 'active' | 'paused';
export type MessageChannel = 'inbox' | 'sms' | 'email' | 'wechat';

/** An automation (自动化营销): trigger → delay → condition → actions, per-member limit. */
export interface AutomationTable {
  merchant_id: string;
  id: string;
  name: string;
  trigger_kind: TriggerKind;
  trigger_params: ColumnType<TriggerParams, string, string>;
  delay_days: number;
  /** a segment rule, jsonb; null = every member the trigger finds */
  condition: ColumnType<unknown, string | null, string | null>;
  coupon_template_id: string | null;
  points_amount: number | null;
  points_expiry_days: number | null;
  message_template: string | null;
  message_channel: MessageChannel | null;
  task_kind: GuideTaskKind | null;
  task_title: string | null;
  member_limit: MemberLimit;
  status: AutomationStatus;
  activated_at: Date;
  /** the local date through which the date triggers were planned */
  planned_on: string | null;
  created_at: Date;
  updated_at: Date;
}

export type RunStatus = 'pending' | 'done' | 'skipped';

/** Why a run reached its member, or why it did nothing. */
export type RunOutcome =
  | 'reached'
  | 'inactive_member'
  | 'not_in_condition'
  | 'opted_out'
  | 'limit_reached'
  | 'coupon_out_of_stock'
  | 'coupon_limit'
  | 'coupon_unavailable';

/** What each action did for the member. */
export interface RunDetail {
  coupon_id?: string;
  points_entry_id?: string;
  message_id?: string;
  message?: string;
  task_id?: string;
}

/** One occurrence of a trigger for one member: planned once, executed once. */
export interface AutomationRunTable {
  merchant_id: string;
  id: string;
  automation_id: string;
  member_id: string;
  /** the occurrence key: 'registered', a year, a date, or the id of the fact that fired */
  occurrence: string;
  due_at: Date;
  status: ColumnType<RunStatus, RunStatus | undefined, RunStatus>;
  outcome: RunOutcome | null;
  detail: ColumnType<RunDetail | null, string | null | undefined, string | null>;
  created_at: Date;
  done_at: Date | null;
}

/** A day of the merchant's holiday calendar (entered per year). */
export interface HolidayTable {
  merchant_id: string;
  id: string;
  date: string;
  name: string;
  created_at: Date;
}

export type AutomationRow = Selectable<AutomationTable>;
export type AutomationRunRow = Selectable<AutomationRunTable>;
export type HolidayRow = Selectable<HolidayTable>;
