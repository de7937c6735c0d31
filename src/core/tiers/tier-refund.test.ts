import { describe, expect, it } from 'vitest';
import { testDb } from '../../../test/db.ts';
import { createMember, createTestMerchant } from '../../../test/factories.ts';
import type { Db } from '../../db/database.ts';
import type { Ctx } from '../context.ts';
import { commitOrder } from '../orders/order-commit.service.ts';
import { refundOrder } from '../orders/order-refund.service.ts';
import { createStore } from '../tenancy/store.service.ts';
import { createTier } from './tier.service.ts';
import { getMemberTierStatus } from './tier-member.service.ts';

const NOW = new Date('2026-11-10T04:00:00Z');

async function setUp() {
  const { db } = await testDb();
  const m = await createTestMerchant(db, { timeZone: 'Asia/Shanghai' });
  const ctx = m.ctx('owner', NOW);
  const tiers: Record<string, string> = {};
  for (const [name, threshold] of [
    ['base', 0],
    ['silver', 300],
    ['gold', 500],
  ] as const) {
    const tier = await db.transaction().execute((trx) => createTier(trx, ctx, { name, threshold }));
    tiers[name] = tier.id;
  }
  const store = await db
    .transaction()
    .execute((trx) => createStore(trx, ctx, { code: 'S', name: '总店' }));
  return { db, ctx, tiers, storeId: store.id };
}

/** A cash till order of two units; 1 growth per ¥1 paid (the default). */
function order(db: Db, ctx: Ctx, storeId: string, memberId: string, unitFen: number) {
  return db.transaction().execute((trx) =>
    commitOrder(
      trx,
      ctx,
      {
        store_id: storeId,
        member_id: memberId,
        lines: [{ name: '蛋糕', category: '蛋糕', unit_price_fen: unitFen, quantity: 2 }],
        tenders: [{ method: 'cash', amount_fen: unitFen * 2 }],
      },
      { method: 'none' },
    ),
  );
}

const refund = (db: Db, ctx: Ctx, orderId: string, quantity?: number) =>
  db.transaction().execute((trx) =>
    refundOrder(trx, ctx, orderId, {
      reason: '退货',
      ...(quantity ? { lines: [{ line_id: '1', quantity }] } : {}),
    }),
  );

async function tierOf(db: Db, ctx: Ctx, memberId: string) {
  const row = await db
    .selectFrom('member_loyalty')
    .select('tier_id')
    .where('merchant_id', '=', ctx.merchantId)
    .where('member_id', '=', memberId)
    .executeTakeFirstOrThrow();
  return row.tier_id;
}

/** The newest change as the member's tier page reads it, cause included. */
const lastChange = async (db: Db, ctx: Ctx, memberId: string) =>
  (await getMemberTierStatus(db, ctx, memberId)).history[0];

describe('tier on refund', () => {
  it('moves back down when the refunded order reached the tier', async () => {
    const { db, ctx, tiers, storeId } = await setUp();
    const member = await createMember(db, ctx);
    const o = await order(db, ctx, storeId, member.id, 30_000); // 600 growth: gold
    expect(await tierOf(db, ctx, member.id)).toBe(tiers.gold);
    expect(await lastChange(db, ctx, member.id)).toMatchObject({
      reason: 'upgrade',
      ref_type: 'order',
      ref_id: o.id,
    });
    const back = await refund(db, ctx, o.id);
    expect(await tierOf(db, ctx, member.id)).toBe(tiers.base);
    expect(await lastChange(db, ctx, member.id)).toMatchObject({
      reason: 'downgrade',
      from_tier_id: tiers.gold,
      to_tier_id: tiers.base,
      ref_type: 'order_refund',
      ref_id: back.id,
      qualifying_value: 0,
    });
  });

  it('keeps the tier when a partial refund leaves enough, or the remaining total reaches a lower one', async () => {
    const { db, ctx, tiers, storeId } = await setUp();
    const member = await createMember(db, ctx);
    const o = await order(db, ctx, storeId, member.id, 50_000); // 1000 growth
    await refund(db, ctx, o.id, 1); // 500 left: still gold
    expect(await tierOf(db, ctx, member.id)).toBe(tiers.gold);
    expect(await lastChange(db, ctx, member.id)).toMatchObject({ reason: 'upgrade' });

    const other = await createMember(db, ctx);
    const p = await order(db, ctx, storeId, other.id, 40_000); // 800 growth
    await refund(db, ctx, p.id, 1); // 400 left: silver
    expect(await tierOf(db, ctx, other.id)).toBe(tiers.silver);
  });

  it('keeps a tier reached by a later order when an older one is refunded', async () => {
    const { db, ctx, tiers, storeId } = await setUp();
    const member = await createMember(db, ctx);
    const older = await order(db, ctx, storeId, member.id, 20_000); // 400: silver
    expect(await tierOf(db, ctx, member.id)).toBe(tiers.silver);
    await order(db, ctx, storeId, member.id, 10_000); // 600: gold, by this order
    await refund(db, ctx, older.id);
    expect(await tierOf(db, ctx, member.id)).toBe(tiers.gold);
  });
});
