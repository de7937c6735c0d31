import fc from 'fast-check';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { auth, createMember, postWithKey, testApp } from '../../../test/factories.ts';
import { DomainError } from '../../lib/errors.ts';
import { mergeMembers } from '../members/member-merge.service.ts';
import { listLines } from '../orders/order-commit.service.ts';
import { importOnlineOrder } from '../orders/order-import.service.ts';
import { refundOrder } from '../orders/order-refund.service.ts';
import {
  boughtCategorySince,
  hasOrdersSince,
  noOrderSince,
  ordersSince,
  RECENT_ORDERS,
  spentAtLeast,
} from './fact.rules.ts';
import type { MemberCategoryFactRow, MemberFactRow } from './fact.table.ts';
import { rebuildMerchantFacts, refreshMemberFacts } from './member-fact.service.ts';
import {
  CATEGORIES,
  DAY,
  expectFactsMatchOrders,
  NOW,
  scan,
  stored,
  tillOrder,
  world,
} from './member-fact.test-support.ts';

const lineArb = fc.record({
  category: fc.constantFrom(...CATEGORIES),
  unit_price_fen: fc.integer({ min: 0, max: 5_000 }),
  quantity: fc.integer({ min: 1, max: 3 }),
});
const opArb = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('order' as const),
      via: fc.constantFrom('till' as const, 'import' as const),
      member: fc.nat(4),
      store: fc.nat(1),
      daysAgo: fc.integer({ min: 0, max: 730 * 24 }).map((h) => h / 24),
      lines: fc.array(lineArb, { minLength: 1, maxLength: 3 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('refund' as const),
      order: fc.nat(),
      full: fc.boolean(),
      line: fc.nat(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('merge' as const), a: fc.nat(4), b: fc.nat(4) }),
  },
);

/** Tries an operation; the domain refusing it (nothing left to refund, member merged) is fine. */
async function attempt(fn: () => Promise<unknown>) {
  try {
    await fn();
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
  }
}

describe('member facts', () => {
  it('equal a recompute from the orders after every order, refund and merge, and answer window questions like a scan at any instant', async () => {
    const w = await world();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { minLength: 4, maxLength: 14 }),
        fc.array(
          fc.record({
            daysAgo: fc.integer({ min: 0, max: 800 }),
            k: fc.integer({ min: 1, max: 4 }),
            fen: fc.integer({ min: 0, max: 20_000 }),
            category: fc.constantFrom(...CATEGORIES),
          }),
          { minLength: 3, maxLength: 6 },
        ),
        async (ops, questions) => {
          run++;
          const members: string[] = [];
          for (let i = 0; i < 5; i++) members.push((await createMember(w.db, w.m.ctx())).id);
          // till orders, which refunds pay back through their tenders (an online order was
          // paid on its channel: no tender here to refund)
          const orderIds: string[] = [];
          for (const op of ops) {
            if (op.kind === 'order') {
              const at = new Date(NOW.getTime() - op.daysAgo * DAY);
              const memberId = members[op.member]!;
              const storeId = w.storeIds[op.store]!;
              if (op.via === 'till') {
                await attempt(async () => {
                  const ctx = w.m.ctx('cashier', at);
                  orderIds.push((await tillOrder(w.db, ctx, storeId, memberId, op.lines)).id);
                });
              } else {
                const body = {
                  channel: 'mini_program',
                  external_id: `R${run}-${orderIds.length}`,
                  store_id: storeId,
                  member_id: memberId,
                  paid_at: at.toISOString(),
                  lines: op.lines.map((l) => ({
                    name: `${l.category}商品`,
                    ...l,
                    paid_fen: Math.floor((l.unit_price_fen * l.quantity * 9) / 10),
                  })),
                };
                await attempt(async () => {
                  await w.db
                    .transaction()
                    .execute((trx) => importOnlineOrder(trx, w.m.ctx('cashier', NOW), body));
                });
              }
            } else if (op.kind === 'refund' && orderIds.length > 0) {
              const orderId = orderIds[op.order % orderIds.length]!;
              await attempt(() =>
                w.db.transaction().execute(async (trx) => {
                  const lines = (await listLines(trx, w.m.ctx(), orderId)).filter(
                    (l) => l.refunded_quantity < l.quantity,
                  );
                  const l = lines[op.line % Math.max(1, lines.length)];
                  const body =
                    op.full || !l ? {} : { lines: [{ line_id: l.line_id, quantity: 1 }] };
                  await refundOrder(trx, w.m.ctx('manager', NOW), orderId, {
                    ...body,
                    reason: '退货',
                  });
                }),
              );
            } else if (op.kind === 'merge') {
              await attempt(() =>
                w.db
                  .transaction()
                  .execute((trx) =>
                    mergeMembers(trx, w.m.ctx('manager', NOW), members[op.a]!, members[op.b]!),
                  ),
              );
            }
            await expectFactsMatchOrders(w.db, w.m, members);
          }
          const want = await scan(w.db, w.m, members);
          const { fact, category } = await stored(w.db, w.m, members);
          const owners = await w.db
            .selectFrom('member')
            .select(['id', 'merged_into_id'])
            .where('merchant_id', '=', w.m.merchantId)
            .where('id', 'in', members)
            .execute();
          const scanned = await w.db
            .selectFrom('sale_order')
            .select(['member_id', 'status', 'paid_at'])
            .where('merchant_id', '=', w.m.merchantId)
            .where('member_id', 'in', members)
            .execute();
          for (const q of questions) {
            const t = new Date(NOW.getTime() - q.daysAgo * DAY);
            const kSql = await w.db
              .selectFrom('member_fact')
              .select('member_id')
              .where('merchant_id', '=', w.m.merchantId)
              .where('member_id', 'in', members)
              .where(sql<boolean>`recent_order_at[${sql.lit(q.k)}] >= ${t}`)
              .execute();
            for (const { id } of owners) {
              const mine = scanned.filter(
                (o) =>
                  o.status !== 'refunded' &&
                  (owners.find((x) => x.id === o.member_id)!.merged_into_id ?? o.member_id) === id,
              );
              const since = mine.filter((o) => o.paid_at >= t).length;
              const f = fact.find((x) => x.member_id === id) as MemberFactRow | undefined;
              const cats = category.filter((x) => x.member_id === id) as MemberCategoryFactRow[];
              expect(hasOrdersSince(f, q.k, t)).toBe(since >= q.k);
              expect(kSql.some((r) => r.member_id === id)).toBe(since >= q.k);
              expect(ordersSince(f, t)).toEqual({ count: since, exact: true });
              expect(noOrderSince(f, t)).toBe(since === 0);
              const spend = want.fact.get(id)?.spend_fen ?? 0;
              expect(spentAtLeast(f, q.fen)).toBe(spend >= q.fen);
              const bought = await w.db
                .selectFrom('sale_order as o')
                .innerJoin('sale_order_line as l', (j) =>
                  j.onRef('l.merchant_id', '=', 'o.merchant_id').onRef('l.order_id', '=', 'o.id'),
                )
                .innerJoin('member as m', (j) =>
                  j.onRef('m.merchant_id', '=', 'o.merchant_id').onRef('m.id', '=', 'o.member_id'),
                )
                .select('o.id')
                .where('o.merchant_id', '=', w.m.merchantId)
                .where((eb) => eb(eb.fn.coalesce('m.merged_into_id', 'm.id'), '=', id))
                .where('o.status', '!=', 'refunded')
                .where('o.paid_at', '>=', t)
                .where('l.category', '=', q.category)
                .whereRef('l.refunded_quantity', '<', 'l.quantity')
                .limit(1)
                .execute();
              expect(boughtCategorySince(cats, q.category, t)).toBe(bought.length > 0);
            }
          }
        },
      ),
      { numRuns: 8 },
    );
  }, 240_000);

  it('refresh and rebuild write what the orders say, and drop members left without counted orders', async () => {
    const w = await world();
    const a = (await createMember(w.db, w.m.ctx())).id;
    const b = (await createMember(w.db, w.m.ctx())).id;
    const line = { category: '芒果系列', unit_price_fen: 3_800, quantity: 2 };
    const first = await tillOrder(
      w.db,
      w.m.ctx('cashier', new Date(NOW.getTime() - 40 * DAY)),
      w.storeIds[0]!,
      a,
      [line],
    );
    await tillOrder(w.db, w.m.ctx('cashier', NOW), w.storeIds[1]!, b, [line]);
    // more orders than recent_order_at keeps, recorded out of time order
    const days = fc.sample(
      fc.shuffledSubarray([...Array(40).keys()], { minLength: 34, maxLength: 34 }),
      { numRuns: 1, seed: 7 },
    )[0]!;
    await w.db.transaction().execute(async (trx) => {
      for (const [i, d] of days.entries())
        await importOnlineOrder(trx, w.m.ctx('cashier', NOW), {
          channel: 'mini_program',
          external_id: `H-${i}`,
          store_id: w.storeIds[0]!,
          member_id: b,
          paid_at: new Date(NOW.getTime() - (d + 1) * DAY).toISOString(),
          lines: [
            { name: '吐司', category: '面包', unit_price_fen: 1_000, quantity: 1, paid_fen: 1_000 },
          ],
        });
    });
    const many = (await expectFactsMatchOrders(w.db, w.m, [a, b])).fact.get(b)!;
    expect(many.order_count).toBe(35);
    expect(many.recent_order_at).toHaveLength(RECENT_ORDERS);
    expect(many.recent_order_at[0]).toEqual(NOW);
    // facts wiped by hand come back from the orders
    await w.db.deleteFrom('member_fact').where('merchant_id', '=', w.m.merchantId).execute();
    await w.db.deleteFrom('member_store_fact').where('merchant_id', '=', w.m.merchantId).execute();
    await w.db
      .deleteFrom('member_category_fact')
      .where('merchant_id', '=', w.m.merchantId)
      .execute();
    await refreshMemberFacts(w.db, w.m.ctx(), [a]);
    expect((await stored(w.db, w.m, [b])).fact).toEqual([]);
    await rebuildMerchantFacts(w.db, w.m.ctx());
    const want = await expectFactsMatchOrders(w.db, w.m, [a, b]);
    expect(want.fact.get(a)).toMatchObject({ order_count: 1, spend_fen: 7_600 });
    await w.db
      .transaction()
      .execute((trx) => refundOrder(trx, w.m.ctx('manager', NOW), first.id, { reason: '退货' }));
    expect((await stored(w.db, w.m, [a])).fact).toEqual([]);
    await expectFactsMatchOrders(w.db, w.m, [a, b]);
  });

  it('stay current through the HTTP checkout, refund and online import', async () => {
    const { app, db } = await testApp();
    const w = await world();
    const member = await createMember(db, w.m.ctx());
    const body = {
      store_id: w.storeIds[0],
      member_id: member.id,
      lines: [
        { name: '芒果千层', category: '芒果系列', unit_price_fen: 3_000, quantity: 2 },
        { name: '吐司', category: '面包', unit_price_fen: 1_500, quantity: 1 },
      ],
      tenders: [{ method: 'cash', amount_fen: 7_500 }],
    };
    const res = await postWithKey(app, w.m.tokens.cashier, '/api/orders', body);
    expect(res.statusCode).toBe(201);
    const order = res.json();
    const fact = () =>
      db
        .selectFrom('member_fact')
        .select(['order_count', 'spend_fen'])
        .where('merchant_id', '=', w.m.merchantId)
        .where('member_id', '=', member.id)
        .executeTakeFirst();
    expect(await fact()).toEqual({ order_count: 1, spend_fen: 7_500 });
    const mango = order.lines.find((l: { category: string }) => l.category === '芒果系列');
    const refund = await postWithKey(app, w.m.tokens.manager, `/api/orders/${order.id}/refunds`, {
      lines: [{ line_id: mango.line_id, quantity: 1 }],
      reason: '顾客退货',
    });
    expect(refund.statusCode).toBe(201);
    expect(await fact()).toEqual({ order_count: 1, spend_fen: 7_500 - refund.json().money_fen });
    const imported = await app.inject({
      method: 'POST',
      url: '/api/orders/import',
      headers: auth(w.m.tokens.cashier),
      payload: {
        channel: 'mini_program',
        external_id: 'WX-1',
        store_id: w.storeIds[1],
        member_id: member.id,
        paid_at: new Date(Date.now() - 20 * DAY).toISOString(),
        lines: [
          {
            name: '芒果班戟',
            category: '芒果系列',
            unit_price_fen: 2_000,
            quantity: 1,
            paid_fen: 1_800,
          },
        ],
      },
    });
    expect(imported.statusCode, imported.body).toBe(200);
    const want = await expectFactsMatchOrders(db, w.m, [member.id]);
    expect(want.fact.get(member.id)?.order_count).toBe(2);
    expect(want.category.get(`${member.id}/芒果系列`)).toMatchObject({
      order_count: 2,
      quantity: 2,
    });
  });

  it('add up when many orders of one member commit at once', async () => {
    const w = await world();
    const member = (await createMember(w.db, w.m.ctx())).id;
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        w.db.transaction().execute((trx) =>
          importOnlineOrder(trx, w.m.ctx('cashier', NOW), {
            channel: 'mini_program',
            external_id: `P-${i}`,
            store_id: w.storeIds[i % 2]!,
            member_id: member,
            paid_at: new Date(NOW.getTime() - i * DAY).toISOString(),
            lines: [
              {
                name: '芒果千层',
                category: '芒果系列',
                unit_price_fen: 100,
                quantity: 1,
                paid_fen: 100,
              },
            ],
          }),
        ),
      ),
    );
    const want = await expectFactsMatchOrders(w.db, w.m, [member]);
    expect(want.fact.get(member)).toMatchObject({ order_count: 12, spend_fen: 1_200 });
  });
});
