import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import { newId } from '../../lib/ids.ts';
import type { Ctx } from '../context.ts';
import { postEntry } from '../ledger/ledger.service.ts';
import { getMemberRow } from '../members/member.service.ts';
import { creditPoints, debitPoints, pointsBalance } from '../points/points-lot.service.ts';
import { spendableBonus } from '../wallet/wallet.rules.ts';
import { readWalletState } from '../wallet/wallet.service.ts';
import { commissionFen, commissionPoints, reversalOf } from './referral.rules.ts';
import type { ReferralSettingRow } from './referral.table.ts';
import { type Bound, bindPending } from './referral-binding.service.ts';

export interface PaidOrder {
  id: string;
  member_id: string;
  store_id: string;
  paid_fen: number;
  created_at: Date;
}

/**
 * Called by the order commit, inside its transaction: binds the payer to the sharer on the
 * first payment when the merchant binds that way, then pays the sharer the commission the
 * rules give (points, the commission ledger, or stored-value bonus). A merchant without active rules costs one
 * query. One commission per order, by a unique index.
 */
export async function commissionForOrder(trx: Trx, ctx: Ctx, order: PaidOrder): Promise<void> {
  const setting = await trx
    .selectFrom('referral_setting')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .where('active', '=', true)
    .executeTakeFirst();
  if (!setting) return;
  const bound = await bindPending(trx, ctx, setting, order.member_id, {
    via: 'first_payment',
    store_id: order.store_id,
    order_id: order.id,
  });
  if (!bound) return;
  const first = await claimFirstOrder(trx, ctx, order);
  const fen = commissionFen(setting, order, { bound_at: bound.bound_at, first });
  if (fen <= 0) return;
  // an erased sharer is paid nothing (a merged one is already the survivor on the member row)
  const referrer = await getMemberRow(trx, ctx, bound.referrer_id);
  if (referrer.status !== 'active') return;
  await payCommission(trx, ctx, setting, bound, order, fen);
}

/** The first paid order after the binding, claimed once even by concurrent orders. */
async function claimFirstOrder(trx: Trx, ctx: Ctx, order: PaidOrder): Promise<boolean> {
  const row = await trx
    .updateTable('referral_binding')
    .set({ first_order_id: order.id })
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', order.member_id)
    .where('first_order_id', 'is', null)
    .returning('member_id')
    .executeTakeFirst();
  return row !== undefined;
}

async function payCommission(
  trx: Trx,
  ctx: Ctx,
  setting: ReferralSettingRow,
  bound: Bound,
  order: PaidOrder,
  fen: number,
) {
  const id = newId();
  const points = setting.payout === 'points' ? commissionPoints(fen, setting.points_per_yuan) : 0;
  const credit = {
    memberId: bound.referrer_id,
    kind: 'referral_commission',
    refType: 'referral_commission',
    refId: id,
  };
  const entryId =
    points > 0
      ? (await creditPoints(trx, ctx, { ...credit, amount: points })).entry.id
      : setting.payout === 'bonus'
        ? (await postEntry(trx, ctx, { ...credit, ledger: 'bonus', amount: fen })).id
        : null;
  await trx
    .insertInto('referral_commission')
    .values({
      merchant_id: ctx.merchantId,
      id,
      referrer_id: bound.referrer_id,
      referee_id: order.member_id,
      order_id: order.id,
      store_id: order.store_id,
      refund_id: null,
      reverses_id: null,
      rule: setting.rule,
      payout: setting.payout,
      amount_fen: fen,
      points,
      refunded_fen: 0,
      ledger_entry_id: entryId,
      created_at: ctx.now,
    })
    .execute();
}

export interface RefundRatio {
  order_id: string;
  refund_id: string;
  /** refunded money / paid money of the order */
  ratio_num: number;
  ratio_den: number;
}

/**
 * Called by the order refund, inside its transaction: takes back the refunded share of the
 * order's commission, as a reversal row pointing at the commission (and for points, a debit
 * referring to it; the sharer's points may go negative as a debt, as for clawed-back order
 * points). One reversal per refund, by a unique index. No commission: one query.
 */
export async function reverseCommissionForRefund(
  trx: Trx,
  ctx: Ctx,
  refund: RefundRatio,
): Promise<void> {
  const { rows } = await sql<{
    id: string;
    referrer_id: string;
    referee_id: string;
    store_id: string;
    rule: ReferralSettingRow['rule'];
    payout: ReferralSettingRow['payout'];
    amount_fen: number;
    points: number;
    reversed_fen: number;
    reversed_points: number;
    refunded_fen: number;
    ledger_entry_id: string | null;
  }>`
    select c.id, c.referrer_id, c.referee_id, c.store_id, c.rule, c.payout, c.amount_fen, c.points,
      c.ledger_entry_id,
      coalesce(-r.fen, 0)::int as reversed_fen, coalesce(-r.points, 0)::int as reversed_points,
      coalesce(r.refunded, 0)::int as refunded_fen
    from referral_commission c
    left join lateral (
      select sum(amount_fen) as fen, sum(points) as points, sum(refunded_fen) as refunded
      from referral_commission
      where merchant_id = c.merchant_id and reverses_id = c.id
    ) r on true
    where c.merchant_id = ${ctx.merchantId} and c.order_id = ${refund.order_id}
      and c.reverses_id is null
    for update of c`.execute(trx);
  const c = rows[0];
  if (!c) return;
  const ratio = { num: refund.ratio_num, den: refund.ratio_den };
  const fen = reversalOf(c.amount_fen, c.reversed_fen, c.refunded_fen, ratio);
  const points = reversalOf(c.points, c.reversed_points, c.refunded_fen, ratio);
  const id = newId();
  let entryId = points > 0 ? await takeBackPoints(trx, ctx, c.referrer_id, points, c.id) : null;
  if (c.payout === 'bonus' && fen > 0 && c.ledger_entry_id) {
    const back = await takeBackBonus(trx, ctx, c.referrer_id, fen, c.ledger_entry_id);
    entryId = back.entry_id;
    if (back.unrecovered_fen > 0)
      await trx
        .updateTable('referral_commission')
        .set((eb) => ({ unrecovered_fen: eb('unrecovered_fen', '+', back.unrecovered_fen) }))
        .where('merchant_id', '=', ctx.merchantId)
        .where('id', '=', c.id)
        .execute();
  }
  await trx
    .insertInto('referral_commission')
    .values({
      merchant_id: ctx.merchantId,
      id,
      referrer_id: c.referrer_id,
      referee_id: c.referee_id,
      order_id: refund.order_id,
      store_id: c.store_id,
      refund_id: refund.refund_id,
      reverses_id: c.id,
      rule: c.rule,
      payout: c.payout,
      amount_fen: -fen,
      points: -points,
      refunded_fen: Math.min(refund.ratio_num, refund.ratio_den - c.refunded_fen),
      ledger_entry_id: entryId,
      created_at: ctx.now,
    })
    .execute();
}

/** Points the sharer still has come off their lots; the rest becomes a negative balance. */
async function takeBackPoints(
  trx: Trx,
  ctx: Ctx,
  memberId: string,
  points: number,
  commissionId: string,
): Promise<string> {
  const ref = {
    kind: 'referral_reversal',
    refType: 'referral_commission',
    refId: commissionId,
  };
  const balance = await pointsBalance(trx, ctx, memberId);
  const fromLots = Math.min(points, Math.max(0, balance));
  const debit =
    fromLots > 0 ? await debitPoints(trx, ctx, { memberId, amount: fromLots, ...ref }) : null;
  const debt =
    points > fromLots
      ? await postEntry(trx, ctx, {
          ledger: 'points',
          memberId,
          amount: -(points - fromLots),
          ...ref,
        })
      : null;
  return (debit?.entry.id ?? debt?.id)!;
}

/**
 * Bonus commission comes back as far as the sharer still has free bonus (the bonus ledger less
 * what recharge parts claim: the commission was credited as such); the wallet never goes
 * negative, so the rest is returned as unrecovered, for the commission row. The reversal entry
 * refers to the credit it takes back. The sharer's member row is the wallet lock.
 */
async function takeBackBonus(
  trx: Trx,
  ctx: Ctx,
  memberId: string,
  fen: number,
  creditId: string,
): Promise<{ entry_id: string | null; unrecovered_fen: number }> {
  await trx
    .selectFrom('member')
    .select('id')
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', memberId)
    .forUpdate()
    .execute();
  const state = await readWalletState(trx, ctx, memberId);
  const free = spendableBonus(state.bonus_ledger_fen, state.parts, ctx.now).free_fen;
  const take = Math.min(fen, free);
  const entry =
    take > 0
      ? await postEntry(trx, ctx, {
          ledger: 'bonus',
          memberId,
          amount: -take,
          kind: 'referral_reversal',
          refType: 'ledger_entry',
          refId: creditId,
        })
      : null;
  return { entry_id: entry?.id ?? null, unrecovered_fen: fen - take };
}
