import { describe, expect, it } from 'vitest';
import { createMember, createTestMerchant, type TestMerchant } from '../../../test/factories.ts';
import { clockApp, clockTestApp, key, walletClient } from '../../../test/wallet-support.ts';
import type { App } from '../app.ts';

const setup = clockTestApp;

/** An integrator's member app: an API key holding `members.code` (no staff role holds it). */
async function memberAppKey(app: App, m: TestMerchant, scopes = ['members.code', 'wallet.pay']) {
  const res = await app.inject({
    method: 'POST',
    url: '/api/api-keys',
    headers: { authorization: `Bearer ${m.tokens.owner}` },
    payload: { name: 'member app', scopes },
  });
  expect(res.statusCode).toBe(201);
  return res.json().key as string;
}

async function fundedMember(app: App, m: TestMerchant, fen = 10000) {
  const { db } = await setup();
  const member = await createMember(db, m.ctx());
  const res = await walletClient(app, m)(
    'cashier',
    'POST',
    `/api/members/${member.id}/recharges`,
    { amount_fen: fen, tenders: [{ method: 'cash', amount_fen: fen }] },
    { key: key() },
  );
  expect(res.statusCode).toBe(201);
  return member;
}

const paymentsOf = async (merchantId: string) => {
  const { db } = await setup();
  return db
    .selectFrom('wallet_payment')
    .select(['order_ref', 'amount_fen', 'auth'])
    .where('merchant_id', '=', merchantId)
    .orderBy('created_at')
    .execute();
};

describe('member code: minted by the member only, pays once', () => {
  it('no staff role mints a code; the member app does', async () => {
    const { app, db } = await setup();
    const m = await createTestMerchant(db);
    const call = walletClient(app, m);
    const member = await createMember(db, m.ctx());
    for (const role of ['owner', 'manager', 'cashier', 'marketer'] as const) {
      const res = await call(role, 'GET', `/api/members/${member.id}/code`);
      expect(res.statusCode, role).toBe(403);
      expect(res.json().error.code).toBe('auth.forbidden');
    }
    const apiKey = await memberAppKey(app, m);
    const minted = await app.inject({
      url: `/api/members/${member.id}/code`,
      headers: { 'x-api-key': apiKey },
    });
    expect(minted.statusCode).toBe(200);
    expect(minted.json().qr_svg).toContain('<svg');
  });

  it('a code pays once, also raced on two app instances; a fresh code pays again', async () => {
    const { app, db } = await setup();
    const m = await createTestMerchant(db);
    const call = walletClient(app, m);
    const member = await fundedMember(app, m);
    await call('owner', 'PUT', '/api/wallet/settings', {
      member_code_as_password: true,
      password_threshold_fen: 0,
    });
    const apiKey = await memberAppKey(app, m);
    const mint = async () =>
      (
        await app.inject({
          url: `/api/members/${member.id}/code`,
          headers: { 'x-api-key': apiKey },
        })
      ).json().code as string;
    const url = `/api/members/${member.id}/wallet/pay`;
    const code = await mint();
    const other = await clockApp(db);
    const [a, b] = await Promise.all(
      [app, other].map((instance, i) =>
        walletClient(instance, m)(
          'cashier',
          'POST',
          url,
          { amount_fen: 100, order_ref: `race-${i}`, member_code: code },
          { key: key() },
        ),
      ),
    );
    await other.close();
    expect([a!.statusCode, b!.statusCode].sort()).toEqual([201, 422]);
    const refused = [a!, b!].find((r) => r.statusCode === 422)!;
    expect(refused.json().error).toMatchObject({ code: 'member.code_used', field: 'member_code' });
    const again = await call(
      'cashier',
      'POST',
      url,
      { amount_fen: 100, order_ref: 'again', member_code: code },
      { key: key() },
    );
    expect(again.json().error.code).toBe('member.code_used');
    const fresh = await call(
      'cashier',
      'POST',
      url,
      { amount_fen: 100, order_ref: 'fresh', member_code: await mint() },
      { key: key() },
    );
    expect(fresh.statusCode).toBe(201);
    expect((await paymentsOf(m.merchantId)).map((p) => p.auth)).toEqual([
      'member_code',
      'member_code',
    ]);
    const wallet = (await call('cashier', 'GET', `/api/members/${member.id}/wallet`)).json();
    expect(wallet.principal_fen).toBe(9800);
  });
});

describe('first payment password', () => {
  it('the till cannot set it; a manager sets it after an identity check (audited); the member app can', async () => {
    const { app, db } = await setup();
    const m = await createTestMerchant(db);
    const call = walletClient(app, m);
    const member = await createMember(db, m.ctx());
    const url = `/api/members/${member.id}/payment-password`;
    for (const role of ['cashier', 'manager', 'owner'] as const) {
      const res = await call(role, 'PUT', url, { password: '135790' });
      expect(res.statusCode, role).toBe(403);
      expect(res.json().error.code).toBe('payment_password.first_needs_member');
    }
    const stored = () =>
      db
        .selectFrom('payment_password')
        .select('member_id')
        .where('merchant_id', '=', m.merchantId)
        .execute();
    expect(await stored()).toEqual([]);
    const reset = await call('manager', 'POST', `${url}/reset`, {
      password: '135790',
      identity_check: { method: 'id_document', reference: 'ID ends 0012' },
    });
    expect(reset.statusCode).toBe(200);
    expect(await stored()).toHaveLength(1);
    const audit = await db
      .selectFrom('audit_log')
      .select(['actor_id'])
      .where('merchant_id', '=', m.merchantId)
      .where('action', '=', 'payment_password.reset')
      .execute();
    expect(audit).toEqual([{ actor_id: m.staffIds.manager }]);

    // the member's own channel sets a first password for another member
    const other = await createMember(db, m.ctx());
    const apiKey = await memberAppKey(app, m);
    const own = await app.inject({
      method: 'PUT',
      url: `/api/members/${other.id}/payment-password`,
      headers: { 'x-api-key': apiKey },
      payload: { password: '246801' },
    });
    expect(own.statusCode).toBe(200);
    expect(own.json().set).toBe(true);
  });
});

describe('an order is paid once', () => {
  it('the same order_ref with another Idempotency-Key is 409 carrying the first payment', async () => {
    const { app, db } = await setup();
    const m = await createTestMerchant(db);
    const call = walletClient(app, m);
    const member = await fundedMember(app, m);
    const url = `/api/members/${member.id}/wallet/pay`;
    const first = await call(
      'cashier',
      'POST',
      url,
      { amount_fen: 300, order_ref: 'A1' },
      { key: key() },
    );
    expect(first.statusCode).toBe(201);
    const second = await call(
      'cashier',
      'POST',
      url,
      { amount_fen: 300, order_ref: 'A1' },
      { key: key() },
    );
    expect(second.statusCode).toBe(409);
    expect(second.json().error).toMatchObject({
      code: 'wallet.order_already_paid',
      field: 'order_ref',
      params: { payment: { id: first.json().id, amount_fen: 300, order_ref: 'A1' } },
    });
    // another member paying the same order reference, in parallel
    const two = await fundedMember(app, m);
    const raced = await Promise.all(
      [member.id, two.id].map((id) =>
        call(
          'cashier',
          'POST',
          `/api/members/${id}/wallet/pay`,
          { amount_fen: 200, order_ref: 'B2' },
          { key: key() },
        ),
      ),
    );
    expect(raced.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    expect((await paymentsOf(m.merchantId)).map((p) => p.order_ref)).toEqual(['A1', 'B2']);
    const wallets = await db
      .selectFrom('ledger_balance')
      .select((eb) => eb.fn.sum<string>('balance').as('total'))
      .where('merchant_id', '=', m.merchantId)
      .where('ledger', '=', 'principal')
      .executeTakeFirstOrThrow();
    expect(Number(wallets.total)).toBe(20000 - 500);
  });
});

describe('replays are answered before authorisation', () => {
  it('a paid request replays after its code expired and after the password locked', async () => {
    const { app, db } = await setup();
    const m = await createTestMerchant(db);
    const call = walletClient(app, m);
    const member = await fundedMember(app, m);
    await call('owner', 'PUT', '/api/wallet/settings', {
      member_code_as_password: true,
      password_threshold_fen: 0,
    });
    await call('manager', 'POST', `/api/members/${member.id}/payment-password/reset`, {
      password: '135790',
      identity_check: { method: 'in_person', reference: 'present' },
    });
    const apiKey = await memberAppKey(app, m);
    const code = (
      await app.inject({ url: `/api/members/${member.id}/code`, headers: { 'x-api-key': apiKey } })
    ).json().code;
    const url = `/api/members/${member.id}/wallet/pay`;
    const byCode = { amount_fen: 100, order_ref: 'c1', member_code: code };
    const codeKey = key();
    const paid = await call('cashier', 'POST', url, byCode, { key: codeKey });
    expect(paid.statusCode).toBe(201);
    const later = new Date(Date.now() + 10 * 60_000).toISOString();
    const replay = await call('cashier', 'POST', url, byCode, { key: codeKey, now: later });
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json()).toEqual(paid.json());

    const byPassword = { amount_fen: 100, order_ref: 'p1', payment_password: '135790' };
    const passwordKey = key();
    const first = await call('cashier', 'POST', url, byPassword, { key: passwordKey });
    expect(first.statusCode).toBe(201);
    for (let i = 0; i < 5; i++)
      await call(
        'cashier',
        'POST',
        url,
        { ...byPassword, order_ref: `w${i}`, payment_password: '000001' },
        { key: key() },
      );
    const locked = await call(
      'cashier',
      'POST',
      url,
      { ...byPassword, order_ref: 'p2' },
      { key: key() },
    );
    expect(locked.statusCode).toBe(423);
    const again = await call('cashier', 'POST', url, byPassword, { key: passwordKey });
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect(await paymentsOf(m.merchantId)).toHaveLength(2);
  });
});
