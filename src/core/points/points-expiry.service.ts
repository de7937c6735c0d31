import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { systemCtx } from '../tenancy/system-ctx.ts';
import { sqlUuidV7 } from './sql-uuid.ts';

export interface ExpiryOutcome {
  lots: number;
  members: number;
  points: number;
}

/**
 * Expires every lot of the merchant whose expiry instant (a local midnight) has passed, in one
 * set-based statement: lots → their points move to `expired`; per member one `expire` entry
 * and the balance lowered by the same amount. Running it again finds no lot with points left
 * past its expiry, so it changes nothing.
 *
 * Locks: lots first, in (member, id) order, then balances in member order — the same order a
 * debit takes — so a spend at midnight waits for the job (or the job for it) without deadlock.
 * The amount taken is capped by the balance read under that lock: points can have left the
 * balance without their lot (a merge moves the balance), and the balance is never driven
 * below zero by expiry.
 */
export async function expireMerchantPoints(trx: Trx, ctx: Ctx): Promise<ExpiryOutcome> {
  const m = ctx.merchantId;
  const { rows } = await sql<ExpiryOutcome>`
    with due as (
      select id, member_id, remaining from points_lot
      where merchant_id = ${m} and remaining > 0 and expires_at <= ${ctx.now}
      order by member_id, id
      for update
    ),
    per_member as (
      select member_id, sum(remaining)::bigint as amount from due group by member_id
    ),
    locked as (
      select b.member_id, b.balance, least(p.amount, b.balance) as taken
      from ledger_balance b join per_member p on p.member_id = b.member_id
      where b.merchant_id = ${m} and b.ledger = 'points'
      order by b.member_id
      for update of b
    ),
    lots as (
      update points_lot l set expired = l.expired + d.remaining, remaining = 0
      from due d where l.merchant_id = ${m} and l.id = d.id
      returning 1
    ),
    balances as (
      update ledger_balance b set balance = x.balance - x.taken, updated_at = ${ctx.now}
      from locked x
      where b.merchant_id = ${m} and b.member_id = x.member_id and b.ledger = 'points'
        and x.taken > 0
      returning b.member_id, b.balance, x.taken
    ),
    entries as (
      insert into ledger_entry (merchant_id, id, member_id, ledger, kind, amount, balance_after,
        ref_type, ref_id, memo, actor_kind, actor_id, created_at)
      select ${m}, ${sqlUuidV7}, member_id, 'points', 'expire', -taken, balance,
        'points_expiry', null, null, ${ctx.actor.kind}, ${ctx.actor.id}, ${ctx.now}
      from balances
      returning amount
    )
    select (select count(*) from lots)::int as lots,
      (select count(*) from entries)::int as members,
      (select coalesce(-sum(amount), 0) from entries)::bigint as points`.execute(trx);
  const outcome = rows[0]!;
  // the expire entries are the per-member record; the audit keeps one line per run that acted
  if (outcome.lots > 0)
    await recordAudit(trx, ctx, {
      action: 'points.expire',
      entityType: 'points_lot',
      entityId: null,
      after: outcome,
    });
  return outcome;
}

/** Every merchant, each in its own transaction; a merchant with nothing due costs one probe. */
export async function expireDuePoints(
  db: Db,
  now: Date,
): Promise<ExpiryOutcome & { merchants: number }> {
  const merchants = await db.selectFrom('merchant').select('id').orderBy('id').execute();
  const total = { merchants: 0, lots: 0, members: 0, points: 0 };
  for (const { id } of merchants) {
    const outcome = await db
      .transaction()
      .execute((trx) => expireMerchantPoints(trx, systemCtx(id, now)));
    if (outcome.lots === 0) continue;
    total.merchants += 1;
    total.lots += outcome.lots;
    total.members += outcome.members;
    total.points += outcome.points;
  }
  return total;
}
