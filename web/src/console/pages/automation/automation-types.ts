// The automation API's shapes as the console reads them (src/core/automation/automation.schema.ts).
import type { Rule } from '../segments/segment-types.ts';

export const TRIGGER_KINDS = [
  'registered',
  'birthday',
  'anniversary',
  'holiday',
  'dormant',
  'churned',
  'tier_changed',
  'recharge',
  'points_expiring',
  'no_purchase',
] as const;
export type TriggerKind = (typeof TRIGGER_KINDS)[number];

export interface Trigger {
  kind: TriggerKind;
  days_before?: number;
  days?: number;
  to_tier_id?: string;
  min_fen?: number;
}

export interface Actions {
  coupon_template_id?: string;
  points?: { amount: number; expiry_days?: number };
  message?: { channel: string; template: string };
  task?: { kind: string; title: string };
}

export interface Automation {
  id: string;
  name: string;
  trigger: Trigger;
  delay_days: number;
  condition: Rule | null;
  actions: Actions;
  member_limit: 'once' | 'yearly' | 'unlimited';
  status: 'active' | 'paused';
  activated_at: string;
  counts: { pending: number; reached: number; skipped: number };
  created_at: string;
}

export const OUTCOMES = [
  'reached',
  'inactive_member',
  'not_in_condition',
  'opted_out',
  'limit_reached',
  'coupon_out_of_stock',
  'coupon_limit',
  'coupon_unavailable',
] as const;

export interface Run {
  id: string;
  member_id: string;
  member_name: string | null;
  card_no: string;
  occurrence: string;
  due_at: string;
  status: 'pending' | 'done' | 'skipped';
  outcome: (typeof OUTCOMES)[number] | null;
  detail: Record<string, string> | null;
  done_at: string | null;
}

export interface Holiday {
  id: string;
  date: string;
  name: string;
}

export const MESSAGE_TEMPLATES = [
  'birthday',
  'welcome',
  'coupon_issued',
  'points_expiring',
  'generic',
];
export const CHANNELS = ['inbox', 'sms', 'email', 'wechat'];
export const TASK_KINDS = ['call', 'message', 'invite_back', 'birthday', 'follow_up'];
