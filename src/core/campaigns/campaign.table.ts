import type { ColumnType, Selectable } from 'kysely';
import type { GuideTaskKind } from '../guides/guide-task.table.ts';
import type { CampaignForecast } from './campaign-forecast.rules.ts';

export type CampaignStatus =
  | 'draft'
  | 'scheduled'
  | 'launching'
  | 'launched'
  | 'stopped_budget'
  | 'cancelled';

export type CampaignOutcome =
  | 'pending'
  | 'issued'
  | 'control'
  | 'skipped_consent'
  | 'skipped_cap'
  | 'skipped_budget'
  | 'skipped_limit'
  | 'skipped_no_guide';

/** A marketing campaign (营销活动); the points multiplier periods are points_campaign. */
export interface CampaignTable {
  merchant_id: string;
  id: string;
  name: string;
  status: ColumnType<CampaignStatus, CampaignStatus | undefined, CampaignStatus>;
  segment_id: string | null;
  /** the segment rule (a snapshot of the saved segment's at creation); jsonb */
  rule: ColumnType<unknown, string | null, string | null>;
  target_member_ids: string[] | null;
  coupon_template_id: string | null;
  points_amount: number | null;
  points_expiry_days: number | null;
  message_title: string | null;
  message_body: string | null;
  task_kind: GuideTaskKind | null;
  task_title: string | null;
  task_script: string | null;
  task_due_days: number | null;
  schedule_at: Date | null;
  control_bp: number;
  cap_max: number | null;
  cap_days: number | null;
  budget_coupons: number | null;
  budget_points: number | null;
  budget_cost_fen: number | null;
  spent_coupons: ColumnType<number, number | undefined, number>;
  spent_points: ColumnType<number, number | undefined, number>;
  spent_cost_fen: ColumnType<number, number | undefined, number>;
  forecast: ColumnType<CampaignForecast | null, string | null, string | null>;
  snapshot_at: Date | null;
  launch_requested_at: Date | null;
  launched_at: Date | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface CampaignMemberTable {
  merchant_id: string;
  campaign_id: string;
  member_id: string;
  /** the member's home store at the snapshot: the funnel's per-store split */
  store_id: string | null;
  in_control: boolean;
  outcome: CampaignOutcome;
  coupon_id: string | null;
  points_entry_id: string | null;
  message_id: string | null;
  task_id: string | null;
  decided_at: Date | null;
}

export type CampaignRow = Selectable<CampaignTable>;
export type CampaignMemberRow = Selectable<CampaignMemberTable>;
