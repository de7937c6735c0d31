import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { testApp } from '../../../test/factories.ts';
import { refreshMemberFacts } from '../facts/member-fact.service.ts';
import { systemCtx } from '../tenancy/system-ctx.ts';
import { generateScaleDemo } from './demo-scale.ts';

const DAY = 86_400_000;

describe('scale demo', () => {
  it('generates members with two years of seasonal orders, dormant and churned ones, 芒果系列, and their facts', async () => {
    const { db } = await testApp();
    const now = new Date('2026-12-01T04:00:00Z');
    const demo = await generateScaleDemo(db, { members: 2_000, seed: 7, now });
    const m = demo.merchantId;
    const one = async <T>(q: ReturnType<typeof sql<T>>) => (await q.execute(db)).rows[0]!;

    const members = await one(sql<{ n: number; consent: number; cards: number; phones: number }>`
      select count(*)::int as n, count(*) filter (where marketing_consent)::int as consent,
        count(distinct card_no)::int as cards, count(distinct phone)::int as phones
      from member where merchant_id = ${m}`);
    expect(members).toMatchObject({ n: 2_000, cards: 2_000, phones: 2_000 });
    expect(members.consent / members.n).toBeGreaterThan(0.6);
    expect(members.consent / members.n).toBeLessThan(0.8);

    const orders = await one(sql<{ n: number; stores: number; first: Date; last: Date }>`
      select count(*)::int as n, count(distinct store_id)::int as stores,
        min(paid_at) as first, max(paid_at) as last
      from sale_order where merchant_id = ${m}`);
    expect(demo.orders).toBe(orders.n);
    expect(orders.n / 2_000).toBeGreaterThan(6);
    expect(orders.n / 2_000).toBeLessThan(14);
    expect(orders.stores).toBe(7);
    expect(orders.first.getTime()).toBeGreaterThanOrEqual(now.getTime() - 731 * DAY);
    expect(orders.last.getTime()).toBeLessThanOrEqual(now.getTime());

    // seasonality: the Spring Festival and Christmas months sell more than March and April
    const season = await one(sql<{ peak: number; low: number }>`
      select count(*) filter (where extract(month from paid_at at time zone 'Asia/Shanghai') in (12, 1))::int as peak,
        count(*) filter (where extract(month from paid_at at time zone 'Asia/Shanghai') in (3, 4))::int as low
      from sale_order where merchant_id = ${m}`);
    expect(season.peak).toBeGreaterThan(season.low * 1.2);

    const life = await one(sql<{ never: number; dormant: number; churned: number; mango: number }>`
      select (select count(*) from member x where x.merchant_id = ${m} and not exists (
          select 1 from member_fact f where f.merchant_id = ${m} and f.member_id = x.id))::int as never,
        count(*) filter (where last_order_at between ${new Date(now.getTime() - 180 * DAY)} and ${new Date(now.getTime() - 60 * DAY)})::int as dormant,
        count(*) filter (where last_order_at < ${new Date(now.getTime() - 180 * DAY)})::int as churned,
        (select count(distinct member_id) from member_category_fact
          where merchant_id = ${m} and category = '芒果系列')::int as mango
      from member_fact where merchant_id = ${m}`);
    expect(life.never).toBeGreaterThan(100);
    expect(life.dormant).toBeGreaterThan(150);
    expect(life.churned).toBeGreaterThan(300);
    expect(life.mango).toBeGreaterThan(500);

    // the rebuilt facts are what a per-member refresh computes, and add up to the counted orders
    const facts = await one(sql<{ orders: number; counted: number }>`
      select (select sum(order_count) from member_fact where merchant_id = ${m})::int as orders,
        (select count(*) from sale_order where merchant_id = ${m} and status <> 'refunded')::int as counted`);
    expect(facts.orders).toBe(facts.counted);
    const sample = await db
      .selectFrom('member_fact')
      .selectAll()
      .where('merchant_id', '=', m)
      .orderBy('member_id')
      .limit(50)
      .execute();
    const ids = sample.map((f) => f.member_id);
    await refreshMemberFacts(db, { ...systemCtx(m, now) }, ids);
    const again = await db
      .selectFrom('member_fact')
      .selectAll()
      .where('merchant_id', '=', m)
      .where('member_id', 'in', ids)
      .orderBy('member_id')
      .execute();
    expect(again).toEqual(sample);
  });
});
