import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { auth, createTestMerchant, testApp, uniquePhone } from '../../../test/factories.ts';
import type { Db } from '../../db/database.ts';

type App = Awaited<ReturnType<typeof testApp>>['app'];

function call(
  app: App,
  token: string,
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  payload?: object,
  key?: string,
) {
  const needsKey = method === 'POST' && /\/(points|redeem|cancel)/.test(url);
  return app.inject({
    method,
    url,
    headers: { ...auth(token), ...(needsKey ? { 'idempotency-key': key ?? randomUUID() } : {}) },
    ...(payload ? { payload } : {}),
  });
}

const pointsOf = async (db: Db, merchantId: string, memberId: string) => {
  const balance = await db
    .selectFrom('ledger_balance')
    .select('balance')
    .where('merchant_id', '=', merchantId)
    .where('member_id', '=', memberId)
    .where('ledger', '=', 'points')
    .executeTakeFirst();
  const entries = await db
    .selectFrom('ledger_entry')
    .select(['kind', 'amount', 'reverses_id'])
    .where('merchant_id', '=', merchantId)
    .where('member_id', '=', memberId)
    .where('ledger', '=', 'points')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const lots = await db
    .selectFrom('points_lot')
    .select(['amount', 'remaining', 'expired', 'expires_at'])
    .where('merchant_id', '=', merchantId)
    .where('member_id', '=', memberId)
    .orderBy('id')
    .execute();
  return { balance: balance?.balance ?? 0, entries, lots };
};

describe('S4 points rules, end to end through the API', () => {
  it('activation +100, 230 + 500 for an order, cashier grant refused, owner grant, mall spend', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const { owner, cashier } = m.tokens;

    const rules = await call(app, owner, 'PUT', '/api/points/rules', {
      default_fen_per_point: 100,
      categories: [{ category: 'plain_gold', fen_per_point: 1000 }],
      expiry_policy: 'year_end_after',
    });
    expect(rules.statusCode).toBe(200);
    expect(rules.json().categories).toEqual([{ category: 'plain_gold', fen_per_point: 1000 }]);

    const reg = await call(app, cashier, 'POST', '/api/members', {
      phone: uniquePhone(),
      name: '李娜',
    });
    expect(reg.statusCode).toBe(201);
    const memberId: string = reg.json().id;
    const base = `/api/members/${memberId}/points`;

    // activation +100, once: a retry replays, a new attempt is refused
    const act = await call(app, cashier, 'POST', `${base}/activation`, undefined, 'act-1');
    expect(act.statusCode).toBe(200);
    expect(act.json()).toMatchObject({ points: 100, balance: 100 });
    const replay = await call(app, cashier, 'POST', `${base}/activation`, undefined, 'act-1');
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json().entry_id).toBe(act.json().entry_id);
    const again = await call(app, cashier, 'POST', `${base}/activation`);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('points.bonus_already_granted');

    // an order of normal goods ¥230.50 and plain gold ¥5,000 earns 230 + 500
    const order = {
      order_ref: `S4-${randomUUID()}`,
      lines: [
        { category: 'normal', amount_fen: 23_050 },
        { category: 'plain_gold', amount_fen: 500_000 },
      ],
      paid_at: new Date().toISOString(),
    };
    const earn = await call(app, cashier, 'POST', `${base}/earn`, order);
    expect(earn.statusCode).toBe(200);
    expect(earn.json()).toMatchObject({ points: 730, balance: 830, growth: 5230 });
    expect(earn.json().detail.categories.map((c: { points: number }) => c.points)).toEqual([
      230, 500,
    ]);
    expect(earn.json().lot.expires_at).not.toBe(null);
    const twice = await call(app, cashier, 'POST', `${base}/earn`, order);
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error).toMatchObject({
      code: 'points.order_already_earned',
      field: 'order_ref',
    });

    // a cashier may grant up to 100: 500 is refused with the ceiling, nothing changes
    const before = await pointsOf(db, m.merchantId, memberId);
    const refused = await call(app, cashier, 'POST', `${base}/grant`, {
      points: 500,
      reason: 'adopted suggestion',
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error).toMatchObject({
      code: 'points.grant_over_ceiling',
      params: { ceiling: 100 },
    });
    expect(await pointsOf(db, m.merchantId, memberId)).toEqual(before);

    // the owner grants 800 for an adopted suggestion
    const grant = await call(app, owner, 'POST', `${base}/grant`, {
      points: 800,
      reason: 'adopted suggestion',
    });
    expect(grant.statusCode).toBe(200);
    expect(grant.json()).toMatchObject({ points: 800, balance: 1630 });

    // spent in the points mall
    const reward = await call(app, owner, 'POST', '/api/mall/rewards', {
      kind: 'goods',
      name: 'Thermos cup',
      points_price: 1500,
      stock: 10,
    });
    expect(reward.statusCode).toBe(201);
    const redeem = await call(
      app,
      cashier,
      'POST',
      `/api/mall/rewards/${reward.json().id}/redeem`,
      {
        member_id: memberId,
      },
    );
    expect(redeem.statusCode).toBe(201);
    expect(redeem.json()).toMatchObject({ status: 'redeemed', points: 1500 });
    expect(redeem.json().pickup_code).toMatch(/^\d{10}$/);

    const after = await pointsOf(db, m.merchantId, memberId);
    expect(after.balance).toBe(130);
    expect(after.entries.map((e) => [e.kind, e.amount])).toEqual([
      ['activation', 100],
      ['earn', 730],
      ['grant', 800],
      ['mall_redeem', -1500],
    ]);
    // soonest expiry first — all three lots share an expiry, so the oldest lots go first
    expect(after.lots.map((l) => [l.amount, l.remaining])).toEqual([
      [100, 0],
      [730, 0],
      [800, 130],
    ]);
    const stock = await db
      .selectFrom('mall_reward')
      .select('stock')
      .where('merchant_id', '=', m.merchantId)
      .executeTakeFirstOrThrow();
    expect(stock.stock).toBe(9);

    // the pickup code hands the goods over once
    const pickup = await call(app, cashier, 'POST', '/api/mall/pickup', {
      pickup_code: redeem.json().pickup_code,
    });
    expect(pickup.statusCode).toBe(200);
    expect(pickup.json().status).toBe('fulfilled');
    const pickupTwice = await call(app, cashier, 'POST', '/api/mall/pickup', {
      pickup_code: redeem.json().pickup_code,
    });
    expect(pickupTwice.json().error.code).toBe('mall.already_fulfilled');

    // the statement agrees
    const statement = await call(app, cashier, 'GET', base);
    expect(statement.statusCode).toBe(200);
    expect(statement.json()).toMatchObject({ balance: 130, available: 130 });
    expect(statement.json().lots).toHaveLength(1);
    expect(statement.json().entries).toHaveLength(4);
  });
});

describe('spending points', () => {
  it('more than available → 409 with available, nothing changed', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const reg = await call(app, m.tokens.cashier, 'POST', '/api/members', { phone: uniquePhone() });
    const memberId: string = reg.json().id;
    await call(app, m.tokens.owner, 'POST', `/api/members/${memberId}/points/grant`, {
      points: 250,
      reason: 'welcome',
    });
    const before = await pointsOf(db, m.merchantId, memberId);
    const res = await call(app, m.tokens.cashier, 'POST', `/api/members/${memberId}/points/spend`, {
      points: 251,
      reason: 'gift',
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({
      code: 'points.insufficient',
      field: 'points',
      params: { available: 250 },
    });
    expect(await pointsOf(db, m.merchantId, memberId)).toEqual(before);
    const key = await db
      .selectFrom('idempotency_key')
      .select('key')
      .where('merchant_id', '=', m.merchantId)
      .where('status_code', 'is not', null)
      .execute();
    expect(key).toHaveLength(1); // only the grant's: the refused spend left no trace

    const ok = await call(app, m.tokens.cashier, 'POST', `/api/members/${memberId}/points/spend`, {
      points: 250,
      reason: 'gift',
      ref: 'POS-77',
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ points: -250, balance: 0, lotless_used: 0 });
    const spent = await pointsOf(db, m.merchantId, memberId);
    expect(spent.entries.at(-1)).toMatchObject({ kind: 'spend', amount: -250 });
    expect(spent.lots.map((l) => l.remaining)).toEqual([0]);
  });

  it('refuses bad input with the field and another merchant’s member with 404', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const other = await createTestMerchant(db);
    const reg = await call(app, other.tokens.cashier, 'POST', '/api/members', {
      phone: uniquePhone(),
    });
    const foreign = `/api/members/${reg.json().id}/points`;
    const res = await call(app, m.tokens.cashier, 'POST', `${foreign}/spend`, {
      points: 1,
      reason: 'x',
    });
    expect(res.statusCode).toBe(404);
    const zero = await call(app, m.tokens.cashier, 'POST', `${foreign}/spend`, {
      points: 0,
      reason: 'x',
    });
    expect(zero.statusCode).toBe(400);
    expect(zero.json().error.field).toBe('points');
    const future = await call(app, other.tokens.cashier, 'POST', `${foreign}/earn`, {
      order_ref: 'F-1',
      lines: [{ category: 'normal', amount_fen: 100 }],
      paid_at: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(future.statusCode).toBe(400);
    expect(future.json().error).toMatchObject({ code: 'points.paid_at_invalid', field: 'paid_at' });
    const noKey = await app.inject({
      method: 'POST',
      url: `${foreign}/spend`,
      headers: auth(other.tokens.cashier),
      payload: { points: 1, reason: 'x' },
    });
    expect(noKey.json().error.code).toBe('idempotency.key_required');
    const badRules = await call(app, m.tokens.owner, 'PUT', '/api/points/rules', {
      expiry_policy: 'months_after',
    });
    expect(badRules.statusCode).toBe(400);
    expect(badRules.json().error).toMatchObject({
      code: 'points.rules_invalid',
      field: 'expiry_months',
    });
    const marketer = await call(app, m.tokens.marketer, 'PUT', '/api/points/rules', {
      activation_bonus: 5,
    });
    expect(marketer.statusCode).toBe(403);
  });
});

describe('campaigns, profile bonus and the API document', () => {
  it('a campaign multiplies its categories on its local days; bad dates are refused', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10); // Shanghai
    const bad = await call(app, m.tokens.owner, 'POST', '/api/points/campaigns', {
      name: 'x',
      multiplier_bp: 20_000,
      starts_on: '2026-02-02',
      ends_on: '2026-02-01',
    });
    expect(bad.json().error).toMatchObject({ code: 'points.dates_invalid', field: 'ends_on' });
    const campaign = await call(app, m.tokens.owner, 'POST', '/api/points/campaigns', {
      name: 'Gold week',
      multiplier_bp: 20_000,
      starts_on: today,
      ends_on: today,
      categories: ['plain_gold'],
    });
    expect(campaign.statusCode).toBe(201);
    const memberId = (
      await call(app, m.tokens.cashier, 'POST', '/api/members', { phone: uniquePhone() })
    ).json().id;
    const earn = await call(app, m.tokens.cashier, 'POST', `/api/members/${memberId}/points/earn`, {
      order_ref: `c-${randomUUID()}`,
      lines: [
        { category: 'plain_gold', amount_fen: 10_000 },
        { category: 'bread', amount_fen: 10_000 },
      ],
      paid_at: new Date().toISOString(),
    });
    expect(earn.json()).toMatchObject({
      points: 300,
      detail: { campaign_ids: [campaign.json().id] },
    });
    const earning = await db
      .selectFrom('points_earning')
      .select(['points', 'amount_fen', 'growth'])
      .where('merchant_id', '=', m.merchantId)
      .executeTakeFirstOrThrow();
    expect(earning).toEqual({ points: 300, amount_fen: 20_000, growth: 200 });
  });

  it('the profile bonus needs a complete profile and is paid once', async () => {
    const { app, db } = await testApp();
    const m = await createTestMerchant(db);
    const complete = {
      phone: uniquePhone(),
      name: '吴敏',
      gender: 'female',
      birthday: '1992-02-29',
    };
    const early = (await call(app, m.tokens.cashier, 'POST', '/api/members', complete)).json();
    // the merchant has not set a profile bonus yet
    const off = await call(
      app,
      m.tokens.cashier,
      'POST',
      `/api/members/${early.id}/points/profile-bonus`,
    );
    expect(off.statusCode).toBe(409);
    expect(off.json().error.code).toBe('points.bonus_disabled');
    await call(app, m.tokens.owner, 'PUT', '/api/points/rules', { profile_bonus: 50 });
    const member = (
      await call(app, m.tokens.cashier, 'POST', '/api/members', {
        phone: uniquePhone(),
        name: '周杰',
      })
    ).json();
    const incomplete = await call(
      app,
      m.tokens.cashier,
      'POST',
      `/api/members/${member.id}/points/profile-bonus`,
    );
    expect(incomplete.statusCode).toBe(409);
    expect(incomplete.json().error).toMatchObject({
      code: 'points.profile_incomplete',
      params: { missing: ['gender', 'birthday'] },
    });
    await app.inject({
      method: 'PATCH',
      url: `/api/members/${member.id}`,
      headers: auth(m.tokens.cashier),
      payload: { gender: 'male', birthday: '1990-05-05' },
    });
    const paid = await call(
      app,
      m.tokens.cashier,
      'POST',
      `/api/members/${member.id}/points/profile-bonus`,
    );
    expect(paid.json()).toMatchObject({ bonus: 'profile_bonus', points: 50, balance: 50 });
    const twice = await call(
      app,
      m.tokens.cashier,
      'POST',
      `/api/members/${member.id}/points/profile-bonus`,
    );
    expect(twice.json().error.code).toBe('points.bonus_already_granted');
    const entries = await db
      .selectFrom('ledger_entry')
      .select('kind')
      .where('merchant_id', '=', m.merchantId)
      .where('member_id', '=', member.id)
      .execute();
    expect(entries.map((e) => e.kind)).toEqual(['profile_bonus']);
  });

  it('the OpenAPI document describes the loyalty routes', async () => {
    const { app } = await testApp();
    const doc = (await app.inject({ url: '/docs/openapi.json' })).json();
    for (const path of [
      '/api/members/{id}/points/earn',
      '/api/members/{id}/points/spend',
      '/api/members/{id}/points',
      '/api/reports/points-liability',
      '/api/mall/rewards/{id}/redeem',
      '/api/tiers',
      '/api/members/{id}/rights/{code}/use',
    ])
      expect(Object.keys(doc.paths)).toContain(path);
    expect(doc.paths['/api/members/{id}/points/earn'].post.requestBody).toBeDefined();
  });
});
