import type { ColumnType, Selectable } from 'kysely';

export type ImportStatus =
  | 'uploaded'
  | 'dry_running'
  | 'dry_run_done'
  | 'committing'
  | 'done'
  | 'failed';
export type ImportFormat = 'csv' | 'xlsx';
export type ImportEncoding = 'utf8' | 'gbk' | 'gb18030';

export const importTargets = [
  'phone',
  'name',
  'gender',
  'birthday',
  'card_no',
  'principal',
  'bonus',
  'points',
  'tier',
  'store',
  'registered_at',
] as const;
export type MemberTarget = (typeof importTargets)[number];

export type ImportKind = 'members' | 'orders';
export const importKinds: readonly ImportKind[] = ['members', 'orders'];

/** What an order history file's columns may be (see docs/imports.md, order history). */
export const orderTargets = [
  'order_no',
  'channel',
  'paid_at',
  'store',
  'phone',
  'card_no',
  'amount',
  'sku',
  'category',
  'quantity',
  'line_amount',
] as const;
export type OrderTarget = (typeof orderTargets)[number];
export type ImportTarget = MemberTarget | OrderTarget;
export type ImportMapping = Record<string, ImportTarget | null>;

type Json<T> = ColumnType<T, string, string>;

export interface ImportDuplicate {
  line: number;
  phone: string;
  kind: 'in_file' | 'existing';
  /** in_file: the line whose member this row merges into; existing: that member's card */
  first_line: number;
  card_no: string | null;
  /** existing: the member already has an opening (import) entry, so no amount is posted again */
  opening_imported: boolean;
}

export interface ImportReportError {
  line: number;
  column: string;
  code: string;
}

export interface ImportReport {
  errors?: ImportReportError[];
  duplicates?: ImportDuplicate[];
  commit?: ImportCommitCounts;
  orders?: ImportOrderSummary;
}

export interface ImportCommitCounts {
  members_created: number;
  members_filled: number;
  identities_linked: number;
  entries_posted: number;
  orders_created?: number;
  lines_created?: number;
  orders_awarded?: number;
}

/** An order file's dry run: what the commit will write. */
export interface ImportOrderSummary {
  orders: number;
  lines: number;
  /** already imported (same channel and order number): skipped */
  existing_orders: number;
  members: number;
  guest_orders: number;
  amount_fen: number;
}

export interface ImportJobTable {
  merchant_id: string;
  id: string;
  kind: ColumnType<ImportKind, ImportKind | undefined, ImportKind>;
  award: ColumnType<boolean, boolean | undefined, boolean>;
  status: ImportStatus;
  file_name: string;
  file_sha256: string;
  file_size: number;
  encoding: ImportEncoding;
  format: ImportFormat;
  delimiter: string | null;
  headers: Json<string[]>;
  sample_rows: Json<string[][]>;
  mapping: Json<ImportMapping>;
  total_rows: ColumnType<number, number | undefined, number>;
  processed_rows: ColumnType<number, number | undefined, number>;
  ok_rows: ColumnType<number, number | undefined, number>;
  bad_rows: ColumnType<number, number | undefined, number>;
  new_members: ColumnType<number, number | undefined, number>;
  existing_members: ColumnType<number, number | undefined, number>;
  duplicate_rows: ColumnType<number, number | undefined, number>;
  group_count: ColumnType<number, number | undefined, number>;
  staged_through_line: ColumnType<number, number | undefined, number>;
  committed_through_seq: ColumnType<number, number | undefined, number>;
  report: ColumnType<ImportReport, string | undefined, string>;
  error: string | null;
  locale: string;
  created_by: string | null;
  created_by_kind: string;
  requested_by: string | null;
  requested_by_kind: string | null;
  created_at: Date;
  dry_run_at: Date | null;
  finished_at: Date | null;
}

export interface ImportRowErrorTable {
  merchant_id: string;
  job_id: string;
  line: number;
  column_name: string;
  code: string;
  message: string;
  raw: Json<string[]>;
}

export interface ImportRowTable {
  merchant_id: string;
  job_id: string;
  line: number;
  phone: string;
  name: string | null;
  gender: 'male' | 'female' | null;
  birthday: string | null;
  card_no: string | null;
  principal_fen: number;
  bonus_fen: number;
  points: number;
  tier: string | null;
  store_id: string | null;
  registered_at: Date | null;
}

export interface ImportGroupTable {
  merchant_id: string;
  job_id: string;
  seq: number;
  phone: string;
  first_line: number;
  row_count: number;
  name: string | null;
  gender: 'male' | 'female' | null;
  birthday: string | null;
  card_no: string | null;
  cards: string[];
  principal_fen: number;
  bonus_fen: number;
  points: number;
  tier: string | null;
  store_id: string | null;
  registered_at: Date | null;
}

export interface ImportOrderRowTable {
  merchant_id: string;
  job_id: string;
  line: number;
  channel: string;
  external_id: string;
  paid_at: Date;
  store_id: string;
  member_id: string | null;
  amount_fen: number | null;
  sku_id: string | null;
  category: string;
  quantity: number;
  line_amount_fen: number | null;
}

export interface ImportOrderTable {
  merchant_id: string;
  job_id: string;
  seq: number;
  channel: string;
  external_id: string;
  first_line: number;
  row_count: number;
  paid_at: Date;
  store_id: string;
  member_id: string | null;
  amount_fen: number;
  existing: boolean;
}

export type ImportJobRow = Selectable<ImportJobTable>;
export type ImportGroupRow = Selectable<ImportGroupTable>;
