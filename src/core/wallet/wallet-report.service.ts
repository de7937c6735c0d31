import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Ctx } from '../context.ts';

export interface LiabilityRow {
  store_id: string | null;
  store_name: string | null;
  members: number;
  principal_fen: number;
  bonus_fen: number;
  /** bonus promised by monthly plans whose parts have not opened yet (not yet in the ledger) */
  bonus_pending_fen: number;
  total_fen: number;
}

/**
 * Outstanding stored value (储值负债) per store, principal and bonus apart: principal is money
 * received that the merchant owes in goods or refunds; bonus is a promotional promise.
 * A member counts under its home store (members without one under `store_id: null`).
 */
export async function walletLiability(db: Db, ctx: Ctx) {
  const { rows } = await sql<Omit<LiabilityRow, 'total_fen'>>`
    with amounts as (
      select m.home_store_id as store_id, b.member_id,
        case when b.ledger = 'principal' then b.balance else 0 end as principal_fen,
        case when b.ledger = 'bonus' then b.balance else 0 end as bonus_fen,
        0::bigint as pending_fen
      from ledger_balance b
      join member m on m.merchant_id = b.merchant_id and m.id = b.member_id
      where b.merchant_id = ${ctx.merchantId} and b.ledger in ('principal', 'bonus')
      union all
      select m.home_store_id, p.member_id, 0, 0, p.remaining_fen
      from bonus_part p
      join member m on m.merchant_id = p.merchant_id and m.id = p.member_id
      where p.merchant_id = ${ctx.merchantId} and p.status = 'pending'
        and (p.expires_at is null or p.expires_at > ${ctx.now})
    )
    select a.store_id, s.name as store_name,
      count(distinct a.member_id) filter (where a.principal_fen + a.bonus_fen > 0)::int as members,
      sum(a.principal_fen)::bigint as principal_fen,
      sum(a.bonus_fen)::bigint as bonus_fen,
      sum(a.pending_fen)::bigint as bonus_pending_fen
    from amounts a
    left join store s on s.merchant_id = ${ctx.merchantId} and s.id = a.store_id
    group by a.store_id, s.name
    order by s.name nulls last`.execute(db);
  const stores: LiabilityRow[] = rows.map((r) => ({
    ...r,
    total_fen: r.principal_fen + r.bonus_fen,
  }));
  const sum = (key: 'members' | 'principal_fen' | 'bonus_fen' | 'bonus_pending_fen') =>
    stores.reduce((n, r) => n + r[key], 0);
  return {
    as_of: ctx.now,
    stores,
    total: {
      members: sum('members'),
      principal_fen: sum('principal_fen'),
      bonus_fen: sum('bonus_fen'),
      bonus_pending_fen: sum('bonus_pending_fen'),
      total_fen: sum('principal_fen') + sum('bonus_fen'),
    },
  };
}
