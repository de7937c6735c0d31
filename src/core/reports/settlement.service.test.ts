import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../../test/db.ts';
import { createMember, createTestMerchant } from '../../../test/factories.ts';
import { cash, createPlan } from '../../../test/wallet-support.ts';
import type { Db } from '../../db/database.ts';
import type { Ctx } from '../context.ts';
import { commitOrder } from '../orders/order-commit.service.ts';
import { refundOrder } from '../orders/order-refund.service.ts';
import { createStore } from '../tenancy/store.service.ts';
import { rechargeMember } from '../wallet/recharge.service.ts';
import { payFromWallet } from '../wallet/wallet.service.ts';
import { settlementCsvRows, settlementReport } from './settlement.service.ts';

// Shanghai is UTC+8: November 2026 runs from 2026-10-31T16:00Z to 2026-11-30T16:00Z.
const OCT_31 = new Date('2026-10-31T10:00:00Z');
const NOV_2 = new Date('2026-11-02T04:00:00Z');
const NOV_LAST = new Date('2026-11-30T15:59:59Z');
const DEC_FIRST = new Date('2026-11-30T16:00:00Z');

const at = (ctx: Ctx, now: Date): Ctx => ({ ...ctx, now });

function charge(db: Db, ctx: Ctx, memberId: string, store_id: string, input: object) {
  return db
    .transaction()
    .execute((trx) =>
      rechargeMember(trx, ctx, memberId, { ...input, store_id } as Parameters<
        typeof rechargeMember
      >[3]),
    );
}

function spend(db: Db, ctx: Ctx, memberId: string, store_id: string, amount_fen: number) {
  return db
    .transaction()
    .execute((trx) =>
      payFromWallet(
        trx,
        ctx,
        memberId,
        { amount_fen, order_ref: randomUUID(), store_id },
        { method: 'none' },
      ),
    );
}

/** A till order paid wholly from the member's stored value. */
function tillPay(db: Db, ctx: Ctx, memberId: string, store_id: string, fen: number) {
  return db.transaction().execute((trx) =>
    commitOrder(
      trx,
      ctx,
      {
        store_id,
        member_id: memberId,
        lines: [{ name: '蛋糕', category: '蛋糕', unit_price_fen: fen, quantity: 2 }],
        stored_value_fen: fen * 2,
      },
      { method: 'none' },
    ),
  );
}

function refund(db: Db, ctx: Ctx, orderId: string, quantity?: number) {
  return db.transaction().execute((trx) =>
    refundOrder(trx, ctx, orderId, {
      reason: '退货',
      ...(quantity ? { lines: [{ line_id: '1', quantity }] } : {}),
    }),
  );
}

async function setUp() {
  const { db } = await testDb();
  const m = await createTestMerchant(db);
  const ctx = m.ctx('owner', OCT_31);
  const [a, b] = await db
    .transaction()
    .execute(async (trx) => [
      await createStore(trx, ctx, { code: 'A', name: 'A 总店' }),
      await createStore(trx, ctx, { code: 'B', name: 'B 加盟店' }),
    ]);
  return { db, m, ctx, a: a!.id, b: b!.id };
}

describe('stored-value settlement', () => {
  it('attributes principal first in, first out to the store that sold it, per local month', async () => {
    const { db, ctx, a, b } = await setUp();
    const member = await createMember(db, ctx);
    await charge(db, at(ctx, OCT_31), member.id, a, { amount_fen: 10_000, tenders: cash(10_000) });
    await charge(db, at(ctx, NOV_2), member.id, b, { amount_fen: 5_000, tenders: cash(5_000) });
    await spend(db, at(ctx, NOV_2), member.id, b, 12_000); // 100.00 of A's, then 20.00 of B's
    await spend(db, at(ctx, NOV_LAST), member.id, a, 2_000); // 20.00 more of B's
    await spend(db, at(ctx, DEC_FIRST), member.id, a, 1_000); // December, local

    const nov = await settlementReport(db, ctx, '2026-11');
    const pairs = nov.map((r) => [
      r.sold_store_name,
      r.spent_store_name,
      r.principal_fen,
      r.bonus_fen,
    ]);
    expect(pairs).toEqual([
      ['A 总店', 'B 加盟店', 10_000, 0],
      ['B 加盟店', 'A 总店', 2_000, 0],
      ['B 加盟店', 'B 加盟店', 2_000, 0],
    ]);
    expect(await settlementReport(db, ctx, '2026-12')).toMatchObject([
      { sold_store_id: b, spent_store_id: a, principal_fen: 1_000, month: '2026-12' },
    ]);
    expect(await settlementReport(db, ctx, '2026-10')).toEqual([]);
    expect(settlementCsvRows(nov)[1]).toEqual(['2026-11', 'A 总店', 'B 加盟店', '100.00', '0.00']);
  });

  it('shows bonus apart, attributed to the recharge whose bonus was spent', async () => {
    const { db, ctx, a, b } = await setUp();
    const member = await createMember(db, ctx);
    const plan = await createPlan(db, ctx, {
      name: '充100送20',
      price_fen: 10_000,
      bonus_fen: 2_000,
      bonus_mode: 'immediate',
      bonus_instalments_fen: [],
    });
    await charge(db, at(ctx, OCT_31), member.id, a, { plan_id: plan.id, tenders: cash(10_000) });
    const paid = await spend(db, at(ctx, NOV_2), member.id, b, 6_000);
    const [row, ...rest] = await settlementReport(db, ctx, '2026-11');
    expect(rest).toEqual([]);
    expect(row).toMatchObject({ sold_store_id: a, spent_store_id: b });
    expect(row!.principal_fen + row!.bonus_fen).toBe(6_000);
    expect(row!.bonus_fen).toBe(paid.bonus_fen);
    expect(row!.bonus_fen).toBeGreaterThan(0);
  });

  it('nets a refund against the pair the payment was attributed to, in the refund month', async () => {
    const { db, ctx, a, b } = await setUp();
    const member = await createMember(db, ctx);
    await charge(db, at(ctx, OCT_31), member.id, a, { amount_fen: 10_000, tenders: cash(10_000) });
    const whole = await tillPay(db, at(ctx, NOV_2), member.id, b, 1_000);
    await refund(db, at(ctx, NOV_2), whole.id);
    expect(await settlementReport(db, ctx, '2026-11')).toEqual([]);

    const part = await tillPay(db, at(ctx, NOV_2), member.id, b, 1_000);
    await refund(db, at(ctx, NOV_2), part.id, 1);
    expect(await settlementReport(db, ctx, '2026-11')).toMatchObject([
      { sold_store_id: a, spent_store_id: b, principal_fen: 1_000, bonus_fen: 0 },
    ]);
    // the rest next month: negative there, November unchanged
    await refund(db, at(ctx, DEC_FIRST), part.id, 1);
    expect(await settlementReport(db, ctx, '2026-11')).toMatchObject([{ principal_fen: 1_000 }]);
    expect(await settlementReport(db, ctx, '2026-12')).toMatchObject([
      { sold_store_id: a, spent_store_id: b, principal_fen: -1_000, month: '2026-12' },
    ]);
    // principal that came back is still A's when spent again
    await spend(db, at(ctx, DEC_FIRST), member.id, b, 10_000);
    const dec = await settlementReport(db, ctx, '2026-12');
    expect(dec.map((r) => [r.sold_store_id, r.spent_store_id, r.principal_fen])).toEqual([
      [a, b, 9_000],
    ]);
    const csv = settlementCsvRows(dec);
    expect(csv[1]).toEqual(['2026-12', 'A 总店', 'B 加盟店', '90.00', '0.00']);
  });

  it('nets refunded bonus apart, against the recharge whose bonus was taken', async () => {
    const { db, ctx, a, b } = await setUp();
    const member = await createMember(db, ctx);
    const plan = await createPlan(db, ctx, {
      name: '充100送20',
      price_fen: 10_000,
      bonus_fen: 2_000,
      bonus_mode: 'immediate',
      bonus_instalments_fen: [],
    });
    await charge(db, at(ctx, OCT_31), member.id, a, { plan_id: plan.id, tenders: cash(10_000) });
    const order = await tillPay(db, at(ctx, NOV_2), member.id, b, 3_000);
    await refund(db, at(ctx, NOV_2), order.id);
    expect(await settlementReport(db, ctx, '2026-11')).toEqual([]);
  });

  it('keeps a store name that looks like a formula inert in the export', async () => {
    const { db, ctx, a } = await setUp();
    await db.updateTable('store').set({ name: '=HYPERLINK("x")' }).where('id', '=', a).execute();
    const member = await createMember(db, ctx);
    await charge(db, at(ctx, OCT_31), member.id, a, { amount_fen: 10_000, tenders: cash(10_000) });
    const order = await tillPay(db, at(ctx, NOV_2), member.id, a, 1_000);
    await refund(db, at(ctx, DEC_FIRST), order.id, 1);
    const { csvStream } = await import('../../lib/csv.ts');
    const chunks: string[] = [];
    for await (const c of csvStream(settlementCsvRows(await settlementReport(db, ctx, '2026-12'))))
      chunks.push(String(c));
    const text = chunks.join('');
    expect(text).toContain('-10.00');
    expect(text).not.toMatch(/(^|,)=HYPERLINK/m);
  });
});
