import { describe, expect, it } from 'vitest';
import { createMember, createTestMerchant } from '../../../test/factories.ts';
import {
  clockTestApp,
  key,
  S9_PLAN,
  walletClient,
  walletInvariants,
} from '../../../test/wallet-support.ts';

const setup = clockTestApp;

describe('S9 bakery recharge through the API', () => {
  it('pay 100 get 100 in 5 monthly parts: January spendable at 23:59:59, gone at 00:00:00', async () => {
    const { app, db } = await setup();
    const m = await createTestMerchant(db);
    const call = walletClient(app, m);
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
    const call = walletClient(app, m);
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
    const call = walletClient(app, m);
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
      bonus_instalments_fen: [4000, 4000, 2000, 0], // a month of nothing
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
    const call = walletClient(app, m);
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
    const call = walletClient(app, m);
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
    const call = walletClient(app, m);
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
