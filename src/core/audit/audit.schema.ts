import { type Static, Type } from 'typebox';
import { Nullable, Timestamp, Uuid } from '../../lib/schema.ts';

/** An audit entry as people read it: who (name and store), what, and the values it changed. */
export const AuditEntry = Type.Object({
  id: Uuid,
  actor_kind: Type.String(),
  actor_id: Nullable(Uuid),
  actor_name: Nullable(
    Type.String({ description: 'the staff member’s display name, or the API key’s name' }),
  ),
  store_id: Nullable(Uuid),
  store_name: Nullable(Type.String({ description: 'the staff member’s store' })),
  action: Type.String(),
  before: Type.Unknown(),
  after: Type.Unknown(),
  created_at: Timestamp,
});
export type AuditEntry = Static<typeof AuditEntry>;
