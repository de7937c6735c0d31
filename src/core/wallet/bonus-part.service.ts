import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import type { Ctx } from '../context.ts';
import { postEntry } from '../ledger/ledger.service.ts';
import { systemCtx } from '../tenancy/system-ctx.ts';
import { dueTransitions, type PartState } from './wallet.rules.ts';
import type { BonusPartRow } from './wallet.table.ts';

const OPEN = ['pending', 'released'] as const;

/** A member's parts that can still change: not yet released, or released and not closed. */
export async function listOpenParts(
  db: Db | Trx,
  ctx: Ctx,
  memberId: string,
): Promise<BonusPartRow[]> {
  return db
    .selectFrom('bonus_part')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', memberId)
    .where('status', 'in', OPEN)
    .orderBy('available_from')
    .orderBy('id')
    .execute();
}

/**
 * Posts what is due at `ctx.now` for one member whose row the caller has locked: each opened
 * window adds its part to the bonus ledger, each closed one takes out what is left. The part
 * row records the entry, so whoever comes second (the job, a payment, the job again) finds
 * nothing due and posts nothing. Returns the parts as they now are and the bonus balance.
 */
export async function settleDueParts(
  trx: Trx,
  ctx: Ctx,
  memberId: string,
  parts: PartState[],
  bonusFen: number,
): Promise<{ parts: PartState[]; bonus_fen: number; posted: number }> {
  const due = dueTransitions(parts, ctx.now);
  if (due.release.length + due.expire.length + due.lapse.length === 0)
    return { parts, bonus_fen: bonusFen, posted: 0 };
  // the system releases and expires, whoever happened to trigger it
  const sys = { ...systemCtx(ctx.merchantId, ctx.now), locale: ctx.locale };
  const changed = new Map<string, PartState>();
  let bonus = bonusFen;
  let posted = 0;
  for (const part of [...due.expire, ...due.lapse]) {
    // the ledger can hold less than a part claims only if a merge moved the bonus away
    const take = Math.min(part.remaining_fen, bonus);
    const entry =
      part.status === 'released' && take > 0
        ? await postEntry(trx, sys, {
            ledger: 'bonus',
            memberId,
            amount: -take,
            kind: 'bonus_expire',
            refType: 'bonus_part',
            refId: part.id,
          })
        : undefined;
    if (entry) {
      bonus = entry.balance_after;
      posted += 1;
    }
    const closed = { status: 'expired' as const, closed_fen: part.closed_fen + part.remaining_fen };
    await updatePart(trx, ctx, part.id, part.status, {
      ...closed,
      remaining_fen: 0,
      closed_entry_id: entry?.id ?? null,
    });
    changed.set(part.id, { ...part, ...closed, remaining_fen: 0 });
  }
  for (const part of due.release) {
    const entry = await postEntry(trx, sys, {
      ledger: 'bonus',
      memberId,
      amount: part.amount_fen,
      kind: 'bonus_release',
      refType: 'bonus_part',
      refId: part.id,
    });
    bonus = entry.balance_after;
    posted += 1;
    await updatePart(trx, ctx, part.id, 'pending', {
      status: 'released',
      released_entry_id: entry.id,
    });
    changed.set(part.id, { ...part, status: 'released' });
  }
  return { parts: parts.map((p) => changed.get(p.id) ?? p), bonus_fen: bonus, posted };
}

/** Guarded by the part's expected status: a part can make each transition once. */
async function updatePart(
  trx: Trx,
  ctx: Ctx,
  id: string,
  expected: PartState['status'],
  set: Partial<Pick<BonusPartRow, 'status' | 'remaining_fen' | 'closed_fen'>> & {
    released_entry_id?: string;
    closed_entry_id?: string | null;
  },
): Promise<void> {
  const result = await trx
    .updateTable('bonus_part')
    .set(set)
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .where('status', '=', expected)
    .executeTakeFirst();
  if (result.numUpdatedRows !== 1n) throw new Error(`bonus part ${id} changed under its lock`);
}

export async function bonusBalance(trx: Trx, ctx: Ctx, memberId: string): Promise<number> {
  const row = await trx
    .selectFrom('ledger_balance')
    .select('balance')
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', memberId)
    .where('ledger', '=', 'bonus')
    .executeTakeFirst();
  return row?.balance ?? 0;
}

/**
 * For a member merge (S10), in the merge's transaction: the open bonus parts follow the bonus
 * balance to the survivor, so monthly bonus keeps its windows instead of turning into
 * non-expiring bonus there (and future parts are released to the survivor, not to the
 * merged record). The merge service calls this beside moving the balances.
 */
export async function moveBonusParts(
  trx: Trx,
  ctx: Ctx,
  fromMemberId: string,
  toMemberId: string,
): Promise<number> {
  const moved = await trx
    .updateTable('bonus_part')
    .set({ member_id: toMemberId })
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', fromMemberId)
    .where('status', 'in', OPEN)
    .executeTakeFirst();
  return Number(moved.numUpdatedRows);
}

/** Locks a member row whatever its status: the jobs settle parts of merged members too. */
async function lockMember(trx: Trx, ctx: Ctx, memberId: string): Promise<void> {
  await trx
    .selectFrom('member')
    .select('id')
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', memberId)
    .forUpdate()
    .execute();
}

/** Settles one member in its own transaction; what another settle already did is not redone. */
export async function settleMember(db: Db, ctx: Ctx, memberId: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await lockMember(trx, ctx, memberId);
    const parts = await listOpenParts(trx, ctx, memberId);
    const result = await settleDueParts(
      trx,
      ctx,
      memberId,
      parts,
      await bonusBalance(trx, ctx, memberId),
    );
    return result.posted;
  });
}

const BATCH = 500;

/**
 * The release job (and the expiry job: same work, other index): every member with a part
 * whose window opened or closed by `now`, across merchants, settled one member per
 * transaction. Running it again finds nothing due. Returns the ledger entries posted.
 */
export async function settleDueBonus(
  db: Db,
  now: Date,
  which: 'release' | 'expiry',
): Promise<{ members: number; entries: number }> {
  let members = 0;
  let entries = 0;
  let after: { merchant_id: string; member_id: string } | undefined;
  for (;;) {
    let query = db
      .selectFrom('bonus_part')
      .select(['merchant_id', 'member_id'])
      .distinct()
      .where(
        which === 'release'
          ? sql<boolean>`status = 'pending' and available_from <= ${now}`
          : sql<boolean>`status in ('pending', 'released') and expires_at <= ${now}`,
      )
      .orderBy('merchant_id')
      .orderBy('member_id')
      .limit(BATCH);
    if (after)
      query = query.where(
        sql<boolean>`(merchant_id, member_id) > (${after.merchant_id}::uuid, ${after.member_id}::uuid)`,
      );
    const due = await query.execute();
    for (const row of due) {
      entries += await settleMember(db, systemCtx(row.merchant_id, now), row.member_id);
      members += 1;
    }
    if (due.length < BATCH) return { members, entries };
    after = due[due.length - 1]!;
  }
}
