import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { decodeTimeCursor, timePage } from '../../lib/keyset.ts';
import type { Ctx } from '../context.ts';
import type { LedgerEntryRow, LedgerName } from './ledger.table.ts';

export interface PostInput {
  ledger: LedgerName;
  memberId: string;
  /** Signed, in the ledger's unit: points, or fen for principal and bonus. */
  amount: number;
  kind: string;
  refType?: string;
  refId?: string;
  reversesId?: string;
  memo?: string;
}

/**
 * The one way value moves: the balance row and the entry change together in one statement,
 * inside the caller's transaction. The balance row is locked by the upsert until commit, so
 * concurrent posts to one member queue instead of losing updates, and `CHECK (balance >= 0)`
 * refuses an overdraft.
 */
export async function postEntry(trx: Trx, ctx: Ctx, input: PostInput): Promise<LedgerEntryRow> {
  if (!Number.isSafeInteger(input.amount) || input.amount === 0) {
    throw new Error(`ledger amount must be a non-zero safe integer, got ${input.amount}`);
  }
  const id = newId();
  // A credit may open the balance row; a debit only updates an existing one (an insert of a
  // negative balance would trip the CHECK before ON CONFLICT could turn it into an update).
  const balance =
    input.amount > 0
      ? sql`insert into ledger_balance (merchant_id, member_id, ledger, balance, updated_at)
          values (${ctx.merchantId}, ${input.memberId}, ${input.ledger}, ${input.amount}, ${ctx.now})
          on conflict (merchant_id, member_id, ledger) do update
            set balance = ledger_balance.balance + excluded.balance, updated_at = excluded.updated_at
          returning balance`
      : sql`update ledger_balance set balance = balance + ${input.amount}, updated_at = ${ctx.now}
          where merchant_id = ${ctx.merchantId} and member_id = ${input.memberId} and ledger = ${input.ledger}
          returning balance`;
  const result = await sql<LedgerEntryRow>`
    with balance as (${balance})
    insert into ledger_entry (merchant_id, id, member_id, ledger, kind, amount, balance_after,
      ref_type, ref_id, reverses_id, memo, actor_kind, actor_id, created_at)
    select ${ctx.merchantId}, ${id}, ${input.memberId}, ${input.ledger}, ${input.kind}, ${input.amount},
      balance.balance, ${input.refType ?? null}, ${input.refId ?? null}, ${input.reversesId ?? null},
      ${input.memo ?? null}, ${ctx.actor.kind}, ${ctx.actor.id}, ${ctx.now}
    from balance
    returning *`
    .execute(trx)
    .catch((e: unknown) => {
      if ((e as { constraint?: string }).constraint === 'ledger_balance_balance_check')
        throw insufficient(input.ledger);
      throw e;
    });
  // no balance row to debit: nothing was there
  if (result.rows.length === 0) throw insufficient(input.ledger);
  return result.rows[0]!;
}

const insufficient = (ledger: LedgerName) =>
  new DomainError('ledger.insufficient_balance', { params: { ledger } });

export type Balances = Record<LedgerName, number>;

export async function getBalances(db: Db | Trx, ctx: Ctx, memberId: string): Promise<Balances> {
  const rows = await db
    .selectFrom('ledger_balance')
    .select(['ledger', 'balance'])
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', memberId)
    .execute();
  const balances: Balances = { points: 0, principal: 0, bonus: 0 };
  for (const row of rows) balances[row.ledger] = row.balance;
  return balances;
}

/** A member's statement, newest first; includes members merged into this one. */
/** Newest first, a keyset page at a time (`cursor` from the previous page's `next_cursor`). */
export async function listEntries(
  db: Db,
  ctx: Ctx,
  memberIds: string[],
  filter: { ledger?: LedgerName | undefined; limit: number; cursor?: string | undefined },
): Promise<{ items: LedgerEntryRow[]; next_cursor: string | null }> {
  let query = db
    .selectFrom('ledger_entry')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', 'in', memberIds)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit + 1);
  if (filter.ledger) query = query.where('ledger', '=', filter.ledger);
  if (filter.cursor) {
    const after = decodeTimeCursor(filter.cursor);
    query = query.where((eb) =>
      eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(after.at, after.id)),
    );
  }
  return timePage(await query.execute(), filter.limit);
}
