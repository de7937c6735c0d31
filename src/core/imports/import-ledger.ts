import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import { newId } from '../../lib/ids.ts';
import type { Ctx } from '../context.ts';
import type { LedgerName } from '../ledger/ledger.table.ts';
import type { ImportGroupRow } from './import.table.ts';

/**
 * Opening balances and points, a batch at a time: the set-based twin of `postEntry` with the same
 * invariants. Each entry and its balance row change in one statement (the balance upsert returns
 * the `balance_after` the entry records), amounts are credits so `CHECK (balance >= 0)` holds, and
 * a member that already has its `import` entry on a ledger is skipped: the unique index
 * `ledger_entry_import_once` guarantees one opening per member and ledger, which is why importing
 * a file twice posts nothing the second time.
 */
export async function postOpeningEntries(
  trx: Trx,
  ctx: Ctx,
  jobId: string,
  groups: ImportGroupRow[],
  memberOf: Map<string, string>,
): Promise<number> {
  const entries: { id: string; member: string; ledger: LedgerName; amount: number }[] = [];
  for (const g of groups) {
    const member = memberOf.get(g.phone);
    if (!member) continue;
    const amounts: [LedgerName, number][] = [
      ['principal', g.principal_fen],
      ['bonus', g.bonus_fen],
      ['points', g.points],
    ];
    for (const [ledger, amount] of amounts) {
      if (amount > 0) entries.push({ id: newId(), member, ledger, amount });
    }
  }
  if (entries.length === 0) return 0;
  const m = ctx.merchantId;
  const { rows } = await sql<{ id: string }>`
    with input as (
      select t.id, t.member_id, t.ledger, t.amount
      from unnest(${entries.map((e) => e.id)}::uuid[], ${entries.map((e) => e.member)}::uuid[],
        ${entries.map((e) => e.ledger)}::text[], ${entries.map((e) => e.amount)}::bigint[])
        as t(id, member_id, ledger, amount)
      where not exists (select 1 from ledger_entry e where e.merchant_id = ${m}
        and e.member_id = t.member_id and e.ledger = t.ledger and e.kind = 'import')
    ),
    balance as (
      insert into ledger_balance (merchant_id, member_id, ledger, balance, updated_at)
      select ${m}, member_id, ledger, amount, ${ctx.now} from input
      on conflict (merchant_id, member_id, ledger) do update
        set balance = ledger_balance.balance + excluded.balance, updated_at = excluded.updated_at
      returning member_id, ledger, balance
    )
    insert into ledger_entry (merchant_id, id, member_id, ledger, kind, amount, balance_after,
      ref_type, ref_id, memo, actor_kind, actor_id, created_at)
    select ${m}, i.id, i.member_id, i.ledger, 'import', i.amount, b.balance,
      'import_job', ${jobId}, null, ${ctx.actor.kind}, ${ctx.actor.id}, ${ctx.now}
    from input i join balance b on b.member_id = i.member_id and b.ledger = i.ledger
    returning id`.execute(trx);
  return rows.length;
}
