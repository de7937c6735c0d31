import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import { cte, executeWrites, rowsOf, type WriteSet, writeSet } from '../../db/write-set.ts';
import { DomainError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { beforeTimeCursor, timePage } from '../../lib/keyset.ts';
import type { Ctx } from '../context.ts';
import { webhookEventWrites } from '../webhooks/webhook-event.service.ts';
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

export interface Posting extends PostInput {
  id: string;
}

/**
 * The one way value moves: postings to balance rows, each row changed once by the sum of its
 * postings and each entry recording the balance after it, as the writes of one statement
 * (`WriteSet`) inside the caller's transaction. The balance row is locked by the change until
 * commit, so concurrent posts to one member queue instead of losing updates; a debit only
 * updates an existing row and never takes it below zero (no row changed: nothing was there).
 * `name` prefixes the CTEs; `ledgerEntriesOf` reads the entries back and refuses an overdraft.
 */
export function ledgerWrites(ctx: Ctx, name: string, postings: readonly Posting[]): WriteSet {
  const groups = groupPostings(postings);
  return writeSet(
    ...groups.map((group, k) => {
      const first = group[0]!;
      const net = group.reduce((n, p) => n + p.amount, 0);
      // A credit may open the balance row; a debit only updates an existing one (an insert of a
      // negative balance would trip the CHECK before ON CONFLICT could turn it into an update).
      const balance =
        net > 0
          ? sql`insert into ledger_balance (merchant_id, member_id, ledger, balance, updated_at)
          values (${ctx.merchantId}, ${first.memberId}, ${first.ledger}, ${net}, ${ctx.now})
          on conflict (merchant_id, member_id, ledger) do update
            set balance = ledger_balance.balance + excluded.balance, updated_at = excluded.updated_at
          returning balance`
          : sql`update ledger_balance set balance = balance + ${net}, updated_at = ${ctx.now}
          where merchant_id = ${ctx.merchantId} and member_id = ${first.memberId}
            and ledger = ${first.ledger} and balance + ${net} >= 0
          returning balance`;
      // each entry's balance_after: the new balance less what the later postings moved
      let later = net;
      const values = group.map((p) => {
        later -= p.amount;
        return sql`(${p.id}::uuid, ${p.kind}::text, ${p.amount}::bigint, ${later}::bigint,
          ${p.refType ?? null}::text, ${p.refId ?? null}::text, ${p.reversesId ?? null}::uuid,
          ${p.memo ?? null}::text)`;
      });
      const b = `${name}_balance_${k}`;
      const e = `${name}_entries_${k}`;
      return {
        ctes: [
          cte(b, balance),
          cte(
            e,
            sql`insert into ledger_entry (merchant_id, id, member_id, ledger, kind, amount,
              balance_after, ref_type, ref_id, reverses_id, memo, actor_kind, actor_id, created_at)
            select ${ctx.merchantId}, v.id, ${first.memberId}, ${first.ledger}, v.kind, v.amount,
              b.balance - v.later, v.ref_type, v.ref_id, v.reverses_id, v.memo, ${ctx.actor.kind},
              ${ctx.actor.id}, ${ctx.now}
            from ${sql.id(b)} b
            cross join (values ${sql.join(values)})
              as v (id, kind, amount, later, ref_type, ref_id, reverses_id, memo)
            returning *`,
          ),
        ],
        results: [rowsOf(e)],
      };
    }),
    // after the balances: a CTE sees only the ones before it
    ledgerEvents(ctx, name, groups),
  );
}

/**
 * What integrators hear of the postings (in the same statement): per member, one
 * `points.changed` and one `wallet.changed` (principal and bonus together), with the change and
 * the balance after it, read from the balance CTEs above.
 */
function ledgerEvents(ctx: Ctx, name: string, groups: readonly Posting[][]): WriteSet {
  const parts: WriteSet[] = [];
  const members = [...new Set(groups.map((g) => g[0]!.memberId))];
  members.forEach((memberId, m) => {
    for (const type of ['points.changed', 'wallet.changed'] as const) {
      const mine = groups
        .map((group, k) => ({ group, k, ledger: group[0]!.ledger }))
        .filter((g) => g.group[0]!.memberId === memberId)
        .filter((g) => (g.ledger === 'points') === (type === 'points.changed'));
      if (mine.length === 0) continue;
      const all = mine.flatMap((g) => g.group);
      const first = all[0]!;
      const data: Record<string, unknown> = {
        member_id: memberId,
        kinds: [...new Set(all.map((p) => p.kind))],
        ref_type: first.refType ?? null,
        ref_id: first.refId ?? null,
      };
      const unit = type === 'points.changed' ? '' : '_fen';
      for (const g of mine) {
        const key = type === 'points.changed' ? '' : `${g.ledger}_`;
        data[`${key}change${unit}`] = g.group.reduce((n, p) => n + p.amount, 0);
      }
      const balances = mine.map(
        (g) =>
          sql`${type === 'points.changed' ? 'balance' : `${g.ledger}_balance_fen`}::text,
            (select balance from ${sql.id(`${name}_balance_${g.k}`)})`,
      );
      const computed = sql`jsonb_build_object(${sql.join(balances)})`;
      parts.push(webhookEventWrites(ctx, `${name}_event_${m}_${type[0]}`, type, [data], computed));
    }
  });
  return writeSet(...parts);
}

function groupPostings(postings: readonly Posting[]): Posting[][] {
  const groups = new Map<string, Posting[]>();
  for (const p of postings) {
    if (!Number.isSafeInteger(p.amount) || p.amount === 0) {
      throw new Error(`ledger amount must be a non-zero safe integer, got ${p.amount}`);
    }
    const key = `${p.memberId}:${p.ledger}`;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  return [...groups.values()];
}

/** The entries `ledgerWrites` posted, in the postings' order; an overdraft is refused. */
export function ledgerEntriesOf(
  result: Record<string, unknown>,
  name: string,
  postings: readonly Posting[],
): LedgerEntryRow[] {
  const posted = new Map<string, LedgerEntryRow>();
  groupPostings(postings).forEach((group, k) => {
    const rows = result[`${name}_entries_${k}`] as LedgerEntryRow[];
    // no balance row to debit, or a balance that went below zero between the postings
    if (rows.length !== group.length || rows.some((r) => r.balance_after < 0))
      throw insufficient(group[0]!.ledger);
    for (const r of rows) posted.set(r.id, { ...r, created_at: new Date(r.created_at) });
  });
  return postings.map((p) => posted.get(p.id)!);
}

/** One posting in its own statement. */
export async function postEntry(trx: Trx, ctx: Ctx, input: PostInput): Promise<LedgerEntryRow> {
  const posting = { ...input, id: newId() };
  const result = await executeWrites(trx, ledgerWrites(ctx, 'post', [posting]));
  return ledgerEntriesOf(result, 'post', [posting])[0]!;
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
  if (filter.cursor) query = query.where(beforeTimeCursor(filter.cursor));
  return timePage(await query.execute(), filter.limit);
}
