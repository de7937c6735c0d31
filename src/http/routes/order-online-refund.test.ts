import { describe, expect, it } from 'vitest';
import {
  auth,
  createMember,
  createTestMerchant,
  postWithKey,
  testApp,
} from '../../../test/factories.ts';

/** A member and an online order of ¥100 for them (1 point per yuan, online_earns by default). */
async function world() {
  const { app, db } = await testApp();
  const m = await createTestMerchant(db);
  const store = await postWithKey(app, m.tokens.owner, '/api/stores', {
    name: '一号店',
    code: 'S1',
  });
  const member = await createMember(db, m.ctx());
  const imported = await app.inject({
    method: 'POST',
    url: '/api/orders/import',
    headers: auth(m.tokens.cashier),
    payload: {
      channel: 'mini_program',
      external_id: 'WX-2001',
      store_id: store.json().id,
      member_id: member.id,
      paid_at: new Date().toISOString(),
      lines: [
        { name: '礼盒', category: 'food', unit_price_fen: 6_000, quantity: 2, paid_fen: 8_000 },
        { name: '咖啡', category: 'drinks', unit_price_fen: 2_000, quantity: 1, paid_fen: 2_000 },
      ],
    },
  });
  expect(imported.statusCode).toBe(200);
  return { app, db, m, memberId: member.id, order: imported.json() };
}

describe('refund of an online order', () => {
  it('goes back through its channel: points clawed back, status, facts, no tender rows', async () => {
    const w = await world();
    const { order } = w;
    expect(order.points_earned).toBeGreaterThan(0);
    const points = () =>
      w.db
        .selectFrom('ledger_balance')
        .select('balance')
        .where('member_id', '=', w.memberId)
        .where('ledger', '=', 'points')
        .executeTakeFirst()
        .then((b) => Number(b?.balance ?? 0));
    const fact = () =>
      w.db
        .selectFrom('member_fact')
        .select(['order_count', 'spend_fen'])
        .where('member_id', '=', w.memberId)
        .executeTakeFirst();
    const refund = (payload: object) =>
      postWithKey(w.app, w.m.tokens.owner, `/api/orders/${order.id}/refunds`, payload);
    const statusOf = async () =>
      (
        await w.db
          .selectFrom('sale_order')
          .select('status')
          .where('id', '=', order.id)
          .executeTakeFirstOrThrow()
      ).status;
    expect(await points()).toBe(order.points_earned);
    expect(await fact()).toMatchObject({ order_count: 1, spend_fen: 10_000 });

    const coffee = order.lines.find((l: { name: string }) => l.name === '咖啡');
    const part = await refund({
      reason: '咖啡退',
      lines: [{ line_id: coffee.line_id, quantity: 1 }],
    });
    expect(part.statusCode).toBe(201);
    expect(part.json()).toMatchObject({ money_fen: 2_000, complete: false, tenders: [] });
    expect(await statusOf()).toBe('partially_refunded');
    expect(await points()).toBe(order.points_earned - coffee.points_earned);
    expect(await fact()).toMatchObject({ order_count: 1, spend_fen: 8_000 });

    const rest = await refund({ reason: '整单退' });
    expect(rest.statusCode).toBe(201);
    expect(rest.json()).toMatchObject({ money_fen: 8_000, complete: true, tenders: [] });
    expect(await statusOf()).toBe('refunded');
    expect(await points()).toBe(0);
    expect(await fact()).toBeUndefined();
    const tenders = await w.db
      .selectFrom('tender')
      .select('id')
      .where('ref_id', '=', order.id)
      .execute();
    expect(tenders).toEqual([]);
    const refunds = await w.db
      .selectFrom('order_refund')
      .select('money_fen')
      .where('order_id', '=', order.id)
      .execute();
    expect(refunds.map((r) => Number(r.money_fen)).sort()).toEqual([2_000, 8_000]);
  });
});
