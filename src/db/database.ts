import type { Kysely, Transaction } from 'kysely';
import type { AuditLogTable } from '../core/audit/audit.table.ts';
import type { LedgerBalanceTable, LedgerEntryTable } from '../core/ledger/ledger.table.ts';
import type {
  CustomFieldTable,
  MemberIdentityTable,
  MemberMergeTable,
  MemberTable,
} from '../core/members/member.table.ts';
import type {
  ApiKeyTable,
  IdempotencyKeyTable,
  MerchantTable,
  StaffSessionTable,
  StaffTable,
  StoreTable,
} from '../core/tenancy/tenancy.table.ts';

export interface Database {
  merchant: MerchantTable;
  store: StoreTable;
  staff: StaffTable;
  staff_session: StaffSessionTable;
  api_key: ApiKeyTable;
  audit_log: AuditLogTable;
  idempotency_key: IdempotencyKeyTable;
  member: MemberTable;
  member_identity: MemberIdentityTable;
  custom_field: CustomFieldTable;
  member_merge: MemberMergeTable;
  ledger_balance: LedgerBalanceTable;
  ledger_entry: LedgerEntryTable;
}

export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;
