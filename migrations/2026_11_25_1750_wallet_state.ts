import { type Kysely, sql } from 'kysely';

// A member's wallet state (balances and open bonus parts) as one call. PL/pgSQL and VOLATILE
// on purpose: each statement inside takes a fresh snapshot under READ COMMITTED, so a query
// that first locks the member row (in a materialized CTE) and then calls this laterally reads
// what the previous lock holder committed — lock and read in one round trip. A plain SQL
// function could be inlined into the caller and read with the caller's older snapshot.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function wallet_state(p_merchant uuid, p_member uuid)
    returns table (principal_fen bigint, bonus_fen bigint, parts json)
    language plpgsql volatile as $$
    begin
      return query select
        coalesce((select b.balance from ledger_balance b where b.merchant_id = p_merchant
          and b.member_id = p_member and b.ledger = 'principal'), 0)::bigint,
        coalesce((select b.balance from ledger_balance b where b.merchant_id = p_merchant
          and b.member_id = p_member and b.ledger = 'bonus'), 0)::bigint,
        coalesce((select json_agg(json_build_object('id', p.id, 'amount_fen', p.amount_fen,
            'remaining_fen', p.remaining_fen, 'closed_fen', p.closed_fen, 'status', p.status,
            'available_from', p.available_from, 'expires_at', p.expires_at))
          from bonus_part p where p.merchant_id = p_merchant and p.member_id = p_member
            and p.status in ('pending', 'released')), '[]'::json);
    end $$;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function wallet_state(uuid, uuid)`.execute(db);
}
