import type { ColumnType, Selectable } from 'kysely';

export type GuideTaskKind = 'call' | 'message' | 'invite_back' | 'birthday' | 'follow_up';
export type GuideTaskStatus = 'open' | 'done' | 'cancelled';
export type GuideTaskOutcome = 'reached' | 'no_answer' | 'declined' | 'booked' | 'other';

export interface GuideTaskTable {
  merchant_id: string;
  id: string;
  staff_id: string;
  member_id: string;
  kind: GuideTaskKind;
  title: string;
  script: string | null;
  due_at: Date;
  status: ColumnType<GuideTaskStatus, GuideTaskStatus | undefined, GuideTaskStatus>;
  outcome: GuideTaskOutcome | null;
  note: string | null;
  campaign_id: string | null;
  created_at: Date;
  done_at: Date | null;
}

export type GuideTaskRow = Selectable<GuideTaskTable>;

/** How many days after a guide reached a member that member's orders are the guide's. */
export interface GuideSettingTable {
  merchant_id: string;
  attribution_days: number;
  updated_at: Date;
}
