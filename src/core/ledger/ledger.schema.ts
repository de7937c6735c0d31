import { type Static, Type } from 'typebox';
import { Nullable, Timestamp, Uuid } from '../../lib/schema.ts';

export const LedgerName = Type.Union([
  Type.Literal('points'),
  Type.Literal('principal'),
  Type.Literal('bonus'),
]);

export const LedgerEntry = Type.Object({
  id: Uuid,
  member_id: Uuid,
  ledger: LedgerName,
  kind: Type.String(),
  amount: Type.Integer(),
  balance_after: Type.Integer(),
  ref_type: Nullable(Type.String()),
  ref_id: Nullable(Type.String()),
  memo: Nullable(Type.String()),
  created_at: Timestamp,
});
export type LedgerEntry = Static<typeof LedgerEntry>;
