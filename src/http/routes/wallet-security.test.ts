import { describe, expect, it } from 'vitest';
import { createMember, createTestMerchant, testConfig } from '../../../test/factories.ts';
import {
  clockApp,
  clockTestApp,
  key,
  S9_PLAN,
  walletClient,
  walletInvariants,
} from '../../../test/wallet-support.ts';
import { signMemberCode } from '../../core/members/member-code.ts';

const setup = clockTestApp;

/** A first password at the till: a manager after an identity check (audited). */
const setFirstPassword = (
  call: ReturnType<typeof walletClient>,
  memberId: string,
  password: string,
) =>
  call('manager', 'POST', `/api/members/${memberId}/payment-password/reset`, {
    password,
    identity_check: { method: 'in_person', reference: 'member present' },
  });

describe('payment password', () => {
  it('wrong → 422 with tries left; the 5th → 423; still locked on a new app instance', async () => {
    const { app, db } = await setup();
    const m = await createTestMerchant(db);
    const call = walletClient(app, m);
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
    const set = await setFirstPassword(call, member.id, '135790');
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
    expect(missing.statusCode).toBe(422);
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
      [422, 'payment_password.wrong', 4],
      [422, 'payment_password.wrong', 3],
      [422, 'payment_password.wrong', 2],
      [422, 'payment_password.wrong', 1],
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
    const afterRestart = await walletClient(restarted, m)(
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
    const call = walletClient(app, m);
    const member = await createMember(db, m.ctx());
    await setFirstPassword(call, member.id, '135790');
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
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({
      actor_id: m.staffIds.manager,
      after: { identity_check: { method: 'id_document', reference: 'ID ends 0012' } },
    });
  });

  it('a dynamic member code stands in for the password only where the merchant allows it', async () => {
    const { app, db } = await setup();
    const m = await createTestMerchant(db);
    const call = walletClient(app, m);
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
    const call = walletClient(app, m);
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
    const call = walletClient(app, m);
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
