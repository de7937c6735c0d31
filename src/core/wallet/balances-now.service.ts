import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import type { Ctx } from '../context.ts';
import { spendableBonus } from './wallet.rules.ts';
import { readWalletState } from './wallet.service.ts';

export interface BalancesNow {
  /** points spendable at `ctx.now`: lots past their expiry no longer count, swept or not */
  points: number;
  principal: number;
  /** bonus spendable at `ctx.now`, decided by the parts' windows (whether or not the jobs ran) */
  bonus: number;
}

/**
 * The balances a member can spend at the instant asked. The ledger balances lag the clock
 * until the release and expiry sweeps post what time has already decided; this reads the same
 * rows those sweeps would post from, so what the API shows never waits for a job.
 */
export async function getBalancesNow(
  db: Db | Trx,
  ctx: Ctx,
  memberId: string,
): Promise<BalancesNow> {
  const [{ rows }, wallet] = await Promise.all([
    sql<{ points: string }>`
      select greatest(0, coalesce((select balance from ledger_balance where merchant_id =
          ${ctx.merchantId} and member_id = ${memberId} and ledger = 'points'), 0)
        - coalesce((select sum(remaining) from points_lot where merchant_id = ${ctx.merchantId}
          and member_id = ${memberId} and remaining > 0 and expires_at <= ${ctx.now}), 0)
      )::bigint as points`.execute(db),
    readWalletState(db, ctx, memberId),
  ]);
  return {
    points: Number(rows[0]!.points),
    principal: wallet.principal_fen,
    bonus: spendableBonus(wallet.bonus_ledger_fen, wallet.parts, ctx.now).total_fen,
  };
}
