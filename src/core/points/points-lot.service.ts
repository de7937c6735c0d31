import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import { cte, executeWrites, type WriteSet, writeSet } from '../../db/write-set.ts';
import { newId } from '../../lib/ids.ts';
import type { Ctx } from '../context.ts';
import { ledgerEntriesOf, ledgerWrites, postEntry } from '../ledger/ledger.service.ts';
import type { LedgerEntryRow } from '../ledger/ledger.table.ts';
import { getMerchant } from '../tenancy/merchant.service.ts';
import type { PointsLotRow, PointsSettingRow } from './points.table.ts';
import { lotExpiry, type SpendPlan, spendPoints } from './points-lot.rules.ts';
import { getPointsSetting } from './points-setting.service.ts';

// Points move only here: a credit is a ledger entry plus a lot with the merchant's expiry; a
// debit is a ledger entry plus the lots it took from (soonest expiry first); a reversal puts
// back exactly what its entry moved. Callers hold the member lock.

export interface CreditInput {
  memberId: string;
  amount: number;
  kind: string;
  refType?: string;
  refId?: string;
  memo?: string;
  /** a life of its own (campaign bonus points); absent = the merchant's expiry policy */
  expiresAt?: Date | null;
}

export async function creditPoints(
  trx: Trx,
  ctx: Ctx,
  input: CreditInput,
): Promise<{ entry: LedgerEntryRow; lot: PointsLotRow }> {
  const setting = await getPointsSetting(trx, ctx);
  const zone = (await getMerchant(trx, ctx)).time_zone;
  const { expiresAt, ...credit } = input;
  const posting = { ledger: 'points' as const, ...credit, id: newId() };
  const lot = newLot(ctx, setting, zone, posting);
  if (expiresAt !== undefined) lot.expires_at = expiresAt;
  const result = await executeWrites(
    trx,
    writeSet(ledgerWrites(ctx, 'credit', [posting]), lotWrites(ctx, 'lot', lot)),
  );
  return { entry: ledgerEntriesOf(result, 'credit', [posting])[0]!, lot };
}

/** The lot a credit opens, with the merchant's expiry counted from now. */
export function newLot(
  ctx: Ctx,
  setting: Pick<PointsSettingRow, 'expiry_policy' | 'expiry_months'>,
  zone: string,
  entry: { id: string; memberId: string; amount: number },
): PointsLotRow {
  return {
    merchant_id: ctx.merchantId,
    id: newId(),
    member_id: entry.memberId,
    entry_id: entry.id,
    amount: entry.amount,
    remaining: entry.amount,
    expired: 0,
    expires_at: lotExpiry(
      { policy: setting.expiry_policy, months: setting.expiry_months },
      ctx.now,
      zone,
    ),
    created_at: ctx.now,
  };
}

/** The insert of a new lot, as a part of a `WriteSet`. */
export const lotWrites = (ctx: Ctx, name: string, lot: PointsLotRow): WriteSet => ({
  ctes: [
    cte(
      name,
      sql`insert into points_lot (merchant_id, id, member_id, entry_id, amount, remaining,
        expires_at, created_at)
      values (${ctx.merchantId}, ${lot.id}, ${lot.member_id}, ${lot.entry_id}, ${lot.amount},
        ${lot.remaining}, ${lot.expires_at}, ${lot.created_at})`,
    ),
  ],
  results: [],
});

/** What a debit's plan takes off each lot, and the record of it, as a part of a `WriteSet`. */
export function lotUseWrites(
  ctx: Ctx,
  name: string,
  entryId: string,
  uses: SpendPlan['uses'],
): WriteSet {
  if (uses.length === 0) return writeSet();
  const values = sql.join(uses.map((u) => sql`(${u.lot_id}::uuid, ${u.amount}::bigint)`));
  return {
    ctes: [
      cte(
        `${name}_lots`,
        sql`update points_lot l set remaining = l.remaining - u.amount
        from (values ${values}) as u (lot_id, amount)
        where l.merchant_id = ${ctx.merchantId} and l.id = u.lot_id`,
      ),
      cte(
        `${name}_uses`,
        sql`insert into points_lot_use (merchant_id, entry_id, lot_id, amount)
        select ${ctx.merchantId}, ${entryId}::uuid, u.lot_id, u.amount
        from (values ${values}) as u (lot_id, amount)`,
      ),
    ],
    results: [],
  };
}

/**
 * The member's lots with points left, locked in id order. The expiry job locks lots in
 * (member, id) order and then balances, and so does a debit (lots here, the balance in
 * postEntry), so the two can wait for each other but never deadlock.
 */
export async function lockLots(trx: Trx, ctx: Ctx, memberId: string): Promise<PointsLotRow[]> {
  return liveLotsQuery(trx, ctx, memberId).forUpdate().execute();
}

/** The member's lots with points left, in id order (the order they are locked in). */
export const liveLotsQuery = (db: Db | Trx, ctx: Ctx, memberId: string) =>
  db
    .selectFrom('points_lot')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', memberId)
    // a literal, so a prepared statement's generic plan can use the partial index of live lots
    .where(sql<boolean>`remaining > 0`)
    .orderBy('id');

export const pointsBalanceQuery = (db: Db | Trx, ctx: Ctx, memberId: string) =>
  db
    .selectFrom('ledger_balance')
    .select('balance')
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', memberId)
    .where('ledger', '=', 'points');

export async function pointsBalance(db: Db | Trx, ctx: Ctx, memberId: string): Promise<number> {
  const row = await pointsBalanceQuery(db, ctx, memberId).executeTakeFirst();
  return row?.balance ?? 0;
}

export interface DebitInput {
  memberId: string;
  amount: number;
  kind: string;
  refType?: string;
  refId?: string;
  memo?: string;
}

/** Takes `amount` points soonest-expiry first; refuses with the available amount. */
export async function debitPoints(
  trx: Trx,
  ctx: Ctx,
  input: DebitInput,
): Promise<{ entry: LedgerEntryRow; plan: SpendPlan }> {
  const lots = await lockLots(trx, ctx, input.memberId);
  const balance = await pointsBalance(trx, ctx, input.memberId);
  const plan = spendPoints(balance, lots, input.amount, ctx.now);
  const { amount, ...rest } = input;
  const posting = { ledger: 'points' as const, amount: -amount, ...rest, id: newId() };
  const result = await executeWrites(
    trx,
    writeSet(
      ledgerWrites(ctx, 'debit', [posting]),
      lotUseWrites(ctx, 'debit', posting.id, plan.uses),
    ),
  );
  return { entry: ledgerEntriesOf(result, 'debit', [posting])[0]!, plan };
}

/**
 * Reverses a debit: a new entry pointing at it (a reversal happens at most once, by a unique
 * index), and each lot gets back what was taken from it. A lot that expired meanwhile gets its
 * points back as dead points that the next expiry run expires: a refund never extends expiry.
 */
export async function reverseDebit(
  trx: Trx,
  ctx: Ctx,
  debit: LedgerEntryRow,
  input: { kind: string; refType?: string; refId?: string; memo?: string },
  /** who holds the points now: the debited member, or the survivor it was merged into */
  memberId = debit.member_id,
): Promise<LedgerEntryRow> {
  if (debit.ledger !== 'points' || debit.amount >= 0) throw new Error('not a points debit');
  await lockLots(trx, ctx, memberId);
  const entry = await postEntry(trx, ctx, {
    ledger: 'points',
    memberId,
    amount: -debit.amount,
    reversesId: debit.id,
    ...input,
  });
  // the lots it came from refill (and follow the points to a survivor, with their expiry)
  await sql`
    update points_lot l set remaining = l.remaining + u.amount, member_id = ${memberId}
    from points_lot_use u
    where u.merchant_id = ${ctx.merchantId} and u.entry_id = ${debit.id}
      and l.merchant_id = u.merchant_id and l.id = u.lot_id`.execute(trx);
  return entry;
}

/**
 * For a member merge (S10): the merged member's live lots move to the survivor with their
 * expiry, so that merged-in points keep expiring when they would have. The merge moves the
 * balance itself (merge_out/merge_in entries); the caller holds both member locks.
 */
export async function moveLots(
  trx: Trx,
  ctx: Ctx,
  fromMemberId: string,
  toMemberId: string,
): Promise<number> {
  await lockLots(trx, ctx, fromMemberId);
  const moved = await trx
    .updateTable('points_lot')
    .set({ member_id: toMemberId })
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', fromMemberId)
    .where('remaining', '>', 0)
    .executeTakeFirst();
  return Number(moved.numUpdatedRows);
}
