import type { ColumnType, Selectable } from 'kysely';

export type Lifecycle = 'new' | 'active' | 'core' | 'dormant' | 'churned';
export type RfmGroup =
  | 'important_value'
  | 'important_develop'
  | 'important_keep'
  | 'important_retain'
  | 'general_value'
  | 'general_develop'
  | 'general_keep'
  | 'general_retain';

export interface RfmSettingTable {
  merchant_id: string;
  window_days: ColumnType<number, number | undefined, number>;
  new_days: ColumnType<number, number | undefined, number>;
  dormant_days: ColumnType<number, number | undefined, number>;
  churned_days: ColumnType<number, number | undefined, number>;
  core_min_orders: ColumnType<number, number | undefined, number>;
  /** local time of the nightly recompute, 'HH:MM:SS' */
  recompute_at: ColumnType<string, string | undefined, string>;
  /** the start of the last run (null: never computed) */
  computed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  updated_at: Date;
}

export interface MemberRfmTable {
  merchant_id: string;
  member_id: string;
  r: number | null;
  f: number | null;
  m: number | null;
  rfm_group: RfmGroup | null;
  lifecycle: Lifecycle;
  computed_at: Date;
}

export interface MemberLifecycleChangeTable {
  merchant_id: string;
  id: string;
  member_id: string;
  from_stage: Lifecycle | null;
  to_stage: Lifecycle;
  changed_at: Date;
}

export type RfmSettingRow = Selectable<RfmSettingTable>;
export type MemberRfmRow = Selectable<MemberRfmTable>;
export type MemberLifecycleChangeRow = Selectable<MemberLifecycleChangeTable>;
