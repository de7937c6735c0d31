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
});
