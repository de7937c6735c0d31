import type { Db, Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { Ctx } from '../context.ts';
import { pendingProviderByName } from '../payments/payment-provider.ts';
import { lockOwnRow } from '../tenant-row.ts';
import { rechargeMember } from '../wallet/recharge.service.ts';
import { getRechargePlan } from '../wallet/recharge-plan.service.ts';
import { selfOf } from './member-card.service.ts';

const present = (row: {
  id: string;
  plan_id: string;
  amount_fen: number;
  provider: string;
  status: string;
  recharge_id: string | null;
  created_at: Date;
  completed_at: Date | null;
}) => ({
  id: row.id,
  plan_id: row.plan_id,
  amount_fen: Number(row.amount_fen),
  provider: row.provider,
  status: row.status,
  recharge_id: row.recharge_id,
  created_at: row.created_at,
  completed_at: row.completed_at,
});

/**
 * A recharge with a plan, started on the member page: the plan's price is asked of the
 * payment gateway (a provider whose payer confirms elsewhere), and nothing reaches the wallet
 * until the gateway confirms (`completePayment`).
 */
export async function startRecharge(
  trx: Trx,
  ctx: Ctx,
  input: { plan_id: string; provider: string },
) {
  const memberId = selfOf(ctx);
  const provider = pendingProviderByName(input.provider);
  const plan = await getRechargePlan(trx, ctx, input.plan_id);
  if (!plan.active) throw new DomainError('recharge.plan_inactive', { field: 'plan_id' });
  const id = newId();
  const started = await provider.start(ctx, { amount_fen: plan.price_fen, ref_id: id });
  const row = await trx
    .insertInto('member_payment')
    .values({
      merchant_id: ctx.merchantId,
      id,
      member_id: memberId,
      plan_id: plan.id,
      amount_fen: plan.price_fen,
      provider: provider.name,
      provider_ref: started.provider_ref,
      recharge_id: null,
      store_id: ctx.storeId ?? null,
      created_at: ctx.now,
      completed_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return present(row);
}

/**
 * The gateway confirmed the payment (for the development provider: the member pressed its
 * button): the recharge is made in this transaction, through the plan, as a till recharge is,
 * paid by the provider's method. A payment completes once; its row is locked meanwhile.
 */
export async function completePayment(trx: Trx, ctx: Ctx, id: string) {
  const memberId = selfOf(ctx);
  const payment = await lockOwnRow(trx, ctx, 'member_payment', id, 'member_app.payment_not_found');
  if (payment.member_id !== memberId) throw new DomainError('member_app.payment_not_found');
  if (payment.status !== 'pending') throw new DomainError('member_app.payment_not_pending');
  const provider = pendingProviderByName(payment.provider);
  const amount = Number(payment.amount_fen);
  const recharge = await rechargeMember(trx, ctx, memberId, {
    plan_id: payment.plan_id,
    tenders: [{ method: provider.method, amount_fen: amount }],
    store_id: payment.store_id,
  });
  const row = await trx
    .updateTable('member_payment')
    .set({ status: 'completed', recharge_id: recharge.id, completed_at: ctx.now })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return present(row);
}

export async function listPayments(db: Db, ctx: Ctx) {
  const rows = await db
    .selectFrom('member_payment')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', selfOf(ctx))
    .orderBy('created_at', 'desc')
    .limit(20)
    .execute();
  return rows.map(present);
}
