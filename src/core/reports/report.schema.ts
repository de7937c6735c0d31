import { type Static, Type } from 'typebox';
import { Timestamp } from '../../lib/schema.ts';

const Count = Type.Integer({ minimum: 0 });
const Fen = Type.Integer({ description: 'fen' });
const Takings = Type.Object({ count: Count, amount_fen: Fen });

/** The home page's figures for the merchant's current local day. */
export const TodayFigures = Type.Object({
  date: Type.String({ description: 'the local day, YYYY-MM-DD in the merchant time zone' }),
  time_zone: Type.String(),
  from: Timestamp,
  to: Timestamp,
  new_members: Count,
  recharges: Takings,
  balance_payments: Takings,
  points_issued: Type.Integer(),
});
export type TodayFigures = Static<typeof TodayFigures>;
