import type { ColumnType, Selectable } from 'kysely';

export type TagKind = 'manual' | 'rule' | 'interaction';
export type TagSource = 'manual' | 'rule' | 'interaction' | 'import';

export interface TagGroupTable {
  merchant_id: string;
  id: string;
  name: string;
  /** #rrggbb */
  color: string;
  sort: ColumnType<number, number | undefined, number>;
  created_at: Date;
}

export interface TagTable {
  merchant_id: string;
  id: string;
  group_id: string | null;
  name: string;
  kind: TagKind;
  /** jsonb segment rule (kind rule); written as a JSON string */
  rule: ColumnType<unknown, string | null, string | null>;
  /** the event that adds it (kind interaction): sign_in, share, coupon_claim … */
  interaction: string | null;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  refreshed_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface MemberTagTable {
  merchant_id: string;
  tag_id: string;
  member_id: string;
  source: TagSource;
  added_at: Date;
}

export interface MemberTagHistoryTable {
  merchant_id: string;
  id: string;
  tag_id: string;
  member_id: string;
  change: 'added' | 'removed';
  source: string;
  actor_id: string | null;
  at: Date;
}

export type TagGroupRow = Selectable<TagGroupTable>;
export type TagRow = Selectable<TagTable>;
export type MemberTagRow = Selectable<MemberTagTable>;
export type MemberTagHistoryRow = Selectable<MemberTagHistoryTable>;
