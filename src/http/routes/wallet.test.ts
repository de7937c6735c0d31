import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../../test/db.ts';
import {
  auth,
  createMember,
  createTestMerchant,
  type TestMerchant,
  testConfig,
} from '../../../test/factories.ts';
import { S9_PLAN, walletInvariants } from '../../../test/wallet-support.ts';
import { signMemberCode } from '../../core/members/member-code.ts';
import type { Db } from '../../db/database.ts';
import { type App, buildApp } from '../app.ts';

/**
 * The real app plus one test-only hook: `x-test-now` sets the request's clock after auth,
 * so the S9 month edges can be driven through the API. Production never has this hook.
 */
async function clockApp(db: Db): Promise<App> {
  const app = await buildApp({ db, config: testConfig() });
  app.addHook('preHandler', async (request) => {
    const now = request.headers['x-test-now'];
    if (typeof now === 'string' && request.ctx) request.ctx.now = new Date(now);
  });
  await app.ready();
  return app;
}

let shared: Promise<{ app: App; db: Db }> | undefined;
const setup = () => {
  shared ??= (async () => {
    const { db } = await testDb();
    return { app: await clockApp(db), db };
  })();
  return shared;
};

function client(app: App, m: TestMerchant) {
  return (
    role: 'owner' | 'manager' | 'cashier' | 'marketer',
    method: 'GET' | 'POST' | 'PUT' | 'PATCH',
    url: string,
    body?: unknown,
    extra: { now?: string; key?: string } = {},
  ) =>
    app.inject({
      method,
      url,
      headers: {
        ...auth(m.tokens[role]),
        ...(extra.now ? { 'x-test-now': extra.now } : {}),
        ...(extra.key !== undefined ? { 'idempotency-key': extra.key } : {}),
        'accept-language': 'en',
      },
      ...(body !== undefined ? { payload: body as object } : {}),
    });
}

const key = () => randomUUID();

describe('S9 bakery recharge through the API', () => {
  it('pay 100 get 100 in 5 monthly parts: January spendable at 23:59:59, gone at 00:00:00', async () => {
    const { app, db } = await setup();
    const m = await createTestMerchant(db);
    const call = client(app, m);
    const member = await createMember(db, m.ctx());
    expect(
      (await call('owner', 'PUT', '/api/wallet/settings', { spending_order: 'bonus_first' }))
        .statusCode,
    ).toBe(200);
    const plan = await call('owner', 'POST', '/api/recharge-plans', S9_PLAN);
    expect(plan.statusCode).toBe(201);
    expect(plan.json()).toMatchObject({ gift_value_fen: 10000, bonus_mode: 'monthly' });

    const rc = await call(
      'cashier',
      'POST',
      `/api/members/${member.id}/recharges`,
      { plan_id: plan.json().id, tenders: [{ method: 'alipay', amount_fen: 10000 }] },
      { now: '2026-12-15T10:00:00+08:00', key: key() },
    );
    expect(rc.statusCode).toBe(201);
    expect(rc.json().bonus_parts.map((p: { amount_fen: number }) => p.amount_fen)).toEqual([
      2000, 2000, 2000, 2000, 2000,
    ]);
    expect(rc.json().bonus_parts[0]).toMatchObject({
      available_from: '2026-12-31T16:00:00.000Z',
      expires_at: '2027-01-31T16:00:00.000Z',
      state: 'pending',
    });

    const lastSecond = '2027-01-31T23:59:59+08:00';
    const janWallet = await call('cashier', 'GET', `/api/members/${member.id}/wallet`, undefined, {
      now: lastSecond,
    });
    expect(janWallet.json()).toMatchObject({ principal_fen: 10000, bonus_fen: 2000 });
    const janPay = await call(
      'cashier',
      'POST',
      `/api/members/${member.id}/wallet/pay`,
      { amount_fen: 1800, order_ref: 'bread-1' },
      { now: lastSecond, key: key() },
    );
    expect(janPay.statusCode).toBe(201);
    expect(janPay.json()).toMatchObject({ principal_fen: 0, bonus_fen: 1800, auth: 'none' });

    const midnight = '2027-02-01T00:00:00+08:00';
    const febWallet = (
      await call('cashier', 'GET', `/api/members/${member.id}/wallet`, undefined, { now: midnight })
    ).json();
    expect(febWallet.bonus_fen).toBe(2000);
    expect(febWallet.parts[0]).toMatchObject({ state: 'expired', remaining_fen: 200 });
    const febPay = await call(
      'cashier',
      'POST',
      `/api/members/${member.id}/wallet/pay`,
      { amount_fen: 2200, order_ref: 'bread-2' },
      { now: midnight, key: key() },
    );
    // January's 200 is gone: 2000 from February's part, 200 from principal
    expect(febPay.json()).toMatchObject({ principal_fen: 200, bonus_fen: 2000 });

    const parts = await db
      .selectFrom('bonus_part')
      .select(['seq', 'status', 'remaining_fen', 'closed_fen'])
      .where('merchant_id', '=', m.merchantId)
      .orderBy('seq')
      .execute();
    expect(parts.slice(0, 3)).toEqual([
      { seq: 0, status: 'expired', remaining_fen: 0, closed_fen: 200 },
      { seq: 1, status: 'released', remaining_fen: 0, closed_fen: 0 },
      { seq: 2, status: 'pending', remaining_fen: 2000, closed_fen: 0 },
    ]);
    const tenders = await db
      .selectFrom('tender')
      .select(['method', 'amount_fen', 'provider', 'direction'])
      .where('merchant_id', '=', m.merchantId)
      .execute();
    expect(tenders).toEqual([
      { method: 'alipay', amount_fen: 10000, provider: 'recorded', direction: 'charge' },
    ]);
    const audit = await db
      .selectFrom('audit_log')
      .select(['actor_id', 'before', 'after'])
      .where('merchant_id', '=', m.merchantId)
      .where('action', '=', 'wallet.pay')
      .orderBy('created_at')
      .execute();
    expect(audit.map((a) => [a.actor_id, a.before, a.after])).toMatchObject([
      [
        m.staffIds.cashier,
        { balances: { principal_fen: 10000, bonus_fen: 2000 } },
        {
          order_ref: 'bread-1',
          bonus_fen: 1800,
          balances: { principal_fen: 10000, bonus_fen: 200 },
        },
      ],
      [
        m.staffIds.cashier,
        { balances: { principal_fen: 10000, bonus_fen: 2000 } },
        {
          order_ref: 'bread-2',
          principal_fen: 200,
          balances: { principal_fen: 9800, bonus_fen: 0 },
        },
      ],
    ]);
    expect(await walletInvariants(db, m.merchantId)).toBe(0);
  });

  it('gift pack: pay 100 "get 200" records 50 bonus and the 150 coupon pack', async () => {
    const { app, db } = await setup();
    const m = await createTestMerchant(db);
    const call = client(app, m);
    const member = await createMember(db, m.ctx());
    const plan = await call('owner', 'POST', '/api/recharge-plans', {
      name: '充100得200',
      price_fen: 10000,
      bonus_fen: 5000,
      coupon_pack: [{ name: '满200减50', face_value_fen: 5000, threshold_fen: 20000, quantity: 3 }],
    });
    expect(plan.json()).toMatchObject({ coupon_value_fen: 15000, gift_value_fen: 20000 });
    const rc = await call(
      'cashier',
      'POST',
      `/api/members/${member.id}/recharges`,
      {
        plan_id: plan.json().id,
        tenders: [
          { method: 'cash', amount_fen: 2000 },
          { method: 'wechat_pay', amount_fen: 8000 },
        ],
      },
      { key: key() },
    );
    expect(rc.statusCode).toBe(201);
    expect(rc.json()).toMatchObject({ price_fen: 10000, bonus_fen: 5000 });
    const row = await db
      .selectFrom('recharge')
      .selectAll()
      .where('merchant_id', '=', m.merchantId)
      .executeTakeFirstOrThrow();
    expect(row.coupon_pack).toEqual([
      {
        template_id: null,
        name: '满200减50',
        face_value_fen: 5000,
        threshold_fen: 20000,
        quantity: 3,
      },
    ]);
    expect(row.coupon_pack_issued_at).toBeNull();
    const wallet = await call('cashier', 'GET', `/api/members/${member.id}/wallet`);
    expect(wallet.json()).toMatchObject({
      principal_fen: 10000,
      bonus_fen: 5000,
      spendable_fen: 15000,
    });
  });
});

describe('bad input changes nothing', () => {
  it('plans whose numbers make no sense → 400 naming the field', async () => {
    const { app, db } = await setup();
    const m = await createTestMerchant(db);
    const call = client(app, m);
    const negative = await call('owner', 'POST', '/api/recharge-plans', {
      name: 'x',
      price_fen: -100,
    });
    expect(negative.statusCode).toBe(400);
    expect(negative.json().error).toMatchObject({ code: 'request.invalid', field: 'price_fen' });
    const mismatch = await call('owner', 'POST', '/api/recharge-plans', {
      ...S9_PLAN,
      bonus_instalments_fen: [2000, 2000, 2000, 2000, 1000],
    });
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.json().error).toMatchObject({
      code: 'recharge.instalments_mismatch',
      field: 'bonus_instalments_fen',
      params: { sum_fen: 9000, bonus_fen: 10000 },
    });
    const negativePart = await call('owner', 'POST', '/api/recharge-plans', {
      ...S9_PLAN,
      bonus_instalments_fen: [4000, 4000, 4000, 0, -2000],
    });
    expect(negativePart.json().error).toMatchObject({
      code: 'recharge.amount_invalid',
      field: 'bonus_instalments_fen.3',
    });
    const plans = await db
      .selectFrom('recharge_plan')
      .select('id')
      .where('merchant_id', '=', m.merchantId)
      .execute();
    expect(plans).toEqual([]);
  });

  it('tenders not adding up to the price → 400, no recharge, no entry, key not consumed', async () => {
    const { app, db } = await setup();
    const m = await createTestMerchant(db);
    const call = client(app, m);
    const member = await createMember(db, m.ctx());
    const k = key();
    const res = await call(
      'cashier',
      'POST',
      `/api/members/${member.id}/recharges`,
      { amount_fen: 10000, tenders: [{ method: 'cash', amount_fen: 9000 }] },
      { key: k },
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({
      code: 'recharge.tenders_mismatch',
      field: 'tenders',
      params: { expected_fen: 10000, tendered_fen: 9000 },
    });
    const counts = await Promise.all(
      (['recharge', 'ledger_entry', 'tender', 'idempotency_key'] as const).map((t) =>
        db.selectFrom(t).select('merchant_id').where('merchant_id', '=', m.merchantId).execute(),
      ),
    );
    expect(counts.map((c) => c.length)).toEqual([0, 0, 0, 0]);
    // the same key with a correct body now works
    const ok = await call(
      'cashier',
      'POST',
      `/api/members/${member.id}/recharges`,
      { amount_fen: 10000, tenders: [{ method: 'bank_card', amount_fen: 10000 }] },
      { key: k },
    );
    expect(ok.statusCode).toBe(201);
  });

  it('a balance payment beyond the balance → 409 with available_fen, nothing changed; replays are idempotent', async () => {
    const { app, db } = await setup();
    const m = await createTestMerchant(db);
    const call = client(app, m);
    const member = await createMember(db, m.ctx());
    await call(
      'cashier',
      'POST',
      `/api/members/${member.id}/recharges`,
      { amount_fen: 3000, tenders: [{ method: 'cash', amount_fen: 3000 }] },
      { key: key() },
    );
    const over = await call(
      'cashier',
      'POST',
      `/api/members/${member.id}/wallet/pay`,
      { amount_fen: 3001, order_ref: 'o1' },
      { key: key() },
    );
    expect(over.statusCode).toBe(409);
    expect(over.json().error).toMatchObject({
      code: 'wallet.insufficient',
      params: { available_fen: 3000 },
    });
    const k = key();
    const first = await call(
      'cashier',
      'POST',
      `/api/members/${member.id}/wallet/pay`,
      { amount_fen: 1000, order_ref: 'o2' },
      { key: k },
    );
    const again = await call(
      'cashier',
      'POST',
      `/api/members/${member.id}/wallet/pay`,
      { amount_fen: 1000, order_ref: 'o2' },
      { key: k },
    );
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    const reused = await call(
      'cashier',
      'POST',
      `/api/members/${member.id}/wallet/pay`,
      { amount_fen: 999, order_ref: 'o2' },
      { key: k },
    );
    expect(reused.json().error.code).toBe('idempotency.key_reused');
    const payments = await db
      .selectFrom('wallet_payment')
      .select('amount_fen')
      .where('merchant_id', '=', m.merchantId)
      .execute();
    expect(payments).toEqual([{ amount_fen: 1000 }]);
    expect((await call('cashier', 'GET', `/api/members/${member.id}/wallet`)).json()).toMatchObject(
      { principal_fen: 2000 },
    );
  });

  it('roles and tenants: a marketer cannot recharge; another merchant’s member is 404', async () => {
    const { app, db } = await setup();
    const m = await createTestMerchant(db);
    const other = await createTestMerchant(db);
    const call = client(app, m);
    const member = await createMember(db, m.ctx());
    const stranger = await createMember(db, other.ctx());
    const body = { amount_fen: 100, tenders: [{ method: 'cash', amount_fen: 100 }] };
    const marketer = await call('marketer', 'POST', `/api/members/${member.id}/recharges`, body, {
      key: key(),
    });
    expect(marketer.statusCode).toBe(403);
    const foreign = await call('cashier', 'POST', `/api/members/${stranger.id}/recharges`, body, {
      key: key(),
    });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error.code).toBe('member.not_found');
  });
});

describe('payment password', () => {
  it('wrong → 403 with tries left; the 5th → 423; still locked on a new app instance', async () => {
    const { app, db } = await setup();
    const m = await createTestMerchant(db);
    const call = client(app, m);
    const member = await createMember(db, m.ctx());
    const url = `/api/members/${member.id}/wallet/pay`;
    await call('owner', 'PUT', '/api/wallet/settings', { password_threshold_fen: 5000 });
    await call(
      'cashier',
      'POST',
      `/api/members/${member.id}/recharges`,
      { amount_fen: 20000, tenders: [{ method: 'cash', amount_fen: 20000 }] },
      { key: key() },
    );
    const weak = await call('cashier', 'PUT', `/api/members/${member.id}/payment-password`, {
      password: '123456',
    });
    expect(weak.json().error).toMatchObject({ code: 'payment_password.weak', field: 'password' });
    const set = await call('cashier', 'PUT', `/api/members/${member.id}/payment-password`, {
      password: '135790',
    });
    expect(set.json()).toEqual({ set: true, locked_until: null, tries_left: 5 });

    // under the threshold no password is needed; above it, it is
    const small = await call(
      'cashier',
      'POST',
      url,
      { amount_fen: 5000, order_ref: 's' },
      { key: key() },
    );
    expect(small.statusCode).toBe(201);
    const missing = await call(
      'cashier',
      'POST',
      url,
      { amount_fen: 5001, order_ref: 'b' },
      { key: key() },
    );
    expect(missing.statusCode).toBe(403);
    expect(missing.json().error).toMatchObject({
      code: 'payment_password.required',
      field: 'payment_password',
    });

    const statuses: [number, string, unknown][] = [];
    for (let i = 0; i < 5; i++) {
      const res = await call(
        'cashier',
        'POST',
        url,
        { amount_fen: 6000, order_ref: 'b', payment_password: '000001' },
        { key: key() },
      );
      statuses.push([res.statusCode, res.json().error.code, res.json().error.params?.tries_left]);
    }
    expect(statuses).toEqual([
      [403, 'payment_password.wrong', 4],
      [403, 'payment_password.wrong', 3],
      [403, 'payment_password.wrong', 2],
      [403, 'payment_password.wrong', 1],
      [423, 'payment_password.locked', undefined],
    ]);
    const right = await call(
      'cashier',
      'POST',
      url,
      { amount_fen: 6000, order_ref: 'b', payment_password: '135790' },
      { key: key() },
    );
    expect(right.statusCode).toBe(423);
    // the lock stops small payments too, and it survives a restart
    const restarted = await clockApp(db);
    const afterRestart = await client(restarted, m)(
      'cashier',
      'POST',
      url,
      { amount_fen: 100, order_ref: 'c' },
      { key: key() },
    );
    expect(afterRestart.statusCode).toBe(423);
    await restarted.close();
    const row = await db
      .selectFrom('payment_password')
      .select(['failed_tries', 'locked_until'])
      .where('merchant_id', '=', m.merchantId)
      .executeTakeFirstOrThrow();
    expect(row.locked_until!.getTime()).toBeGreaterThan(Date.now() + 29 * 60_000);
    const payments = await db
      .selectFrom('wallet_payment')
      .select('amount_fen')
      .where('merchant_id', '=', m.merchantId)
      .execute();
    expect(payments).toEqual([{ amount_fen: 5000 }]);

    // 31 minutes later the lock has run out
    const later = new Date(Date.now() + 31 * 60_000).toISOString();
    const unlocked = await call(
      'cashier',
      'POST',
      url,
      { amount_fen: 6000, order_ref: 'd', payment_password: '135790' },
      { key: key(), now: later },
    );
    expect(unlocked.statusCode).toBe(201);
    expect(unlocked.json().auth).toBe('password');
  });

  it('staff reset after an identity check lifts the lock and is audited; cashiers cannot reset', async () => {
    const { app, db } = await setup();
    const m = await createTestMerchant(db);
    const call = client(app, m);
    const member = await createMember(db, m.ctx());
    await call('cashier', 'PUT', `/api/members/${member.id}/payment-password`, {
      password: '135790',
    });
    const change = await call('cashier', 'PUT', `/api/members/${member.id}/payment-password`, {
      password: '246801',
      old_password: '999999',
    });
    expect(change.json().error).toMatchObject({
      code: 'payment_password.wrong',
      field: 'old_password',
      params: { tries_left: 4 },
    });
    const body = {
      password: '246801',
      identity_check: { method: 'id_document', reference: 'ID ends 0012' },
    };
    const cashier = await call(
      'cashier',
      'POST',
      `/api/members/${member.id}/payment-password/reset`,
      body,
    );
    expect(cashier.statusCode).toBe(403);
    const reset = await call(
      'manager',
      'POST',
      `/api/members/${member.id}/payment-password/reset`,
      body,
    );
    expect(reset.json()).toEqual({ set: true, locked_until: null, tries_left: 5 });
    const audit = await db
      .selectFrom('audit_log')
      .select(['action', 'actor_id', 'after'])
      .where('merchant_id', '=', m.merchantId)
      .where('action', '=', 'payment_password.reset')
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({
      actor_id: m.staffIds.manager,
      after: { identity_check: { method: 'id_document', reference: 'ID ends 0012' } },
    });
  });

  it('a dynamic member code stands in for the password only where the merchant allows it', async () => {
    const { app, db } = await setup();
    const m = await createTestMerchant(db);
    const call = client(app, m);
    const member = await createMember(db, m.ctx());
    await call('owner', 'PUT', '/api/wallet/settings', { password_threshold_fen: 0 });
    await call(
      'cashier',
      'POST',
      `/api/members/${member.id}/recharges`,
      { amount_fen: 1000, tenders: [{ method: 'cash', amount_fen: 1000 }] },
      { key: key() },
    );
    const code = signMemberCode(member.id, m.merchantId, new Date(), testConfig().secret).code;
    const url = `/api/members/${member.id}/wallet/pay`;
    const refused = await call(
      'cashier',
      'POST',
      url,
      { amount_fen: 100, order_ref: 'x', member_code: code },
      { key: key() },
    );
    expect(refused.json().error.code).toBe('payment_password.member_code_not_allowed');
    await call('owner', 'PUT', '/api/wallet/settings', { member_code_as_password: true });
    const ok = await call(
      'cashier',
      'POST',
      url,
      { amount_fen: 100, order_ref: 'x', member_code: code },
      { key: key() },
    );
    expect(ok.statusCode).toBe(201);
    expect(ok.json().auth).toBe('member_code');
    const other = await createMember(db, m.ctx());
    const foreignCode = signMemberCode(
      other.id,
      m.merchantId,
      new Date(),
      testConfig().secret,
    ).code;
    const wrong = await call(
      'cashier',
      'POST',
      url,
      { amount_fen: 100, order_ref: 'y', member_code: foreignCode },
      { key: key() },
    );
    expect(wrong.json().error).toMatchObject({ code: 'member.code_invalid', field: 'member_code' });
  });
});

describe('concurrency and reports', () => {
  it('50 parallel recharges and payments on one wallet: balances equal the entries, never negative', async () => {
    const { app, db } = await setup();
    const m = await createTestMerchant(db);
    const call = client(app, m);
    const member = await createMember(db, m.ctx());
    const plan = await call('owner', 'POST', '/api/recharge-plans', {
      name: '充50送10',
      price_fen: 5000,
      bonus_fen: 1000,
    });
    await call('owner', 'PUT', '/api/wallet/settings', { spending_order: 'proportional' });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        i % 3 === 0
          ? call(
              'cashier',
              'POST',
              `/api/members/${member.id}/recharges`,
              { plan_id: plan.json().id, tenders: [{ method: 'cash', amount_fen: 5000 }] },
              { key: key() },
            )
          : call(
              'cashier',
              'POST',
              `/api/members/${member.id}/wallet/pay`,
              { amount_fen: 700 + i * 37, order_ref: `p${i}` },
              { key: key() },
            ),
      ),
    );
    const codes = results.map((r) => r.statusCode);
    expect(codes.every((c) => c === 201 || c === 409)).toBe(true);
    const refused = results.filter((r) => r.statusCode === 409).map((r) => r.json().error.code);
    expect(new Set(refused)).toEqual(new Set(refused.length ? ['wallet.insufficient'] : []));
    const recharges = results.filter((r, i) => i % 3 === 0 && r.statusCode === 201).length;
    expect(recharges).toBe(17);
    const paidFen = results
      .filter((r, i) => i % 3 !== 0 && r.statusCode === 201)
      .reduce((n, r) => n + r.json().amount_fen, 0);
    const wallet = (await call('cashier', 'GET', `/api/members/${member.id}/wallet`)).json();
    expect(wallet.principal_fen + wallet.bonus_fen).toBe(17 * 6000 - paidFen);
    expect(wallet.principal_fen).toBeGreaterThanOrEqual(0);
    expect(wallet.bonus_fen).toBeGreaterThanOrEqual(0);
    expect(await walletInvariants(db, m.merchantId)).toBe(0);
  });

  it('liability report: principal vs bonus per home store', async () => {
    const { app, db } = await setup();
    const m = await createTestMerchant(db);
    const call = client(app, m);
    const store = await call('owner', 'POST', '/api/stores', { code: 'S1', name: '一店' });
    expect(store.statusCode).toBe(201);
    const a = await createMember(db, m.ctx(), { home_store_id: store.json().id });
    const b = await createMember(db, m.ctx());
    const plan = await call('owner', 'POST', '/api/recharge-plans', { ...S9_PLAN, name: 'S9' });
    const pack = await call('owner', 'POST', '/api/recharge-plans', {
      name: '充100送50',
      price_fen: 10000,
      bonus_fen: 5000,
    });
    for (const [member, planId] of [
      [a, plan.json().id],
      [b, pack.json().id],
    ] as const)
      await call(
        'cashier',
        'POST',
        `/api/members/${member.id}/recharges`,
        { plan_id: planId, tenders: [{ method: 'cash', amount_fen: 10000 }] },
        { key: key() },
      );
    const report = await call('manager', 'GET', '/api/reports/wallet-liability');
    expect(report.statusCode).toBe(200);
    expect(report.json().stores).toEqual([
      {
        store_id: store.json().id,
        store_name: '一店',
        members: 1,
        principal_fen: 10000,
        bonus_fen: 0,
        bonus_pending_fen: 10000,
        total_fen: 10000,
      },
      {
        store_id: null,
        store_name: null,
        members: 1,
        principal_fen: 10000,
        bonus_fen: 5000,
        bonus_pending_fen: 0,
        total_fen: 15000,
      },
    ]);
    expect(report.json().total).toMatchObject({ principal_fen: 20000, bonus_fen: 5000 });
    expect((await call('cashier', 'GET', '/api/reports/wallet-liability')).statusCode).toBe(403);
  });
});
