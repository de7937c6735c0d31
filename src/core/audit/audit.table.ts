import type { Selectable } from 'kysely';

export interface AuditLogTable {
  merchant_id: string;
  id: string;
  actor_kind: string;
  actor_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  before: unknown;
  after: unknown;
  created_at: Date;
}

export type AuditLogRow = Selectable<AuditLogTable>;
