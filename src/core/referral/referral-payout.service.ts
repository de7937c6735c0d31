import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { getMemberRow, lockActiveMember } from '../members/member.service.ts';
import { lockOwnRow } from '../tenant-row.ts';
import type { ReferralWithdrawalRow, WithdrawalStatus } from './referral.table.ts';

/**
 * A sharer's commission ledger: commissions paid to the ledger net of their reversals, less
 * approved and pending withdrawals. A reversal after a withdrawal can leave it negative: the
 * sharer then withdraws again only once new commission covers the debt.
 */
export async function commissionAccount(db: Db | Trx, ctx: Ctx, memberId: string) {
  const { rows } = await sql<{ earned: number; withdrawn: number; pending: number }>`
    select
      (select coalesce(sum(amount_fen), 0) from referral_commission
        where merchant_id = ${ctx.merchantId} and referrer_id = ${memberId} and payout = 'ledger')::int as earned,
      (select coalesce(sum(amount_fen), 0) from referral_withdrawal
        where merchant_id = ${ctx.merchantId} and member_id = ${memberId} and status = 'approved')::int as withdrawn,
      (select coalesce(sum(amount_fen), 0) from referral_withdrawal
        where merchant_id = ${ctx.merchantId} and member_id = ${memberId} and status = 'pending')::int as pending`.execute(
    db,
  );
  const { earned, withdrawn, pending } = rows[0]!;
  return {
    member_id: memberId,
    earned_fen: earned,
    withdrawn_fen: withdrawn,
    pending_fen: pending,
    available_fen: earned - withdrawn - pending,
  };
}

/** A withdrawal request, within what is available; the member lock serialises requests. */
export async function requestWithdrawal(
  trx: Trx,
  ctx: Ctx,
  memberId: string,
  input: { amount_fen: number; note?: string },
) {
  await lockActiveMember(trx, ctx, memberId);
  const account = await commissionAccount(trx, ctx, memberId);
  if (input.amount_fen > account.available_fen)
    throw new DomainError('referral.withdrawal_over_balance', {
      field: 'amount_fen',
      params: { available_fen: Math.max(0, account.available_fen) },
    });
  const row = await trx
    .insertInto('referral_withdrawal')
    .values({
      merchant_id: ctx.merchantId,
      id: newId(),
      member_id: memberId,
      amount_fen: input.amount_fen,
      status: 'pending',
      note: input.note ?? null,
      requested_at: ctx.now,
      decided_at: null,
      decided_by: null,
      decision_reason: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx, {
    action: 'referral.withdrawal_request',
    entityType: 'member',
    entityId: memberId,
    before: account,
    after: { withdrawal_id: row.id, amount_fen: row.amount_fen },
  });
  return presentWithdrawal(row);
}

/** The owner approves (the money is paid out of band) or refuses a pending request, once. */
export async function decideWithdrawal(
  trx: Trx,
  ctx: Ctx,
  id: string,
  input: { decision: 'approve' | 'refuse'; reason?: string },
) {
  const w = await lockOwnRow(trx, ctx, 'referral_withdrawal', id, 'referral.withdrawal_not_found');
  if (w.status !== 'pending')
    throw new DomainError('referral.withdrawal_decided', { params: { status: w.status } });
  const status: WithdrawalStatus = input.decision === 'approve' ? 'approved' : 'refused';
  const row = await trx
    .updateTable('referral_withdrawal')
    .set({
      status,
      decided_at: ctx.now,
      decided_by: ctx.actor.kind === 'staff' ? ctx.actor.id : null,
      decision_reason: input.reason ?? null,
    })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx, {
    action: `referral.withdrawal_${input.decision}`,
    entityType: 'member',
    entityId: w.member_id,
    before: { withdrawal_id: id, status: w.status },
    after: { withdrawal_id: id, status, amount_fen: w.amount_fen, reason: row.decision_reason },
  });
  return presentWithdrawal(row);
}

export async function listWithdrawals(
  db: Db,
  ctx: Ctx,
  filter: { status?: WithdrawalStatus; member_id?: string },
) {
  if (filter.member_id) await getMemberRow(db, ctx, filter.member_id, 'member_id');
  let q = db
    .selectFrom('referral_withdrawal')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .orderBy('requested_at', 'desc')
    .orderBy('id', 'desc')
    .limit(200);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.member_id) q = q.where('member_id', '=', filter.member_id);
  return (await q.execute()).map(presentWithdrawal);
}

const presentWithdrawal = ({ merchant_id: _m, ...rest }: ReferralWithdrawalRow) => rest;
