import type { ColumnType, Selectable } from 'kysely';

export type MessagePurpose = 'marketing' | 'service';

/** The member's inbox (站内信). */
export interface MemberMessageTable {
  merchant_id: string;
  id: string;
  member_id: string;
  purpose: MessagePurpose;
  title: string;
  body: string;
  ref_type: string | null;
  ref_id: string | null;
  read_at: Date | null;
  /** the first tap on its call to action (campaign_click) */
  clicked_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  created_at: Date;
}

export type MemberMessageRow = Selectable<MemberMessageTable>;
