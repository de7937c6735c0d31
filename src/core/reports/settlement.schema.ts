import { type Static, Type } from 'typebox';
import { Nullable, Uuid } from '../../lib/schema.ts';

export const SettlementMonth = Type.Object(
  {
    month: Type.String({
      pattern: '^\\d{4}-(0[1-9]|1[0-2])$',
      description: "the merchant's local month",
      examples: ['2026-11'],
    }),
  },
  { additionalProperties: false },
);

export const SettlementRow = Type.Object({
  month: Type.String(),
  sold_store_id: Nullable(Uuid),
  sold_store_name: Nullable(Type.String()),
  spent_store_id: Nullable(Uuid),
  spent_store_name: Nullable(Type.String()),
  principal_fen: Type.Integer({ description: 'principal sold in one store, spent in the other' }),
  bonus_fen: Type.Integer({ description: 'bonus spent, shown apart (given away, not sold)' }),
});
export type SettlementRow = Static<typeof SettlementRow>;
