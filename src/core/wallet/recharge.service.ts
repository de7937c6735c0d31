import type { Db, Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { issueRechargePack, voidCouponsOf } from '../coupons/coupon-pack.service.ts';
import { postEntry } from '../ledger/ledger.service.ts';
import { getMemberRow } from '../members/member.service.ts';
import { checkTenders, type TenderInput } from '../payments/tender.rules.ts';
import {
  chargeTenders,
  listTenders,
  presentTender,
  refundTenders,
} from '../payments/tender.service.ts';
import { getMerchant } from '../tenancy/merchant.service.ts';
import { assertStoreExists } from '../tenancy/store.service.ts';
import { getOwnRow } from '../tenant-row.ts';
import { settleDueParts } from './bonus-part.service.ts';
import {
  bonusSchedule,
  MAX_FEN,
  type PlanTerms,
  rechargeRefund,
  type ScheduledPart,
} from './recharge.rules.ts';
import { getRechargePlan } from './recharge-plan.service.ts';
import { settleParts } from './wallet.rules.ts';
import { lockWallet, presentPart, readWalletState } from './wallet.service.ts';
import type { BonusPartRow, RechargeRefund, RechargeRow } from './wallet.table.ts';

export interface RechargeInput {
  plan_id?: string | undefined;
  amount_fen?: number | undefined;
  tenders: TenderInput[];
  store_id?: string | null | undefined;
}

/** The plan's terms, or for a plain top-up (no plan) the amount with nothing added. */
async function termsOf(
  trx: Trx,
  ctx: Ctx,
  input: RechargeInput,
): Promise<PlanTerms & { plan_id: string | null }> {
  if ((input.plan_id === undefined) === (input.amount_fen === undefined))
    throw new DomainError('recharge.plan_or_amount', { field: 'plan_id' });
  if (input.plan_id !== undefined) {
    const plan = await getRechargePlan(trx, ctx, input.plan_id);
    if (!plan.active) throw new DomainError('recharge.plan_inactive', { field: 'plan_id' });
    return { ...plan, plan_id: plan.id };
  }
  const amount = input.amount_fen!;
  if (!Number.isSafeInteger(amount) || amount < 1 || amount > MAX_FEN)
    throw new DomainError('recharge.amount_invalid', { field: 'amount_fen' });
  return {
    plan_id: null,
    name: '',
    price_fen: amount,
    bonus_fen: 0,
    bonus_mode: 'immediate',
    bonus_instalments_fen: [],
    instalment_start: 'next_month',
    coupon_pack: [],
    refundable: true,
  };
}

/**
 * A recharge (充值): the price goes to principal, the bonus becomes parts (released at once
 * or month by month, S9), the coupon part of a gift pack is recorded for the coupons module,
 * and the tenders that paid are recorded through their payment provider: one transaction.
 */
export async function rechargeMember(trx: Trx, ctx: Ctx, memberId: string, input: RechargeInput) {
  const terms = await termsOf(trx, ctx, input);
  checkTenders(input.tenders, terms.price_fen, 'recharge.tenders_mismatch');
  if (input.store_id) await assertStoreExists(trx, ctx, input.store_id, 'store_id');
  const { state } = await lockWallet(trx, ctx, memberId);
  const merchant = await getMerchant(trx, ctx);
  const id = newId();
  const principal = await postEntry(trx, ctx, {
    ledger: 'principal',
    memberId,
    amount: terms.price_fen,
    kind: 'recharge',
    refType: 'recharge',
    refId: id,
  });
  const inserted = await trx
    .insertInto('recharge')
    .values({
      merchant_id: ctx.merchantId,
      id,
      member_id: memberId,
      plan_id: terms.plan_id,
      store_id: input.store_id ?? ctx.storeId ?? null,
      price_fen: terms.price_fen,
      bonus_fen: terms.bonus_fen,
      coupon_pack: JSON.stringify(terms.coupon_pack),
      coupon_pack_issued_at: null,
      refundable: terms.refundable,
      status: 'completed',
      principal_entry_id: principal.id,
      refund: null,
      refunded_at: null,
      actor_kind: ctx.actor.kind,
      actor_id: ctx.actor.id,
      created_at: ctx.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const recharge = await issueRechargePack(trx, ctx, inserted);
  const tenders = await chargeTenders(trx, ctx, { type: 'recharge', id }, input.tenders);
  const schedule = bonusSchedule(terms, ctx.now, merchant.time_zone);
  await createParts(
    trx,
    ctx,
    { memberId, rechargeId: id, bonusFen: state.bonus_ledger_fen },
    schedule,
  );
  await recordAudit(trx, ctx, {
    action: 'wallet.recharge',
    entityType: 'member',
    entityId: memberId,
    after: {
      recharge_id: id,
      plan_id: terms.plan_id,
      price_fen: terms.price_fen,
      bonus_fen: terms.bonus_fen,
      principal_after: principal.balance_after,
      tenders: input.tenders,
    },
  });
  return presentRecharge(recharge, tenders, await rechargeParts(trx, ctx, id), ctx.now);
}

/** The recharge's bonus parts; a part whose window is already open is released at once. */
async function createParts(
  trx: Trx,
  ctx: Ctx,
  at: { memberId: string; rechargeId: string; bonusFen: number },
  schedule: ScheduledPart[],
): Promise<void> {
  if (schedule.length === 0) return;
  const parts = await trx
    .insertInto('bonus_part')
    .values(
      schedule.map((s) => ({
        merchant_id: ctx.merchantId,
        id: newId(),
        member_id: at.memberId,
        recharge_id: at.rechargeId,
        ...s,
        remaining_fen: s.amount_fen,
        closed_fen: 0,
        status: 'pending' as const,
        released_entry_id: null,
        closed_entry_id: null,
        created_at: ctx.now,
      })),
    )
    .returningAll()
    .execute();
  await settleDueParts(trx, ctx, at.memberId, parts, at.bonusFen);
}

async function rechargeParts(db: Db | Trx, ctx: Ctx, rechargeId: string): Promise<BonusPartRow[]> {
  return db
    .selectFrom('bonus_part')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .where('recharge_id', '=', rechargeId)
    .orderBy('seq')
    .execute();
}

export function presentRecharge(
  recharge: RechargeRow,
  tenders: Awaited<ReturnType<typeof listTenders>>,
  parts: BonusPartRow[],
  now: Date,
) {
  return {
    id: recharge.id,
    member_id: recharge.member_id,
    plan_id: recharge.plan_id,
    store_id: recharge.store_id,
    price_fen: recharge.price_fen,
    bonus_fen: recharge.bonus_fen,
    coupon_pack: recharge.coupon_pack,
    coupon_pack_issued_at: recharge.coupon_pack_issued_at,
    refundable: recharge.refundable,
    status: recharge.status,
    refund: recharge.refund,
    refunded_at: recharge.refunded_at,
    tenders: tenders.map(presentTender),
    bonus_parts: parts.map((p) => presentPart(p, now)),
    created_at: recharge.created_at,
  };
}

const findRecharge = (db: Db | Trx, ctx: Ctx, id: string): Promise<RechargeRow> =>
  getOwnRow(db, ctx, 'recharge', id, 'recharge.not_found');

export async function getRecharge(db: Db, ctx: Ctx, id: string) {
  const recharge = await findRecharge(db, ctx, id);
  const tenders = await listTenders(db, ctx, { type: 'recharge', id });
  return presentRecharge(recharge, tenders, await rechargeParts(db, ctx, id), ctx.now);
}

export async function listRecharges(db: Db, ctx: Ctx, memberId: string, limit: number) {
  await getMemberRow(db, ctx, memberId);
  return db
    .selectFrom('recharge')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', memberId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** What a refund would give back now, without doing it. */
export async function quoteRechargeRefund(db: Db, ctx: Ctx, id: string): Promise<RechargeRefund> {
  const recharge = await findRecharge(db, ctx, id);
  if (recharge.status === 'refunded')
    throw new DomainError('recharge.already_refunded', { params: { refund: recharge.refund } });
  const state = await readWalletState(db, ctx, recharge.member_id);
  const parts = settleParts(await rechargeParts(db, ctx, id), ctx.now);
  return rechargeRefund({
    price_fen: recharge.price_fen,
    principal_balance_fen: state.principal_fen,
    parts,
  });
}

/**
 * Refund of a recharge, by the rule stated with the plan (`rechargeRefund`): principal left
 * (at most the price) comes back less this recharge's bonus already spent; its remaining bonus
 * is forfeited, its future parts cancelled; the cash goes back through the tenders that paid.
 */
export async function refundRecharge(trx: Trx, ctx: Ctx, id: string) {
  const found = await findRecharge(trx, ctx, id);
  // a merged or erased member's recharge can still be looked at, not refunded
  const { state } = await lockWallet(trx, ctx, found.member_id);
  const recharge = await findRecharge(trx, ctx, id); // re-read under the member lock
  if (recharge.status === 'refunded') throw new DomainError('recharge.already_refunded');
  if (!recharge.refundable) throw new DomainError('recharge.not_refundable');
  const memberId = recharge.member_id;
  const settled = await settleDueParts(trx, ctx, memberId, state.parts, state.bonus_ledger_fen);
  const parts = await rechargeParts(trx, ctx, id);
  const refund = rechargeRefund({
    price_fen: recharge.price_fen,
    principal_balance_fen: state.principal_fen,
    parts,
  });
  if (refund.principal_debit_fen > 0)
    await postEntry(trx, ctx, {
      ledger: 'principal',
      memberId,
      amount: -refund.principal_debit_fen,
      kind: 'recharge_refund',
      refType: 'recharge',
      refId: id,
      reversesId: recharge.principal_entry_id,
    });
  await forfeitParts(trx, ctx, memberId, parts, settled.bonus_fen);
  // the pack's unused coupons go with the recharge; a used one stays used
  await voidCouponsOf(trx, ctx, { type: 'recharge', id }, false);
  const tenders = await refundTenders(trx, ctx, { type: 'recharge', id }, refund.refund_fen);
  const updated = await trx
    .updateTable('recharge')
    .set({ status: 'refunded', refund: JSON.stringify(refund), refunded_at: ctx.now })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .where('status', '=', 'completed')
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx, {
    action: 'wallet.recharge_refund',
    entityType: 'member',
    entityId: memberId,
    before: { recharge_id: id, principal_fen: state.principal_fen, bonus_fen: settled.bonus_fen },
    after: { recharge_id: id, ...refund, tenders: tenders.map((t) => [t.method, t.amount_fen]) },
  });
  const allTenders = await listTenders(trx, ctx, { type: 'recharge', id });
  return presentRecharge(updated, allTenders, await rechargeParts(trx, ctx, id), ctx.now);
}

/** Released parts give their remainder back to the ledger; pending ones are simply closed. */
async function forfeitParts(
  trx: Trx,
  ctx: Ctx,
  memberId: string,
  parts: BonusPartRow[],
  bonusFen: number,
): Promise<void> {
  let bonus = bonusFen;
  for (const part of parts) {
    if (part.status !== 'released' && part.status !== 'pending') continue;
    const take = part.status === 'released' ? Math.min(part.remaining_fen, bonus) : 0;
    const entry =
      take > 0
        ? await postEntry(trx, ctx, {
            ledger: 'bonus',
            memberId,
            amount: -take,
            kind: 'bonus_forfeit',
            refType: 'bonus_part',
            refId: part.id,
            ...(part.released_entry_id ? { reversesId: part.released_entry_id } : {}),
          })
        : undefined;
    if (entry) bonus = entry.balance_after;
    await trx
      .updateTable('bonus_part')
      .set({
        status: 'forfeited',
        closed_fen: part.closed_fen + part.remaining_fen,
        remaining_fen: 0,
        closed_entry_id: entry?.id ?? null,
      })
      .where('merchant_id', '=', ctx.merchantId)
      .where('id', '=', part.id)
      .where('status', '=', part.status)
      .execute();
  }
}
