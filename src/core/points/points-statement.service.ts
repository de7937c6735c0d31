import type { Db } from '../../db/database.ts';
import type { Ctx } from '../context.ts';
import { getMemberRow } from '../members/member.service.ts';
import { availablePoints, compareLots, isLive } from './points-lot.rules.ts';
import { pointsBalance } from './points-lot.service.ts';

/** Balance, what can be spent now, lots with their expiry and the latest entries. */
export async function getPointsStatement(db: Db, ctx: Ctx, memberId: string, limit = 100) {
  await getMemberRow(db, ctx, memberId);
  const balance = await pointsBalance(db, ctx, memberId);
  const lots = await db
    .selectFrom('points_lot')
    .select(['id', 'amount', 'remaining', 'expired', 'expires_at', 'created_at'])
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', memberId)
    .where('remaining', '>', 0)
    .execute();
  const entries = await db
    .selectFrom('ledger_entry')
    .select([
      'id',
      'kind',
      'amount',
      'balance_after',
      'ref_type',
      'ref_id',
      'reverses_id',
      'memo',
      'created_at',
    ])
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', memberId)
    .where('ledger', '=', 'points')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  const available = availablePoints(balance, lots, ctx.now);
  const dated = lots
    .filter((l) => l.expires_at !== null && isLive(l, ctx.now))
    .reduce((s, l) => s + l.remaining, 0);
  return {
    member_id: memberId,
    balance,
    available,
    never_expiring: Math.max(0, available - dated),
    lots: [...lots].sort(compareLots),
    entries,
  };
}
