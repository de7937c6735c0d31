import type { ColumnType, Selectable } from 'kysely';

export interface SegmentTable {
  merchant_id: string;
  id: string;
  name: string;
  description: string | null;
  /** jsonb rule tree; written as a JSON string */
  rule: ColumnType<unknown, string, string>;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export type SegmentRow = Selectable<SegmentTable>;
