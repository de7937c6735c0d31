import type { Selectable } from 'kysely';

export type LedgerName = 'points' | 'principal' | 'bonus';

export interface LedgerBalanceTable {
  merchant_id: string;
  member_id: string;
  ledger: LedgerName;
  balance: number;
  updated_at: Date;
}

export interface LedgerEntryTable {
  merchant_id: string;
  id: string;
  member_id: string;
  ledger: LedgerName;
  kind: string;
  amount: number;
  balance_after: number;
  ref_type: string | null;
  ref_id: string | null;
  reverses_id: string | null;
  memo: string | null;
  actor_kind: string;
  actor_id: string | null;
  created_at: Date;
}

export type LedgerEntryRow = Selectable<LedgerEntryTable>;
