import { expect } from 'vitest';
import type { TestMerchant } from '../../../test/factories.ts';
import { createTestMerchant, testApp } from '../../../test/factories.ts';
import type { Db } from '../../db/database.ts';
import { priceOrder } from '../checkout/pricing.rules.ts';
import type { Ctx } from '../context.ts';
import { updateCheckoutSetting } from '../orders/checkout-setting.service.ts';
import { commitOrder } from '../orders/order-commit.service.ts';
import { loadPricing } from '../orders/order-pricing.service.ts';
import { createStore } from '../tenancy/store.service.ts';
import { RECENT_ORDERS } from './fact.rules.ts';
import type { MemberCategoryFactRow, MemberFactRow } from './fact.table.ts';

// What the member-fact tests compare against: the facts recomputed in TypeScript from the
// orders, the fact rows as stored, a merchant with two stores, a till sale.

export const CATEGORIES = ['蛋糕', '面包', '芒果系列'];
export const DAY = 86_400_000;
export const NOW = new Date('2026-12-01T04:00:00Z');

export interface Scanned {
  fact: Map<string, Omit<MemberFactRow, 'merchant_id' | 'updated_at'>>;
  store: Map<string, object>;
  category: Map<string, Omit<MemberCategoryFactRow, 'merchant_id'>>;
}

/** The facts computed here from the orders themselves, the contract's semantics read literally. */
export async function scan(
  db: Db,
  m: TestMerchant,
  memberIds: readonly string[],
): Promise<Scanned> {
  const members = await db
    .selectFrom('member')
    .select(['id', 'merged_into_id'])
    .where('merchant_id', '=', m.merchantId)
    .where('id', 'in', memberIds)
    .execute();
  const owner = new Map(members.map((r) => [r.id, r.merged_into_id ?? r.id]));
  const orders = await db
    .selectFrom('sale_order')
    .select(['id', 'member_id', 'store_id', 'status', 'due_fen', 'paid_at'])
    .where('merchant_id', '=', m.merchantId)
    .where('member_id', 'in', memberIds)
    .execute();
  const ids = orders.length ? orders.map((o) => o.id) : ['00000000-0000-0000-0000-000000000000'];
  const lines = await db
    .selectFrom('sale_order_line')
    .select(['order_id', 'category', 'quantity', 'refunded_quantity', 'due_fen'])
    .where('merchant_id', '=', m.merchantId)
    .where('order_id', 'in', ids)
    .execute();
  const refunds = await db
    .selectFrom('order_refund')
    .select(['order_id', 'money_fen'])
    .where('merchant_id', '=', m.merchantId)
    .where('order_id', 'in', ids)
    .execute();
  const out: Scanned = { fact: new Map(), store: new Map(), category: new Map() };
  const span = (row: { first_order_at: Date; last_order_at: Date }, at: Date) => {
    if (at < row.first_order_at) row.first_order_at = at;
    if (at > row.last_order_at) row.last_order_at = at;
  };
  for (const o of orders) {
    if (o.status === 'refunded') continue;
    const member_id = owner.get(o.member_id!)!;
    const refunded = refunds
      .filter((r) => r.order_id === o.id)
      .reduce((s, r) => s + r.money_fen, 0);
    const spend = o.due_fen - refunded;
    const f = out.fact.get(member_id) ?? {
      member_id,
      first_order_at: o.paid_at,
      last_order_at: o.paid_at,
      order_count: 0,
      spend_fen: 0,
      recent_order_at: [],
    };
    span(f, o.paid_at);
    f.order_count++;
    f.spend_fen += spend;
    f.recent_order_at = [...f.recent_order_at, o.paid_at]
      .sort((a, b) => b.getTime() - a.getTime())
      .slice(0, RECENT_ORDERS);
    out.fact.set(member_id, f);
    const sk = `${member_id}/${o.store_id}`;
    const s = (out.store.get(sk) as Record<string, unknown> | undefined) ?? {
      member_id,
      store_id: o.store_id,
      order_count: 0,
      spend_fen: 0,
      first_order_at: o.paid_at,
      last_order_at: o.paid_at,
    };
    span(s as never, o.paid_at);
    (s.order_count as number)++;
    s.spend_fen = (s.spend_fen as number) + spend;
    out.store.set(sk, s);
    const byCategory = new Map<string, { quantity: number; spend: number }>();
    for (const l of lines.filter((x) => x.order_id === o.id)) {
      const left = l.quantity - l.refunded_quantity;
      if (left === 0) continue;
      const c = byCategory.get(l.category) ?? { quantity: 0, spend: 0 };
      c.quantity += left;
      c.spend += Math.floor((l.due_fen * left) / l.quantity);
      byCategory.set(l.category, c);
    }
    for (const [category, c] of byCategory) {
      const ck = `${member_id}/${category}`;
      const row = out.category.get(ck) ?? {
        member_id,
        category,
        order_count: 0,
        quantity: 0,
        spend_fen: 0,
        first_order_at: o.paid_at,
        last_order_at: o.paid_at,
      };
      span(row, o.paid_at);
      row.order_count++;
      row.quantity += c.quantity;
      row.spend_fen += c.spend;
      out.category.set(ck, row);
    }
  }
  return out;
}

export async function stored(db: Db, m: TestMerchant, memberIds: readonly string[]) {
  const fact = await db
    .selectFrom('member_fact')
    .select(['member_id', 'first_order_at', 'last_order_at', 'order_count', 'spend_fen'])
    .select('recent_order_at')
    .where('merchant_id', '=', m.merchantId)
    .where('member_id', 'in', memberIds)
    .execute();
  const store = await db
    .selectFrom('member_store_fact')
    .select(['member_id', 'store_id', 'order_count', 'spend_fen', 'first_order_at'])
    .select('last_order_at')
    .where('merchant_id', '=', m.merchantId)
    .where('member_id', 'in', memberIds)
    .execute();
  const category = await db
    .selectFrom('member_category_fact')
    .select(['member_id', 'category', 'order_count', 'quantity', 'spend_fen', 'first_order_at'])
    .select('last_order_at')
    .where('merchant_id', '=', m.merchantId)
    .where('member_id', 'in', memberIds)
    .execute();
  return { fact, store, category };
}

export const sorted = <T extends object>(rows: Iterable<T>) =>
  [...rows].map((r) => JSON.stringify(r, Object.keys(r).sort())).sort();

export async function expectFactsMatchOrders(
  db: Db,
  m: TestMerchant,
  memberIds: readonly string[],
) {
  const want = await scan(db, m, memberIds);
  const got = await stored(db, m, memberIds);
  expect(sorted(got.fact)).toEqual(sorted(want.fact.values()));
  expect(sorted(got.store)).toEqual(sorted(want.store.values()));
  expect(sorted(got.category)).toEqual(sorted(want.category.values()));
  return want;
}

export async function world() {
  const { db } = await testApp();
  const m = await createTestMerchant(db);
  const stores = [];
  for (const code of ['S1', 'S2'])
    stores.push(
      await db
        .transaction()
        .execute((trx) => createStore(trx, m.ctx(), { code, name: `${code} 店` })),
    );
  // online orders of any age: earning would refuse those past the points backdating window
  await db
    .transaction()
    .execute((trx) => updateCheckoutSetting(trx, m.ctx(), { online_earns: false }));
  return { db, m, storeIds: stores.map((s) => s.id) };
}

export type Line = { category: string; unit_price_fen: number; quantity: number };

export async function tillOrder(
  db: Db,
  ctx: Ctx,
  storeId: string,
  memberId: string,
  lines: Line[],
) {
  const sale = {
    store_id: storeId,
    member_id: memberId,
    lines: lines.map((l) => ({ name: `${l.category}商品`, ...l })),
  };
  return db.transaction().execute(async (trx) => {
    const priced = priceOrder((await loadPricing(trx, ctx, sale)).input, ctx.now);
    const tenders =
      priced.tender_fen > 0 ? [{ method: 'cash' as const, amount_fen: priced.tender_fen }] : [];
    return commitOrder(trx, ctx, { ...sale, tenders }, { method: 'none' });
  });
}
