import { describe, expect, it } from 'vitest';
import { auth, testApp } from '../../../test/factories.ts';
import { DEMO_PASSWORD, seedDemo } from './demo.service.ts';

describe('demo merchant', () => {
  it('shows the loyalty economy on the first start: tiers, points rules, a monthly recharge plan, mall rewards', async () => {
    const { app, db } = await testApp();
    const suffix = `-${Date.now().toString(36)}`;
    const demo = await seedDemo(db, new Date(), 30, suffix);
    const signIn = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { login: `owner${suffix}@bakery`, password: DEMO_PASSWORD },
    });
    expect(signIn.statusCode).toBe(200);
    const owner = signIn.json();
    const get = async (url: string) => {
      const res = await app.inject({ method: 'GET', url, headers: auth(owner.token) });
      expect(res.statusCode, url).toBe(200);
      return res.json();
    };

    const tiers = await get('/api/tiers');
    expect(tiers.map((t: { name: string }) => t.name)).toEqual([
      '普通会员',
      '银卡会员',
      '金卡会员',
    ]);
    expect(tiers[2]).toMatchObject({ discount_bp: 1000, rights: [{ code: 'free_drink' }] });
    expect((await get('/api/tiers/settings')).basis).toBe('spend');

    const rules = await get('/api/points/rules');
    expect(rules.default_fen_per_point).toBe(100);
    expect(rules.categories.map((c: { category: string }) => c.category)).toEqual([
      '蛋糕',
      '面包',
      '饮品',
    ]);

    const plans = await get('/api/recharge-plans');
    const monthly = plans.find((p: { bonus_mode: string }) => p.bonus_mode === 'monthly');
    expect(monthly).toMatchObject({ price_fen: 50_000, bonus_fen: 10_000, active: true });
    expect(monthly.bonus_instalments_fen).toEqual([2000, 2000, 2000, 2000, 2000]);

    const rewards = await get('/api/mall/rewards');
    expect(rewards.map((r: { name: string }) => r.name)).toContain('招牌肉松小贝');
    expect(await get('/api/membership/plans')).toHaveLength(1);

    const members = await db
      .selectFrom('member')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('merchant_id', '=', demo.merchantId)
      .executeTakeFirstOrThrow();
    expect(Number(members.n)).toBe(30);
  });

  it('is ready for the till: categories of the points rules, SKUs found by barcode, points that pay, members with purchases', async () => {
    const { app, db } = await testApp();
    const suffix = `-${Date.now().toString(36)}t`;
    const now = new Date();
    const demo = await seedDemo(db, now, 30, suffix);
    const signIn = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { login: `cashier${suffix}@bakery`, password: DEMO_PASSWORD },
    });
    expect(signIn.statusCode).toBe(200);
    const cashier = signIn.json();
    const get = async (url: string) => {
      const res = await app.inject({ method: 'GET', url, headers: auth(cashier.token) });
      expect(res.statusCode, url).toBe(200);
      return res.json();
    };

    const categories = await get('/api/catalogue/categories');
    expect(categories.map((c: { code: string }) => c.code).sort()).toEqual(
      ['蛋糕', '面包', '饮品'].sort(),
    );
    const stores = await get('/api/stores');
    expect(stores).toHaveLength(3);
    for (const store of stores) {
      const [cake] = await get(`/api/catalogue/skus?barcode=6901234000023&store_id=${store.id}`);
      expect(cake).toMatchObject({ name: '黑森林蛋糕 8 寸', category: '蛋糕', price_fen: 23_800 });
    }
    const [drink] = await get('/api/catalogue/skus?barcode=6901234000214');
    expect(drink).toMatchObject({ category: '饮品', price_fen: 1800 });
    const skus = await db
      .selectFrom('sku')
      .select(['barcode', 'every_store'])
      .where('merchant_id', '=', demo.merchantId)
      .execute();
    expect(skus.length).toBeGreaterThanOrEqual(8);
    for (const sku of skus) {
      expect(sku.barcode).toMatch(/^690\d{10}$/);
      expect(sku.every_store).toBe(true);
    }

    expect(await get('/api/checkout/settings')).toMatchObject({
      points_per_unit: 100,
      fen_per_unit: 100,
      max_share_bp: 5000,
    });
    const holder = await db
      .selectFrom('ledger_balance')
      .select('member_id')
      .where('merchant_id', '=', demo.merchantId)
      .where('ledger', '=', 'points')
      .where('balance', '>=', 2000)
      .orderBy('member_id')
      .executeTakeFirstOrThrow();
    const quote = await app.inject({
      method: 'POST',
      url: '/api/checkout/quote',
      headers: auth(cashier.token),
      payload: {
        store_id: stores[0].id,
        member_id: holder.member_id,
        lines: [{ sku_id: drink.id, quantity: 1 }],
        points_to_use: 2000,
      },
    });
    expect(quote.statusCode).toBe(200);
    // 2000 points would pay ¥20, but only half of what is left after discounts
    const q = quote.json();
    const half = Math.floor((q.amount_fen - q.tier_discount_fen) / 2);
    expect(q).toMatchObject({ points_used: half, points_deduction_fen: half });

    const orders = await db
      .selectFrom('sale_order')
      .select(['member_id', 'due_fen', 'points_credit_id', 'paid_at'])
      .where('merchant_id', '=', demo.merchantId)
      .where('channel', '=', 'till')
      // the demo campaign's members bought at the till too (demo-campaign.test.ts)
      .where('member_id', 'not in', (eb) =>
        eb
          .selectFrom('campaign_member')
          .select('member_id')
          .where('merchant_id', '=', demo.merchantId),
      )
      .execute();
    expect(orders).toHaveLength(6);
    for (const order of orders) {
      expect(order.member_id).not.toBeNull();
      expect(order.points_credit_id).not.toBeNull();
      expect(order.paid_at.getTime()).toBeLessThan(now.getTime());
    }
    const history = await get(`/api/orders?member_id=${orders[0]!.member_id}`);
    expect(history.items).toHaveLength(1);
    const paid = await db
      .selectFrom('tender')
      .select((eb) => eb.fn.sum<string>('amount_fen').as('fen'))
      .where('merchant_id', '=', demo.merchantId)
      .where('ref_type', '=', 'order')
      .executeTakeFirstOrThrow();
    const due = await db
      .selectFrom('sale_order')
      .select((eb) => eb.fn.sum<string>('due_fen').as('fen'))
      .where('merchant_id', '=', demo.merchantId)
      .where('channel', '=', 'till')
      .executeTakeFirstOrThrow();
    expect(Number(paid.fen)).toBe(Number(due.fen));
    const unbalanced = await db
      .selectFrom('ledger_balance as b')
      .select('b.member_id')
      .where('b.merchant_id', '=', demo.merchantId)
      .where((eb) =>
        eb(
          'b.balance',
          '!=',
          eb
            .selectFrom('ledger_entry as e')
            .select((sub) => sub.fn.coalesce(sub.fn.sum<number>('e.amount'), sub.lit(0)).as('s'))
            .whereRef('e.merchant_id', '=', 'b.merchant_id')
            .whereRef('e.member_id', '=', 'b.member_id')
            .whereRef('e.ledger', '=', 'b.ledger'),
        ),
      )
      .execute();
    expect(unbalanced).toEqual([]);
  });

  it('has two years of order history with dormant and churned members, 芒果系列 and member facts', async () => {
    const { db } = await testApp();
    const now = new Date();
    const demo = await seedDemo(db, now, 300, `-${Date.now().toString(36)}h`);
    const history = await db
      .selectFrom('sale_order')
      .select(['member_id', 'paid_at', 'status', 'due_fen'])
      .where('merchant_id', '=', demo.merchantId)
      .where('channel', '=', 'history')
      .execute();
    expect(history.length).toBeGreaterThan(150);
    expect(history.length).toBeLessThan(2_000);
    const times = history.map((o) => o.paid_at.getTime());
    expect(Math.min(...times)).toBeLessThan(now.getTime() - 500 * 86_400_000);
    expect(Math.max(...times)).toBeLessThanOrEqual(now.getTime());
    const lastOf = new Map<string, number>();
    for (const o of history)
      if (o.status !== 'refunded')
        lastOf.set(o.member_id!, Math.max(lastOf.get(o.member_id!) ?? 0, o.paid_at.getTime()));
    const quiet = (days: number) =>
      [...lastOf.values()].filter((t) => t < now.getTime() - days * 86_400_000).length;
    expect(quiet(180)).toBeGreaterThan(5);
    expect(quiet(60) - quiet(180)).toBeGreaterThan(2);
    const mango = await db
      .selectFrom('member_category_fact')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('merchant_id', '=', demo.merchantId)
      .where('category', '=', '芒果系列')
      .executeTakeFirstOrThrow();
    expect(Number(mango.n)).toBeGreaterThan(5);
    const facts = await db
      .selectFrom('member_fact')
      .select((eb) => [
        eb.fn.countAll<string>().as('n'),
        eb.fn.sum<string>('order_count').as('orders'),
      ])
      .where('merchant_id', '=', demo.merchantId)
      .executeTakeFirstOrThrow();
    const counted = await db
      .selectFrom('sale_order')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('merchant_id', '=', demo.merchantId)
      .where('status', '!=', 'refunded')
      .executeTakeFirstOrThrow();
    expect(Number(facts.orders)).toBe(Number(counted.n));
    expect(Number(facts.n)).toBe(lastOf.size + 6);
  });

  it('opens with tags holding members, saved segments and RFM scored twice', async () => {
    const { app, db } = await testApp();
    const suffix = `-${Date.now().toString(36)}m`;
    await seedDemo(db, new Date(), 300, suffix);
    const signIn = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { login: `marketer${suffix}@bakery`, password: DEMO_PASSWORD },
    });
    const headers = auth(signIn.json().token);
    const get = async (url: string) => {
      const res = await app.inject({ method: 'GET', url, headers });
      expect(res.statusCode, url).toBe(200);
      return res.json();
    };
    const tags: { name: string; member_count: number; refreshed_at: string | null }[] =
      await get('/api/tags');
    const count = (name: string) => tags.find((t) => t.name === name)?.member_count;
    expect(count('芒果控')).toBeGreaterThan(0);
    expect(count('60天未消费')).toBeGreaterThan(0);
    expect(count('店长熟客')).toBe(8);
    const segments: { name: string }[] = await get('/api/segments');
    expect(segments.map((x) => x.name).sort()).toEqual(['夏季芒果客', '流失预警']);
    const rfm = await get('/api/rfm/distribution');
    expect(rfm.computed_at).not.toBeNull();
    expect(rfm.members).toBeGreaterThan(100);
    // scored a month ago and now: members who went quiet in between moved stage
    const since = new Date(Date.now() - 40 * 86_400_000).toISOString().slice(0, 10);
    const moves = await get(`/api/rfm/transitions?from=${since}`);
    expect(moves.items.some((m: { from_stage: string | null }) => m.from_stage !== null)).toBe(
      true,
    );
  });
});
