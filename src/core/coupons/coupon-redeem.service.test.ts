import { describe, expect, it } from 'vitest';
import { testDb } from '../../../test/db.ts';
import { createMember, createTestMerchant } from '../../../test/factories.ts';
import type { Db, Trx } from '../../db/database.ts';
import type { DomainError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { Ctx } from '../context.ts';
import { createStore } from '../tenancy/store.service.ts';
import { createTemplate, issueCoupon } from './coupon.service.ts';
import { redeemCouponsInCheckout, restoreCouponsForRefund } from './coupon-redeem.service.ts';

const benefits = {
  manjian: { kind: 'threshold_off', threshold_fen: 10_000, off_fen: 2_000 },
  card: { kind: 'count_card', items: { sku_ids: null, category_codes: null }, uses: 3 },
} as const;

async function setup() {
  const { db } = await testDb();
  const m = await createTestMerchant(db);
  const ctx = m.ctx('cashier');
  const store = await db
    .transaction()
    .execute((trx) => createStore(trx, m.ctx(), { code: 'S1', name: '一店' }));
  const member = await createMember(db, ctx);
  const issue = (benefit: (typeof benefits)[keyof typeof benefits], memberId = member.id) =>
    db.transaction().execute(async (trx) => {
      const t = await createTemplate(trx, m.ctx('marketer'), {
        name: benefit.kind,
        benefit,
        validity: { mode: 'days_after_claim', days: 30 },
        usable_weekdays: null,
        usable_hours: null,
        scope: { store_ids: null, category_codes: null, sku_ids: null, min_spend_fen: 0 },
        stacking: { mode: 'stackable', with_kinds: ['threshold_off', 'count_card'] },
        total_stock: null,
        per_member_limit: null,
      });
      return issueCoupon(trx, ctx, { template_id: t.id, member_id: memberId, via: 'staff' });
    });
  return { db, m, ctx, store, member, issue };
}

/** A bare order row, so the deferred foreign key of coupon_use holds at commit. */
const insertOrder = (trx: Trx, ctx: Ctx, id: string, storeId: string, memberId: string) =>
  trx
    .insertInto('sale_order')
    .values({
      merchant_id: ctx.merchantId,
      id,
      number: Number(BigInt.asUintN(48, BigInt(`0x${id.replaceAll('-', '').slice(-12)}`))),
      channel: 'till',
      external_id: null,
      member_id: memberId,
      store_id: storeId,
      staff_id: ctx.actor.id,
      status: 'paid',
      ...Object.fromEntries(
        [
          'amount_fen',
          'tier_discount_fen',
          'coupon_discount_fen',
          'points_used',
          'points_deduction_fen',
          'due_fen',
          'principal_fen',
          'bonus_fen',
          'tender_fen',
          'points_earned',
          'growth',
        ].map((k) => [k, 0]),
      ),
      applied_coupon_ids: [],
      trace: '[]',
      points_debit_id: null,
      points_credit_id: null,
      wallet_payment_id: null,
      paid_at: ctx.now,
      created_at: ctx.now,
    } as never)
    .execute();

/** A checkout's coupon step in its own transaction with its order; the refusal code if any. */
function checkout(db: Db, ctx: Ctx, storeId: string, memberId: string, couponIds: string[]) {
  const orderId = newId();
  return db
    .transaction()
    .execute(async (trx) => {
      const used = await redeemCouponsInCheckout(trx, ctx, {
        coupon_ids: couponIds,
        member_id: memberId,
        store_id: storeId,
        order_id: orderId,
      });
      await insertOrder(trx, ctx, orderId, storeId, memberId);
      return { orderId, used };
    })
    .catch((e: DomainError) => e.code);
}

const uses = (db: Db, couponId: string) =>
  db
    .selectFrom('coupon_use')
    .selectAll()
    .where('coupon_id', '=', couponId)
    .orderBy('used_at')
    .execute();
const couponRow = (db: Db, id: string) =>
  db.selectFrom('coupon').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

describe('coupons inside a checkout', () => {
  it('redeems each coupon once with a use row, and a full refund restores it once', async () => {
    const { db, m, ctx, store, member, issue } = await setup();
    const coupon = await issue(benefits.manjian);
    const card = await issue(benefits.card);
    const done = await checkout(db, ctx, store.id, member.id, [coupon.id, card.id]);
    if (typeof done === 'string') throw new Error(done);
    expect(done.used.map((c) => [c.id, c.status, c.uses_left]).sort()).toEqual(
      [
        [coupon.id, 'redeemed', 0],
        [card.id, 'issued', 2],
      ].sort(),
    );
    expect(await couponRow(db, coupon.id)).toMatchObject({
      status: 'redeemed',
      redeemed_store_id: store.id,
      redeemed_by: m.staffIds.cashier,
    });
    expect(await uses(db, card.id)).toMatchObject([
      {
        order_id: done.orderId,
        store_id: store.id,
        staff_id: m.staffIds.cashier,
        restored_at: null,
      },
    ]);

    const again = await checkout(db, ctx, store.id, member.id, [coupon.id]);
    expect(again).toBe('coupon.already_redeemed');

    const restore = () =>
      db.transaction().execute((trx) => restoreCouponsForRefund(trx, ctx, done.orderId));
    expect((await restore()).map((c) => c.id).sort()).toEqual([coupon.id, card.id].sort());
    expect(await restore()).toEqual([]);
    expect(await couponRow(db, coupon.id)).toMatchObject({
      status: 'issued',
      uses_left: 1,
      redeemed_at: null,
    });
    expect(await couponRow(db, card.id)).toMatchObject({ status: 'issued', uses_left: 3 });
    expect((await uses(db, card.id))[0]?.restored_at).not.toBeNull();
  });

  it('a refused coupon rolls the whole step back and names its reason', async () => {
    const { db, ctx, store, member, issue } = await setup();
    const other = await createMember(db, ctx);
    const mine = await issue(benefits.manjian);
    const theirs = await issue(benefits.manjian, other.id);
    expect(await checkout(db, ctx, store.id, member.id, [mine.id, theirs.id])).toBe(
      'coupon.wrong_member',
    );
    expect(await checkout(db, ctx, store.id, member.id, [newId()])).toBe('coupon.not_found');
    const stranger = await createTestMerchant(db);
    const foreign = { ...stranger.ctx('cashier'), now: ctx.now };
    expect(await checkout(db, foreign, store.id, member.id, [mine.id])).toBe('coupon.not_found');
    const late = { ...ctx, now: new Date(ctx.now.getTime() + 40 * 86_400_000) };
    expect(await checkout(db, late, store.id, member.id, [mine.id])).toBe('coupon.expired');
    expect(await couponRow(db, mine.id)).toMatchObject({ status: 'issued', uses_left: 1 });
    expect(await uses(db, mine.id)).toEqual([]);
  });

  it('20 concurrent checkouts with one coupon: exactly 1 succeeds', async () => {
    const { db, ctx, store, member, issue } = await setup();
    const coupon = await issue(benefits.manjian);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => checkout(db, ctx, store.id, member.id, [coupon.id])),
    );
    expect(results.filter((r) => typeof r !== 'string')).toHaveLength(1);
    expect(results.filter((r) => r === 'coupon.already_redeemed')).toHaveLength(19);
    expect(await uses(db, coupon.id)).toHaveLength(1);
  });

  it('a count card used by concurrent checkouts gives exactly its uses', async () => {
    const { db, ctx, store, member, issue } = await setup();
    const card = await issue(benefits.card);
    const results = await Promise.all(
      Array.from({ length: 6 }, () => checkout(db, ctx, store.id, member.id, [card.id])),
    );
    expect(results.filter((r) => typeof r !== 'string')).toHaveLength(3);
    expect(results.filter((r) => r === 'coupon.already_redeemed')).toHaveLength(3);
    expect(await couponRow(db, card.id)).toMatchObject({ status: 'redeemed', uses_left: 0 });
    expect(await uses(db, card.id)).toHaveLength(3);
  });
});
